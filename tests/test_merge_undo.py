"""Undo the last merge (issue 16): CLI and File → Undo last merge, as users meet them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from facilitator.cli import main as cli_main
from facilitator.core.backup import snapshot_dir
from facilitator.core.errors import StoreError
from facilitator.core.merge import merge
from facilitator.core.store import Store
from facilitator.core.undo import last_merge, snapshot_path, undo_last_merge
from facilitator.ui.exchange import merge_window as merge_window_module
from facilitator.ui.exchange.merge_window import MergeWindow

SITE = "cardiff"


def laptop(path: Path, device: str, notes: int = 2, code: str = "CDF-01") -> Path:
    with Store(path, device_id=device) as store:
        store.set_setting("site", SITE)
        store.create("participants", {"site": SITE, "code": code, "gender": "woman",
                                      "ethnicity": "secret-ethnicity"})
        for i in range(notes):
            store.create("notes", {"site": SITE, "workshop": 2, "kind": "quote",
                                   "text": f"{device} #{i}",
                                   "noted_at": "2026-05-01T10:00:00Z"})
    return path


def merged_tables(store: Store) -> dict[str, list[tuple]]:
    return {t: sorted(tuple(r) for r in store.db.execute(f"SELECT * FROM [{t}]"))
            for t in [*store.specs, "conflicts"]}


def test_cli_undo_last_puts_the_database_back_and_the_log_says_so(tmp_path, capsys):
    db = laptop(tmp_path / "lead.db", "device-lead", notes=1)
    table = laptop(tmp_path / "table.db", "device-table", notes=3, code="CDF-02")
    with Store(db) as store:
        before = merged_tables(store)
    assert cli_main(["--db", str(db), "merge", str(table)]) == 0
    assert "merge --undo-last" in capsys.readouterr().out
    kept = snapshot_path(db)
    assert kept.parent == snapshot_dir(db) and kept.is_file()
    assert cli_main(["--db", str(db), "merge", "--undo-last"]) == 0
    out = capsys.readouterr().out
    assert "put back as it was before the last merge" in out and str(table) in out
    with Store(db) as store:
        assert merged_tables(store) == before
        log = store.rows("merge_log")
        assert [r["kind"] for r in log] == ["database", "undo"]
        assert log[0]["file"] == str(table) and str(table) in log[1]["file"]
    assert not kept.exists()  # one undo per merge; the copy goes with it
    assert cli_main(["--db", str(db), "merge", "--undo-last"]) == 1
    assert "no merge to undo" in capsys.readouterr().err


def test_an_undo_is_refused_when_work_was_saved_after_the_merge(tmp_path):
    db = laptop(tmp_path / "lead.db", "device-lead", notes=1)
    table = laptop(tmp_path / "table.db", "device-table", notes=2, code="CDF-02")
    with Store(db, device_id="device-lead") as store:
        merge(store, [table])
        store.create("notes", {"site": SITE, "workshop": 2, "kind": "note",
                               "text": "typed after the merge",
                               "noted_at": "2026-05-01T11:00:00Z"})
        with pytest.raises(StoreError, match="changed after the last merge"):
            undo_last_merge(store)
        assert store.count("notes", "text = 'typed after the merge'") == 1


def test_a_merge_copy_never_outlives_an_erasure(tmp_path):
    db = laptop(tmp_path / "lead.db", "device-lead", notes=1)
    table = laptop(tmp_path / "table.db", "device-table", notes=2, code="CDF-02")
    with Store(db, device_id="device-lead") as store:
        merge(store, [table])
        copy = snapshot_path(db)
        assert b"secret-ethnicity" in copy.read_bytes()
        person = store.rows("participants", "code = 'CDF-01'")[0]
        store.edit("participants", person["id"], {"erased": 1})
        assert not copy.exists()
        assert last_merge(store) is None
        with pytest.raises(StoreError, match="no merge to undo"):
            undo_last_merge(store)


def test_a_refused_or_previewed_merge_keeps_the_last_undo(tmp_path):
    db = laptop(tmp_path / "lead.db", "device-lead", notes=1)
    first = laptop(tmp_path / "first.db", "device-first", notes=1, code="CDF-03")
    with Store(db, device_id="device-lead") as store:
        merge(store, [first])
        merge(store, [first], dry_run=True)
        bad = tmp_path / "bad.bundle"
        bad.write_bytes(b"\x1f\x8b not really gzip")
        with pytest.raises(Exception):  # noqa: B017 - refused, whatever the wording
            merge(store, [bad])
        info = last_merge(store)
        assert info is not None and info["files"] == [str(first)]
        assert undo_last_merge(store) == [str(first)]
        assert store.count("notes") == 1


def test_undo_last_merge_in_the_merge_window_asks_first(qtbot, tmp_path, monkeypatch):
    db = laptop(tmp_path / "lead.db", "device-lead", notes=1)
    table = laptop(tmp_path / "table3.db", "table-3", notes=4, code="CDF-04")
    store = Store(db, device_id="device-lead")
    try:
        window = MergeWindow(store, site_names={SITE: "Cardiff"})
        qtbot.addWidget(window)
        window.show()
        assert not window.undo_button.isEnabled()
        with qtbot.waitSignal(window.previewed, timeout=20000):
            window.add_files([table])
        with qtbot.waitSignal(window.merged, timeout=20000):
            qtbot.mouseClick(window.merge_button, Qt.MouseButton.LeftButton)
        assert store.count("notes") == 5 and window.undo_button.isEnabled()

        asked: list[str] = []

        def answer(button):
            def question(_parent, _title, text, *_args):
                asked.append(text)
                return button
            return question

        monkeypatch.setattr(merge_window_module.QMessageBox, "question",
                            answer(QMessageBox.StandardButton.Cancel))
        qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
        assert "table3.db" in asked[-1] and store.count("notes") == 5  # cancelled

        monkeypatch.setattr(merge_window_module.QMessageBox, "question",
                            answer(QMessageBox.StandardButton.Yes))
        with qtbot.waitSignal(window.undone, timeout=20000):
            qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
        assert store.count("notes") == 1
        assert "undone" in window.status.text() and not window.undo_button.isEnabled()
        assert json.loads(json.dumps(store.rows("merge_log")))[-1]["kind"] == "undo"
    finally:
        store.close()


# -- the undo runs in the background (the GUI thread never blocks) ------------------------


@pytest.mark.parametrize("drive", ["local", "removable"])
def test_a_cancelled_undo_changes_nothing_and_can_be_done_later(tmp_path, monkeypatch,
                                                                drive):
    """The copy goes back in one transaction: cancelled midway, on a laptop's disk (WAL)
    or on a USB stick (rollback journal), the database is exactly as merged."""
    from facilitator.core import drives
    from facilitator.core.errors import Cancelled

    monkeypatch.setattr(drives, "drive_kind", lambda _path: drive)
    db = laptop(tmp_path / "lead.db", "device-lead", notes=1)
    table = laptop(tmp_path / "table.db", "device-table", notes=3, code="CDF-02")
    with Store(db, device_id="device-lead") as store:
        assert store.journal_mode == ("wal" if drive == "local" else "delete")
        before = merged_tables(store)
        merge(store, [table])
        merged = merged_tables(store)
        seen: list[tuple[int, int]] = []

        def cancel_midway(done: int, total: int) -> None:
            seen.append((done, total))
            if 0 < done < total:
                raise Cancelled()

        with pytest.raises(Cancelled):
            undo_last_merge(store, cancel_midway)
        assert seen[-1][0] < seen[-1][1]  # stopped before the last page
        assert merged_tables(store) == merged and last_merge(store) is not None
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        steps: list[tuple[int, int]] = []
        assert undo_last_merge(store, lambda d, t: steps.append((d, t))) == [str(table)]
        assert merged_tables(store) == before
        assert steps[0] == (0, 0) and steps[-1][0] < steps[-1][1]  # never told "done" late


def test_a_note_saved_as_the_undo_starts_is_never_lost(tmp_path):
    """The app keeps saving while the undo runs beside it: a note committed after the
    first check refuses the undo under the write lock, and the note stays."""
    db = laptop(tmp_path / "lead.db", "device-lead", notes=1)
    table = laptop(tmp_path / "table.db", "device-table", notes=2, code="CDF-02")
    with Store(db, device_id="device-lead") as store, \
            Store(db, device_id="device-lead") as app:
        merge(store, [table])
        saved: list[bool] = []

        def note_typed_meanwhile(_done: int, _total: int) -> None:
            if not saved:
                app.create("notes", {"site": SITE, "workshop": 2, "kind": "note",
                                     "text": "typed during the undo",
                                     "noted_at": "2026-05-01T11:00:00Z"})
                saved.append(True)

        with pytest.raises(StoreError, match="changed after the last merge"):
            undo_last_merge(store, note_typed_meanwhile)
        assert saved
        assert store.count("notes", "text = 'typed during the undo'") == 1
        assert store.count("notes") == 4  # the merge stands, and the new note with it


def _main_window(qtbot, store: Store, default_pack):
    from facilitator.core.paths import resolve
    from facilitator.ui.main_window import MainWindow

    window = MainWindow(store, default_pack, resolve(str(store.path), str(default_pack.path)))
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def _answer_message_boxes(qtbot, answers: list[str], seen: list[str]) -> None:
    """Click each of ``answers`` in turn on the next modal message box, as a user does."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QPushButton

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text())
        wanted = answers.pop(0)
        button = next(b for b in box.findChildren(QPushButton)
                      if b.text().replace("&", "") == wanted)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        if answers:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)


def _click_file_undo_last_merge(qtbot, window) -> None:
    menu, bar = window.file_menu, window.menuBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                     pos=bar.actionGeometry(menu.menuAction()).center())
    qtbot.waitUntil(menu.isVisible)
    rect = menu.actionGeometry(window.files.undo_merge_action)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=rect.center())


def test_file_undo_last_merge_runs_in_the_background_and_puts_the_file_back(
        qtbot, tmp_path, default_pack):
    import sqlite3

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog

    db = laptop(tmp_path / "lead.db", "device-lead", notes=1)
    table = laptop(tmp_path / "table3.db", "table-3", notes=4, code="CDF-04")
    store = Store(db, device_id="device-lead")
    blocker = sqlite3.connect(str(db), isolation_level=None)
    try:
        before = merged_tables(store)
        merge(store, [table])
        assert store.count("notes") == 5
        window = _main_window(qtbot, store, default_pack)
        changed: list[bool] = []
        window.files.data_changed.connect(lambda: changed.append(True))
        # Another writer (a merge in a terminal) holds the file: the undo has to wait.
        blocker.execute("BEGIN IMMEDIATE")
        ticks: list[int] = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start(10)
        seen: list[str] = []
        _answer_message_boxes(qtbot, ["Yes"], seen)
        _click_file_undo_last_merge(qtbot, window)
        qtbot.waitUntil(lambda: window.files.busy, timeout=5000)
        assert "table3.db" in seen[0]  # the question came first, naming the merge
        assert "Undoing the last merge" in window.statusBar().currentMessage()

        def progress_window() -> QProgressDialog | None:
            return next((w for w in QApplication.topLevelWidgets()
                         if isinstance(w, QProgressDialog) and w.isVisible()), None)

        qtbot.waitUntil(lambda: progress_window() is not None, timeout=5000)
        assert "Putting the database back" in progress_window().labelText()
        assert "table3.db" in progress_window().labelText()
        # The GUI thread keeps running while the undo waits for the file.
        qtbot.waitUntil(lambda: len(ticks) >= 20, timeout=5000)
        assert window.files.busy and store.count("notes") == 5
        blocker.execute("ROLLBACK")
        qtbot.waitUntil(lambda: not window.files.busy, timeout=30000)
        timer.stop()
        assert merged_tables(store) == before  # exactly as before the merge
        assert [r["kind"] for r in store.rows("merge_log")] == ["database", "undo"]
        assert "The last merge was undone (table3.db)" in window.statusBar().currentMessage()
        assert changed and last_merge(store) is None
        assert progress_window() is None
    finally:
        blocker.close()
        store.close()


def test_file_undo_last_merge_refused_says_why_and_keeps_everything(qtbot, tmp_path,
                                                                   default_pack):
    db = laptop(tmp_path / "lead.db", "device-lead", notes=1)
    table = laptop(tmp_path / "table3.db", "table-3", notes=2, code="CDF-04")
    store = Store(db, device_id="device-lead")
    try:
        merge(store, [table])
        store.create("notes", {"site": SITE, "workshop": 2, "kind": "note",
                               "text": "typed after the merge",
                               "noted_at": "2026-05-01T11:00:00Z"})
        window = _main_window(qtbot, store, default_pack)
        seen: list[str] = []
        _answer_message_boxes(qtbot, ["Yes", "OK"], seen)
        _click_file_undo_last_merge(qtbot, window)
        qtbot.waitUntil(lambda: len(seen) == 2, timeout=10000)
        assert "The merge was not undone" in seen[1] and "changed after" in seen[1]
        qtbot.waitUntil(lambda: not window.files.busy, timeout=10000)
        assert "The merge was not undone" in window.statusBar().currentMessage()
        assert store.count("notes") == 4 and last_merge(store) is not None
    finally:
        store.close()


def test_file_undo_last_merge_waits_for_a_running_export(qtbot, tmp_path, default_pack):
    """An export runs beside the console (not modal): the undo is not started under it."""
    import threading

    db = laptop(tmp_path / "lead.db", "device-lead", notes=1)
    table = laptop(tmp_path / "table3.db", "table-3", notes=2, code="CDF-04")
    store = Store(db, device_id="device-lead")
    release = threading.Event()
    try:
        merge(store, [table])
        window = _main_window(qtbot, store, default_pack)
        window.files.tasks.run("Exporting…", lambda progress: release.wait(10),
                               lambda _r: None, lambda _e: None, modal=False)
        seen: list[str] = []
        _answer_message_boxes(qtbot, ["Yes"], seen)
        _click_file_undo_last_merge(qtbot, window)
        qtbot.waitUntil(lambda: "Another task is still running"
                        in window.statusBar().currentMessage(), timeout=5000)
        qtbot.wait(100)
        assert seen == [] and store.count("notes") == 3  # not asked, nothing undone
        release.set()
        qtbot.waitUntil(lambda: not window.files.busy, timeout=10000)
        _click_file_undo_last_merge(qtbot, window)
        qtbot.waitUntil(lambda: store.count("notes") == 1, timeout=20000)
        assert seen and "table3.db" in seen[0]
        qtbot.waitUntil(lambda: not window.files.busy, timeout=10000)
    finally:
        release.set()
        store.close()
