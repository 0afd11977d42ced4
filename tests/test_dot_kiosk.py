"""The dot-voting kiosk driven as participants would: taps on + and −, the keyboard,
Submit explaining what is missing, and one sheet per participant."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from test_advice import BIAS, OVERSIGHT, TRANSPARENCY, advice_note, participant

from facilitator.core import advice
from facilitator.ui.kiosk.dot_kiosk import DotVotingWindow

SCREENS = Path("/work/notes/screens")


@pytest.fixture
def kiosk(qtbot, store, default_pack):
    store.set_setting("site", "cardiff")
    a = advice_note(store, "cardiff", "Publish a register of every AI tool in use",
                    TRANSPARENCY)
    b = advice_note(store, "durham", "Tell rural communities which tools are used",
                    TRANSPARENCY)
    combo = advice.combine(store, default_pack, [a, b],
                           "A public register of AI tools, in Welsh and English")["id"]
    items = {
        "combo": combo,
        "watchdog": advice_note(store, "london", "An independent watchdog with powers to "
                                "stop a tool", OVERSIGHT),
        "bias": advice_note(store, "cardiff", "Test 999 call triage for accents first",
                            BIAS),
    }
    people = {code: participant(store, "cardiff", code) for code in ("CDF-01", "CDF-02")}
    window = DotVotingWindow(store, default_pack, "Caerdydd")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window, store, default_pack, items, people


def tap(qtbot, window: DotVotingWindow, item_id: str, button: str = "plus") -> None:
    row = window.row_for(item_id)
    qtbot.mouseClick(getattr(row, button), Qt.MouseButton.LeftButton)


def test_tapping_dots_and_submitting(qtbot, kiosk):
    window, store, pack, items, _people = kiosk
    assert [r.item.id for r in window.rows][0] == items["watchdog"]  # theme order
    assert len(window.rows) == 3  # the originals of the combination are not on it
    tap(qtbot, window, items["combo"])
    tap(qtbot, window, items["combo"])
    tap(qtbot, window, items["combo"])  # a third is refused: at most 2 on one item
    assert window.row_for(items["combo"]).dots == 2
    assert not window.row_for(items["combo"]).plus.isEnabled()
    assert window.row_for(items["combo"]).shown.text() == "●●"
    assert "1 of 3 dots left" in window.remaining.text()
    qtbot.mouseClick(window.submit_button, Qt.MouseButton.LeftButton)
    assert "place 1 more dot" in window.missing.text()
    assert store.count("priorities") == 0
    tap(qtbot, window, items["bias"])
    assert not window.row_for(items["watchdog"]).plus.isEnabled()  # all dots placed
    tap(qtbot, window, items["bias"], "minus")
    tap(qtbot, window, items["watchdog"])
    with qtbot.waitSignal(window.dots_cast, timeout=10_000):
        qtbot.mouseClick(window.submit_button, Qt.MouseButton.LeftButton)
    assert window.current_page() == "thanks"
    counts = advice.tallies(store)
    assert counts.by_site["cardiff"] == {items["combo"]: advice.ItemTally(2, 1),
                                         items["watchdog"]: advice.ItemTally(1, 1)}
    window.next_voter()
    assert window.current_page() == "vote" and window.placed() == 0
    assert window.code.text() == ""


def test_keyboard_only(qtbot, kiosk):
    window, store, _pack, items, _people = kiosk
    first = window.rows[0]
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Plus)
    qtbot.keyClick(first, Qt.Key.Key_Down)
    second = window.rows[1]
    assert second.hasFocus()
    qtbot.keyClick(second, Qt.Key.Key_Right)
    qtbot.keyClick(second, Qt.Key.Key_Right)
    qtbot.keyClick(second, Qt.Key.Key_Left)
    qtbot.keyClick(second, Qt.Key.Key_Down)
    qtbot.keyClick(window.rows[2], Qt.Key.Key_Plus)
    assert [r.dots for r in window.rows] == [1, 1, 1]
    with qtbot.waitSignal(window.dots_cast, timeout=10_000):
        qtbot.keyClick(window.rows[2], Qt.Key.Key_Return)
    assert advice.tallies(store).sheets == 1
    # Closed during the thank-you page: the next-person timer stops with it.
    assert window.thanks_timer.isActive()
    window.close()
    assert not window.thanks_timer.isActive()


def test_a_participant_has_one_sheet(qtbot, kiosk):
    window, store, _pack, items, _people = kiosk

    def vote(code: str) -> None:
        window.code.setText(code)
        tap(qtbot, window, items["bias"])
        tap(qtbot, window, items["bias"])
        tap(qtbot, window, items["watchdog"])
        qtbot.mouseClick(window.submit_button, Qt.MouseButton.LeftButton)

    vote("cdf-01")
    assert window.current_page() == "thanks"
    window.next_voter()
    vote("XYZ-99")
    assert "XYZ-99 is not on the list" in window.missing.text()
    window.clear_dots()
    tap(qtbot, window, items["combo"])
    tap(qtbot, window, items["combo"])
    tap(qtbot, window, items["watchdog"])
    window.code.setText("CDF-01")
    qtbot.mouseClick(window.submit_button, Qt.MouseButton.LeftButton)
    assert "CDF-01 has already put their dots" in window.missing.text()
    assert advice.tallies(store).sheets == 1


def test_screenshot_of_the_dot_kiosk(qtbot, kiosk):
    window, _store, _pack, items, _people = kiosk
    tap(qtbot, window, items["combo"])
    tap(qtbot, window, items["combo"])
    window.rows[1].setFocus()
    SCREENS.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(SCREENS / "dot-kiosk.png"))


def test_enter_presses_the_focused_button_and_a_row_submits(qtbot, kiosk):
    window, store, _pack, items, _people = kiosk
    tap(qtbot, window, items["combo"])
    tap(qtbot, window, items["combo"])
    window.start_again.setFocus()
    qtbot.keyClick(window.start_again, Qt.Key.Key_Return)  # Start again, not Submit
    assert window.placed() == 0 and advice.tallies(store).sheets == 0
    for item in ("combo", "watchdog", "bias"):
        tap(qtbot, window, items[item])
    window.submit_button.setFocus()
    qtbot.keyClick(window.submit_button, Qt.Key.Key_Enter)
    assert window.current_page() == "thanks" and advice.tallies(store).sheets == 1
    qtbot.keyClick(window.next_button, Qt.Key.Key_Space)
    assert window.current_page() == "vote" and window.placed() == 0


def test_leaving_the_dot_kiosk_asks_for_the_pin(qtbot, kiosk):
    from facilitator.core import venue

    window, store, _pack, _items, _people = kiosk
    venue.set_pin(store, "4827")
    with qtbot.assertNotEmitted(window.left):
        qtbot.keyClick(window.rows[0], Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
        assert window.stack.currentWidget() is window.pin_gate
        qtbot.keyClicks(window.pin_gate.edit, "1111")
        qtbot.keyClick(window.pin_gate.edit, Qt.Key.Key_Return)
        qtbot.mouseClick(window.pin_gate.cancel_button, Qt.MouseButton.LeftButton)
    assert window.current_page() == "vote" and window.isVisible()
    qtbot.keyClick(window.rows[0], Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(window.pin_gate.edit, "4827")
    with qtbot.waitSignal(window.left, timeout=10_000):
        qtbot.keyClick(window.pin_gate.edit, Qt.Key.Key_Return)


@pytest.mark.parametrize("size", [(1366, 768), (1093, 614)])
def test_the_dot_kiosk_fits_a_laptop(qtbot, kiosk, size):
    window, *_ = kiosk
    window.resize(*size)
    qtbot.wait(50)
    assert window.minimumSizeHint().width() <= size[0]
    assert window.minimumSizeHint().height() <= size[1]
    for widget in (window.submit_button, window.start_again, window.code):
        corner = widget.mapTo(window, widget.rect().bottomRight())
        assert corner.x() <= size[0] and corner.y() <= size[1], widget.objectName()
    window.show_kiosk()
    assert window.isFullScreen()
