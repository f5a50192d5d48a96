"""What the readers report while the tree is walked: findings counted per file with a few
examples, and the code each framework binds, file by file.

Memory stays bounded by the number of framework-bound files, never by the tree: examples are
capped, and no file's text is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from advisor.printable import printable
from advisor.scan.model import BoundTo, Evidence, Finding
from advisor.scan.tablefile import (
    ArtifactEntry,
    CodeEntry,
    ConfigEntry,
    ImageEntry,
    IndexEntry,
    ModelEntry,
    ModuleEntry,
    PackageEntry,
)
from advisor.scan.tables import LoadedEntry

SOURCE_EXTENSIONS = frozenset({
    ".py", ".ipynb", ".c", ".cc", ".cpp", ".cxx", ".h", ".hh", ".hpp", ".cu", ".js", ".mjs",
    ".ts", ".jsx", ".tsx", ".java", ".kt", ".swift", ".m", ".mm", ".go", ".rs", ".scala",
    ".cs", ".rb", ".jl", ".r",
})  # fmt: skip
EXAMPLES = 5
"""Evidence kept per finding: the first occurrence in each of the first few files."""
Category = Literal[
    "import", "call", "dependency", "accelerator", "model_file", "deployment", "history"]
TEXT = 120
"""Characters of a matching line kept as evidence."""


def shorten(text: str) -> str:
    text = " ".join(printable(text).split())
    return text if len(text) <= TEXT else text[: TEXT - 1] + "…"


@dataclass
class _Count:
    loaded: LoadedEntry
    files: int = 0
    occurrences: int = 0
    last_file: str | None = None
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Collector:
    counts: dict[str, _Count] = field(default_factory=dict)
    bound: dict[str, dict[BoundTo, int]] = field(default_factory=dict)
    """Per framework-bound file: the lines bound to each framework."""
    model_files: dict[str, tuple[LoadedEntry, BoundTo | None]] = field(default_factory=dict)
    source_files: int = 0
    """Files of source code in any language: what the framework-bound files are a part of."""
    dependency_files: int = 0
    """Dependency files read: what a requirement found in one of them is a part of."""
    """Per model file: its entry and the framework its header showed (may refine the entry's)."""

    def hit(self, loaded: LoadedEntry, path: str, line: int | None = None,
            text: str | Callable[[], str] = "", *, cell: int | None = None,
            n: int = 1) -> None:  # fmt: skip
        """``n`` occurrences of ``loaded`` in ``path``, the first at ``line``; ``text`` (or the
        function that gives it) is read only for the examples kept."""
        count = self.counts.get(loaded.id)
        if count is None:
            count = self.counts[loaded.id] = _Count(loaded)
        count.occurrences += n
        if count.last_file != path:
            count.last_file = path
            count.files += 1
            if len(count.evidence) < EXAMPLES:
                said = text() if callable(text) else text
                count.evidence.append(Evidence(path=path, line=line, text=shorten(said),
                                               cell=cell))

    def bind(self, path: str, lines: dict[BoundTo, int]) -> None:
        if lines:
            self.bound[path] = lines

    def found(self, entry_id: str) -> bool:
        return entry_id in self.counts

    def findings(self) -> list[Finding]:
        out = [
            Finding(
                id=c.loaded.id, category=category(c.loaded), label=c.loaded.entry.label,
                bound_to=c.loaded.entry.bound_to, files=c.files, occurrences=c.occurrences,
                evidence=c.evidence,
            )
            for c in self.counts.values()
        ]
        order = ("model_file", "deployment", "import", "call", "dependency", "accelerator",
                 "history")
        return sorted(out, key=lambda f: (order.index(f.category), -f.files, f.id))


def category(loaded: LoadedEntry) -> Category:
    """The Finding category of an entry: where it looked, and what for."""
    e = loaded.entry
    if isinstance(e, ModelEntry):
        return "model_file"
    if "hardware" in loaded.proposes and not isinstance(e, ModuleEntry | CodeEntry):
        return "accelerator"
    if isinstance(e, ImageEntry | ArtifactEntry | ConfigEntry):
        return "deployment"
    if isinstance(e, PackageEntry | IndexEntry):
        return "dependency"
    if isinstance(e, ModuleEntry):
        return "import"
    if isinstance(e, CodeEntry):
        return "call"
    return "deployment" if "deployment" in loaded.proposes else "call"
