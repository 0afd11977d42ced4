"""Check-in driven from the keyboard; withdrawal and erasure confirmed as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from test_kiosk import answer_dialog, load_roster

from facilitator.core import analysis, ballots, participants
from facilitator.core.pack import NOT_RECORDED, SessionPack
from facilitator.core.roster import participant_id
from facilitator.core.store import Store
from facilitator.ui.venue.checkin import CheckInPanel


@pytest.fixture
def panel(store: Store, default_pack: SessionPack, qtbot, tmp_path: Path) -> CheckInPanel:
    load_roster(store, default_pack, tmp_path)
    store.set_setting("site", "cardiff")
    store.set_setting("workshop", "2")
    widget = CheckInPanel(store, default_pack)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    with qtbot.waitExposed(widget):
        widget.show()
    widget.focus_search()
    return widget


def here(store: Store, code: str, workshop: int = 2) -> bool:
    return ballots.attendance_for(store, "cardiff", workshop).get(
        participant_id("cardiff", code), False)


def codes(panel: CheckInPanel) -> list[str]:
    return [panel.table.item(row, 0).text() for row in range(panel.table.rowCount())]


def test_type_a_code_and_press_enter_to_tick_someone_present(panel: CheckInPanel,
                                                            store: Store, qtbot) -> None:
    assert panel.workshop == 2 and panel.site == "cardiff"
    assert codes(panel) == ["CDF-01", "CDF-02", "CDF-03", "CDF-04"]  # not Durham's
    assert panel.count.text() == "0 of 4 here"
    qtbot.keyClicks(panel.search, "03")
    assert codes(panel) == ["CDF-03"]
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert here(store, "CDF-03")
    assert panel.search.text() == "" and panel.search.hasFocus()
    assert "CDF-03 is here" in panel.feedback.text()
    assert panel.count.text() == "1 of 4 here"
    # A prefix that matches several asks which one (it used to tick the first silently).
    qtbot.keyClicks(panel.search, "cdf-0")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert "4 participants match" in panel.feedback.text()
    assert not here(store, "CDF-01") and panel.table.hasFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Space)  # the first row is chosen: CDF-01
    assert here(store, "CDF-01")
    panel.focus_search()
    panel.search.clear()
    # Lower case works; the row says so in words, not only colour.
    qtbot.keyClicks(panel.search, "cdf-04")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert here(store, "CDF-04")
    row = codes(panel).index("CDF-01")
    assert "here" in panel.table.item(row, 1).text()
    # Ticking the same person again changes nothing and says so.
    qtbot.keyClicks(panel.search, "CDF-01")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert "already here" in panel.feedback.text()
    # No such code: said plainly, nothing written.
    qtbot.keyClicks(panel.search, "XYZ")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert "No participant" in panel.feedback.text()
    assert len(store.rows("attendance")) == 3


def test_arrows_and_space_in_the_list(panel: CheckInPanel, store: Store, qtbot) -> None:
    qtbot.keyClick(panel.search, Qt.Key.Key_Down)
    assert panel.table.hasFocus() and panel.selected()["code"] == "CDF-01"
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    assert panel.selected()["code"] == "CDF-02"
    qtbot.keyClick(panel.table, Qt.Key.Key_Space)
    assert here(store, "CDF-02")
    qtbot.keyClick(panel.table, Qt.Key.Key_Space)
    assert not here(store, "CDF-02")
    record = store.get("attendance", ballots.attendance_id(participant_id("cardiff",
                                                                          "CDF-02"), 2))
    assert record is not None and record["revision"] == 2  # an edit, never a delete
    # Q toggles quote consent; typing a code from the list goes back to searching.
    # A grant after a refusal is asked first: Cancel leaves the refusal standing.
    assert store.get("participants", participant_id("cardiff", "CDF-02"))["quote_consent"] == 0
    asked = answer_dialog(qtbot, "Cancel")
    qtbot.keyClick(panel.table, Qt.Key.Key_Q)
    assert asked and "recorded with this laptop" in asked[0]
    assert store.get("participants", participant_id("cardiff", "CDF-02"))["quote_consent"] == 0
    asked = answer_dialog(qtbot, "Record their consent")
    qtbot.keyClick(panel.table, Qt.Key.Key_Q)
    assert asked
    assert store.get("participants", participant_id("cardiff", "CDF-02"))["quote_consent"] == 1
    panel.activateWindow()  # as the window manager does when the dialog closes
    qtbot.waitUntil(panel.isActiveWindow)
    qtbot.keyClick(panel.table, Qt.Key.Key_Q)
    assert "no quotes" in panel.feedback.text()
    qtbot.keyClicks(panel.table, "4")
    assert panel.search.hasFocus() and panel.search.text() == "4"
    assert codes(panel) == ["CDF-04"]


def test_attendance_is_per_workshop(panel: CheckInPanel, store: Store, qtbot) -> None:
    assert [panel.workshop_box.itemData(i) for i in range(panel.workshop_box.count())] == [2, 4]
    qtbot.keyClicks(panel.search, "CDF-04")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    panel.workshop_box.setCurrentIndex(1)
    assert panel.count.text() == "0 of 4 here"
    assert here(store, "CDF-04", 2) and not here(store, "CDF-04", 4)


def test_withdrawal_asks_explains_and_stops_their_ballot_counting(
        panel: CheckInPanel, store: Store, default_pack: SessionPack, qtbot) -> None:
    pid = participant_id("cardiff", "CDF-01")
    ballots.cast_ballot(store, default_pack, site="cardiff", workshop=2, source="paper",
                        ranking=default_pack.use_case_ids, participant_id=pid)
    assert analysis.results(store, default_pack, threshold=1)["groups"][0]["n"] == 1
    qtbot.keyClicks(panel.search, "CDF-01")
    # Cancel first: nothing changes.
    seen = answer_dialog(qtbot, "Cancel")
    qtbot.mouseClick(panel.withdraw_button, Qt.MouseButton.LeftButton)
    assert seen and "ballots and quotes leave every report" in seen[0]
    assert "cannot be undone" in seen[0]
    assert store.get("participants", pid)["withdrawn"] == 0
    answer_dialog(qtbot, "Withdraw CDF-01")
    qtbot.mouseClick(panel.withdraw_button, Qt.MouseButton.LeftButton)
    person = store.get("participants", pid)
    assert person["withdrawn"] == 1 and person["erased"] == 0
    assert person["gender"] == "woman"  # withdrawal keeps their details
    assert analysis.results(store, default_pack, threshold=1)["groups"][0]["n"] == 0
    assert "withdrawn" in panel.table.item(codes(panel).index("CDF-01"), 3).text()
    # A withdrawn participant cannot be ticked present.
    assert not panel.attend_button.isEnabled() and not panel.withdraw_button.isEnabled()
    panel.focus_search()
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert not here(store, "CDF-01")
    assert panel.count.text() == "0 of 3 here"


def test_erasure_asks_explains_and_keeps_only_the_tombstone(panel: CheckInPanel,
                                                            store: Store, qtbot) -> None:
    pid = participant_id("cardiff", "CDF-02")
    qtbot.keyClicks(panel.search, "CDF-02")
    seen = answer_dialog(qtbot, "Erase CDF-02 for good")
    qtbot.mouseClick(panel.erase_button, Qt.MouseButton.LeftButton)
    assert seen and "removed for good" in seen[0] and "tombstone" in seen[0]
    person = store.get("participants", pid)
    assert person["erased"] == 1 and person["withdrawn"] == 1
    assert person["code"] == "CDF-02" and person["site"] == "cardiff"
    for variable in default_variables(store):
        assert person[variable] == NOT_RECORDED
    assert "erased" in panel.table.item(codes(panel).index("CDF-02"), 3).text()
    assert not panel.erase_button.isEnabled()


def default_variables(store: Store) -> list[str]:
    return ["gender", "age_band", "ethnicity", "area", "seg", "lgbtqia", "trust_police",
            "ai_opinion"]


def test_the_participants_page_offers_the_same_confirmed_actions(
        store: Store, default_pack: SessionPack, qtbot, tmp_path: Path) -> None:
    from facilitator.ui.venue.participants import ParticipantsPanel

    load_roster(store, default_pack, tmp_path)
    page = ParticipantsPanel(store, default_pack)
    qtbot.addWidget(page)
    assert not page.withdraw_button.isEnabled()  # nothing selected
    page.table.selectRow(1)
    person = page.selected()
    assert person is not None and person["code"] == "CDF-02"
    # Granting after a refusal is deliberate: asked, then recorded with who and when.
    refused = store.get("participants", person["id"])["quote_consent"] == 0
    asked = answer_dialog(qtbot, "Record their consent") if refused else []
    qtbot.mouseClick(page.consent_button, Qt.MouseButton.LeftButton)
    assert store.get("participants", person["id"])["quote_consent"] == 1
    if refused:
        assert asked and "recorded with this laptop" in asked[0]
        [decision] = participants.consent_history(store, person["id"])
        assert decision["decision"] == "grant"
    seen = answer_dialog(qtbot, "Withdraw CDF-02")
    qtbot.mouseClick(page.withdraw_button, Qt.MouseButton.LeftButton)
    assert seen and "cannot be undone" in seen[0]
    assert store.get("participants", person["id"])["withdrawn"] == 1
    assert page.selected()["code"] == "CDF-02" and not page.withdraw_button.isEnabled()
    assert page.erase_button.isEnabled()


def test_the_empty_roster_banner_goes_once_people_are_imported(qtbot, tmp_path: Path,
                                                             default_pack: SessionPack) -> None:
    from test_kiosk import ROSTER

    from facilitator.core.paths import resolve
    from facilitator.ui.common.tasks import TaskRunner
    from facilitator.ui.main_window import MainWindow

    store = Store(tmp_path / "venue.db")
    store.set_setting("site", "durham")
    store.set_setting("workshop", "2")
    window = MainWindow(store, default_pack, resolve(str(store.path), None),
                        tasks=TaskRunner(None, synchronous=True))
    qtbot.addWidget(window)
    try:
        window.show()
        window.votes.show_checkin()
        assert "No participants for Durham yet" in window.votes.checkin.feedback.text()
        roster = tmp_path / "roster.csv"
        roster.write_text(ROSTER, encoding="utf-8")
        window.files.import_roster_file(roster)
        assert window.votes.checkin.table.rowCount() == 1  # DUR-01
        assert "No participants" not in window.votes.checkin.feedback.text()
    finally:
        store.close()
