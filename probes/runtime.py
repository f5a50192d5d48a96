"""Process states a worker can run in: out of the box, or with one setting a user can add.

The C library's allocator is part of what a training step costs. glibc raises its mmap and
trim thresholds the first time a large mmapped block is freed (``man mallopt``), so what a
process did *before* training changes how fast training runs: one batch-256 forward made
PyTorch's batch-64 step about 1.8x faster for the rest of the process. A probe therefore
measures its primary figures in the state a plain script starts in (nothing set, nothing run
but loading and training) and measures each tuned state in a worker of its own, started with
exactly the line a user would add to their environment.

Stdlib only: the runner builds worker environments from this; the workers describe
themselves with it.
"""

from __future__ import annotations

import ctypes.util
import os
import platform
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

OUT_OF_THE_BOX = "out-of-the-box"
GLIBC_THRESHOLDS = "glibc-thresholds"
JEMALLOC = "jemalloc"
TCMALLOC = "tcmalloc"

# 256 MiB: above every buffer the probe's models allocate, so nothing is handed back to the
# kernel and faulted in again between steps. The value PyTorch users commonly set.
THRESHOLD_BYTES = 268_435_456

# Variables that change how fast either framework runs. The default workers get none of
# them from the user's environment (the worker environment is allow-listed); whatever is in
# force is reported with the figures.
SPEED_VARIABLE = re.compile(
    r"^(MALLOC_[A-Z_]+_?|LD_PRELOAD|MALLOC_CONF|TCMALLOC_[A-Z_]+|OMP_[A-Z_]+|KMP_[A-Z_]+"
    r"|GOMP_[A-Z_]+|MKL_[A-Z_]+|OPENBLAS_[A-Z_]+|DNNL_[A-Z_]+|ONEDNN_[A-Z_]+"
    r"|TF_ENABLE_ONEDNN_OPTS|TF_NUM_[A-Z_]+|TF_XLA_FLAGS|XLA_FLAGS|TORCH_[A-Z_]+|JAX_[A-Z_]+)$"
)

# Where distributions put shared libraries; ldconfig's cache is asked first.
_LIB_DIRS = ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64",
             "/usr/lib", "/usr/local/lib", "/opt/homebrew/lib")  # fmt: skip
_PRELOADS = {
    JEMALLOC: ("libjemalloc.so.2", "libjemalloc.so"),
    TCMALLOC: ("libtcmalloc_minimal.so.4", "libtcmalloc.so.4", "libtcmalloc_minimal.so"),
}


@dataclass(frozen=True)
class RuntimeState:
    """One process state a worker starts in."""

    name: str
    env: dict[str, str] = field(default_factory=dict)
    """Added to the worker's environment before it starts."""

    @property
    def setting(self) -> str:
        """The exact line a user adds to their training environment ("" out of the box)."""
        return " ".join(f"{k}={v}" for k, v in self.env.items())

    @property
    def tuned(self) -> bool:
        return bool(self.env)


def out_of_the_box() -> RuntimeState:
    return RuntimeState(OUT_OF_THE_BOX)


def is_glibc() -> bool:
    return sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


def glibc_thresholds() -> RuntimeState:
    value = str(THRESHOLD_BYTES)
    return RuntimeState(
        GLIBC_THRESHOLDS, {"MALLOC_MMAP_THRESHOLD_": value, "MALLOC_TRIM_THRESHOLD_": value}
    )


def find_preload(names: tuple[str, ...], ldconfig: str | None = None) -> str | None:
    """The full path of the first of ``names`` this system already has, or None.

    Never installs anything: a tuned state is measured only where the user could use it
    today. ``ldconfig`` is ``ldconfig -p`` output (for tests); read from the system if None.
    """
    if ldconfig is None:
        ldconfig = _ldconfig_cache()
    for name in names:
        for line in ldconfig.splitlines():
            # "\tlibjemalloc.so.2 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
            left, _, path = line.partition("=>")
            if left.strip().split(" ")[0] == name and path.strip():
                return path.strip()
        for directory in _LIB_DIRS:
            candidate = Path(directory) / name
            if candidate.is_file():
                return str(candidate)
    return None


def _ldconfig_cache() -> str:
    for exe in ("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"):
        try:
            out = subprocess.run([exe, "-p"], capture_output=True, text=True, timeout=5)
        except (OSError, subprocess.SubprocessError):
            continue
        if out.returncode == 0:
            return out.stdout
    return ""


def preloaded(name: str, ldconfig: str | None = None) -> RuntimeState | None:
    path = find_preload(_PRELOADS[name], ldconfig)
    return RuntimeState(name, {"LD_PRELOAD": path}) if path else None


def tuned_states(*, everything: bool, ldconfig: str | None = None) -> list[RuntimeState]:
    """The tuned states worth measuring here: the glibc thresholds where glibc is the C
    library, and (``everything``) jemalloc and tcmalloc where the system already has them."""
    states: list[RuntimeState] = []
    if is_glibc():
        states.append(glibc_thresholds())
        if everything:
            states += [s for s in (preloaded(n, ldconfig) for n in (JEMALLOC, TCMALLOC)) if s]
    return states


# --- what a worker reports about itself ------------------------------------------------


def allocator() -> str:
    """Which malloc this process runs on: a preloaded one if loaded, else the C library's."""
    maps = Path("/proc/self/maps")
    if maps.is_file():
        try:
            text = maps.read_text(errors="replace")
        except OSError:
            text = ""
        for name in (JEMALLOC, TCMALLOC, "mimalloc"):
            if f"lib{name}" in text:
                return name
    if sys.platform == "darwin":
        return "macOS libmalloc"
    libc, version = platform.libc_ver()
    if libc == "glibc":
        return f"glibc {version}"
    return ctypes.util.find_library("c") or "unknown"


def describe(environ: dict[str, str] | None = None) -> dict:
    """This process's speed-relevant state: the allocator, its thresholds, the variables."""
    env = dict(os.environ if environ is None else environ)
    speed = {k: v for k, v in sorted(env.items()) if SPEED_VARIABLE.match(k)}
    alloc = allocator()
    glibc = alloc.startswith("glibc")
    thresholds = {
        "mmap_threshold": env.get("MALLOC_MMAP_THRESHOLD_", "dynamic") if glibc else None,
        "trim_threshold": env.get("MALLOC_TRIM_THRESHOLD_", "dynamic") if glibc else None,
    }
    return {"allocator": alloc, **thresholds, "env": speed}
