"""Safe reading of user-supplied YAML and JSON files, with line numbers for every value.

Every loader in the advisor reads its files through here, so every file gets the same checks
(missing, directory, too large, binary, empty) and the same error shape: the project's own
``InputError`` subclass, naming the file and, where known, the line and column.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from advisor.errors import InputError

MAX_BYTES = 1_000_000
"""Inputs are small text files; anything larger is almost certainly the wrong file."""

try:  # The C parser is several times faster; fall back silently where libyaml is absent.
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

KeyPath = tuple[Any, ...]


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that rejects duplicate keys instead of silently keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                )
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first given on line {first})",
                    key_node.start_mark,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)


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
    def from_node(cls, node: yaml.Node) -> Locator:
        loc = cls()
        for path, line in _walk(node, ()):
            loc.lines.setdefault(path, line)
        return loc


def _walk(node: yaml.Node, path: KeyPath) -> Iterator[tuple[KeyPath, int]]:
    yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            # A key's line is where the key is written, which is where a reader looks.
            yield (*path, key), key_node.start_mark.line + 1
            yield from _walk(value_node, (*path, key))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk(item, (*path, index))


def read_text(path: str | Path, error: type[InputError], *, what: str) -> str:
    """Read a small UTF-8 text file, or raise ``error`` saying plainly what is wrong with it."""
    p = Path(path)
    if not p.exists():
        raise error(p, f"no such file (expected {what})")
    if p.is_dir():
        raise error(p, f"is a directory, not {what}")
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise error(p, f"is {size:,} bytes; {what} is at most {MAX_BYTES:,} bytes")
        raw = p.read_bytes()
    except OSError as exc:
        raise error(p, f"cannot be read: {exc.strerror or exc}") from None
    if b"\x00" in raw:
        raise error(p, f"is a binary file, not {what}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(p, f"is not UTF-8 text (bad byte at offset {exc.start})") from None
    if not text.strip():
        raise error(p, f"is empty (expected {what})")
    return text


def parse_yaml(text: str, path: str | Path | None, error: type[InputError]) -> tuple[Any, Locator]:
    """Parse one YAML document safely; return the data and a ``Locator`` for its lines."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise error(path, "is empty")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in problem:
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
    except yaml.YAMLError as exc:
        raise error(path, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    return data, Locator.from_node(node)


def load_yaml(path: str | Path, error: type[InputError], *, what: str) -> tuple[Any, Locator]:
    return parse_yaml(read_text(path, error, what=what), path, error)


def load_json(path: str | Path, error: type[InputError], *, what: str) -> Any:
    return parse_json(read_text(path, error, what=what), path, error)


def parse_json(text: str, path: str | Path | None, error: type[InputError]) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(path, f"JSON syntax error: {exc.msg}", line=exc.lineno, column=exc.colno) from None
