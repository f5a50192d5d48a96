"""Turning pydantic validation errors into the advisor's located, actionable messages."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from advisor.errors import InputError
from advisor.yamlfile import KeyPath, Locator


def suggest(word: str, options: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a close option exists, else ''."""
    match = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def dotted(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_fields(model: type[BaseModel], loc: KeyPath) -> list[str]:
    """Field names valid at ``loc`` inside ``model`` (best effort, for suggestions)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _inner_model(field.annotation)
    return list(getattr(current, "model_fields", {}))


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def located_errors(
    exc: ValidationError,
    model: type[BaseModel],
    path: str | Path | None,
    locator: Locator | None,
    error: type[InputError],
    *,
    prefix: KeyPath = (),
) -> Iterator[InputError]:
    """One ``error`` per pydantic error, each naming the key path, the line and a remedy."""
    for item in exc.errors(include_url=False):
        loc = tuple(p for p in item["loc"] if not _is_union_tag(p))
        full = (*prefix, *loc)
        line = locator.line(full) if locator else None
        kind = item["type"]
        if kind == "extra_forbidden":
            name = loc[-1] if loc else "?"
            message = f"unknown key {name!r}{suggest(str(name), _model_fields(model, loc[:-1]))}"
            key = dotted(full[:-1]) or None
        elif kind == "missing":
            message = "required key is missing"
            key = dotted(full)
        else:
            message = f"{item['msg']} (got {_short(item.get('input'))})"
            key = dotted(full)
        yield error(path, message, key=key or None, line=line)


def _is_union_tag(part: Any) -> bool:
    # pydantic inserts the discriminator value or member type name into loc for unions.
    return isinstance(part, str) and (part in {"rule", "note", "myth", "constraint"} or "[" in part)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
