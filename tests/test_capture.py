"""The capture panel typed into as a note-taker would: keys, chips, undo, drafts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from facilitator.core import notes, themes, venue
from facilitator.core.notes import NoteFilter
from facilitator.core.pack import SessionPack, theme_id
from facilitator.core.roster import participant_id
from facilitator.core.store import Store
from facilitator.ui.capture.capture import CapturePanel
from facilitator.ui.capture.note_taker import NoteTakerPanel
from facilitator.ui.common.store_signals import StoreSignals

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def type_text(widget: QWidget, text: str) -> None:
    """Type as a keyboard does, any character (qtbot.keyClicks knows ASCII only)."""
    for ch in text:
        key = Qt.Key.Key_Space if ch == " " else 0
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier,
                                                     ch))


def step_index(pack: SessionPack, step_id: str, workshop: int = 2) -> int:
    return [s.id for s in pack.workshop(workshop).steps].index(step_id)


def set_up(store: Store, pack: SessionPack, workshop: int = 2) -> None:
    venue.save(store, pack, venue.VenueSettings("cardiff", workshop,
                                                ("Table 1", "Table 2", "Table 3")))
    for code, consent, withdrawn in (("CDF-01", 1, 0), ("CDF-02", 0, 0), ("CDF-03", 1, 1)):
        store.create("participants", {"site": "cardiff", "code": code,
                                      "quote_consent": consent, "withdrawn": withdrawn},
                     record_id=participant_id("cardiff", code))


def make_panel(qtbot, store: Store, pack: SessionPack, workshop: int = 2,
               changes: StoreSignals | None = None) -> CapturePanel:
    tables = venue.tables(store, "cardiff")
    panel = CapturePanel(store, pack, "cardiff", workshop, steps=pack.workshop(workshop).steps,
                         tables=tables, table_id=tables[2].id, changes=changes)
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    with qtbot.waitActive(panel):
        panel.show()
        panel.activateWindow()
    panel.focus_text()
    return panel


@pytest.fixture
def panel(qtbot, store, default_pack):
    set_up(store, default_pack)
    p = make_panel(qtbot, store, default_pack)
    p.follow_step(step_index(default_pack, "w2-call101-discussion"))
    return p


def saved(store: Store) -> list[dict]:
    return notes.search_notes(store, NoteFilter())


def test_enter_saves_with_attribution_from_the_agenda(panel, store, qtbot):
    type_text(panel.edit, "The 101 line takes ages")
    with qtbot.waitSignal(panel.note_saved, timeout=10_000) as signal:
        qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    record = signal.args[0]
    [row] = saved(store)
    assert row["id"] == record["id"] and row["text"] == "The 101 line takes ages"
    assert (row["site"], row["workshop"], row["step_id"], row["use_case"], row["kind"]) == (
        "cardiff", 2, "w2-call101-discussion", "call_101", "note")
    assert row["table_name"] == "Table 3" and row["table_id"] == venue.table_id("cardiff",
                                                                                  "Table 3")
    assert panel.edit.toPlainText() == "" and panel.edit.hasFocus()
    assert panel.recent_texts()[0].startswith("✓ ") and "The 101 line" in panel.recent_texts()[0]


def test_shift_enter_is_a_new_line_and_an_empty_box_saves_nothing(panel, store, qtbot):
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    assert saved(store) == []
    type_text(panel.edit, "first line")
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return, SHIFT)
    type_text(panel.edit, "ail linell: Caerdydd ŵ ŷ")
    qtbot.keyClick(panel.edit, Qt.Key.Key_Enter)  # the keypad's Enter saves too
    assert [r["text"] for r in saved(store)] == ["first line\nail linell: Caerdydd ŵ ŷ"]


def test_ctrl_apostrophe_toggles_quote_and_the_list_shows_quotation_marks(panel, store, qtbot):
    type_text(panel.edit, "I'd rather talk to a person")
    qtbot.keyClick(panel.edit, Qt.Key.Key_Apostrophe, CTRL)
    assert panel.kind == "quote" and panel.kind_buttons["quote"].isChecked()
    qtbot.keyClick(panel.edit, Qt.Key.Key_Apostrophe, CTRL)
    assert panel.kind == "note"
    qtbot.keyClick(panel.edit, Qt.Key.Key_Apostrophe, CTRL)
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    assert saved(store)[0]["kind"] == "quote"
    assert "“I'd rather talk to a person”" in panel.recent_texts()[0]
    assert panel.kind == "note"  # the next entry starts as the step's default again


def test_space_arrows_plus_and_b_type_text(panel, store, qtbot):
    type_text(panel.edit, "B +")
    qtbot.keyClick(panel.edit, Qt.Key.Key_Left)
    type_text(panel.edit, "=")
    assert panel.edit.toPlainText() == "B =+"


def test_theme_chips_toggle_with_ctrl_numbers(panel, store, qtbot):
    labels = [b.text() for b in panel._theme_buttons]
    assert labels[:2] == ["1  Trust in familiarity", "2  Efficiency"]
    type_text(panel.edit, "cheaper than staff")
    qtbot.keyClick(panel.edit, Qt.Key.Key_2, CTRL)
    qtbot.keyClick(panel.edit, Qt.Key.Key_7, CTRL)
    qtbot.keyClick(panel.edit, Qt.Key.Key_1, CTRL)
    qtbot.keyClick(panel.edit, Qt.Key.Key_1, CTRL)  # off again
    assert panel._theme_buttons[1].isChecked() and not panel._theme_buttons[0].isChecked()
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    assert json.loads(saved(store)[0]["themes"]) == [theme_id("call_101", "Efficiency"),
                                                     theme_id("call_101", "Resourcing")]
    assert not any(b.isChecked() for b in panel._theme_buttons)
    assert "Efficiency · Resourcing" in panel.recent_texts()[0]


def test_the_picker_finds_other_themes_and_adds_ad_hoc_ones(panel, store, default_pack, qtbot):
    qtbot.keyClick(panel.edit, Qt.Key.Key_T, CTRL)
    assert panel.theme_picker.hasFocus()
    type_text(panel.theme_picker, "Stigmatisation")
    qtbot.keyClick(panel.theme_picker, Qt.Key.Key_Return)
    assert panel.edit.hasFocus()
    qtbot.keyClick(panel.edit, Qt.Key.Key_T, CTRL)
    type_text(panel.theme_picker, "Siarad Cymraeg")
    qtbot.keyClick(panel.theme_picker, Qt.Key.Key_Return)
    ad_hoc = themes.match_theme(store, default_pack, "Siarad Cymraeg", "call_101")
    assert ad_hoc is not None and ad_hoc.custom
    # The new theme is a chip of this use case from now on.
    assert panel.theme_ids_shown()[len(default_pack.themes_for("call_101"))] == ad_hoc.id
    type_text(panel.edit, "Welsh-speaking call handlers")
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    assert json.loads(saved(store)[0]["themes"]) == [theme_id("hotspots", "Stigmatisation"),
                                                     ad_hoc.id]


def test_advice_steps_default_to_advice_with_advice_themes(qtbot, store, default_pack):
    set_up(store, default_pack, workshop=4)
    panel = make_panel(qtbot, store, default_pack, workshop=4)
    panel.follow_step(step_index(default_pack, "w4-advice-draft", 4))
    assert panel.kind == "advice"
    assert panel.themes_title.text() == "Advice themes"
    type_text(panel.edit, "Publish error rates every year")
    qtbot.keyClick(panel.edit, Qt.Key.Key_1, CTRL)
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    row = saved(store)[0]
    assert row["kind"] == "advice"
    assert json.loads(row["themes"]) == [theme_id("advice", "Oversight and accountability")]
    assert panel.kind == "advice"
    qtbot.keyClick(panel.edit, Qt.Key.Key_Apostrophe, CTRL)
    assert panel.kind == "quote"
    qtbot.keyClick(panel.edit, Qt.Key.Key_Apostrophe, CTRL)
    assert panel.kind == "advice"


def test_attribution_chips_can_be_overridden_until_the_agenda_moves(panel, store, default_pack,
                                                                    qtbot):
    hotspots = next(a for a in panel.use_case_menu.actions() if a.text() ==
                    default_pack.use_case("hotspots").title)
    hotspots.trigger()
    assert panel.use_case_chip.text() == "Use case: Predicting crime hotspots"
    assert panel.use_case_chip.property("override") is True
    table_1 = next(a for a in panel.table_menu.actions() if a.text() == "Table 1")
    table_1.trigger()
    type_text(panel.edit, "heat maps stigmatise estates")
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    row = saved(store)[0]
    assert (row["use_case"], row["table_name"], row["step_id"]) == (
        "hotspots", "Table 1", "w2-call101-discussion")
    panel.follow_step(step_index(default_pack, "w2-summarising-discussion"))
    assert panel.use_case == "summarising_basic" and panel.table_chip.text() == "Table 1"


def test_participant_codes_complete_withdrawn_are_refused_no_consent_is_flagged(panel, store,
                                                                                 qtbot):
    model = panel.participant_completer.model()
    codes = [model.index(i, 0).data() for i in range(model.rowCount())]
    assert codes == ["CDF-01", "CDF-02"]  # CDF-03 withdrew
    panel.participant_edit.setText("cdf-02")
    qtbot.keyClick(panel.edit, Qt.Key.Key_Apostrophe, CTRL)
    assert panel.consent_label.isVisible() and "said no to quotes" in panel.consent_label.text()
    panel.participant_edit.setText("CDF-03")
    type_text(panel.edit, "words of someone who left")
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    assert saved(store) == [] and panel.problem_label.isVisible()
    assert panel.edit.toPlainText() == "words of someone who left"  # nothing lost
    panel.participant_edit.setText("CDF-01")
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    assert saved(store)[0]["participant_id"] == participant_id("cardiff", "CDF-01")
    assert panel.participant_edit.text() == ""


def test_delete_and_edit_with_undo_and_redo(panel, store, qtbot):
    for text in ("first note", "second note"):
        type_text(panel.edit, text)
        qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    second = saved(store)[0]
    panel.select_recent(0)
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert [r["text"] for r in saved(store)] == ["first note"]
    assert store.get("notes", second["id"])["deleted"] == 1
    # With the box empty, Ctrl+Z undoes the delete (an edit that bumps the revision).
    qtbot.keyClick(panel.edit, Qt.Key.Key_Z, CTRL)
    assert [r["text"] for r in saved(store)] == ["second note", "first note"]
    assert store.get("notes", second["id"])["revision"] == 3
    qtbot.keyClick(panel.edit, Qt.Key.Key_Z, CTRL | SHIFT)
    assert [r["text"] for r in saved(store)] == ["first note"]
    qtbot.keyClick(panel.edit, Qt.Key.Key_Z, CTRL)

    # Edit: the note comes back into the box; Enter saves the change.
    type_text(panel.edit, "half typed")
    panel.select_recent(1)
    panel.edit_selected()
    assert panel.edit.toPlainText() == "first note" and panel.editing_label.isVisible()
    qtbot.keyClick(panel.edit, Qt.Key.Key_End)
    type_text(panel.edit, ", edited")
    qtbot.keyClick(panel.edit, Qt.Key.Key_Apostrophe, CTRL)
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    edited = [r for r in saved(store) if r["text"].startswith("first")][0]
    assert (edited["text"], edited["kind"], edited["revision"]) == (
        "first note, edited", "quote", 2)
    assert panel.edit.toPlainText() == "half typed"  # what was being typed is back
    panel.undo_stack.undo()
    assert store.get("notes", edited["id"])["text"] == "first note"
    panel.undo_stack.redo()
    assert store.get("notes", edited["id"])["text"] == "first note, edited"
    # The new edit replaced the undone delete, which can no longer be redone.
    assert [panel.undo_stack.text(i) for i in range(panel.undo_stack.count())] == ["Edit note"]


def test_escape_cancels_an_edit(panel, store, qtbot):
    type_text(panel.edit, "keep me")
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    panel.select_recent(0)
    panel.edit_selected()
    type_text(panel.edit, " changed")
    qtbot.keyClick(panel.edit, Qt.Key.Key_Escape)
    assert saved(store)[0]["text"] == "keep me" and panel.edit.toPlainText() == ""


def test_the_draft_is_kept_within_a_second_and_offered_back(qtbot, store, default_pack,
                                                            tmp_path: Path):
    set_up(store, default_pack)
    panel = make_panel(qtbot, store, default_pack)
    panel.follow_step(step_index(default_pack, "w2-call101-discussion"))
    type_text(panel.edit, "not saved yet: Llanfair")
    qtbot.keyClick(panel.edit, Qt.Key.Key_Apostrophe, CTRL)
    qtbot.keyClick(panel.edit, Qt.Key.Key_2, CTRL)
    with qtbot.waitSignal(panel.draft_saved, timeout=10_000) as signal:
        pass
    assert signal.args[0] == "not saved yet: Llanfair"
    # As if the power went: a fresh panel on the file finds the draft and offers it back.
    with Store(tmp_path / "test.db") as again:
        again_panel = make_panel(qtbot, again, default_pack)
        assert again_panel.edit.toPlainText() == "not saved yet: Llanfair"
        assert again_panel.recovered_banner.isVisible()
        assert again_panel.kind == "quote" and len(again_panel.selected) == 1
        qtbot.keyClick(again_panel.edit, Qt.Key.Key_Return)
        assert notes.load_draft(again, "capture") is None
        assert saved(again)[0]["text"] == "not saved yet: Llanfair"
        assert not again_panel.recovered_banner.isVisible()


def test_discarding_a_recovered_draft(qtbot, store, default_pack):
    set_up(store, default_pack)
    notes.save_draft(store, "capture", "left over", {"kind": "note"})
    panel = make_panel(qtbot, store, default_pack)
    assert panel.recovered_banner.isVisible()
    panel._discard_recovered()
    assert panel.edit.toPlainText() == "" and notes.load_draft(store, "capture") is None


def test_a_failed_save_keeps_the_text(panel, store, qtbot):
    type_text(panel.edit, "the disk went away")
    store.close()
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    assert panel.edit.toPlainText() == "the disk went away"
    assert "Not saved" in panel.problem_label.text()


def test_note_taker_selector_moves_attribution_and_is_remembered(qtbot, store, default_pack):
    set_up(store, default_pack)
    tables = venue.tables(store, "cardiff")
    capture = CapturePanel(store, default_pack, "cardiff", 2,
                           steps=default_pack.workshop(2).steps, tables=tables)
    taker = NoteTakerPanel(store, capture)
    qtbot.addWidget(taker)
    taker.show()
    assert capture.current_step.id == default_pack.workshop(2).steps[0].id
    target = step_index(default_pack, "w2-call101-discussion")
    for _ in range(target):
        qtbot.mouseClick(taker.selector.next_button, Qt.MouseButton.LeftButton)
    assert capture.use_case == "call_101"
    qtbot.mouseClick(taker.selector.prev_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(taker.selector.next_button, Qt.MouseButton.LeftButton)
    again = NoteTakerPanel(store, CapturePanel(store, default_pack, "cardiff", 2,
                                               steps=default_pack.workshop(2).steps))
    qtbot.addWidget(again)
    assert again.selector.index == target and again.capture.use_case == "call_101"


def test_notes_saved_elsewhere_show_up_through_the_change_signal(qtbot, store, default_pack):
    set_up(store, default_pack)
    changes = StoreSignals(store)
    panel = make_panel(qtbot, store, default_pack, changes=changes)
    with qtbot.waitSignal(changes.changed, timeout=10_000):
        notes.save_note(store, notes.Attribution("cardiff", 2), "note", "merged in")
    qtbot.waitUntil(lambda: any("merged in" in t for t in panel.recent_texts()), timeout=2000)
    changes.detach()


def test_screenshot_mid_workshop_reads_whole(panel, store, qtbot, tmp_path):
    """The look, checked as a user would: no chip or button cuts its words off."""
    type_text(panel.edit, "Quicker answers would free up officers")
    qtbot.keyClick(panel.edit, Qt.Key.Key_2, CTRL)
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    type_text(panel.edit, "It can't tell a prank from someone who is scared")
    qtbot.keyClick(panel.edit, Qt.Key.Key_Apostrophe, CTRL)
    qtbot.keyClick(panel.edit, Qt.Key.Key_4, CTRL)
    qtbot.wait(50)
    image = panel.grab()
    assert image.save(str(tmp_path / "capture.png"))
    widgets = [*panel._theme_buttons, *panel.kind_buttons.values(), panel.step_chip,
               panel.use_case_chip, panel.table_chip]
    clipped = [w.text() for w in widgets if w.isVisible() and w.width() < w.sizeHint().width()]
    assert clipped == []
