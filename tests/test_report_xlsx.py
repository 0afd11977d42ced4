"""The Excel hand-off, read back with openpyxl: real UK-time dates, the right counts,
text that stays text, and nothing of those whose words must not leave."""

from __future__ import annotations

import json
from datetime import datetime

from handoff_data import HOSTILE, build
from openpyxl import load_workbook

from facilitator.cli import main as cli_main
from facilitator.core.pack import load_pack
from facilitator.core.paths import default_pack_dir
from facilitator.core.store import Store
from facilitator.export.handoff import WITHHELD, write_handoff
from facilitator.export.report_xlsx import EXCEL_MAX


def rows(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], r, strict=True)) for r in values[1:]]


def test_demo_workbook_dates_and_counts(demo_db, tmp_path):
    out = tmp_path / "dialogue.xlsx"
    assert cli_main(["--db", str(demo_db), "report", "-o", str(out)]) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["About", "Notes", "Rankings", "Before and after",
                               "Themes by site", "Themes by variable", "Advice",
                               "Participants"]
    notes = book["Notes"]
    assert notes["F2"].data_type == "d" and notes["F2"].is_date
    assert notes["G2"].data_type == "d" and isinstance(notes["G2"].value, datetime)
    table = rows(notes)
    with Store(demo_db) as store:
        expected = {r["id"]: r for r in store.db.query(
            "SELECT n.* FROM notes n LEFT JOIN participants p ON p.id = n.participant_id "
            "WHERE n.deleted = 0 AND COALESCE(p.withdrawn, 0) = 0 AND n.rehearsal = 0")}
        ballots = {(int(w), s): int(c) for w, s, c in store.db.execute(
            "SELECT b.workshop, s.site, COUNT(*) FROM ballots b JOIN (SELECT 'cardiff' AS id, "
            "'Cardiff' AS site UNION SELECT 'durham', 'Durham' UNION SELECT 'london', 'London')"
            " s ON s.id = b.site WHERE b.deleted = 0 AND b.entry NOT IN ('first', 'second') "
            "AND COALESCE(b.participant_id, '') NOT IN (SELECT id FROM participants WHERE "
            "withdrawn = 1 OR erased = 1) GROUP BY 1, 2")}
        people = store.count("participants", "withdrawn = 0 AND erased = 0 AND deleted = 0")
    assert {r["Note id"] for r in table} == set(expected)
    pack = load_pack(default_pack_dir())
    theme_ids = {t.label: t.id for t in pack.themes}
    for row in table:
        record = expected[row["Note id"]]
        tagged = json.loads(record["themes"])
        for label, theme_id in theme_ids.items():
            # Labels repeat across use cases: the column is the label.
            wanted = any(pack_theme.id in tagged for pack_theme in pack.themes
                         if pack_theme.label == label)
            assert (row[f"Theme: {label}"] == 1) == wanted, (label, theme_id)
        assert row["Date"].date().isoformat() == row["Time (UK)"].date().isoformat()
    # Each workshop's ranking counts that workshop's ballots only, per site.
    ranking = rows(book["Rankings"])
    for (workshop, site), count in ballots.items():
        found = {r["Ballots"] for r in ranking if r["Workshop"] == workshop
                 and r["Grouping"] == "Site" and r["Group"] == site}
        assert found == {count}
    overall = {r["Workshop"]: r["Ballots"] for r in ranking if r["Grouping"] == "Overall"}
    assert overall == {w: sum(c for (w2, _), c in ballots.items() if w2 == w)
                       for w in overall}
    assert len(rows(book["Participants"])) == people
    by_site = rows(book["Themes by site"])
    assert sum(r["All sites"] for r in by_site) == sum(
        len(json.loads(r["themes"])) for r in expected.values())
    # Before and after, recomputed from the ballots: each round's mean rank per use case.
    with Store(demo_db) as store:
        ballots_by = {}
        for site, workshop, ranking in store.db.execute(
                "SELECT s.site, b.workshop, b.ranking FROM ballots b JOIN (SELECT 'cardiff' "
                "AS id, 'Cardiff' AS site UNION SELECT 'durham', 'Durham' UNION SELECT "
                "'london', 'London') s ON s.id = b.site WHERE b.deleted = 0 AND b.entry NOT "
                "IN ('first', 'second') AND COALESCE(b.participant_id, '') NOT IN (SELECT id "
                "FROM participants WHERE withdrawn = 1 OR erased = 1)"):
            ballots_by.setdefault((site, int(workshop)), []).append(json.loads(ranking))
    titles = {u.id: u.title for u in pack.use_cases}
    shifts = rows(book["Before and after"])
    twice = {s for s, _ in ballots_by if sum(1 for s2, _ in ballots_by if s2 == s) > 1}
    assert twice == {"Cardiff"} and {r["Site"] for r in shifts} == twice
    for r in shifts:
        for when, column in ((r["From workshop"], "Mean rank before"),
                             (r["To workshop"], "Mean rank after")):
            ballots = ballots_by[(r["Site"], when)]
            use_case = next(u for u, t in titles.items() if t == r["Use case"])
            mean = sum(b.index(use_case) + 1 for b in ballots) / len(ballots)
            assert r[column] == round(mean, 2)
    advice = rows(book["Advice"])
    assert [r["Dots"] for r in advice] == sorted((r["Dots"] for r in advice), reverse=True)
    assert advice and all(r["Dots"] == sum(r[f"Dots cast in {site}"] for site in
                                           ("Cardiff", "Durham", "London")) for r in advice)


def test_hostile_text_refusals_and_uk_time(tmp_path):
    pack = load_pack(default_pack_dir())
    db = tmp_path / "venue.db"
    words = build(db, pack)
    out = tmp_path / "venue.xlsx"
    with Store(db) as store:
        write_handoff(store, pack, out)
    book = load_workbook(out)
    everything = " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True)
                          for c in row if c is not None)
    for key, text in words.items():
        assert (text in everything) == key.startswith("ok_"), key
    notes = rows(book["Notes"])
    hostile = next(r for r in notes if r["Text"].startswith("<b>bold?</b>"))
    assert len(hostile["Text"]) == EXCEL_MAX and "cut at Excel's cell limit" in hostile["Text"]
    assert "=HYPERLINK" in hostile["Text"] and len(HOSTILE) > EXCEL_MAX
    cell = next(c for c in book["Notes"]["M"] if str(c.value).startswith("<b>bold?</b>"))
    assert cell.data_type == "s"  # text, never a formula
    refused = next(r for r in notes if r["Participant"] == "CDF-02")
    assert refused["Text"] == WITHHELD and refused["Theme: Efficiency"] == 1
    summer = next(r for r in notes if r["Starred"] == 1)
    assert summer["Time (UK)"] == datetime(2026, 5, 9, 10, 5)  # 09:05 UTC is 10:05 BST
    winter = next(r for r in notes if r["Text"] == words["ok_note"])
    assert winter["Time (UK)"] == datetime(2026, 1, 15, 12, 0)  # GMT in January
    people = rows(book["Participants"])
    assert sorted(p["Code"] for p in people) == ["CDF-01", "CDF-02", "DUR-01"]
    assert set(people[0]) >= {"Code", "Site", "Gender", "Age", "Agreed to be quoted"}
    # Three participants at most in any category: every category is suppressed.
    variable = rows(book["Themes by variable"])
    assert variable and all(v == "suppressed" for r in variable
                            for k, v in r.items() if k not in ("Use case", "Theme"))
