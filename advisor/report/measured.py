"""What the probes measured, as a terminal report (``advisor probe``), read from the typed
measurements model: one place that turns contract 3 into words and tables."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from advisor.frameworks import NAMES, Framework
from advisor.inputs.measurements import (
    Equivalence,
    FrameworkResult,
    Measurements,
    ProbeRun,
    Ratio,
    Sensitivity,
)
from advisor.knowledge.workloads import describe
from advisor.report import common

Cell = Callable[[FrameworkResult, FrameworkResult], str]


def _fmt(value: float | int | None, spec: str = ",.0f", suffix: str = "") -> str:
    return "–" if value is None else f"{value:{spec}}{suffix}"


def _throughput(e: FrameworkResult) -> str:
    t = e.train_samples_per_s
    if t is None:
        return "–"
    lo, hi = t.ci95
    return f"{t.median:,.0f}\n[{lo:,.0f}–{hi:,.0f}]"


def _latency(e: FrameworkResult) -> str:
    lat = e.infer_latency_ms
    return "–" if lat is None else f"{lat.p50:.2f} / {lat.p95:.2f}"


# (row label, cell of a column: the path's entry and its framework's entry)
ROWS: list[tuple[str, Cell]] = [
    ("status", lambda e, f: e.status.replace("_", " ")),
    ("device", lambda e, f: f.device or "–"),
    ("threads", lambda e, f: _fmt(f.threads, "d")),
    ("import s", lambda e, f: _fmt(f.import_s if e is f else None, ".2f")),
    ("build s", lambda e, f: _fmt(f.build_s if e is f else None, ".2f")),
    ("first step s", lambda e, f: _fmt(e.first_step_s, ".2f")),
    ("compile s", lambda e, f: _fmt(e.compile_s, ".1f")),
    ("train samples/s\n(median, 95 % CI)", lambda e, f: _throughput(e)),
    ("windows", lambda e, f: _fmt(e.train_samples_per_s.windows if e.train_samples_per_s
                                  else None, "d")),  # fmt: skip
    ("window CV", lambda e, f: _fmt(e.train_cv, ".0%")),
    ("windows disturbed", lambda e, f: _disturbed(e)),
    ("efficiency vs matmul peak", lambda e, f: _fmt(e.efficiency_pct, ".1f", " %")),
    ("latency b=1 p50/p95 ms", lambda e, f: _latency(e)),
    ("inference samples/s\n(batch)", lambda e, f: _inference(e)),
    ("peak RSS MB", lambda e, f: _fmt(f.peak_rss_mb)),
    ("held-out quality", lambda e, f: _quality(f)),
]


def _disturbed(e: FrameworkResult) -> str:
    d = e.disturbance
    if d is None:
        return "–"
    return f"{d.disturbed} of {d.windows}" + (" (busy)" if d.busy else "")


def process_line(frameworks: Mapping[Framework, FrameworkResult]) -> str | None:
    """How far apart each path's worker processes trained, in one line (None: one each)."""
    parts = []
    for fw, entry in frameworks.items():
        for name, e in [(entry.path, entry), *(entry.variants or {}).items()]:
            if e.process_spread is None or not e.processes:
                continue
            rates = " and ".join(f"{x.median:,.0f}" for x in e.processes)
            parts.append(f"{NAMES[fw]} {name} {e.process_spread:.2f}× apart ({rates})")
    if not parts:
        return None
    return "Between worker processes (samples/s of each): " + "; ".join(parts)


def _inference(e: FrameworkResult) -> str:
    if e.infer_samples_per_s is None:
        return "–"
    return f"{e.infer_samples_per_s:,.0f}" + (f"\n(b={e.infer_batch})" if e.infer_batch else "")


def _quality(f: FrameworkResult) -> str:
    q = f.quality
    if q is None:  # files from before the workloads: the CNN's accuracy alone
        return _fmt(f.accuracy, ".3f")
    bound = "≥" if q.metric == "accuracy" else "≤"
    return f"{q.metric} {q.value:.3f}\n({bound} {q.bar:g}: {'ok' if q.passed else 'MISSED'})"


def columns(frameworks: Mapping[Framework, FrameworkResult]
            ) -> list[tuple[str, FrameworkResult, FrameworkResult]]:  # fmt: skip
    """(heading, entry, its framework's entry) for every primary path and variant."""
    cols = []
    for fw, entry in frameworks.items():
        cols.append((f"{NAMES[fw]}\n{entry.path or ''}", entry, entry))
        for name, variant in (entry.variants or {}).items():
            cols.append((f"{NAMES[fw]}\n{name}", variant, entry))
    return cols


def ratio_line(name: str, ratio: Ratio, *, lower_is_better: bool = False) -> str:
    if ratio.estimate is None:
        return f"{name}: not formed ({ratio.reason or 'unknown reason'})"
    est, ci = ratio.estimate, ratio.ci95
    if ci is None:
        verdict, span = "no interval (a single pair)", ""
    else:
        span = f" [{ci[0]:.2f}–{ci[1]:.2f}]"
        if ci[0] <= 1.0 <= ci[1]:
            verdict = "a tie within noise"
        else:
            faster = (est < 1.0) if lower_is_better else (est > 1.0)
            verdict = "PyTorch faster" if faster else "TensorFlow faster"
    against = f" ({ratio.against})" if ratio.against else ""
    dropped = (f", {ratio.dropped_pairs} disturbed pair{'s' if ratio.dropped_pairs > 1 else ''} "
               "left out" if ratio.dropped_pairs else "")  # fmt: skip
    return f"{name}{against}: {est:.2f}{span}, {ratio.pairs or '?'} pairs{dropped} – {verdict}"


def sensitivity_line(fw: str, s: Sensitivity) -> str:
    what = f"{NAMES[fw]} {s.path or ''} {s.applies}, {s.setting}"
    if s.status != "ok":
        return f"{what}: {s.status.replace('_', ' ')} ({s.message})"
    if s.speedup is None:
        return f"{what}: no paired windows"
    sp = s.speedup
    span = f" [{sp.ci95[0]:.2f}–{sp.ci95[1]:.2f}]" if sp.ci95 else ""
    return f"{what}: {sp.estimate:.2f}×{span} vs out of the box"


def render_measurements(m: Measurements, *, color: bool = False, width: int = 120) -> str:
    """The whole file: the machine, then each workload measured, the chosen one first."""
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, force_terminal=color, no_color=not color, highlight=False,
        emoji=False,
    )
    say = console.print
    machine = m.machine
    say(f"[bold]Probe of {escape(machine.cpu or 'an unnamed machine')}[/] – "
        f"{machine.threads_used} threads, {escape(machine.os or '')}, "
        f"Python {escape(machine.python or '')}, {m.created.isoformat()}")  # fmt: skip
    others = {name: w for name, w in m.workloads.items() if name != m.workload}
    _workload(say, m.workload, m.frameworks, m.ratios, m.equivalence, machine.probe)
    for name, w in others.items():
        say("")
        _workload(say, name, w.frameworks, w.ratios, w.equivalence, w.probe)
    return buffer.getvalue()


def _workload(
    say: Callable[..., None],
    name: str,
    frameworks: Mapping[Framework, FrameworkResult],
    ratios: Mapping[str, Ratio],
    eq: Equivalence,
    probe: ProbeRun | None,
) -> None:
    say(f"[bold]Workload: {escape(describe(name))}[/]")
    if probe:
        processes = f"; {probe.processes} processes per framework" if probe.processes else ""
        say(f"timed phases {probe.timed_s} s of a {probe.budget_s} s budget, {probe.rounds} "
            f"rounds ({escape(probe.stopped or '')}); wall {probe.wall_s} s; tuned states: "
            f"{escape(probe.tuning or 'none')}{processes}")  # fmt: skip
    table = Table(show_lines=False)
    table.add_column("")
    cols = columns(frameworks)
    for heading, _, _ in cols:
        table.add_column(escape(heading), justify="right")
    for label, cell in ROWS:
        table.add_row(label, *(escape(cell(e, f)) for _, e, f in cols))
    say(table)
    params = ", ".join(f"{k} {v:,}" for k, v in eq.params.items())
    diff = eq.max_abs_logit_diff
    say(escape(f"Equivalence: {'ok' if eq.ok else 'NOT proven'} – parameters {params}"
               + (f", max |logit difference| {diff:.1e}" if diff is not None else "")
               + (f" ({eq.reason})" if eq.reason else "")))  # fmt: skip
    for fw, entry in frameworks.items():
        if entry.runtime is not None:
            say(escape(f"{NAMES[fw]} primary figures: {common.runtime_text(entry.runtime)}"))
    if spread := process_line(frameworks):
        say(escape(spread))
    say(f"[bold]Ratios PyTorch ÷ TensorFlow, {escape(name)}[/] (throughput: > 1 favours "
        "PyTorch; latency: < 1 favours PyTorch)")  # fmt: skip
    for key in ("train", "train_lean", "train_tuned"):
        if key in ratios:
            say("  " + escape(ratio_line(key, ratios[key])))
    if "infer_latency" in ratios:
        say("  " + escape(ratio_line("infer_latency", ratios["infer_latency"],
                                     lower_is_better=True)))  # fmt: skip
    tuned = [(fw, s) for fw, e in frameworks.items() for s in e.sensitivity]
    if tuned:
        say(f"[bold]Tuned states, {escape(name)}[/] (tuned ÷ out of the box, paired windows)")
        for fw, s in tuned:
            say("  " + escape(sensitivity_line(fw, s)))
    faster = common.faster_lines(frameworks, name)
    if faster:
        say(f"[bold]Make it faster on this machine ({escape(name)})[/]")
        for line in faster:
            say("  " + escape(line))
    for heading, e, _ in cols:
        if e.message:
            say(f"[yellow]{escape(heading.replace(chr(10), ' '))}[/]: {escape(e.message)}")
    flags = dict.fromkeys(
        (heading.split("\n")[0], flag) for heading, e, _ in cols for flag in e.flags
    )
    if flags:
        say(f"[bold]Flags, {escape(name)}[/] (these measurements weigh less):")
        for heading, flag in flags:
            say(f"  {escape(heading)}: {escape(flag)}")
