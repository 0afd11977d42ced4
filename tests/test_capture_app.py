"""Capture in the real app: built after the first paint, never driving the agenda,
importing and exporting notes through the File menu's background tasks, and
note-taker mode on a table laptop."""

from __future__ import annotations

import pytest
from fakes import FakeClock
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from test_capture import type_text
from test_notes_csv import GOOD, _roster, _write

from facilitator.app import FacilitatorApp
from facilitator.core import notes, venue
from facilitator.core.notes import NoteFilter
from facilitator.core.paths import resolve
from facilitator.core.store import Store
from facilitator.ui.capture.note_taker import NoteTakerPanel
from facilitator.ui.venue.venue_dialog import VenueSetupDialog


@pytest.fixture
def make_app(qtbot, tmp_path, default_pack):
    apps = []

    def make(note_taker: bool = False):
        db = tmp_path / "venue.db"
        with Store(db) as store:
            venue.save(store, default_pack, venue.VenueSettings("cardiff", 2,
                                                                ("Table 1", "Table 2")))
            venue.save_laptop(store, "Table 2 laptop", venue.table_id("cardiff", "Table 2"))
            venue.set_note_taker_mode(store, note_taker)
            _roster(store)
        app = FacilitatorApp(resolve(str(db), None), ask_venue=False, show_audience=False,
                             clock=FakeClock())
        qtbot.addWidget(app.window)
        apps.append(app)
        with qtbot.waitActive(app.window):
            app.window.show()
            app.window.activateWindow()
        qtbot.waitUntil(lambda: app.notes is not None, timeout=5000)
        return app

    yield make
    for app in apps:
        app.shut_down()


def titles(app) -> list[str]:
    return [app.window.pages.tabText(i) for i in range(app.window.pages.count())]


def test_capture_pages_sit_beside_the_console_and_follow_the_agenda(make_app, qtbot):
    app = make_app()
    assert titles(app)[:4] == ["Console", "Capture notes", "Notes", "Advice"]
    capture = app.notes.capture
    assert capture.table_chip.text() == "Table 2"
    app.window.show_page("capture")
    qtbot.waitUntil(capture.edit.hasFocus, timeout=10_000)
    # Space, arrows, + and B type text here, whichever page shows: the day does not move.
    # (qtbot's keys pass through Qt's shortcut map, as a real keyboard's do.)
    qtbot.keyClicks(capture.edit, " B+")
    qtbot.keyClick(capture.edit, Qt.Key.Key_Right)
    qtbot.keyClick(capture.edit, Qt.Key.Key_Left)
    qtbot.keyClick(capture.edit, Qt.Key.Key_End)
    qtbot.keyClicks(capture.edit, "=")
    assert capture.edit.toPlainText() == " B+="
    assert app.model.status.state == "not_started" and app.model.runner.current_index == 0
    assert app.model.status.step_added == 0 and not app.audience.is_blank()
    # The agenda moves: attribution follows.
    app.model.jump(8)
    assert capture.current_step.id == app.model.runner.steps[8].id
    qtbot.keyClick(capture.edit, Qt.Key.Key_Return)
    assert notes.search_notes(app.store, NoteFilter())[0]["step_id"] == capture.current_step.id


def test_file_menu_imports_and_exports_notes_in_the_background(make_app, qtbot, tmp_path,
                                                                monkeypatch):
    from facilitator.ui.exchange import file_flows

    told: list[str] = []
    monkeypatch.setattr(file_flows.QMessageBox, "information",
                        lambda _parent, _title, text: told.append(text))
    app = make_app()
    path = _write(tmp_path / "online.csv", GOOD)
    app.window.files.import_notes_file(path)
    qtbot.waitUntil(lambda: app.window.files.last_import is not None and not app.window.tasks.busy,
                    timeout=10000)
    assert app.window.files.last_import.added == 4
    assert told and "Welsh speakers" in told[0]  # the new ad-hoc theme is reported
    # The notes view hears of the import through the store's change signal.
    qtbot.waitUntil(lambda: len(app.notes.notes_view.shown_texts()) == 4, timeout=3000)
    counts = app.console.note_counts_label.text()
    qtbot.waitUntil(lambda: app.console.note_counts_label.text() == "Notes arriving: T1 2 · T2 0",
                    timeout=10_000)
    assert counts
    out = tmp_path / "export.csv"
    app.window.files.export_notes_file(out)
    qtbot.waitUntil(lambda: out.exists() and not app.window.tasks.busy, timeout=10000)
    assert out.read_bytes().startswith(b"\xef\xbb\xbfsite,workshop,table")


def test_note_taker_mode_shows_only_the_capture_panel(make_app, qtbot):
    app = make_app(note_taker=True)
    assert app.model is None and app.console is None and app.audience is None
    assert isinstance(app.window.pages.currentWidget(), NoteTakerPanel)
    assert app.window.pages.count() == 1 or not app.window.pages.tabBar().isVisible()
    capture = app.notes.capture
    qtbot.waitUntil(capture.edit.hasFocus, timeout=10_000)
    selector = app.notes.note_taker.selector
    for _ in range(8):
        qtbot.mouseClick(selector.next_button, Qt.MouseButton.LeftButton)
    assert capture.use_case == "call_101" and capture.edit.hasFocus()
    type_text(capture.edit, "typed on the table laptop")
    qtbot.keyClick(capture.edit, Qt.Key.Key_Return)
    row = notes.search_notes(app.store, NoteFilter())[0]
    assert (row["table_name"], row["use_case"]) == ("Table 2", "call_101")


def test_venue_dialog_sets_this_laptops_label_table_and_mode(qtbot, tmp_path, default_pack):
    db = tmp_path / "v.db"
    app = FacilitatorApp(resolve(str(db), None), ask_venue=False, show_audience=False,
                         clock=FakeClock())
    qtbot.addWidget(app.window)

    def fill_and_accept():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, VenueSetupDialog)
        dialog.site_combo.setCurrentIndex(dialog.site_combo.findData("cardiff"))
        dialog.laptop_edit.setText("Table 3")
        dialog.laptop_table.setCurrentIndex(dialog.laptop_table.findData("Table 3"))
        dialog.note_taker_check.setChecked(True)
        dialog.accept()

    QTimer.singleShot(50, fill_and_accept)
    app.venue_setup()
    try:
        assert venue.laptop(app.store) == venue.LaptopSettings(
            "Table 3", venue.table_id("cardiff", "Table 3"))
        assert venue.note_taker_mode(app.store) and app.notes is not None
        assert app.notes.capture.table_chip.text() == "Table 3"
    finally:
        app.shut_down()
