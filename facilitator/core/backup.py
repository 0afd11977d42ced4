"""Consistent snapshots of the database while a workshop runs, and "Back up to…".

Snapshots use SQLite's online backup API, so a copy is consistent even while the
app keeps writing. Each is written under a temporary name and renamed when complete,
so a file with a snapshot's name is always a whole database. Old snapshots roll off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
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
                store.conn.backup(dest)
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


# -- erasure reaches the snapshots (docs/record-laws.md, "Erasure") ----------------------


def _erase_sql(conn: sqlite3.Connection, participant_ids: list[str],
               erased_values: dict[str, str]) -> None:
    marks = ", ".join("?" for _ in participant_ids)
    participant_columns = {str(r[1]) for r in conn.execute("PRAGMA table_info(participants)")}
    note_columns = {str(r[1]) for r in conn.execute("PRAGMA table_info(notes)")}
    sets = ", ".join(f"[{c}] = ?" for c in erased_values if c in participant_columns)
    values = [v for c, v in erased_values.items() if c in participant_columns]
    conn.execute(f"UPDATE participants SET {sets}, withdrawn = 1, erased = 1 "
                 f"WHERE id IN ({marks})", [*values, *participant_ids])
    note_sets = "text = ''" + (", erased = 1" if "erased" in note_columns else "")
    conn.execute(f"UPDATE notes SET {note_sets} WHERE participant_id IN ({marks})",
                 participant_ids)
    conn.execute(f"DELETE FROM conflicts WHERE (table_name = 'participants' AND record_id "
                 f"IN ({marks})) OR (table_name = 'notes' AND record_id IN (SELECT id FROM "
                 f"notes WHERE participant_id IN ({marks})))",
                 [*participant_ids, *participant_ids])
    has_fts = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'notes_fts'").fetchone()
    if has_fts:
        conn.execute("INSERT INTO notes_fts(notes_fts) VALUES ('rebuild')")


def erase_in_snapshots(store: Store, participant_ids: list[str]) -> list[Path]:
    """Rewrite every rolling snapshot of ``store`` so the erased participants are
    tombstones there too: demographics blanked, their words emptied, their kept
    versions dropped, then the file VACUUMed (with ``secure_delete``) so no free page
    keeps the old bytes. A snapshot that cannot be rewritten (damaged, locked, read
    only) is deleted instead. Returns the snapshots rewritten."""
    from facilitator.core.migrations import ERASED_VALUES

    if not participant_ids:
        return []
    rewritten: list[Path] = []
    for folder in snapshot_folders(store.path):
        rewritten += _erase_in_folder(store, folder, participant_ids, dict(ERASED_VALUES))
    return rewritten


def snapshot_folders(db_path: str | Path) -> list[Path]:
    """Every folder that may hold a database's snapshots: today's place in the data
    folder, and ``snapshots/`` beside it, where versions before 0.1 kept them."""
    found = [snapshot_dir(db_path), Path(db_path).parent / "snapshots"]
    return [f for i, f in enumerate(found) if f.absolute() not in
            [g.absolute() for g in found[:i]]]


def _erase_in_folder(store: Store, folder: Path, participant_ids: list[str],
                     erased_values: dict[str, str]) -> list[Path]:
    rewritten: list[Path] = []
    for path in snapshots(folder, store.path.stem):
        try:
            conn = sqlite3.connect(str(path), timeout=5)
            try:
                conn.execute("PRAGMA secure_delete=ON")
                with conn:
                    _erase_sql(conn, participant_ids, erased_values)
                conn.execute("VACUUM")
            finally:
                conn.close()
            rewritten.append(path)
        except sqlite3.Error:
            with contextlib.suppress(OSError):
                path.unlink()
        for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")):
            with contextlib.suppress(OSError):
                extra.unlink()
    # A half-written snapshot from before the erasure is never a snapshot: remove it.
    for partial in folder.glob(f".{store.path.stem}-*.db.partial") if folder.is_dir() else []:
        with contextlib.suppress(OSError):
            partial.unlink()
    return rewritten


# -- the private temporary folder (merge copies, exchange files) ----------------------

PRIVATE_TMP = ".facilitator-tmp"
STALE_SECONDS = 15 * 60  # where a process cannot be asked whether it still runs


def private_temp_root(db_path: str | Path) -> Path:
    """The private folder beside a database where copies made while merging or
    exporting live: same drive and protection as the database, never the system's
    shared temp folder (docs/record-laws.md, "Erasure")."""
    return Path(db_path).parent / PRIVATE_TMP


@contextlib.contextmanager
def private_temp(db_path: str | Path, prefix: str) -> Iterator[Path]:
    """A fresh folder (mode 0700) in ``private_temp_root``, removed after use."""
    root = private_temp_root(db_path)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        root.chmod(0o700)
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}-{os.getpid()}-", dir=root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool | None:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return None  # os.kill would end the process on Windows: judge by age instead
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def clean_private_temp(db_path: str | Path) -> list[Path]:
    """On start: remove what a killed merge or export left in the private folder
    (folders of processes that no longer run). Returns what was removed."""
    root = private_temp_root(db_path)
    if not root.is_dir():
        return []
    removed: list[Path] = []
    for folder in root.iterdir():
        parts = folder.name.rsplit("-", 2)
        try:
            pid = int(parts[-2])
        except (ValueError, IndexError):
            pid = -1
        alive = _alive(pid) if pid > 0 else False
        if alive is None:
            with contextlib.suppress(OSError):
                alive = time.time() - folder.stat().st_mtime < STALE_SECONDS
        if not alive:
            if folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    folder.unlink()
            removed.append(folder)
    return removed
