"""``advisor probe``: measure both frameworks on this machine and print what was measured.

    advisor probe [--budget SECONDS] [--quick] [--frameworks pytorch,tensorflow] [--compiled]
                  [--format text|json] [--output FILE] [--refresh]

Progress goes to stderr, the result to stdout or --output (written atomically, and not at
all when no result was produced). Exit 0 when every framework asked for was measured, 3 when
one could not be (the result still lists why), 2 for bad arguments, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import sys
from typing import TYPE_CHECKING

from advisor.errors import AdvisorError, ExitCode, UsageError
from advisor.output import check_output_path, write_atomic

if TYPE_CHECKING:  # rich is imported where it is used: building the parser must stay cheap
    from rich.console import Console

ALIASES = {"pytorch": "pytorch", "torch": "pytorch", "tensorflow": "tensorflow", "tf": "tensorflow"}


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from probes import BUDGET_FLOOR_S, DEFAULT_BUDGET_S, QUICK_BUDGET_S

    parser = subparsers.add_parser(
        "probe",
        help="measure PyTorch and TensorFlow on this machine",
        description="Train the same small CNN in PyTorch and TensorFlow on this machine, in "
        "alternating timed windows, and report throughput, latency, memory and their ratios "
        "with 95 %% intervals. Results are cached per machine and settings.",
    )
    parser.add_argument(
        "--budget",
        type=float,
        metavar="SECONDS",
        help=f"seconds for the timed phases (default {DEFAULT_BUDGET_S:g}, --quick "
        f"{QUICK_BUDGET_S:g}, at least {BUDGET_FLOOR_S:g}); imports and warm-up come on top",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a shorter run (about 30 s in all) with wider intervals",
    )
    parser.add_argument(
        "--frameworks",
        default="pytorch,tensorflow",
        metavar="LIST",
        help="comma-separated: pytorch, tensorflow (default both)",
    )
    parser.add_argument(
        "--compiled",
        action="store_true",
        help="also measure torch.compile and Keras jit_compile (compile time "
        "is reported apart; may take minutes)",
    )
    parser.add_argument(
        "--format",
        dest="probe_format",
        choices=("text", "json"),
        default="text",
        help="result format (default: text)",
    )
    parser.add_argument(
        "--output",
        dest="probe_output",
        metavar="FILE",
        help="write the result here instead of stdout",
    )
    parser.add_argument(
        "--refresh", action="store_true", help="measure again even when a cached result exists"
    )
    return parser


def parse_frameworks(text: str) -> tuple[str, ...]:
    chosen: list[str] = []
    for raw in (t.strip().lower() for t in text.split(",")):
        if not raw:
            continue
        name = ALIASES.get(raw)
        if name is None:
            close = difflib.get_close_matches(raw, list(ALIASES), n=1)
            hint = f"; did you mean {ALIASES[close[0]]!r}?" if close else ""
            raise UsageError(
                f"--frameworks: unknown framework {raw!r} (choose from pytorch, tensorflow){hint}"
            )
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise UsageError("--frameworks: give pytorch, tensorflow or both")
    return tuple(chosen)


def settings_from_args(args: argparse.Namespace):  # -> probes.ProbeSettings
    from probes import ProbeSettings, ProbeSettingsError

    try:
        return ProbeSettings(
            budget_s=args.budget,
            quick=args.quick,
            frameworks=parse_frameworks(args.frameworks),
            compiled=args.compiled,
        )
    except ProbeSettingsError as exc:
        raise UsageError(f"--budget/--frameworks: {exc}") from None



def run(args: argparse.Namespace) -> int:
    """Run the probe command; returns the exit code (errors are printed, never raised)."""
    from rich.console import Console

    err = Console(stderr=True, highlight=False)
    try:
        settings = settings_from_args(args)
        check_output_path(args.probe_output)
        result, cached = _measure(settings, refresh=args.refresh, console=err)
        if cached:
            err.print(
                f"Using the cached result from {result.get('created')} (--refresh measures again)."
            )
        if args.probe_format == "json":
            text = json.dumps(result, indent=2, sort_keys=True) + "\n"
        else:
            text = render_text(result, color=not args.probe_output and sys.stdout.isatty())
        if args.probe_output:
            write_atomic(args.probe_output, text)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    except AdvisorError as exc:
        err.print(f"advisor: error: {exc}")
        return int(exc.exit_code)
    except KeyboardInterrupt:
        err.print("advisor: interrupted; every probe worker was stopped")
        return int(ExitCode.INTERRUPTED)
    failed = [
        fw for fw in settings.frameworks if result["frameworks"].get(fw, {}).get("status") != "ok"
    ]
    for fw in failed:
        entry = result["frameworks"].get(fw, {})
        err.print(f"advisor: {fw} not measured ({entry.get('status')}): {entry.get('message')}")
    return int(ExitCode.PROBE_FAILED if failed else ExitCode.OK)


def measure_for_answers() -> dict:
    """The default probe for ``advisor --answers``: a cached result, or a run with progress."""
    from rich.console import Console

    from probes import ProbeSettings

    err = Console(stderr=True, highlight=False)
    result, cached = _measure(ProbeSettings(), refresh=False, console=err)
    if cached:
        err.print(f"Using the cached probe result from {result.get('created')} "
                  "(`advisor probe --refresh` measures again).")
    return result


def _measure(settings, *, refresh: bool, console: Console) -> tuple[dict, bool]:
    import probes
    from advisor.progress import ProbeProgress

    if not refresh:
        cached = probes.load_cached(settings)
        if cached is not None:
            return cached, True
    with ProbeProgress(console, settings.frameworks) as progress:
        return probes.measure(settings, refresh=True, on_event=progress)


# -- text rendering ----------------------------------------------------------------------


def _fmt(value: object, spec: str = ",.0f", suffix: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, (int, float)):
        return f"{value:{spec}}{suffix}"
    return str(value)


def _columns(result: dict) -> list[tuple[str, dict, dict]]:
    """(heading, entry, its framework's entry) for every primary path and variant."""
    cols = []
    for fw, entry in result.get("frameworks", {}).items():
        cols.append((f"{fw}\n{entry.get('path') or ''}", entry, entry))
        for name, variant in (entry.get("variants") or {}).items():
            cols.append((f"{fw}\n{name}", variant, entry))
    return cols


def _throughput(entry: dict) -> str:
    t = entry.get("train_samples_per_s")
    if not t:
        return "–"
    lo, hi = t["ci95"] if t.get("ci95") else (None, None)
    interval = f"\n[{lo:,.0f}–{hi:,.0f}]" if lo else ""
    return f"{t['median']:,.0f}{interval}"


ROWS = [
    ("status", lambda e, f: e.get("status")),
    ("device", lambda e, f: f.get("device")),
    ("threads", lambda e, f: _fmt(f.get("threads"), "d")),
    ("import s", lambda e, f: _fmt(f.get("import_s") if e is f else None, ".2f")),
    ("build s", lambda e, f: _fmt(f.get("build_s") if e is f else None, ".2f")),
    ("first step s", lambda e, f: _fmt(e.get("first_step_s"), ".2f")),
    ("compile s", lambda e, f: _fmt(e.get("compile_s"), ".1f")),
    ("train samples/s\n(median, 95 % CI)", lambda e, f: _throughput(e)),
    ("windows", lambda e, f: _fmt((e.get("train_samples_per_s") or {}).get("windows"), "d")),
    ("window CV", lambda e, f: _fmt(e.get("train_cv"), ".0%")),
    ("efficiency vs matmul peak", lambda e, f: _fmt(e.get("efficiency_pct"), ".1f", " %")),
    (
        "latency b=1 p50/p95 ms",
        lambda e, f: (
            "–"
            if not e.get("infer_latency_ms")
            else f"{e['infer_latency_ms']['p50']:.2f} / {e['infer_latency_ms']['p95']:.2f}"
        ),
    ),
    ("inference b=256 samples/s", lambda e, f: _fmt(e.get("infer_samples_per_s"))),
    ("peak RSS MB", lambda e, f: _fmt(f.get("peak_rss_mb"))),
    ("held-out accuracy", lambda e, f: _fmt(f.get("accuracy"), ".3f")),
]


def _ratio_line(name: str, ratio: dict, lower_is_better: bool = False) -> str:
    if ratio.get("estimate") is None:
        return f"{name}: not formed ({ratio.get('reason', 'unknown reason')})"
    est = ratio["estimate"]
    ci = ratio.get("ci95")
    if ci is None:
        verdict = "no interval (a single pair)"
        span = ""
    else:
        span = f" [{ci[0]:.2f}–{ci[1]:.2f}]"
        if ci[0] <= 1.0 <= ci[1]:
            verdict = "a tie within noise"
        else:
            faster = (est < 1.0) if lower_is_better else (est > 1.0)
            verdict = "PyTorch faster" if faster else "TensorFlow faster"
    against = f" ({ratio['against']})" if ratio.get("against") else ""
    return f"{name}{against}: {est:.2f}{span}, {ratio.get('pairs', '?')} pairs – {verdict}"


def render_text(result: dict, *, color: bool = False) -> str:
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(
        file=buffer, width=120, force_terminal=color, no_color=not color, highlight=False
    )
    machine = result.get("machine", {})
    probe = machine.get("probe", {})
    console.print(
        f"[bold]Probe of {machine.get('cpu')}[/] – {machine.get('threads_used')} "
        f"threads, {machine.get('os')}, Python {machine.get('python')}, "
        f"{result.get('created')}"
    )
    if probe:
        console.print(
            f"timed phases {probe.get('timed_s')} s of a {probe.get('budget_s')} s "
            f"budget, {probe.get('rounds')} rounds ({probe.get('stopped')}); "
            f"wall {probe.get('wall_s')} s"
        )
    table = Table(show_lines=False)
    table.add_column("")
    cols = _columns(result)
    for heading, _, _ in cols:
        table.add_column(heading, justify="right")
    for label, getter in ROWS:
        table.add_row(label, *(str(getter(e, f)) for _, e, f in cols))
    console.print(table)
    eq = result.get("equivalence", {})
    diff = eq.get("max_abs_logit_diff")
    console.print(
        f"Equivalence: {'ok' if eq.get('ok') else 'NOT proven'} – parameters "
        f"{', '.join(f'{k} {v:,}' for k, v in eq.get('params', {}).items())}"
        + (f", max |logit difference| {diff:.1e}" if diff is not None else "")
        + (f" ({eq['reason']})" if eq.get("reason") else "")
    )
    ratios = result.get("ratios", {})
    console.print(
        "[bold]Ratios pytorch ÷ tensorflow[/] (throughput: > 1 favours PyTorch; "
        "latency: < 1 favours PyTorch)"
    )
    for name in ("train", "train_lean"):
        if name in ratios:
            console.print("  " + _ratio_line(name, ratios[name]))
    if "infer_latency" in ratios:
        console.print("  " + _ratio_line("infer_latency", ratios["infer_latency"], True))
    flags = [
        (heading.split("\n")[0], flag) for heading, e, _ in cols for flag in e.get("flags", [])
    ]
    messages = [
        (heading.replace("\n", " "), e["message"]) for heading, e, _ in cols if e.get("message")
    ]
    for heading, text in messages:
        console.print(f"[yellow]{heading}[/]: {text}")
    if flags:
        console.print("[bold]Flags[/] (these measurements weigh less):")
        for heading, flag in dict.fromkeys(flags):
            console.print(f"  {heading}: {flag}")
    return buffer.getvalue()
