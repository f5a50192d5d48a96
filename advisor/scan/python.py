"""Python source read with ``ast`` (never imported or run): which modules it imports, which names
from the tables it uses, and which lines use the names a framework's imports bind.

A file is parsed only when one pattern of the tables' words matches its bytes: most files of a
large tree mention no framework and cost one regular-expression search.
"""

from __future__ import annotations

import ast
import gc
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from advisor.scan.model import BoundTo
from advisor.scan.tables import LoadedEntry, Tables

MAX_STRING = 100
"""String literals longer than this are never a table's string (they are prose or data)."""


class NotPython(Exception):
    """The text does not parse as Python 3; ``reason`` is the problems tally's reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class PythonFacts:
    hits: list[tuple[LoadedEntry, int]] = field(default_factory=list)
    """(entry, line) for every module imported, name, attribute or string the tables know."""
    bound: dict[BoundTo, set[int]] = field(default_factory=dict)
    """Per framework, the lines that import it or use a name its imports bind."""
    names: dict[str, str] = field(default_factory=dict)
    """What the imports bound: name -> dotted name (a notebook's later cells use them)."""


def mentions(source: bytes | str, tables: Tables) -> bool:
    """Whether ``source`` names anything the tables look for (the cheap test before parsing)."""
    data = source.encode("utf-8", "surrogateescape") if isinstance(source, str) else source
    return tables.python_words.search(data) is not None


def analyse(source: bytes | str, tables: Tables,
            names: dict[str, str] | None = None) -> PythonFacts:  # fmt: skip
    """What ``source`` imports and uses; raises ``NotPython`` when it does not parse. ``names``
    are bindings made before it (by a notebook's earlier cells)."""
    if "\0" in source if isinstance(source, str) else b"\0" in source:
        raise NotPython("Python files that are not text (NUL bytes or an unknown encoding)")
    with _collector_paused():
        try:
            with warnings.catch_warnings():  # invalid escape sequences in the scanned code
                warnings.simplefilter("ignore")
                tree = ast.parse(source)
        except SyntaxError:
            raise NotPython("Python files that do not parse as Python 3") from None
        except (ValueError, UnicodeDecodeError):  # NUL bytes, an unknown encoding cookie
            raise NotPython("Python files that are not text (NUL bytes or an unknown encoding)"
                            ) from None
        except (RecursionError, MemoryError):
            raise NotPython("Python files nested too deeply to parse") from None
        return _Reader(tables, names).read(tree)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A syntax tree is tens of thousands of objects without a reference cycle among them, and
    the cyclic collector walks them again and again while they are made and read (5 to 25 %
    of a Python-heavy scan in bench/scan_speed.py). Reference counting frees the tree; the
    collector runs again once the file is read."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_SKIP_FIELDS = frozenset({"ctx", "type_comment", "type_ignores"})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(kind: type) -> tuple[str, ...]:
    """The fields of a node type that may hold code (not ``ctx``, which every name has)."""
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = tuple(
            f for f in getattr(kind, "_fields", ()) if f not in _SKIP_FIELDS)
    return fields


class _Reader:
    def __init__(self, tables: Tables, names: dict[str, str] | None = None) -> None:
        self.tables = tables
        self.local: dict[str, str] = dict(names or {})
        self.facts = PythonFacts(names=self.local)
        """Name bound in the file -> the dotted name it stands for."""
        self.used: list[tuple[str, int]] = []
        self.chains: list[tuple[str, list[str], int]] = []
        """(root name, attributes from the last to the first, line) of ``a.b.c``."""

    def read(self, tree: ast.AST) -> PythonFacts:
        # One pass over the tree with a stack of our own: ast.walk visits every ``ctx`` node
        # and every link of an attribute chain, which costs most of a large scan.
        t = self.tables
        attributes, strings = t.attributes, t.strings
        exact_strings = strings.exact
        wild_strings = strings.pattern()
        hits = self.facts.hits
        used, chains = self.used.append, self.chains.append
        Name, Attribute, Constant = ast.Name, ast.Attribute, ast.Constant
        stack: list[object] = [tree]
        pop, push, extend = stack.pop, stack.append, stack.extend
        while stack:
            node = pop()
            kind = type(node)
            if kind is Name:
                used((node.id, node.lineno))  # type: ignore[attr-defined]
            elif kind is Attribute:
                parts: list[str] = []
                value = node
                while type(value) is Attribute:
                    attr = value.attr
                    found = attributes.get(attr)
                    if found:
                        hits += [(e, value.lineno) for e in found]
                    parts.append(attr)
                    value = value.value
                if type(value) is Name:
                    used((value.id, value.lineno))
                    chains((value.id, parts, node.lineno))  # type: ignore[attr-defined]
                else:
                    push(value)
            elif kind is Constant:
                value = node.value  # type: ignore[attr-defined]
                if type(value) is str and (value in exact_strings or (
                        wild_strings is not None and len(value) <= MAX_STRING
                        and wild_strings.match(value))):
                    hits += [(e, node.lineno) for e in strings.match(value)]  # type: ignore[attr-defined]
            elif kind is ast.Import:
                self._import(node)  # type: ignore[arg-type]
            elif kind is ast.ImportFrom:
                self._import_from(node)  # type: ignore[arg-type]
            else:
                fields = _FIELDS.get(kind) or _fields(kind)
                for name in fields:
                    child = getattr(node, name)
                    if type(child) is list:
                        extend(child)
                    elif child is not None:
                        push(child)
        self._resolve()
        return self.facts

    def _import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._module(alias.name, node.lineno)
            if alias.asname:
                self.local[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.local[top] = top

    def _import_from(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return  # a relative import names the project's own code
        self._module(node.module, node.lineno)
        for alias in node.names:
            if alias.name == "*":
                continue
            qualified = f"{node.module}.{alias.name}"
            self.local[alias.asname or alias.name] = qualified
            self._name(qualified, node.lineno)

    def _module(self, module: str, line: int) -> None:
        self.facts.hits += [(e, line) for e in self.tables.modules.match(module)]
        self._name(module, line)
        framework = self.tables.bound(module)
        if framework:
            self.facts.bound.setdefault(framework, set()).add(line)

    def _name(self, qualified: str, line: int) -> None:
        self.facts.hits += [(e, line) for e in self.tables.names.match(qualified)]

    def _resolve(self) -> None:
        """Uses of names bound by imports: lines per framework, and dotted names the tables know
        (``tf.distribute.MirroredStrategy`` after ``import tensorflow as tf``)."""
        local, bound_of = self.local, self.tables.bound
        frameworks: dict[str, BoundTo | None] = {n: bound_of(q) for n, q in local.items()}
        for name, line in self.used:
            framework = frameworks.get(name)
            if framework:
                self.facts.bound.setdefault(framework, set()).add(line)
        names = self.tables.names
        if not (names.exact or names.prefixes):
            return
        for root, parts, line in self.chains:
            qualified = local.get(root)
            if qualified is None:
                continue
            dotted = qualified + "." + ".".join(reversed(parts))
            self.facts.hits += [(e, line) for e in names.match(dotted)]
            framework = bound_of(dotted)
            if framework and framework != frameworks.get(root):
                # tf.keras.* in a file that imported tensorflow stays TensorFlow's; a name
                # the tables bind elsewhere (transformers.TFBertModel) counts where it binds.
                self.facts.bound.setdefault(framework, set()).add(line)
