"""``advisor scan``'s report: what the scan found and proposes, in text, Markdown or JSON.

Every string that came from the scanned tree or from a table passes through ``printable``
again here (a report may render a scan made elsewhere, read from JSON).
"""

from __future__ import annotations

import json
import textwrap
from typing import Literal

import msgspec

from advisor.printable import printable
from advisor.scan.model import BoundCode, Evidence, Finding, ProjectScan, Proposal, Tally
from advisor.scoring.recommendation import EvidenceRef

ScanFormat = Literal["text", "markdown", "json"]
NAMES = {"tensorflow": "TensorFlow", "pytorch": "PyTorch", "keras": "Keras 3", "jax": "JAX"}
CATEGORIES = {
    "model_file": "Model files", "deployment": "Deployment", "import": "Imports",
    "call": "Calls and names", "dependency": "Dependencies", "accelerator": "Accelerators",
    "history": "History",
}  # fmt: skip


def render_scan(scan: ProjectScan, fmt: ScanFormat, *, width: int = 100,
                defaults: msgspec.Struct | None = None) -> str:  # fmt: skip
    """The report as a string; ``defaults`` are the default limits, to mark the ones in force."""
    if fmt == "json":
        return json.dumps(msgspec.to_builtins(scan), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(scan, defaults)
    return _text(scan, width, defaults)


def _p(text: str) -> str:
    return printable(str(text))


def place(e: Evidence | EvidenceRef) -> str:
    """``path:line``, ``notebook.ipynb cell 3:2`` or ``path``."""
    where = _p(e.path)
    if e.cell is not None:
        where += f" cell {e.cell}"
    if e.line is not None:
        where += f":{e.line}"
    return where


def value_text(value: str | list[str]) -> str:
    return ", ".join(value) if isinstance(value, list) else value


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n = n / 1024  # type: ignore[assignment]
    return str(n)


def summary_line(scan: ProjectScan) -> str:
    state = "complete" if scan.complete else "stopped early (see Skipped)"
    return (f"{scan.files_seen:,} files seen, {scan.files_read:,} read ({_size(scan.bytes_read)})"
            f" in {scan.seconds:.1f} s; {state}.")


def limits_line(scan: ProjectScan, defaults: msgspec.Struct | None) -> str:
    limits = scan.limits

    def mark(name: str) -> str:
        same = defaults is not None and getattr(defaults, name) == getattr(limits, name)
        return " (default)" if same else ""

    return (f"Limits: at most {limits.max_files:,} files{mark('max_files')}, "
            f"{limits.max_file_bytes / 1024 / 1024:g} MB per file read{mark('max_file_bytes')}, "
            f"{limits.max_seconds:g} s{mark('max_seconds')}.")


def cost_line(name: str, bound: BoundCode) -> str | None:
    if not (bound.files or bound.model_files or bound.deployment):
        return None
    parts = [f"{bound.files:,} file{'s' if bound.files != 1 else ''}, {bound.lines:,} "
             f"line{'s' if bound.lines != 1 else ''} that import or call it"]
    if bound.model_files:
        parts.append("model files: " + ", ".join(
            f"{_p(fmt)} {n:,}" for fmt, n in sorted(bound.model_files.items())))
    if bound.deployment:
        parts.append("deployment: " + "; ".join(_p(d) for d in bound.deployment))
    return f"{NAMES.get(name, name)}: " + "; ".join(parts)


def cost_lines(scan: ProjectScan) -> list[str]:
    cost = scan.switching_cost
    lines = [cost_line(name, getattr(cost, name)) for name in NAMES if hasattr(cost, name)]
    return [line for line in lines if line]


def _proposal_head(p: Proposal) -> str:
    how = "hint only, never applied" if p.kind == "hint" else "proposed answer"
    return f"{_p(p.question)} = {_p(value_text(p.value))}  ({how}, confidence {p.confidence:.0%})"


def _tally_line(t: Tally) -> str:
    examples = ", ".join(_p(e) for e in t.examples)
    return f"{t.count:,} {_p(t.reason)}" + (f": {examples}" if examples else "") + (
        ", …" if t.count > len(t.examples) and t.examples else "")


def _finding_head(f: Finding) -> str:
    bound = f" [{NAMES.get(f.bound_to, f.bound_to)}]" if f.bound_to else ""
    return (f"{_p(f.label)}{bound}: {f.files:,} file{'s' if f.files != 1 else ''}, "
            f"{f.occurrences:,} occurrence{'s' if f.occurrences != 1 else ''} ({_p(f.id)})")


def _evidence_line(e: Evidence) -> str:
    text = f"  {_p(e.text)}" if e.text else ""
    return f"{place(e)}{text}"


def _text(scan: ProjectScan, width: int, defaults: msgspec.Struct | None) -> str:
    out: list[str] = [f"Project scan of {_p(scan.root)}", "", summary_line(scan),
                      limits_line(scan, defaults)]

    def para(text: str, indent: str) -> None:
        out.extend(textwrap.wrap(text, width=width, initial_indent=indent,
                                 subsequent_indent=indent, break_on_hyphens=False) or [indent])

    out += ["", "Proposed answers"]
    if not scan.proposals:
        out.append("  None: nothing the scan found points to an answer.")
    for p in scan.proposals:
        out.append(f"  {_proposal_head(p)}")
        para(_p(p.because), "    ")
        for e in p.evidence:
            para(_evidence_line(e), "      ")
    costs = cost_lines(scan)
    out += ["", "What a change of framework would touch"]
    out += [f"  {line}" for line in costs] or ["  No framework-bound code, model or deployment."]
    out += ["", "Findings"]
    if not scan.findings:
        out.append("  None.")
    for category, title in CATEGORIES.items():
        found = [f for f in scan.findings if f.category == category]
        if not found:
            continue
        out.append(f"  {title}")
        for f in found:
            para(_finding_head(f), "    ")
            for e in f.evidence:
                para(_evidence_line(e), "      ")
    for title, tallies in (("Skipped (not read)", scan.skipped),
                           ("Problems (read but not understood)", scan.problems)):
        out += ["", title]
        out += [f"  {_tally_line(t)}" for t in tallies] or ["  None."]
    return "\n".join(line.rstrip() for line in out) + "\n"


def _md(text: str) -> str:
    """Text in a Markdown line or cell: nothing in it starts markup."""
    text = _p(text).replace("\n", " ")
    return "".join("\\" + c if c in "\\`*_[]<>|#" else c for c in text)


def _markdown(scan: ProjectScan, defaults: msgspec.Struct | None) -> str:
    out = [f"# Project scan of `{_p(scan.root).replace('`', '')}`", "", summary_line(scan),
           limits_line(scan, defaults), "", "## Proposed answers", ""]
    if not scan.proposals:
        out.append("None: nothing the scan found points to an answer.")
    for p in scan.proposals:
        out.append(f"- **{_md(p.question)} = {_md(value_text(p.value))}** "
                   f"({'hint only, never applied' if p.kind == 'hint' else 'proposed answer'}, "
                   f"confidence {p.confidence:.0%}): {_md(p.because)}")
        out += [f"  - `{place(e).replace('`', '')}` {_md(e.text)}".rstrip() for e in p.evidence]
    out += ["", "## What a change of framework would touch", ""]
    out += [f"- {_md(line)}" for line in cost_lines(scan)] or [
        "- No framework-bound code, model or deployment."]
    out += ["", "## Findings", ""]
    if scan.findings:
        out += ["| Category | Finding | Framework | Files | Occurrences | Example |",
                "|---|---|---|---:|---:|---|"]
        for f in scan.findings:
            example = place(f.evidence[0]).replace("`", "").replace("|", "\\|") \
                if f.evidence else ""
            out.append(f"| {CATEGORIES[f.category]} | {_md(f.label)} (`{_p(f.id)}`) | "
                       f"{NAMES.get(f.bound_to or '', '—')} | {f.files:,} | {f.occurrences:,} | "
                       f"{f'`{example}`' if example else ''} |")
    else:
        out.append("None.")
    for title, tallies in (("Skipped (not read)", scan.skipped),
                           ("Problems (read but not understood)", scan.problems)):
        out += ["", f"## {title}", ""]
        out += [f"- {_md(_tally_line(t))}" for t in tallies] or ["None."]
    return "\n".join(out) + "\n"
