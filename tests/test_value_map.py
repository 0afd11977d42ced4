"""The value-mapping dialog, driven as a user would through the app's roster import."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from facilitator.core.paths import resolve
from facilitator.core.roster import list_participants, unknown_values
from facilitator.core.store import Store
from facilitator.ui.common.tasks import TaskRunner
from facilitator.ui.main_window import MainWindow
from facilitator.ui.venue.value_map_dialog import ValueMapDialog

# "Femme", "Sometimes" and "Cymraeg" are in no spelling rule; "Femme" is on two rows.
ROSTER = (
    "\ufeffcode,site,gender,age_band,ethnicity,area,seg,lgbtqia,trust_police,ai_opinion\n"
    "CDF-01,Caerdydd,Femme,25-34,White British,Urban,C1,no,2,4\n"
    "CDF-02,Cardiff,Man,55+,Mixed race,Village/Rural,DE,Gay,Sometimes,1\n"
    "CDF-03,Cardiff,Femme,65+,Cymraeg,Small town/Suburban,AB,Straight,4,3\n"
)


@pytest.fixture
def window(qtbot, tmp_path: Path, default_pack):
    store = Store(tmp_path / "venue.db")
    win = MainWindow(store, default_pack, resolve(str(store.path), str(default_pack.path)),
                     tasks=TaskRunner(None, synchronous=True))
    qtbot.addWidget(win)
    win.ensure_vote_pages()
    yield win
    win.votes.kiosk_controls.shut_down()
    store.close()


def answer_value_map(qtbot, answers: dict[str, str] | None, timeout_ms: int = 5000
                     ) -> list[ValueMapDialog]:
    """When the dialog opens: pick each answer by typing into its box, then Import.

    ``answers`` maps the value as typed in the file to the category to choose;
    None cancels the dialog instead.
    """
    seen: list[ValueMapDialog] = []
    timer = QTimer()
    timer.setInterval(30)
    waited = [0]

    def poll() -> None:
        waited[0] += 30
        dialog = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, ValueMapDialog) and w.isVisible()), None)
        if dialog is None:
            if waited[0] > timeout_ms:
                timer.stop()
            return
        timer.stop()
        seen.append(dialog)
        if answers is None:
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
            return
        assert not dialog.import_button.isEnabled()  # nothing answered yet
        for unknown, combo in zip(dialog.unknowns, dialog.combos, strict=True):
            combo.setFocus()
            qtbot.keyClicks(combo, answers[unknown.value])
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    timer.timeout.connect(poll)
    timer.start()
    qtbot._value_map_timer = timer
    return seen


def test_unknown_values_are_asked_once_each_and_remembered(window, qtbot,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "recruiter.csv"
    path.write_text(ROSTER, encoding="utf-8")
    seen = answer_value_map(qtbot, {"Femme": "woman", "Sometimes": "neutral",
                                    "Cymraeg": "white"})
    window.files.import_roster_file(path)
    assert len(seen) == 1
    dialog = seen[0]
    asked = {(u.variable, u.value): u.rows for u in dialog.unknowns}
    assert asked == {("gender", "Femme"): 2, ("trust_police", "Sometimes"): 1,
                     ("ethnicity", "Cymraeg"): 1}
    # The dialog shows how many rows each value affects, and on which lines.
    texts = [label.text() for label in dialog.findChildren(type(dialog.status))]
    assert any("2 row(s): line 2, 4" in text for text in texts)
    people = {p["code"]: p for p in list_participants(window.store)}
    assert people["CDF-01"]["gender"] == "woman" and people["CDF-03"]["gender"] == "woman"
    assert people["CDF-02"]["trust_police"] == "neutral"
    assert people["CDF-03"]["ethnicity"] == "white"
    assert people["CDF-02"]["ethnicity"] == "mixed" and people["CDF-02"]["lgbtqia"] == "yes"
    assert window.files.last_import.added == 3

    # The next import of a file with the same values asks nothing.
    again = answer_value_map(qtbot, {}, timeout_ms=300)
    (tmp_path / "second.csv").write_text(ROSTER.replace("CDF-0", "CDF-1"), encoding="utf-8")
    window.files.import_roster_file(tmp_path / "second.csv")
    qtbot.wait(350)
    assert again == [] and window.files.last_import.added == 3
    assert unknown_values(window.store, window.pack, tmp_path / "second.csv") == []


def test_not_recorded_is_an_answer_and_cancel_changes_nothing(window, qtbot,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "recruiter.csv"
    path.write_text(ROSTER, encoding="utf-8")
    before = path.read_bytes()
    seen = answer_value_map(qtbot, None)
    window.files.import_roster_file(path)
    assert len(seen) == 1
    assert list_participants(window.store) == []
    assert window.store.count("value_maps") == 0
    assert "cancelled" in window.statusBar().currentMessage()
    assert path.read_bytes() == before

    answer_value_map(qtbot, {"Femme": "not recorded", "Sometimes": "not recorded",
                             "Cymraeg": "not recorded"})
    window.files.import_roster_file(path)
    people = {p["code"]: p for p in list_participants(window.store)}
    assert people["CDF-01"]["gender"] == "not recorded"
    assert people["CDF-03"]["ethnicity"] == "not recorded"
