"""Roster import: mapping common spellings, all-or-nothing, idempotent, by (site, code)."""

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

from facilitator.core.errors import Cancelled, CsvImportError, FacilitatorError
from facilitator.core.pack import load_pack
from facilitator.core.roster import import_roster, list_participants, normalise, participant_id
from facilitator.core.store import Store

DEFAULT_PACK = Path(__file__).resolve().parent.parent / "sessions" / "ai-in-policing"
HEADER = ("code,site,gender,age_band,ethnicity,area,seg,lgbtqia,trust_police,ai_opinion,"
          "quote_consent")
GOOD = f"""{HEADER}
CDF-01,Cardiff,Male,55+,White,rural,C1,no,2,5,
CDF-02,cardiff,woman,18-24,Black,urban,DE,yes,high,neutral,no
DUR-01,DURHAM,Female,65 and over,asian,Rural,AB,n,4,1,yes
LDN-01,london,non-binary,25-34,not recorded,urban,c2,prefer not to say,3,negative,
"""


def write(tmp_path: Path, text: str, name: str = "roster.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    data = text.encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def test_good_roster_maps_common_spellings(store, default_pack, tmp_path):
    report = import_roster(store, default_pack, write(tmp_path, GOOD, bom=True))
    assert (report.rows, report.added) == (4, 4)
    people = {p["code"]: p for p in list_participants(store)}
    assert people["CDF-01"]["gender"] == "man"
    assert people["CDF-01"]["age_band"] == "55-64"
    assert people["CDF-01"]["seg"] == "C1C2"
    assert people["CDF-01"]["trust_police"] == "low"
    assert people["CDF-01"]["ai_opinion"] == "positive"
    assert people["CDF-01"]["quote_consent"] == 1
    assert people["CDF-02"]["quote_consent"] == 0
    assert people["CDF-02"]["ethnicity"] == "black"
    assert people["DUR-01"]["site"] == "durham" and people["DUR-01"]["age_band"] == "65+"
    assert people["DUR-01"]["ai_opinion"] == "negative"
    assert people["LDN-01"]["lgbtqia"] == "not recorded"
    assert people["LDN-01"]["trust_police"] == "neutral"
    assert people["CDF-01"]["id"] == participant_id("cardiff", "CDF-01")


def test_bad_rows_are_all_listed_and_nothing_changes(default_pack, tmp_path):
    db = tmp_path / "venue.db"
    with Store(db) as store:
        import_roster(store, default_pack, write(tmp_path, GOOD))
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    bad = f"""{HEADER}
CDF-10,Cardif,man,18-24,white,urban,AB,no,low,neutral,
CDF-11,Cardiff,wmn,18-24,white,urban,AB,no,7,neutral,
,london,man,18-24,white,urban,AB,no,low,neutral,
CDF-12,Cardiff,man,18-24,white,urban,AB,no,low,neutral,
"CDF-13",Cardiff,man,"18
-29",white,urban,AB,no,low,neutral,perhaps
cdf-12,cardiff,man,18-24,white,urban,AB,no,low,neutral,
"""
    with Store(db) as store, pytest.raises(CsvImportError) as info:
        import_roster(store, default_pack, write(tmp_path, bad, "bad.csv"))
    problems = {(p.line, p.field) for p in info.value.problems}
    assert (2, "site") in problems
    assert (3, "gender") in problems and (3, "trust_police") in problems
    assert (4, "code") in problems
    # The quoted field with a line break starts on line 6: only a note's text may span
    # lines, so the row is refused as it stands (strict CSV, issue 16).
    assert (6, "age_band") in problems
    assert "runs over 2 lines" in str(info.value)
    assert (8, "code") in problems  # duplicate of line 5, case-insensitively
    text = str(info.value)
    assert "bad.csv:2" in text and "Cardif" in text and "line 5" in text
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_reimporting_adds_nothing_and_updates_changes(store, default_pack, tmp_path):
    path = write(tmp_path, GOOD)
    import_roster(store, default_pack, path)
    again = import_roster(store, default_pack, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    assert store.count("participants") == 4
    changed = write(tmp_path, GOOD.replace("CDF-01,Cardiff,Male", "CDF-01,Cardiff,woman"), "v2.csv")
    report = import_roster(store, default_pack, changed)
    assert (report.added, report.updated) == (0, 1)
    row = store.get("participants", participant_id("cardiff", "CDF-01"))
    assert row["gender"] == "woman" and row["revision"] == 2


def test_two_laptops_agree_on_participant_ids(default_pack, tmp_path):
    path = write(tmp_path, GOOD)
    ids = []
    for name in ("laptop-a.db", "laptop-b.db"):
        with Store(tmp_path / name) as store:
            import_roster(store, default_pack, path)
            ids.append(sorted(p["id"] for p in list_participants(store)))
            assert store.device_id  # different devices...
    assert ids[0] == ids[1]  # ...same people


def test_missing_required_column_and_extra_columns(store, default_pack, tmp_path):
    with pytest.raises(CsvImportError) as info:
        import_roster(store, default_pack, write(tmp_path, "site,gender\nCardiff,man\n"))
    assert info.value.problems[0].line == 1 and info.value.problems[0].field == "code"
    report = import_roster(store, default_pack,
                           write(tmp_path, "code,site,full_name,shoe\nX1,London,Ann,9\n", "x.csv"))
    assert report.added == 1
    warnings = " ".join(report.warnings)
    assert "full_name" in warnings and "pseudonymous" in warnings and "shoe" in warnings
    assert "gender" in warnings  # absent columns are recorded as not recorded
    assert "Ann" not in str(list_participants(store))


def test_unreadable_files_name_the_file(store, default_pack, tmp_path):
    with pytest.raises(FacilitatorError) as info:
        import_roster(store, default_pack, tmp_path / "missing.csv")
    assert "missing.csv" in str(info.value)
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(f"{HEADER}\nCDF-01,Cardiff,man,18-24,white,urban,AB,no,low,neutral,\n"
                      "CDF-\xe902,Cardiff,man,18-24,white,urban,AB,no,low,neutral,\n"
                      .encode("latin-1"))
    with pytest.raises(FacilitatorError) as info:
        import_roster(store, default_pack, latin)
    assert "UTF-8" in str(info.value) and info.value.line == 3


def test_cancel_rolls_the_whole_import_back(store, default_pack, tmp_path):
    def cancel_at_third(done, total):
        if done == 3:
            raise Cancelled()

    with pytest.raises(Cancelled):
        import_roster(store, default_pack, write(tmp_path, GOOD), cancel_at_third)
    assert store.count("participants") == 0


def test_erased_participant_is_not_repopulated(store, default_pack, tmp_path):
    path = write(tmp_path, GOOD)
    import_roster(store, default_pack, path)
    pid = participant_id("cardiff", "CDF-02")
    store.edit("participants", pid, {"erased": 1, "withdrawn": 1, "gender": "not recorded",
                                     "ethnicity": "not recorded"})
    import_roster(store, default_pack, path)
    assert store.get("participants", pid)["ethnicity"] == "not recorded"


def test_cli_import_lists_every_bad_row_and_exits_1(tmp_path):
    bad = write(tmp_path, f"{HEADER}\nA,Nowhere,man,18-24,white,urban,AB,no,low,neutral,\n"
                          "B,Cardiff,man,200,white,urban,AB,no,low,neutral,\n", "bad.csv")
    db = tmp_path / "cli.db"
    result = subprocess.run([sys.executable, "-m", "facilitator", "import", "roster", str(bad),
                             "--db", str(db)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert any("bad.csv:2" in line and "site" in line for line in lines)
    assert any("bad.csv:3" in line and "age_band" in line for line in lines)
    result = subprocess.run([sys.executable, "-m", "facilitator", "import", "roster", str(bad),
                             "--db", str(db), "--json"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    payload = json.loads(result.stdout)  # --json output goes to stdout, also on failure
    assert payload["ok"] is False
    assert [(p["line"], p["field"]) for p in payload["problems"]] == [(2, "site"), (3, "age_band")]
    good = write(tmp_path, GOOD, "good.csv")
    result = subprocess.run([sys.executable, "-m", "facilitator", "--db", str(db), "import",
                             "roster", str(good), "--json"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert '"added": 4' in result.stdout


@pytest.mark.parametrize("score, expected", [
    ("1", "low"), ("2", "low"), ("3", "neutral"), ("4", "high"), (" 5 ", "high")])
def test_scores_map_to_bands(default_pack, score, expected):
    assert normalise(default_pack.variable("trust_police"), score) == expected


_PACK = load_pack(DEFAULT_PACK)


@st.composite
def participant_rows(draw):
    site = draw(st.sampled_from(_PACK.sites))
    code = draw(st.from_regex(r"[A-Z]{2,3}-[0-9]{1,4}", fullmatch=True))
    fields = {v.id: draw(st.sampled_from([*v.categories, "not recorded"]))
              for v in _PACK.variables}
    return site.name, code, fields


@settings(max_examples=30, deadline=None)
@given(st.lists(participant_rows(), min_size=1, max_size=12,
                unique_by=lambda r: (r[0], r[1].casefold())))
def test_any_valid_roster_round_trips(rows):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.csv"
        lines = [HEADER]
        for site, code, fields in rows:
            values = [fields[v.id] for v in _PACK.variables]
            lines.append(",".join([code, site, *values, "yes"]))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with Store(Path(folder) / "db.db") as store:
            report = import_roster(store, _PACK, path)
            assert report.added == len(rows)
            for site, code, fields in rows:
                row = store.get("participants", participant_id(_PACK.site(site).id, code))
                assert {v.id: row[v.id] for v in _PACK.variables} == fields


def test_a_full_disk_is_reported_and_changes_nothing(store, default_pack, tmp_path):
    import_roster(store, default_pack, write(tmp_path, GOOD))
    before = store.count("participants")
    # SQLite's own page limit gives the same error a full disk does (SQLITE_FULL).
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")
    many = HEADER + "\n" + "".join(
        f"CDF-{i:04d},Cardiff,man,18-24,white,urban,AB,no,low,neutral,\n" for i in range(3000))
    with pytest.raises(FacilitatorError) as info:
        import_roster(store, default_pack, write(tmp_path, many, "many.csv"))
    assert "disk is full" in str(info.value) and str(store.path) in str(info.value)
    assert store.count("participants") == before
