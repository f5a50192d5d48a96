"""Cached probe results, so a second `advisor --answers` does not spend another minute.

A result is stored under a key made of the machine fingerprint (CPU, cores usable, memory,
OS, Python, framework versions) and the probe settings, so a new framework version, a
different thread cap or a different budget never reuses an old result. Files are written
atomically (temporary file + rename) and durably: a reader never sees half of one. A file read
back is checked as strictly as a user's measurements file; one that fails is set aside as
``*.bad`` with a warning, and measured again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from probes.cpus import cpu_budget
from probes.durable import publish
from probes.machine import fingerprint
from probes.settings import ProbeSettings

CACHE_ENV = "ADVISOR_CACHE_DIR"
# Bump when the probe's method changes what a number means; old files are then ignored.
# 2: primary figures out of the box, tuned states apart; 3: the transformer's new task and bar;
# 4: TensorFlow's inter-op pool as a user's script has it (one thread before);
# 5: Keras's optimizer slots built inside a traced function, as fit() builds them;
# 6: a run of three or four processes really trains in all of them (two ran, before)
METHOD_VERSION = 6
# Statuses that say something stable about this machine; a crash or a timeout may be a
# passing accident and is measured again next time rather than remembered.
CACHEABLE = frozenset({"ok", "not_installed"})


def cache_root() -> Path:
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("framework-advisor"))


def data_cache_dir() -> Path:
    return cache_root() / "data"


def unusable(directory: Path) -> str | None:
    """Why ``directory`` cannot hold cache files (it is created if missing), or None."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=directory, prefix=".probe-")
        probe.close()
    except OSError as exc:
        return f"{directory}: {exc.strerror or exc}"
    return None


def cache_key(settings: ProbeSettings) -> str:
    identity = {
        "method": METHOD_VERSION,
        "machine": fingerprint(cpu_budget(settings.threads)),
        "settings": settings.key_fields(),
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:24]


def cache_path(settings: ProbeSettings) -> Path:
    return cache_root() / "probes" / f"{cache_key(settings)}.json"


Check = Callable[[dict], "str | None"]
"""A caller's own check of a cached result: why it cannot be used, or None (the advisor
passes its measurements parser, which the probes cannot import)."""


@dataclass(frozen=True)
class Lookup:
    result: dict | None
    """The cached result, or None (absent, or set aside)."""
    warning: str | None = None
    """One line naming a cache file that was set aside, and why."""


def lookup(settings: ProbeSettings, check: Check | None = None) -> Lookup:
    """The cached result for these settings on this machine, checked as strictly as a user's
    measurements file: by the probes' own checks and by ``check``. A file that fails them is
    set aside (renamed to ``*.bad``, so it is measured again and can still be looked at),
    with a warning naming it."""
    path = cache_path(settings)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Lookup(None)
    except (OSError, UnicodeDecodeError) as exc:
        return _set_aside(path, getattr(exc, "strerror", None) or str(exc))
    try:
        data = json.loads(text, parse_constant=_not_finite)
    except (ValueError, RecursionError) as exc:
        return _set_aside(path, f"not JSON: {exc}")
    reason = problem(data)
    if reason is None and check is not None:
        reason = check(data)
    if reason is not None:
        return _set_aside(path, reason)
    return Lookup(data)


def load_cached(settings: ProbeSettings, check: Check | None = None) -> dict | None:
    """The cached result for these settings on this machine, or None (see ``lookup``)."""
    return lookup(settings, check).result


def _not_finite(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _set_aside(path: Path, reason: str) -> Lookup:
    bad = path.with_name(path.name + ".bad")
    try:
        os.replace(path, bad)
    except OSError as exc:
        return Lookup(None, f"the cached probe result {path} is unusable ({_line(reason)}) and "
                            f"could not be set aside ({exc.strerror or exc}); measuring again")
    return Lookup(None, f"the cached probe result {path} is unusable ({_line(reason)}); it was "
                        f"set aside as {bad.name} and this machine is measured again")


def _line(text: str) -> str:
    return " ".join(text.split())[:300]


STATUSES = frozenset({"ok", "not_installed", "failed", "timeout"})
NUMBERS = frozenset({"median", "p50", "p95", "import_s", "build_s", "first_step_s",
                     "compile_s", "peak_rss_mb", "infer_samples_per_s", "train_cv"})
"""Keys whose values the runner always writes as numbers (or null), wherever they appear."""


def problem(data: object) -> str | None:
    """Why ``data`` is not a result the runner writes, by the probes' own checks, or None:
    the shape the cache relies on, every known figure a number, a time that has come."""
    if not isinstance(data, dict) or data.get("schema") != 1:
        return "not a schema-1 probe result"
    created = data.get("created")
    try:
        when = datetime.fromisoformat(str(created))
    except ValueError:
        return f"created: {created!r} is not a time"
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    if when > datetime.now(timezone.utc) + timedelta(days=1):
        return f"created: {created} is in the future"
    frameworks = data.get("frameworks")
    if not isinstance(frameworks, dict) or not frameworks:
        return "frameworks: missing"
    for name, entry in frameworks.items():
        if not isinstance(entry, dict) or entry.get("status") not in STATUSES:
            return f"frameworks.{name}.status: not one of {', '.join(sorted(STATUSES))}"
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                at = f"{where}.{key}" if where else str(key)
                if key in NUMBERS and item is not None and (
                    isinstance(item, bool) or not isinstance(item, int | float)
                ):
                    return f"{at}: {item!r} is not a number"
                stack.append((at, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(value))
    return None


def is_cacheable(result: dict) -> bool:
    entries = [*result.get("frameworks", {}).values()]
    for workload in result.get("workloads", {}).values():  # Keras on other backends
        entries += workload.get("keras_backends", {}).values()
    return all(f.get("status") in CACHEABLE for f in entries)


def store(settings: ProbeSettings, result: dict) -> Path:
    """Write the result atomically and durably (``probes.durable``); raises OSError when the
    cache cannot take it."""
    path = cache_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2, sort_keys=True)
            publish(f, tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
