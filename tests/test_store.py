"""The store: migrations from empty, pragmas, the envelope and the two-version rule."""

from __future__ import annotations

import itertools
import json
import sqlite3

import pytest

from facilitator.core.errors import SchemaTooNewError, StoreError
from facilitator.core.migrations import MIGRATIONS, SCHEMA_VERSION
from facilitator.core.records import content_id, natural_id, pick_winner
from facilitator.core.store import Store


def note_version(revision: int, updated_at: str, device: str, text: str, **extra) -> dict:
    return {
        "id": "note-1", "origin_site": "cardiff", "device_id": device,
        "created_at": "2026-05-01T09:00:00.000000Z", "updated_at": updated_at,
        "revision": revision, "deleted": 0, "site": "cardiff", "workshop": 2,
        "kind": "note", "text": text, "themes": "[]", "noted_at": "2026-05-01T09:00:00Z",
        **extra,
    }


def test_migrations_from_an_empty_file(tmp_path):
    path = tmp_path / "fresh.db"
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        applied = [r["version"] for r in store.rows("_migrations", order_by="version")]
        assert applied == [m.version for m in MIGRATIONS]
        for table in ("settings", "participants", "venue_tables", "notes", "merge_log",
                      "conflicts", "step_events", "video_plays"):
            assert table in store.tables()
        device = store.device_id
    # Reopening applies nothing again; the laptop keeps its id (it is not the file's).
    with Store(path) as store:
        assert store.count("_migrations") == len(MIGRATIONS)
        assert store.device_id == device


def test_pragmas_wal_full_sync_foreign_keys(store):
    conn = store.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_newer_schema_is_refused_with_a_message(tmp_path):
    path = tmp_path / "future.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _migrations VALUES (?, 'future', 'x')", [SCHEMA_VERSION + 1])
    conn.commit()
    conn.close()
    with pytest.raises(SchemaTooNewError) as info:
        Store(path)
    assert "newer" in str(info.value) or "update Facilitator" in str(info.value)
    assert str(path) in str(info.value)


def test_a_file_that_is_not_a_database_names_the_file(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("this is not sqlite " * 100)
    with pytest.raises(StoreError) as info:
        Store(path)
    assert str(path) in str(info.value)


def test_create_edit_and_delete_maintain_the_envelope(store):
    store.set_setting("site", "durham")
    note = store.create("notes", {"site": "durham", "workshop": 2, "kind": "note",
                                  "text": "first", "noted_at": "2026-05-01T09:00:00Z"})
    assert note["revision"] == 1 and note["deleted"] == 0
    assert note["origin_site"] == "durham" and note["device_id"] == store.device_id
    assert note["noted_at"] == "2026-05-01T09:00:00.000000Z"  # one canonical format
    edited = store.edit("notes", note["id"], {"text": "second"})
    assert edited["revision"] == 2 and edited["updated_at"] >= note["updated_at"]
    deleted = store.mark_deleted("notes", note["id"])
    row = store.get("notes", note["id"])
    assert deleted["revision"] == 3 and row["deleted"] == 1 and row["text"] == "second"


def test_ids_from_natural_keys_and_content():
    assert natural_id("participant", "cardiff", "CDF-01") == natural_id(
        "participant", "Cardiff", " cdf-01 ")
    assert natural_id("participant", "cardiff", "CDF-01") != natural_id(
        "participant", "durham", "CDF-01")
    assert natural_id("theme", "call_101", "x") != natural_id("table", "call_101", "x")
    row = ["cardiff", "2", "note", "hello"]
    assert content_id("note", row, 0) == content_id("note", row, 0)
    assert content_id("note", row, 0) != content_id("note", row, 1)


def test_higher_revision_wins_even_with_an_older_clock():
    newer_clock = note_version(1, "2026-05-01T12:00:00Z", "aaaa", "clock ahead")
    higher_rev = note_version(2, "2026-05-01T08:00:00Z", "bbbb", "edited twice")
    winner, loser = pick_winner(newer_clock, higher_rev)
    assert winner["text"] == "edited twice" and loser["text"] == "clock ahead"


def test_revision_tie_broken_by_updated_at_then_device():
    early = note_version(3, "2026-05-01T09:00:00Z", "ffff", "early")
    late = note_version(3, "2026-05-01T10:00:00Z", "0000", "late")
    assert pick_winner(early, late)[0]["text"] == "late"
    low_device = note_version(3, "2026-05-01T10:00:00Z", "1111", "low device")
    high_device = note_version(3, "2026-05-01T10:00:00Z", "9999", "high device")
    assert pick_winner(low_device, high_device)[0]["text"] == "high device"
    assert pick_winner(high_device, low_device)[0]["text"] == "high device"


def test_put_version_keeps_the_loser_in_conflicts(store):
    local = note_version(2, "2026-05-01T09:30:00Z", "aaaa", "local")
    remote = note_version(3, "2026-05-01T09:10:00Z", "bbbb", "remote")
    with store.transaction():
        assert store.put_version("notes", local) == "added"
        assert store.put_version("notes", remote) == "updated"
        assert store.put_version("notes", remote) == "unchanged"
        assert store.put_version("notes", local) == "kept"
    assert store.get("notes", "note-1")["text"] == "remote"
    conflicts = store.conflicts("notes")
    assert len(conflicts) == 1  # the same loss seen twice is one conflict
    lost = json.loads(conflicts[0]["record"])
    assert lost["text"] == "local" and conflicts[0]["revision"] == 2


def test_put_version_is_order_independent(tmp_path):
    versions = [
        note_version(1, "2026-05-01T09:00:00Z", "aaaa", "one"),
        note_version(2, "2026-05-01T08:00:00Z", "bbbb", "two"),
        note_version(2, "2026-05-01T08:00:00Z", "cccc", "three"),
    ]
    finals = set()
    for i, order in enumerate(itertools.permutations(versions)):
        with Store(tmp_path / f"order{i}.db") as store:
            with store.transaction():
                for version in order:
                    store.put_version("notes", version)
            finals.add(store.get("notes", "note-1")["text"])
            assert len(store.conflicts("notes")) == 2
    assert finals == {"three"}


def test_withdrawal_and_erasure_are_sticky(store):
    p1 = natural_id("participant", "london", "LDN-01")
    base = {
        "id": p1, "origin_site": "london", "device_id": "aaaa",
        "created_at": "2026-05-01T09:00:00Z",
        "site": "london", "code": "LDN-01", "gender": "woman", "age_band": "25-34",
        "ethnicity": "black", "area": "urban", "seg": "AB", "lgbtqia": "no",
        "trust_police": "low", "ai_opinion": "neutral", "quote_consent": 1,
    }
    withdrawn = {**base, "revision": 2, "updated_at": "2026-05-01T10:00:00Z",
                 "deleted": 0, "withdrawn": 1, "erased": 0}
    edited_elsewhere = {**base, "revision": 5, "updated_at": "2026-05-01T11:00:00Z",
                        "device_id": "bbbb", "deleted": 0, "withdrawn": 0, "erased": 0,
                        "area": "suburban"}
    with store.transaction():
        store.put_version("participants", withdrawn)
        store.put_version("participants", edited_elsewhere)
    row = store.get("participants", p1)
    assert row["withdrawn"] == 1 and row["area"] == "suburban"
    erased = {**withdrawn, "revision": 3, "erased": 1}
    with store.transaction():
        store.put_version("participants", erased)
    row = store.get("participants", p1)
    assert row["erased"] == 1 and row["withdrawn"] == 1
    assert row["gender"] == "not recorded" and row["ethnicity"] == "not recorded"
    assert row["code"] == "LDN-01"  # the anonymous tombstone stays


def test_a_failed_transaction_writes_nothing(store):
    with pytest.raises(RuntimeError), store.transaction():
        store.put_version("notes", note_version(1, "2026-05-01T09:00:00Z", "aaaa", "doomed"))
        raise RuntimeError("boom")
    assert store.get("notes", "note-1") is None


def test_each_thread_gets_its_own_connection(store):
    import threading

    seen = []

    def work():
        seen.append(store.db.conn)
        store.set_setting("from_thread", "yes")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen[0] is not store.db.conn
    assert store.get_setting("from_thread") == "yes"
