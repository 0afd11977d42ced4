"""note_save_p50 / note_save_p99: Enter in the capture panel to the note durable on disk
(one committed transaction, WAL with synchronous=FULL), through the real widget, next
to a bare sqlite-utils insert of a row of the notes table's real shape (indexes and
full-text index included) that clears the draft in the same transaction, with the same
pragmas, in the same run, note for note at the same pace (DESIGN §8).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid

from bench.common import apply_headless_env, line

# FACILITATOR_BENCH_QUICK: a handful, to check the script runs (tests/test_bench.py).
NOTES = 30 if os.environ.get("FACILITATOR_BENCH_QUICK") else 300
TEXT = "I'd want a person on the line who knows Caerdydd — and speaks Welsh (ŵ, ŷ)"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class _AppNotes:
    """The real capture panel on a real store: Enter to the note committed."""

    def __init__(self, folder: str) -> None:
        from PySide6.QtWidgets import QApplication

        from facilitator.core import venue
        from facilitator.core.pack import load_pack
        from facilitator.core.paths import default_pack_dir
        from facilitator.core.store import Store
        from facilitator.ui.capture.capture import CapturePanel

        self.app = QApplication.instance() or QApplication([])
        pack = load_pack(default_pack_dir())
        self.store = Store(f"{folder}/app.db")
        venue.save(self.store, pack, venue.VenueSettings(pack.sites[0].id, 2,
                                                         ("Table 1", "Table 2")))
        tables = venue.tables(self.store, pack.sites[0].id)
        self.panel = CapturePanel(self.store, pack, pack.sites[0].id, 2,
                                  steps=pack.workshop(2).steps, tables=tables,
                                  table_id=tables[0].id)
        self.panel.follow_step(8)
        self.panel.show()
        from facilitator.app import settle_heap

        settle_heap()  # as the app does once its window is up
        self.saved: list[float] = []
        self.panel.note_saved.connect(lambda _record: self.saved.append(time.perf_counter()))

    def note(self, i: int) -> float:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        self.panel.edit.setPlainText(f"{TEXT} #{i}")
        self.app.processEvents()
        start = time.perf_counter()
        QTest.keyClick(self.panel.edit, Qt.Key.Key_Return)  # note_saved: committed
        return self.saved[-1] - start

    def close(self) -> None:
        self.panel.draft_timer.stop()
        self.panel.close()
        self.store.close()


class _FloorNotes:
    """A bare sqlite-utils insert of a row of the notes table's real shape (its indexes,
    its full-text index and triggers), clearing the draft in the same transaction, with
    the app's pragmas. The schema is copied from a file the app made; nothing of the
    app runs while the floor is timed."""

    def __init__(self, folder: str) -> None:
        import sqlite3

        import sqlite_utils

        from facilitator.core.schema.notes import DRAFTS_TABLE
        from facilitator.core.store import Store

        with Store(f"{folder}/schema.db") as made:
            ddl = [str(r[0]) for r in made.db.execute(
                # Every table, index and trigger of notes and drafts, the full-text
                # table and its triggers; not the full-text table's own shadow tables,
                # which CREATE VIRTUAL TABLE makes.
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND (tbl_name IN "
                "(?, ?) OR name = ?) AND NOT (type = 'table' AND name LIKE 'notes_fts_%') "
                "ORDER BY "
                "CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END",
                ["notes", DRAFTS_TABLE, "notes_fts"]).fetchall()]
            self.columns = [str(r[1]) for r in made.db.execute("PRAGMA table_info(notes)")]
        self.conn = sqlite3.connect(f"{folder}/floor.db")
        self.db = sqlite_utils.Database(self.conn)
        self.db.enable_wal()
        for pragma in ("synchronous=FULL", "foreign_keys=ON", "secure_delete=ON"):
            self.conn.execute(f"PRAGMA {pragma}")
        for statement in ddl:
            self.conn.execute(statement)
        self.conn.commit()
        self.drafts = DRAFTS_TABLE
        self.table = self.db["notes"]

    def note(self, i: int) -> float:
        row: dict[str, object] = {}  # columns left out take their defaults
        row.update({"id": str(uuid.uuid4()), "origin_site": "cardiff", "device_id": "floor",
                    "origin_device": "floor", "created_at": "2025-03-08T10:00:00Z",
                    "updated_at": "2025-03-08T10:00:00Z", "revision": 1, "deleted": 0,
                    "rehearsal": 0, "site": "cardiff", "workshop": 2, "table_id": "t1",
                    "table_name": "Table 1", "step_id": "w2-step", "use_case": "call_101",
                    "kind": "note", "text": f"{TEXT} #{i}", "themes": "[]",
                    "participant_id": None, "noted_at": "2025-03-08T10:00:00Z",
                    "starred": 0})
        row = {k: v for k, v in row.items() if k in self.columns}
        start = time.perf_counter()
        with self.db.atomic():
            self.table.insert(row)
            self.conn.execute(f"DELETE FROM {self.drafts} WHERE slot = ?", ["capture"])
        return time.perf_counter() - start

    def close(self) -> None:
        self.conn.close()


def run() -> list[str]:
    apply_headless_env()
    app: list[float] = []
    floor: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        notes, bare = _AppNotes(folder), _FloorNotes(folder)
        # One untimed note each first: a first save runs its code paths and prepares
        # its statements once (the app's first note, ~2 ms, is that, not its pace).
        notes.note(NOTES)
        bare.note(NOTES)
        # Interleaved, one for one: both meet the same disk and the same neighbours.
        for i in range(NOTES):
            app.append(notes.note(i))
            floor.append(bare.note(i))
        notes.close()
        bare.close()
    return [
        line("note_save_p50", statistics.median(app), statistics.median(floor), "s"),
        line("note_save_p99", _percentile(app, 0.99), _percentile(floor, 0.99), "s"),
    ]


if __name__ == "__main__":
    for out in run():
        print(out)
