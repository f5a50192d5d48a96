"""The command line: the app, ``--answers FILE``, ``questions``, ``rules check``, ``probe``.

Reports go to stdout (or ``--output``), progress and diagnostics to stderr. Errors become
exit codes here (``main``) and nowhere else (see ``advisor.errors.ExitCode``). Heavy modules (rich,
textual, the probes) are imported only by the paths that need them, so ``--format json`` stays
fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from advisor import __version__
from advisor.cli.args import path_arg
from advisor.errors import AdvisorError, ExitCode, UsageError
from advisor.printable import printable
from advisor.report import FORMATS
from advisor.system import streams
from advisor.system.interrupts import describe, exit_code, signals_as_interrupts
from advisor.system.output import check_output_path, write_output
from advisor.system.streams import say

if TYPE_CHECKING:
    from advisor.inputs.answers import Answers

PROG = "advisor"
_STOPPED = {"probe": "; every probe worker was stopped"}
"""What an interrupted command cleaned up, said after how it was interrupted."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors through our exit code, with its usage line."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(streams.stderr())
        say(f"{self.prog}: error: {message}")
        raise SystemExit(ExitCode.BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="TensorFlow or PyTorch? Answers, sourced rules and measurements on this "
        "machine, combined into an explained recommendation. Without arguments, starts the "
        "interactive app. With --project DIR, a scan of your repository proposes answers; "
        "with --format or --output as well, it reports without an answers file (for CI).",
        epilog="Exit codes: 0 success, 1 'rules check' found problems, 2 bad input or usage, "
        "or the report could not be written (also to a full or closed stdout), 3 a probe could "
        "not measure a framework, 129 hung up (SIGHUP), 130 interrupted (Ctrl-C), 141 the "
        "reader of stdout went away (a broken pipe), 143 terminated (SIGTERM).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--answers", metavar="FILE", type=path_arg, help="answers file (YAML); no questions asked"
    )
    probe = parser.add_mutually_exclusive_group()
    probe.add_argument("--no-probe", action="store_true", help="score on the rules alone")
    probe.add_argument(
        "--measurements",
        metavar="FILE",
        type=path_arg,
        help="use this measurements file (JSON) instead of probing",
    )
    probe.add_argument(
        "--refresh",
        dest="answers_refresh",  # `advisor probe --refresh` has its own
        action="store_true",
        help="with --answers: measure again even when a cached probe result exists",
    )
    parser.add_argument(
        "--project",
        metavar="DIR",
        type=path_arg,
        help="scan this repository (read, never run) and use the answers it proposes where "
        "--answers gives none; without --answers, --format or --output asks for the report "
        "(the other questions take their defaults), otherwise the app opens",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="report format (default: text)",
    )
    parser.add_argument(
        "--output",
        metavar="FILE",
        type=path_arg,
        help="write the report here instead of stdout (atomically; through a symlink to its "
        "target; never onto a device, pipe, folder or input file)",
    )
    parser.add_argument(
        "--rules",
        metavar="DIR",
        type=path_arg,
        action="append",
        default=[],
        help="extra rule packs (a directory of *.yaml or one file); repeatable",
    )
    parser.add_argument(
        "--tui", action="store_true", help="open the interactive app (with --answers: pre-filled)"
    )

    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    q = sub.add_parser("questions", help="print the questionnaire")
    q.add_argument(
        "--template",
        action="store_true",
        help="print a commented answers file that is valid as it stands",
    )
    rules = sub.add_parser("rules", help="work with rule files")
    rules_sub = rules.add_subparsers(
        dest="rules_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    check = rules_sub.add_parser("check", help="validate rule files and list every problem")
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        type=path_arg,
        help="extra rule packs to check with the bundled ones",
    )
    check.add_argument("--strict", action="store_true", help="count warnings as problems")
    _add_probe_parser(sub)
    _add_scan_parser(sub)
    return parser


def _add_probe_parser(sub: argparse._SubParsersAction) -> None:
    from advisor.cli import probe as probe_cli

    probe_cli.add_parser(sub)


def _add_scan_parser(sub: argparse._SubParsersAction) -> None:
    from advisor.cli import scan as scan_cli

    scan_cli.add_parser(sub)


def _flush_help() -> int:
    """--help and --version print and exit 0 with their text still in stdout's buffer: a full
    disk must fail them as it fails a report, not pass unnoticed (with stdout closed,
    argparse has written them to stderr)."""
    if sys.stdout is None:
        return int(ExitCode.OK)
    try:
        streams.write_stdout("")
    except BrokenPipeError:
        return int(ExitCode.BROKEN_PIPE)
    except AdvisorError as exc:
        say(f"{PROG}: {exc.prefix}{exc}")
        return int(exc.exit_code)
    return int(ExitCode.OK)


def main(argv: Sequence[str] | None = None) -> int:
    streams.reserve_standard_descriptors()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
        return _flush_help()
    # The handlers stay in place while an interruption is reported: a second Ctrl-C must not
    # cut short the clean-up of the first (advisor.system.interrupts).
    with signals_as_interrupts():
        try:
            return _dispatch(args)
        except AdvisorError as exc:
            for problem in (exc, *exc.more):
                say(f"{PROG}: {problem.prefix}{problem}")
            return int(exc.exit_code)
        except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP
            say(f"{PROG}: {describe(exc)}" + _STOPPED.get(args.command, ""))
            return exit_code(exc)
        except BrokenPipeError:
            # The reader of stdout went away (`advisor ... | head -1`): end quietly, as a Unix
            # tool that SIGPIPE ends does, with the status a shell shows for one.
            streams.discard(sys.stdout)
            return int(ExitCode.BROKEN_PIPE)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "questions":
        return _questions(args)
    if args.command == "rules":
        return _rules_check(args)
    if args.command == "probe":
        from advisor.cli import probe as probe_cli

        return probe_cli.run(args)
    if args.command == "scan":
        from advisor.cli import scan as scan_cli

        return scan_cli.run(args)
    if _report_mode(args):
        return _answers_mode(args)
    return _tui(args)


def _report_mode(args: argparse.Namespace) -> bool:
    """A report, not the app: an answers file was given, or a project with --format or
    --output (a repository scanned in CI needs no answers file). --tui opens the app anyway."""
    if args.tui:
        return False
    return args.answers is not None or (
        args.project is not None and (args.format is not None or args.output is not None))


def _answers_mode(args: argparse.Namespace) -> int:
    from advisor.inputs.answers import load_answers, normalise_answers
    from advisor.inputs.environment import installed_versions
    from advisor.knowledge.loader import bundled_rules_dir, load_ruleset
    from advisor.machine import this_machine
    from advisor.scoring import score

    if args.project is not None:
        from advisor.scan.project import check_folder

        check_folder(args.project)  # a typo is exit 2 before anything else is done
    base = bundled_rules_dir()  # in a checkout, `--output rules/...` must not replace a rule file
    inputs = [args.answers, args.measurements, *args.rules, base / "questions.yaml",
              base / "criteria.yaml", base / "packs"]  # fmt: skip
    check_output_path(args.output, inputs=inputs)
    ruleset = load_ruleset(args.rules)
    if args.answers is not None:
        answers = load_answers(args.answers, ruleset.questionnaire)
    else:  # --project with --format/--output: the scan and the defaults answer
        answers = normalise_answers({}, ruleset.questionnaire)
    scan = None
    if args.project is not None:
        from advisor.scan.answers import with_proposals

        scan = _scan(args.project)
        # Before measuring: a domain the scan proposes decides which workload is probed.
        answers = with_proposals(answers, scan, ruleset.questionnaire)
    measurements = _measurements(args, answers)
    rec = score(answers, ruleset, measurements, scan=scan, here=this_machine(),
                installed=installed_versions(ruleset.recorded_packages))

    from advisor.cli.terminal import report_width, wants_colour
    from advisor.report import render

    # A saved report is drawn as a piped one: the readable width (or COLUMNS), no colour.
    stream = sys.stdout if args.output is None else None
    text = render(rec, args.format or "text", width=report_width(stream),
                  color=wants_colour(stream))
    write_output(text, args.output, inputs=inputs)
    return int(ExitCode.OK)


def _scan(project: str):  # -> ProjectScan
    """Scan the project, saying on stderr what was read and anything it could not read."""
    from advisor.report.project import scan_summary
    from advisor.scan.project import scan_folder

    scan = scan_folder(project)
    for line in scan_summary(scan):
        say(f"{PROG}: {line}")
    return scan


def _measurements(args: argparse.Namespace, answers: Answers):  # -> Measurements | None
    from advisor.inputs.measurements import load_measurements, parse_measurements

    if args.measurements:
        return load_measurements(args.measurements)
    if args.no_probe:
        return None
    from advisor.cli.probe import measure_for_answers

    result = measure_for_answers(answers, refresh=args.answers_refresh)
    return None if result is None else parse_measurements(result, "the probe result")


def _questions(args: argparse.Namespace) -> int:
    from advisor.inputs.template import answers_template, describe_questions
    from advisor.knowledge.loader import bundled_questionnaire

    q = bundled_questionnaire()
    write_output(answers_template(q) if args.template else describe_questions(q), None)
    return int(ExitCode.OK)


def _rules_check(args: argparse.Namespace) -> int:
    from advisor.knowledge.checks import checked_ruleset, pack_ages

    problems, rs = checked_ruleset(args.paths)
    lines = [f"error: {p}" for p in problems.errors]
    lines += [f"warning: {p}" for p in problems.warnings]
    lines += [f"note: {printable(n)}" for n in problems.notes]
    errors, warnings = problems.count(), problems.count(warnings=True)
    if rs is not None:
        kinds: dict[str, int] = {}
        for r in rs.rules:
            kinds[r.rule.kind] = kinds.get(r.rule.kind, 0) + 1
        counts = ", ".join(f"{n} {k}s" for k, n in sorted(kinds.items()))
        lines.append(f"checked {len(rs.packs)} packs: {counts}; {warnings:,} warnings")
        lines.append("packs by the age of their checks, oldest first:")
        for age in pack_ages(rs):
            dates = f"{age.oldest} to {age.newest}" if age.oldest else "no sources"
            versions = ", ".join(f"{name} {v}" for name, v in age.versions) or "no versions"
            lines.append(f"  {age.pack}: sources checked {dates}; checked against {versions}")
    else:
        lines.append(f"{errors:,} problems, {warnings:,} warnings")
    write_output("".join(line + "\n" for line in lines), None)
    failed = errors or (args.strict and warnings)
    return int(ExitCode.RULES_PROBLEMS if failed else ExitCode.OK)


def _tui(args: argparse.Namespace) -> int:
    if args.project is not None:
        from advisor.scan.project import check_folder

        check_folder(args.project)  # exit 2 before the app takes the terminal
    # Without a terminal the app would wait for ever on input that cannot come (a CI job,
    # `docker run` without -t, cron): say so at once, and what to run instead.
    problem = streams.terminal_problem()
    if problem is not None:
        raise UsageError(problem)
    from advisor.tui import run_app

    return run_app(
        answers_path=args.answers,
        rule_paths=args.rules,
        no_probe=args.no_probe,
        measurements_path=args.measurements,
        project_path=args.project,
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
