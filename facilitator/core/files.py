"""Files in and out: written completely or not at all, read only when they are files.

Every file Facilitator reads from outside (a merge source, a CSV, a bundle) is opened
with ``open_regular``: a FIFO, a device such as ``/dev/zero``, a folder or a symbolic
link that loops is refused by name at once, never read (a FIFO would wait forever,
``/dev/zero`` would never end). Reads are bounded (``read_bounded``). Writes are
atomic (exports, bundles, CSV, the manifest), and wait out a target another program
holds open on Windows.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from facilitator.core.errors import ExportError, FacilitatorError

# Windows refuses to replace a file another program holds open (Excel, Acrobat, a
# preview pane): PermissionError, winerror 5 (access denied) or 32 (sharing violation).
# Such a hold is often brief (an antivirus scan, a preview), so try again a few times.
REPLACE_ATTEMPTS = 6
REPLACE_DELAY = 0.25  # seconds, doubled after each attempt (about 8 s in all)
_HELD_WINERRORS = (5, 32, 33)  # access denied, sharing violation, lock violation
_sleep = time.sleep  # how replace() waits between attempts (a test passes its own)

# Which program a user most likely has the file open in, by the file's extension.
_PROGRAMS = {
    ".pdf": "Acrobat or another PDF viewer",
    ".csv": "Excel",
    ".xlsx": "Excel",
    ".docx": "Word",
    ".qdpx": "your analysis program (NVivo, ATLAS.ti, MAXQDA)",
    ".db": "another copy of Facilitator",
    ".toml": "a text editor",
}


class UnreadableFileError(FacilitatorError):
    """A file that is not there, not a regular file, or cannot be read."""


def _open_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "file not found"
    if exc.errno == errno.ELOOP:
        return "this is a symbolic link that loops back on itself, not a file"
    if exc.errno == errno.EISDIR:
        return "this is a folder, not a file"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "this file may not be read (permission denied)"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return f"cannot read the file: {exc.strerror or exc}"


def open_regular(path: str | Path) -> BinaryIO:
    """Open ``path`` for reading if it is a regular file, else UnreadableFileError.

    Opened without blocking, so a FIFO with no writer is seen for what it is at once
    instead of waiting; the file's type is checked on the open descriptor, so it
    cannot change between the check and the read.
    """
    name = str(path)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(name, flags)
    except OSError as exc:
        raise UnreadableFileError(_open_reason(exc), file=name) from exc
    except (ValueError, RuntimeError) as exc:  # a NUL in the name, a symlink loop
        raise UnreadableFileError("this is not a file name that can be opened",
                                  file=name) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            if stat.S_ISDIR(info.st_mode):
                what = "a folder"
            elif stat.S_ISFIFO(info.st_mode):
                what = "a pipe (FIFO)"
            elif stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode):
                what = "a device"
            elif stat.S_ISSOCK(info.st_mode):
                what = "a socket"
            else:
                what = "not a regular file"
            raise UnreadableFileError(f"this is {what}, not a file: it was not read",
                                      file=name)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def regular_size(path: str | Path) -> int:
    """The size of a regular file (UnreadableFileError otherwise), without reading it."""
    with open_regular(path) as handle:
        return os.fstat(handle.fileno()).st_size


def read_bounded(path: str | Path, limit: int, *,
                 too_large: str = "the file is larger than it can be") -> bytes:
    """A regular file's bytes, at most ``limit`` of them (else UnreadableFileError)."""
    with open_regular(path) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise UnreadableFileError(_open_reason(exc), file=str(path)) from exc
    if len(data) > limit:
        raise UnreadableFileError(too_large, file=str(path))
    return data


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two names are one file (False when either cannot be looked at)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError, RuntimeError):
        return os.path.abspath(a) == os.path.abspath(b)


class FileHeldOpen(OSError):
    """The target stayed held open by another program after every retry."""


def holding_program(path: str | Path) -> str:
    """The program that most likely holds ``path`` open, named for a facilitator."""
    return _PROGRAMS.get(Path(path).suffix.casefold(), "another program")


def _held(exc: OSError) -> bool:
    """Windows' way of saying another program has the file (POSIX never refuses)."""
    return isinstance(exc, PermissionError) and getattr(exc, "winerror", None) in _HELD_WINERRORS


def replace(source: str | Path, target: str | Path, *,
            attempts: int = REPLACE_ATTEMPTS, delay: float = REPLACE_DELAY,
            sleep: Callable[[float], None] | None = None) -> None:
    """``os.replace`` that waits out a target held open by another program.

    Retries ``attempts`` times on PermissionError, waiting ``delay`` and then twice as
    long each time; then raises FileHeldOpen saying which program to close.
    """
    wait = delay
    for attempt in range(1, attempts + 1):
        try:
            os.replace(source, target)
            return
        except OSError as exc:
            if not _held(exc) or not Path(target).exists():
                raise
            if attempt == attempts:
                # Access denied (5) can also be a folder that cannot be written to.
                also = (" (or this folder cannot be written to)"
                        if getattr(exc, "winerror", None) == 5 else "")
                raise FileHeldOpen(
                    exc.errno, f"{Path(target).name} is open in {holding_program(target)}"
                    f"{also}: close it there and try again", str(target)) from exc
            (sleep or _sleep)(wait)
            wait *= 2


def write_error_reason(exc: OSError) -> str:
    if isinstance(exc, FileHeldOpen):
        return str(exc.strerror)
    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "this folder cannot be written to"
    if exc.errno in (errno.ENOENT, errno.ENODEV, errno.EIO):
        return "the folder or drive is gone (was a USB stick pulled out?)"
    return exc.strerror or str(exc)


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` completely or not at all."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ExportError(f"{write_error_reason(exc)}; nothing was written",
                          file=target) from exc
    return target


def write_atomic_many(files: dict[Path, bytes]) -> list[Path]:
    """Write several files completely or none of them: each is written and synced under
    a temporary name first, and only when all are complete are they renamed into place
    (a full disk halfway leaves no file behind, old or new)."""
    done: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
            done.append((tmp, target))
            with open(tmp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, target in done:
            replace(tmp, target)
    except OSError as exc:
        for tmp, _target in done:
            with contextlib.suppress(OSError):
                tmp.unlink()
        failed = done[-1][1] if done else next(iter(files), Path("."))
        raise ExportError(f"{write_error_reason(exc)}; none of the {len(files)} files was "
                          "written", file=failed) from exc
    return [target for _tmp, target in done]
