"""The results page and its reveal on the audience screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import FakeClock
from PySide6.QtCore import Qt
from test_kiosk import load_roster

from facilitator.app import FacilitatorApp
from facilitator.core import ballots, venue
from facilitator.core.pack import SessionPack
from facilitator.core.paths import resolve
from facilitator.core.roster import participant_id
from facilitator.core.store import Store
from facilitator.ui.common.store_signals import StoreSignals
from facilitator.ui.console.audience import AudienceWindow
from facilitator.ui.results.results_chart import chart_rows, disagreements
from facilitator.ui.results.results_view import ResultsPanel

# Mean rank puts summarising_basic first, but head to head 24 of 44 people put
# call_101 above it: Schulze reverses the pair (DESIGN §6, issue 10).
SPLIT = [
    (24, ["call_101", "summarising_basic", "hotspots", "call_999_transfer",
          "summarising_sensitive", "reoffending"]),
    (20, ["summarising_basic", "hotspots", "call_999_transfer", "summarising_sensitive",
          "reoffending", "call_101"]),
]


def cast_split(store: Store, pack: SessionPack, site: str = "cardiff") -> None:
    with store.transaction():
        for count, ranking in SPLIT:
            for _ in range(count):
                ballots.cast_ballot(store, pack, site=site, workshop=3, ranking=ranking,
                                    source="import")


@pytest.fixture
def panel(store: Store, default_pack: SessionPack, qtbot) -> ResultsPanel:
    widget = ResultsPanel(store, default_pack)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    return widget


def test_no_ballots_yet(panel: ResultsPanel) -> None:
    assert panel.chart.text_summary() == "No ballots yet."
    assert "0 ballots counted" in panel.summary.text()
    assert not panel.reveal_button.isEnabled()  # no audience screen attached


def test_the_chart_orders_by_mean_rank_and_notes_where_schulze_disagrees(
        panel: ResultsPanel, store: Store, default_pack: SessionPack) -> None:
    cast_split(store, default_pack)
    panel.refresh()
    rows = panel.chart.rows
    assert [r.use_case for r in rows][:2] == ["summarising_basic", "hotspots"]
    first = rows[0]
    assert first.mean_rank == pytest.approx((24 * 2 + 20 * 1) / 44)
    assert first.positions == (20, 24, 0, 0, 0, 0)
    assert first.borda_place == 1 and first.schulze_place == 2
    call = next(r for r in rows if r.use_case == "call_101")
    assert call.schulze_place == 1 and call.mean_place > 1
    summary = panel.chart.text_summary()
    assert summary.startswith("44 ballots.")
    assert "AI answering 101 calls" in panel.chart.notes[0]
    assert "Schulze places it higher" in panel.chart.notes[0]
    assert "44 ballots counted" in panel.summary.text()
    # Where every method agrees there is no note.
    agree = {"use_cases": {uc: {"mean_rank": i + 1.0, "borda": 6 - i,
                                "positions": [0] * 6} for i, uc in
                           enumerate(default_pack.use_case_ids)},
             "schulze": [[uc] for uc in default_pack.use_case_ids]}
    assert disagreements(chart_rows(agree, default_pack)) == []


def test_by_site_shows_suppressed_groups_as_such(panel: ResultsPanel, store: Store,
                                                 default_pack: SessionPack) -> None:
    cast_split(store, default_pack, "london")
    for _ in range(3):
        ballots.cast_ballot(store, default_pack, site="durham", workshop=3, source="import",
                            ranking=default_pack.use_case_ids)
    panel.by_box.setCurrentIndex(panel.by_box.findData("site"))
    labels = [panel.group_box.itemText(i) for i in range(panel.group_box.count())]
    assert labels[0] == "Everyone — n = 47"
    assert "Durham — n = 3, hidden (fewer than 5)" in labels
    assert "London — n = 44" in labels
    panel.group_box.setCurrentIndex(labels.index("Durham — n = 3, hidden (fewer than 5)"))
    assert "not shown" in panel.chart.text_summary()
    assert panel.chart.rows == [] and panel.chart.notes == []
    assert "Cardiff — no ballots" in labels
    assert "1 group(s) have fewer than 5" in panel.summary.text()
    # The workshop selector narrows the count.
    panel.workshop_box.setCurrentIndex(panel.workshop_box.findData(2))
    assert panel.group_box.itemText(0) == "Everyone — no ballots"
    assert panel.chart.text_summary() == "No ballots yet."


def test_by_roster_variable_counts_known_participants_only(
        panel: ResultsPanel, store: Store, default_pack: SessionPack, tmp_path: Path) -> None:
    load_roster(store, default_pack, tmp_path)
    for code in ("CDF-01", "CDF-02", "CDF-03", "CDF-04"):
        ballots.cast_ballot(store, default_pack, site="cardiff", workshop=3, source="paper",
                            participant_id=participant_id("cardiff", code),
                            ranking=default_pack.use_case_ids)
    cast_split(store, default_pack)  # anonymous: overall only
    panel.by_box.setCurrentIndex(panel.by_box.findData("gender"))
    labels = [panel.group_box.itemText(i) for i in range(panel.group_box.count())]
    assert labels[0] == "Everyone — n = 48"
    assert "woman — n = 2, hidden (fewer than 5)" in labels


def test_the_page_follows_the_store(panel: ResultsPanel, store: Store,
                                    default_pack: SessionPack, qtbot) -> None:
    signals = StoreSignals(store)
    signals.changed.connect(panel.store_changed)
    cast_split(store, default_pack)
    qtbot.waitUntil(lambda: "44 ballots counted" in panel.summary.text(), timeout=10_000)
    signals.detach()


def test_the_room_sees_results_only_when_the_facilitator_reveals_them(
        panel: ResultsPanel, store: Store, default_pack: SessionPack, qtbot) -> None:
    audience = AudienceWindow(default_pack)
    qtbot.addWidget(audience)
    audience.resize(1920, 1080)
    audience.show()
    cast_split(store, default_pack)
    panel.attach_audience(audience)
    panel.refresh()
    assert audience.current_page() != "results"
    assert panel.reveal_button.isEnabled() and not panel.reveal_button.isChecked()
    qtbot.mouseClick(panel.reveal_button, Qt.MouseButton.LeftButton)
    assert audience.current_page() == "results"
    chart = panel.audience_chart
    assert chart is not None and chart.window() is audience and chart.isVisible()
    # The room sees the order and n in large type: no methods, points or notes.
    shown = chart.text_summary()
    assert [line.split(". ", 1)[1] for line in shown.splitlines()[2:-1]] == [
        row.title for row in panel.chart.rows]
    assert "ballots" in shown.splitlines()[-1] and str(panel.chart.group["n"]) in shown
    assert not any(word in shown for word in ("Borda", "Schulze", "mean", "Note"))
    assert "Hide" in panel.reveal_button.text()
    assert panel.on_air.isVisible()
    # Choosing another group while revealed changes what the room sees.
    panel.by_box.setCurrentIndex(panel.by_box.findData("site"))
    panel.group_box.setCurrentIndex(1)  # Cardiff
    assert "Site: Cardiff" in chart.subheading
    qtbot.mouseClick(panel.reveal_button, Qt.MouseButton.LeftButton)
    assert audience.current_page() != "results"
    assert not panel.on_air.isVisible()
    audience.close()


def test_revealing_through_the_app_puts_the_chart_on_the_projector(
        qtbot, tmp_path: Path, default_pack: SessionPack) -> None:
    db = tmp_path / "venue.db"
    with Store(db) as setup:
        venue.save(setup, default_pack, venue.VenueSettings("cardiff", 2, ("Table 1",)))
        cast_split(setup, default_pack)
    app = FacilitatorApp(resolve(str(db), None), ask_venue=False, show_audience=False,
                         clock=FakeClock())
    qtbot.addWidget(app.window)
    try:
        window = app.window
        qtbot.waitUntil(lambda: window.vote_pages_built, timeout=10_000)
        assert app.audience is not None
        assert window.votes.results.reveal_button.isEnabled()
        window.voting_menu.actions()[3].trigger()  # Voting → Results
        assert window.pages.currentWidget() is window.votes.results
        qtbot.mouseClick(window.votes.results.reveal_button, Qt.MouseButton.LeftButton)
        assert app.audience.current_page() == "results"
        assert window.votes.results.audience_chart.window() is app.audience
    finally:
        app.shut_down()


def test_without_a_choice_the_page_shows_the_latest_workshop_and_says_which(
        panel: ResultsPanel, store: Store, default_pack: SessionPack, qtbot) -> None:
    """Workshops are never pooled: W3 and W4 ballots, and the page names W4's."""
    cast_split(store, default_pack)  # 44 ballots in Workshop 3
    with store.transaction():
        for _ in range(6):
            ballots.cast_ballot(store, default_pack, site="cardiff", workshop=4,
                                ranking=SPLIT[0][1], source="import")
    panel.refresh()
    assert panel.workshop_box.currentText() == "Latest workshop"
    assert panel.groups[0]["n"] == 6 and panel.context() == "Workshop 4"
    panel.workshop_box.setCurrentIndex(panel.workshop_box.findData(3))
    assert panel.groups[0]["n"] == 44 and panel.context() == "Workshop 3"


def test_the_app_and_the_pdf_share_one_palette_and_direction() -> None:
    from facilitator.core import palette
    from facilitator.export import pdf_report
    from facilitator.ui.results import results_chart

    # The places 1st … 6th in the same colours on the console, the projector and paper.
    assert list(pdf_report.PALETTE) == list(palette.POSITION_COLOURS)
    assert results_chart.POSITION_COLOURS == palette.POSITION_COLOURS
    # Longer bar = more acceptable, everywhere: mean rank 1 fills the bar, 6 leaves it empty.
    assert palette.acceptability(1.0) == 1.0 and palette.acceptability(6.0) == 0.0
    assert palette.acceptability(2.0) > palette.acceptability(3.0)
