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
from advisor.errors import AdvisorError, ExitCode
from advisor.report import FORMATS
from advisor.system.interrupts import describe, exit_code, signals_as_interrupts
from advisor.system.output import check_output_path, write_output

if TYPE_CHECKING:
    from advisor.inputs.answers import Answers

PROG = "advisor"
_STOPPED = {"probe": "; every probe worker was stopped"}
"""What an interrupted command cleaned up, said after how it was interrupted."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors through our exit code, with its usage line."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(ExitCode.BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="TensorFlow or PyTorch? Answers, sourced rules and measurements on this "
        "machine, combined into an explained recommendation. Without arguments, starts the "
        "interactive app.",
        epilog="Exit codes: 0 success, 1 'rules check' found problems, 2 bad input or usage, "
        "3 a probe could not measure a framework, 129 hung up (SIGHUP), 130 interrupted "
        "(Ctrl-C), 143 terminated (SIGTERM).",
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
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
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
    return parser


def _add_probe_parser(sub: argparse._SubParsersAction) -> None:
    from advisor.cli import probe as probe_cli

    probe_cli.add_parser(sub)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with signals_as_interrupts():
            return _dispatch(args)
    except AdvisorError as exc:
        for problem in (exc, *exc.more):
            print(f"{PROG}: {problem.prefix}{problem}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP (advisor.system.interrupts)
        _say(f"{PROG}: {describe(exc)}" + _STOPPED.get(args.command, ""))
        return exit_code(exc)
    except BrokenPipeError:
        # The reader went away (e.g. `advisor ... | head`); nothing left to say.
        sys.stderr.close()
        return int(ExitCode.OK)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "questions":
        return _questions(args)
    if args.command == "rules":
        return _rules_check(args)
    if args.command == "probe":
        from advisor.cli import probe as probe_cli

        return probe_cli.run(args)
    if args.answers is not None and not args.tui:
        return _answers_mode(args)
    return _tui(args)


def _say(line: str) -> None:
    """One line on stderr, which a hang-up may already have closed."""
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def _answers_mode(args: argparse.Namespace) -> int:
    from advisor.inputs.answers import load_answers
    from advisor.knowledge.loader import bundled_rules_dir, load_ruleset
    from advisor.scoring import score

    base = bundled_rules_dir()  # in a checkout, `--output rules/...` must not replace a rule file
    inputs = [args.answers, args.measurements, *args.rules, base / "questions.yaml",
              base / "criteria.yaml", base / "packs"]  # fmt: skip
    check_output_path(args.output, inputs=inputs)
    ruleset = load_ruleset(args.rules)
    answers = load_answers(args.answers, ruleset.questionnaire)
    measurements = _measurements(args, answers)
    rec = score(answers, ruleset, measurements)

    from advisor.cli.terminal import report_width, wants_colour
    from advisor.report import render

    # A saved report is drawn as a piped one: the readable width (or COLUMNS), no colour.
    stream = sys.stdout if args.output is None else None
    text = render(rec, args.format, width=report_width(stream), color=wants_colour(stream))
    write_output(text, args.output, inputs=inputs)
    return int(ExitCode.OK)


def _measurements(args: argparse.Namespace, answers: Answers):  # -> Measurements | None
    from advisor.inputs.measurements import load_measurements, parse_measurements

    if args.measurements:
        return load_measurements(args.measurements)
    if args.no_probe:
        return None
    from advisor.cli.probe import measure_for_answers

    result = measure_for_answers(answers)
    return None if result is None else parse_measurements(result, "the probe result")


def _questions(args: argparse.Namespace) -> int:
    from advisor.inputs.template import answers_template, describe_questions
    from advisor.knowledge.loader import bundled_questionnaire

    q = bundled_questionnaire()
    write_output(answers_template(q) if args.template else describe_questions(q), None)
    return int(ExitCode.OK)


def _rules_check(args: argparse.Namespace) -> int:
    from advisor.knowledge.checks import check_rules
    from advisor.knowledge.loader import load_ruleset

    problems = check_rules(args.paths)
    for p in problems.errors:
        print(f"error: {p}", file=sys.stdout)
    for p in problems.warnings:
        print(f"warning: {p}", file=sys.stdout)
    errors, warnings = len(problems.errors), len(problems.warnings)
    if not errors:
        rs = load_ruleset(args.paths)
        kinds: dict[str, int] = {}
        for r in rs.rules:
            kinds[r.rule.kind] = kinds.get(r.rule.kind, 0) + 1
        counts = ", ".join(f"{n} {k}s" for k, n in sorted(kinds.items()))
        print(f"checked {len(rs.packs)} packs: {counts}; {warnings} warnings")
    else:
        print(f"{errors} problems, {warnings} warnings")
    failed = errors or (args.strict and warnings)
    return int(ExitCode.RULES_PROBLEMS if failed else ExitCode.OK)


def _tui(args: argparse.Namespace) -> int:
    from advisor.tui import run_app

    return run_app(
        answers_path=args.answers,
        rule_paths=args.rules,
        no_probe=args.no_probe,
        measurements_path=args.measurements,
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
