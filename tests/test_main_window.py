"""The main window shell: menus, status bar, data location, roster import off the GUI thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from facilitator.core.paths import resolve
from facilitator.core.roster import list_participants
from facilitator.core.store import Store
from facilitator.ui.common.tasks import TaskRunner
from facilitator.ui.main_window import MainWindow

ROSTER = ("code,site,gender,age_band,ethnicity,area,seg,lgbtqia,trust_police,ai_opinion\n"
          "CDF-01,Cardiff,Male,55+,White,rural,C1,no,2,5\n"
          "LDN-07,London,woman,18-24,black,urban,DE,yes,high,neutral\n")


@pytest.fixture
def window(qtbot, tmp_path, default_pack):
    store = Store(tmp_path / "venue.db")
    win = MainWindow(store, default_pack, resolve(str(store.path), str(default_pack.path)))
    qtbot.addWidget(win)
    yield win
    win.tasks.setParent(None)
    store.close()


def menu_texts(menu) -> list[str]:
    return [a.text().replace("&", "") for a in menu.actions() if a.text()]


def test_menus_and_status_bar(window, default_pack):
    top = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert top[:2] == ["File", "View"] and top[-1] == "Help"
    file_items = menu_texts(window.file_menu)
    assert {"New database…", "Open database…", "Import", "Export", "Quit"} <= set(file_items)
    assert "Participants (roster CSV)…" in menu_texts(window.files.import_menu)
    assert {"Where is my data?", "About Facilitator"} <= set(menu_texts(window.help_menu))
    assert default_pack.title in window.windowTitle()
    assert str(window.store.path) in window.status.db_label.text()
    assert window.status.site_label.text() == "Venue not set up yet"
    window.store.set_setting("site", "durham")
    window.store.set_setting("workshop", "2")
    window.refresh_status()
    assert window.status.site_label.text() == "Durham · Workshop 2"


def test_data_location_names_db_folder_and_pack(window):
    text = window.help.data_location_text()
    assert str(window.store.path) in text and str(window.store.path.parent) in text
    assert str(window.pack.path) in text


def test_roster_import_runs_in_the_background(window, qtbot, tmp_path):
    csv = tmp_path / "roster.csv"
    csv.write_text(ROSTER)
    with qtbot.waitSignal(window.data_changed, timeout=10000):
        window.files.import_roster_file(csv)
    assert window.files.last_import.added == 2
    assert window.participants.model.rowCount() == 2
    assert "2 participants (Cardiff 1 · London 1)" in window.participants.summary.text()
    codes = {p["code"] for p in list_participants(window.store)}
    assert codes == {"CDF-01", "LDN-07"}
    qtbot.waitUntil(lambda: not window.tasks.busy)


def test_a_bad_roster_shows_what_is_wrong_and_changes_nothing(qtbot, tmp_path, default_pack,
                                                             monkeypatch):
    store = Store(tmp_path / "venue.db")
    shown = []
    monkeypatch.setattr("facilitator.ui.common.errors.show_error",
                        lambda parent, exc: shown.append(exc))
    win = MainWindow(store, default_pack, resolve(str(store.path), None),
                     tasks=TaskRunner(None, synchronous=True))
    qtbot.addWidget(win)
    bad = tmp_path / "bad.csv"
    bad.write_text(ROSTER.replace("London", "Londres"))
    win.files.import_roster_file(bad)
    assert len(shown) == 1 and shown[0].problems[0].line == 3
    assert "Londres" in str(shown[0])
    assert store.count("participants") == 0
    store.close()


def test_rehearsal_is_marked(qtbot, tmp_path, default_pack):
    store = Store(tmp_path / "practice.db")
    win = MainWindow(store, default_pack, resolve(str(store.path), None), rehearsal=True)
    qtbot.addWidget(win)
    assert win.windowTitle().startswith("REHEARSAL")
    assert win.findChild(type(win.status.site_label), "rehearsal_badge") is not None
    store.close()


def test_no_widget_text_bypasses_tr():
    """User-visible strings go through tr(): a Welsh translation is coming."""
    import re

    pattern = re.compile(
        r'(QLabel|QPushButton|QAction|QCheckBox|QGroupBox|QRadioButton|setText|setWindowTitle|'
        r'addMenu|setToolTip|setPlaceholderText|showMessage|addTab)\(\s*f?"[^"]*[A-Za-z]{2}')
    ui = Path(__file__).resolve().parent.parent / "facilitator" / "ui"
    offenders = []
    for file in sorted(ui.rglob("*.py")):
        for number, line in enumerate(file.read_text().splitlines(), start=1):
            if pattern.search(line):
                offenders.append(f"{file.name}:{number}: {line.strip()}")
    assert not offenders, "untranslated strings:\n" + "\n".join(offenders)


def test_view_console_reaches_the_set_up_page_before_the_venue_is_set(window):
    window.show_page("participants")
    window.show_page("console")
    assert window.pages.currentWidget() is window.setup_page


# -- the window's parts, driven by keys and clicks -------------------------------------


@pytest.fixture
def shown(window, qtbot):
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def _answer_next_message_box(qtbot, button_text: str, seen: list[str]) -> None:
    """Click ``button_text`` on the next modal message box, as the user would."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text())
        button = next(b for b in box.findChildren(QPushButton)
                      if b.text().replace("&", "") == button_text)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)


def test_quit_waits_while_a_background_task_runs(shown, qtbot):
    """Closing during an import, merge or backup keeps the window open and says why."""
    import threading

    release = threading.Event()
    closing = []
    shown.closing.connect(lambda: closing.append(True))
    shown.tasks.run("Working…", lambda progress: release.wait(10), lambda _r: None,
                    lambda _e: None)
    assert shown.files.busy
    # The progress window is modal: the title bar's close button is what still reaches us.
    assert not shown.close()
    assert shown.isVisible() and not closing
    assert "Please wait" in shown.statusBar().currentMessage()
    release.set()
    qtbot.waitUntil(lambda: not shown.files.busy, timeout=10000)
    assert shown.close()
    assert closing == [True] and not shown.isVisible()


def test_back_up_by_its_shortcut_writes_a_copy_and_says_where(shown, qtbot, tmp_path,
                                                            monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(usb)))
    qtbot.keyClick(shown, Qt.Key.Key_B,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: shown.files.last_backup is not None, timeout=10000)
    assert shown.files.last_backup.parent == usb and shown.files.last_backup.exists()
    assert str(shown.files.last_backup) in shown.statusBar().currentMessage()


def test_undo_last_merge_from_the_file_menu_says_there_is_none(shown, qtbot):
    seen: list[str] = []
    _answer_next_message_box(qtbot, "OK", seen)
    menu = shown.file_menu
    bar = shown.menuBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                     pos=bar.actionGeometry(menu.menuAction()).center())
    qtbot.waitUntil(menu.isVisible)
    rect = menu.actionGeometry(shown.files.undo_merge_action)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert "no merge to undo" in seen[0]
    assert "no merge to undo" in shown.statusBar().currentMessage()


def test_help_where_is_my_data_names_the_database(shown, qtbot):
    seen: list[str] = []
    _answer_next_message_box(qtbot, "Close", seen)
    menu, bar = shown.help_menu, shown.menuBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                     pos=bar.actionGeometry(menu.menuAction()).center())
    qtbot.waitUntil(menu.isVisible)
    where = next(a for a in menu.actions() if a.text() == "Where is my data?")
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(where).center())
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert str(shown.store.path) in seen[0]


def test_voting_shortcuts_open_their_pages(shown, qtbot):
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(shown, Qt.Key.Key_R, ctrl_shift)
    assert shown.pages.currentWidget() is shown.votes.results
    qtbot.keyClick(shown, Qt.Key.Key_I, ctrl_shift)
    assert shown.pages.currentWidget() is shown.votes.checkin
    qtbot.waitUntil(lambda: shown.votes.checkin.search.hasFocus(), timeout=10_000)
    shown.votes.kiosk_controls.shut_down()
    shown.votes.phones.shut_down()
