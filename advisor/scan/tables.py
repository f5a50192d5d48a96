"""Loading the detection tables (bundled ``rules/scan/*.yaml`` plus ``--tables``) into ``Tables``,
the indexes the readers look things up in.

Errors are ``ScanTableError``s located like the rule files' (file, entry id, key, line). An
entry of an organisation's table with the id of a bundled entry replaces it; two entries with one
id in the bundled tables, or in the tables an organisation adds, are an error.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import msgspec

from advisor.errors import InputError, ScanTableError
from advisor.inputs.files import Locator, as_path, brief, load_yaml
from advisor.inputs.questions import Questionnaire
from advisor.inputs.validation import dotted, locate, suggest
from advisor.knowledge.formats import RuleId
from advisor.knowledge.loader import bundled_questionnaire, bundled_rules_dir, current_date
from advisor.scan.model import BoundTo
from advisor.scan.tablefile import (
    ENTRY_KINDS,
    PROPOSABLE,
    ArtifactEntry,
    CodeEntry,
    ConfigEntry,
    Entry,
    ImageEntry,
    IndexEntry,
    ModelEntry,
    ModuleEntry,
    PackageEntry,
    TextEntry,
)

WHAT = "a scan table (YAML)"


class _TableHeader(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A table with its entries left raw, so each entry is validated (and named) on its own.
    Mirrors ``ScanTable``, which stays the one declaration the JSON Schema is made from."""

    version: int = 1
    table: RuleId
    title: str = ""
    description: str = ""
    entries: Annotated[list[Any], msgspec.Meta(min_length=1)]


@dataclass(frozen=True)
class LoadedEntry:
    entry: Entry
    path: str
    line: int | None
    proposes: dict[str, str]
    """``entry.proposes`` with each preference list resolved against the questionnaire."""

    @property
    def id(self) -> str:
        return self.entry.id


def bundled_tables_dir() -> Path:
    return bundled_rules_dir() / "scan"


def table_paths(extra: object) -> list[Path]:
    """``extra`` as a list of paths (one path is one path); raises ``ScanTableError``."""
    if extra is None:
        return []
    if isinstance(extra, str | os.PathLike):
        extra = [extra]
    elif isinstance(extra, bytes | bytearray | dict) or not isinstance(extra, Iterable):
        raise ScanTableError(
            None, f"tables: expected a path or a list of paths, got {brief(extra)}")
    try:
        items = list(extra)
    except Exception as exc:  # an iterable that fails is the caller's; say so as ours
        raise ScanTableError(None, f"tables: cannot be listed: {brief(exc)}") from None
    return [as_path(e, ScanTableError, what="a scan table or a folder of them") for e in items]


def load_tables(
    extra: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] = (),
    *, questionnaire: Questionnaire | None = None,
) -> Tables:  # fmt: skip
    """The bundled tables plus ``extra`` (files, or folders of *.yaml); raise ``ScanTableError``
    at the first problem. Proposed values are checked against ``questionnaire`` (the bundled
    one by default)."""
    paths = table_paths(extra)
    if not paths and questionnaire is None:
        return _bundled()
    return _build(paths, questionnaire or bundled_questionnaire(), current_date())


@lru_cache(maxsize=1)
def _bundled() -> Tables:
    return _build([], bundled_questionnaire(), current_date())


def _files(p: Path) -> list[Path]:
    try:
        if p.is_dir():
            found = sorted([*p.glob("*.yaml"), *p.glob("*.yml")])
            if not found:
                raise ScanTableError(p, "contains no scan tables (*.yaml)")
            return found
    except OSError as exc:
        raise ScanTableError(p, f"cannot be read: {exc.strerror or exc}") from None
    return [p]


def _build(extra: list[Path], q: Questionnaire, today: date) -> Tables:
    by_id: dict[str, LoadedEntry] = {}
    bundled_ids: set[str] = set()
    replaced: list[str] = []
    sources = [(f, True) for f in _files(bundled_tables_dir())]
    sources += [(f, False) for p in extra for f in _files(p)]
    for path, bundled in sources:
        for loaded in _load_file(path, q, today):
            previous = by_id.get(loaded.id)
            if previous is not None:
                if bundled or previous.id not in bundled_ids or previous.id in replaced:
                    raise ScanTableError(
                        path, f"entry id collides with the entry in {previous.path} (line "
                        f"{previous.line}); ids must be unique", entry_id=loaded.id,
                        key="id", line=loaded.line,
                    )  # fmt: skip
                replaced.append(loaded.id)
            elif bundled:
                bundled_ids.add(loaded.id)
            by_id[loaded.id] = loaded
    return Tables(list(by_id.values()), replaced=tuple(replaced))


def _load_file(path: Path, q: Questionnaire, today: date) -> Iterator[LoadedEntry]:
    data, locator = load_yaml(path, ScanTableError, what=WHAT)
    try:
        header = msgspec.convert(data, _TableHeader)
    except msgspec.ValidationError as exc:
        raise locate(exc, _TableHeader, path, locator, ScanTableError, data=data) from None
    seen: set[str] = set()
    for i, raw in enumerate(header.entries):
        at = ("entries", i)
        entry_id = raw.get("id") if isinstance(raw, dict) else None
        name = entry_id if isinstance(entry_id, str) else None
        try:
            entry = msgspec.convert(raw, Entry)
        except msgspec.ValidationError as exc:
            kind = raw.get("kind") if isinstance(raw, dict) else None
            model = ENTRY_KINDS.get(kind, Entry) if isinstance(kind, str) else Entry
            error = locate(exc, model, path, locator, ScanTableError, prefix=at, data=raw)
            raise _named(error, name) from None
        line = locator.line(at)
        if entry.id in seen:
            raise ScanTableError(path, "entry id is used twice in this table", entry_id=entry.id,
                                 key="id", line=line)
        seen.add(entry.id)
        for j, source in enumerate(entry.sources):
            if source.checked > today:
                raise ScanTableError(
                    path, f"source {source.label} has a 'checked' date in the future "
                    f"({source.checked}); give the day it was last read", entry_id=entry.id,
                    key=f"sources[{j}].checked",
                    line=locator.line((*at, "sources", j, "checked")),
                )  # fmt: skip
        proposes = _proposes(entry, q, path, locator, at)
        yield LoadedEntry(entry, str(path), line, proposes)


def _named(error: InputError, entry_id: str | None) -> ScanTableError:
    """The same error naming the entry by its id (what an author searches for)."""
    at = error.at
    key = dotted(at[2:]) if len(at) > 2 and at[0] == "entries" else error.key
    return ScanTableError(error.path, error.detail, entry_id=entry_id, key=key or None,
                          line=error.line, at=at)


def _proposes(entry: Entry, q: Questionnaire, path: Path, locator: Locator,
              at: tuple[Any, ...]) -> dict[str, str]:  # fmt: skip
    out: dict[str, str] = {}
    for question, value in entry.proposes.items():
        where = (*at, "proposes", question)

        def error(message: str, key: str = question, where: tuple[Any, ...] = where) -> None:
            raise ScanTableError(path, message, entry_id=entry.id, key=f"proposes.{key}",
                                 line=locator.line(where))

        if question not in PROPOSABLE:
            error(f"a table entry cannot propose {question!r}{suggest(question, PROPOSABLE)}; "
                  f"it may propose: {', '.join(PROPOSABLE)}")
        if question not in q.by_id:
            error(f"the questionnaire has no question {question!r}")
        offered = q[question].values
        preferences = value if isinstance(value, list) else [value]
        usable = [v for v in preferences if v in offered]
        if not isinstance(value, list) and not usable:
            error(f"{value!r} is not an allowed value{suggest(value, offered)}; allowed: "
                  f"{', '.join(offered)}")
        if not usable:
            error(f"none of {', '.join(map(repr, preferences))} is offered by the questionnaire; "
                  f"allowed: {', '.join(offered)}")
        if question == "deployment" and usable[0] == "none":
            error("a finding cannot propose that nothing is deployed")
        out[question] = usable[0]
    return out


# --- the indexes -------------------------------------------------------------------------------

_WILD = re.compile(r"[*?\[]")
CACHE = 100_000
"""Dotted names whose matches are remembered, at most (then the memory starts afresh)."""


@dataclass
class Globs:
    """Shell-style patterns, looked up fast: exact names in a dict, wildcards in one regex."""

    exact: dict[str, list[LoadedEntry]] = field(default_factory=dict)
    wild: list[tuple[str, LoadedEntry]] = field(default_factory=list)
    _any: re.Pattern[str] | None = None

    def add(self, pattern: str, entry: LoadedEntry) -> None:
        if _WILD.search(pattern):
            self.wild.append((pattern, entry))
            self._any = None
        else:
            self.exact.setdefault(pattern, []).append(entry)

    def pattern(self) -> re.Pattern[str] | None:
        """One pattern that matches whatever a wildcard here matches (None without any)."""
        if self.wild and self._any is None:
            self._any = re.compile("|".join(fnmatch.translate(p) for p, _ in self.wild))
        return self._any

    def match(self, text: str, *, exact_wins: bool = False) -> list[LoadedEntry]:
        """The entries whose patterns match ``text``; with ``exact_wins``, an entry that names
        ``text`` exactly hides the catch-alls (``modelFormat:pytorch`` over ``modelFormat:*``)."""
        found = list(self.exact.get(text, ()))
        if found and exact_wins:
            return found
        any_wild = self.pattern()
        if any_wild is not None:
            if any_wild.match(text):
                found += [e for p, e in self.wild if fnmatch.fnmatchcase(text, p)]
        return found


@dataclass
class Dotted:
    """Dotted names: a pattern matches itself and everything under it; ``x.TF*`` matches any
    name that starts with ``x.TF``."""

    exact: dict[str, list[LoadedEntry]] = field(default_factory=dict)
    prefixes: list[tuple[str, LoadedEntry]] = field(default_factory=list)
    globs: list[tuple[str, str, LoadedEntry]] = field(default_factory=list)
    """(the pattern's text before its first wildcard, the pattern, the entry)"""
    _cache: dict[str, list[LoadedEntry]] = field(default_factory=dict)

    def add(self, pattern: str, entry: LoadedEntry) -> None:
        self._cache.clear()
        if pattern.endswith("*") and not _WILD.search(pattern[:-1]):
            self.prefixes.append((pattern[:-1], entry))
        elif wild := _WILD.search(pattern):
            self.globs.append((pattern[:wild.start()], pattern, entry))
        else:
            self.exact.setdefault(pattern, []).append(entry)

    def match(self, name: str) -> list[LoadedEntry]:
        """Every entry that matches ``name``, the most specific first (remembered: a code base
        names the same few thousand things over and over)."""
        found = self._cache.get(name)
        if found is None:
            found = self._match(name)
            if len(self._cache) >= CACHE:
                self._cache.clear()
            self._cache[name] = found
        return found

    def _match(self, name: str) -> list[LoadedEntry]:
        found: list[LoadedEntry] = []
        for prefix, entry in self.prefixes:
            if name.startswith(prefix):
                found.append(entry)
        for literal, pattern, entry in self.globs:
            if name.startswith(literal) and fnmatch.fnmatchcase(name, pattern):
                found.append(entry)
        part = name
        while True:
            found += self.exact.get(part, ())
            cut = part.rfind(".")
            if cut < 0:
                return found
            part = part[:cut]

    def roots(self) -> set[str]:
        """The first component of every pattern (what an import must start with)."""
        names = [*self.exact, *(p for p, _ in self.prefixes), *(p for _, p, _ in self.globs)]
        return {re.split(r"[.*?\[]", n)[0] for n in names} - {""}


def normalise_package(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


class Tables:
    """The loaded entries and the indexes every reader looks things up in."""

    def __init__(self, entries: list[LoadedEntry], *, replaced: tuple[str, ...] = ()) -> None:
        self.entries = entries
        self.by_id = {e.id: e for e in entries}
        self.replaced = replaced
        """Ids of bundled entries an organisation's table replaced."""
        self.modules = Dotted()
        self.names = Dotted()
        self.binds = Dotted()
        self.attributes: dict[str, list[LoadedEntry]] = {}
        self.strings = Globs()
        self.packages: dict[str, list[tuple[LoadedEntry, str | None]]] = {}
        self.indexes: list[tuple[str, LoadedEntry]] = []
        self.images = Globs()
        self.artifacts: dict[str, Globs] = {"npm": Globs(), "gradle": Globs(), "cocoapods": Globs()}
        self.configs: dict[str, Globs] = {"triton": Globs(), "kserve": Globs()}
        self.text_files = Globs()
        self.model_names = Globs()
        self.model_extensions: list[tuple[str, LoadedEntry]] = []
        for loaded in entries:
            self._index(loaded)
        self.model_extensions.sort(key=lambda pair: -len(pair[0]))
        self.python_words = self._python_words()

    def _index(self, loaded: LoadedEntry) -> None:
        e = loaded.entry
        if isinstance(e, ModuleEntry):
            for m in e.modules:
                self.modules.add(m, loaded)
                if e.bound_to:
                    self.binds.add(m, loaded)
        elif isinstance(e, CodeEntry):
            for n in e.names:
                self.names.add(n, loaded)
                if e.bound_to:
                    self.binds.add(n, loaded)
            for a in e.attributes:
                self.attributes.setdefault(a, []).append(loaded)
            for s in e.strings:
                self.strings.add(s, loaded)
        elif isinstance(e, PackageEntry):
            for p in e.packages:
                name, _, extra = p.partition("[")
                key = normalise_package(name)
                self.packages.setdefault(key, []).append((loaded, extra.rstrip("]") or None))
        elif isinstance(e, IndexEntry):
            self.indexes += [(u, loaded) for u in e.urls]
        elif isinstance(e, ImageEntry):
            for i in e.images:
                self.images.add(i, loaded)
        elif isinstance(e, ArtifactEntry):
            for n in e.names:
                self.artifacts[e.ecosystem].add(n, loaded)
        elif isinstance(e, ConfigEntry):
            for v in e.values:
                self.configs[e.reader].add(v, loaded)
        elif isinstance(e, TextEntry):
            for f in e.files:
                self.text_files.add(f, loaded)
        elif isinstance(e, ModelEntry):
            for n in e.names:
                self.model_names.add(n, loaded)
            self.model_extensions += [(x, loaded) for x in e.extensions]

    def _python_words(self) -> re.Pattern[bytes]:
        """One pattern a Python file must match to be worth parsing: it names a module, a name's
        first part, an attribute or a string the tables look for."""
        words = self.modules.roots() | self.names.roots() | set(self.attributes)
        words |= {re.split(r"[*?\[]", s)[0] for s in [*self.strings.exact,
                                                       *(p for p, _ in self.strings.wild)]}
        words = {w for w in words if w}
        alternatives = b"|".join(re.escape(w.encode()) for w in sorted(words, key=len,
                                                                        reverse=True))
        return re.compile(rb"\b(?:" + alternatives + rb")\b" if alternatives else b"(?!)")

    def bound(self, qualified: str) -> BoundTo | None:
        """The framework a dotted name ties code to: its most specific matching entry's."""
        for loaded in self.binds.match(qualified):
            return loaded.entry.bound_to
        return None

    def model_entry(self, name: str) -> LoadedEntry | None:
        """The model-file entry for a file (or folder) name: patterns on the whole name first,
        then the longest matching extension."""
        by_name = self.model_names.match(name)
        if by_name:
            return by_name[0]
        lower = name.lower()
        for ext, loaded in self.model_extensions:
            if lower.endswith(ext) and len(lower) > len(ext):
                return loaded
        return None

    def package(self, name: str, extras: Iterable[str], version: str) -> list[LoadedEntry]:
        """The package entries a requirement matches."""
        found = []
        extras = {normalise_package(x) for x in extras}
        for loaded, extra in self.packages.get(normalise_package(name), ()):
            if extra is not None and normalise_package(extra) not in extras:
                continue
            versions = getattr(loaded.entry, "versions", [])
            if versions and not any(v in version for v in versions):
                continue
            found.append(loaded)
        return found

    def index(self, url: str) -> list[LoadedEntry]:
        return [loaded for text, loaded in self.indexes if text in url]
