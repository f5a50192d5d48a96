"""Turning msgspec validation errors into the advisor's located, actionable messages.

msgspec reports one problem as "<what> - at `$.rules[2].points`"; this module turns the path
into a key path (for the line number), names the key the way the file spells it, and adds the
allowed values or a "did you mean" where that helps.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from advisor.errors import InputError
from advisor.inputs.files import KeyPath, Locator

T = TypeVar("T")

NON_BLANK = r"\S"
"""The pattern of a string field that must not be blank (msgspec's message is rewritten)."""

_AT = re.compile(r"^(?P<what>.*?)(?: - at `(?P<path>[^`]*)`(?: in `(?P<parent>[^`]*)`)?)?$", re.S)
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")


def closest(word: str, options: Iterable[str]) -> str | None:
    """The option ``word`` is most likely a misspelling of, if any is close enough."""
    match = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return match[0] if match else None


def suggest(word: str, options: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a close option exists, else ''."""
    match = closest(word, options)
    return did_you_mean([match] if match else [])


def did_you_mean(options: list[str]) -> str:
    """' (did you mean 'a', 'b' or 'c'?)', or '' for no options."""
    if not options:
        return ""
    quoted = [repr(o) for o in options]
    said = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f" (did you mean {said}?)"


def dotted(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


WILDCARD = "[...]"
"""msgspec's placeholder for "some value of this mapping"; resolved against the data below."""


def _parse_path(text: str | None) -> KeyPath:
    if not text or not text.startswith("$"):
        return ()
    out: list[Any] = []
    for name, index in _STEP.findall(text[1:]):
        if name:
            out.append(name)
        else:
            out.append(WILDCARD if index == "..." else int(index))
    return tuple(out)


def _resolve(path: KeyPath, data: Any, model: Any) -> KeyPath:
    """Replace each wildcard by the mapping key whose value fails to validate on its own."""
    if WILDCARD not in path:
        return path
    i = path.index(WILDCARD)
    mapping = _get(data, path[:i])
    value_type = typing.get_args(_struct_at(model, path[:i]))[1:2]
    if not isinstance(mapping, dict) or not value_type:
        return tuple(p for p in path if p != WILDCARD)
    for key, value in mapping.items():
        try:
            msgspec.convert(value, value_type[0])
        except msgspec.ValidationError:
            return _resolve((*path[:i], key, *path[i + 1 :]), data, model)
    return tuple(p for p in path if p != WILDCARD)


def _get(data: Any, path: KeyPath) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _struct_at(model: Any, path: KeyPath) -> Any:
    """The type found at ``path`` inside ``model`` (best effort, for suggestions)."""
    current: Any = model
    for part in path:
        current = _unwrap(current)
        if typing.get_origin(current) is dict:
            args = typing.get_args(current)
            current = args[1] if len(args) == 2 else None
        elif isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif _tags(current, part):
            return typing.Literal[_tags(current, part)]
        elif isinstance(current, type) and issubclass(current, msgspec.Struct):
            hints = typing.get_type_hints(current, include_extras=True)
            field = next(
                (f for f in msgspec.structs.fields(current) if f.encode_name == part), None
            )
            current = hints.get(field.name) if field else None
        else:
            return None
    return _unwrap(current)


def _tags(tp: Any, field: Any) -> tuple[str, ...]:
    """The tag values of a tagged union of Structs whose tag field is ``field``; else ()."""
    members = (
        typing.get_args(tp) if typing.get_origin(tp) in (typing.Union, types.UnionType) else ()
    )
    configs = [
        m.__struct_config__
        for m in members
        if isinstance(m, type) and issubclass(m, msgspec.Struct)
    ]
    if not configs or len(configs) != len(members):
        return ()
    if any(c.tag_field != field for c in configs):
        return ()
    return tuple(str(c.tag) for c in configs)


def _unwrap(tp: Any) -> Any:
    """Strip Annotated and Optional; for a union of Structs keep the union."""
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and len(args) == 1:
        return _unwrap(args[0])
    return tp


def _field_names(tp: Any) -> list[str]:
    # Asked once per unknown key: a file with thousands of them must not evaluate a model's
    # annotations thousands of times.
    try:
        return list(_cached_field_names(tp))
    except TypeError:  # an unhashable type: look it up afresh
        return list(_cached_field_names.__wrapped__(tp))


@functools.lru_cache(maxsize=128)
def _cached_field_names(tp: Any) -> tuple[str, ...]:
    members = typing.get_args(tp) if typing.get_origin(tp) is not None else (tp,)
    names: list[str] = []
    for m in members:
        m = _unwrap(m)
        if isinstance(m, type) and issubclass(m, msgspec.Struct):
            names += [f.encode_name for f in msgspec.structs.fields(m)]
    return tuple(names)


def _literal_values(tp: Any) -> list[Any]:
    if typing.get_origin(tp) is typing.Literal:
        return list(typing.get_args(tp))
    return []


def convert(
    data: Any,
    model: type[T],
    path: str | Path | None,
    locator: Locator | None,
    error: type[InputError],
    *,
    prefix: KeyPath = (),
) -> T:
    """Validate ``data`` as ``model``; raise ``error`` naming the key, the line and a remedy."""
    try:
        return msgspec.convert(data, model)
    except msgspec.ValidationError as exc:
        raise locate(exc, model, path, locator, error, prefix=prefix, data=data) from None


def locate(
    exc: msgspec.ValidationError,
    model: Any,
    path: str | Path | None,
    locator: Locator | None,
    error: type[InputError],
    *,
    prefix: KeyPath = (),
    data: Any = None,
) -> InputError:
    """The located ``error`` for one msgspec ``exc`` raised while converting ``data``."""
    match = _AT.match(str(exc))
    assert match is not None  # the pattern matches any text
    what = match["what"].strip()
    where = _resolve(_parse_path(match["parent"] or match["path"]), data, model)
    full = (*prefix, *where)
    line = locator.line(full) if locator else None
    key = dotted(full) or None

    value = _get(data, where) if where else None
    if isinstance(value, float) and not math.isfinite(value):
        # msgspec says "expected float > 0.0" for NaN: say what is wrong with it instead.
        message = f"is not a finite number ({value})"
    elif m := re.match(r"Object contains unknown field `(.+)`", what, re.S):
        name = m[1]
        options = _field_names(_struct_at(model, where))
        message = f"unknown key {name!r}{suggest(name, options)}"
        line = locator.line((*full, name)) if locator else None
    elif m := re.match(r"Object missing required field `(.+)`", what, re.S):
        message = f"required key {m[1]!r} is missing"
    elif what.startswith(("Invalid enum value", "Invalid value")):
        tp = _struct_at(model, where)
        if match["parent"]:  # the problem is a mapping's key, not its value
            args = typing.get_args(tp)
            tp = _unwrap(args[0]) if args else None
            what = what.replace("Invalid enum value", "invalid key")
        allowed = _literal_values(tp)
        message = what[0].lower() + what[1:]
        if allowed:
            message += "; allowed: " + ", ".join(str(a) for a in allowed)
    elif what.endswith(f"matching regex {NON_BLANK!r}"):
        message = "must not be blank"
    else:
        message = what[0].lower() + what[1:].replace("`", "")
        allowed = _literal_values(_struct_at(model, where))
        if allowed and what.startswith("Expected"):  # a value of the wrong type for a choice
            message += "; allowed: " + ", ".join(str(a) for a in allowed)
    return error(path, message, key=key, line=line, at=full)
