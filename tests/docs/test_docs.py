"""The README and docs/ as a newcomer meets them: short enough to read, every page linked and
opening with a sentence, every link and picture resolving, every block fenced with a language
the tests run (the blocks themselves run through Sybil: doc_blocks.py), and the figures they
quote read from the code that produces them."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from doc_blocks import LANGUAGES, ROOT, fences

from probes.settings import ProbeSettings

README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").glob("*.md"))
DOCUMENTS = [README, *PAGES]
LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _prose(text: str) -> str:
    """``text`` without its fenced blocks and inline code (links in them are not links)."""
    text = re.sub(r"^\s*```.*?^\s*```", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    headings = re.findall(r"^#{1,6} (.+)$", _prose_keep_code(path.read_text(encoding="utf-8")),
                          re.M)
    return {_slug(h) for h in headings}


def _prose_keep_code(text: str) -> str:
    return re.sub(r"^\s*```.*?^\s*```", "", text, flags=re.S | re.M)


def test_the_readme_is_a_front_door_not_the_manual() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) < 200, f"README.md has {len(lines)} lines: move reference into docs/"


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_every_page_is_linked_from_the_readme(page: Path) -> None:
    assert f"](docs/{page.name})" in README.read_text(encoding="utf-8"), page.name


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_every_page_opens_with_a_title_and_the_sentence_a_reader_needs_first(page: Path) -> None:
    lines = [line for line in page.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines[0].startswith("# "), "a page starts with its title"
    first = lines[1]
    assert not first.startswith(("#", "```", "|", "-", "!", ">")), first
    assert re.match(r"^[`*A-Z(]", first), f"the title is followed by a sentence: {first!r}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=_id)
def test_every_block_names_a_language_the_tests_handle(document: Path) -> None:
    for line, language in fences(document.read_text(encoding="utf-8")):
        assert language in LANGUAGES, f"{_id(document)}, line {line}: ```{language}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=_id)
def test_every_relative_link_and_anchor_resolves(document: Path) -> None:
    for target in LINK.findall(_prose(document.read_text(encoding="utf-8"))):
        if re.match(r"^[a-z]+:", target):
            continue  # a web address: not checked here, no network in the tests
        path_part, _, anchor = target.partition("#")
        path = (document.parent / unquote(path_part)).resolve() if path_part else document
        assert path.exists(), f"{_id(document)}: {target} does not exist"
        assert path.is_relative_to(ROOT), f"{_id(document)}: {target} leaves the repository"
        if anchor:
            assert path.suffix == ".md", f"{_id(document)}: an anchor into {path.name}"
            assert anchor in _anchors(path), f"{_id(document)}: no heading for #{anchor}"


def test_the_link_checker_finds_a_dead_link_and_a_dead_anchor(tmp_path: Path) -> None:
    # The checker itself, on a page with one good and two bad links.
    (tmp_path / "a.md").write_text("# A\n\n## Some heading\n", encoding="utf-8")
    text = "[ok](a.md#some-heading) [gone](b.md) [lost](a.md#no-such-heading) `[no](c.md)`"
    targets = LINK.findall(_prose(text))
    assert targets == ["a.md#some-heading", "b.md", "a.md#no-such-heading"]
    assert "some-heading" in _anchors(tmp_path / "a.md")
    assert not (tmp_path / "b.md").exists()
    assert "no-such-heading" not in _anchors(tmp_path / "a.md")


def test_the_probe_time_quoted_is_the_one_the_probes_plan() -> None:
    # One source of truth: the app, the command line and these pages quote expected_wall_s.
    default, quick = ProbeSettings(), ProbeSettings(quick=True)
    said = f"about {default.expected_wall_s:.0f} s"
    for page in (README, ROOT / "docs" / "cli.md"):
        text = " ".join(page.read_text(encoding="utf-8").split())
        assert said in text, page.name
        quoted = set(re.findall(r"about (\d+) s\b", text))
        assert quoted == {f"{default.expected_wall_s:.0f}"}, (page.name, quoted)
    probes = " ".join((ROOT / "docs" / "probes.md").read_text(encoding="utf-8").split())
    assert (f"a wall-clock target, {default.expected_wall_s:.0f} s "
            f"({quick.expected_wall_s:.0f} s with `--quick`)") in probes
