"""``advisor scan PATH``: read a project folder statically and print what it found and the
answers it proposes, with their evidence, the limits in force, what was skipped and why."""

from __future__ import annotations

import argparse
import math
import os
import sys

from advisor.cli.args import path_arg
from advisor.errors import ExitCode
from advisor.system.output import check_output_path, write_output


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from advisor.scan.walk import DEFAULT_LIMITS

    d = DEFAULT_LIMITS
    parser = subparsers.add_parser(
        "scan",
        help="read a project folder and propose answers from its code, dependencies, model "
        "files and deployment",
        description="Read a project folder statically (nothing in it is imported, run or "
        "deserialised) and print what it found and the answers it proposes, each with its "
        "evidence; the limits in force; and what was skipped or not understood, and why.",
    )
    parser.add_argument("scan_path", metavar="PATH", type=path_arg, help="the project's folder")
    parser.add_argument("--format", dest="scan_format", choices=("text", "markdown", "json"),
                        default="text", help="report format (default: text)")
    parser.add_argument(
        "--output", dest="scan_output", metavar="FILE", type=path_arg,
        help="write the report here instead of stdout (atomically; through a symlink to its "
        "target; never onto a device, pipe or folder)",
    )
    parser.add_argument("--max-files", type=_count, metavar="N", default=d.max_files,
                        help=f"look at most at N files (default {d.max_files:,})")
    parser.add_argument(
        "--max-file-mb", type=_megabytes, metavar="M", default=d.max_file_bytes,
        help=f"read no file larger than M megabytes; model files are only ever read for their "
        f"header (default {d.max_file_bytes / 1024 / 1024:g})",
    )
    parser.add_argument("--max-seconds", type=_seconds, metavar="S", default=d.max_seconds,
                        help=f"stop after S seconds (default {d.max_seconds:g})")
    parser.add_argument(
        "--tables", dest="scan_tables", metavar="FILE_OR_DIR", type=path_arg, action="append",
        default=[], help="extra detection tables (a YAML file or a folder of them); an entry "
        "with the id of a bundled one replaces it; repeatable",
    )
    return parser


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number above 0, got {text!r}")
    return value


def _megabytes(text: str) -> int:
    value = _positive(text)
    if value > 1024 * 1024:
        raise argparse.ArgumentTypeError(f"at most {1024 * 1024:,} MB, got {text!r}")
    return max(1, int(value * 1024 * 1024))


def _seconds(text: str) -> float:
    value = _positive(text)
    if value > 24 * 3600:
        raise argparse.ArgumentTypeError(f"at most one day (86400 s), got {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    from advisor.report.scan import render_scan
    from advisor.scan import Limits, load_tables, scan_project
    from advisor.scan.engine import check_root
    from advisor.scan.walk import DEFAULT_LIMITS

    check_root(args.scan_path)  # a typo is exit 2 before anything else is done
    inputs = [*args.scan_tables]
    check_output_path(args.scan_output, label="--output", inputs=inputs)
    tables = load_tables(args.scan_tables)
    limits = Limits(max_files=args.max_files, max_file_bytes=args.max_file_mb,
                    max_seconds=args.max_seconds)
    scan = scan_project(args.scan_path, limits=limits, tables=tables)
    width = _width() if args.scan_output is None and sys.stdout.isatty() else 100
    text = render_scan(scan, args.scan_format, width=width, defaults=DEFAULT_LIMITS)
    write_output(text, args.scan_output, label="--output", inputs=inputs)
    return int(ExitCode.OK)


def _width() -> int:
    try:
        return min(os.get_terminal_size().columns, 120)
    except OSError:
        return 100
