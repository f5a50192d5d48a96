"""``recommend(answers, project=...)``: a folder is scanned (with the default limits), a
ProjectScan used as it is, and anything else is a ProjectError, never a TypeError."""

from __future__ import annotations

from pathlib import Path

import pytest
from project_scans import proposal, scan, use_engine

from advisor import ProjectError, ProjectScan, recommend
from advisor.inputs.files import brief

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "android-app.yaml"
SCAN = scan(proposal("domain", "audio", confidence=0.7))


class Evil:
    def __repr__(self) -> str:
        raise RuntimeError("repr bomb")


def test_a_scan_is_used_as_it_is(monkeypatch) -> None:
    engine = use_engine(monkeypatch)
    rec = recommend({}, project=SCAN)
    assert engine.calls == []
    assert rec.answers["domain"] == "audio" and rec.project.root == "repo"


@pytest.mark.parametrize("as_path", [str, Path])
def test_a_folder_is_scanned(monkeypatch, tmp_path, as_path) -> None:
    engine = use_engine(monkeypatch, SCAN)
    rec = recommend({"domain": "vision"}, project=as_path(tmp_path))
    assert engine.calls == [str(tmp_path)]
    assert rec.answers["domain"] == "vision"
    assert rec.project.proposals[0].status == "overridden"


@pytest.mark.parametrize("value", [
    3, 1.5, True, b"bytes", ["repo"], {"root": "repo"}, object(), Evil(), "", "a\0b",
    "/nonexistent/folder", str(EXAMPLE), EXAMPLE / "inside",
], ids=brief)
def test_anything_else_is_a_project_error(monkeypatch, value) -> None:
    engine = use_engine(monkeypatch, SCAN)
    with pytest.raises(ProjectError) as caught:
        recommend({}, project=value)
    assert engine.calls == [], "nothing is scanned"
    assert "\n" not in str(caught.value)


def test_project_scan_is_part_of_the_public_api() -> None:
    import advisor

    assert advisor.ProjectScan is ProjectScan
    assert "project" in recommend.__doc__
