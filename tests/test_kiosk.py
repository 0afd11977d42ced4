"""The ballot kiosk driven as participants and the facilitator would: drag, tap, keys."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from facilitator.core import ballots, held, venue
from facilitator.core.pack import SessionPack
from facilitator.core.roster import import_roster, participant_id
from facilitator.core.store import Store
from facilitator.ui.kiosk.held_view import HeldBallotsView
from facilitator.ui.kiosk.kiosk import KioskWindow, RankingBoard
from facilitator.ui.kiosk.kiosk_control import KioskControlPanel
from facilitator.ui.kiosk.kiosk_language import language_buttons

ROSTER = (
    "\ufeffcode,site,gender,age_band,ethnicity,area,seg,lgbtqia,trust_police,ai_opinion,"
    "quote_consent\n"
    "CDF-01,Cardiff,Woman,25-34,White British,Urban,AB,no,2,4,yes\n"
    "CDF-02,Caerdydd,Man,55+,Black British,Village/Rural,DE,no,5,1,no\n"
    "CDF-03,Cardiff,Woman,18-24,Asian/Asian British,Urban,C1,Gay,3,3,\n"
    "CDF-04,Cardiff,Man,65+,White British,Small town/Suburban,C2,no,1,2,yes\n"
    "DUR-01,Durham,Woman,45-54,White British,Village/Rural,AB,no,4,5,yes\n"
)

PIN = "4827"


def load_roster(store: Store, pack: SessionPack, tmp_path: Path) -> None:
    """Participants as a recruiter's spreadsheet has them (BOM, screener wording)."""
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    import_roster(store, pack, path)


def centre(board: RankingBoard, rect) -> QPoint:  # type: ignore[no-untyped-def]
    return rect.center().toPoint()


def tap(qtbot, board: RankingBoard, use_case: str) -> None:
    qtbot.mouseClick(board, Qt.MouseButton.LeftButton,
                     pos=centre(board, board.card_rect(use_case)))


def drag(qtbot, board: RankingBoard, use_case: str, place: int) -> None:
    """Press on the card, move in steps to the place, release: no QDrag involved."""
    start = centre(board, board.card_rect(use_case))
    end = centre(board, board.slot_rect(place))
    qtbot.mousePress(board, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, 6):
        qtbot.mouseMove(board, start + (end - start) * i / 5)
    qtbot.mouseRelease(board, Qt.MouseButton.LeftButton, pos=end)


def answer_dialog(qtbot, button_text: str, timeout_ms: int = 5000) -> list[str]:
    """Click ``button_text`` on the next message box that opens; returns its texts."""
    seen: list[str] = []
    timer = QTimer()
    timer.setInterval(30)
    waited = [0]

    def poll() -> None:
        waited[0] += 30
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                seen.append(widget.text() + "\n" + widget.informativeText())
                for button in widget.findChildren(QPushButton):
                    if button.text().replace("&", "") == button_text:
                        timer.stop()
                        button.click()
                        return
        if waited[0] > timeout_ms:
            timer.stop()
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, QMessageBox):
                    widget.reject()  # never hang the suite on a dialog nobody answers

    timer.timeout.connect(poll)
    timer.start()
    qtbot._answer_timer = timer  # kept alive for the test's duration
    return seen


@pytest.fixture
def kiosk_factory(store: Store, default_pack: SessionPack, qtbot, tmp_path: Path
                  ) -> Callable[..., KioskWindow]:
    load_roster(store, default_pack, tmp_path)
    venue.set_pin(store, PIN)
    ballots.set_voting(store, "cardiff", 2, True)

    def make(seed: int = 7) -> KioskWindow:
        kiosk = KioskWindow(store, default_pack, "cardiff", 2, rng=random.Random(seed))
        qtbot.addWidget(kiosk)
        kiosk.resize(1600, 900)
        with qtbot.waitExposed(kiosk):
            kiosk.show()
        kiosk.board.setFocus()
        return kiosk

    return make


def saved_rankings(store: Store) -> list[tuple[str, ...]]:
    return [ballots.ranking_of(b) for b in store.rows("ballots", "deleted = 0")]


def confirm(qtbot, kiosk: KioskWindow) -> None:
    qtbot.mouseClick(kiosk.ballot_page.submit, Qt.MouseButton.LeftButton)
    assert kiosk.current_page() == "confirm"
    qtbot.mouseClick(kiosk.confirm_page.cast_button, Qt.MouseButton.LeftButton)


def test_a_ballot_by_dragging_every_card(kiosk_factory, store: Store, qtbot) -> None:
    kiosk = kiosk_factory()
    board = kiosk.board
    wanted = list(reversed(board.order))
    for place, use_case in enumerate(wanted, start=1):
        drag(qtbot, board, use_case, place)
        assert board.place_of(use_case) == place
    # Dragging a placed card onto another place swaps the two.
    drag(qtbot, board, wanted[0], 2)
    assert board.places[:2] == [wanted[1], wanted[0]]
    drag(qtbot, board, wanted[0], 1)
    assert board.ranking() == wanted
    confirm(qtbot, kiosk)
    assert saved_rankings(store) == [tuple(wanted)]
    ballot = store.rows("ballots")[0]
    assert ballot["source"] == "kiosk" and ballot["participant_id"] is None
    assert kiosk.current_page() == "thanks"


def test_a_ballot_by_tapping_cards_in_order(kiosk_factory, store: Store, qtbot) -> None:
    kiosk = kiosk_factory()
    board = kiosk.board
    wanted = [board.order[i] for i in (3, 0, 5, 1, 4, 2)]
    for use_case in wanted:
        tap(qtbot, board, use_case)
    assert board.ranking() == wanted
    # Tapping a placed card takes it out; tapping it again puts it in the free place.
    tap(qtbot, board, wanted[2])
    assert board.place_of(wanted[2]) is None and not kiosk.ballot_page.submit.isEnabled()
    tap(qtbot, board, wanted[2])
    assert board.ranking() == wanted
    confirm(qtbot, kiosk)
    assert saved_rankings(store) == [tuple(wanted)]


def test_a_ballot_by_keyboard_alone(kiosk_factory, store: Store, qtbot) -> None:
    kiosk = kiosk_factory()
    board = kiosk.board
    assert board.hasFocus()
    first = board.current
    # Number keys place the highlighted card; the highlight moves on to the next card.
    for key in (Qt.Key.Key_6, Qt.Key.Key_5, Qt.Key.Key_4):
        qtbot.keyClick(board, key)
    placed = [board.places[5], board.places[4], board.places[3]]
    assert placed[0] == first and None not in placed
    # Arrows move the highlight; Enter gives the highlighted card the next free place.
    qtbot.keyClick(board, Qt.Key.Key_Right)
    chosen = board.current
    qtbot.keyClick(board, Qt.Key.Key_Return)
    assert board.place_of(chosen) == 1
    qtbot.keyClick(board, Qt.Key.Key_2)
    qtbot.keyClick(board, Qt.Key.Key_3)
    ranking = board.ranking()
    assert ranking is not None
    # Ctrl+Up moves a placed card up one place.
    board.current = ranking[2]
    qtbot.keyClick(board, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    expected = [ranking[0], ranking[2], ranking[1], *ranking[3:]]
    assert board.ranking() == expected
    # Tab reaches Submit; Space presses it, then Space casts on the confirmation screen.
    qtbot.keyClick(board, Qt.Key.Key_Tab)
    assert kiosk.ballot_page.submit.hasFocus()
    qtbot.keyClick(kiosk.ballot_page.submit, Qt.Key.Key_Space)
    assert kiosk.current_page() == "confirm"
    assert [row.text() for row in kiosk.confirm_page.confirm_rows] == [
        board.titles[uc] for uc in expected]
    assert kiosk.confirm_page.cast_button.hasFocus()
    qtbot.keyClick(kiosk.confirm_page.cast_button, Qt.Key.Key_Space)
    assert saved_rankings(store) == [tuple(expected)]


def test_submit_is_refused_and_says_what_is_missing(kiosk_factory, store: Store,
                                                    qtbot) -> None:
    kiosk = kiosk_factory()
    board = kiosk.board
    assert not kiosk.ballot_page.submit.isEnabled()
    assert "none placed" in kiosk.ballot_page.missing.text()
    for use_case in board.order[:5]:
        tap(qtbot, board, use_case)
    last = board.order[5]
    assert not kiosk.ballot_page.submit.isEnabled()
    missing = kiosk.ballot_page.missing.text()
    assert "1 more" in missing and board.titles[last] in missing
    qtbot.mouseClick(kiosk.ballot_page.submit, Qt.MouseButton.LeftButton)
    kiosk.review()  # even called directly, an incomplete ballot goes nowhere
    assert kiosk.current_page() == "ballot" and store.rows("ballots") == []
    tap(qtbot, board, last)
    assert kiosk.ballot_page.submit.isEnabled()
    assert "All six placed" in kiosk.ballot_page.missing.text()


def test_the_kiosk_clears_and_shuffles_for_the_next_person(kiosk_factory, store: Store,
                                                           qtbot) -> None:
    kiosk = kiosk_factory()
    orders = []
    for _ in range(4):
        board = kiosk.board
        orders.append(tuple(board.order))
        qtbot.keyClicks(kiosk.ballot_page.code, "CDF-01" if not orders[:-1] else "")
        kiosk.ballot_page.code.clear()
        for use_case in board.order:
            tap(qtbot, board, use_case)
        confirm(qtbot, kiosk)
        assert kiosk.current_page() == "thanks"
        # Nothing of the previous ballot is left anywhere on the kiosk.
        assert board.places == [None] * 6 and kiosk.ballot_page.code.text() == ""
        assert all(row.text() == "" for row in kiosk.confirm_page.confirm_rows)
        qtbot.mouseClick(kiosk.thanks_page.next_button, Qt.MouseButton.LeftButton)
        assert kiosk.current_page() == "ballot"
    assert len(set(orders)) > 1
    assert len(store.rows("ballots")) == 4


def test_the_thanks_screen_returns_to_a_new_ballot_by_itself(kiosk_factory, qtbot) -> None:
    kiosk = kiosk_factory()
    kiosk.thanks_timer.setInterval(50)
    for use_case in kiosk.board.order:
        tap(qtbot, kiosk.board, use_case)
    confirm(qtbot, kiosk)
    qtbot.waitUntil(lambda: kiosk.current_page() == "ballot", timeout=10_000)


def test_a_participant_code_is_recorded_and_checked(kiosk_factory, store: Store,
                                                    default_pack: SessionPack, qtbot) -> None:
    kiosk = kiosk_factory()
    qtbot.keyClicks(kiosk.ballot_page.code, "cdf-02")
    for use_case in kiosk.board.order:
        tap(qtbot, kiosk.board, use_case)
    qtbot.mouseClick(kiosk.ballot_page.submit, Qt.MouseButton.LeftButton)
    assert "CDF-02" in kiosk.confirm_page.confirm_who.text()
    qtbot.mouseClick(kiosk.confirm_page.cast_button, Qt.MouseButton.LeftButton)
    ballot = ballots.ballot_for(store, participant_id("cardiff", "CDF-02"), 2)
    assert ballot is not None and ballot["source"] == "kiosk"

    # A code from another site, or one not on the roster, is refused with a reason.
    qtbot.mouseClick(kiosk.thanks_page.next_button, Qt.MouseButton.LeftButton)
    for code in ("DUR-01", "CDF-99"):
        kiosk.ballot_page.code.clear()
        qtbot.keyClicks(kiosk.ballot_page.code, code)
        for use_case in kiosk.board.order:
            if kiosk.board.place_of(use_case) is None:
                tap(qtbot, kiosk.board, use_case)
        qtbot.mouseClick(kiosk.ballot_page.submit, Qt.MouseButton.LeftButton)
        assert kiosk.current_page() == "ballot"
        missing = kiosk.ballot_page.missing.text()
        assert code in missing and "not on the list" in missing
    assert len(store.rows("ballots")) == 1


def _vote(qtbot, kiosk: KioskWindow, code: str, order: list[int]) -> list[str]:
    kiosk.ballot_page.code.clear()
    qtbot.keyClicks(kiosk.ballot_page.code, code)
    wanted = [kiosk.board.order[i] for i in order]
    for use_case in wanted:
        tap(qtbot, kiosk.board, use_case)
    qtbot.mouseClick(kiosk.ballot_page.submit, Qt.MouseButton.LeftButton)
    return wanted


def test_a_second_ballot_is_held_for_the_facilitator_never_decided_at_the_kiosk(
        kiosk_factory, store: Store, default_pack: SessionPack, qtbot) -> None:
    kiosk = kiosk_factory()
    pid = participant_id("cardiff", "CDF-01")
    first = _vote(qtbot, kiosk, "CDF-01", [0, 1, 2, 3, 4, 5])
    qtbot.mouseClick(kiosk.confirm_page.cast_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.thanks_page.next_button, Qt.MouseButton.LeftButton)

    # Someone types CDF-01 again: no question on the kiosk, the ballot is held.
    seen = answer_dialog(qtbot, "Replace the earlier ballot", timeout_ms=300)
    second = _vote(qtbot, kiosk, "CDF-01", [5, 4, 3, 2, 1, 0])
    with qtbot.waitSignal(kiosk.ballot_held, timeout=10_000):
        qtbot.mouseClick(kiosk.confirm_page.cast_button, Qt.MouseButton.LeftButton)
    qtbot.wait(400)
    assert seen == []  # nothing was asked of whoever stands at the kiosk
    assert kiosk.current_page() == "thanks" and "facilitator" in kiosk.thanks_page.thanks_heading.text()
    kept = ballots.ballot_for(store, pid, 2)
    assert kept is not None and ballots.ranking_of(kept) == tuple(first)
    # The kiosk is clean for the next person: no code, no cards, no order.
    assert kiosk.ballot_page.code.text() == "" and kiosk.board.places == [None] * 6
    assert all(not row.text() for row in kiosk.confirm_page.confirm_rows)
    [waiting] = held.pending(store, "cardiff")
    assert waiting.code == "CDF-01" and waiting.choice == tuple(second)

    # The facilitator decides on the console: keep, then (asked again) count the new one.
    view = HeldBallotsView(store, default_pack)
    qtbot.addWidget(view)
    view.show_for("cardiff", 2)
    view.show()
    qtbot.mouseClick(view.findChild(QPushButton, "held_keep"), Qt.MouseButton.LeftButton)
    assert held.pending(store) == []
    assert ballots.ranking_of(ballots.ballot_for(store, pid, 2)) == tuple(first)
    qtbot.mouseClick(kiosk.thanks_page.next_button, Qt.MouseButton.LeftButton)
    second = _vote(qtbot, kiosk, "CDF-01", [5, 4, 3, 2, 1, 0])
    qtbot.keyClick(kiosk.confirm_page.cast_button, Qt.Key.Key_Return)  # Enter presses the focused button
    view.refresh()
    qtbot.mouseClick(view.findChild(QPushButton, "held_replace"), Qt.MouseButton.LeftButton)
    replaced = ballots.ballot_for(store, pid, 2)
    assert replaced is not None and ballots.ranking_of(replaced) == tuple(second)
    assert replaced["id"] == kept["id"] and replaced["revision"] == 2
    assert len(store.rows("ballots")) == 1 and held.pending(store) == []


def test_enter_and_space_press_the_focused_kiosk_button(kiosk_factory, store: Store,
                                                        qtbot) -> None:
    kiosk = kiosk_factory()
    for use_case in kiosk.board.order:
        tap(qtbot, kiosk.board, use_case)
    kiosk.ballot_page.submit.setFocus()
    qtbot.keyClick(kiosk.ballot_page.submit, Qt.Key.Key_Return)
    assert kiosk.current_page() == "confirm" and kiosk.confirm_page.cast_button.hasFocus()
    qtbot.keyClick(kiosk.confirm_page.cast_button, Qt.Key.Key_Enter)
    assert kiosk.current_page() == "thanks" and len(store.rows("ballots")) == 1
    qtbot.keyClick(kiosk.thanks_page.next_button, Qt.Key.Key_Space)
    assert kiosk.current_page() == "ballot"
    for use_case in kiosk.board.order:
        tap(qtbot, kiosk.board, use_case)
    kiosk.ballot_page.submit.setFocus()
    qtbot.keyClick(kiosk.ballot_page.submit, Qt.Key.Key_Space)
    assert kiosk.current_page() == "confirm"
    kiosk.confirm_page.change_button.setFocus()
    qtbot.keyClick(kiosk.confirm_page.change_button, Qt.Key.Key_Return)
    assert kiosk.current_page() == "ballot"


def test_leaving_and_locking_at_the_kiosk_ask_for_the_pin(kiosk_factory, store: Store,
                                                         qtbot) -> None:
    kiosk = kiosk_factory()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    with qtbot.assertNotEmitted(kiosk.left):
        qtbot.keyClick(kiosk.board, Qt.Key.Key_X, ctrl_shift)
        assert kiosk.current_page() == "pin" and kiosk.isVisible()
        qtbot.keyClicks(kiosk.pin_gate.edit, "0000")
        qtbot.keyClick(kiosk.pin_gate.edit, Qt.Key.Key_Return)
        assert "not the facilitator's PIN" in kiosk.pin_gate.problem.text()
        qtbot.keyClick(kiosk.pin_gate.edit, Qt.Key.Key_Escape)
    assert kiosk.current_page() == "ballot"
    qtbot.keyClick(kiosk.board, Qt.Key.Key_L, ctrl_shift)
    assert kiosk.current_page() == "pin" and not kiosk.locked
    qtbot.keyClicks(kiosk.pin_gate.edit, PIN)
    qtbot.keyClick(kiosk.pin_gate.edit, Qt.Key.Key_Return)
    assert kiosk.locked and kiosk.current_page() == "locked"
    qtbot.keyClick(kiosk, Qt.Key.Key_L, ctrl_shift)
    qtbot.mouseClick(kiosk.pin_gate.cancel_button, Qt.MouseButton.LeftButton)
    assert kiosk.locked and kiosk.current_page() == "locked"
    qtbot.keyClick(kiosk, Qt.Key.Key_L, ctrl_shift)
    qtbot.keyClicks(kiosk.pin_gate.edit, PIN)
    qtbot.mouseClick(kiosk.pin_gate.ok_button, Qt.MouseButton.LeftButton)
    assert not kiosk.locked and kiosk.current_page() == "ballot"
    with qtbot.waitSignal(kiosk.left, timeout=10_000):
        qtbot.keyClick(kiosk.board, Qt.Key.Key_X, ctrl_shift)
        qtbot.keyClicks(kiosk.pin_gate.edit, PIN)
        qtbot.keyClick(kiosk.pin_gate.edit, Qt.Key.Key_Return)
    assert not kiosk.isVisible()


def test_the_facilitator_locks_the_kiosk_and_closes_voting(store: Store,
                                                          default_pack: SessionPack,
                                                          qtbot, tmp_path: Path,
                                                          monkeypatch) -> None:
    load_roster(store, default_pack, tmp_path)
    venue.set_pin(store, PIN)
    panel = KioskControlPanel(store, default_pack)
    qtbot.addWidget(panel)
    panel.site_box.setCurrentIndex(panel.site_box.findData("cardiff"))
    panel.workshop_box.setCurrentIndex(panel.workshop_box.findData(2))
    assert "closed" in panel.state_label.text()
    kiosk = panel.open_kiosk()
    qtbot.addWidget(kiosk)
    qtbot.waitUntil(kiosk.isActiveWindow, timeout=10_000)
    assert ballots.voting_state(store, "cardiff", 2) == "open"
    assert "open" in panel.state_label.text()
    # The app's kiosk starts each ballot with the participant's language.
    assert kiosk.current_page() == "language"
    qtbot.mouseClick(language_buttons(kiosk.pages["language"])["en"], Qt.MouseButton.LeftButton)
    assert kiosk.current_page() == "ballot"
    for use_case in kiosk.board.order[:3]:
        tap(qtbot, kiosk.board, use_case)

    # Locking hides the ballot in progress (behind the PIN); unlocking brings it back.
    qtbot.keyClick(kiosk.board, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(kiosk.pin_gate.edit, PIN)
    qtbot.keyClick(kiosk.pin_gate.edit, Qt.Key.Key_Return)
    assert kiosk.locked and kiosk.current_page() == "locked"
    assert panel.lock_button.isChecked() and "Unlock" in panel.lock_button.text()
    qtbot.mouseClick(panel.lock_button, Qt.MouseButton.LeftButton)
    assert not kiosk.locked and kiosk.current_page() == "ballot"
    assert len([p for p in kiosk.board.places if p]) == 3

    # Closing voting asks, then the kiosk stops taking ballots and forgets the one open.
    answer_dialog(qtbot, "&Yes".replace("&", ""))
    qtbot.mouseClick(panel.voting_button, Qt.MouseButton.LeftButton)
    assert ballots.voting_state(store, "cardiff", 2) == "closed"
    assert kiosk.current_page() == "closed"
    assert kiosk.board.places == [None] * 6
    assert "closed" in panel.state_label.text()
    with pytest.raises(ballots.VotingClosedError):
        ballots.cast_ballot(store, default_pack, site="cardiff", workshop=2,
                            ranking=default_pack.use_case_ids)

    # Reopening from the panel shows a fresh ballot again, from the language choice.
    qtbot.mouseClick(panel.voting_button, Qt.MouseButton.LeftButton)
    assert kiosk.current_page() == "language"
    panel.shut_down()


def test_a_ballot_confirmed_after_voting_closed_is_not_recorded(kiosk_factory,
                                                                store: Store, qtbot) -> None:
    kiosk = kiosk_factory()
    for use_case in kiosk.board.order:
        tap(qtbot, kiosk.board, use_case)
    qtbot.mouseClick(kiosk.ballot_page.submit, Qt.MouseButton.LeftButton)
    ballots.set_voting(store, "cardiff", 2, False)  # from the facilitator's laptop
    qtbot.mouseClick(kiosk.confirm_page.cast_button, Qt.MouseButton.LeftButton)
    assert kiosk.current_page() == "closed" and store.rows("ballots") == []


# -- laws ----------------------------------------------------------------------------

_OPERATIONS = st.lists(st.tuples(
    st.sampled_from(["tap", "place", "take_out", "shift_up", "shift_down"]),
    st.integers(0, 5), st.integers(1, 6)), max_size=40)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=_OPERATIONS, seed=st.integers(0, 10_000))
def test_any_sequence_of_moves_keeps_one_card_per_place(default_pack: SessionPack, qtbot,
                                                        operations, seed: int) -> None:
    """Whatever is tapped, dragged or keyed, no card is ever in two places, and a full
    board is a ranking of all six that the core accepts."""
    board = RankingBoard(default_pack, random.Random(seed))
    qtbot.addWidget(board)
    assert sorted(board.order) == sorted(default_pack.use_case_ids)
    for name, card_index, place in operations:
        card = board.order[card_index]
        if name == "tap":
            board.tap(card)
        elif name == "place":
            board.place(card, place)
        elif name == "take_out":
            board.take_out(card)
        else:
            board.shift(card, -1 if name == "shift_up" else 1)
        placed = [p for p in board.places if p is not None]
        assert len(placed) == len(set(placed))
        assert set(board.unplaced()) | set(placed) == set(default_pack.use_case_ids)
        ranking = board.ranking()
        assert (ranking is None) == bool(board.unplaced())
        if ranking is not None:
            assert ballots.validate_ranking(default_pack, ranking) == tuple(ranking)


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080), (1093, 614)])
def test_the_whole_ballot_fits_the_screen(kiosk_factory, qtbot, size) -> None:
    kiosk = kiosk_factory()
    if kiosk.current_page() == "language":
        kiosk.choose_language("en")
    kiosk.resize(*size)
    qtbot.wait(50)
    assert kiosk.minimumSizeHint().height() <= size[1]  # type shrinks on a short screen
    page = kiosk.ballot_page
    for widget in (page.submit, page.start_again, page.code, kiosk.board):
        corner = widget.mapTo(kiosk, widget.rect().bottomRight())
        assert corner.x() <= size[0] and corner.y() <= size[1], (widget.objectName(), corner)
    for use_case in kiosk.board.order:
        assert kiosk.board.rect().toRectF().contains(kiosk.board.card_rect(use_case))
