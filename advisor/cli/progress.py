"""Live progress of a probe run on stderr: per workload and framework its phase, round,
worker process, windows and samples/s, counted from the probe's own plan and named as the app
and the JSON name them (``probes.settings.WORDS``, said once before the first event).

    with ProbeProgress(Console(stderr=True)) as progress:
        result = probes.run_probes(settings, on_event=progress)

The instance is the `on_event` callback; it may be called from the runner's thread. On a
terminal it redraws one table in place; elsewhere (CI logs, a pipe) it prints one line per
phase change, so a log shows what happened without a line per window.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from advisor.printable import printable
from probes import ProbeEvent, ProbeProgressState
from probes.settings import BACKEND_WORD, WORDS

# The words the table uses, each explained in one line before it first shows.
GLOSSARY = ("path", "window", "round", "process", "tuned state")

_PHASE_STYLE = {
    "done": "green",
    "failed": "red",
    "timeout": "red",
    "not_installed": "yellow",
    "skipped": "yellow",
    "busy": "yellow",
}


class ProbeProgress:
    def __init__(
        self,
        console: Console,
        frameworks: tuple[str, ...] = (),
        workloads: tuple[str, ...] = (),
        intro: str = "",
    ) -> None:
        self.console = console
        # Said once, before the first event: a cached result, which has none, says nothing.
        self._intro = intro
        # One row per framework and workload, in the order they run.
        self._rows = {(w, fw): ProbeProgressState() for w in workloads for fw in frameworks}
        self._lock = threading.Lock()
        self._live: Live | None = None

    def __enter__(self) -> ProbeProgress:
        return self  # the live table starts with the first event: a cached result shows none

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._live is not None:
            with self._lock:
                self._live.update(self._render())
            self._live.__exit__(exc_type, exc, tb)
            self._live = None

    def __call__(self, event: ProbeEvent) -> None:
        with self._lock:
            if self._intro:
                self.console.print(self._intro, highlight=False, markup=False)
                backends = any(fw.startswith("keras-") for _, fw in self._rows)
                for word in (*GLOSSARY, *((BACKEND_WORD,) if backends else ())):
                    self.console.print(f"  {word}: {WORDS[word]}", highlight=False,
                                       markup=False, style="dim")  # fmt: skip
                self._intro = ""
            if self._live is None and self.console.is_terminal:
                self._live = Live(
                    self._render(), console=self.console, refresh_per_second=8, transient=False
                )
                self._live.__enter__()
            key = (event.workload, event.framework)
            before = self._rows.get(key, ProbeProgressState())
            # A worker's message may quote a framework's log line, escapes and all.
            clean = replace(event, message=printable(event.message))
            row = self._rows[key] = before.advanced(clean)
            changed = row.phase != before.phase
            if self._live is not None:
                self._live.update(self._render())
            elif changed:
                self.console.print(self._line(key, row), highlight=False, markup=False)

    @staticmethod
    def _line(key: tuple[str, str], row: ProbeProgressState) -> str:
        workload, framework = key
        text = f"probe {framework}" + (f" ({workload})" if workload else "") + f": {row.phase}"
        if row.message:
            text += f" ({row.message})"
        return text

    def _render(self) -> Table:
        table = Table(title="Probing this machine", title_justify="left", expand=False)
        table.add_column("framework")
        table.add_column("workload")
        table.add_column("phase")
        table.add_column("round", justify="right")
        table.add_column("process", justify="right")
        table.add_column("windows", justify="right")
        table.add_column("paths", justify="right")
        table.add_column("samples/s", justify="right")
        table.add_column("", overflow="fold", max_width=60)
        for (workload, framework), row in self._rows.items():
            style = _PHASE_STYLE.get(row.phase, "cyan")
            rounds = (f"{min(max(row.round, 1), row.rounds_planned)}/{row.rounds_planned}"
                      if row.rounds_planned else "")  # fmt: skip
            process = f"{row.process}/{row.processes}" if row.processes and row.process else ""
            windows = f"{row.windows_done}/{row.windows_planned}" if row.windows_planned else ""
            if row.disturbed:
                windows += f" ({row.disturbed} disturbed)"
            rate = f"{row.samples_per_s:,.0f}" if row.samples_per_s else ""
            table.add_row(framework, workload, f"[{style}]{row.phase}[/]", rounds, process,
                          windows, str(len(row.paths) or ""), rate, escape(row.message))
        return table
