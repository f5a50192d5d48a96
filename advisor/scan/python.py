"""Python source read with ``ast`` (never imported or run): which modules it imports, which names
from the tables it uses, and which lines use the names a framework's imports bind.

A file is parsed only when one pattern of the tables' words matches its bytes: most files of a
large tree mention no framework and cost one regular-expression search.
"""

from __future__ import annotations

import ast
import warnings
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


def mentions(source: bytes | str, tables: Tables) -> bool:
    """Whether ``source`` names anything the tables look for (the cheap test before parsing)."""
    data = source.encode("utf-8", "surrogateescape") if isinstance(source, str) else source
    return tables.python_words.search(data) is not None


def analyse(source: bytes | str, tables: Tables) -> PythonFacts:
    """What ``source`` imports and uses; raises ``NotPython`` when it does not parse."""
    if "\0" in source if isinstance(source, str) else b"\0" in source:
        raise NotPython("Python files that are not text (NUL bytes or an unknown encoding)")
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
    return _Reader(tables).read(tree)


class _Reader:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.facts = PythonFacts()
        self.local: dict[str, str] = {}
        """Name bound in the file -> the dotted name it stands for."""
        self.used: list[tuple[str, int]] = []
        self.chains: list[tuple[ast.Attribute, int]] = []

    def read(self, tree: ast.AST) -> PythonFacts:
        t = self.tables
        attributes, strings = t.attributes, t.strings
        want_strings = bool(strings.exact or strings.wild)
        for node in ast.walk(tree):
            kind = type(node)
            if kind is ast.Name:
                self.used.append((node.id, node.lineno))  # type: ignore[attr-defined]
            elif kind is ast.Attribute:
                found = attributes.get(node.attr)  # type: ignore[attr-defined]
                if found:
                    self.facts.hits += [(e, node.lineno) for e in found]  # type: ignore[attr-defined]
                self.chains.append((node, node.lineno))  # type: ignore[arg-type,attr-defined]
            elif kind is ast.Constant:
                value = node.value  # type: ignore[attr-defined]
                if want_strings and type(value) is str and len(value) <= MAX_STRING:
                    self.facts.hits += [(e, node.lineno) for e in strings.match(value)]  # type: ignore[attr-defined]
            elif kind is ast.Import:
                self._import(node)  # type: ignore[arg-type]
            elif kind is ast.ImportFrom:
                self._import_from(node)  # type: ignore[arg-type]
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
        for node, line in self.chains:
            dotted = _dotted(node, local)
            if dotted is not None:
                self.facts.hits += [(e, line) for e in names.match(dotted)]
                framework = bound_of(dotted)
                if framework and framework != frameworks.get(dotted.split(".")[0]):
                    # tf.keras.* in a file that imported tensorflow stays TensorFlow's; a name
                    # the tables bind elsewhere (transformers.TFBertModel) counts where it binds.
                    self.facts.bound.setdefault(framework, set()).add(line)


def _dotted(node: ast.Attribute, local: dict[str, str]) -> str | None:
    """``a.b.c`` with ``a`` replaced by what the file's imports bound it to; None when the chain
    does not start at an imported name."""
    parts = [node.attr]
    value = node.value
    while type(value) is ast.Attribute:
        parts.append(value.attr)
        value = value.value
    if type(value) is not ast.Name:
        return None
    root = local.get(value.id)
    if root is None:
        return None
    parts.append(root)
    return ".".join(reversed(parts))
