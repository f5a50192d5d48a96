"""The result: winner and confidence first, then why, what was measured, what would change it.

Everything shown comes from the ``Recommendation``; the screen reads nothing else of the
session. Each tab opens with its content focused, so ↓, PgDn, Home and End scroll at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

from rich.console import Group, RenderableType
from rich.style import Style
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Static, TabbedContent, TabPane

from advisor.errors import AdvisorError
from advisor.frameworks import NAMES, capitalised
from advisor.inputs.answers import normalise_answers
from advisor.inputs.questions import Questionnaire
from advisor.knowledge.bridge import KERAS_BACKENDS
from advisor.knowledge.workloads import workload_for
from advisor.report import common, project
from advisor.report.text import COLORS
from advisor.scoring.recommendation import Flip, MeasuredFramework, Recommendation, SourceRef
from advisor.system.output import check_output_path, write_atomic
from advisor.times import local_minute
from advisor.tui.article import corrections
from advisor.tui.dialogs import ConfirmModal, ErrorModal, PathModal
from advisor.tui.hanging import hanging
from advisor.tui.messages import AnswerChangeRequested, AnswersSaved, StartOverRequested
from advisor.tui.runner import FRAMEWORKS_SHOWN
from advisor.tui.screens.base import QUIT, AdvisorScreen
from advisor.tui.session import ReadFiles, answer_label
from advisor.tui.widgets.bars import CriterionBars
from advisor.tui.widgets.keys import MIN_SIZE, ScrollPane

Export = Literal["answers", "markdown", "json"]
_EXPORTS: dict[str, tuple[str, str]] = {
    "answers": ("Save the answers (YAML)", "advisor-answers.yaml"),
    "markdown": ("Export the report (Markdown)", "advisor-report.md"),
    "json": ("Export the report (JSON)", "advisor-report.json"),
}
_SAVE = Binding.Group("Save")
TABS = {
    "overview": "1 Overview",
    "measured": "2 Measured",
    "reasons": "3 Reasons",
    "change": "4 What if",
    "code": "5 Code",
}


class ResultScreen(AdvisorScreen):
    """Shows ``rec``; ``model_source`` gives the code of a probe workload's model per
    framework (the workload measured, else the one matching the answers' domain)."""

    BINDINGS = [
        # The tab labels carry their numbers, so the footer leaves them out.
        *[Binding(str(i), f"tab('{tab}')", TABS[tab], show=False)
          for i, tab in enumerate(TABS, 1)],
        Binding("a", "export('answers')", "Answers"),
        Binding("m", "export('markdown')", "Markdown"),
        Binding("j", "export('json')", "JSON"),
        # The same keys, shown as one group ("a m j Save") where the footer is too narrow for
        # the three words; ``check_action`` lets exactly one of each pair be active.
        Binding("a", "save('answers')", "Answers", group=_SAVE),
        Binding("m", "save('markdown')", "Markdown", group=_SAVE),
        Binding("j", "save('json')", "JSON", group=_SAVE),
        Binding("b", "back", "Change"),
        Binding("r", "start_over", "Restart"),
        QUIT,
    ]

    def __init__(
        self,
        rec: Recommendation,
        *,
        questionnaire: Questionnaire,
        workdir: Path,
        model_source: Callable[[str, str], str],
        inputs: ReadFiles,
    ) -> None:
        super().__init__()
        self.rec = rec
        self.questionnaire = questionnaire
        self.workdir = workdir
        self.model_source = model_source
        m = rec.measurements
        self.workload = m.workload if m is not None else workload_for(rec.answers)
        self.inputs = inputs

    def compose(self) -> ComposeResult:
        rec = self.rec
        yield from self.compose_top()
        with Vertical(id="headline", classes=rec.recommendation):
            yield Static(Text(common.headline(rec), style=f"bold {COLORS[rec.recommendation]}"),
                         id="winner")
            yield Static(rec.meaning, id="confidence", markup=False)
        with TabbedContent(id="tabs"):
            with TabPane(TABS["overview"], id="overview"), ScrollPane():
                yield Static(self._overview(), classes="explanation")
                yield CriterionBars(rec, id="bars")
            with TabPane(TABS["measured"], id="measured"), ScrollPane():
                yield Static(self._measured())
            with TabPane(TABS["reasons"], id="reasons"), ScrollPane():
                yield Static(self._reasons())
            with TabPane(TABS["change"], id="change"), ScrollPane():
                yield Static(self._change())
            with TabPane(TABS["code"], id="code"), ScrollPane(), Horizontal(id="code-panes"):
                for fw in FRAMEWORKS_SHOWN:
                    with Vertical(classes="code-pane"):
                        yield Static(f"{NAMES[fw]} – the {self.workload} workload",
                                     classes=f"code-title {fw}")
                        yield Static(self._code(fw), classes="code")
        yield Footer()

    def on_mount(self) -> None:
        self._focus_tab("overview")

    # --- content ----------------------------------------------------------------------------

    def _overview(self) -> RenderableType:
        rec = self.rec
        parts: list[RenderableType] = []
        if rec.constraint:
            c = rec.constraint
            text = Text(f"Policy {c.id} requires {NAMES[c.requires]}: ", style="bold")
            text.append(c.because)
            parts.append(text)
        parts += [hanging("•", Text(line)) for line in rec.explanation]
        if used := project.used_line(rec, "the end of tab 3"):
            parts.append(Text(used, style="dim"))
        parts += [hanging("!", Text(line, style="yellow")) for line in common.version_lines(rec)]
        m = rec.measurements
        parts.append(Text(
            f"Measured on {m.machine or 'an unnamed machine'}"
            f"{'' if m.this_machine else ', not this machine'}, {local_minute(m.created)} (tab 2)."
            if m else "No measurements: the result rests on the rules alone.", style="dim"))
        if rec.keras_bridge is not None:
            parts.append(Text(f"{common.BRIDGE_TITLE}, what changing its backend costs here: "
                              "tab 2.", style="dim"))  # fmt: skip
        return Group(*parts)

    def _measured(self) -> RenderableType:
        m = self.rec.measurements
        if m is None:
            return Text("Nothing was measured (the probes were skipped or switched off), so the "
                        "recommendation rests on the rules alone. Start over with measuring on "
                        "to compare both frameworks on this machine.")
        # Keras on other backends, when the probe ran them, as further columns; the quality
        # then as a bare figure, so that four fit in 80 columns.
        backends = [b for b in ("torch", "jax") if b in m.keras_backends]
        table = Table(expand=False, box=None, padding=(0, 2, 0, 0), show_edge=False)
        table.add_column("", style="dim")
        for fw in FRAMEWORKS_SHOWN:
            table.add_column(NAMES[fw], justify="right", style=COLORS[fw],
                             header_style=f"bold {COLORS[fw]}")
        for b in backends:
            table.add_column(f"Keras·{KERAS_BACKENDS[b]}", justify="right",
                             header_style="bold")  # fmt: skip
        short = bool(backends)
        columns = [_measured_cells(m.frameworks.get(fw), short=short) for fw in FRAMEWORKS_SHOWN]
        columns += [_measured_cells(m.keras_backends[b], short=True) for b in backends]
        metric = next((r.quality_metric for r in [*m.frameworks.values(),
                                                  *m.keras_backends.values()]
                       if r.quality_metric), "quality")  # fmt: skip
        for label in columns[0]:
            shown = f"held-out {metric}" if short and label == "held-out quality" else label
            table.add_row(shown, *[column[label] for column in columns])
        parts: list[RenderableType] = [table, Text("")]
        for fw in FRAMEWORKS_SHOWN:
            r = m.frameworks.get(fw)
            if r is not None and r.status != "ok":
                parts.append(Text(f"{NAMES[fw]}: {r.status.replace('_', ' ')}: "
                                  f"{r.message}", style="red"))
        for line in common.measurement_lines(self.rec):
            if line.startswith("  "):  # a flag: why the stability scale applies
                parts.append(hanging("   –", Text(line.strip(), style="bold")))
            else:
                parts.append(hanging("•", Text(line)))
        if faster := common.faster_setting_lines(self.rec):
            parts.append(Text("\nMake it faster on this machine", style="bold underline"))
            parts += [hanging("•", Text(line)) for line in faster]
        if self.rec.keras_bridge is not None:
            parts.append(self._bridge())
        return Group(*parts)

    def _bridge(self) -> RenderableType:
        """'Keras 3 as a bridge': the measured sentences, then the rule notes it cites."""
        bridge = self.rec.keras_bridge
        assert bridge is not None
        parts: list[RenderableType] = [Text(f"\n{common.BRIDGE_TITLE}", style="bold underline")]
        parts += [hanging("•", Text(line)) for line in bridge.lines]
        for n in bridge.notes:
            parts.append(hanging("•", Group(Text(n.text), Text(f"id: {n.id}", style="dim italic"),
                                            *_sources(n.sources))))  # fmt: skip
        return Group(*parts)

    def _reasons(self) -> RenderableType:
        rec = self.rec
        titles = {k: c.title for k, c in rec.criteria.items()}
        parts: list[RenderableType] = []
        if not rec.reasons:
            parts.append(Text("No rule gave points for these answers."))
        for i, r in enumerate(rec.reasons, 1):
            body = Text()
            body.append(NAMES[r.favors], style=f"bold {COLORS[r.favors]}")
            body.append(f" +{round(r.points, 2):g} × {r.weight:.2f} = {r.weighted_points:.2f} · "
                        f"{titles.get(r.criterion, r.criterion)}\n", style="dim")
            body.append(f"id: {r.id}\n", style="dim italic")
            body.append(r.because)
            parts.append(hanging(f"{i:>2}.", Group(body, *_sources(r.sources))))
            parts.append(Text(""))
        if rec.notes:
            parts.append(Text("Notes", style="bold underline"))
            for n in rec.notes:
                parts.append(hanging(" •", Group(Text(n.text), *_sources(n.sources))))
        if rec.myths:
            parts.append(Text("\nMyths this answer touches", style="bold underline"))
            for m in rec.myths:
                claim = Text(f"“{m.claim}”", style="italic")
                truth = hanging("✓", Group(Text(m.truth), *_sources(m.sources)))
                parts.append(hanging(" ✗", Group(claim, truth)))
        if rec.project is not None:
            parts.append(Text("\nFrom the project scan", style="bold underline"))
            for line in project.project_lines(rec):
                if line.startswith("  "):  # an item of the line above
                    parts.append(hanging("   –", Text(line.strip())))
                else:
                    parts.append(hanging(" •", Text(line)))
        return Group(*parts)

    def _change(self) -> RenderableType:
        rec = self.rec
        parts: list[RenderableType] = [Text(common.robustness_line(rec), style="bold"),
                                       Text(common.points_line(rec), style="dim"), Text("")]
        if rec.flips:
            parts.append(Text("One changed answer that would change the recommendation:",
                              style="dim"))
            parts += [hanging("•", self._flip(f)) for f in rec.flips]
        else:
            parts += [Text(line) for line in common.flip_texts(rec)]
        parts.append(Text("\nb lists your answers to change one.", style="dim"))
        return Group(*parts)

    def _flip(self, flip: Flip) -> Text:
        """A flip in the questionnaire's words (the reports keep the answers file's keys)."""
        q = self.questionnaire[flip.question]
        value = tuple(flip.answer) if isinstance(flip.answer, list) else flip.answer
        text = Text(f"{q.prompt} ", style="dim")
        text.append(answer_label(q, value))
        text.append(" → ")
        text.append(capitalised(NAMES[flip.recommendation]),
                    style=f"bold {COLORS[flip.recommendation]}")
        return text

    def _code(self, framework: str) -> RenderableType:
        try:
            source = self.model_source(framework, self.workload)
        except Exception as exc:  # the probes package may be missing; say so in place of code
            return Text(f"The {self.workload} model's source is not available: {exc}",
                        style="dim")
        # Only the CNN comes from the article, so only its code is compared with the article's.
        marked = corrections(framework, source) if self.workload == "cnn" else []
        code = Syntax(source, "python", theme="ansi_dark", line_numbers=True, word_wrap=True,
                      highlight_lines={n for n, _ in marked}, background_color="default")
        if not marked:
            return code
        notes: list[RenderableType] = [Text("\n❱ differs from the article:", style="bold")]
        notes += [hanging(f"line {n:>2}:", Text(note)) for n, note in marked]
        return Group(code, *notes)

    # --- actions ----------------------------------------------------------------------------

    def _focus_tab(self, tab: str) -> None:
        self.query_one(f"#{tab}", TabPane).query_one(ScrollPane).focus()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self._focus_tab(tab)

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        # A tab chosen with the mouse or the tab bar: its content takes focus, ready to scroll.
        if event.pane.id:
            self.call_after_refresh(self._focus_tab, event.pane.id)

    def action_back(self) -> None:
        self.post_message(AnswerChangeRequested())

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_start_over(self) -> None:
        if await self.app.push_screen_wait(ConfirmModal(
                "Start over? Your answers and measurements are forgotten (save them first with "
                "a).", yes="Start over")):
            self.post_message(StartOverRequested())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("export", "save"):
            return (action == "save") == (self.app.size.width < MIN_SIZE.width)
        return True

    def action_save(self, what: Export) -> None:
        self.action_export(what)

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_export(self, what: Export) -> None:
        title, name = _EXPORTS[what]
        path = await self.app.push_screen_wait(PathModal(title, name, base=self.workdir))
        if path is None:
            return
        # The files this session read may not be overwritten by a report (saving the answers
        # over the answers file they came from is what a user means, so that one may).
        inputs = [*self.inputs.rules, self.inputs.measurements]
        if what != "answers":
            inputs.append(self.inputs.answers)
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
        if what == "answers":
            self.post_message(AnswersSaved())
        self.notify(str(path), title="Saved", markup=False)

    def export_text(self, what: Export) -> str:
        if what == "answers":
            from advisor.inputs.template import dump_answers

            answers = normalise_answers(self.rec.answers, self.questionnaire)
            return dump_answers(answers, self.questionnaire)
        from advisor.report import render

        return render(self.rec, what)


def _sources(sources: list[SourceRef]) -> list[Text]:
    """One line per source: the URL whole (a terminal link), then when it was checked."""
    lines = []
    for s in sources:
        line = Text()
        if s.url:
            line.append(s.url, style=Style(dim=True, underline=True, link=s.url))
        else:
            line.append(s.title or "", style="dim")
        line.append(f" (checked {s.checked.isoformat()})", style="dim")
        lines.append(line)
    return lines


def _measured_cells(r: MeasuredFramework | None, *, short: bool = False) -> dict[str, str]:
    """One framework's column of the measured table ("–" where nothing was measured);
    ``short``: a narrower column, the quality as a bare figure (the metric is the row's)."""

    def num(value: float | None, spec: str) -> str:
        return "–" if value is None else format(value, spec)

    status = r.status.replace("_", " ") if r is not None else "not measured"
    if r is None:
        r = MeasuredFramework(status="failed")  # every figure empty
    ci = r.train_ci95
    return {
        "status": status,
        "version": r.version or "–",
        "device": r.device or "–",
        "timed path": r.path or "–",
        "training, samples/s (median)": num(r.train_samples_per_s, ",.0f"),
        "  95% interval": "{:,.0f}–{:,.0f}".format(*ci) if ci else "–",
        "inference p50, ms": num(r.infer_p50_ms, ".2f"),
        "inference p95, ms": num(r.infer_p95_ms, ".2f"),
        "import, s": num(r.import_s, ".1f"),
        "peak memory, MB": num(r.peak_rss_mb, ",.0f"),
        "held-out quality": _quality(r, short=short),
    }


def _quality(r: MeasuredFramework, *, short: bool = False) -> str:
    if r.quality is None:
        return "–"
    if r.quality_metric == "accuracy":
        return f"{r.quality:.1%}" if short else f"accuracy {r.quality:.1%}"
    return f"{r.quality:.2f}" if short else f"{r.quality_metric} {r.quality:.2f}"

