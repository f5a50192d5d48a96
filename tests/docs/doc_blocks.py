"""How the code blocks of the README and docs/ are run (Sybil, wired up in the root conftest.py).

Each Markdown file is one Sybil document, its blocks run in order, as a reader would follow
them, in a scratch folder of its own that holds a copy of examples/:

    python    run in this process (Sybil's own evaluator), the scratch folder as the cwd
    sh        each command line is a test of its own, run by bash: it must exit 0
    console   each `$ command` is run by bash; what it prints must equal the lines under it
    yaml      must parse; a rule pack (a `pack:` key) must pass `advisor rules check`
    text      not code (a layout, a usage line, a sample): not run

The `advisor` they call is this checkout's, from the virtual environment running the tests;
HOME and the cache point into the scratch folder, and COLUMNS, TERM and NO_COLOR are unset, so
output is drawn as for a pipe. The cache holds examples/measurements.json as this machine's
result for the default probe settings, so a command that probes reads it, as every run after a
user's first one does. A command that cannot run here is listed in CANNOT_RUN with the reason,
and shows as skipped with it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml
from sybil import Document, Example, Region
from sybil.evaluators.python import PythonEvaluator
from sybil.parsers.markdown import PythonCodeBlockParser
from sybil.parsers.markdown.lexers import FencedCodeBlockLexer

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("python", "sh", "console", "yaml", "text")
"""Every fenced block names one of these, so that none is left out of the tests unnoticed."""

CANNOT_RUN: dict[str, str] = {
    "make run": "opens the interactive app, which waits for a person at the keyboard",
    "make test": "runs the whole suite, this test included",
    "$EDITOR answers.yaml": "opens an editor for a person to use",
    "advisor --answers answers.yaml --refresh":
        "measures both frameworks again, about a minute; tests/system/test_cache.py runs "
        "--refresh against a fake probe",
    "measured = measure(ProbeSettings(quick=True":
        "trains both frameworks for about half a minute; tests/probes run measure() on a "
        "small budget",
}
"""The start of a command line (or a Python block's line) that cannot run in a test, and why."""

COMMAND_TIMEOUT_S = 60


def _cannot_run(text: str) -> str | None:
    for start, reason in CANNOT_RUN.items():
        if any(line.strip().startswith(start) for line in text.splitlines()):
            return reason
    return None


# --- the scratch folder of each document ----------------------------------------------------


def setup(namespace: dict[str, Any]) -> None:
    work = Path(tempfile.mkdtemp(prefix="advisor-docs-"))
    shutil.copytree(ROOT / "examples", work / "examples")
    env = {k: v for k, v in os.environ.items()
           if k not in {"COLUMNS", "LINES", "TERM", "NO_COLOR", "PYTHONPATH"}}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(work / "home"),
        ADVISOR_CACHE_DIR=str(work / "cache"),
        XDG_CACHE_HOME=str(work / "xdg-cache"),
        PYTHONIOENCODING="utf-8",
    )
    _seed_the_probe_cache(work / "cache")
    namespace["_work"] = work
    namespace["_env"] = env
    namespace["_cwd"] = Path.cwd()
    namespace["_environ"] = dict(os.environ)
    os.environ.update(HOME=env["HOME"], ADVISOR_CACHE_DIR=env["ADVISOR_CACHE_DIR"])
    os.chdir(work)


def teardown(namespace: dict[str, Any]) -> None:
    os.chdir(namespace["_cwd"])
    os.environ.clear()
    os.environ.update(namespace["_environ"])
    shutil.rmtree(namespace["_work"], ignore_errors=True)


def _seed_the_probe_cache(root: Path) -> None:
    """examples/measurements.json as this machine's result for the default settings, with and
    without the Keras backends the default rule adds for answers that make Keras relevant."""
    from advisor.frameworks import FRAMEWORKS
    from advisor.knowledge.bridge import default_keras_backends
    from probes.cache import cache_key
    from probes.settings import ProbeSettings

    keras = default_keras_backends({"team_experience": "tensorflow"}, FRAMEWORKS)
    (root / "probes").mkdir(parents=True)
    for backends in ((), keras):
        settings = ProbeSettings(workloads=("cnn",), keras_backends=backends)
        target = root / "probes" / f"{cache_key(settings)}.json"
        shutil.copyfile(ROOT / "examples" / "measurements.json", target)


def _bash(command: str, example: Example) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], cwd=example.namespace["_work"],
        env=example.namespace["_env"], capture_output=True, text=True, encoding="utf-8",
        timeout=COMMAND_TIMEOUT_S, check=False, stdin=subprocess.DEVNULL,
    )


# --- the parsers and evaluators ---------------------------------------------------------------


def _blocks(document: Document, language: str) -> Iterable[Region]:
    yield from FencedCodeBlockLexer(language=language)(document)


def _lines(region: Region) -> Iterable[tuple[int, int, str]]:
    """(start, end, text) of each line of a fenced block's source, as document offsets."""
    source = region.lexemes["source"]
    at = region.start + source.offset
    for line in source.splitlines(keepends=True):
        yield at, at + len(line.rstrip("\n")), line.rstrip("\n")
        at += len(line)


class ShellParser:
    """One example per command line of a ``sh`` block (a line ending in \\ goes on)."""

    def __call__(self, document: Document) -> Iterable[Region]:
        for block in _blocks(document, "sh"):
            pending: tuple[int, str] | None = None
            for start, end, line in _lines(block):
                if pending is not None:
                    start, line = pending[0], pending[1] + "\n" + line
                    pending = None
                if line.rstrip().endswith("\\"):
                    pending = (start, line)
                    continue
                if line.strip() and not line.lstrip().startswith("#"):
                    yield Region(start, end, line, self.evaluate)

    @staticmethod
    def evaluate(example: Example) -> None:
        command = example.parsed
        if reason := _cannot_run(command):
            pytest.skip(f"not run: {reason}")
        r = _bash(command, example)
        assert r.returncode == 0, (
            f"`{command}` exited {r.returncode}\n--- stdout\n{r.stdout}\n--- stderr\n{r.stderr}")


class ConsoleParser:
    """One example per ``$ command`` of a ``console`` block, with the lines under it (up to
    the next ``$``) as what it must print."""

    def __call__(self, document: Document) -> Iterable[Region]:
        for block in _blocks(document, "console"):
            current: list[Any] | None = None
            for start, end, line in _lines(block):
                if line.startswith("$ "):
                    if current is not None:
                        yield Region(current[0], current[1], (current[2], current[3]),
                                     self.evaluate)
                    current = [start, end, line[2:], []]
                else:
                    assert current is not None, f"output before a command in {document.path}"
                    current[1] = end
                    current[3].append(line)
            if current is not None:
                yield Region(current[0], current[1], (current[2], current[3]), self.evaluate)

    @staticmethod
    def evaluate(example: Example) -> str | None:
        command, expected = example.parsed
        if reason := _cannot_run(command):
            pytest.skip(f"not run: {reason}")
        r = _bash(command, example)
        assert r.returncode == 0, (
            f"`{command}` exited {r.returncode}\n--- stdout\n{r.stdout}\n--- stderr\n{r.stderr}")
        printed = [line.rstrip() for line in r.stdout.splitlines()]
        wanted = [line.rstrip() for line in expected]
        if printed != wanted:
            return (f"`{command}` printed something else than the page shows; the page wants:\n"
                    + "\n".join(wanted) + "\n--- it printed:\n" + "\n".join(printed)
                    + "\n(python tests/docs/refresh.py FILE writes what it prints into FILE)")
        return None


class YamlParser:
    """A ``yaml`` block must parse; a rule pack must pass ``advisor rules check``, and a scan
    table must be taken by ``advisor scan --tables``."""

    def __call__(self, document: Document) -> Iterable[Region]:
        for block in _blocks(document, "yaml"):
            yield Region(block.start, block.end, str(block.lexemes["source"]), self.evaluate)

    @staticmethod
    def evaluate(example: Example) -> None:
        data = yaml.safe_load(example.parsed)
        if isinstance(data, dict) and "pack" in data:
            pack = Path(example.namespace["_work"]) / "doc-block-pack.yaml"
            pack.write_text(example.parsed, encoding="utf-8")
            r = _bash(f"advisor rules check {pack.name}", example)
            assert r.returncode == 0, r.stdout + r.stderr
        elif isinstance(data, dict) and "table" in data:  # a scan table: a scan must take it
            table = Path(example.namespace["_work"]) / "doc-block-table.yaml"
            table.write_text(example.parsed, encoding="utf-8")
            r = _bash(f"advisor scan examples/projects/serving-shop --tables {table.name}",
                      example)
            assert r.returncode == 0, r.stdout + r.stderr


def _python(example: Example) -> None:
    if reason := _cannot_run(example.parsed):
        pytest.skip(f"not run: {reason}")
    PythonEvaluator()(example)


class PythonParser(PythonCodeBlockParser):
    """Sybil's Python block parser, with CANNOT_RUN honoured."""

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in super().__call__(document):
            region.evaluator = _python
            yield region


PARSERS = [PythonParser(), ShellParser(), ConsoleParser(), YamlParser()]


def fences(text: str) -> list[tuple[int, str]]:
    """(line, language) of every fenced block that opens in ``text``."""
    out, open_ = [], False
    for number, line in enumerate(text.splitlines(), 1):
        match = re.match(r"^\s*```(\S*)", line)
        if match:
            if not open_:
                out.append((number, match[1]))
            open_ = not open_
    return out
