"""Text from other people's files never carries a terminal escape to the output (issue 22,
item 2): a screen-clearing CSI, an OSC 8 link that hides where it points, a bare carriage
return and C1 controls, put in a rule's because and source URL, a measurement's machine,
flags and message, and an answers file's keys and values, reach neither the text report,
the Markdown, the JSON (decoded, then printed) nor the error messages. The app's screens are
checked in tests/tui/test_untrusted_text.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_text import (
    HOSTILE,
    NO_SLASH,
    escapes_in,
    hostile_measurements,
    hostile_pack,
    yaml_escaped,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "android-app.yaml"

def _run(tmp_path: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "COLUMNS"}}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, "-m", "advisor", *map(str, args)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, encoding="utf-8",
                          timeout=60, check=False)  # fmt: skip


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_no_escape_from_a_rule_or_a_measurements_file_reaches_a_report(tmp_path, fmt) -> None:
    pack = hostile_pack(tmp_path / "hostile.yaml")
    measurements = hostile_measurements(tmp_path / "m.json")
    r = _run(tmp_path, "--answers", EXAMPLE, "--rules", pack, "--measurements", measurements,
             "--format", fmt)  # fmt: skip
    assert r.returncode == 0, r.stderr
    shown = r.stdout
    if fmt == "json":  # what a script prints after decoding it
        shown = "\n".join(_strings(json.loads(r.stdout)))
    assert "A rule from somebody else" in shown and "innocent" in shown  # the text stays
    assert "window CV 14 %" in shown and "Some CPU" in shown
    assert escapes_in(shown) == [], escapes_in(shown)
    assert escapes_in(r.stderr) == []


def test_no_escape_from_an_answers_file_reaches_its_error_messages(tmp_path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(f"domain: {yaml_escaped('vision' + HOSTILE)}\n"
                       f"{yaml_escaped('deploy' + HOSTILE)}: [mobile]\n", encoding="utf-8")
    r = _run(tmp_path, "--answers", answers, "--no-probe")
    assert r.returncode == 2
    assert "domain" in r.stderr and "unknown question" in r.stderr
    assert escapes_in(r.stderr) == [], r.stderr


def test_no_escape_from_a_rule_folder_reaches_rules_check(tmp_path) -> None:
    # A file name may carry escapes too (a tarball of rule packs), and a stale source's title
    # is quoted in a warning.
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "ok.yaml").write_text(
        "pack: stale\nrules:\n  - id: stale-note\n    kind: note\n    when: {domain: vision}\n"
        f"    because: {yaml_escaped('A note from somebody else ' + HOSTILE)}\n"
        f"    sources:\n      - title: {yaml_escaped('Old page ' + HOSTILE)}\n"
        "        checked: 2020-01-01\n", encoding="utf-8")  # fmt: skip
    (folder / f"bad{NO_SLASH}.yaml").write_text("pack: [\n", encoding="utf-8")
    r = _run(tmp_path, "rules", "check", folder)
    assert r.returncode == 1
    assert "Old page" in r.stdout and "YAML syntax error" in r.stdout
    assert escapes_in(r.stdout + r.stderr) == []
