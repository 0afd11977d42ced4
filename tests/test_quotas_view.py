"""Quota vs actual: per site, variable and category, shortfalls in words."""

from __future__ import annotations

from pathlib import Path

from test_kiosk import load_roster

from facilitator.core import ballots, participants
from facilitator.core.pack import SessionPack
from facilitator.core.roster import participant_id
from facilitator.core.store import Store
from facilitator.ui.results.quotas_view import SHORT_BG, QuotasPanel


def rows(panel: QuotasPanel) -> list[list[str]]:
    table = panel.table
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def find(panel: QuotasPanel, variable: str, category: str) -> list[str]:
    current = ""
    for row in rows(panel):
        current = row[1] or current
        if current == variable and row[2] == category:
            return row
    raise AssertionError(f"{variable} {category} not shown")


def test_shortfalls_are_marked_in_words_and_derived_variables_appear(
        store: Store, default_pack: SessionPack, qtbot, tmp_path: Path) -> None:
    load_roster(store, default_pack, tmp_path)
    panel = QuotasPanel(store, default_pack)
    qtbot.addWidget(panel)
    panel.site_box.setCurrentIndex(panel.site_box.findData("cardiff"))
    woman = find(panel, "Gender", "woman")
    assert woman[3:] == ["8", "2", "▼ short by 6"]
    row = rows(panel).index(woman)
    assert panel.table.item(row, 5).background().color().name().upper() == SHORT_BG
    # Derived: ethnic minority (mixed, asian, black…): CDF-02 and CDF-03.
    minority = find(panel, "Ethnic minority (derived)", "yes")
    assert minority[3:] == ["5", "2", "▼ short by 3"]
    black_men = find(panel, "Black men (derived)", "yes")
    assert black_men[3:] == ["2", "1", "▼ short by 1"]
    # Categories without a quota are listed, and said to have none.
    assert find(panel, "Gender", "non-binary")[3:] == ["—", "0", "no quota"]
    assert "not met" in panel.summary.text()
    # Only categories with a quota, when asked.
    panel.only_quotas.setChecked(True)
    assert all(row[3] != "—" for row in rows(panel))


def test_attendance_and_withdrawal_change_the_actual_figures(
        store: Store, default_pack: SessionPack, qtbot, tmp_path: Path) -> None:
    load_roster(store, default_pack, tmp_path)
    panel = QuotasPanel(store, default_pack)
    qtbot.addWidget(panel)
    panel.site_box.setCurrentIndex(panel.site_box.findData("cardiff"))
    assert find(panel, "Gender", "man")[4] == "2"
    participants.withdraw(store, participant_id("cardiff", "CDF-04"))
    panel.refresh()
    assert find(panel, "Gender", "man")[4] == "1"
    # Once attendance is recorded, only those who came count.
    ballots.set_attendance(store, participant_id("cardiff", "CDF-01"), 2, True)
    panel.refresh()
    assert find(panel, "Gender", "man")[4] == "0"
    assert find(panel, "Gender", "woman")[4] == "1"


def test_all_sites_at_once(store: Store, default_pack: SessionPack, qtbot) -> None:
    panel = QuotasPanel(store, default_pack)
    qtbot.addWidget(panel)
    panel.site_box.setCurrentIndex(0)
    sites = {row[0] for row in rows(panel) if row[0]}
    assert sites == {"Cardiff", "Durham", "London"}
