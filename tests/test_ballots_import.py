"""``import ballots``: all-or-nothing, every bad row listed, idempotent, --replace;
CLI JSON shapes of ``results`` and ``quotas``."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.core import ballots, participants
from facilitator.core.ballots import import_ballots, ranking_of
from facilitator.core.errors import Cancelled, CsvImportError
from facilitator.core.pack import load_pack
from facilitator.core.roster import import_roster, participant_id
from facilitator.core.store import Store

DEFAULT_PACK = Path(__file__).resolve().parent.parent / "sessions" / "ai-in-policing"
_PACK = load_pack(DEFAULT_PACK)
IDS = _PACK.use_case_ids
HEADER = "participant,site,workshop," + ",".join(IDS)
ROSTER = ("code,site,gender,age_band,ethnicity,area,seg,lgbtqia,trust_police,ai_opinion\n"
          "CDF-01,Caerdydd,Man,55+,White British,Urban,C1,No,2,4\n"
          "CDF-02,Cardiff,Woman,18-24,Black British,Urban,D,Yes,4,2\n"
          "LDN-01,London,Woman,18-24,Asian/Asian British,Urban,AB,No,3,3\n")
# An online survey's export: BOM, CRLF, an extra column, a "W3" workshop label.
GOOD = f"""{HEADER},submitted
CDF-01,Cardiff,3,1,2,3,4,5,6,2026-03-01
CDF-02,Caerdydd,W3,6,5,4,3,2,1,2026-03-01
,Cardiff,3,2,1,3,4,5,6,2026-03-02
,Cardiff,3,2,1,3,4,5,6,2026-03-02
LDN-01,london,3,3,1,2,4,6,5,2026-03-03
"""


def csv_file(tmp_path: Path, text: str, name: str = "ballots.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "venue.db"
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    with Store(path) as store:
        import_roster(store, _PACK, roster)
    return path


def test_good_file_imports_and_twice_adds_nothing(db, tmp_path):
    path = csv_file(tmp_path, GOOD)
    with Store(db) as store:
        report = import_ballots(store, _PACK, path)
        assert (report.rows, report.added) == (5, 5)
        assert any("submitted" in w for w in report.warnings)
        mine = ballots.ballot_for(store, participant_id("cardiff", "CDF-02"), 3)
        assert ranking_of(mine) == tuple(reversed(IDS))
        assert mine["source"] == "import" and mine["site"] == "cardiff"
        assert store.count("ballots", "participant_id IS NULL") == 2  # identical rows: two
        again = import_ballots(store, _PACK, path)
        assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
        assert store.count("ballots") == 5


def test_bad_rows_are_all_listed_and_the_database_is_unchanged(db, tmp_path):
    with Store(db) as store:
        import_ballots(store, _PACK, csv_file(tmp_path, GOOD))
    before = digest(db)
    bad = f"""{HEADER}
,Cardif,3,1,2,3,4,5,6
,Cardiff,7,1,2,3,4,5,6
,Cardiff,3,1,1,3,4,5,6
,Cardiff,3,1,2,3,4,5,
,Cardiff,3,1,2,3,4,5,seven
NOBODY,Cardiff,3,1,2,3,4,5,6
CDF-01,Cardiff,3,6,5,4,3,2,1
LDN-01,London,2,1,2,3,4,5,6
LDN-01,London,2,1,2,3,4,5,6
,Cardiff,3,1,2,3,4,5,6
"""
    with Store(db) as store, pytest.raises(CsvImportError) as info:
        import_ballots(store, _PACK, csv_file(tmp_path, bad, "bad.csv"))
    problems = {(p.line, p.field) for p in info.value.problems}
    assert (2, "site") in problems
    assert (3, "workshop") in problems
    assert (4, "summarising_sensitive") in problems  # rank 1 twice
    assert (5, "reoffending") in problems
    assert (6, "reoffending") in problems
    assert (7, "participant") in problems
    assert (8, "participant") in problems  # a different ballot already there
    assert (10, "participant") in problems  # twice in one file
    assert not any(line == 11 for line, _ in problems)
    text = str(info.value)
    assert "bad.csv:4" in text and "rank 1 is given to summarising_basic and " \
        "summarising_sensitive" in text and "--replace" in text
    assert digest(db) == before


def test_replace_makes_a_new_revision(db, tmp_path):
    with Store(db) as store:
        import_ballots(store, _PACK, csv_file(tmp_path, GOOD))
        changed = GOOD.replace("CDF-01,Cardiff,3,1,2,3,4,5,6", "CDF-01,Cardiff,3,6,5,4,3,2,1")
        report = import_ballots(store, _PACK, csv_file(tmp_path, changed, "v2.csv"),
                                replace=True)
        assert (report.updated, report.unchanged) == (1, 4)
        ballot = ballots.ballot_for(store, participant_id("cardiff", "CDF-01"), 3)
        assert ballot["revision"] == 2 and ranking_of(ballot) == tuple(reversed(IDS))


def test_withdrawn_participants_ballot_is_refused_and_stops_counting(db, tmp_path):
    from facilitator.core.analysis import results

    with Store(db) as store:
        import_ballots(store, _PACK, csv_file(tmp_path, GOOD))
        assert results(store, _PACK)["groups"][0]["n"] == 5
        participants.withdraw(store, participant_id("cardiff", "CDF-01"))
        assert results(store, _PACK)["groups"][0]["n"] == 4
        with pytest.raises(CsvImportError, match="withdrawn"):
            import_ballots(store, _PACK, csv_file(tmp_path, GOOD, "again.csv"))


def test_cancel_rolls_the_whole_import_back(db, tmp_path):
    def cancel(done, total):
        if done == 4:
            raise Cancelled()

    with Store(db) as store:
        with pytest.raises(Cancelled):
            import_ballots(store, _PACK, csv_file(tmp_path, GOOD), progress=cancel)
        assert store.count("ballots") == 0


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_PACK.sites), st.permutations(IDS)),
                min_size=1, max_size=15))
def test_any_ballot_round_trips_through_csv(rows):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.csv"
        lines = [HEADER]
        for site, order in rows:
            ranks = [str(order.index(u) + 1) for u in IDS]
            lines.append(",".join(["", site.name, "3", *ranks]))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with Store(Path(folder) / "db.db") as store:
            assert import_ballots(store, _PACK, path).added == len(rows)
            stored = sorted((b["site"], ranking_of(b)) for b in store.rows("ballots"))
            assert stored == sorted((site.id, tuple(order)) for site, order in rows)


# -- the command line --------------------------------------------------------------------


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "facilitator", *args, "--db", str(db)],
                          capture_output=True, text=True, timeout=60)


def test_cli_import_results_and_quotas(db, tmp_path):
    bad = csv_file(tmp_path, f"{HEADER}\n,Cardiff,3,1,1,3,4,5,6\n", "bad.csv")
    result = run(db, "import", "ballots", str(bad), "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["problems"][0]["line"] == 2
    assert "bad.csv:2" in result.stderr
    result = run(db, "import", "ballots", str(csv_file(tmp_path, GOOD)))
    assert result.returncode == 0, result.stderr
    changed = csv_file(tmp_path, GOOD.replace("CDF-01,Cardiff,3,1,2", "CDF-01,Cardiff,3,2,1"),
                       "v2.csv")
    assert run(db, "import", "ballots", str(changed)).returncode == 1
    result = run(db, "import", "ballots", str(changed), "--replace", "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["updated"] == 1

    result = run(db, "results", "--by", "site", "--json")
    assert result.returncode == 0, result.stderr
    groups = json.loads(result.stdout)["groups"]
    assert [(g["by"], g["value"], g["n"], g["suppressed"]) for g in groups] == [
        ("overall", None, 5, False), ("site", "Cardiff", 4, True),
        ("site", "Durham", 0, True), ("site", "London", 1, True)]
    assert set(groups[0]["use_cases"]["call_101"]) == {"mean_rank", "borda", "positions"}
    result = run(db, "results", "--by", "gender", "--workshop", "3", "--json")
    values = [(g["value"], g["n"]) for g in json.loads(result.stdout)["groups"]]
    assert values == [(None, 5), ("man", 1), ("woman", 2), ("non-binary", 0), ("other", 0),
                      ("not recorded", 0)]
    result = run(db, "results", "--by", "shoe", "--json")
    assert result.returncode == 1 and json.loads(result.stdout)["ok"] is False
    assert "shoe" in result.stderr
    result = run(db, "results")
    assert result.returncode == 0 and "Overall (n=5 ballots" in result.stdout

    result = run(db, "quotas", "--site", "caerdydd", "--json")
    assert result.returncode == 0, result.stderr
    sites = json.loads(result.stdout)["sites"]
    assert list(sites) == ["Cardiff"]
    assert sites["Cardiff"]["gender"]["man"] == {"quota": 8, "actual": 1}
    assert sites["Cardiff"]["gender"]["not recorded"] == {"quota": None, "actual": 0}
    assert sites["Cardiff"]["ethnic_minority"]["yes"] == {"quota": 5, "actual": 1}
    result = run(db, "quotas", "--site", "Atlantis", "--json")
    assert result.returncode == 1 and json.loads(result.stdout)["ok"] is False
    result = run(db, "quotas")
    assert result.returncode == 0 and "short by" in result.stdout
