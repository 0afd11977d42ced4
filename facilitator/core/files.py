"""Writing a file completely or not at all (exports, bundles, CSV)."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from facilitator.core.errors import ExportError


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` completely or not at all."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            reason = "the disk is full"
        elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            reason = "this folder cannot be written to"
        elif exc.errno in (errno.ENOENT, errno.ENODEV, errno.EIO):
            reason = "the folder or drive is gone (was a USB stick pulled out?)"
        else:
            reason = exc.strerror or str(exc)
        raise ExportError(f"{reason}; nothing was written", file=target) from exc
    return target
