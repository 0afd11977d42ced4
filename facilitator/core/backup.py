"""Consistent snapshots of the database while a workshop runs, and "Back up to…".

Snapshots use SQLite's online backup API, so a copy is consistent even while the
app keeps writing. Each is written under a temporary name and renamed when complete,
so a file with a snapshot's name is always a whole database. Old snapshots roll off.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from facilitator.core import files, paths
from facilitator.core.errors import StoreError
from facilitator.core.store import Store

SNAPSHOT_INTERVAL = 15 * 60
DEFAULT_KEEP = 20
_STAMP = "%Y%m%d-%H%M%S-%f"


def snapshot_dir(db_path: str | Path) -> Path:
    """Where a database's rolling snapshots go: ``snapshots/`` in the user's data folder.

    Never beside a database on a USB stick (which may be pulled out, or lost with the
    stick): a database elsewhere gets a folder of its own there, named after its file
    and a digest of its full path.
    """
    db = Path(db_path).absolute()
    home = paths.data_dir()
    if db.parent == home.absolute():
        return home / "snapshots"
    tag = hashlib.sha256(str(db).encode("utf-8")).hexdigest()[:10]
    return home / "snapshots" / f"{db.stem}-{tag}"


def snapshots(folder: str | Path, stem: str) -> list[Path]:
    """A database's snapshots in ``folder``, oldest first (names sort by time)."""
    base = Path(folder)
    if not base.is_dir():
        return []
    found = [p for p in base.glob(f"{stem}-*.db") if _is_snapshot_name(p.name, stem)]
    return sorted(found, key=lambda p: p.name)


def _is_snapshot_name(name: str, stem: str) -> bool:
    stamp = name[len(stem) + 1:-3]
    try:
        datetime.strptime(stamp, _STAMP)
    except ValueError:
        return False
    return True


def _copy(store: Store, target: Path) -> Path:
    """Back the store up into ``target`` atomically; the copy uses a plain rollback journal."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        dest = sqlite3.connect(str(partial))
        try:
            with store.translate_errors():
                store.db.conn.backup(dest)
            # A copy on a USB stick should be one self-contained file, not WAL + shm.
            dest.execute("PRAGMA journal_mode=DELETE")
            row = dest.execute("PRAGMA quick_check").fetchone()
            if row is None or row[0] != "ok":
                raise StoreError("the copy failed its integrity check", file=target)
        finally:
            dest.close()
        files.replace(partial, target)  # waits out a copy held open (Windows)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        reason = "the disk is full" if exc.errno == 28 else (exc.strerror or str(exc))
        raise StoreError(f"cannot write the backup: {reason}", file=target) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    return target


def snapshot(store: Store, folder: str | Path, keep: int = DEFAULT_KEEP,
             when: datetime | None = None) -> Path:
    """Take a timestamped snapshot into ``folder`` and keep only the newest ``keep``."""
    base = Path(folder)
    stamp = (when or datetime.now()).strftime(_STAMP)
    stem = store.path.stem
    target = base / f"{stem}-{stamp}.db"
    bump = 0
    while target.exists():  # two snapshots in one microsecond (a fast test)
        bump += 1
        target = base / f"{stem}-{stamp[:-6]}{int(stamp[-6:]) + bump:06d}.db"
    _copy(store, target)
    for old in snapshots(base, stem)[:-max(1, keep)]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def backup_to(store: Store, target_path: str | Path) -> Path:
    """Copy the database to ``target_path`` (a file, or a folder such as a USB stick)."""
    target = Path(target_path)
    if target.is_dir():
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        target = target / f"{store.path.stem}-backup-{stamp}.db"
    return _copy(store, target)


class SnapshotSchedule:
    """Decides when the next periodic snapshot is due; the UI only asks and reports."""

    def __init__(self, interval: float = SNAPSHOT_INTERVAL,
                 clock: Callable[[], float] = time.time) -> None:
        self.interval = interval
        self.clock = clock
        self.last: float | None = None

    def is_due(self) -> bool:
        return self.last is None or self.clock() - self.last >= self.interval

    def seconds_until_due(self) -> float:
        if self.last is None:
            return 0.0
        return max(0.0, self.last + self.interval - self.clock())

    def mark_done(self) -> None:
        self.last = self.clock()
