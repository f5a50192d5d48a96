"""``scan_project``: walk a tree, hand each file to the readers its name calls for, and turn what
they found into findings, the switching cost and proposed answers.

Pure but for reading the tree (and, for the team hint, ``git log`` when the tree is a
repository): nothing is printed, nothing in the tree is imported, run or deserialised.
"""

from __future__ import annotations

import os
import stat
import threading
import time

from advisor.errors import ProjectError
from advisor.inputs.files import brief
from advisor.inputs.questions import Questionnaire
from advisor.knowledge.loader import bundled_questionnaire
from advisor.printable import printable
from advisor.scan import dependencies as deps
from advisor.scan import deployment, history, modelfiles
from advisor.scan.collect import SOURCE_EXTENSIONS, Collector
from advisor.scan.cost import switching_cost
from advisor.scan.model import BoundTo, Limits, ProjectScan
from advisor.scan.proposals import propose
from advisor.scan.sources import SourceResult
from advisor.scan.tables import LoadedEntry, Tables, load_tables
from advisor.scan.walk import DEFAULT_LIMITS, FileRef, Tallies, Unreadable, Walk, read_all
from advisor.scan.workers import Sources


def scan_project(
    path: str | os.PathLike[str],
    *,
    limits: Limits | None = None,
    tables: Tables | str | os.PathLike[str] | list[str | os.PathLike[str]] | None = None,
    cancel: threading.Event | None = None,
    questionnaire: Questionnaire | None = None,
) -> ProjectScan:
    """Scan the folder ``path`` statically and propose answers from what it holds.

    ``limits`` bound the files looked at, the bytes read per file and the time taken (defaults:
    ``DEFAULT_LIMITS``); ``tables`` are loaded ``Tables`` or extra table files added to the
    bundled ones; ``cancel``, once set, stops the scan with ``ScanCancelled``. Proposals are
    valid answers of ``questionnaire`` (the bundled one by default).

    Raises ``ProjectError`` when ``path`` is not a folder that can be listed or ``limits`` are
    not limits, and ``ScanTableError`` for a bad table; anything the tree holds is reported in
    the result (``skipped``, ``problems``), never raised.
    """
    root = check_root(path)
    limits = check_limits(limits)
    q = questionnaire or bundled_questionnaire()
    loaded = tables if isinstance(tables, Tables) else load_tables(
        tables or (), questionnaire=questionnaire)
    scan = _Scan(root, limits, loaded, cancel)
    scan.run()
    return scan.result(q, str(path))


def check_root(path: object) -> str:
    if not isinstance(path, str | os.PathLike) or not isinstance(os.fspath(path), str):
        raise ProjectError(
            None, f"expected the path of a folder (a str or Path), got {brief(path)}")
    text = os.fspath(path)
    if not text:
        raise ProjectError(None, "the folder name is empty")
    if "\0" in text:
        raise ProjectError(brief(text), "the folder name contains a NUL character")
    try:
        mode = os.stat(text).st_mode
    except FileNotFoundError:
        raise ProjectError(text, "no such folder") from None
    except OSError as exc:
        raise ProjectError(text, f"cannot be scanned: {exc.strerror or exc}") from None
    if not stat.S_ISDIR(mode):
        raise ProjectError(text, "is not a folder; give the project's root folder")
    try:
        with os.scandir(text) as it:
            next(it, None)
    except OSError as exc:
        raise ProjectError(text, f"cannot be listed: {exc.strerror or exc}") from None
    return text


def check_limits(limits: object) -> Limits:
    if limits is None:
        return DEFAULT_LIMITS
    if not isinstance(limits, Limits):
        raise ProjectError(None, f"limits: expected a Limits, got {brief(limits)}")
    if not (isinstance(limits.max_files, int) and limits.max_files >= 1):
        raise ProjectError(None, f"limits: max_files must be at least 1, got {limits.max_files!r}")
    if not (isinstance(limits.max_file_bytes, int) and limits.max_file_bytes >= 1):
        raise ProjectError(
            None, f"limits: max_file_bytes must be at least 1, got {limits.max_file_bytes!r}")
    seconds = limits.max_seconds
    if not (isinstance(seconds, int | float) and 0 < seconds < float("inf")):
        raise ProjectError(None, f"limits: max_seconds must be above 0, got {seconds!r}")
    return limits


class _Scan:
    def __init__(self, root: str, limits: Limits, tables: Tables,
                 cancel: threading.Event | None) -> None:  # fmt: skip
        self.root = root
        self.limits = limits
        self.tables = tables
        self.skipped = Tallies()
        self.problems = Tallies()
        self.found = Collector()
        self.walk = Walk(root, limits, self.skipped, cancel=cancel,
                         is_model_folder=self._is_model_folder)
        self.files_read = 0
        self.bytes_read = 0
        self.team: history.Team | None = None
        self.sources = Sources(tables, self._source)

    def _is_model_folder(self, name: str) -> bool:
        entry = self.tables.model_entry(name)
        return entry is not None and getattr(entry.entry, "reader", "") == "folder"

    def run(self) -> None:
        try:
            for ref in self.walk:
                self._file(ref)
            self.sources.finish()
        except Unreadable as exc:  # the root itself, between the check and the walk
            raise ProjectError(self.root, f"cannot be scanned: {exc.reason}") from None
        finally:
            self.sources.close()
        remaining = self.walk.deadline - time.monotonic()
        if self.walk.stopped is None and remaining > 0:
            self.team = history.read(self.root, self.found.bound, remaining, self.skipped)

    # --- one file -----------------------------------------------------------------------------

    def _file(self, ref: FileRef) -> None:
        t = self.tables
        model = t.model_entry(ref.name)
        if model is not None:
            self._model(ref, model)
            return
        name, lower = ref.name, ref.name.lower()
        folder = ref.rel.rpartition("/")[0]
        if lower[lower.rfind("."):] in SOURCE_EXTENSIONS:
            self.found.source_files += 1
        python = lower.endswith(".py")
        notebook = lower.endswith(".ipynb")
        dependency = deps.is_dependency_file(name, folder)
        docker = deployment.is_dockerfile(name)
        artifact = _artifact_kind(name)
        config = "triton" if name == "config.pbtxt" else (
            "kserve" if lower.endswith((".yaml", ".yml")) else None)
        texts = t.text_files.match(name)
        if not (python or notebook or dependency or docker or artifact or config or texts):
            return
        try:
            data = read_all(ref, self.limits.max_file_bytes)
        except Unreadable as exc:
            self.skipped.add(exc.reason, ref.rel)
            return
        self.files_read += 1
        self.bytes_read += len(data)
        if python or notebook:
            self.sources.submit("notebook" if notebook else "python", ref.rel, data)
        text: str | None = None
        if dependency or docker or artifact or config:
            text = data.decode("utf-8", "replace")
        if dependency and text is not None:
            self.found.dependency_files += 1
            try:
                self._dependencies(ref.rel, deps.read(name, text))
            except deps.NotDependencies as exc:
                self.problems.add(exc.reason, ref.rel)
        if docker and text is not None:
            images, commands = deployment.dockerfile(text)
            for image, line, where in images:
                for e in t.images.match(image):
                    self.found.hit(e, ref.rel, line, where)
            self._dependencies(ref.rel, deps.install_lines(list(commands)))
        if artifact and text is not None:
            self._artifacts(ref, artifact, text)
        if config == "triton" or (config == "kserve" and b"InferenceService" in data):
            items = deployment.triton(text or "") if config == "triton" else deployment.kserve(
                text or "")
            for value, line, where in items:
                for e in t.configs[config].match(value, exact_wins=True):
                    self.found.hit(e, ref.rel, line, where)
        if texts:
            self._texts(ref, data, texts)

    def _source(self, result: SourceResult) -> None:
        """Record what a Python file or a notebook said (parsed here or in a worker)."""
        if result.problem is not None:
            self.problems.add(result.problem, result.rel)
            return
        bound: dict[BoundTo, int] = {}
        by_id = self.tables.by_id
        for unit in result.units:
            where = result.rel if unit.cell is None else f"{result.rel} (cell {unit.cell})"
            if unit.problem is not None:
                self.problems.add(unit.problem, where)
                continue
            if unit.shell:
                self._dependencies(result.rel, deps.install_lines(list(unit.shell)),
                                   cell=unit.cell)
            for hit in unit.hits:
                self.found.hit(by_id[hit.entry_id], result.rel, hit.line, hit.text,
                               cell=unit.cell, n=hit.lines)
            for fw, n in unit.bound.items():
                bound[fw] = bound.get(fw, 0) + n
        self.found.bind(result.rel, bound)

    def _dependencies(self, rel: str, found: deps.Dependencies, *,
                      cell: int | None = None) -> None:  # fmt: skip
        t = self.tables
        for req in found.requirements:
            for e in t.package(req.name, req.extras, req.version):
                self.found.hit(e, rel, req.line, req.text, cell=cell)
        for index in found.indexes:
            for e in t.index(index.url):
                self.found.hit(e, rel, index.line, index.text, cell=cell)

    def _artifacts(self, ref: FileRef, kind: str, text: str) -> None:
        try:
            items = {"npm": deployment.package_json, "gradle": deployment.gradle,
                     "cocoapods": deployment.podfile}[kind](text)
        except deployment.NotReadable as exc:
            self.problems.add(exc.reason, ref.rel)
            return
        for value, line, where in items:
            for e in self.tables.artifacts[kind].match(value, exact_wins=True):
                self.found.hit(e, ref.rel, line, where)

    def _texts(self, ref: FileRef, data: bytes, entries: list[LoadedEntry]) -> None:
        lowered: bytes | None = None
        for loaded in entries:
            entry = loaded.entry
            haystack = data
            if getattr(entry, "ignore_case", False):
                lowered = lowered if lowered is not None else data.lower()
                haystack = lowered
            for token in getattr(entry, "tokens", ()):
                needle = token.encode()
                at = haystack.find(needle.lower() if haystack is lowered else needle)
                if at >= 0:
                    line = data.count(b"\n", 0, at) + 1
                    self.found.hit(loaded, ref.rel, line, _line(data.split(b"\n"), line))
                    break

    def _model(self, ref: FileRef, loaded: LoadedEntry) -> None:
        try:
            result = modelfiles.check(getattr(loaded.entry, "reader", "folder"), ref)
        except Unreadable as exc:
            self.skipped.add(exc.reason, ref.rel)
            return
        self.files_read += 0 if ref.is_dir else 1
        if result.status == "problem":
            self.problems.add(result.detail, ref.rel)
        elif result.status == "model":
            self.found.hit(loaded, ref.rel, None, result.detail)
            self.found.model_files[ref.rel] = (loaded, result.bound or loaded.entry.bound_to)

    # --- the result -----------------------------------------------------------------------------

    def result(self, q: Questionnaire, root: str) -> ProjectScan:
        if self.walk.stopped:
            self.skipped.add(f"not looked at: {self.walk.stopped}", "the rest of the tree")
        findings = self.found.findings()
        if self.team is not None and self.team.finding is not None:
            findings.append(self.team.finding)
        cost = switching_cost(self.found, self.tables)
        proposals = propose(self.found, findings, cost, self.tables, q, self.team)
        return ProjectScan(
            root=printable(root), complete=self.walk.stopped is None, limits=self.limits,
            files_seen=self.walk.files_seen, files_read=self.files_read,
            bytes_read=self.bytes_read, seconds=round(time.monotonic() - self.walk.started, 3),
            findings=findings, proposals=proposals, switching_cost=cost,
            skipped=self.skipped.records(), problems=self.problems.records(),
        )


def _artifact_kind(name: str) -> str | None:
    if name == "package.json":
        return "npm"
    if name in ("build.gradle", "build.gradle.kts", "libs.versions.toml") or name.endswith(
            ".gradle"):
        return "gradle"
    if name == "Podfile":
        return "cocoapods"
    return None


def _line(lines: list[bytes] | list[str], number: int | None) -> str:
    if number is None or not 1 <= number <= len(lines):
        return ""
    line = lines[number - 1]
    return line.decode("utf-8", "replace") if isinstance(line, bytes) else line
