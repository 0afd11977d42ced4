"""Undo the last merge: the database's state before it is kept, and can be put back.

Before each merge (``core/merge.py``) the target is copied with SQLite's online backup
API into the database's snapshot folder (``backup.snapshot_dir``, the user data
folder for the app's own database) as ``<name>-before-merge.db``; only the last
merge's copy is kept. ``undo_last_merge`` puts it back — every merged table, the
conflicts exactly as they were — and the merge log keeps the undone merge's lines
and gains one saying it was undone. It refuses when the database changed after the merge (a note saved, a
record edited), because putting the copy back would lose that work.

A copy must never outlive an erasure (docs/record-laws.md): ``Store`` deletes it, and
forgets the undo, whenever an erasure commits (``forget``), so no undo can bring
erased words back.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from facilitator.core import backup
from facilitator.core.errors import Progress, StoreError
from facilitator.core.records import now_iso
from facilitator.core.store import Change, Store

UNDO_KEY = "undo.last_merge"
PAGES_PER_STEP = 8  # the copy goes back in steps: progress, cancel, a check under the lock
_SQLITE_OK, _SQLITE_DONE = 0, 101  # a step's status (busy: another writer has the lock)


def snapshot_path(db_path: str | Path) -> Path:
    """Where the state before the last merge of ``db_path`` is kept."""
    path = Path(db_path)
    return backup.snapshot_dir(path) / f"{path.stem}-before-merge.db"


def _signature(store: Store, conn: sqlite3.Connection | None = None) -> list[list[object]]:
    """What changes when anything is saved, edited or merged: per merged table its row
    count, highest rowid and sum of revisions (every edit bumps one)."""
    reader = conn if conn is not None else store.conn
    out: list[list[object]] = []
    for table in [*store.specs, "conflicts"]:
        rowid = "max(rowid)" if table != "conflicts" else "NULL"  # WITHOUT ROWID
        row = reader.execute(
            f"SELECT count(*), {rowid}, total(revision) FROM [{table}]").fetchone()
        out.append([table, *row])
    return out


def _refuse_if_changed(store: Store, info: dict[str, object],
                       conn: sqlite3.Connection | None = None) -> None:
    if json.loads(json.dumps(_signature(store, conn))) != info.get("signature"):
        raise StoreError("the database changed after the last merge (a note was saved or "
                         "a record edited): undoing the merge would lose that work, so "
                         "nothing was changed", file=store.path)


def _copy(store: Store, target: Path) -> None:
    """The database as last committed, into ``target``, with SQLite's backup API read
    through a connection of its own: the merge calls this holding the write lock, so
    the copy is exactly the state the merge starts from (another merge that committed
    just before is in it). One file (no write-ahead log), not synced page by page: a
    copy torn by a crash fails its integrity check when an undo reads it, and the undo
    is refused."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        source = sqlite3.connect(str(store.path), timeout=10)
        dest = sqlite3.connect(str(target))
        try:
            dest.execute("PRAGMA synchronous=OFF")
            source.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
            source.close()
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            target.unlink()
        reason = getattr(exc, "strerror", None) or str(exc)
        raise StoreError(f"cannot write the copy: {reason}", file=target) from exc


class BeforeMerge:
    """The copy taken before one merge; kept only if the merge commits."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.final = snapshot_path(store.path)
        # Two merges may start at once (the second waits for the lock): each its own.
        self.pending = self.final.with_name(
            f"{self.final.name}.{os.getpid()}-{threading.get_ident()}.pending")
        try:
            _copy(store, self.pending)
        except StoreError as exc:
            raise StoreError(f"cannot keep the state before the merge, so it could not be "
                             f"undone; nothing was merged ({exc.message})",
                             file=self.final.parent) from exc

    def record(self, log_ids: list[int]) -> None:
        """Inside the merge's transaction: what undoing it needs to know."""
        files = [str(r[0]) for r in self.store.db.execute(
            f"SELECT file FROM merge_log WHERE id IN ({', '.join('?' for _ in log_ids)})",
            log_ids)] if log_ids else []
        info = {"snapshot": self.final.name, "files": files, "merged_at": now_iso(),
                "log_ids": log_ids, "signature": _signature(self.store)}
        self.store.db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [UNDO_KEY, json.dumps(info)])

    def keep(self) -> None:
        try:
            self.pending.replace(self.final)
        except OSError:
            # The merge stands; only its undo is lost. Say so when someone asks for it.
            with contextlib.suppress(OSError):
                self.pending.unlink()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.pending.unlink()


def before_merge(store: Store) -> BeforeMerge:
    return BeforeMerge(store)


def last_merge(store: Store) -> dict[str, object] | None:
    """What the last merge merged (files, when), if it can be undone."""
    info = store.get_json_setting(UNDO_KEY)
    if not isinstance(info, dict) or not snapshot_path(store.path).is_file():
        return None
    return info


def undo_last_merge(store: Store, progress: Progress | None = None) -> list[str]:
    """Put the database back as it was before the last merge; returns the files undone.

    StoreError when there is nothing to undo, the copy is gone, or the database
    changed after the merge. ``progress(done, total)`` is told the pages put back; the
    copy goes back in one transaction, so an exception from it (``Cancelled``) before
    the last page leaves the database as it was.
    """
    info = store.get_json_setting(UNDO_KEY)
    if not isinstance(info, dict):
        raise StoreError("there is no merge to undo (an erasure since the last merge, or "
                         "in it, removes its undo)", file=store.path)
    copy = snapshot_path(store.path)
    if not copy.is_file():
        raise StoreError("the copy kept before the last merge is gone (an erasure removes "
                         "it); the merge cannot be undone", file=store.path)
    _refuse_if_changed(store, info)
    files = [str(f) for f in info.get("files", [])]
    ids = [int(i) for i in info.get("log_ids", [])]
    # The merge log is this file's history: the undone merge stays in it, then the undo.
    cursor = store.conn.execute(
        f"SELECT * FROM merge_log WHERE id IN ({', '.join('?' for _ in ids)}) ORDER BY id",
        ids)
    columns = [d[0] for d in cursor.description]
    merged_rows = cursor.fetchall()
    if progress is not None:
        progress(0, 0)  # a last chance to cancel before the copy is read
    with store.translate_errors():
        source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
        try:
            check = source.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise StoreError("the copy kept before the last merge is damaged; nothing "
                                 "was changed", file=copy)
            source.backup(store.conn, pages=PAGES_PER_STEP,
                          progress=_stepper(store, info, progress))
        finally:
            source.close()
        with store.transaction(cause="merge") as db:
            db.execute("DELETE FROM settings WHERE key = ?", [UNDO_KEY])
            for row in merged_rows:
                db.execute(f"INSERT OR IGNORE INTO merge_log ({', '.join(columns)}) VALUES "
                           f"({', '.join('?' for _ in columns)})", list(row))
            db.execute(
                "INSERT INTO merge_log (file, sha256, kind, sites, devices, merged_at, "
                "records_added, records_updated, conflicts, seen_before) "
                "VALUES (?, '', 'undo', '[]', '[]', ?, 0, 0, 0, 0)",
                ["undone: " + ", ".join(files), now_iso()])
    forget(store.path)
    store._announce(Change(frozenset([*store.specs, "conflicts"]), "merge"))
    return files


def _stepper(store: Store, info: dict[str, object],
             progress: Progress | None) -> Callable[[int, int, int], None]:
    """Called after each step of putting the copy back (or each wait for another
    writer's lock). After the first step that wrote, while the copy's transaction holds
    the write lock, a note saved since the check above (the undo runs beside the app)
    refuses the undo: with write-ahead logging another connection still reads the
    database as committed."""
    checked: list[bool] = []

    def step(status: int, remaining: int, total: int) -> None:
        if status == _SQLITE_DONE:
            return  # committed: nothing left to check or cancel
        if status == _SQLITE_OK and not checked:
            checked.append(True)
            if store.journal_mode == "wal":
                reader = sqlite3.connect(store.path.resolve().as_uri() + "?mode=ro", uri=True,
                                         timeout=10)
                try:
                    _refuse_if_changed(store, info, reader)
                finally:
                    reader.close()
        if progress is not None:
            progress(total - remaining, total)

    return step


def forget(db_path: str | Path) -> None:
    """Delete the copy kept before the last merge (after an erasure, or an undo)."""
    path = snapshot_path(db_path)
    pending = list(path.parent.glob(f"{path.name}.*.pending")) if path.parent.is_dir() \
        else []
    for name in (path, *pending):
        with contextlib.suppress(OSError):
            name.unlink()
