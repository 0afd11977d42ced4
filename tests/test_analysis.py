"""Ranking analysis agrees with pref_voting; results count what DESIGN §5 says."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting.margin_based_methods import beat_path, beat_path_defeat
from pref_voting.profiles import Profile

from facilitator.core import ballots, participants
from facilitator.core.analysis import rank_summary, results
from facilitator.core.roster import import_roster, participant_id

IDS = ("summarising_basic", "summarising_sensitive", "call_101", "call_999_transfer",
       "hotspots", "reoffending")

ranking_st = st.permutations(IDS).map(tuple)
# Few distinct rankings, repeated: pairwise ties and Schulze ties happen often.
ballot_sets = st.lists(ranking_st, min_size=1, max_size=6).flatmap(
    lambda pool: st.lists(st.sampled_from(pool), min_size=1, max_size=25))


def profile(rankings):
    return Profile([[IDS.index(u) for u in r] for r in rankings])


@settings(max_examples=200, deadline=None)
@given(ballot_sets)
def test_agrees_with_pref_voting(rankings):
    result = rank_summary(rankings, IDS)
    prof = profile(rankings)
    n = len(rankings)
    assert result.n == n
    borda = prof.borda_scores()  # pref_voting's Borda runs 5…0; ours 6…1
    for i, a in enumerate(IDS):
        assert result.borda[a] == borda[i] + n
        assert result.positions[a] == [prof.num_rank(i, level) for level in range(1, 7)]
        mean = sum(level * prof.num_rank(i, level) for level in range(1, 7)) / n
        assert result.mean_rank[a] == pytest.approx(mean)
        for j, b in enumerate(IDS):
            if a != b:
                assert result.pairwise[a][b] == prof.support(i, j)
    # Schulze with winning votes (support) and with margins: the same defeats.
    for strength in (prof.support, None):
        defeat = beat_path_defeat(prof, strength_function=strength)
        for i, a in enumerate(IDS):
            for j, b in enumerate(IDS):
                if a != b:
                    assert result.beats(a, b) == defeat.has_edge(i, j), (a, b)
        winners = beat_path(prof, strength_function=strength)
        assert sorted(IDS.index(u) for u in result.schulze[0]) == winners


@settings(max_examples=100, deadline=None)
@given(ballot_sets)
def test_tiers_are_the_schulze_order(rankings):
    result = rank_summary(rankings, IDS)
    tiers = result.schulze
    assert sorted(u for tier in tiers for u in tier) == sorted(IDS)
    for t, tier in enumerate(tiers):
        for a in tier:
            # Nothing in this tier or below beats a; each later one is beaten by someone
            # at or above its tier's predecessor.
            for lower in tiers[t:]:
                assert not any(result.beats(b, a) for b in lower if b != a)
            if t:
                assert any(result.beats(b, a) for b in tiers[t - 1])


@settings(max_examples=50, deadline=None)
@given(ballot_sets)
def test_counts_by_signature_give_the_same_result(rankings):
    counts: dict[tuple[str, ...], int] = {}
    for r in rankings:
        counts[r] = counts.get(r, 0) + 1
    a, b = rank_summary(rankings, IDS), rank_summary(counts, IDS)
    assert (a.mean_rank, a.borda, a.positions, a.pairwise, a.schulze) == (
        b.mean_rank, b.borda, b.positions, b.pairwise, b.schulze)


def test_a_group_of_one():
    result = rank_summary([IDS], IDS)
    assert result.schulze == [[u] for u in IDS]
    assert result.mean_rank[IDS[0]] == 1.0 and result.borda[IDS[0]] == 6
    assert result.borda[IDS[-1]] == 1


def test_mean_rank_and_schulze_can_disagree():
    # Three people put 101 calls first and hotspots second; two put hotspots first and
    # 101 calls last. Hotspots has the better mean rank, but 101 calls wins 3–2.
    rest = ["summarising_basic", "summarising_sensitive", "call_999_transfer", "reoffending"]
    group = 3 * [("call_101", "hotspots", *rest)] + 2 * [("hotspots", *rest, "call_101")]
    result = rank_summary(group, IDS)
    assert result.mean_rank["hotspots"] == pytest.approx(1.6)
    assert result.mean_rank["call_101"] == pytest.approx(3.0)
    assert result.mean_rank_order()[0] == "hotspots"
    assert result.pairwise["call_101"]["hotspots"] == 3
    assert result.beats("call_101", "hotspots")
    assert result.schulze[0] == ["call_101"]
    assert ("hotspots", "call_101") in result.disagreements()
    assert result.borda["hotspots"] > result.borda["call_101"]  # 28 against 21


def test_a_ranking_that_is_not_a_full_order_is_refused():
    from facilitator.core.errors import FacilitatorError

    with pytest.raises(FacilitatorError, match="not a complete ranking"):
        rank_summary([IDS[:5]], IDS)


# -- results from the store --------------------------------------------------------------

ROSTER = "\ufeffcode,site,gender,age_band,ethnicity,area,seg,lgbtqia,trust_police,ai_opinion\n" + \
    "".join(f"CDF-{i:02d},Caerdydd,{'Man' if i % 2 else 'Woman'},35-44,"
            f"{'Black British' if i < 3 else 'White British'},Urban,C1,No,"
            f"{'1 - No trust at all' if i < 7 else '5'},3\n" for i in range(1, 11)) + \
    "".join(f"LDN-{i:02d},London,Female,25-34,Asian/Asian British,Urban,AB,No,3,3\n"
            for i in range(1, 4))


@pytest.fixture
def voted(store, default_pack, tmp_path: Path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    import_roster(store, default_pack, path)
    rng = random.Random(7)
    for i in range(1, 11):
        order = list(IDS)
        rng.shuffle(order)
        ballots.cast_ballot(store, default_pack, site="cardiff", workshop=3, ranking=order,
                            participant_id=participant_id("cardiff", f"CDF-{i:02d}"),
                            source="import")
    ballots.set_voting(store, "london", 2, True)
    for _ in range(4):
        ballots.cast_ballot(store, default_pack, site="london", workshop=2, ranking=IDS)
    return store


def test_results_json_shape_and_groups(voted, default_pack):
    out = results(voted, default_pack, by="site", workshop=2, threshold=3)
    json.dumps(out)
    assert out["workshop"] == 2 and out["workshops"] == [2, 3]
    groups = out["groups"]
    assert [(g["by"], g["value"], g["n"], g["suppressed"]) for g in groups] == [
        ("overall", None, 4, False), ("site", "Cardiff", 0, True),
        ("site", "Durham", 0, True), ("site", "London", 4, False)]
    overall = groups[0]
    assert set(overall) == {"by", "value", "n", "suppressed", "use_cases", "schulze",
                            "participants"}
    assert overall["participants"] == 0  # London's four kiosk ballots are anonymous
    assert set(overall["use_cases"]) == set(IDS)
    for cell in overall["use_cases"].values():
        assert set(cell) == {"mean_rank", "borda", "positions"}
        assert sum(cell["positions"]) == 4 and isinstance(cell["borda"], int)
    assert sorted(u for tier in overall["schulze"] for u in tier) == sorted(IDS)
    assert groups[1]["use_cases"] == {} and groups[1]["schulze"] == []
    # Without --workshop: the latest workshop with ballots, never the two pooled.
    latest = results(voted, default_pack, by="site")
    assert latest["workshop"] == 3 and latest["latest"]
    assert [(g["value"], g["n"], g["participants"]) for g in latest["groups"]] == [
        (None, 10, 10), ("Cardiff", 10, 10), ("Durham", 0, 0), ("London", 0, 0)]


def test_anonymous_ballots_count_overall_and_by_site_but_not_by_roster_variable(
        voted, default_pack):
    ballots.set_voting(voted, "cardiff", 3, True)
    for _ in range(4):
        ballots.cast_ballot(voted, default_pack, site="cardiff", workshop=3, ranking=IDS)
    by_trust = {g["value"]: g for g in results(voted, default_pack, by="trust_police")["groups"]}
    assert by_trust[None]["n"] == 14
    assert (by_trust["low"]["n"], by_trust["high"]["n"]) == (6, 4)
    assert by_trust["neutral"]["n"] == 0 and by_trust["not recorded"]["n"] == 0
    assert by_trust["high"]["suppressed"] and not by_trust["low"]["suppressed"]
    by_minority = {g["value"]: g["n"] for g in
                   results(voted, default_pack, by="ethnic_minority", threshold=1)["groups"]}
    assert by_minority == {None: 14, "yes": 2, "no": 8}
    by_workshop = {g["value"]: g["n"] for g in results(voted, default_pack,
                                                       by="workshop")["groups"]}
    assert by_workshop == {None: 14, "1": 0, "2": 4, "3": 14, "4": 0}
    assert results(voted, default_pack, workshop=2)["groups"][0]["n"] == 4


def test_withdrawn_ballot_stops_counting_and_deleted_and_pending_never_count(voted,
                                                                             default_pack):
    pid = participant_id("cardiff", "CDF-01")
    def n(workshop):
        return results(voted, default_pack, workshop=workshop)["groups"][0]["n"]

    participants.withdraw(voted, pid)
    assert n(3) == 9
    participants.erase(voted, participant_id("cardiff", "CDF-02"))
    assert n(3) == 8
    ballots.withdraw_ballot(voted, ballots.ballot_id(participant_id("cardiff", "CDF-03"), 3))
    assert n(3) == 7
    ballots.record_keying(voted, default_pack, site="london", workshop=2, sheet="1",
                          ranking=IDS, participant_id=None, keyer=1)
    assert n(2) == 4
    ballots.record_keying(voted, default_pack, site="london", workshop=2, sheet="1",
                          ranking=IDS, participant_id=None, keyer=2)
    assert n(2) == 5


def test_a_replaced_ballot_counts_once_in_its_latest_version(voted, default_pack):
    pid = participant_id("cardiff", "CDF-04")
    last = tuple(reversed(IDS))
    ballots.cast_ballot(voted, default_pack, site="cardiff", workshop=3, ranking=last,
                        participant_id=pid, source="paper", replace=True)
    out = results(voted, default_pack)["groups"][0]
    assert out["n"] == 10
    expected = rank_summary([ballots.ranking_of(b) for b in voted.rows(
        "ballots", "deleted = 0 AND workshop = 3")], IDS)
    assert {u: c["positions"] for u, c in out["use_cases"].items()} == expected.positions


def test_unknown_grouping_is_an_error(voted, default_pack):
    from facilitator.core.errors import FacilitatorError

    with pytest.raises(FacilitatorError, match="cannot group by 'shoe'"):
        results(voted, default_pack, by="shoe")


_CODES = [f"CDF-{i:02d}" for i in range(1, 11)]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["cardiff", "london"]),
                          st.one_of(st.none(), st.sampled_from(_CODES)),
                          st.permutations(IDS)), max_size=30),
       st.sets(st.sampled_from(_CODES), max_size=3))
def test_groups_add_up_to_the_overall_result(votes, withdrawn):
    """Sites partition every counted ballot; a roster variable's categories partition
    the known participants' ones; and SQL by signature equals Python over records."""
    import tempfile

    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store

    pack = load_pack(Path(__file__).resolve().parent.parent / "sessions" / "ai-in-policing")
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "r.db") as store:
        roster = Path(folder) / "roster.csv"
        roster.write_text(ROSTER, encoding="utf-8")
        import_roster(store, pack, roster)
        for site, code, order in votes:
            pid = participant_id("cardiff", code) if code and site == "cardiff" else None
            ballots.cast_ballot(store, pack, site=site, workshop=3, ranking=order,
                                participant_id=pid, source="paper", replace=True)
        for code in withdrawn:
            participants.withdraw(store, participant_id("cardiff", code))
        counted = [b for b in store.rows("ballots", "deleted = 0")
                   if not b["participant_id"]
                   or not store.get("participants", b["participant_id"])["withdrawn"]]
        for by in ("site", "trust_police", "ethnic_minority"):
            groups = results(store, pack, by=by, threshold=1)["groups"]
            overall, rest = groups[0], groups[1:]
            assert overall["n"] == len(counted)
            known = len(counted) if by == "site" else sum(
                1 for b in counted if b["participant_id"])
            assert sum(g["n"] for g in rest) == known
            if counted:
                expected = rank_summary([ballots.ranking_of(b) for b in counted], IDS)
                assert overall["use_cases"] == expected.as_json()
                assert overall["schulze"] == expected.schulze
            for position in range(6):
                for use_case in IDS:
                    parts = sum(g["use_cases"][use_case]["positions"][position]
                                for g in rest if g["n"])
                    whole = overall["use_cases"][use_case]["positions"][position] \
                        if counted else 0
                    assert parts == whole if by == "site" else parts <= whole
