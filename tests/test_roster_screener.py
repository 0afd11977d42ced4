# ruff: noqa: E501
# (the recruiter rows below are kept one per line, as Excel writes them)
"""A recruiter's spreadsheet as it comes: the screener's wording, Excel's BOM and CRLF,
Welsh place names, and values no rule knows answered once and remembered."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.core.errors import CsvImportError, SessionPackError
from facilitator.core.pack import load_pack
from facilitator.core.roster import (
    import_roster,
    normalise,
    participant_id,
    stored_value_maps,
    unknown_values,
)
from facilitator.core.store import Store

DEFAULT_PACK = Path(__file__).resolve().parent.parent / "sessions" / "ai-in-policing"
_PACK = load_pack(DEFAULT_PACK)

# Saved from Excel as "CSV UTF-8": BOM, CRLF, the screener's answer labels, and a
# column of recruiter notes that is not for us.
SCREENER = """code,site,gender,age_band,ethnicity,area,seg,lgbtqia,trust_police,ai_opinion,quote_consent,Recruiter notes
CDF-01,Caerdydd,Man,55+,Mixed race,Small town/Suburban,C1,Gay,1 - No trust at all,Very positive,Yes,prefers mornings
CDF-02,Cardiff,Woman,18-24,White British,Village/Rural,C2,Straight,5,Fairly negative,No,
CDF-03,CAERDYDD,Male,65+,Mixed/Multiple ethnic groups,Urban,D,Bisexual,Neither trust nor distrust,Neither positive nor negative,,
DUR-01,Durham,Female,45 - 54,Black British,Village/Rural,E,Heterosexual,4,Very negative,yes,
DUR-02,Durham,Prefer not to say,35-44,Asian/Asian British,Town,AB,Prefer not to say,2,3,,
LDN-01,Llundain,Non-binary,25 to 34,"Black, Black British, Caribbean or African",Urban,D/E,Queer,A great deal,Don't know,,
LDN-02,London,In another way,18–24,Any other ethnic group,Small town/Suburban,c1/c2,Lesbian,Very low,5 - Very positive,,
"""

EXPECTED = {
    ("cardiff", "CDF-01"): dict(gender="man", age_band="55-64", ethnicity="mixed",
                                area="suburban", seg="C1C2", lgbtqia="yes",
                                trust_police="low", ai_opinion="positive", quote_consent=1),
    ("cardiff", "CDF-02"): dict(gender="woman", age_band="18-24", ethnicity="white",
                                area="rural", seg="C1C2", lgbtqia="no",
                                trust_police="high", ai_opinion="negative", quote_consent=0),
    ("cardiff", "CDF-03"): dict(gender="man", age_band="65+", ethnicity="mixed",
                                area="urban", seg="DE", lgbtqia="yes",
                                trust_police="neutral", ai_opinion="neutral"),
    ("durham", "DUR-01"): dict(gender="woman", age_band="45-54", ethnicity="black",
                               area="rural", seg="DE", lgbtqia="no", trust_police="high",
                               ai_opinion="negative"),
    ("durham", "DUR-02"): dict(gender="not recorded", ethnicity="asian", area="suburban",
                               seg="AB", lgbtqia="not recorded", trust_police="low",
                               ai_opinion="neutral"),
    ("london", "LDN-01"): dict(gender="non-binary", age_band="25-34", ethnicity="black",
                               seg="DE", lgbtqia="yes", trust_police="high",
                               ai_opinion="not recorded"),
    ("london", "LDN-02"): dict(gender="other", age_band="18-24", ethnicity="other",
                               area="suburban", seg="C1C2", lgbtqia="yes",
                               trust_police="low", ai_opinion="positive"),
}


def excel_csv(tmp_path: Path, text: str, name: str = "recruiter.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_screeners_wording_is_accepted(store, default_pack, tmp_path):
    report = import_roster(store, default_pack, excel_csv(tmp_path, SCREENER))
    assert (report.rows, report.added) == (7, 7)
    assert any("recruiter notes" in w for w in report.warnings)
    for (site, code), fields in EXPECTED.items():
        row = store.get("participants", participant_id(site, code))
        assert row is not None, code
        assert {k: row[k] for k in fields} == fields, code


def test_town_is_suburban_as_the_screener_says():
    area = _PACK.variable("area")
    assert normalise(area, "Town") == "suburban"
    assert normalise(area, "Small town / suburban") == "suburban"
    assert normalise(area, "City") == "urban"
    assert normalise(area, "VILLAGE/RURAL") == "rural"


def test_a_score_and_its_label_must_agree():
    trust = _PACK.variable("trust_police")
    assert normalise(trust, "4 - Fairly high") == "high"
    assert normalise(trust, "1 - Very high") is None  # contradictory: asked, not guessed
    assert normalise(trust, "9") is None


# Spellings of categories and aliases survive any case and separator a sheet uses.
_SPELLINGS = [(v, target, alias) for v in _PACK.variables
              for alias, target in [*((c, c) for c in v.categories), *v.aliases.items()]]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_SPELLINGS), st.randoms(use_true_random=False),
       st.sampled_from([" ", "/", " / ", "-", "_", ", "]))
def test_case_and_punctuation_do_not_matter(spelling, rng, separator):
    variable, target, alias = spelling
    words = alias.replace("/", " ").replace("-", " ").split()
    if any(w.isdigit() for w in words):
        separator = separator if separator.strip() else "-"  # "18 24" reads as two numbers
    typed = separator.join(w.upper() if rng.random() < 0.5 else w.lower() for w in words)
    if alias.endswith("+"):
        typed = alias.upper()
    assert normalise(variable, f"  {typed} ") == target


UNKNOWN = """code,site,gender,age_band,ethnicity,area,seg,lgbtqia,trust_police,ai_opinion
CDF-10,Caerdydd,Man,35-44,Cymreig,Coastal town,AB,No,3,3
CDF-11,Caerdydd,Woman,35-44,cymreig,Urban,AB,No,3,3
CDF-12,Cardiff,Woman,35-44,White British,coastal  town,AB,Pan,3,3
"""


def test_unknown_values_are_asked_once_each_and_remembered(default_pack, tmp_path):
    db = tmp_path / "venue.db"
    path = excel_csv(tmp_path, UNKNOWN)
    with Store(db) as store:
        asked = unknown_values(store, default_pack, path)
        assert [(u.variable, u.value, u.lines) for u in asked] == [
            ("ethnicity", "Cymreig", (2, 3)), ("area", "Coastal town", (2, 4)),
            ("lgbtqia", "Pan", (4,))]
        assert asked[0].rows == 2
        with pytest.raises(CsvImportError) as info:
            import_roster(store, default_pack, path)
        assert {(p.line, p.field) for p in info.value.problems} == {
            (2, "ethnicity"), (3, "ethnicity"), (2, "area"), (4, "area"), (4, "lgbtqia")}
        # Answering only some questions leaves the others to ask.
        partial = {("ethnicity", "Cymreig"): "White"}
        assert [u.variable for u in unknown_values(store, default_pack, path, partial)] == [
            "area", "lgbtqia"]
    before = digest(db)
    answers = {("ethnicity", "CYMREIG"): "white", ("area", "Coastal town"): "suburban"}
    with Store(db) as store, pytest.raises(CsvImportError):
        import_roster(store, default_pack, path, mappings=answers)  # "Pan" still unknown
    assert digest(db) == before  # the answers of a failed import are not kept either
    answers[("lgbtqia", "pan")] = "yes"
    with Store(db) as store:
        report = import_roster(store, default_pack, path, mappings=answers)
        assert report.added == 3
        assert stored_value_maps(store) == {("ethnicity", "cymreig"): "white",
                                            ("area", "coastal town"): "suburban",
                                            ("lgbtqia", "pan"): "yes"}
        assert store.count("value_maps") == 3
        row = store.get("participants", participant_id("cardiff", "CDF-12"))
        assert (row["area"], row["lgbtqia"]) == ("suburban", "yes")
    # The next spreadsheet with the same wording imports without asking.
    later = excel_csv(tmp_path, UNKNOWN.replace("CDF-1", "CDF-2"), "week2.csv")
    with Store(db) as store:
        assert unknown_values(store, default_pack, later) == []
        assert import_roster(store, default_pack, later).added == 3


def test_a_mapping_to_an_unknown_category_is_refused_and_changes_nothing(default_pack,
                                                                          tmp_path):
    db = tmp_path / "venue.db"
    with Store(db) as store:
        import_roster(store, default_pack, excel_csv(tmp_path, SCREENER))
    before = digest(db)
    path = excel_csv(tmp_path, UNKNOWN, "u.csv")
    with Store(db) as store:
        with pytest.raises(SessionPackError, match="cannot map 'Cymreig' to 'Welsh'"):
            import_roster(store, default_pack, path,
                          mappings={("ethnicity", "Cymreig"): "Welsh"})
        with pytest.raises(SessionPackError, match="not a roster variable"):
            import_roster(store, default_pack, path, mappings={("shoe", "9"): "yes"})
    assert digest(db) == before


def run(*args: str, env_db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "facilitator", "--db", str(env_db), *args],
                          capture_output=True, text=True, timeout=60)


def test_cli_map_option(tmp_path):
    db = tmp_path / "cli.db"
    path = excel_csv(tmp_path, UNKNOWN)
    result = run("import", "roster", str(path), env_db=db)
    assert result.returncode == 1
    assert "--map" in result.stderr and "recruiter.csv:2: ethnicity" in result.stderr
    result = run("import", "roster", str(path), "--map", "ethnicity:Cymreig=white",
                 "--map", "area:Coastal town=suburban", "--map=lgbtqia:Pan=yes", "--json",
                 env_db=db)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["added"] == 3
    result = run("import", "roster", str(path), "--map", "ethnicity-Cymreig", "--json",
                 env_db=db)
    assert result.returncode == 1
    assert json.loads(result.stdout)["ok"] is False
    assert "VAR:VALUE=CATEGORY" in result.stderr


def test_a_users_answer_beats_a_spelling_rule(store, default_pack, tmp_path):
    # This recruiter's "Town" means a large town: urban, not the screener's suburban.
    path = excel_csv(tmp_path, "code,site,area\nLDN-09,London,Town\n")
    import_roster(store, default_pack, path, mappings={("area", "town"): "Urban"})
    assert store.get("participants", participant_id("london", "LDN-09"))["area"] == "urban"
    again = excel_csv(tmp_path, "code,site,area\nLDN-10,London,TOWN\n", "next.csv")
    import_roster(store, default_pack, again)
    assert store.get("participants", participant_id("london", "LDN-10"))["area"] == "urban"


def test_the_packs_spellings_are_unambiguous():
    from facilitator.core.roster import loose

    for variable in _PACK.variables:
        meaning: dict[str, str] = {loose(c): c for c in variable.categories}
        for alias, target in variable.aliases.items():
            key = loose(alias)
            assert meaning.setdefault(key, target) == target, (variable.id, alias)
