"""The switching cost: what a change away from each framework would have to touch.

Measured, not scored: files and lines bound to the framework (lines that import it or use a
name its imports bind), model files by format, and deployment pieces in words. How much that
weighs in the recommendation is the scoring's business.
"""

from __future__ import annotations

from advisor.scan.collect import Collector, category
from advisor.scan.model import BoundCode, BoundTo, SwitchingCost
from advisor.scan.tables import Tables

FRAMEWORKS: tuple[BoundTo, ...] = ("tensorflow", "pytorch", "keras", "jax")


REBIND_SHARE = 0.25
"""Code that uses an API only the other framework has (``fit_generator`` for Keras 2) rebinds
the project's code when it is in at least this share of the files bound to the framework it
moves from; a dependency pin rebinds it whatever the share."""


def rebinds(found: Collector, tables: Tables) -> dict[BoundTo, BoundTo]:
    """What the findings say code bound to one framework really is bound to (a keras<3 pin
    makes ``import keras`` Keras 2, i.e. TensorFlow)."""
    out: dict[BoundTo, BoundTo] = {}
    for entry_id, count in found.counts.items():
        moves = tables.by_id[entry_id].entry.rebinds
        for source, target in moves.items():
            if category(count.loaded) == "dependency" or count.files >= REBIND_SHARE * sum(
                    1 for lines in found.bound.values() if source in lines):
                out[source] = target
    return out


def bound_files(found: Collector, tables: Tables) -> dict[str, dict[BoundTo, int]]:
    """Per file, the lines bound to each framework, after ``rebinds``."""
    moves = rebinds(found, tables)
    if not moves:
        return found.bound
    out: dict[str, dict[BoundTo, int]] = {}
    for path, lines in found.bound.items():
        merged: dict[BoundTo, int] = {}
        for framework, n in lines.items():
            target = moves.get(framework, framework)
            merged[target] = merged.get(target, 0) + n
        out[path] = merged
    return out


def switching_cost(found: Collector, tables: Tables) -> SwitchingCost:
    files = bound_files(found, tables)
    moves = rebinds(found, tables)
    code: dict[BoundTo, dict[str, object]] = {
        fw: {"files": 0, "lines": 0, "model_files": {}, "deployment": []} for fw in FRAMEWORKS
    }
    for lines in files.values():
        for framework, n in lines.items():
            code[framework]["files"] += 1  # type: ignore[operator]
            code[framework]["lines"] += n  # type: ignore[operator]
    for loaded, bound in found.model_files.values():
        if bound is None:
            continue
        target = moves.get(bound, bound) if loaded.entry.bound_to == bound else bound
        formats: dict[str, int] = code[target]["model_files"]  # type: ignore[assignment]
        fmt = getattr(loaded.entry, "format", "model")
        formats[fmt] = formats.get(fmt, 0) + 1
    for count in found.counts.values():
        loaded = count.loaded
        owner = loaded.entry.bound_to
        if owner is None or category(loaded) != "deployment":
            continue
        pieces: list[str] = code[owner]["deployment"]  # type: ignore[assignment]
        pieces.append(f"{loaded.entry.label} ({_files(count.files)})")
    return SwitchingCost(**{fw: BoundCode(**values) for fw, values in code.items()})  # type: ignore[arg-type]


def _files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n:,} files"
