"""Writing a file completely or not at all (exports, bundles, CSV, the manifest)."""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Callable
from pathlib import Path

from facilitator.core.errors import ExportError

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
        if isinstance(exc, FileHeldOpen):
            reason = exc.strerror
        elif exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            reason = "the disk is full"
        elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            reason = "this folder cannot be written to"
        elif exc.errno in (errno.ENOENT, errno.ENODEV, errno.EIO):
            reason = "the folder or drive is gone (was a USB stick pulled out?)"
        else:
            reason = exc.strerror or str(exc)
        raise ExportError(f"{reason}; nothing was written", file=target) from exc
    return target
