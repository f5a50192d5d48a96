"""Writing files so that a reader never sees half of one and nothing else is destroyed.

One check (``check_output_path``) decides whether a path may receive a file; the CLI calls it
before any work is done, and the one writer (``write_atomic``) calls it again just before
writing, because a long probe run leaves time for the place to change. The rules:

- Only a regular file or a new name in an existing, writable folder is written. A device,
  FIFO, socket or folder is refused (``--output /dev/null`` must not replace the device),
  and so is the same file as one of the run's inputs (the answers file, say).
- A symlink is written through: its target receives the file and the link stays a link.
- A file with other hard links is refused: a rename would silently split it from them.
- The file is written beside its target and renamed over it, so a reader sees the old file
  or the new one, never half of one. A new file gets the mode the umask allows (as ``>``
  in a shell would); a replaced file keeps its mode (and, where permitted, its owner).

Every failure is an ``OutputError`` (exit 2) whose message names the path; none is an
``OSError`` or a traceback.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from advisor.errors import OutputError
from advisor.system.streams import write_stdout

PathLike = str | os.PathLike[str]

_NOT_A_FILE = (
    (stat.S_ISDIR, "is a directory, not a regular file"),
    (stat.S_ISCHR, "is a device, not a regular file"),
    (stat.S_ISBLK, "is a device, not a regular file"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), not a regular file"),
    (stat.S_ISSOCK, "is a socket, not a regular file"),
)


def check_output_path(
    path: PathLike | None, *, label: str = "--output", inputs: Iterable[PathLike | None] = ()
) -> Path | None:
    """The file that writing to ``path`` would replace or create (a symlink's target), after
    checking that it may be written; None for None (stdout). ``inputs`` are the files this
    run reads (a folder stands for its rule packs): the output may not be one of them.

    Raises ``OutputError`` naming ``path`` (prefixed by ``label``, the option it came from).
    """
    if path is None:
        return None
    where = f"{label} {os.fspath(path)}".strip() if label else os.fspath(path)
    if not os.fspath(path):
        raise OutputError(f"{label or 'output'}: the file name is empty")
    if os.fspath(path).endswith(os.sep):  # `> name/` fails in a shell too; never make `name`
        raise OutputError(f"{where}: names a folder; give a file name")
    try:
        target = Path(os.path.realpath(path))
    except FileNotFoundError:  # a relative name, resolved against a folder that is gone
        raise OutputError(
            f"{where}: the current folder no longer exists (it was deleted or moved), so a "
            "relative name leads nowhere; give an absolute path"
        ) from None
    except OSError as exc:
        raise OutputError(f"{where}: {_reason(exc)}") from None
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise OutputError(f"{where}: {_file_in_the_way(target)} is a file, not a folder") from None
    except OSError as exc:
        raise OutputError(f"{where}: {_reason(exc)}") from None
    if st is not None:
        for test, why in _NOT_A_FILE:
            if test(st.st_mode):
                raise OutputError(f"{where}: {why}; nothing was written")
        same = _same_as_input(target, inputs)
        if same is not None:
            raise OutputError(
                f"{where}: is the same file as the input {same}; writing the report there "
                "would destroy it, so choose another name"
            )
        if st.st_nlink > 1:
            raise OutputError(
                f"{where}: the file has {st.st_nlink - 1} other hard link(s), which replacing "
                "it would split off; choose another name or remove the file first"
            )
        if not os.access(target, os.W_OK):
            raise OutputError(f"{where}: the file is read-only")
    folder = target.parent
    try:
        folder_mode = os.stat(folder).st_mode
    except FileNotFoundError:
        raise OutputError(f"{where}: the folder {folder} does not exist") from None
    except OSError as exc:
        raise OutputError(f"{where}: the folder {folder}: {_reason(exc)}") from None
    if not stat.S_ISDIR(folder_mode):
        raise OutputError(f"{where}: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        # Checked for new files and replaced ones alike: the file is written beside its target
        # and renamed over it, which needs the folder writable.
        raise OutputError(f"{where}: cannot create files in the folder {folder}")
    return target


# The advisor's one writer for paths a user names; probes/cache.py keeps its own for its private
# cache, because probes never imports advisor and the core never imports probes.
def write_atomic(
    path: PathLike, text: str, *, label: str = "--output", inputs: Iterable[PathLike | None] = ()
) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file beside it and a rename;
    returns the file written (a symlink's target). Checks ``path`` again first (see
    ``check_output_path``); raises ``OutputError``, leaving the old file and no temporary one."""
    target = check_output_path(path, label=label, inputs=inputs)
    assert target is not None
    where = f"{label} {os.fspath(path)}".strip() if label else os.fspath(path)
    try:
        old: os.stat_result | None = os.stat(target)
    except OSError:
        old = None
    try:
        fd, tmp = _create_beside(target)
    except OSError as exc:
        raise OutputError(f"{where}: cannot be written: {_reason(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            # surrogateescape gives a file name that is not UTF-8 back its own bytes.
            fh.write(text.encode("utf-8", "surrogateescape"))
            fh.flush()
            if old is not None:
                _keep_mode_and_owner(fh.fileno(), old)
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass  # already renamed, or the folder went away: nothing of ours is left
        if isinstance(exc, OSError):
            raise OutputError(f"{where}: cannot be written: {_reason(exc)}") from None
        raise
    return target


def write_output(
    text: str, output: PathLike | None, *, label: str = "--output",
    inputs: Iterable[PathLike | None] = (),
) -> None:  # fmt: skip
    """Write to stdout (see ``advisor.system.streams.write_stdout``), or atomically to
    ``output``."""
    if output is not None:
        write_atomic(output, text, label=label, inputs=inputs)
        return
    write_stdout(text)


def _create_beside(target: Path) -> tuple[int, str]:
    """A new, empty file next to ``target``, created with mode 0666 so that the umask decides
    (mkstemp would always make 0600). Its name is short whatever the target's."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = str(target.parent / f".{target.name[:32]}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {target.parent}")


def _keep_mode_and_owner(fd: int, old: os.stat_result) -> None:
    os.fchmod(fd, stat.S_IMODE(old.st_mode))
    if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.fchown(fd, old.st_uid, old.st_gid)
        except OSError:
            pass  # only root may give a file away; the mode is kept regardless


def _same_as_input(target: Path, inputs: Iterable[PathLike | None]) -> str | None:
    for given in inputs:
        if given is None or not os.fspath(given):
            continue
        try:
            candidates = [Path(given)]
            if candidates[0].is_dir():  # a --rules folder: its packs are inputs
                candidates = sorted([*candidates[0].glob("*.yaml"), *candidates[0].glob("*.yml")])
            for candidate in candidates:
                if os.path.samefile(candidate, target):
                    return os.fspath(candidate)
        except OSError:
            continue  # an input that cannot be found cannot be overwritten either
    return None


def _file_in_the_way(target: Path) -> Path:
    """The first part of ``target``'s folder path that is not a folder."""
    for ancestor in reversed(target.parents):
        try:
            if not stat.S_ISDIR(os.stat(ancestor).st_mode):
                return ancestor
        except OSError:
            break
    return target.parent


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).replace("\n", " ")
