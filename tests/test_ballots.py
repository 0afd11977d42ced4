"""Ballots: validation, one per participant per workshop, kiosk state, double entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.core import ballots, participants
from facilitator.core.ballots import (
    BallotError,
    DuplicateBallotError,
    VotingClosedError,
    ballot_for,
    cast_ballot,
    keying_mismatches,
    pending_keyings,
    record_keying,
    resolve_keying,
    validate_ranking,
)
from facilitator.core.errors import StoreError
from facilitator.core.roster import import_roster, participant_id
from facilitator.core.store import Store

ROSTER = (
    "\ufeffcode,site,gender,age_band,ethnicity,area,seg,lgbtqia,trust_police,ai_opinion\n"
    "CDF-01,Cardiff,Man,55+,White British,Small town/Suburban,C1,Straight,2,Very positive\n"
    "CDF-02,Caerdydd,Woman,18-24,Mixed race,Village/Rural,D,Gay,5,1\n"
    "DUR-01,Durham,Female,65+,Asian/Asian British,Urban,AB,No,3,3\n"
)


def add_roster(store: Store, pack, tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    import_roster(store, pack, path)


@pytest.fixture
def ids(default_pack):
    return default_pack.use_case_ids


@pytest.fixture
def roster(store, default_pack, tmp_path):
    add_roster(store, default_pack, tmp_path)
    return {"cdf1": participant_id("cardiff", "CDF-01"),
            "cdf2": participant_id("cardiff", "CDF-02"),
            "dur1": participant_id("durham", "DUR-01")}


def test_validate_ranking_names_what_is_wrong(default_pack, ids):
    assert validate_ranking(default_pack, list(ids)) == ids
    with pytest.raises(BallotError, match="not ranked: Predicting crime hotspots"):
        validate_ranking(default_pack, [u for u in ids if u != "hotspots"])
    twice = [*ids[:5], ids[0]]
    with pytest.raises(BallotError) as info:
        validate_ranking(default_pack, twice)
    assert "more than once" in info.value.message and "not ranked" in info.value.message
    with pytest.raises(BallotError, match="unknown use case 'jetpacks'"):
        validate_ranking(default_pack, [*ids[:5], "jetpacks"])


def test_kiosk_ballot_needs_voting_open(store, default_pack, ids):
    assert ballots.voting_state(store, "cardiff", 2) == "closed"
    with pytest.raises(VotingClosedError):
        cast_ballot(store, default_pack, site="cardiff", workshop=2, ranking=ids)
    ballots.set_voting(store, "cardiff", 2, True)
    assert ballots.voting_state(store, "cardiff", 2) == "open"
    ballot = cast_ballot(store, default_pack, site="Cardiff", workshop=2, ranking=ids)
    assert ballot["source"] == "kiosk" and ballot["participant_id"] is None
    assert ballot["site"] == "cardiff" and ballots.ranking_of(ballot) == ids
    ballots.set_voting(store, "cardiff", 2, False)
    with pytest.raises(VotingClosedError):
        cast_ballot(store, default_pack, site="cardiff", workshop=2, ranking=ids)
    # Paper and imports are typed in later: they do not depend on the kiosk state.
    cast_ballot(store, default_pack, site="cardiff", workshop=2, ranking=ids, source="paper")
    assert store.count("ballots") == 2


def test_one_ballot_per_participant_per_workshop(store, default_pack, ids, roster):
    pid = roster["cdf1"]
    first = cast_ballot(store, default_pack, site="cardiff", workshop=3, ranking=ids,
                        participant_id=pid, source="paper")
    assert first["id"] == ballots.ballot_id(pid, 3)
    assert ballot_for(store, pid, 3)["ranking"] == first["ranking"]
    assert ballot_for(store, pid, 2) is None
    # The same ballot again changes nothing.
    again = cast_ballot(store, default_pack, site="cardiff", workshop=3, ranking=ids,
                        participant_id=pid, source="paper")
    assert again["revision"] == 1
    other = list(reversed(ids))
    with pytest.raises(DuplicateBallotError) as info:
        cast_ballot(store, default_pack, site="cardiff", workshop=3, ranking=other,
                    participant_id=pid, source="paper")
    assert info.value.existing["id"] == first["id"]
    assert "CDF-01" in info.value.message
    replaced = cast_ballot(store, default_pack, site="cardiff", workshop=3, ranking=other,
                           participant_id=pid, source="paper", replace=True)
    assert replaced["id"] == first["id"] and replaced["revision"] == 2
    assert ballots.ranking_of(ballot_for(store, pid, 3)) == tuple(other)
    assert store.count("ballots") == 1


def test_two_laptops_agree_on_a_participants_ballot_id(default_pack, ids, tmp_path):
    made = []
    for name in ("a", "b"):
        with Store(tmp_path / f"{name}.db", device_id=name) as store:
            add_roster(store, default_pack, tmp_path)
            pid = participant_id("cardiff", "cdf-02")
            made.append(cast_ballot(store, default_pack, site="cardiff", workshop=3,
                                    ranking=ids, participant_id=pid, source="paper")["id"])
    assert made[0] == made[1]


def test_withdrawn_or_unknown_or_other_site_participant_is_refused(store, default_pack,
                                                                    ids, roster):
    participants.withdraw(store, roster["cdf2"])
    with pytest.raises(BallotError, match="withdrawn"):
        cast_ballot(store, default_pack, site="cardiff", workshop=3, ranking=ids,
                    participant_id=roster["cdf2"], source="paper")
    with pytest.raises(BallotError, match="not on the roster"):
        cast_ballot(store, default_pack, site="cardiff", workshop=3, ranking=ids,
                    participant_id=participant_id("cardiff", "NOPE"), source="paper")
    with pytest.raises(BallotError, match="Durham roster"):
        cast_ballot(store, default_pack, site="cardiff", workshop=3, ranking=ids,
                    participant_id=roster["dur1"], source="paper")
    with pytest.raises(BallotError, match="unknown workshop"):
        cast_ballot(store, default_pack, site="cardiff", workshop=9, ranking=ids,
                    source="paper")
    assert store.count("ballots") == 0


def test_attendance_is_one_record_per_participant_and_workshop(store, roster):
    ballots.set_attendance(store, roster["cdf1"], 2, True)
    ballots.set_attendance(store, roster["cdf2"], 2, False)
    ballots.set_attendance(store, roster["cdf2"], 2, True)
    assert ballots.attendance_for(store, "cardiff", 2) == {roster["cdf1"]: True,
                                                            roster["cdf2"]: True}
    assert ballots.attendance_for(store, "cardiff", 4) == {}
    assert store.count("attendance") == 2
    record = store.get("attendance", ballots.attendance_id(roster["cdf2"], 2))
    assert record["revision"] == 2 and record["site"] == "cardiff"


def test_double_entry_counts_only_when_both_keyings_agree(store, default_pack, ids, roster):
    other = tuple(reversed(ids))
    out = record_keying(store, default_pack, site="cardiff", workshop=2, sheet="1",
                        ranking=ids, participant_id=None, keyer=1)
    assert out.status == "waiting" and out.ballot is None
    assert [k["sheet"] for k in pending_keyings(store, "cardiff", 2)] == ["1"]
    assert ballots.counted_ballots(store) == 0
    out = record_keying(store, default_pack, site="cardiff", workshop=2, sheet="1",
                        ranking=ids, participant_id=None, keyer=2)
    assert out.status == "matched" and out.ballot is not None
    assert out.ballot["entry"] == "double" and out.ballot["source"] == "paper"
    assert ballots.counted_ballots(store) == 1
    assert pending_keyings(store, "cardiff", 2) == []
    with pytest.raises(BallotError, match="already counted"):
        record_keying(store, default_pack, site="cardiff", workshop=2, sheet="1",
                      ranking=ids, participant_id=None, keyer=1)

    # Sheet 2: the keyers disagree on the ranking and on who it was.
    record_keying(store, default_pack, site="cardiff", workshop=2, sheet="2", ranking=ids,
                  participant_id=roster["cdf1"], keyer=1)
    out = record_keying(store, default_pack, site="cardiff", workshop=2, sheet="2",
                        ranking=other, participant_id=roster["cdf2"], keyer=2)
    assert out.status == "mismatch"
    [mismatch] = keying_mismatches(store, "cardiff", 2)
    assert mismatch.sheet == "2" and mismatch.differences == ("participant_id", "ranking")
    assert ballots.counted_ballots(store) == 1
    with pytest.raises(BallotError, match="different participants"):
        resolve_keying(store, "2", other)
    with pytest.raises(BallotError, match="every use case"):
        resolve_keying(store, "2", other[:5], participant_id=roster["cdf2"])
    ballot = resolve_keying(store, "2", other, participant_id=roster["cdf2"])
    assert ballot["id"] == ballots.ballot_id(roster["cdf2"], 2)
    assert ballots.ranking_of(ballot) == other
    assert keying_mismatches(store, "cardiff", 2) == []
    assert ballots.counted_ballots(store) == 2
    # The keyings are kept: nothing is lost.
    assert store.count("ballots", "entry IN ('first', 'second')") == 4


def test_a_keyer_can_correct_their_own_keying(store, default_pack, ids):
    other = tuple(reversed(ids))
    record_keying(store, default_pack, site="cardiff", workshop=2, sheet="7",
                  ranking=other, participant_id=None, keyer=1)
    out = record_keying(store, default_pack, site="cardiff", workshop=2, sheet="7",
                        ranking=ids, participant_id=None, keyer=2)
    assert out.status == "mismatch"
    out = record_keying(store, default_pack, site="cardiff", workshop=2, sheet="7",
                        ranking=ids, participant_id=None, keyer=1)
    assert out.status == "matched" and out.keying["revision"] == 2
    assert keying_mismatches(store, "cardiff", 2) == []


def test_erased_participant_keeps_only_the_tombstone(store, default_pack, ids, roster):
    pid = roster["cdf1"]
    participants.set_quote_consent(store, pid, False)
    cast_ballot(store, default_pack, site="cardiff", workshop=3, ranking=ids,
                participant_id=pid, source="paper")
    participants.erase(store, pid)
    person = store.get("participants", pid)
    assert person["erased"] == 1 and person["withdrawn"] == 1
    assert person["code"] == "CDF-01" and person["site"] == "cardiff"
    for variable in default_pack.variables:
        assert person[variable.id] == "not recorded"
    assert store.conflicts("participants") == []
    assert ballots.counted_ballots(store) == 0
    with pytest.raises(StoreError, match="cannot be undone"):
        store.edit("participants", pid, {"erased": 0})


def test_find_by_code_prefix_not_withdrawn_first(store, roster):
    assert [p["code"] for p in participants.find(store, "cardiff", "cdf")] == [
        "CDF-01", "CDF-02"]
    participants.withdraw(store, roster["cdf1"])
    assert [p["code"] for p in participants.find(store, "cardiff", "")] == [
        "CDF-02", "CDF-01"]
    assert [p["code"] for p in participants.find(store, "cardiff", "02")] == ["CDF-02"]
    assert participants.find(store, "cardiff", "DUR") == []
    assert participants.find(store, "cardiff", "%") == []


def _carry(source: Store, target: Store, tables: tuple[str, ...]) -> None:
    """Bring every version of ``tables`` from one laptop's store into another's, as a
    merge does (put_version applies the record laws and checks natural-key ids)."""
    with target.transaction(cause="merge"):
        for table in tables:
            for record in source.rows(table):
                target.put_version(table, record)


def test_votes_tables_merge_between_laptops(default_pack, ids, tmp_path):
    tables = ("participants", "ballots", "attendance", "value_maps")
    other = tuple(reversed(ids))
    with Store(tmp_path / "console.db", device_id="console") as console, \
            Store(tmp_path / "table.db", device_id="table") as table:
        for store in (console, table):
            add_roster(store, default_pack, tmp_path)
            ballots.set_voting(store, "cardiff", 2, True)
        cdf1, cdf2 = participant_id("cardiff", "CDF-01"), participant_id("cardiff", "CDF-02")
        cast_ballot(console, default_pack, site="cardiff", workshop=2, ranking=ids,
                    participant_id=cdf1)
        cast_ballot(console, default_pack, site="cardiff", workshop=2, ranking=ids)
        ballots.set_attendance(console, cdf1, 2, True)
        _carry(console, table, tables)
        # On the table laptop: CDF-01 changes their ballot, CDF-02 withdraws.
        cast_ballot(table, default_pack, site="cardiff", workshop=2, ranking=other,
                    participant_id=cdf1, replace=True)
        cast_ballot(table, default_pack, site="cardiff", workshop=2, ranking=ids,
                    participant_id=cdf2)
        participants.withdraw(table, cdf2)
        ballots.set_attendance(table, cdf2, 2, True)
        from facilitator.core.roster import remember_value_map

        remember_value_map(table, "area", "Seaside", "suburban")
        _carry(table, console, tables)
        _carry(table, console, tables)  # twice changes nothing
        assert ballots.ranking_of(ballot_for(console, cdf1, 2)) == other
        assert ballots.counted_ballots(console) == 2  # CDF-01's latest + the anonymous one
        assert ballots.attendance_for(console, "cardiff", 2) == {cdf1: True, cdf2: True}
        assert console.get("participants", cdf2)["withdrawn"] == 1
        assert console.count("value_maps") == 1
        # A laptop that still has CDF-02 un-withdrawn cannot bring them back.
        _carry(console, table, tables)
        assert table.get("participants", cdf2)["withdrawn"] == 1
        assert ballots.counted_ballots(table) == 2


def test_erasure_on_one_laptop_blanks_the_other_and_stops_the_ballot(default_pack, ids,
                                                                      tmp_path):
    tables = ("participants", "ballots")
    with Store(tmp_path / "a.db", device_id="a") as a, \
            Store(tmp_path / "b.db", device_id="b") as b:
        for store in (a, b):
            add_roster(store, default_pack, tmp_path)
        pid = participant_id("cardiff", "CDF-02")
        cast_ballot(a, default_pack, site="cardiff", workshop=3, ranking=ids,
                    participant_id=pid, source="paper")
        # b edits CDF-02 (a later revision) while a erases them.
        b.edit("participants", pid, {"gender": "other"})
        b.edit("participants", pid, {"age_band": "25-34"})
        participants.erase(a, pid)
        _carry(a, b, tables)
        _carry(b, a, tables)
        for store in (a, b):
            person = store.get("participants", pid)
            assert (person["erased"], person["withdrawn"]) == (1, 1)
            assert all(person[v.id] == "not recorded" for v in default_pack.variables)
            assert store.conflicts("participants") == []
            assert ballots.counted_ballots(store) == 0
