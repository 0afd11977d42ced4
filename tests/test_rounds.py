"""Rankings per workshop, never pooled: a site that ranks in Workshops 3 and 4.

The numbers the app prints are recomputed here from the ballots as cast, with no
code of the app's analysis.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from facilitator.core import ballots, participants
from facilitator.core.analysis import result_groups, results, round_shift, site_shifts

IDS = ("summarising_basic", "summarising_sensitive", "call_101", "call_999_transfer",
       "hotspots", "reoffending")
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def two_rounds(store, default_pack):
    """Cardiff: 19 ballots in W3 (18 on the roster, 1 anonymous), 12 in W4 (11 of the
    same people, 1 anonymous); Durham: 15 in W3 only. Returns the cast ballots."""
    rng = random.Random(18)
    cast: list[dict] = []
    people = {}
    for site, count in (("cardiff", 18), ("durham", 15)):
        for i in range(1, count + 1):
            person = store.create("participants", {"site": site, "code": f"{site[:3]}-{i}"})
            people[(site, i)] = person["id"]

    def vote(site, workshop, pid):
        order = list(IDS)
        rng.shuffle(order)
        if workshop == 4:  # deliberation moved people: reoffending falls, 101 rises
            order.remove("reoffending")
            order.append("reoffending")
        if pid is None:
            ballots.set_voting(store, site, workshop, True)
            ballots.cast_ballot(store, default_pack, site=site, workshop=workshop,
                                ranking=order)
        else:
            ballots.cast_ballot(store, default_pack, site=site, workshop=workshop,
                                ranking=order, participant_id=pid, source="import")
        cast.append({"site": site, "workshop": workshop, "pid": pid, "ranking": order})

    for i in range(1, 19):
        vote("cardiff", 3, people[("cardiff", i)])
    vote("cardiff", 3, None)
    for i in range(1, 12):
        vote("cardiff", 4, people[("cardiff", i)])
    vote("cardiff", 4, None)
    for i in range(1, 16):
        vote("durham", 3, people[("durham", i)])
    return cast


def _mean(rows, use_case):
    return sum(r["ranking"].index(use_case) + 1 for r in rows) / len(rows)


def test_each_workshop_is_counted_on_its_own(two_rounds, default_pack, store):
    w3 = results(store, default_pack, by="site", workshop=3)
    assert w3["workshop"] == 3 and not w3["latest"]
    by_site = {g["value"]: g for g in w3["groups"]}
    assert (by_site[None]["n"], by_site[None]["participants"]) == (34, 33)
    assert (by_site["Cardiff"]["n"], by_site["Cardiff"]["participants"]) == (19, 18)
    assert by_site["Durham"]["n"] == 15
    w4 = results(store, default_pack, by="site", workshop=4)
    by_site = {g["value"]: g for g in w4["groups"]}
    assert (by_site["Cardiff"]["n"], by_site["Cardiff"]["participants"]) == (12, 11)
    assert by_site["Durham"]["n"] == 0
    rows = [r for r in two_rounds if r["site"] == "cardiff" and r["workshop"] == 4]
    for u in IDS:
        assert by_site["Cardiff"]["use_cases"][u]["mean_rank"] == pytest.approx(_mean(rows, u))
    # No --workshop: the latest round, and it says so; never 31 Cardiff ballots.
    latest = results(store, default_pack, by="site")
    assert latest["workshop"] == 4 and latest["latest"] and latest["workshops"] == [3, 4]
    assert all(g["n"] != 31 for g in latest["groups"])
    # Grouping by workshop shows each round as its own group.
    by_round = {g["value"]: g["n"] for g, _r in result_groups(store, default_pack,
                                                               by="workshop")}
    assert by_round == {None: 12, "1": 0, "2": 0, "3": 34, "4": 12}


def test_before_and_after_recomputed_independently(two_rounds, default_pack, store):
    shifts = site_shifts(store, default_pack)
    assert [(s.site, s.before, s.after) for s in shifts] == [("cardiff", 3, 4)]
    shift = shifts[0]
    w3 = [r for r in two_rounds if r["site"] == "cardiff" and r["workshop"] == 3]
    w4 = [r for r in two_rounds if r["site"] == "cardiff" and r["workshop"] == 4]
    assert (shift.ballots_before, shift.ballots_after, shift.paired) == (19, 12, 11)
    before = {r["pid"]: r["ranking"] for r in w3 if r["pid"]}
    after = {r["pid"]: r["ranking"] for r in w4 if r["pid"]}
    for s in shift.shifts:
        u = s.use_case
        assert s.mean_before == pytest.approx(_mean(w3, u))
        assert s.mean_after == pytest.approx(_mean(w4, u))
        up = sum(1 for p in after if after[p].index(u) < before[p].index(u))
        down = sum(1 for p in after if after[p].index(u) > before[p].index(u))
        assert (s.moved_up, s.moved_down, s.unchanged) == (up, down, 11 - up - down)
    reoffending = next(s for s in shift.shifts if s.use_case == "reoffending")
    assert reoffending.mean_after == 6.0 and reoffending.moved_up == 0


def test_a_withdrawn_participant_leaves_both_rounds_and_the_pairs(two_rounds, default_pack,
                                                                  store):
    first = next(r["pid"] for r in two_rounds if r["pid"] and r["site"] == "cardiff")
    participants.withdraw(store, first)
    shift = round_shift(store, default_pack, before=3, after=4, site="cardiff")
    assert (shift.ballots_before, shift.ballots_after, shift.paired) == (18, 11, 10)


def test_a_small_round_is_suppressed(store, default_pack):
    person = store.create("participants", {"site": "london", "code": "LDN-1"})
    for workshop in (3, 4):
        ballots.cast_ballot(store, default_pack, site="london", workshop=workshop,
                            ranking=IDS, participant_id=person["id"], source="import")
    (shift,) = site_shifts(store, default_pack)
    assert shift.suppressed and shift.as_json()["use_cases"] == {}


def test_results_command_says_which_workshop(two_rounds, store, tmp_path):
    db = store.path
    store.close()

    def run(*args):
        return subprocess.run([sys.executable, "-m", "facilitator", "--db", str(db),
                               "results", *args], capture_output=True, text=True,
                              cwd=REPO, timeout=60)

    out = json.loads(run("--workshop", "3", "--json", "--by", "site").stdout)
    assert out["workshop"] == 3
    assert {g["value"]: g["n"] for g in out["groups"]}["Cardiff"] == 19
    text = run().stdout
    assert text.startswith("Workshop 4 (the latest workshop with ballots; also ranked in "
                           "workshop 3")
    assert "Cardiff: before and after, workshop 3 (19 ballots) to workshop 4 (12 ballots), " \
           "11 participants in both" in text
    bad = run("--workshop", "9")
    assert bad.returncode == 1 and "unknown workshop 9" in bad.stderr


def test_the_site_report_prints_each_workshop_and_the_shift(two_rounds, default_pack, store,
                                                            tmp_path):
    from facilitator.export.site_export import export_site
    from tests.test_export import pdf_text

    out = tmp_path / "cardiff.pdf"
    export_site(store, default_pack, "cardiff", out, accept_flagged=True)
    text = pdf_text(out)
    assert "Cardiff, Workshop 3: 19 ballots (18 from participants on the roster, 1 " \
           "anonymous)" in text
    assert "Cardiff, Workshop 4: 12 ballots (11 from participants on the roster, 1 " \
           "anonymous)" in text
    assert "n = 31" not in text and "31 ballots" not in text
    assert "Cardiff: Workshop 3 and Workshop 4" in text
    assert "Workshop 3: 19 ballots; Workshop 4: 12 ballots; 11 participants ranked in " \
           "both" in text
