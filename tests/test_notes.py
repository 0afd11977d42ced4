"""Notes core: durable saves, edits and deletes that merge, drafts, themes, search."""

from __future__ import annotations

import json

import pytest

from facilitator.core import notes, themes, venue
from facilitator.core.errors import FacilitatorError
from facilitator.core.notes import Attribution, NoteFilter
from facilitator.core.pack import ADVICE_GROUP, theme_id
from facilitator.core.records import natural_id
from facilitator.core.roster import participant_id
from facilitator.core.store import Store

CARDIFF_W2 = Attribution("cardiff", 2, venue.table_id("cardiff", "Table 1"), "Table 1",
                         "w2-discuss-101", "call_101")


def _person(store: Store, code: str, **fields: object) -> str:
    pid = participant_id("cardiff", code)
    store.create("participants", {"site": "cardiff", "code": code, **fields}, record_id=pid)
    return pid


def test_a_saved_note_is_in_the_file_when_save_returns(store, tmp_path):
    record = notes.save_note(store, CARDIFF_W2, "quote", "  I'd trust a person on 999 calls \n",
                             ["t1", "t1", "t2"])
    assert record["text"] == "I'd trust a person on 999 calls"
    # A second connection (another process would see the same) finds it committed.
    with Store(tmp_path / "test.db") as other:
        row = other.get("notes", record["id"])
    assert row is not None and row["kind"] == "quote" and row["table_name"] == "Table 1"
    assert json.loads(row["themes"]) == ["t1", "t2"]
    assert row["origin_device"] == store.device_id and row["revision"] == 1


def test_saving_clears_the_draft_in_the_same_transaction(store):
    notes.save_draft(store, "capture", "half a thought", {"kind": "quote"})
    assert notes.load_draft(store, "capture").state == {"kind": "quote"}
    notes.save_note(store, CARDIFF_W2, "note", "half a thought", clear_draft_slot="capture")
    assert notes.load_draft(store, "capture") is None


@pytest.mark.parametrize("kind,text,field", [("note", "   ", "text"), ("memo", "x", "kind")])
def test_empty_text_or_bad_kind_is_refused_and_nothing_saved(store, kind, text, field):
    with pytest.raises(FacilitatorError) as info:
        notes.save_note(store, CARDIFF_W2, kind, text)
    assert info.value.field == field
    assert store.count("notes") == 0


def test_withdrawn_participant_cannot_be_attributed(store):
    pid = _person(store, "CDF-07")
    store.edit("participants", pid, {"withdrawn": 1})
    with pytest.raises(FacilitatorError, match="withdrawn"):
        notes.save_note(store, CARDIFF_W2, "quote", "words", participant_id=pid)
    assert [p.code for p in notes.attributable_participants(store, "cardiff")] == []
    assert store.count("notes") == 0


def test_quote_from_someone_who_said_no_is_flagged_not_refused(store):
    pid = _person(store, "CDF-08", quote_consent=0)
    assert "said no to quotes" in notes.consent_warning(store, pid, "quote")
    assert notes.consent_warning(store, pid, "note") is None
    notes.save_note(store, CARDIFF_W2, "quote", "still counted", participant_id=pid)
    assert store.count("notes") == 1


def test_edit_bumps_revision_delete_is_a_flag_and_undo_restores(store):
    record = notes.save_note(store, CARDIFF_W2, "note", "first")
    edited = notes.edit_note(store, record["id"], {"text": "second", "themes": ["a"]})
    assert edited["revision"] == 2 and edited["themes"] == '["a"]'
    notes.delete_note(store, record["id"])
    row = store.get("notes", record["id"])
    assert row["deleted"] == 1 and row["revision"] == 3
    assert notes.search_notes(store, NoteFilter()) == []
    notes.restore_note(store, record["id"])
    assert [n["text"] for n in notes.search_notes(store, NoteFilter())] == ["second"]
    # Unchanged edits do not bump the revision.
    assert notes.edit_note(store, record["id"], {"text": "second"})["revision"] == 4


def test_star_a_quote(store):
    record = notes.save_note(store, CARDIFF_W2, "quote", "star me")
    notes.set_starred(store, record["id"], True)
    assert [n["id"] for n in notes.search_notes(store, NoteFilter(starred=True))] == [record["id"]]


def test_drafts_round_trip_and_clear(store):
    assert notes.load_draft(store, "capture") is None
    notes.save_draft(store, "capture", "Caerdydd\nline two", {"themes": ["x"]})
    draft = notes.load_draft(store, "capture")
    assert draft.text == "Caerdydd\nline two" and draft.state == {"themes": ["x"]}
    notes.save_draft(store, "capture", "  ")
    assert notes.load_draft(store, "capture") is None


def test_drafts_are_local_and_announce_nothing(store):
    heard = []
    store.add_listener(heard.append)
    notes.save_draft(store, "capture", "typing")
    assert heard == []
    assert "note_drafts" not in store.specs


def test_full_text_search_folds_welsh_and_accents(store):
    notes.save_note(store, CARDIFF_W2, "quote", "Yn Nhŷ Ddewi mae'r ŵyn yn hapus")
    notes.save_note(store, CARDIFF_W2, "note", "Le café près de la gare: 999 calls")
    notes.save_note(store, CARDIFF_W2, "note", "Caerdydd and Abertawe")

    def found(text: str) -> list[str]:
        return [n["text"] for n in notes.search_notes(store, NoteFilter(text=text))]

    assert found("wyn") == ["Yn Nhŷ Ddewi mae'r ŵyn yn hapus"]
    assert found("nhy") == ["Yn Nhŷ Ddewi mae'r ŵyn yn hapus"]
    assert found("CAFÉ") == found("cafe") == ["Le café près de la gare: 999 calls"]
    assert found("caerd") == ["Caerdydd and Abertawe"]
    assert found("999") == ["Le café près de la gare: 999 calls"]
    assert found('"; DROP') == []  # typed punctuation is never FTS syntax
    assert found("***") == []


def test_search_follows_edits_and_filters_combine(store):
    a = notes.save_note(store, CARDIFF_W2, "quote", "privacy matters", [theme_id("call_101", "Efficiency")])
    notes.save_note(store, Attribution("cardiff", 4, use_case=None), "advice", "privacy rules")
    notes.save_note(store, Attribution("durham", 2), "note", "privacy in Durham")
    assert len(notes.search_notes(store, NoteFilter(text="privacy"))) == 3
    assert len(notes.search_notes(store, NoteFilter(text="privacy", site="cardiff"))) == 2
    assert len(notes.search_notes(store, NoteFilter(site="cardiff", kind="advice"))) == 1
    assert len(notes.search_notes(store, NoteFilter(workshop=2, use_case="call_101"))) == 1
    assert len(notes.search_notes(store, NoteFilter(step_id="w2-discuss-101"))) == 1
    assert len(notes.search_notes(store, NoteFilter(table_id=CARDIFF_W2.table_id))) == 1
    only = notes.search_notes(store, NoteFilter(theme=theme_id("call_101", "Efficiency")))
    assert [n["id"] for n in only] == [a["id"]]
    notes.edit_note(store, a["id"], {"text": "secrecy matters"})
    assert len(notes.search_notes(store, NoteFilter(text="privacy"))) == 2
    assert len(notes.search_notes(store, NoteFilter(text="secrecy"))) == 1
    ok = store.db.execute("INSERT INTO notes_fts(notes_fts) VALUES('integrity-check')")
    assert ok.fetchall() == []


def test_search_index_rebuilds_from_notes(store):
    notes.save_note(store, CARDIFF_W2, "note", "rebuild me")
    notes.rebuild_search_index(store)
    assert len(notes.search_notes(store, NoteFilter(text="rebuild"))) == 1


def test_newest_first(store):
    notes.save_note(store, CARDIFF_W2, "note", "older", noted_at="2025-03-08T10:00:00Z")
    notes.save_note(store, CARDIFF_W2, "note", "newer", noted_at="2025-03-08T11:00:00Z")
    assert [n["text"] for n in notes.search_notes(store, NoteFilter())] == ["newer", "older"]


def test_codebook_per_use_case_with_ad_hoc_themes(store, default_pack):
    base = themes.themes_for(store, default_pack, "call_101")
    assert [t.label for t in base][:3] == ["Trust in familiarity", "Efficiency",
                                          "Languages and accents"]
    added = themes.add_custom_theme(store, default_pack, "call_101", "  Welsh  language ")
    assert added.label == "Welsh language" and added.custom
    assert added.id == natural_id("theme", "call_101", "welsh language")
    assert themes.themes_for(store, default_pack, "call_101")[-1] == added
    # The same name again (any case) is the same theme; a codebook name is the pack's.
    assert themes.add_custom_theme(store, default_pack, "call_101", "WELSH LANGUAGE") == added
    assert themes.add_custom_theme(store, default_pack, "call_101", "efficiency").custom is False
    assert store.count("themes_custom") == 1
    assert [t.label for t in themes.themes_for(store, default_pack, ADVICE_GROUP)][0] == \
        "Oversight and accountability"
    with pytest.raises(FacilitatorError):
        themes.add_custom_theme(store, default_pack, "call_101", "a;b")


def test_two_laptops_adding_one_ad_hoc_theme_agree_on_its_id(tmp_path, default_pack):
    with Store(tmp_path / "a.db", device_id="A") as a, Store(tmp_path / "b.db", device_id="B") as b:
        ta = themes.add_custom_theme(a, default_pack, "hotspots", "Gentrification")
        tb = themes.add_custom_theme(b, default_pack, "hotspots", "gentrification")
        assert ta.id == tb.id
        with b.transaction():
            assert b.put_version("themes_custom", a.get("themes_custom", ta.id)) in (
                "unchanged", "kept", "updated")
        assert b.count("themes_custom") == 1


def test_match_theme_prefers_the_use_case_then_the_whole_codebook(store, default_pack):
    found = themes.match_theme(store, default_pack, "privacy", "summarising_sensitive")
    assert found.id == theme_id("summarising_sensitive", "Privacy")
    other = themes.match_theme(store, default_pack, "Stigmatisation", "call_101")
    assert other.group == "hotspots"
    assert themes.match_theme(store, default_pack, "accuracy_and_bias", ADVICE_GROUP).label == \
        "Accuracy and bias"
    assert themes.match_theme(store, default_pack, "nothing like it", "call_101") is None


def test_laptop_label_and_table(store, default_pack):
    venue.save(store, default_pack, venue.VenueSettings("cardiff", 2, ("Table 1", "Table 3")))
    assert venue.laptop(store) == venue.LaptopSettings("", None)
    t3 = venue.table_id("cardiff", "Table 3")
    venue.save_laptop(store, "Table 3 laptop", t3)
    assert venue.laptop(store) == venue.LaptopSettings("Table 3 laptop", t3)
    row = store.get("devices", store.device_id)
    assert row["site"] == "cardiff" and row["revision"] == 1
    venue.save_laptop(store, "Console", None)
    assert store.get("devices", store.device_id)["revision"] == 2
