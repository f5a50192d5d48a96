"""Safe reading of user-supplied YAML and JSON files, with line numbers for every value.

Every loader in the advisor reads its files through here, so every file gets the same checks
(missing, directory, too large, binary, empty, alias bombs, nesting too deep), every string
in it loses its escape sequences and control characters (``advisor.printable``), and every
file gets the same error shape: the project's own ``InputError`` subclass, naming the file
and, where known, the line and column.
"""

from __future__ import annotations

import json
import os
import re
import reprlib
import stat
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from advisor.errors import InputError
from advisor.printable import printable, printable_data

MAX_BYTES = 1_000_000
"""Inputs are small text files; anything larger is almost certainly the wrong file."""
MAX_NODES = 100_000
"""A document may reach at most this many values, aliases expanded: a few kilobytes of nested
aliases can otherwise stand for billions of values (the "billion laughs")."""
MAX_DEPTH = 50
"""Values may be nested at most this deep (aliases expanded). Every file the advisor reads
needs fewer than ten levels; the limit is checked before anything walks the values
recursively (building them, validating them, quoting them in a message), so a deeply nested
file is one located error, never a RecursionError."""

try:  # The C parser is several times faster; fall back silently where libyaml is absent.
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

KeyPath = tuple[Any, ...]
_Error = yaml.constructor.ConstructorError


class _LimitError(_Error):
    """A document that is well-formed YAML but beyond what the advisor reads."""


class _Loader(_BaseLoader):
    """SafeLoader that rejects duplicate keys and reports malformed scalars with their line."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):  # e.g. "!!set 1" puts a scalar here
            raise _Error(None, None, f"expected a mapping for tag {node.tag}", node.start_mark)
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # merged keys may be overridden by explicit ones; that is their purpose
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                raise _Error(None, None, "a mapping key must be a plain value", key_node.start_mark)
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise _Error(
                    None,
                    None,
                    f"duplicate key {key!r} (first given on line {first})",
                    key_node.start_mark,
                )
            seen[key] = key_node
        self.flatten_mapping(node)
        return yaml.constructor.BaseConstructor.construct_mapping(self, node, deep=deep)


def _checked_scalar(construct: Any, kind: str) -> Any:
    def wrapper(loader: _Loader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, TypeError, AttributeError):
            # PyYAML raises bare Python errors for e.g. "!!float abc" or a 5,000-digit integer.
            raise _Error(
                None, None, f"{node.value[:40]!r} is not a valid {kind}", node.start_mark
            ) from None

    return wrapper


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
for _tag, _kind in (("int", "integer"), ("float", "number"), ("timestamp", "date or time")):
    _Loader.add_constructor(
        f"tag:yaml.org,2002:{_tag}",
        _checked_scalar(_Loader.yaml_constructors[f"tag:yaml.org,2002:{_tag}"], _kind),
    )


@dataclass
class Locator:
    """Maps a key path inside a loaded document to the line it came from (1-based)."""

    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]

    @classmethod
    def from_node(cls, root: yaml.Node) -> Locator:
        """Index every value's line; reject recursive aliases and documents that expand too far."""
        loc = cls()
        stack: list[tuple[yaml.Node, KeyPath, frozenset[int]]] = [(root, (), frozenset())]
        reached = 0
        distinct: set[int] = set()  # an alias reaches a node again: the difference is theirs
        while stack:
            node, path, ancestors = stack.pop()
            reached += 1
            distinct.add(id(node))
            if reached > MAX_NODES:
                why = (f"the document expands to more than {MAX_NODES:,} values through aliases"
                       if len(distinct) < reached else f"the document holds more than "
                       f"{MAX_NODES:,} values; the files the advisor reads need a few hundred")
                raise _LimitError(None, None, why, node.start_mark)
            if len(path) > MAX_DEPTH:
                raise _LimitError(None, None, TOO_DEEP, node.start_mark)
            loc.lines.setdefault(path, node.start_mark.line + 1)
            if id(node) in ancestors:
                raise _Error(
                    None, None, "an alias refers to a value that contains it", node.start_mark
                )
            inner = ancestors | {id(node)}
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    key = (printable(key_node.value) if isinstance(key_node, yaml.ScalarNode)
                           else None)  # fmt: skip
                    # A key's line is where the key is written, which is where a reader looks.
                    loc.lines.setdefault((*path, key), key_node.start_mark.line + 1)
                    stack.append((value_node, (*path, key), inner))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((item, (*path, i), inner) for i, item in enumerate(node.value))
        return loc


TOO_DEEP = f"values are nested more than {MAX_DEPTH} levels deep"


def as_path(path: object, error: type[InputError], *, what: str) -> Path:
    """``path`` as a ``Path``, or ``error`` when it is no file name at all (an API caller's
    number, list or empty string)."""
    if not isinstance(path, str | os.PathLike) or not isinstance(os.fspath(path), str):
        raise error(None, f"expected the path of {what} (a str or Path), got {brief(path)}")
    text = os.fspath(path)
    if not text:
        raise error(None, f"the file name is empty (expected {what})")
    if "\0" in text:
        raise error(None, f"the file name {brief(text)} contains a NUL character")
    return Path(text)


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def _not_regular(mode: int) -> str | None:
    """What a file of ``mode`` is when it is not a regular file (in words), else None."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "an unusual file")


def read_text(
    path: str | Path, error: type[InputError], *, what: str, regular_only: bool = False
) -> str:
    """Read a small UTF-8 text file, or raise ``error`` saying plainly what is wrong with it.

    A file named on the command line may be a pipe (``--answers <(...)``); one found in a
    folder (``regular_only``) must be a regular file, and anything else is refused without
    being opened: a named pipe would wait for a writer for ever, a device may act on being
    opened."""
    p = as_path(path, error, what=what)
    try:
        if regular_only:
            raw = _read_regular(p, error, what)
        else:
            with p.open("rb") as fh:
                # Read one byte past the limit: pipes and devices report no size to check first.
                raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise error(p, f"no such file (expected {what})") from None
    except IsADirectoryError:
        raise error(p, f"is a directory, not {what}") from None
    except OSError as exc:  # no permission, a name too long, a folder that is a file, ...
        raise error(p, f"cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise error(p, f"is larger than {MAX_BYTES:,} bytes; {what} is a small text file")
    if b"\x00" in raw:
        raise error(p, f"is a binary file, not {what}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(p, f"is not UTF-8 text (bad byte at offset {exc.start})") from None
    if not text.strip():
        raise error(p, f"is empty (expected {what})")
    return text


def _read_regular(p: Path, error: type[InputError], what: str) -> bytes:
    """The first MAX_BYTES + 1 bytes of ``p``, a regular file (through symlinks); checked before
    opening and, against a file swapped in meanwhile, on the open descriptor, which is opened
    without blocking (a named pipe would otherwise wait for a writer)."""
    refuse = f"not {what.split(' (')[0]}; only regular files are read"
    kind = _not_regular(os.stat(p).st_mode)
    if kind is not None:
        raise error(p, f"is {kind}, {refuse}")
    fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        kind = _not_regular(os.fstat(fd).st_mode)
        if kind is not None:
            raise error(p, f"is {kind}, {refuse}")
        return fh.read(MAX_BYTES + 1)


def parse_yaml(text: str, path: str | Path | None, error: type[InputError]) -> tuple[Any, Locator]:
    """Parse one YAML document safely; return the data and a ``Locator`` for its lines."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise error(path, "is empty")
        # Before constructing, which recurses: the locator walks the nodes with a stack of its
        # own and stops alias bombs and deep nesting.
        locator = Locator.from_node(node)
        # Somebody else's text reaches terminals, Markdown and the app from here on: no
        # escape sequence or control character in it survives loading (advisor.printable).
        data = printable_data(loader.construct_document(node))
    except _LimitError as exc:
        mark = exc.problem_mark
        raise error(
            path, str(exc.problem), line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if "exceeded maximum nesting depth" in problem:  # libyaml's own limit, at 1,000 levels
            problem = TOO_DEEP
        elif "could not determine a constructor" in problem:
            problem = (
                "unsupported YAML tag; files are loaded safely and tags that would build "
                "Python objects are rejected"
            )
        raise error(
            path,
            f"YAML syntax error: {problem}",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.reader.ReaderError as exc:
        line, column = _position(text, exc.position)
        what = f"character {exc.character!r}" if isinstance(exc.character, str) else "a byte"
        raise error(
            path, f"YAML syntax error: {what} is not allowed in YAML text", line=line, column=column
        ) from None
    except yaml.YAMLError as exc:
        raise error(path, f"YAML error: {' '.join(str(exc).split())}") from None
    except RecursionError:  # the pure-Python composer (no libyaml) recurses per level
        raise error(path, TOO_DEEP) from None
    finally:
        loader.dispose()
    return data, locator


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def load_yaml(
    path: str | Path, error: type[InputError], *, what: str, regular_only: bool = False
) -> tuple[Any, Locator]:
    return parse_yaml(read_text(path, error, what=what, regular_only=regular_only), path, error)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


# A JSON string (possibly unterminated: json.loads reports that) or a bracket.
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.S)


def _check_json_depth(text: str, path: str | Path | None, error: type[InputError]) -> None:
    depth = 0
    for m in _JSON_TOKENS.finditer(text):
        token = m.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                line, column = _position(text, m.start())
                raise error(path, TOO_DEEP, line=line, column=column)
        elif token in ("]", "}"):
            depth -= 1


def check_depth(data: Any, path: str | Path | None, error: type[InputError]) -> None:
    """The same limit for data that did not come from a file (the embedding API)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise error(path, TOO_DEEP)
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list | tuple):
            stack.extend((v, depth + 1) for v in value)


def parse_json(text: str, path: str | Path | None, error: type[InputError]) -> Any:
    _check_json_depth(text, path, error)
    try:
        return printable_data(json.loads(text, object_pairs_hook=_no_duplicates))
    except json.JSONDecodeError as exc:
        raise error(
            path, f"JSON syntax error: {exc.msg}", line=exc.lineno, column=exc.colno
        ) from None
    except RecursionError:
        raise error(path, "JSON is nested too deeply") from None
    except ValueError as exc:  # a duplicate key, or an integer too long to convert
        raise error(path, f"JSON error: {exc}") from None


_BRIEF = reprlib.Repr()
_BRIEF.maxlevel, _BRIEF.maxstring, _BRIEF.maxother = 3, 60, 60


def brief(value: object) -> str:
    """A short repr of a value quoted in a message: bounded in depth and length, and safe for
    any object (a nested list a thousand levels deep, a repr that raises)."""
    try:
        return _BRIEF.repr(value)
    except Exception:
        return f"<a {type(value).__name__}>"
