"""The notes view (filters, search, live updates, stars) and the advice view."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from test_capture import set_up, type_text

from facilitator.core import notes, venue
from facilitator.core.notes import Attribution
from facilitator.core.pack import theme_id
from facilitator.ui.advice.advice_view import AdviceView
from facilitator.ui.capture.notes_view import STAR, NotesView
from facilitator.ui.common.store_signals import StoreSignals

T1 = venue.table_id("cardiff", "Table 1")
T2 = venue.table_id("cardiff", "Table 2")


def fill(store) -> dict[str, dict]:
    made = {}
    made["ŵyn"] = notes.save_note(
        store, Attribution("cardiff", 2, T1, "Table 1", "w2-call101-discussion", "call_101"),
        "quote", "Mae'r ŵyn yn y cae", [theme_id("call_101", "Efficiency")],
        noted_at="2025-03-08T10:00:00Z")
    made["café"] = notes.save_note(
        store, Attribution("cardiff", 2, T2, "Table 2", "w2-hotspots-discussion", "hotspots"),
        "note", "Like the café on the corner", noted_at="2025-03-08T11:00:00Z")
    made["advice"] = notes.save_note(
        store, Attribution("cardiff", 4, T1, "Table 1", "w4-advice-draft"), "advice",
        "Publish error rates", [theme_id("advice", "Accuracy and bias")],
        noted_at="2025-06-14T10:00:00Z")
    notes.save_note(store, Attribution("durham", 2), "note", "Durham's own note")
    return made


def make_view(qtbot, store, default_pack, changes=None) -> NotesView:
    view = NotesView(store, default_pack, "cardiff", changes=changes)
    qtbot.addWidget(view)
    view.resize(1100, 600)
    view.show()
    return view


def test_this_sites_notes_newest_first(qtbot, store, default_pack):
    set_up(store, default_pack)
    fill(store)
    view = make_view(qtbot, store, default_pack)
    assert view.shown_texts() == ["Publish error rates", "Like the café on the corner",
                                  "Mae'r ŵyn yn y cae"]
    assert view.model.index(2, STAR).data() == "☆"
    assert view.model.index(2, 3).data() == "“Mae'r ŵyn yn y cae”"


def test_search_as_you_type_folds_welsh_and_accents(qtbot, store, default_pack):
    set_up(store, default_pack)
    fill(store)
    view = make_view(qtbot, store, default_pack)
    view.search.setFocus()
    type_text(view.search, "wyn")
    qtbot.waitUntil(lambda: view.shown_texts() == ["Mae'r ŵyn yn y cae"], timeout=10_000)
    view.search.clear()
    type_text(view.search, "CAFE")
    qtbot.waitUntil(lambda: view.shown_texts() == ["Like the café on the corner"], timeout=10_000)


def test_filters_combine(qtbot, store, default_pack):
    set_up(store, default_pack)
    fill(store)
    view = make_view(qtbot, store, default_pack)

    def choose(combo, data):
        combo.setCurrentIndex(combo.findData(data))

    choose(view.workshop_combo, 2)
    assert len(view.shown_texts()) == 2
    choose(view.table_combo, T2)
    assert view.shown_texts() == ["Like the café on the corner"]
    choose(view.table_combo, None)
    choose(view.use_case_combo, "call_101")
    assert view.shown_texts() == ["Mae'r ŵyn yn y cae"]
    choose(view.use_case_combo, None)
    choose(view.step_combo, "w2-hotspots-discussion")
    assert view.shown_texts() == ["Like the café on the corner"]
    choose(view.step_combo, None)
    choose(view.theme_combo, theme_id("call_101", "Efficiency"))
    assert view.shown_texts() == ["Mae'r ŵyn yn y cae"]
    choose(view.theme_combo, None)
    choose(view.workshop_combo, None)
    choose(view.kind_combo, "advice")
    assert view.shown_texts() == ["Publish error rates"]


def test_updates_live_and_stars_a_quote(qtbot, store, default_pack):
    set_up(store, default_pack)
    made = fill(store)
    changes = StoreSignals(store)
    view = make_view(qtbot, store, default_pack, changes)
    notes.save_note(store, Attribution("cardiff", 2), "note", "arrived by merge")
    qtbot.waitUntil(lambda: "arrived by merge" in view.shown_texts(), timeout=10_000)
    row = view.shown_texts().index("Mae'r ŵyn yn y cae")
    rect = view.table.visualRect(view.model.index(row, STAR))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert store.get("notes", made["ŵyn"]["id"])["starred"] == 1
    view.starred_only.setChecked(True)
    qtbot.waitUntil(lambda: view.shown_texts() == ["Mae'r ŵyn yn y cae"], timeout=10_000)
    assert view.model.index(0, STAR).data() == "★"
    changes.detach()


def test_advice_grouped_by_theme_and_editable(qtbot, store, default_pack):
    set_up(store, default_pack)
    made = fill(store)
    notes.save_note(store, Attribution("cardiff", 4), "advice", "Tell people when AI is used")
    changes = StoreSignals(store)
    view = AdviceView(store, default_pack, "cardiff", changes)
    qtbot.addWidget(view)
    view.show()
    assert view.items() == {"Accuracy and bias": ["Publish error rates"],
                            "No advice theme yet": ["Tell people when AI is used"]}
    item = view.tree.topLevelItem(0).child(0)
    item.setText(0, "Publish error rates every year")
    assert store.get("notes", made["advice"]["id"])["text"] == "Publish error rates every year"
    untagged = view.tree.topLevelItem(1).child(0)
    view.tree.setCurrentItem(untagged)
    view.theme_combo.setCurrentIndex(view.theme_combo.findText("Transparency in implementation"))
    view.move_selected()
    qtbot.waitUntil(lambda: "Transparency in implementation" in view.items(), timeout=10_000)
    moved = [n for n in notes.search_notes(store, notes.NoteFilter(kind="advice", site="cardiff"))
             if n["text"].startswith("Tell")][0]
    assert json.loads(moved["themes"]) == [theme_id("advice", "Transparency in implementation")]
    changes.detach()
