"""note_save_p50 / note_save_p99: Enter in the capture panel to the note durable on disk
(one committed transaction, WAL with synchronous=FULL), through the real widget, next
to a bare sqlite-utils insert of the same row with the same pragmas, in the same run.
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


def _app_times(folder: str) -> list[float]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from facilitator.core import venue
    from facilitator.core.pack import load_pack
    from facilitator.core.paths import default_pack_dir
    from facilitator.core.store import Store
    from facilitator.ui.capture.capture import CapturePanel

    app = QApplication.instance() or QApplication([])
    pack = load_pack(default_pack_dir())
    store = Store(f"{folder}/app.db")
    venue.save(store, pack, venue.VenueSettings(pack.sites[0].id, 2, ("Table 1", "Table 2")))
    tables = venue.tables(store, pack.sites[0].id)
    panel = CapturePanel(store, pack, pack.sites[0].id, 2, steps=pack.workshop(2).steps,
                         tables=tables, table_id=tables[0].id)
    panel.follow_step(8)
    panel.show()
    saved: list[float] = []
    panel.note_saved.connect(lambda _record: saved.append(time.perf_counter()))
    times: list[float] = []
    for i in range(NOTES):
        panel.edit.setPlainText(f"{TEXT} #{i}")
        app.processEvents()
        start = time.perf_counter()
        QTest.keyClick(panel.edit, Qt.Key.Key_Return)  # note_saved fires once committed
        times.append(saved[-1] - start)
    panel.draft_timer.stop()
    panel.close()
    store.close()
    return times


def _floor_times(folder: str) -> list[float]:
    import sqlite3

    import sqlite_utils

    conn = sqlite3.connect(f"{folder}/floor.db")
    db = sqlite_utils.Database(conn)
    db.enable_wal()
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    table = db["notes"]
    table.create({"id": str, "site": str, "workshop": int, "kind": str, "text": str,
                  "themes": str, "noted_at": str}, pk="id")
    times: list[float] = []
    for i in range(NOTES):
        row = {"id": str(uuid.uuid4()), "site": "cardiff", "workshop": 2, "kind": "note",
               "text": f"{TEXT} #{i}", "themes": "[]", "noted_at": "2025-03-08T10:00:00Z"}
        start = time.perf_counter()
        with db.atomic():
            table.insert(row)
        times.append(time.perf_counter() - start)
    conn.close()
    return times


def run() -> list[str]:
    apply_headless_env()
    with tempfile.TemporaryDirectory() as folder:
        floor = _floor_times(folder)
        app = _app_times(folder)
    return [
        line("note_save_p50", statistics.median(app), statistics.median(floor), "s"),
        line("note_save_p99", _percentile(app, 0.99), _percentile(floor, 0.99), "s"),
    ]


if __name__ == "__main__":
    for out in run():
        print(out)
