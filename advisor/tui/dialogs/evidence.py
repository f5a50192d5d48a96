"""Why the scan proposes an answer: its reasoning, the findings behind it, and example places
(path and line) a user can open to check it."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from advisor.inputs.questions import Question
from advisor.printable import printable
from advisor.report.project import percent
from advisor.scan.model import ProjectScan, Proposal
from advisor.tui.hanging import hanging
from advisor.tui.widgets.keys import ScrollPane


def proposed_label(question: Question, value: str | list[str]) -> str:
    """A proposed value in the questionnaire's words where it has them."""
    values = [value] if isinstance(value, str) else value
    labels = [question.label(v).split(":")[0] if v in question.values else printable(v)
              for v in values]  # fmt: skip
    return ", ".join(labels) or "none"


def evidence_text(question: Question, proposals: list[Proposal], scan: ProjectScan) -> Group:
    findings = {f.id: f for f in scan.findings}
    parts: list[RenderableType] = []
    for p in proposals:
        kind = "Proposed" if p.kind == "default" else "Hint, never chosen for you"
        parts.append(Text(f"{kind}: {proposed_label(question, p.value)} "
                          f"({percent(p.confidence)} sure)", style="bold"))
        parts.append(Text(printable(p.because)))
        used = [findings[i] for i in p.findings if i in findings]
        if used:
            parts.append(Text("\nWhat it rests on", style="bold underline"))
            parts += [hanging("•", Text(f"{printable(f.label)}: {f.occurrences:,} in "
                                        f"{f.files:,} file{'' if f.files == 1 else 's'}"))
                      for f in used]
        if p.evidence:
            parts.append(Text("\nWhere to look", style="bold underline"))
            for e in p.evidence:
                place = Text(printable(e.path) + (f":{e.line}" if e.line is not None else ""),
                             style="bold")
                if e.text:
                    place.append("  " + printable(e.text), style="dim")
                parts.append(hanging("•", place))
        parts.append(Text(""))
    parts.append(Text(f"Scanned {printable(scan.root)}; paths are relative to it.", style="dim"))
    return Group(*parts)


class EvidenceModal(ModalScreen[None]):
    """The scan's reasons for a question's proposal and hint; Escape, Enter or e closes it."""

    BINDINGS = [Binding("escape,enter,e", "close", "Close", key_display="Esc")]

    def __init__(self, question: Question, proposals: list[Proposal], scan: ProjectScan) -> None:
        super().__init__()
        self.question = question
        self.body = evidence_text(question, proposals, scan)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            # A Static, not a Label: a long question wraps in a narrow terminal.
            yield Static(f"The scan on: {self.question.prompt}", classes="dialog-title",
                         markup=False)
            with ScrollPane(id="evidence"):
                yield Static(self.body)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ScrollPane).focus()

    def action_close(self) -> None:
        self.dismiss(None)
