"""``advisor probe``: measure both frameworks on this machine and print what was measured.

    advisor probe [--workload auto|cnn|transformer|rnn|mlp|all] [--answers FILE]
                  [--budget SECONDS] [--quick] [--frameworks pytorch,tensorflow] [--compiled]
                  [--tuning] [--keras-backends auto|none|tensorflow,torch,jax]
                  [--format text|json] [--output FILE] [--refresh]

Progress goes to stderr, the result to stdout or --output (written atomically, and not at
all when no result was produced). Exit 0 when every framework asked for was measured, 3 when
one could not be (the result still lists why), 2 for bad arguments, 130 on Ctrl-C, 143 on
SIGTERM, 129 on SIGHUP: the command raises, and ``advisor.cli`` maps errors to exit codes.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from advisor.errors import ExitCode, ProbeError, UsageError
from advisor.frameworks import FRAMEWORKS
from advisor.inputs.validation import closest
from advisor.knowledge.bridge import KERAS_BACKENDS, backends_added, default_keras_backends
from advisor.knowledge.workloads import DEFAULT_WORKLOAD, WORKLOADS, describe, workload_for
from advisor.printable import printable, printable_data
from advisor.system import streams
from advisor.system.output import check_output_path, write_output

if TYPE_CHECKING:  # rich is imported where it is used: building the parser must stay cheap
    from rich.console import Console

ALIASES = {"pytorch": "pytorch", "torch": "pytorch", "tensorflow": "tensorflow", "tf": "tensorflow"}
BACKEND_ALIASES = {"tensorflow": "tensorflow", "tf": "tensorflow", "torch": "torch",
                   "pytorch": "torch", "jax": "jax"}  # fmt: skip


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from advisor.cli.args import path_arg
    from probes import BUDGET_FLOOR_S, DEFAULT_BUDGET_S, QUICK_BUDGET_S
    from probes.settings import BUDGET_MAX_S

    parser = subparsers.add_parser(
        "probe",
        help="measure PyTorch and TensorFlow on this machine",
        description="Train the same model in PyTorch and TensorFlow on this machine, in "
        "alternating timed windows, and report throughput, latency, memory and their ratios "
        "with 95 %% intervals. Results are cached per machine, settings and workload.",
    )
    parser.add_argument(
        "--workload",
        choices=("auto", *WORKLOADS, "all"),
        default="auto",
        help="what to train: cnn (the article's CNN), transformer (a small encoder), rnn (a GRU "
        "forecaster), mlp (a tabular network); auto (default) picks the one matching the "
        "domain of --answers (cnn without it); all measures the four in turn, which takes "
        "about four times as long",
    )
    parser.add_argument(
        "--answers",
        dest="probe_answers",
        metavar="FILE",
        type=path_arg,
        help="answers file (YAML) whose domain --workload auto follows",
    )
    parser.add_argument(
        "--budget",
        type=budget_arg,
        metavar="SECONDS",
        help=f"seconds for the timed phases, {BUDGET_FLOOR_S:g} to {BUDGET_MAX_S:g} (default "
        f"{DEFAULT_BUDGET_S:g}, --quick {QUICK_BUDGET_S:g}); imports and warm-up come on top",
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
        "--tuning",
        action="store_true",
        help="also measure every tuned state this machine offers (jemalloc, tcmalloc where "
        "installed; the lean path and batch inference tuned); the default run measures the "
        "glibc allocator thresholds for each framework's main path",
    )
    parser.add_argument(
        "--keras-backends",
        default="auto",
        metavar="LIST",
        help="also train the workload's Keras model on these Keras 3 backends, comma-separated: "
        "tensorflow (the TensorFlow worker's keras-fit), torch, jax (needs the [jax] extra); "
        "none; auto (default): tensorflow,torch (and jax where installed) when the answers make "
        "Keras relevant (Keras or TensorFlow code, or a team that knows TensorFlow), else none",
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
        type=path_arg,
        help="write the result here instead of stdout (atomically; through a symlink to its "
        "target; never onto a device, pipe or folder)",
    )
    parser.add_argument(
        "--refresh", action="store_true", help="measure again even when a cached result exists"
    )
    return parser


def budget_arg(text: str) -> float:
    """--budget: a number of seconds (the range is checked with the other settings)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number of seconds")
    return value


def parse_frameworks(text: str) -> tuple[str, ...]:
    chosen: list[str] = []
    for raw in (t.strip().lower() for t in text.split(",")):
        if not raw:
            continue
        name = ALIASES.get(raw)
        if name is None:
            close = closest(raw, ALIASES)
            hint = f"; did you mean {ALIASES[close]!r}?" if close else ""
            raise UsageError(
                f"--frameworks: unknown framework {raw!r} (choose from pytorch, tensorflow){hint}"
            )
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise UsageError("--frameworks: give pytorch, tensorflow or both")
    return tuple(chosen)


def parse_keras_backends(text: str, answers: Mapping[str, object] | None,
                         frameworks: tuple[str, ...]) -> tuple[str, ...]:  # fmt: skip
    """--keras-backends: the backends asked for; "auto" applies the default rule."""
    words = [t.strip().lower() for t in text.split(",") if t.strip()]
    if words == ["auto"]:
        return default_keras_backends(answers, frameworks)
    if words == ["none"]:
        return ()
    chosen: list[str] = []
    for raw in words:
        name = BACKEND_ALIASES.get(raw)
        if name is None:
            close = closest(raw, [*BACKEND_ALIASES, "auto", "none"])
            hint = f"; did you mean {BACKEND_ALIASES.get(close, close)!r}?" if close else ""
            raise UsageError(f"--keras-backends: unknown Keras backend {raw!r} (choose from "
                             f"{', '.join(KERAS_BACKENDS)}, or auto or none){hint}")  # fmt: skip
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise UsageError("--keras-backends: give backends (tensorflow, torch, jax), auto or none")
    return tuple(chosen)


def settings_from_args(args: argparse.Namespace, workloads: tuple[str, ...],
                       answers: Mapping[str, object] | None = None
                       ):  # -> probes.ProbeSettings  # fmt: skip
    from probes import ProbeSettings, ProbeSettingsError

    frameworks = parse_frameworks(args.frameworks)
    try:
        return ProbeSettings(
            budget_s=args.budget,
            quick=args.quick,
            frameworks=frameworks,
            compiled=args.compiled,
            tuning=args.tuning,
            workloads=workloads,
            keras_backends=parse_keras_backends(args.keras_backends, answers, frameworks),
        )
    except ProbeSettingsError as exc:
        raise UsageError(f"--budget/--frameworks/--keras-backends: {exc}") from None


def answers_from_args(args: argparse.Namespace):  # -> Answers | None  # fmt: skip
    """The answers file given to the probe (or to the advisor), read and checked."""
    path = args.probe_answers or args.answers
    if path is None:
        return None
    from advisor.inputs.answers import load_answers
    from advisor.knowledge.loader import bundled_questionnaire

    return load_answers(path, bundled_questionnaire())


def workloads_from_args(
    args: argparse.Namespace, answers: Mapping[str, object] | None = None
) -> tuple[tuple[str, ...], str]:
    """The workloads to measure, the first heading the result, and a sentence saying why."""
    path = args.probe_answers or args.answers
    if answers is not None:
        matching = workload_for(answers)
        because = f"it matches the domain in {path} ({answers['domain']})"
    else:
        matching = DEFAULT_WORKLOAD
        because = "no answers file was given (--answers FILE picks the one matching its domain)"
    if args.workload == "all":
        rest = [w for w in WORKLOADS if w != matching]
        return (matching, *rest), (
            f"all {len(WORKLOADS)} workloads, one after another, {matching} first because "
            f"{because}"
        )
    if args.workload == "auto":
        return (matching,), f"{describe(matching)}, because {because}"
    return (args.workload,), f"{describe(args.workload)}, as asked"



def run(args: argparse.Namespace) -> int:
    """Run the probe command and return 0; raise ``UsageError`` or ``OutputError`` for bad
    arguments, and ``ProbeError`` when a framework asked for was not measured (after writing
    the result, which says why)."""
    from rich.markup import escape

    import probes
    from advisor.inputs.measurements import parse_measurements
    from advisor.report.measured import render_measurements

    err = _stderr_console()  # one message, one line
    inputs = [args.probe_answers or args.answers]  # the answers file must not become the output
    check_output_path(args.probe_output, label="--output", inputs=inputs)
    answers = answers_from_args(args)
    workloads, why = workloads_from_args(args, answers)
    settings = settings_from_args(args, workloads, answers)
    try:
        measured = _measure(settings, refresh=args.refresh, console=err,
                            intro=f"Probing {why}: {_duration(settings, answers)}.")  # fmt: skip
    except probes.ProbesNotInstalled as exc:
        raise ProbeError(str(exc)) from None
    result = measured.result
    if measured.cached:
        err.print(escape(f"Using the cached result of {why}, from {result.get('created')} "
                         "(--refresh measures again)."))  # fmt: skip
    parsed = parse_measurements(result, "the probe result")  # never print what fails it
    if args.probe_format == "json":
        text = json.dumps(printable_data(result), indent=2, sort_keys=True) + "\n"
    else:
        from advisor.cli.terminal import wants_colour

        color = wants_colour(None if args.probe_output else sys.stdout)
        text = render_measurements(parsed, color=color)
    write_output(text, args.probe_output, label="--output", inputs=inputs)
    failed = [
        ProbeError(_not_measured(fw, entry))
        for fw in settings.frameworks
        if (entry := result["frameworks"].get(fw, {})).get("status") != "ok"
    ]
    if failed:
        failed[0].more = tuple(failed[1:])
        raise failed[0]
    return int(ExitCode.OK)


def _not_measured(fw: str, entry: Mapping) -> str:
    """Why a framework has no figures, in one line; a busy machine comes with the offer."""
    from probes.report import BUSY

    if str(entry.get("message", "")).startswith(BUSY):
        return (f"{fw} {entry.get('message')}; run `advisor probe` again when it is quieter "
                "(nothing was cached)")  # fmt: skip
    return f"{fw} not measured ({entry.get('status')}): {entry.get('message')}"


def measure_for_answers(answers: Mapping[str, object], *, refresh: bool = False) -> dict | None:
    """The default probe for ``advisor --answers``, of the workload that matches the answers'
    domain: a cached result (unless ``refresh``), or a run with progress; None (after one line
    on stderr) when the probe frameworks are not installed."""
    from rich.markup import escape

    import probes

    err = _stderr_console()  # one message, one line
    workload = workload_for(answers)
    settings = probes.ProbeSettings(
        workloads=(workload,), keras_backends=default_keras_backends(answers, FRAMEWORKS)
    )
    intro = (f"Probing {describe(workload)}, which matches your domain "
             f"({answers.get('domain')}): {_duration(settings, answers)}.")  # fmt: skip
    try:
        measured = _measure(settings, refresh=refresh, console=err, intro=intro)
    except probes.ProbesNotInstalled as exc:
        err.print(escape(f"advisor: {exc}; the recommendation uses the rules alone"))
        return None
    if measured.cached:
        err.print(escape(f"Using the cached probe result of {describe(workload)}, which "
                         f"matches your domain, from {measured.result.get('created')} "
                         "(--refresh measures again)."))  # fmt: skip
    return measured.result


def _measure(settings, *, refresh: bool, console: Console, intro: str
             ):  # -> probes.Measured  # fmt: skip
    from rich.markup import escape

    import probes
    from advisor.cli.progress import ProbeProgress
    from advisor.inputs.measurements import measurements_problem

    # A row per worker kind: the Keras backends' workers (keras-torch, keras-jax) too.
    with ProbeProgress(console, settings.worker_names, settings.workloads, intro) as progress:
        # A cached result is checked as strictly as a user's measurements file.
        measured = probes.measure(settings, refresh=refresh, on_event=progress,
                                  check=measurements_problem)  # fmt: skip
    for warning in measured.warnings:
        console.print(escape(f"advisor: warning: {printable(warning)}"))
    return measured


def _stderr_console() -> Console:
    """Progress and notices: one message, one line, and quiet once nobody reads stderr (the
    result is written regardless)."""
    from rich.console import Console

    return Console(file=streams.stderr(), highlight=False, soft_wrap=True)


def _duration(settings, answers: Mapping[str, object] | None = None
              ) -> str:  # settings: probes.ProbeSettings  # fmt: skip
    """How long the run will take, said before it starts (a cached result takes none), and
    what the Keras backends add to it, and why they run."""
    each = settings.expected_wall_s  # with what the Keras backend workers add
    n = len(settings.workloads)
    said = f"about {each:.0f} s" if n == 1 else (
        f"about {n} × {each:.0f} s, so {n * each / 60:.0f} minutes in all")  # fmt: skip
    return said + backends_added(settings.backend_workers, settings.keras_wall_s, answers,
                                 skip="--keras-backends none skips them")
