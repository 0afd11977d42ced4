"""A whole workshop day played through the real app by real input: clicks and keys on
the widgets people see, then what they expect to follow.

Venue set-up (site chosen, PIN set) → roster import → check-in by code → the agenda
with a video step → notes, quotes and advice by keyboard and mouse → the kiosk for
three participants, one of whom tries to overwrite another's ballot → results revealed
→ advice prioritised at the dot kiosk and shown → the site data file exported.
"""

from __future__ import annotations

from pathlib import Path

from fakes import FakeClock
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton
from test_capture import type_text
from test_kiosk import ROSTER, tap

from facilitator.app import FacilitatorApp
from facilitator.core import advice, ballots, held, notes, venue
from facilitator.core.notes import NoteFilter
from facilitator.core.paths import resolve
from facilitator.core.roster import participant_id
from facilitator.ui.kiosk.kiosk_language import language_buttons
from facilitator.ui.venue.venue_dialog import VenueSetupDialog

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
PIN = "2580"


def _back_to(qtbot, window) -> None:
    """The kiosk closed: the main window takes the keys again (a window manager would
    give it the focus; the offscreen platform needs telling)."""
    window.raise_()
    window.activateWindow()
    if not window.isActiveWindow():
        QApplication.setActiveWindow(window)
    qtbot.waitUntil(window.isActiveWindow, timeout=10_000)


def click(qtbot, widget) -> None:
    assert widget is not None and widget.isVisible() and widget.isEnabled(), widget
    qtbot.mouseClick(widget, LEFT)


def test_a_whole_workshop_day_by_real_input(qtbot, tmp_path: Path, default_pack) -> None:
    clock = FakeClock()
    # As `facilitator` launches it: the day's console follows the window's first paint.
    app = FacilitatorApp(resolve(str(tmp_path / "day.db"), None), ask_venue=False,
                         show_audience=False, clock=clock, defer_day=True)
    try:
        _play_the_day(qtbot, app, clock, tmp_path, default_pack)
    finally:
        app.shut_down()
        QApplication.processEvents()


def _play_the_day(qtbot, app: FacilitatorApp, clock: FakeClock, tmp_path: Path,
                  pack) -> None:
    window = app.window
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()

    # -- the venue: the site is chosen (never assumed) and a PIN set ------------------
    def fill_venue() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, VenueSetupDialog)
        dialog.site_combo.setFocus()
        qtbot.keyClick(dialog.site_combo, Qt.Key.Key_Down)  # Choose the site… → Cardiff
        assert dialog.site_combo.currentData() == "cardiff"
        assert dialog.workshop_combo.currentData() == 2
        qtbot.keyClicks(dialog.pin_edit, PIN)
        qtbot.keyClicks(dialog.pin_again, PIN)
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, LEFT)

    QTimer.singleShot(50, fill_venue)
    click(qtbot, window.setup_page.findChild(QPushButton, "setup_button"))
    window = app.window  # the day's window, rebuilt on the new venue
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: app.console is not None, timeout=10_000)
    assert app.model.workshop.number == 2
    with qtbot.waitActive(window):
        window.activateWindow()
    store = app.store
    assert venue.check_pin(store, PIN)

    # -- participants arrive: import the recruiter's list, tick people in by code -----
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    window.files.import_roster_file(roster)  # what File → Import → Participants runs
    qtbot.waitUntil(lambda: window.files.last_import is not None, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_I, CTRL_SHIFT)  # Voting → Check-in
    checkin = window.votes.checkin
    qtbot.waitUntil(lambda: checkin.table.rowCount() == 4, timeout=5000)
    assert "No participants" not in checkin.feedback.text()
    for code in ("cdf-01", "CDF-02", "CDF-04"):
        qtbot.keyClicks(checkin.search, code)
        qtbot.keyClick(checkin.search, Qt.Key.Key_Return)
    assert sum(ballots.attendance_for(store, "cardiff", 2).values()) == 3

    # -- the agenda: Space starts, → moves on, the video plays on the projector -------
    window.show_page("console")
    console = app.console
    console.setFocus()
    qtbot.keyClick(console, Qt.Key.Key_Space)
    assert app.model.status.state == "running"
    clock.advance(60)
    qtbot.keyClick(console, Qt.Key.Key_Right)
    click(qtbot, console.next_button)
    assert app.model.status.step.kind == "video"
    assert app.audience.current_page() == "video"
    click(qtbot, console.next_button)
    assert app.audience.current_page() in ("card", "title")

    # -- notes and quotes, by keyboard and mouse ---------------------------------------
    qtbot.waitUntil(lambda: app.notes is not None, timeout=5000)
    capture = app.notes.capture
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL_SHIFT)  # View → Capture notes
    qtbot.waitUntil(capture.edit.hasFocus, timeout=10_000)
    type_text(capture.edit, "Table 2 worry about who checks the summaries")
    qtbot.keyClick(capture.edit, Qt.Key.Key_Return)
    click(qtbot, capture.kind_buttons["quote"])
    type_text(capture.edit, "I'd trust it if a person signed it off")
    qtbot.keyClick(capture.edit, Qt.Key.Key_Return)
    qtbot.keyClick(capture.edit, Qt.Key.Key_Apostrophe, CTRL)
    type_text(capture.edit, "It saves them hours, fine by me")
    qtbot.keyClick(capture.edit, Qt.Key.Key_Return)
    qtbot.keyClick(capture.edit, Qt.Key.Key_Semicolon, CTRL)
    type_text(capture.edit, "Publish every AI tool a force uses")
    qtbot.keyClick(capture.edit, Qt.Key.Key_Return)
    click(qtbot, capture.kind_buttons["advice"])
    type_text(capture.edit, "An independent body audits each tool")
    qtbot.keyClick(capture.edit, Qt.Key.Key_Return)
    saved = notes.search_notes(store, NoteFilter(site="cardiff"))
    assert sorted(n["kind"] for n in saved) == ["advice", "advice", "note", "quote", "quote"]
    assert all(n["step_id"] == "w2-summarising-card" for n in saved)

    # -- the kiosk: three participants; one tries to overwrite another's ballot --------
    qtbot.keyClick(window, Qt.Key.Key_K, CTRL_SHIFT)  # Voting → Ballot kiosk
    controls = window.votes.kiosk_controls
    controls.workshop_box.setCurrentIndex(controls.workshop_box.findData(2))
    click(qtbot, controls.open_button)
    kiosk = controls.kiosk
    assert kiosk is not None
    qtbot.addWidget(kiosk)
    qtbot.waitUntil(kiosk.isFullScreen, timeout=10_000)
    firsts: dict[str, list[str]] = {}
    for code, order in (("CDF-01", [0, 1, 2, 3, 4, 5]), ("CDF-02", [5, 4, 3, 2, 1, 0]),
                        ("CDF-01", [2, 0, 1, 5, 4, 3]), ("CDF-04", [1, 0, 2, 3, 5, 4])):
        if kiosk.current_page() == "language":  # each ballot starts with Cymraeg / English
            english = language_buttons(kiosk.pages["language"])["en"]
            english.setFocus()
            qtbot.keyClick(english, Qt.Key.Key_Return)
        assert kiosk.current_page() == "ballot"
        qtbot.keyClicks(kiosk.ballot_page.code, code)
        wanted = [kiosk.board.order[i] for i in order]
        for use_case in wanted:
            tap(qtbot, kiosk.board, use_case)
        kiosk.ballot_page.submit.setFocus()
        qtbot.keyClick(kiosk.ballot_page.submit, Qt.Key.Key_Return)  # Enter presses the focused button
        assert kiosk.current_page() == "confirm"
        click(qtbot, kiosk.confirm_page.cast_button)
        assert kiosk.current_page() == "thanks"
        firsts.setdefault(code, wanted)
        click(qtbot, kiosk.thanks_page.next_button)
        assert kiosk.ballot_page.code.text() == "" and all(p is None for p in kiosk.board.places)
    assert len(store.rows("ballots", "deleted = 0")) == 3
    counted = ballots.ballot_for(store, participant_id("cardiff", "CDF-01"), 2)
    assert ballots.ranking_of(counted) == tuple(firsts["CDF-01"])  # not overwritten
    # The facilitator decides on the console: the earlier ballot stands.
    [waiting] = held.pending(store, "cardiff")
    qtbot.waitUntil(lambda: controls.held.findChild(QPushButton, "held_keep") is not None,
                    timeout=10_000)
    click(qtbot, controls.held.findChild(QPushButton, "held_keep"))
    assert held.pending(store) == []
    # Leaving the kiosk needs the PIN.
    qtbot.keyClick(kiosk.board, Qt.Key.Key_X, CTRL_SHIFT)
    qtbot.keyClicks(kiosk.pin_gate.edit, PIN)
    with qtbot.waitSignal(kiosk.left, timeout=10_000):
        qtbot.keyClick(kiosk.pin_gate.edit, Qt.Key.Key_Return)

    _back_to(qtbot, window)  # the facilitator is back at the main window

    # -- the results, revealed to the room ---------------------------------------------
    qtbot.keyClick(window, Qt.Key.Key_R, CTRL_SHIFT)  # Voting → Results
    results = window.votes.results
    qtbot.waitUntil(lambda: "3 ballots counted" in results.summary.text(), timeout=5000)
    click(qtbot, results.reveal_button)
    assert app.audience.current_page() == "results"
    shown = results.audience_chart.text_summary()
    assert "3 ballots" in shown and "Borda" not in shown and "Schulze" not in shown
    click(qtbot, results.reveal_button)
    assert app.audience.current_page() != "results"

    # -- advice prioritised at the dot kiosk, then shown -------------------------------
    qtbot.waitUntil(lambda: window._advice is not None, timeout=5000)
    window.advice.kiosk_action.trigger()  # Advice → Dot voting kiosk
    dots = window.advice.kiosk
    assert dots is not None
    qtbot.addWidget(dots)
    qtbot.waitUntil(dots.isFullScreen, timeout=10_000)
    if dots.stack.currentWidget() is dots.language_page:
        click(qtbot, language_buttons(dots.language_page)["cy"])  # this voter: Cymraeg
    assert len(dots.rows) == 2
    for _ in range(pack.dot_allowance):
        row = dots.rows[0] if dots.rows[0].dots < pack.dot_cap else dots.rows[1]
        click(qtbot, row.plus)
    click(qtbot, dots.submit_button)
    assert dots.current_page() == "thanks" and advice.tallies(store).sheets == 1
    qtbot.keyClick(dots.rows[0], Qt.Key.Key_X, CTRL_SHIFT)
    qtbot.keyClicks(dots.pin_gate.edit, PIN)
    with qtbot.waitSignal(dots.left, timeout=10_000):
        qtbot.keyClick(dots.pin_gate.edit, Qt.Key.Key_Return)
    _back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL_SHIFT)  # Show the priorities
    assert app.audience.advice_shown() and app.audience.current_page() == "advice"
    qtbot.waitUntil(lambda: "dots" in app.audience.view.advice_list.text(), timeout=5000)
    assert "An independent body audits each tool" in app.audience.view.advice_list.text()

    # -- the site data file ------------------------------------------------------------
    out = tmp_path / "cardiff.pdf"
    exports = window.files.exports
    exports.ask_path = lambda _title, _suggested: str(out)
    exports.review = lambda _hits: True
    with qtbot.waitSignal(exports.exported, timeout=60_000):
        window.files.export_site_action.trigger()
    assert out.exists() and out.stat().st_size > 1000
