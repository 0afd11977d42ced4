"""Quota vs actual: who counts (attendance, withdrawal), derived variables, not recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.core import ballots, participants
from facilitator.core.errors import SessionPackError
from facilitator.core.pack import load_pack
from facilitator.core.quotas import quotas, shortfalls
from facilitator.core.roster import import_roster, participant_id
from facilitator.core.store import Store

ROSTER = """\ufeffcode,site,gender,age_band,ethnicity,area,seg,lgbtqia,trust_police,ai_opinion
CDF-01,Caerdydd,Male,55+,Black British,Urban,C1,Straight,1,5
CDF-02,Cardiff,Female,18-24,White British,Village/Rural,D,Gay,5,1
CDF-03,Cardiff,Man,18-24,Prefer not to say,Small town/Suburban,AB,No,3,3
CDF-04,Cardiff,Man,65+,Mixed race,Urban,E,No,2,2
DUR-01,Durham,Woman,45-54,White British,Village/Rural,AB,No,4,4
"""


@pytest.fixture
def roster(store, default_pack, tmp_path: Path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    import_roster(store, default_pack, path)
    return store


def test_shape_and_counts_without_attendance(roster, default_pack):
    out = quotas(roster, default_pack)
    assert list(out["sites"]) == ["Cardiff", "Durham", "London"]
    cardiff = out["sites"]["Cardiff"]
    expected_vars = [v.id for v in default_pack.variables] + [d.id for d in default_pack.derived]
    assert list(cardiff) == expected_vars
    assert cardiff["gender"]["man"] == {"quota": 8, "actual": 3}
    assert cardiff["gender"]["woman"] == {"quota": 8, "actual": 1}
    assert cardiff["ethnicity"]["not recorded"] == {"quota": None, "actual": 1}
    assert cardiff["ethnic_minority"] == {"yes": {"quota": 5, "actual": 2},
                                          "no": {"quota": None, "actual": 2}}
    assert cardiff["black_men"]["yes"] == {"quota": 2, "actual": 1}
    assert cardiff["age_band"]["55-64"]["actual"] == 1
    assert out["sites"]["London"]["gender"]["man"] == {"quota": 8, "actual": 0}
    # Durham has no black_men quota, but the derived variable is still shown.
    assert out["sites"]["Durham"]["black_men"]["yes"] == {"quota": None, "actual": 0}
    assert ("Cardiff", "gender", "woman", 8, 1) in shortfalls(out)


def test_once_attendance_is_recorded_only_attendees_count(roster, default_pack):
    pid = participant_id("cardiff", "CDF-01")
    ballots.set_attendance(roster, pid, 2, True)
    ballots.set_attendance(roster, participant_id("cardiff", "CDF-02"), 4, False)
    # Online workshops are not attendance at an in-person day.
    ballots.set_attendance(roster, participant_id("cardiff", "CDF-03"), 1, True)
    cardiff = quotas(roster, default_pack, "cardiff")["sites"]["Cardiff"]
    assert cardiff["gender"]["man"]["actual"] == 1 and cardiff["gender"]["woman"]["actual"] == 0
    # Durham never recorded attendance: all its participants count.
    assert quotas(roster, default_pack, "Durham")["sites"]["Durham"]["gender"]["woman"][
        "actual"] == 1


def test_withdrawn_and_erased_do_not_count(roster, default_pack):
    participants.withdraw(roster, participant_id("cardiff", "CDF-01"))
    participants.erase(roster, participant_id("cardiff", "CDF-02"))
    cardiff = quotas(roster, default_pack, "cardiff")["sites"]["Cardiff"]
    assert cardiff["gender"]["man"]["actual"] == 2
    assert cardiff["gender"]["woman"]["actual"] == 0
    assert cardiff["gender"]["not recorded"]["actual"] == 0  # the tombstone is not counted


def test_unknown_site(roster, default_pack):
    with pytest.raises(SessionPackError, match="unknown site"):
        quotas(roster, default_pack, "Atlantis")


_PACK = load_pack(Path(__file__).resolve().parent.parent / "sessions" / "ai-in-policing")


@settings(max_examples=20, deadline=None)
@given(st.lists(st.fixed_dictionaries({v.id: st.sampled_from([*v.categories, "not recorded"])
                                       for v in _PACK.variables}), max_size=12))
def test_each_variable_partitions_the_site(people):
    import tempfile

    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "q.db") as store:
        for i, fields in enumerate(people):
            store.create("participants", {"site": "london", "code": f"L{i}", **fields})
        out = quotas(store, _PACK, "london")["sites"]["London"]
        for variable, categories in out.items():
            assert sum(c["actual"] for c in categories.values()) == len(people), variable
