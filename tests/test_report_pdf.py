"""The publication report as a reader gets it: read back with pypdf.

The demo's three synthetic sites go in through the real imports and merge; Cardiff
ranks in Workshops 3 and 4. The report is written by ``facilitator report -o``.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.cli import main as cli_main
from facilitator.core import palette
from facilitator.core.pack import load_pack
from facilitator.core.paths import default_pack_dir
from facilitator.core.store import Store
from facilitator.demo import run_demo
from facilitator.export import pdf_report, report_model
from facilitator.export.report_data import gather

PACK = load_pack(default_pack_dir())


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    old = os.environ.get("FACILITATOR_CONFIG_DIR")
    os.environ["FACILITATOR_CONFIG_DIR"] = str(tmp_path_factory.mktemp("config"))
    try:
        demo = run_demo(PACK, folder)
        out = folder / "publication.pdf"
        assert cli_main(["--db", str(demo.merged_db), "report", "-o", str(out),
                         "--accept-flagged"]) == 0
        yield demo, out
    finally:
        if old is None:
            os.environ.pop("FACILITATOR_CONFIG_DIR", None)
        else:
            os.environ["FACILITATOR_CONFIG_DIR"] = old


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    found: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))
    walk(reader.outline, 0)
    return found


def _pages(path: Path) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(path).pages]


def test_outline_lists_every_use_case_and_the_contents_agrees(report):
    _demo, path = report
    reader = PdfReader(path)
    outline = _outline(reader)
    chapters = [title for depth, title, _p in outline if depth == 0]
    assert chapters[:5] == ["How the dialogue ran", "How acceptable the use cases were",
                            "What participants said, by use case",
                            "Themes across the use cases",
                            "Advice for government and police forces"]
    sections = [(title, page) for depth, title, page in outline if depth == 1]
    for use_case in PACK.use_cases:
        entry = f"{use_case.title} ({use_case.level})"
        assert entry in dict(sections), entry
    pages = _pages(path)
    contents = pages[0]
    assert "Contents" in contents
    # Every contents line names a page, and it is the page the outline goes to.
    for title, page in sections[:8]:
        assert re.search(re.escape(title) + r"[ .]*" + str(page) + r"\b", contents), title
        assert title in pages[page - 1]
    assert "Appendix: more quotes and the table notes" in chapters


def test_title_language_and_page_n_of_m(report):
    _demo, path = report
    reader = PdfReader(path)
    assert reader.metadata.title.startswith(PACK.title)
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"]
    pages = _pages(path)
    for number, text in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in text


def test_no_internal_ids_codes_or_paths(report):
    demo, path = report
    text = " ".join(_pages(path))
    assert not re.search(r"\b[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\b", text)
    assert not re.search(r"\bitem [0-9a-f]{6,}", text)
    assert str(demo.folder) not in text and "/tmp" not in text and "\\" not in text
    assert not re.search(r"\b(CDF|DUR|LDN)-S\d\d\b", text)  # participants' codes
    assert "facilitator-data" not in text and ".db" not in text
    with pytest.raises(KeyError):
        PdfReader(path).attachments["facilitator-data.jsonl.gz"]  # noqa: B018


def test_themes_then_quotes_with_attribution_and_the_appendix(report):
    demo, path = report
    text = " ".join(_pages(path))
    with Store(demo.merged_db) as store:
        quotes = list(store.db.query(
            "SELECT n.text, n.site, n.workshop, n.table_name, p.quote_consent FROM notes n "
            "LEFT JOIN participants p ON p.id = n.participant_id WHERE n.kind = 'quote'"))
    names = {s.id: s.name for s in PACK.sites}
    expected: Counter[str] = Counter()
    for q in quotes:
        printed = f"“{q['text']}” — {names[q['site']]}, Workshop {q['workshop']} " \
                  f"({q['table_name']})"
        expected[printed] += 1 if q["quote_consent"] else 0
    assert sum(expected.values()) < len(quotes)  # some speakers said no
    for printed, times in expected.items():  # each consented quote once, no other
        assert text.count(printed) == times, printed
    assert "did not agree to be quoted" in text
    assert re.search(r"Privacy \(\d+ mentions\)", text)
    assert "Theme, by trust in police" in text and "<5" in text
    assert "Basic and complex compared: AI answering 101 calls and AI moving 101 calls " \
           "to 999" in text
    assert "each had 3 dots to place on the combined list, at most 2 on one item" in text


def test_method_chapter(report):
    _demo, path = report
    text = " ".join(_pages(path))
    for video in PACK.videos:
        assert video.title in text and video.speaker in text
    for use_case in PACK.use_cases:
        assert use_case.definition[:60] in text
    assert "Participants: recruited, attended, took part in all" in text
    assert "Participants: quota and actual" in text


def test_before_and_after_in_the_report(report):
    _demo, path = report
    text = " ".join(_pages(path))
    assert "Cardiff, Workshop 3: 20 ballots (20 from participants on the roster" in text
    assert "Cardiff, Workshop 4: 14 ballots (14 from participants on the roster" in text
    assert "Cardiff: Workshop 3 and Workshop 4" in text
    assert "No ballots in Workshop 4 from: Durham, London." in text


def test_charts_have_readable_labels_and_contrast(report):
    demo, _path = report
    with Store(demo.merged_db) as store:
        sites = [s for s in PACK.sites]
        data = gather(store, PACK, sites, results_by=("site", "trust_police"),
                      cross_site=True)
    document = report_model.build_document(data, cross_site=True, publication=True)
    charts = [b for b in document.blocks if isinstance(
        b, report_model.RankChart | report_model.DotChart | report_model.BarChart)]
    kinds = {type(c) for c in charts}
    assert kinds == {report_model.RankChart, report_model.DotChart, report_model.BarChart}
    assert any(isinstance(c, report_model.DotChart) and c.series == ("Cardiff", "Durham",
                                                                     "London")
               for c in charts)  # one chart compares the sites
    for chart in charts:
        drawing = {report_model.RankChart: pdf_report.rank_chart,
                   report_model.DotChart: pdf_report.dot_chart,
                   report_model.BarChart: pdf_report.bar_chart}[type(chart)](chart)
        strings = [e for e in drawing.getContents() if e.__class__.__name__ == "String"]
        assert strings and all(s.fontSize >= 8 for s in strings)
        texts = {s.text for s in strings}
        if isinstance(chart, report_model.RankChart | report_model.DotChart):
            assert {"1", "6"} <= texts  # the 1–6 axis
            assert any("1 = most acceptable" in t for t in texts)
            assert any("more acceptable" in t for t in texts) or isinstance(
                chart, report_model.DotChart)
        if isinstance(chart, report_model.RankChart):
            assert set(report_model.ORDINALS) <= texts  # the legend
    for fill in (*pdf_report.PALETTE, *pdf_report.POSITION_COLOURS):
        assert palette.contrast(pdf_report.ink_on(fill), fill) >= 4.5, fill
    assert pdf_report.ink_on("#D55E00") != "#FFFFFF"  # never white on vermillion


def test_theme_counts_by_variable_suppress_small_cells_and_small_groups(report):
    demo, _path = report
    with Store(demo.merged_db) as store:
        data = gather(store, PACK, list(PACK.sites), cross_site=True)
    document = report_model.build_document(data, cross_site=True)
    tables = [b for b in document.blocks if isinstance(b, report_model.Table)
              and b.header[0].startswith("Theme, by ")]
    assert tables
    people: dict[str, dict[str, int]] = {}
    for values in data.people.values():
        for variable, category in values.items():
            people.setdefault(variable, {}).setdefault(category, 0)
            people[variable][category] += 1
    labels = {v.label[:1].lower() + v.label[1:]: v.id for v in PACK.variables}
    for table in tables:
        variable = labels[table.header[0].removeprefix("Theme, by ")]
        for category in table.header[1:]:
            assert people[variable][category] >= PACK.suppression_threshold
        for row in table.rows:
            for cell in row[1:]:
                assert cell == "<5" or cell == "0" or int(cell) >= 5


def test_hostile_text_prints_literally_everywhere(tmp_path):
    """Markup, Welsh, emoji and control characters in every kind of block: printed as
    typed (or a replacement mark), never parsed; the outline and contents agree."""
    odd = "<b>Ŵyn</b> & <font size=40>ŷd</font> \x07 “999” 🙂"
    doc = report_model.ReportDocument(title=odd, subtitle="Site report: " + odd,
                                      language="cy-GB", subject=odd, footer=odd)
    doc.add(report_model.Para("lead " + odd, "lead"), report_model.Contents(),
            report_model.PageBreak(), report_model.Heading("Chapter " + odd, 1),
            report_model.Heading("Section " + odd, 2),
            report_model.Table(("Theme " + odd, "n"), (("cell " + odd, "3"),), (0.7, 0.3)),
            report_model.QuoteBlock("quote " + odd, "Caerdydd, Workshop 2", "quote", True),
            report_model.RankChart("chart", (report_model.RankRow("row " + odd, 2.5,
                                                                  (1, 1, 0, 0, 0, 0)),)),
            report_model.DotChart("dots", (odd,), (("row", (3.0,)),)),
            report_model.BarChart("bars", ((odd, 4),), "Mentions"))
    out = tmp_path / "odd.pdf"
    out.write_bytes(pdf_report.render_document(doc))
    reader = PdfReader(out)
    text = " ".join(re.sub(r"\s+", " ", p.extract_text() or "") for p in reader.pages)
    literal = "<b>Ŵyn</b> & <font size=40>ŷd</font>"
    for where in ("lead ", "Chapter ", "Section ", "cell ", "“quote "):
        assert where + literal in text, where
    assert "row <b>Ŵyn</b> & <font" in text  # a chart label, clipped to fit with "…"
    assert "\x07" not in text and "\x00" not in text
    titles = [title for _d, title, _p in _outline(reader)]
    assert titles == [f"Chapter {literal} “999” \ufffd", f"Section {literal} “999” \ufffd"]
    assert reader.trailer["/Root"]["/Lang"] == "cy-GB"
    assert literal in reader.metadata.title
