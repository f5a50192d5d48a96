"""The scan report's wording: evidence places, hints marked as never applied, Markdown that
nothing in a file name can break, and escape sequences removed even from a scan read back."""

from __future__ import annotations

import re

from advisor.report.scan import place, render_scan
from advisor.scan.model import (
    BoundCode,
    Evidence,
    Finding,
    Limits,
    ProjectScan,
    Proposal,
    SwitchingCost,
    Tally,
)


def _scan(**changes: object) -> ProjectScan:
    evidence = [Evidence(path="nb.ipynb", line=2, cell=3, text="import torch")]
    values: dict[str, object] = dict(
        root="/p", complete=True, limits=Limits(max_files=10, max_file_bytes=1024 * 1024,
                                                max_seconds=5),
        files_seen=3, files_read=2, bytes_read=2048, seconds=0.25,
        findings=[Finding(id="import-pytorch", category="import", label="PyTorch",
                          bound_to="pytorch", files=1, occurrences=2, evidence=evidence)],
        proposals=[
            Proposal(question="existing_code", value="pytorch", confidence=0.7,
                     because="All 1 file.", findings=["import-pytorch"], evidence=evidence),
            Proposal(question="team_experience", value="both", kind="hint", confidence=0.3,
                     because="Who committed.", findings=[], evidence=[]),
        ],
        switching_cost=SwitchingCost(pytorch=BoundCode(files=1, lines=2)),
        skipped=[Tally(reason="symbolic links (not followed)", count=7, examples=["a", "b"])],
    )
    values.update(changes)
    return ProjectScan(**values)  # type: ignore[arg-type]


def test_places_name_the_cell_and_line() -> None:
    assert place(Evidence(path="a.py", line=3)) == "a.py:3"
    assert place(Evidence(path="nb.ipynb", line=2, cell=3)) == "nb.ipynb cell 3:2"
    assert place(Evidence(path="m.pt")) == "m.pt"


def test_text_marks_hints_and_limits_and_tallies() -> None:
    text = render_scan(_scan(), "text", defaults=Limits(max_files=10, max_file_bytes=1,
                                                         max_seconds=60))
    assert "existing_code = pytorch  (proposed answer, confidence 70%)" in text
    assert "team_experience = both  (hint only, never applied, confidence 30%)" in text
    assert "nb.ipynb cell 3:2  import torch" in text
    assert "Limits: at most 10 files (default), 1 MB per file read, 5 s." in text
    assert "7 symbolic links (not followed): a, b, …" in text
    assert "PyTorch: 1 file, 2 lines" in text


def test_markdown_escapes_what_a_file_name_could_start() -> None:
    nasty = Evidence(path="a|b`*_.py", line=1, text="<script>|")
    scan = _scan(findings=[Finding(id="x", category="import", label="L|*", files=1,
                                   occurrences=1, evidence=[nasty])])
    md = render_scan(scan, "markdown")
    row = next(line for line in md.splitlines() if line.startswith("| Imports"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 7  # the cells' own bars are escaped
    assert "<script>" not in md


def test_escape_sequences_are_removed_from_a_scan_read_back() -> None:
    scan = _scan(root="/p\x1b[2J", skipped=[Tally(reason="r\x1b]8;;x\x07", count=1,
                                                  examples=["e\x9b31m"])])
    for fmt in ("text", "markdown"):
        out = render_scan(scan, fmt)  # type: ignore[arg-type]
        assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
