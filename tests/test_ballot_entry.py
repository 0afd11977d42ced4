"""Keying paper ballots from the keyboard, single and double entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_kiosk import answer_dialog, load_roster

from facilitator.core import ballots
from facilitator.core.ballots import sheet_order
from facilitator.core.pack import SessionPack
from facilitator.core.roster import participant_id
from facilitator.core.store import Store
from facilitator.ui.kiosk.ballot_entry import FIRST_RANK, BallotEntryPanel


@pytest.fixture
def panel(store: Store, default_pack: SessionPack, qtbot, tmp_path: Path) -> BallotEntryPanel:
    load_roster(store, default_pack, tmp_path)
    store.set_setting("site", "cardiff")
    store.set_setting("workshop", "2")
    widget = BallotEntryPanel(store, default_pack)
    qtbot.addWidget(widget)
    widget.resize(1600, 900)
    with qtbot.waitExposed(widget):
        widget.show()
    widget.grid.setFocus()
    return widget


def type_keys(qtbot, keys: str) -> None:
    """Each key to whatever has focus, as a keyboard would (editors open and close)."""
    for key in keys:
        target = QApplication.focusWidget()
        if key == "\t":
            qtbot.keyClick(target, Qt.Key.Key_Tab)
        elif key == "\n":
            qtbot.keyClick(target, Qt.Key.Key_Return)
        else:
            qtbot.keyClick(target, key)


def key_row(qtbot, sheet: str, code: str, ranks: str) -> None:
    """Sheet, Tab, code, Tab, six digits (each moves on by itself), Enter to save."""
    type_keys(qtbot, f"{sheet}\t{code}\t{ranks}\n")


def key_next(qtbot, code: str, ranks: str) -> None:
    """The row after a saved one: its sheet number is filled in, the cursor on the code."""
    type_keys(qtbot, f"{code}\t{ranks}\n")


def expected_ranking(pack: SessionPack, ranks: str) -> tuple[str, ...]:
    order = sheet_order(pack)
    return tuple(order[ranks.index(str(r))] for r in range(1, 7))


def test_a_sheet_keyed_in_one_go_counts(panel: BallotEntryPanel, store: Store,
                                        default_pack: SessionPack, qtbot) -> None:
    assert panel.grid.currentColumn() == 0
    key_row(qtbot, "1", "CDF-01", "351264")
    ballot = ballots.ballot_for(store, participant_id("cardiff", "CDF-01"), 2)
    assert ballot is not None and ballot["source"] == "paper"
    assert ballots.ranking_of(ballot) == expected_ranking(default_pack, "351264")
    assert "saved" in panel.grid.item(0, panel.status_column).text()
    # The next row is ready, numbered on, with the cursor on the code.
    assert panel.grid.rowCount() == 2
    assert panel.grid.item(1, 0).text() == "2" and panel.grid.currentColumn() == 1
    key_next(qtbot, "", "123456")  # anonymous
    assert len(store.rows("ballots")) == 2


def test_a_rank_used_twice_is_marked_on_both_cells_and_not_saved(
        panel: BallotEntryPanel, store: Store, qtbot) -> None:
    key_row(qtbot, "1", "", "335126")
    assert store.rows("ballots") == []
    for column in (FIRST_RANK, FIRST_RANK + 1):
        item = panel.grid.item(0, column)
        assert "3 is used 2 times" in item.toolTip()
        assert item.background().color().name().upper() == "#F6D4BF"
    status = panel.grid.item(0, panel.status_column).text()
    assert status.startswith("⚠") and "missing: 4" in status
    assert "not saved" in panel.feedback.text()
    # Fixing the second box (the cursor is taken there) clears the marks and saves.
    assert panel.grid.currentColumn() == FIRST_RANK
    panel.grid.setCurrentCell(0, FIRST_RANK + 1)
    type_keys(qtbot, "4")
    assert panel.grid.item(0, FIRST_RANK).toolTip() == ""
    assert "ready" in panel.grid.item(0, panel.status_column).text()
    panel.grid.setCurrentCell(0, panel.status_column)
    type_keys(qtbot, "\n")
    assert len(store.rows("ballots")) == 1


def test_bad_digits_and_unknown_codes_are_shown_on_the_cell(panel: BallotEntryPanel,
                                                            store: Store, qtbot) -> None:
    key_row(qtbot, "1", "CDF-77", "123457")
    assert "not a rank" in panel.grid.item(0, FIRST_RANK + 5).toolTip()
    assert "not on the Cardiff list" in panel.grid.item(0, 1).toolTip()
    assert store.rows("ballots") == []


def test_a_second_paper_ballot_for_someone_asks_before_replacing(
        panel: BallotEntryPanel, store: Store, default_pack: SessionPack, qtbot) -> None:
    key_row(qtbot, "1", "CDF-03", "123456")
    seen = answer_dialog(qtbot, "Replace the earlier ballot")
    key_next(qtbot, "CDF-03", "654321")
    assert seen and "CDF-03" in seen[0]
    ballot = ballots.ballot_for(store, participant_id("cardiff", "CDF-03"), 2)
    assert ballot is not None and ballot["revision"] == 2
    assert ballots.ranking_of(ballot) == expected_ranking(default_pack, "654321")


def test_double_entry_counts_agreeing_sheets_and_lists_mismatches(
        panel: BallotEntryPanel, store: Store, default_pack: SessionPack, qtbot) -> None:
    panel.mode_box.setCurrentIndex(panel.mode_box.findData("first"))
    panel.grid.setFocus()
    key_row(qtbot, "1", "CDF-01", "123456")
    key_next(qtbot, "", "214365")
    assert "waiting for the other keyer" in panel.grid.item(0, panel.status_column).text()
    assert ballots.counted_ballots(store) == 0  # a single keying never counts

    panel.mode_box.setCurrentIndex(panel.mode_box.findData("second"))
    panel.grid.setCurrentCell(panel.grid.rowCount() - 1, 0)
    key_row(qtbot, "1", "CDF-01", "123456")
    assert "agree" in panel.grid.item(2, panel.status_column).text()
    assert ballots.counted_ballots(store) == 1
    key_next(qtbot, "", "214356")  # the second keyer misreads sheet 2
    assert "differs" in panel.grid.item(3, panel.status_column).text()
    assert ballots.counted_ballots(store) == 1
    assert panel.mismatches.rowCount() == 1
    assert panel.mismatches.item(0, 0).text() == "2"
    assert "ranks" in panel.mismatches.item(0, 3).text()
    assert panel.mismatch_box.isVisible()

    # The paper says what the first keyer typed.
    panel.mismatches.selectRow(0)
    qtbot.mouseClick(panel.use_first, Qt.MouseButton.LeftButton)
    assert panel.mismatches.rowCount() == 0
    assert ballots.counted_ballots(store) == 2
    counted = [b for b in store.rows("ballots") if b["entry"] == "double"]
    assert {ballots.ranking_of(b) for b in counted} == {
        expected_ranking(default_pack, "123456"), expected_ranking(default_pack, "214365")}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ranks=st.lists(st.sampled_from(["", "0", "1", "2", "3", "4", "5", "6", "7"]),
                      min_size=6, max_size=6))
def test_a_row_is_accepted_exactly_when_each_rank_is_used_once(
        panel: BallotEntryPanel, default_pack: SessionPack, ranks: list[str]) -> None:
    row = panel.grid.rowCount() - 1
    for offset, text in enumerate(ranks):
        panel.grid.item(row, FIRST_RANK + offset).setText(text)
    check = panel.check_row(row, final=True)
    is_permutation = sorted(ranks) == ["1", "2", "3", "4", "5", "6"]
    assert check.ok == is_permutation
    if is_permutation:
        assert check.ranking == list(expected_ranking(default_pack, "".join(ranks)))
    else:
        assert check.cells  # the problem is shown on at least one cell
