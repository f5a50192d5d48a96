"""Walking an untrusted tree safely, within limits.

- No symbolic link is ever followed (a link's target, if it is inside the tree, is scanned where
  it is), so a link cannot lead out of the tree or round a loop; folders are also remembered by
  device and inode, which stops a loop made by a bind mount.
- Folders are opened relative to their parent's descriptor (``openat``) with ``O_NOFOLLOW``, so
  a folder swapped for a link while the scan runs is not entered either.
- A file is opened with ``O_NOFOLLOW | O_NONBLOCK`` and checked with ``fstat`` to be a regular
  file before a byte is read: a FIFO, socket or device is never read (nor waited on).
- Version-control folders, virtual environments, installed packages and build caches are not
  entered; everything left out is counted under its reason, with a few examples.
- The walk stops at the file limit, the time limit, or when ``cancel`` is set.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from advisor.printable import printable
from advisor.scan.model import Limits, Tally

DEFAULT_LIMITS = Limits(max_files=100_000, max_file_bytes=10 * 1024 * 1024, max_seconds=60.0)
MAX_DEPTH = 64
"""Folders nested deeper than this are not entered (a real project needs far fewer)."""
EXAMPLES = 5
"""Example paths kept per reason: enough to find the files, never the whole tree."""

_FILE_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(
    os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)  # fmt: skip
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(
    os, "O_CLOEXEC", 0)  # fmt: skip
_AT_FD = os.open in os.supports_dir_fd and os.scandir in os.supports_fd

SKIPPED_FOLDERS = {
    ".git": "version-control folders (.git, .hg, .svn)",
    ".hg": "version-control folders (.git, .hg, .svn)",
    ".svn": "version-control folders (.git, .hg, .svn)",
    "node_modules": "installed packages (node_modules, site-packages, Pods)",
    "site-packages": "installed packages (node_modules, site-packages, Pods)",
    "dist-packages": "installed packages (node_modules, site-packages, Pods)",
    "Pods": "installed packages (node_modules, site-packages, Pods)",
    "bower_components": "installed packages (node_modules, site-packages, Pods)",
    "__pycache__": "caches and build output",
    ".ipynb_checkpoints": "caches and build output",
    ".mypy_cache": "caches and build output",
    ".pytest_cache": "caches and build output",
    ".ruff_cache": "caches and build output",
    ".tox": "caches and build output",
    ".nox": "caches and build output",
    ".eggs": "caches and build output",
    ".gradle": "caches and build output",
    ".cache": "caches and build output",
    ".next": "caches and build output",
    ".nuxt": "caches and build output",
    ".parcel-cache": "caches and build output",
    ".turbo": "caches and build output",
    ".dart_tool": "caches and build output",
    ".terraform": "caches and build output",
    ".venv": "virtual environments",
    "venv": "virtual environments",
}
VENV = "virtual environments"


class ScanCancelled(Exception):
    """The scan was cancelled through its ``cancel`` event; its result is not wanted."""


class LimitReached(Exception):
    """The walk stopped early at a limit; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unreadable(Exception):
    """A file that was not read; ``reason`` is its tally's reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Tallies:
    """Counts per reason, with the first few example paths."""

    counts: dict[str, list[object]] = field(default_factory=dict)

    def add(self, reason: str, example: str, n: int = 1) -> None:
        slot = self.counts.setdefault(reason, [0, []])
        slot[0] = int(slot[0]) + n  # type: ignore[call-overload]
        examples = slot[1]
        assert isinstance(examples, list)
        if len(examples) < EXAMPLES:
            examples.append(example)

    def records(self) -> list[Tally]:
        out = [Tally(reason=r, count=int(c), examples=list(e))  # type: ignore[call-overload]
               for r, (c, e) in self.counts.items()]
        return sorted(out, key=lambda t: (-t.count, t.reason))


@dataclass(frozen=True)
class FileRef:
    """A file (or a folder matched by name) found by the walk; ``rel`` is printable, with /."""

    rel: str
    name: str
    dir_fd: int | None
    dir_path: str
    is_dir: bool = False

    def open(self) -> int:
        """A descriptor of the file, which is a regular file; ``Unreadable`` otherwise."""
        try:
            if self.dir_fd is not None:
                fd = os.open(self.name, _FILE_FLAGS, dir_fd=self.dir_fd)
            else:
                fd = os.open(os.path.join(self.dir_path, self.name), _FILE_FLAGS)
        except OSError as exc:
            raise Unreadable(_why(exc)) from None
        try:
            mode = os.fstat(fd).st_mode
        except OSError as exc:
            os.close(fd)
            raise Unreadable(_why(exc)) from None
        if not stat.S_ISREG(mode):
            os.close(fd)
            raise Unreadable(SPECIAL)
        return fd


SPECIAL = "not regular files (FIFOs, sockets, devices)"
LINKS = "symbolic links (not followed)"


def _why(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return LINKS
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "unreadable (permission denied)"
    return f"unreadable ({exc.strerror or 'error'})"


def read_all(ref: FileRef, limit: int) -> bytes:
    """The whole file, at most ``limit`` bytes; ``Unreadable`` when it is larger."""
    fd = ref.open()
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise Unreadable("larger than the file size limit")
        return _read(fd, limit, size)
    finally:
        os.close(fd)


def read_head(ref: FileRef, n: int) -> tuple[bytes, int]:
    """The first ``n`` bytes and the file's size."""
    fd = ref.open()
    try:
        size = os.fstat(fd).st_size
        return _read(fd, n, min(n, size)), size
    finally:
        os.close(fd)


def _read(fd: int, limit: int, expected: int) -> bytes:
    chunks: list[bytes] = []
    got = 0
    try:
        while got < limit:
            chunk = os.read(fd, min(limit - got, max(expected - got, 65536)))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except OSError as exc:
        raise Unreadable(_why(exc)) from None
    if got >= limit and expected > limit:
        raise Unreadable("larger than the file size limit")
    return b"".join(chunks)


class Walk:
    """The files of a tree, depth-first in name order, within ``limits``."""

    def __init__(
        self, root: str, limits: Limits, skipped: Tallies, *,
        cancel: threading.Event | None = None, is_model_folder: Callable[[str], bool] = bool,
    ) -> None:  # fmt: skip
        self.root = root
        self.limits = limits
        self.skipped = skipped
        self.cancel = cancel
        self.is_model_folder = is_model_folder
        self.started = time.monotonic()
        self.deadline = self.started + limits.max_seconds
        self.files_seen = 0
        self.stopped: str | None = None
        self._seen_dirs: set[tuple[int, int]] = set()

    def check_time(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise ScanCancelled()
        if time.monotonic() > self.deadline:
            raise LimitReached(f"the time limit ({self.limits.max_seconds:g} s) was reached")

    def __iter__(self) -> Iterator[FileRef]:
        try:
            fd = os.open(self.root, _DIR_FLAGS) if _AT_FD else None
        except OSError as exc:
            raise Unreadable(_why(exc)) from None
        try:
            yield from self._folder(fd, self.root, "", 0)
        except LimitReached as stop:
            self.stopped = stop.reason
        finally:
            if fd is not None:
                os.close(fd)

    def _folder(self, fd: int | None, path: str, rel: str, depth: int) -> Iterator[FileRef]:
        try:
            st = os.fstat(fd) if fd is not None else os.lstat(path)
        except OSError as exc:
            self.skipped.add(_why(exc), rel or ".")
            return
        if (st.st_dev, st.st_ino) in self._seen_dirs:
            self.skipped.add("folders seen before (a loop)", rel)
            return
        self._seen_dirs.add((st.st_dev, st.st_ino))
        try:
            with os.scandir(fd if fd is not None else path) as it:
                entries = sorted(
                    ((e.name, _kind(e)) for e in it), key=lambda pair: pair[0]
                )
        except OSError as exc:
            self.skipped.add(f"folders {_why(exc)}", rel or ".")
            return
        names = {n for n, _ in entries}
        if "pyvenv.cfg" in names or "conda-meta" in names:
            self.skipped.add(VENV, rel or ".")
            return
        for name, kind in entries:
            child = f"{rel}/{name}" if rel else name
            if kind == "dir":
                yield from self._subfolder(fd, path, name, child, depth)
            elif kind == "file":
                if self.files_seen >= self.limits.max_files:
                    raise LimitReached(f"the file limit ({self.limits.max_files:,}) was reached")
                self.files_seen += 1
                if self.files_seen % 64 == 0:
                    self.check_time()
                yield FileRef(printable(child), name, fd, path)
            elif kind == "link":
                self.skipped.add(LINKS, printable(child))
            else:
                self.skipped.add(SPECIAL, printable(child))

    def _subfolder(self, fd: int | None, path: str, name: str, rel: str,
                   depth: int) -> Iterator[FileRef]:  # fmt: skip
        reason = SKIPPED_FOLDERS.get(name)
        if reason is None and name.endswith(".egg-info"):
            reason = "caches and build output"
        if reason is not None:
            self.skipped.add(reason, printable(rel))
            return
        if self.is_model_folder(name):
            yield FileRef(printable(rel), name, fd, path, is_dir=True)
            return
        if depth + 1 > MAX_DEPTH:
            self.skipped.add(f"folders nested more than {MAX_DEPTH} deep", printable(rel))
            return
        sub_path = os.path.join(path, name)
        if fd is None:
            yield from self._folder(None, sub_path, rel, depth + 1)
            return
        try:
            sub = os.open(name, _DIR_FLAGS, dir_fd=fd)
        except OSError as exc:
            self.skipped.add(f"folders {_why(exc)}" if exc.errno != errno.ELOOP else LINKS,
                             printable(rel))
            return
        try:
            if name == "env" and _is_env(sub):
                self.skipped.add(VENV, printable(rel))
                return
            yield from self._folder(sub, sub_path, rel, depth + 1)
        finally:
            os.close(sub)


def _kind(entry: os.DirEntry[str]) -> str:
    """file, dir, link or special, from the directory entry (no extra system call on Linux)."""
    try:
        if entry.is_symlink():
            return "link"
        if entry.is_dir(follow_symlinks=False):
            return "dir"
        if entry.is_file(follow_symlinks=False):
            return "file"
    except OSError:
        return "special"
    return "special"


def _is_env(fd: int) -> bool:
    """A folder named env that is a virtual environment (bin/activate inside)."""
    try:
        os.stat("bin/activate", dir_fd=fd, follow_symlinks=False)
    except OSError:
        return False
    return True
