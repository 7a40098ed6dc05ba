"""Writing files without ever destroying anything: the one helper every file the package writes
goes through (`autograd.save`, `save_svg`, the command line's pictures and pages).

`write_atomic` puts the bytes in a temporary file next to the target, flushes it to disk, and
renames it over the target in one step, so a reader (or a crash, or a kill) never sees half a
file, and a failure leaves the old file as it was. Before anything is opened it checks what is
at the path:

- a regular file is replaced, keeping its permission bits; a new file gets ``0o666`` minus the
  umask, as ``open()`` would give it;
- a symbolic link stays a link: the file it points to is written (atomically), the link kept;
- a folder, a device (``/dev/null``), a FIFO or a socket is refused with `FileTargetError`
  (opening a FIFO for writing would block forever; a device must not be replaced by a file);
  so is a pipe reached through a name such as ``/dev/stdout`` (``> page.html`` gives a file);
- a path that is empty, or whose folder cannot be written, is refused before any work.

Temporary files are named ``.NAME.autograd-tmp-XXXXXXXX`` (NAME cut short when the whole would
be longer than the file system allows: a target name may use the full 255 bytes) and removed on
every failure path; one left behind by a killed process is recognisable by that name.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

__all__ = ["TMP_MARK", "FileTargetError", "check_target", "kind_of", "write_atomic"]

TMP_MARK = ".autograd-tmp-"
"""What the name of every temporary file contains: ``.model.json.autograd-tmp-1a2b3c4d``."""

PathArg = str | bytes | os.PathLike[str] | os.PathLike[bytes]

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words: "a folder", "a FIFO (named pipe)", ...;
    "a regular file" for one."""
    if stat.S_ISREG(mode):
        return "a regular file"
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


class FileTargetError(OSError):
    """The path cannot be written safely: empty, a folder, a device, a FIFO or a socket, or a
    folder without write permission. Nothing was written."""


def _as_path(path: PathArg, what: str) -> Path:
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"{what}: the path must be a str or a path, not {type(path).__name__}")
    text = os.fsdecode(path)
    if not text:
        raise FileTargetError(f"{what}: no file name given (the path is empty)")
    return Path(text)


def check_target(path: PathArg, what: str) -> Path:
    """Check that `path` can be written safely, before any work is done; return the file that
    will really be written (a symbolic link's target). Raises `FileTargetError`."""
    target = _as_path(path, what)
    real = Path(os.path.realpath(target))
    try:  # the path itself, links followed: /dev/stdout leads to a pipe that has no name
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as e:
        raise FileTargetError(f"{what}: cannot write {target}: {e.strerror}") from None
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISFIFO(mode) and not os.path.lexists(real):  # a pipe, as `| less` makes
            raise FileTargetError(f"{what}: {target} is a pipe, not a file; refusing to write "
                                  "into it: give the name of a file")
        kind = kind_of(mode)
        shown = f"{target} (a link to {real})" if real != target.absolute() else str(target)
        raise FileTargetError(f"{what}: {shown} is {kind}; refusing to replace it with a file")
    folder = _existing_folder(real.parent)
    if folder is not None and not os.access(folder, os.W_OK | os.X_OK):
        raise FileTargetError(f"{what}: cannot write {target}: the folder {folder} is not "
                              "writable")
    return real


def _existing_folder(folder: Path) -> Path | None:
    """The folder itself, or its nearest existing ancestor (the one a new folder goes in)."""
    for candidate in (folder, *folder.parents):
        if candidate.is_dir():
            return candidate
        if candidate.exists():
            raise FileTargetError(f"cannot create the folder {folder}: {candidate} is not a "
                                  "folder")
    return None


def write_atomic(path: PathArg, data: bytes, *, what: str, make_folders: bool = False) -> Path:
    """Write `data` to `path` atomically (see the module's docstring); return the path.

    ``what`` names the caller in error messages (``"save"``); ``make_folders`` creates missing
    parent folders.
    """
    given = _as_path(path, what)
    real = check_target(given, what)
    if make_folders:
        real.parent.mkdir(parents=True, exist_ok=True)
    try:
        old = os.stat(real)
    except FileNotFoundError:
        old = None
    fd, tmp = _temporary(real)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if old is not None:  # keep the existing file's permissions (and owner, where allowed)
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
            if os.geteuid() == 0:
                with contextlib.suppress(OSError):
                    os.chown(tmp, old.st_uid, old.st_gid)
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_folder(real.parent)
    return given


def _temporary(real: Path) -> tuple[int, str]:
    """A new temporary file next to `real`, created with mode 0o666 (the umask applies)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    limit = _longest_name(real.parent)
    for _ in range(100):
        tmp = str(real.parent / _temporary_name(real.name, secrets.token_hex(4), limit))
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file next to {real}")


def _temporary_name(name: str, tag: str, limit: int = 255) -> str:
    """``.NAME.autograd-tmp-TAG``, NAME cut short (whole characters) so that the name takes
    at most `limit` bytes in the file system's encoding."""
    end = TMP_MARK + tag
    room = limit - len(os.fsencode("." + end))
    if room < 1:
        raise ValueError(f"write_atomic: no room for a name within {limit} bytes")
    kept = name
    while len(os.fsencode(kept)) > room:  # a character may take several bytes
        kept = kept[:-1]
    return f".{kept}{end}"


def _longest_name(folder: Path) -> int:
    """The longest file name (in bytes) the folder's file system allows; 255 if unknown."""
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return 255


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    with contextlib.suppress(OSError):
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
