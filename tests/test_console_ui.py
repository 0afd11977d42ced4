"""The facilitator console driven from the keyboard, and what the audience then shows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fakes import FakeClock
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget
from test_audience_ui import SECRET, kinds_pack

from facilitator.core import venue
from facilitator.core.agenda import AgendaRunner
from facilitator.core.backup import snapshots
from facilitator.core.pack import SessionPack
from facilitator.core.store import Store
from facilitator.ui.console.audience import AudienceWindow
from facilitator.ui.console.console import ConsolePanel
from facilitator.ui.console.runner_model import RunnerModel
from facilitator.ui.venue.venue_dialog import VenueSetupDialog


class Day:
    """One console session on a database file: model, audience, console, and a text field."""

    def __init__(self, path: Path, pack: SessionPack, clock: FakeClock, qtbot,
                 rehearsal: bool = False, snapshot_folder: Path | None = None) -> None:
        self.store = Store(path)
        self.runner = AgendaRunner(self.store, pack, "cardiff", 2, clock=clock)
        self.model = RunnerModel(self.runner, snapshot_folder=snapshot_folder)
        self.audience = AudienceWindow(pack)
        self.window = QWidget()
        layout = QVBoxLayout(self.window)
        self.console = ConsolePanel(self.model, self.store, pack, self.audience, rehearsal)
        self.field = QLineEdit()  # e.g. a note box elsewhere in the main window
        layout.addWidget(self.field)
        layout.addWidget(self.console)
        qtbot.addWidget(self.window)
        qtbot.addWidget(self.audience)
        self.audience.resize(960, 540)
        self.audience.show()
        self.window.resize(1280, 760)
        with qtbot.waitActive(self.window):
            self.window.show()
            self.window.activateWindow()
        self.console.setFocus()

    def close(self) -> None:
        self.model.stop()
        self.window.close()
        self.audience.close()
        self.store.close()


@pytest.fixture
def pack(default_pack: SessionPack) -> SessionPack:
    return kinds_pack(default_pack)


@pytest.fixture
def day(tmp_path: Path, pack: SessionPack, clock: FakeClock, qtbot) -> Day:
    session = Day(tmp_path / "day.db", pack, clock, qtbot)
    yield session
    session.close()


def key(qtbot, widget: QWidget, k: Qt.Key,
        mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(widget, k, mod)


def test_keyboard_runs_the_day_and_the_audience_follows(day: Day, clock: FakeClock,
                                                         qtbot) -> None:
    c = day.console
    assert day.audience.current_page() == "waiting"
    key(qtbot, c, Qt.Key.Key_Space)
    assert day.runner.state == "running"
    assert day.audience.current_page() == "title"
    assert c.now_title.text() == "Welcome and ground rules"
    assert c.next_label.text().startswith("Table discussion (20 min)")

    key(qtbot, c, Qt.Key.Key_Right)
    assert day.runner.current_index == 1
    assert day.audience.current_page() == "card"
    assert "acceptable" in c.prompt_label.text()
    assert SECRET in c.notes_box.text() and c.notes_box.isVisibleTo(c)

    key(qtbot, c, Qt.Key.Key_Right)
    assert day.audience.current_page() == "prompt"
    key(qtbot, c, Qt.Key.Key_Right)
    assert day.audience.current_page() == "video"
    key(qtbot, c, Qt.Key.Key_Right)
    assert day.audience.current_page() == "break"
    key(qtbot, c, Qt.Key.Key_Left)
    assert day.audience.current_page() == "video"
    key(qtbot, c, Qt.Key.Key_Right)
    key(qtbot, c, Qt.Key.Key_Right)
    assert day.audience.current_page() == "prompt"  # ranking: its prompt until results
    assert c.results_button.isVisible()
    qtbot.mouseClick(c.results_button, Qt.MouseButton.LeftButton)
    assert day.audience.current_page() == "results"
    assert c.preview.current_page() == "results"
    key(qtbot, c, Qt.Key.Key_Right)
    assert day.audience.current_page() == "finished"

    key(qtbot, c, Qt.Key.Key_Space)  # nothing to start once the day is done
    assert day.runner.state == "finished"


def test_space_pauses_and_plus_adds_a_minute(day: Day, clock: FakeClock, qtbot) -> None:
    c = day.console
    key(qtbot, c, Qt.Key.Key_Space)
    clock.advance(60)
    key(qtbot, c, Qt.Key.Key_Space)
    assert day.runner.state == "paused"
    assert "Resume" in c.start_button.text()
    assert c.timer_words.text().startswith("Paused")
    key(qtbot, c, Qt.Key.Key_Plus)
    assert day.runner.status().step_planned == 11 * 60
    key(qtbot, c, Qt.Key.Key_Space)
    assert day.runner.state == "running"
    assert c.timer_digits.text() == "10:00"
    assert "+1 min added" in c.timer_of.text()


def test_b_blanks_the_audience_and_the_preview(day: Day, qtbot) -> None:
    c = day.console
    key(qtbot, c, Qt.Key.Key_Space)
    key(qtbot, c, Qt.Key.Key_B)
    assert day.audience.is_blank() and day.audience.current_page() == "blank"
    assert c.preview.current_page() == "blank"
    assert c.blank_button.isChecked() and "Show audience" in c.blank_button.text()
    key(qtbot, c, Qt.Key.Key_B)
    assert not day.audience.is_blank()
    assert day.audience.current_page() == "title"


def test_single_keys_type_into_a_text_field_but_alt_keys_still_work(day: Day,
                                                                    qtbot) -> None:
    field = day.field
    field.setFocus()
    qtbot.keyClicks(field, "b +")
    key(qtbot, field, Qt.Key.Key_Left)
    key(qtbot, field, Qt.Key.Key_Right)
    assert field.text() == "b +"
    assert day.runner.state == "not_started"
    assert not day.audience.is_blank()

    key(qtbot, field, Qt.Key.Key_Space, Qt.KeyboardModifier.AltModifier)
    assert day.runner.state == "running"
    key(qtbot, field, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert day.runner.current_index == 1
    key(qtbot, field, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert day.runner.current_index == 0
    key(qtbot, field, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    assert day.audience.is_blank()
    assert field.text() == "b +"


def test_space_on_a_focused_button_toggles_rather_than_clicking_it(day: Day, qtbot) -> None:
    c = day.console
    c.next_button.setFocus()
    key(qtbot, c.next_button, Qt.Key.Key_Space)
    assert day.runner.state == "running"
    assert day.runner.current_index == 0


def test_timer_shows_warnings_in_colour_and_words(day: Day, clock: FakeClock,
                                                  qtbot) -> None:
    c = day.console
    key(qtbot, c, Qt.Key.Key_Space)
    key(qtbot, c, Qt.Key.Key_Right)  # 20-minute discussion
    clock.advance(16 * 60 + 28)
    day.model.refresh()
    assert (c.timer_digits.text(), c.timer_of.text()) == ("03:32", "of 20:00")
    assert c.timer_words.text().startswith("Nearly time")
    assert c.timer_box.property("level") == "amber"
    clock.advance(3 * 60)
    day.model.refresh()
    assert c.timer_words.text().startswith("Wrap up")
    assert c.timer_box.property("level") == "red"
    # Red is a red (not vermillion beside amber), with white type on it.
    red = c.timer_box.palette().color(c.timer_box.backgroundRole())
    assert red.red() > 150 and red.green() < 60 and red.blue() < 80, red.name()
    assert c.timer_digits.palette().color(c.timer_digits.foregroundRole()).name() == "#ffffff"
    clock.advance(32 + 130)
    day.model.refresh()
    assert c.timer_digits.text() == "+02:10"
    assert c.timer_of.text() == "over · planned 20:00"
    assert c.timer_words.text() == "Over time by 02:10"  # in words, not colour alone
    # Welcome was cut short by ten minutes; the discussion is 2:10 over.
    assert c.day_label.text() == "Day: 8 min ahead"


def test_step_list_shows_plan_actual_and_markers(day: Day, clock: FakeClock, qtbot) -> None:
    c = day.console
    key(qtbot, c, Qt.Key.Key_Space)
    clock.advance(12 * 60)
    key(qtbot, c, Qt.Key.Key_Right)
    clock.advance(65)
    day.model.refresh()
    table = c.table
    assert [table.item(0, col).text() for col in range(4)] == ["✓", "Welcome and ground rules",
                                                             "10", "12 (+2)"]
    assert [table.item(1, col).text() for col in (0, 2, 3)] == ["▶", "20", "01:05"]
    assert table.item(2, 0).text() == ""
    assert c.day_label.text() == "Day: 2 min behind"
    table_row = table.visualItemRect(table.item(3, 1)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table_row)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table_row)
    assert day.runner.current_index == 3


def test_notes_per_table_follow_the_store_signal(day: Day, pack: SessionPack, qtbot) -> None:
    from facilitator.ui.common.store_signals import StoreSignals

    changes = StoreSignals(day.store, day.window)
    day.console.follow_store(changes)
    venue.save(day.store, pack, venue.VenueSettings("cardiff", 2, ("Table 1", "Table 2")))
    for _ in range(3):
        with qtbot.waitSignal(changes.changed, timeout=10_000):
            day.store.create("notes", {"site": "cardiff", "workshop": 2,
                                       "table_id": venue.table_id("cardiff", "Table 1"),
                                       "kind": "note", "text": "x",
                                       "noted_at": "2025-03-08T10:00:00Z"})
    # No timer polls: the count follows the store's change signal.
    qtbot.waitUntil(lambda: day.console.note_counts_label.text()
                    == "Notes arriving: T1 3 · T2 0", timeout=10_000)


def test_video_controls_show_only_on_video_steps(day: Day, qtbot) -> None:
    controls = QPushButton("Play")
    day.console.set_video_controls(controls)
    assert not controls.isVisibleTo(day.console)
    day.model.jump(3)
    day.model.start()
    assert controls.isVisibleTo(day.console)
    day.model.next()
    assert not controls.isVisibleTo(day.console)


def test_rehearsal_is_marked_on_console_and_audience(tmp_path: Path, pack: SessionPack,
                                                     clock: FakeClock, qtbot) -> None:
    session = Day(tmp_path / "practice.db", pack, clock, qtbot, rehearsal=True)
    try:
        assert session.console.rehearsal_badge.isVisible()
        assert session.audience.view.rehearsal_strip.isVisible()
        assert session.console.preview.rehearsal_strip.isVisibleTo(session.console)
    finally:
        session.close()


def test_reopening_the_app_returns_to_the_same_step_and_time(
        tmp_path: Path, pack: SessionPack, clock: FakeClock, qtbot) -> None:
    path = tmp_path / "facilitator.db"
    first = Day(path, pack, clock, qtbot)
    key(qtbot, first.console, Qt.Key.Key_Space)
    clock.advance(9 * 60)
    key(qtbot, first.console, Qt.Key.Key_Right)
    clock.advance(5 * 60)
    key(qtbot, first.console, Qt.Key.Key_Plus)
    first.close()  # the app is closed (or the laptop dies) mid-discussion

    clock.advance(2 * 60)
    second = Day(path, pack, clock, qtbot)
    try:
        assert second.runner.state == "running"
        assert second.console.now_title.text() == "Table discussion"
        # 5 minutes before the close and 2 while closed, of 20 + 1 minutes.
        assert second.console.timer_digits.text() == "14:00"
        assert second.audience.current_page() == "card"
        assert second.console.table.item(0, 3).text() == "9 (-1)"
    finally:
        second.close()


def test_a_step_change_takes_a_snapshot_that_is_a_valid_database(
        tmp_path: Path, pack: SessionPack, clock: FakeClock, qtbot) -> None:
    folder = tmp_path / "snapshots"
    session = Day(tmp_path / "facilitator.db", pack, clock, qtbot, snapshot_folder=folder)
    try:
        with qtbot.waitSignal(session.model.snapshot_taken) as taken:
            key(qtbot, session.console, Qt.Key.Key_Space)
        path = Path(taken.args[0])
        assert snapshots(folder, "facilitator") == [path]
        with qtbot.waitSignal(session.model.snapshot_taken):
            key(qtbot, session.console, Qt.Key.Key_Right)
        assert len(snapshots(folder, "facilitator")) == 2
        # Fifteen minutes on, the schedule takes another without a step change.
        clock.advance(15 * 60)
        with qtbot.waitSignal(session.model.snapshot_taken, timeout=10_000):
            session.model.tick()
        latest = snapshots(folder, "facilitator")[-1]
        conn = sqlite3.connect(latest)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            events = [row[0] for row in conn.execute(
                "SELECT event FROM step_events ORDER BY seq")]
        finally:
            conn.close()
        assert events == ["started", "ended", "started"]
    finally:
        session.close()


def test_venue_dialog_defaults_and_validation(pack: SessionPack, qtbot) -> None:
    dialog = VenueSetupDialog(pack)
    qtbot.addWidget(dialog)
    in_person = [w.number for w in pack.workshops if w.in_person]
    shown = [dialog.workshop_combo.itemData(i) for i in range(dialog.workshop_combo.count())]
    assert shown == in_person
    dialog.all_workshops.setChecked(True)
    assert dialog.workshop_combo.count() == len(pack.workshops)
    dialog.site_combo.setCurrentIndex(dialog.site_combo.findData("durham"))
    assert dialog.table_names() == pack.site("durham").tables
    dialog.add_table()
    dialog.table_list.item(dialog.table_list.count() - 1).setText("Window table")
    dialog.rehearsal_check.setChecked(True)
    settings = dialog.settings()
    assert settings.site_id == "durham"
    assert settings.tables[-1] == "Window table"
    assert dialog.rehearsal()
    dialog.table_list.item(0).setText("Window table")  # now two tables share a name
    dialog.accept()
    assert dialog.result() == 0 and "two tables" in dialog.error_label.text()


def test_venue_dialog_shows_current_settings(pack: SessionPack, qtbot) -> None:
    current = venue.VenueSettings("london", 2, ("North", "South"))
    dialog = VenueSetupDialog(pack, current, rehearsal=False)
    qtbot.addWidget(dialog)
    assert dialog.settings() == current
    assert not dialog.rehearsal()


def test_every_console_button_works_when_clicked(day: Day, clock: FakeClock, qtbot) -> None:
    c = day.console
    click = Qt.MouseButton.LeftButton
    qtbot.mouseClick(c.start_button, click)
    assert day.runner.state == "running"
    qtbot.mouseClick(c.start_button, click)
    assert day.runner.state == "paused"
    qtbot.mouseClick(c.start_button, click)
    qtbot.mouseClick(c.next_button, click)
    assert day.runner.current_index == 1
    qtbot.mouseClick(c.prev_button, click)
    assert day.runner.current_index == 0
    before = day.model.status.step_planned
    qtbot.mouseClick(c.plus1_button, click)
    qtbot.mouseClick(c.plus5_button, click)
    assert day.model.status.step_planned == before + 6 * 60
    qtbot.mouseClick(c.skip_button, click)
    assert day.runner.current_index == 1 and day.model.status.outcomes[0] == "skipped"
    qtbot.mouseClick(c.blank_button, click)
    assert day.audience.current_page() == "blank" and c.blank_button.isChecked()
    qtbot.mouseClick(c.blank_button, click)
    assert day.audience.current_page() != "blank"
    # The audience window button once handed clicked()'s False to place() as its screens.
    qtbot.mouseClick(c.audience_button, click)
    assert day.audience.isVisible() and day.audience.target_screen is None
