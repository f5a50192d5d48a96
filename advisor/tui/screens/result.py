"""The result: winner and confidence first, then why, what was measured, what would change it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.highlight import highlight
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from advisor.errors import AdvisorError
from advisor.measurements import Measurements
from advisor.output import check_output_path, write_atomic
from advisor.recommendation import Recommendation
from advisor.report import common
from advisor.report.text import COLORS, flip_lines
from advisor.tui.dialogs import ConfirmModal, ErrorModal, PathModal
from advisor.tui.runner import FRAMEWORKS
from advisor.tui.widgets import CriterionBars

if TYPE_CHECKING:
    from advisor.tui.app import AdvisorApp

Export = Literal["answers", "markdown", "json"]
_EXPORTS: dict[str, tuple[str, str]] = {
    "answers": ("Save the answers (YAML)", "advisor-answers.yaml"),
    "markdown": ("Export the report (Markdown)", "advisor-report.md"),
    "json": ("Export the report (JSON)", "advisor-report.json"),
}
TABS = ("overview", "measured", "reasons", "change", "code")


class ResultScreen(Screen[None]):
    """Reads only the ``Recommendation`` (and the raw measurements for the table)."""

    BINDINGS = [
        Binding("a", "export('answers')", "Save answers"),
        Binding("m", "export('markdown')", "Markdown"),
        Binding("j", "export('json')", "JSON"),
        Binding("b", "back", "Change answers"),
        Binding("r", "start_over", "Start over"),
        Binding("q", "app.quit", "Quit"),
        *[Binding(str(i), f"tab('{tab}')", tab, show=False) for i, tab in enumerate(TABS, 1)],
    ]

    app: AdvisorApp  # type: ignore[assignment]

    def __init__(self, rec: Recommendation) -> None:
        super().__init__()
        self.rec = rec

    def compose(self) -> ComposeResult:
        rec = self.rec
        yield Header()
        with Vertical(id="headline", classes=rec.recommendation):
            yield Static(Text(common.headline(rec), style=f"bold {COLORS[rec.recommendation]}"),
                         id="winner")
            yield Static(common.confidence_line(rec), id="confidence", markup=False)
        with TabbedContent(id="tabs"):
            with TabPane("1 Overview", id="overview"), VerticalScroll():
                yield Static(self._overview(), classes="explanation")
                yield CriterionBars(rec, id="bars")
            with TabPane("2 Measured", id="measured"), VerticalScroll():
                yield Static(self._measured(), markup=False)
            with TabPane("3 Reasons", id="reasons"), VerticalScroll():
                yield Static(self._reasons())
            with TabPane("4 What would change it", id="change"), VerticalScroll():
                yield Static(self._change())
            with TabPane("5 Code", id="code"), Horizontal(id="code-panes"):
                for fw in FRAMEWORKS:
                    with Vertical(classes="code-pane"):
                        yield Static(common.NAMES[fw], classes=f"code-title {fw}")
                        with VerticalScroll(classes="code-scroll"):
                            yield Static(self._code(fw), classes="code")
        yield Footer()

    # --- content ----------------------------------------------------------------------------

    def _overview(self) -> RenderableType:
        rec = self.rec
        text = Text()
        if rec.constraint:
            c = rec.constraint
            text.append(f"Policy {c.id} requires {common.NAMES[c.requires]}: ", style="bold")
            text.append(c.because + "\n")
        text.append("\n".join(rec.explanation))
        origin = self.app.session.measurements_origin
        text.append("\n" + (f"Measurements: {origin}." if rec.measurements
                            else "No measurements: the result rests on the rules alone."),
                    style="dim")
        return text

    def _measured(self) -> RenderableType:
        m: Measurements | None = self.app.session.measurements
        if m is None:
            return Text("Nothing was measured (the probes were skipped), so the recommendation "
                        "rests on the rules alone. Start over with measuring on to compare "
                        "both frameworks on this machine.")
        table = Table(expand=False, box=None, padding=(0, 2, 0, 0), show_edge=False)
        table.add_column("", style="dim")
        for fw in FRAMEWORKS:
            table.add_column(common.NAMES[fw], justify="right", style=COLORS[fw],
                             header_style=f"bold {COLORS[fw]}")
        results = [m.frameworks.get(fw) for fw in FRAMEWORKS]  # type: ignore[call-overload]
        columns = [_measured_cells(r) for r in results]
        for label in columns[0]:
            table.add_row(label, *[column[label] for column in columns])
        notes = Text("\n".join(common.measurement_lines(self.rec)), style="dim")
        failed = [Text(f"{common.NAMES[fw]}: {r.status.replace('_', ' ')}: {r.message}",
                       style="red")
                  for fw, r in zip(FRAMEWORKS, results, strict=True) if r is not None and not r.ok]
        return Group(table, Text(""), *failed, notes)

    def _reasons(self) -> RenderableType:
        rec = self.rec
        parts: list[RenderableType] = []
        if not rec.reasons:
            parts.append(Text("No rule gave points for these answers."))
        for i, r in enumerate(rec.reasons, 1):
            head = Text(f"{i:>2}. ")
            head.append(common.NAMES[r.favors], style=f"bold {COLORS[r.favors]}")
            head.append(f" +{round(r.points, 2):g} × {r.weight:.2f} = {r.weighted_points:.2f}  "
                        f"{r.criterion} · {r.id}", style="dim")
            parts.append(head)
            parts.append(Padding(Text(r.because), (0, 0, 0, 4)))
            for s in r.sources:
                parts.append(Padding(Text(common.source_text(s), style="dim"), (0, 0, 0, 4)))
        if rec.notes:
            parts.append(Text("\nNotes", style="bold underline"))
            for n in rec.notes:
                parts.append(Padding(Text("• " + n.text), (0, 0, 0, 1)))
                for s in n.sources:
                    parts.append(Padding(Text(common.source_text(s), style="dim"), (0, 0, 0, 4)))
        if rec.myths:
            parts.append(Text("\nMyths this answer touches", style="bold underline"))
            for m in rec.myths:
                parts.append(Padding(Text(f"✗ “{m.claim}”"), (0, 0, 0, 1)))
                parts.append(Padding(Text(f"✓ {m.truth}"), (0, 0, 0, 3)))
                for s in m.sources:
                    parts.append(Padding(Text(common.source_text(s), style="dim"), (0, 0, 0, 4)))
        return Group(*parts)

    def _change(self) -> RenderableType:
        lines = flip_lines(self.rec)
        robustness = lines.pop()
        text = Text(robustness + "\n\n", style="bold")
        if self.rec.flips:
            text.append("One changed answer that would change the recommendation:\n", style="dim")
        text.append("\n".join(f"• {line}" if self.rec.flips else line for line in lines))
        return text

    def _code(self, framework: str) -> Content | Text:
        try:
            source = self.app.runner.model_source(framework)
        except Exception as exc:  # the probes package may be missing; say so in place of code
            return Text(f"The reference model's source is not available: {exc}", style="dim")
        return highlight(source, language="python")

    # --- actions ----------------------------------------------------------------------------

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_back(self) -> None:
        self.app.start_questions()

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_start_over(self) -> None:
        if await self.app.push_screen_wait(ConfirmModal(
                "Start over? Your answers and measurements are forgotten (save them first with "
                "a).", yes="Start over")):
            self.app.start_over()

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_export(self, what: Export) -> None:
        title, name = _EXPORTS[what]
        path = await self.app.push_screen_wait(
            PathModal(title, name, base=self.app.session.workdir))
        if path is None:
            return
        # The files this session read may not be overwritten by a report (saving the answers
        # over the answers file they came from is what a user means, so that one may).
        session = self.app.session
        inputs = [p.path for p in session.ruleset.packs]
        if what != "answers":
            inputs += [self.app.prefilled_from, session.measurements_origin]
        try:
            target = check_output_path(path, label="", inputs=inputs)
            if target is not None and target.exists() and not await self.app.push_screen_wait(
                    ConfirmModal(f"{path} exists. Replace it?", title="Overwrite?",
                                 yes="Replace")):
                return
            write_atomic(path, self.export_text(what), label="", inputs=inputs)
        except AdvisorError as exc:
            await self.app.push_screen_wait(ErrorModal(str(exc), title="Cannot save there"))
            return
        self.notify(str(path), title="Saved", markup=False)

    def export_text(self, what: Export) -> str:
        if what == "answers":
            from advisor.template import dump_answers

            session = self.app.session
            return dump_answers(session.answers(), session.questionnaire)
        from advisor.report import render

        return render(self.rec, what)


def _measured_cells(r: Any) -> dict[str, str]:
    """One framework's column of the measured table ("–" where nothing was measured)."""

    def num(value: float | None, spec: str) -> str:
        return "–" if value is None or not ok else format(value, spec)

    ok = r is not None and r.ok
    train = r.train_samples_per_s if ok else None
    latency = r.infer_latency_ms if ok else None
    return {
        "status": r.status.replace("_", " ") if r is not None else "missing",
        "version": (r.version if ok else None) or "–",
        "device": (r.device if ok else None) or "–",
        "training, samples/s": num(train.median if train else None, ",.0f"),
        "  95% interval": ("{:,.0f}–{:,.0f}".format(*train.ci95) if train else "–"),
        "inference p50, ms": num(latency.p50 if latency else None, ".2f"),
        "inference p95, ms": num(latency.p95 if latency else None, ".2f"),
        "import, s": num(r.import_s if ok else None, ".1f"),
        "peak memory, MB": num(r.peak_rss_mb if ok else None, ",.0f"),
        "accuracy": num(r.accuracy if ok else None, ".1%"),
    }

