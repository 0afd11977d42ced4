"""Venue settings: remembered, validated against the pack, tables as merged records."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.core import venue
from facilitator.core.errors import SettingsError
from facilitator.core.pack import SessionPack
from facilitator.core.records import natural_id
from facilitator.core.store import Store
from facilitator.core.venue import VenueSettings


def in_person(pack: SessionPack) -> int:
    return next(w.number for w in pack.workshops if w.in_person)


def test_not_configured_until_saved(store: Store, default_pack: SessionPack) -> None:
    assert not venue.is_configured(store)
    assert venue.load(store) is None
    saved = venue.save(store, default_pack,
                       VenueSettings("Cardiff", in_person(default_pack), (" Table 1", "Window")))
    assert saved == VenueSettings("cardiff", in_person(default_pack), ("Table 1", "Window"))
    assert venue.is_configured(store)
    assert venue.load(store) == saved
    assert store.site == "cardiff"


def test_settings_survive_reopening(tmp_path: Path, default_pack: SessionPack) -> None:
    path = tmp_path / "f.db"
    with Store(path) as store:
        venue.save(store, default_pack, VenueSettings("durham", 4, ("A", "B")))
    with Store(path) as store:
        assert venue.load(store) == VenueSettings("durham", 4, ("A", "B"))


def test_tables_have_natural_ids_and_removed_ones_are_flagged(
        store: Store, default_pack: SessionPack) -> None:
    venue.save(store, default_pack, VenueSettings("cardiff", 2, ("T1", "T2", "T3")))
    ids = {r["name"]: r["id"] for r in store.rows("venue_tables")}
    assert ids["T2"] == natural_id("table", "cardiff", "T2")
    venue.save(store, default_pack, VenueSettings("cardiff", 2, ("T3", "T1")))
    rows = {r["name"]: r for r in store.rows("venue_tables")}
    assert rows["T2"]["deleted"] == 1
    assert [t.name for t in venue.tables(store, "cardiff")] == ["T3", "T1"]
    venue.save(store, default_pack, VenueSettings("cardiff", 2, ("T1", "T2")))
    assert store.get("venue_tables", ids["T2"])["deleted"] == 0
    assert store.count("venue_tables") == 3  # never duplicated


@pytest.mark.parametrize(("settings", "field"), [
    (VenueSettings("atlantis", 2, ("T1",)), "site"),
    (VenueSettings("cardiff", 99, ("T1",)), "workshop"),
    (VenueSettings("cardiff", 2, ()), "tables"),
    (VenueSettings("cardiff", 2, ("T1", "  ")), "tables"),
    (VenueSettings("cardiff", 2, ("Table 1", "table 1")), "tables"),
    (VenueSettings("cardiff", 2, ("x" * 41,)), "tables"),
])
def test_validation_names_the_field(store: Store, default_pack: SessionPack,
                                    settings: VenueSettings, field: str) -> None:
    with pytest.raises(SettingsError) as info:
        venue.save(store, default_pack, settings)
    assert info.value.field == field
    assert not venue.is_configured(store)


def test_notes_per_table_counts_live_notes_of_the_day(store: Store,
                                                       default_pack: SessionPack) -> None:
    venue.save(store, default_pack, VenueSettings("cardiff", 2, ("Table 1", "Table 2")))
    t1 = venue.table_id("cardiff", "Table 1")
    for text, table, workshop in [("a", t1, 2), ("b", t1, 2), ("c", t1, 4)]:
        store.create("notes", {"site": "cardiff", "workshop": workshop, "table_id": table,
                               "kind": "note", "text": text, "noted_at": "2026-05-01T10:00:00Z"})
    gone = store.create("notes", {"site": "cardiff", "workshop": 2, "table_id": t1,
                                  "kind": "note", "text": "d", "noted_at": "2026-05-01T10:00:00Z"})
    store.mark_deleted("notes", gone["id"])
    counts = venue.notes_per_table(store, "cardiff", 2)
    assert [(c.short_name, c.count) for c in counts] == [("T1", 2), ("T2", 0)]


def test_rehearsal_uses_a_separate_database(tmp_path: Path,
                                            default_pack: SessionPack) -> None:
    path = tmp_path / "facilitator.db"
    assert venue.rehearsal_db_path(path) == tmp_path / "facilitator-rehearsal.db"
    real, rehearsal = venue.open_for_day(path)
    assert not rehearsal and not venue.is_rehearsal_store(real)
    venue.save(real, default_pack, VenueSettings("london", 2, ("North", "South")))
    venue.set_rehearsal(real, True)
    real.close()
    practice, rehearsal = venue.open_for_day(path)
    assert rehearsal and practice.path == tmp_path / "facilitator-rehearsal.db"
    assert venue.is_rehearsal_store(practice)
    assert venue.load(practice) == VenueSettings("london", 2, ("North", "South"))
    practice.create("notes", {"site": "london", "workshop": 2, "kind": "note",
                              "text": "practice", "noted_at": "2026-05-01T10:00:00Z"})
    practice.close()
    with Store(path) as real:
        assert real.count("notes") == 0
        venue.set_rehearsal(real, False)
    back, rehearsal = venue.open_for_day(path)
    assert not rehearsal and back.path == path
    back.close()
