"""Cached probe results, so a second `advisor --answers` does not spend another minute.

A result is stored under a key made of the machine fingerprint (CPU, cores usable, memory,
OS, Python, framework versions) and the probe settings, so a new framework version, a
different thread cap or a different budget never reuses an old result. Files are written
atomically (temporary file + rename): a reader never sees half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from probes.cpus import cpu_budget
from probes.machine import fingerprint
from probes.settings import ProbeSettings

CACHE_ENV = "ADVISOR_CACHE_DIR"
# Bump when the probe's method changes what a number means; old files are then ignored.
# 2: primary figures out of the box, tuned states apart; 3: the transformer's new task and bar
METHOD_VERSION = 3
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


def load_cached(settings: ProbeSettings) -> dict | None:
    """The cached result for these settings on this machine, or None.

    An unreadable or foreign file is treated as absent (and re-measured), never trusted."""
    try:
        data = json.loads(cache_path(settings).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("schema") != 1:
        return None
    return data


def is_cacheable(result: dict) -> bool:
    entries = [*result.get("frameworks", {}).values()]
    for workload in result.get("workloads", {}).values():  # Keras on other backends
        entries += workload.get("keras_backends", {}).values()
    return all(f.get("status") in CACHEABLE for f in entries)


def store(settings: ProbeSettings, result: dict) -> Path:
    """Write the result atomically; raises OSError when the cache cannot take it."""
    path = cache_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
