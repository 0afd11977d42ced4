"""Notes CSV: all-or-nothing import, every bad row listed, export that round-trips."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.core import notes, themes
from facilitator.core.errors import Cancelled, CsvImportError
from facilitator.core.notes import Attribution, NoteFilter
from facilitator.core.notes_csv import NOTES_COLUMNS, WITHHELD, export_notes, import_notes
from facilitator.core.pack import theme_id
from facilitator.core.roster import participant_id
from facilitator.core.store import Store

REPO = Path(__file__).resolve().parent.parent
HEADER = ",".join(NOTES_COLUMNS)


def _write(path: Path, text: str, bom: bool = True) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _roster(store: Store) -> None:
    for code, consent, withdrawn in (("CDF-01", 1, 0), ("CDF-02", 0, 0), ("CDF-03", 1, 1)):
        store.create("participants", {"site": "cardiff", "code": code,
                                      "quote_consent": consent, "withdrawn": withdrawn},
                     record_id=participant_id("cardiff", code))


GOOD = f"""{HEADER}
Cardiff,1,,note,"101 is slow, ""really"" slow",call_101,Efficiency;Non-emergency,,2025-02-03T19:05
caerdydd,2,Table 1,quote,"I'd rather talk to a person
who knows Caerdydd",call_101,trust in familiarity;Welsh speakers,CDF-01,2025-03-08T10:15:00+00:00
CARDIFF,4,Table 2,advice,Publish every model's error rates,,accuracy_and_bias,,2025-06-14T14:00:00Z
cardiff,2,Table 1,quote,Not for quoting,hotspots,,CDF-02,
"""


def test_good_file_imports_with_themes_times_and_warnings(store, default_pack, tmp_path):
    _roster(store)
    path = _write(tmp_path / "notes.csv", GOOD)
    report = import_notes(store, default_pack, path)
    assert (report.rows, report.added, report.unchanged) == (4, 4, 0)
    rows = {r["kind"] + str(r["workshop"]): r for r in store.rows("notes")}
    first = rows["note1"]
    assert first["text"] == '101 is slow, "really" slow'
    assert json.loads(first["themes"]) == [theme_id("call_101", "Efficiency"),
                                           theme_id("call_101", "Non-emergency")]
    # Without a zone, a CSV time is UK time: 19:05 in February is 19:05 UTC, in June 13:00.
    assert first["noted_at"] == "2025-02-03T19:05:00.000000Z"
    quote = rows["quote2"] if rows["quote2"]["participant_id"] == participant_id(
        "cardiff", "CDF-01") else next(r for r in store.rows("notes")
                                       if r["participant_id"] == participant_id("cardiff", "CDF-01"))
    assert quote["text"] == "I'd rather talk to a person\nwho knows Caerdydd"
    assert quote["table_name"] == "Table 1"
    advice = rows["advice4"]
    assert json.loads(advice["themes"]) == [theme_id("advice", "Accuracy and bias")]
    # The unknown theme became an ad-hoc theme of the row's use case, and was reported.
    welsh = themes.match_theme(store, default_pack, "Welsh speakers", "call_101")
    assert welsh is not None and welsh.custom and welsh.group == "call_101"
    assert any("Welsh speakers" in w and ":3:" in w for w in report.warnings)
    assert any("CDF-02 said no to quotes" in w for w in report.warnings)


def test_same_file_twice_adds_nothing(store, default_pack, tmp_path):
    _roster(store)
    path = _write(tmp_path / "notes.csv", GOOD)
    import_notes(store, default_pack, path)
    again = import_notes(store, default_pack, path)
    assert (again.added, again.unchanged) == (0, 4)
    assert store.count("notes") == 4 and store.count("themes_custom") == 1


def test_identical_rows_in_one_file_stay_two_notes(store, default_pack, tmp_path):
    row = "Cardiff,2,Table 1,note,same words,,,,2025-03-08T10:00\n"
    path = _write(tmp_path / "twice.csv", HEADER + "\n" + row + row)
    assert import_notes(store, default_pack, path).added == 2
    assert import_notes(store, default_pack, path).added == 0


BAD_ROWS = [
    ("Cardif,2,,note,x,,,,", "site", "unknown site"),
    (",2,,note,x,,,,", "site", "is required"),
    ("Cardiff,5,,note,x,,,,", "workshop", "out of range"),
    ("Cardiff,two,,note,x,,,,", "workshop", "out of range"),
    ("Cardiff,2,,memo,x,,,,", "kind", "unknown kind"),
    ("Cardiff,2,,note,,,,,", "text", "is empty"),
    ("Cardiff,2,,note,x,call_102,,,", "use_case", "unknown use case"),
    ("Cardiff,2,,quote,x,,,CDF-99,", "participant", "unknown participant"),
    ("Cardiff,2,,quote,x,,,CDF-03,", "participant", "withdrawn"),
    ("Cardiff,2,,note,x,,,,08/03/2025 10:00", "created_at", "bad date"),
]


@pytest.mark.parametrize("row,field,reason", BAD_ROWS)
def test_each_kind_of_bad_row_is_named_and_changes_nothing(default_pack, tmp_path, row,
                                                           field, reason):
    db = tmp_path / "bad.db"
    with Store(db) as store:
        _roster(store)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    path = _write(tmp_path / "bad.csv", f"{HEADER}\nCardiff,2,,note,good row,,,,\n{row}\n")
    with Store(db) as store, pytest.raises(CsvImportError) as info:
        import_notes(store, default_pack, path)
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (3, field) and reason in problem.message
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_every_bad_row_is_listed_with_its_physical_line(store, default_pack, tmp_path):
    _roster(store)
    text = (f"{HEADER}\n"
            'Cardiff,2,,note,"two\nlines",,,,\n'          # lines 2-3, fine
            "Cardiff,9,,note,x,,,,\n"                      # line 4
            "Cardiff,2,,memo,,,,,\n")                      # line 5: two problems
    with pytest.raises(CsvImportError) as info:
        import_notes(store, default_pack, _write(tmp_path / "bad.csv", text))
    assert [(p.line, p.field) for p in info.value.problems] == [
        (4, "workshop"), (5, "kind"), (5, "text")]
    assert store.count("notes") == 0 and store.count("themes_custom") == 0


def test_missing_column_is_reported_on_line_1(store, default_pack, tmp_path):
    path = _write(tmp_path / "cols.csv", "site,workshop,text\nCardiff,2,x\n")
    with pytest.raises(CsvImportError) as info:
        import_notes(store, default_pack, path)
    assert [(p.line, p.field) for p in info.value.problems] == [(1, "kind")]


def test_cancel_rolls_back_themes_and_notes(store, default_pack, tmp_path):
    _roster(store)
    path = _write(tmp_path / "notes.csv", GOOD)

    def progress(done: int, total: int) -> None:
        if done == 3:
            raise Cancelled()

    with pytest.raises(Cancelled):
        import_notes(store, default_pack, path, progress)
    assert store.count("notes") == 0 and store.count("themes_custom") == 0


def test_export_is_utf8_with_bom_and_withholds_what_must_not_leave(store, default_pack,
                                                                   tmp_path):
    _roster(store)
    here = Attribution("cardiff", 2, None, "Table 1", None, "call_101")
    notes.save_note(store, here, "quote", "yes quote me", [], participant_id("cardiff", "CDF-01"))
    notes.save_note(store, here, "quote", "do not quote me", [],
                    participant_id("cardiff", "CDF-02"))
    gone = notes.save_note(store, here, "note", "withdrawn later", [],
                           participant_id("cardiff", "CDF-01"))
    store.edit("participants", participant_id("cardiff", "CDF-01"), {})
    deleted = notes.save_note(store, here, "note", "deleted note")
    notes.delete_note(store, deleted["id"])
    out = tmp_path / "out.csv"
    assert export_notes(store, default_pack, out, "cardiff") == 3
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + HEADER.encode() + b",note_id,")
    text = raw.decode("utf-8-sig")
    assert "do not quote me" not in text and WITHHELD in text
    assert "deleted note" not in text and "yes quote me" in text
    store.edit("participants", participant_id("cardiff", "CDF-01"), {"withdrawn": 1})
    assert export_notes(store, default_pack, out, "cardiff") == 1
    assert "withdrawn later" not in out.read_text("utf-8-sig")
    assert gone["id"]


ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc")),
        st.sampled_from(list('\n,";ŵŷâêîôûŴŶ😀🏴󠁧󠁢󠁷󠁬󠁳󠁿\r\n\t'))),
    min_size=1, max_size=80,
).map(str.strip).filter(bool)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.tuples(ANY_TEXT, st.sampled_from(["note", "quote", "advice"]),
                                st.booleans()), min_size=1, max_size=4),
       theme=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"),
                                            blacklist_characters=";"),
                      min_size=1, max_size=20).map(lambda s: " ".join(s.split())).filter(bool))
def test_any_text_round_trips_through_csv(tmp_path_factory, default_pack, texts, theme):
    folder = tmp_path_factory.mktemp("rt")
    with Store(folder / "a.db", device_id="A") as a, Store(folder / "b.db", device_id="B") as b:
        for store in (a, b):
            _roster(store)
        for i, (text, kind, named) in enumerate(texts):
            use_case = None if kind == "advice" else "reoffending"
            group = themes.group_for(kind, use_case)
            ad_hoc = themes.add_custom_theme(a, default_pack, group, theme)
            notes.save_note(a, Attribution("cardiff", 2 + i % 3, None, "Table ŵ, 1", None,
                                           use_case),
                            kind, text, [ad_hoc.id],
                            participant_id("cardiff", "CDF-01") if named else None)
        out = folder / "a.csv"
        export_notes(a, default_pack, out)
        import_notes(b, default_pack, out)

        def shown(store: Store) -> list[tuple]:
            labels = themes.labels(store, default_pack)
            return sorted((n["site"], n["workshop"], n["table_name"], n["kind"], n["text"],
                           n["use_case"] or "", tuple(labels[t] for t in notes.themes_of(n)),
                           n["participant_id"] or "", n["noted_at"])
                          for n in notes.search_notes(store, NoteFilter()))

        assert shown(b) == shown(a)
        # And the export of the import is the same file, but for the notes' ids (an
        # import gives its notes ids from their content).
        again = folder / "b.csv"
        export_notes(b, default_pack, again)

        def without_ids(path: Path) -> list[list[str]]:
            rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline="")))
            at = rows[0].index("note_id")
            return [r[:at] + r[at + 1:] for r in rows]

        assert without_ids(again) == without_ids(out)


def _cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "facilitator", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120)


def test_cli_import_notes_json_and_bad_rows(tmp_path):
    db = tmp_path / "cli.db"
    with Store(db) as store:
        _roster(store)
    good = _write(tmp_path / "good.csv", GOOD)
    done = _cli("import", "notes", str(good), "--json", db=db)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["ok"] and payload["added"] == 4 and payload["unchanged"] == 0
    assert "Welsh speakers" in done.stderr
    bad = _write(tmp_path / "bad.csv", f"{HEADER}\nCardiff,7,,note,x,,,,\nLeeds,2,,note,x,,,,\n")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    failed = _cli("import", "notes", str(bad), db=db)
    assert failed.returncode == 1
    assert f"{bad}:2: workshop" in failed.stderr and f"{bad}:3: site" in failed.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    failed_json = _cli("import", "notes", str(bad), "--json", db=db)
    assert [p["line"] for p in json.loads(failed_json.stdout)["problems"]] == [2, 3]


def test_reading_back_this_laptops_own_export_adds_nothing(store, default_pack, tmp_path):
    _roster(store)
    here = Attribution("cardiff", 2, None, "Table 1", None, "call_101")
    for text in ("said twice", "said twice", "said once"):
        notes.save_note(store, here, "note", text, noted_at="2025-03-08T10:00:00Z")
    out = tmp_path / "mine.csv"
    export_notes(store, default_pack, out)
    report = import_notes(store, default_pack, out)
    assert (report.added, report.unchanged) == (0, 3)
    assert store.count("notes") == 3


def test_export_columns_for_analysts_and_they_read_back_cleanly(store, default_pack, tmp_path):
    """A note id, one row per note, use-case titles, agenda step, star, UK local time
    with its offset, one 1/blank column per theme; the import reads it without a
    warning about those columns and keeps the star."""
    _roster(store)
    here = Attribution("cardiff", 2, None, "Table 1", "w2-call101-discussion", "call_101")
    efficiency = theme_id("call_101", "Efficiency")
    accents = theme_id("call_101", "Languages and accents")
    summer = notes.save_note(store, here, "quote", "=SUM(A1) but 8 seconds is good",
                             [efficiency, accents], participant_id("cardiff", "CDF-01"),
                             noted_at="2026-05-09T09:05:00Z")
    notes.set_starred(store, summer["id"], True)
    winter = notes.save_note(store, Attribution("cardiff", 2), "note", "Winter note",
                             [], noted_at="2026-01-15T12:00:00.250000Z")
    out = tmp_path / "notes.csv"
    assert export_notes(store, default_pack, out) == 2
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"), newline="")))
    by_id = {r["note_id"]: r for r in rows}
    first, second = by_id[summer["id"]], by_id[winter["id"]]
    assert first["created_at"] == "2026-05-09T10:05:00+01:00"  # BST, with its offset
    assert (first["date_uk"], first["time_uk"]) == ("2026-05-09", "10:05")
    assert second["created_at"] == "2026-01-15T12:00:00.250000+00:00"  # GMT in winter
    assert first["use_case"] == "call_101"
    assert first["use_case_title"] == "AI answering 101 calls"
    assert first["agenda_step"] == "Table discussion: AI answering 101 calls"
    assert (first["starred"], second["starred"]) == ("1", "")
    assert first["themes"] == "Efficiency;Languages and accents"
    theme_columns = [c for c in rows[0] if c.startswith("theme: ")]
    assert len(theme_columns) == len({t.label.casefold() for t in default_pack.themes})
    assert {c for c in theme_columns if first[c] == "1"} == {
        "theme: Efficiency", "theme: Languages and accents"}
    assert not any(second[c] for c in theme_columns)
    with Store(tmp_path / "other.db", device_id="other") as other:
        _roster(other)
        report = import_notes(other, default_pack, out)
        assert report.added == 2
        assert not [w for w in report.warnings if "column" in w]
        back = {n["text"]: n for n in other.rows("notes")}
        assert back["=SUM(A1) but 8 seconds is good"]["starred"] == 1
        assert back["Winter note"]["noted_at"] == winter["noted_at"]
        assert back["Winter note"]["starred"] == 0


def test_an_unknown_extra_column_still_warns(store, default_pack, tmp_path):
    path = _write(tmp_path / "n.csv", "site,workshop,kind,text,colour,theme: privacy\r\n"
                  "Cardiff,2,note,hello,blue,1\r\n")
    report = import_notes(store, default_pack, path)
    assert report.added == 1
    assert [w for w in report.warnings if "column" in w] == [
        f"{path}: column 'colour' is not used and was ignored"]


def test_a_bad_star_is_named(store, default_pack, tmp_path):
    path = _write(tmp_path / "n.csv", "site,workshop,kind,text,starred\r\n"
                  "Cardiff,2,note,hello,maybe\r\n")
    with pytest.raises(CsvImportError) as caught:
        import_notes(store, default_pack, path)
    assert caught.value.problems[0].line == 2 and caught.value.problems[0].field == "starred"
    assert store.count("notes") == 0


def test_hostile_text_and_people_whose_words_must_not_leave(default_pack, tmp_path):
    """Markup, control characters, emoji, Welsh and 45,000 characters come out exactly
    as stored; refused, withdrawn and erased participants' words do not come out."""
    from handoff_data import HOSTILE, build

    words = build(tmp_path / "venue.db", default_pack)
    out = tmp_path / "notes.csv"
    with Store(tmp_path / "venue.db") as store:
        export_notes(store, default_pack, out)
    text = out.read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert HOSTILE in [r["text"] for r in rows]
    for key, value in words.items():
        assert (value in text) == key.startswith("ok_"), key
    assert WITHHELD in [r["text"] for r in rows if r["participant"] == "CDF-02"]
