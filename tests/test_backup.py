"""Snapshots are consistent, valid databases; they roll; Back up to… writes one file."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from facilitator.core.backup import (
    SnapshotSchedule,
    backup_to,
    snapshot,
    snapshot_dir,
    snapshots,
)
from facilitator.core.errors import StoreError
from facilitator.core.store import Store


def _add_note(store: Store, text: str) -> None:
    store.create("notes", {"site": "cardiff", "workshop": 2, "kind": "note", "text": text,
                           "noted_at": "2026-01-01T10:00:00Z"})


def test_snapshot_is_a_valid_database_with_the_data(store: Store, tmp_path: Path) -> None:
    _add_note(store, "first")
    path = snapshot(store, snapshot_dir(store.path))
    # In the user's data folder, never beside the database (which may be on a stick).
    assert path.parent.parent == tmp_path / "data" / "snapshots"
    assert path.name.startswith("test-") and path.suffix == ".db"
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT text FROM notes").fetchall() == [("first",)]
    finally:
        conn.close()
    # It opens as a Facilitator store too, with the same schema.
    with Store(path) as copy:
        assert copy.schema_version() == store.schema_version()
        assert copy.count("notes") == 1
    assert not list(path.parent.glob(".*partial"))


def test_snapshot_inside_an_open_transaction_sees_committed_data_only(
        store: Store, tmp_path: Path) -> None:
    _add_note(store, "committed")
    other = Store(store.path)  # another thread's connection, mid-write
    other.db.execute("BEGIN IMMEDIATE")
    other.db.execute("UPDATE notes SET text = 'half-written'")
    path = snapshot(store, tmp_path / "snaps")
    other.db.execute("ROLLBACK")
    other.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT text FROM notes").fetchall() == [("committed",)]
    conn.close()


def test_snapshots_roll_keeping_the_newest(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "snaps"
    start = datetime(2026, 3, 14, 9, 0)
    made = [snapshot(store, folder, keep=3, when=start + timedelta(minutes=15 * i))
            for i in range(5)]
    kept = snapshots(folder, "test")
    assert kept == made[-3:]
    assert [p.name for p in kept][0] == "test-20260314-093000-000000.db"
    (folder / "unrelated.db").write_bytes(b"x")
    snapshot(store, folder, keep=3)
    assert (folder / "unrelated.db").exists()
    assert len(snapshots(folder, "test")) == 3


def test_two_snapshots_in_the_same_instant_do_not_collide(store: Store,
                                                          tmp_path: Path) -> None:
    when = datetime(2026, 3, 14, 9, 0)
    a = snapshot(store, tmp_path / "s", when=when)
    b = snapshot(store, tmp_path / "s", when=when)
    assert a != b and a.exists() and b.exists()


def test_backup_to_a_folder_and_to_a_file(store: Store, tmp_path: Path) -> None:
    _add_note(store, "to the stick")
    stick = tmp_path / "USB"
    stick.mkdir()
    copy = backup_to(store, stick)
    assert copy.parent == stick and copy.name.startswith("test-backup-")
    named = backup_to(store, tmp_path / "elsewhere" / "copy.db")
    for path in (copy, named):
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 1
        conn.close()


def test_backup_to_an_unwritable_place_raises_store_error(store: Store,
                                                          tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot write the backup"):
        backup_to(store, blocker / "inside" / "copy.db")


def test_schedule_is_due_every_interval() -> None:
    now = [1000.0]
    schedule = SnapshotSchedule(interval=900, clock=lambda: now[0])
    assert schedule.is_due()
    schedule.mark_done()
    assert not schedule.is_due()
    now[0] += 899
    assert not schedule.is_due()
    assert schedule.seconds_until_due() == 1
    now[0] += 1
    assert schedule.is_due()
