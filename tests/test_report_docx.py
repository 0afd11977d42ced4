"""The Word report, read back with python-docx: real headings for the navigation pane,
title and language set, every consented quote with its "Site, Workshop N", and
nothing of those whose words must not be printed."""

from __future__ import annotations

import zipfile

from docx import Document
from handoff_data import build

from facilitator.cli import main as cli_main
from facilitator.core.pack import load_pack
from facilitator.core.paths import default_pack_dir
from facilitator.core.store import Store
from facilitator.export.handoff import write_handoff
from facilitator.export.report import report_content
from facilitator.export.report_model import build_document


def paragraphs(path) -> list[tuple[str, str]]:
    document = Document(str(path))
    out = [(p.style.name, p.text) for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            out.extend(("cell", cell.text) for cell in row.cells)
    return out


def test_every_consented_quote_with_its_site_and_workshop(demo_db, tmp_path):
    out = tmp_path / "report.docx"
    assert cli_main(["--db", str(demo_db), "report", "-o", str(out)]) == 0
    document = Document(str(out))
    assert document.core_properties.title.startswith("AI in policing")
    assert document.core_properties.language == "en-GB"
    styles = [p.style.name for p in document.paragraphs]
    assert styles.count("Title") == 1
    # The same document model as the PDF: every heading, at its level, in order.
    pack = load_pack(default_pack_dir())
    with Store(demo_db) as store:
        content = report_content(store, pack)
    blocks = build_document(content.data, cross_site=True)
    expected = [(f"Heading {h.level}", h.text) for h in blocks.headings(3)]
    found = [(p.style.name, p.text) for p in document.paragraphs
             if p.style.name.startswith("Heading") and p.text != "Contents"]
    assert found == expected
    headings = [text for _, text in found]
    assert all(any(u.title in h for h in headings) for u in pack.use_cases)
    # Cardiff ranked in Workshops 3 and 4: both rounds, never pooled, and the shift.
    assert any(h.startswith("Cardiff, Workshop 4: 14 ballots") for h in headings)
    assert any("Cardiff" in h and "Workshop 3" in h and "Workshop 4" in h for h in headings)
    names = {s.id: s.name for s in pack.sites}
    body = [text for _, text in paragraphs(out)]
    with Store(demo_db) as store:
        quotes = list(store.db.query(
            "SELECT n.* FROM notes n LEFT JOIN participants p ON p.id = n.participant_id "
            "WHERE n.kind = 'quote' AND n.deleted = 0 AND COALESCE(p.withdrawn, 0) = 0 "
            "AND COALESCE(p.quote_consent, 1) = 1"))
        refused = store.db.execute(
            "SELECT COUNT(*) FROM notes n JOIN participants p ON p.id = n.participant_id "
            "WHERE n.kind = 'quote' AND p.quote_consent = 0 AND p.withdrawn = 0").fetchone()[0]
    assert len(quotes) > 20 and refused
    for quote in quotes:
        where = f"{names[quote['site']]}, Workshop {quote['workshop']}"
        assert any(f"“{quote['text']}” — {where}" in line for line in body), quote["text"]
    # A refused quote never reaches the report: only its count (the demo's refusers
    # say what others say too, so count the quotes instead of searching their words).
    printed = [t for t in body if t.startswith("“[synthetic]") or t.startswith("★ “")]
    assert len(printed) == len(quotes)
    # No data rides along: the package holds Word's parts only.
    with zipfile.ZipFile(out) as archive:
        assert not [n for n in archive.namelist() if "embeddings" in n or n.endswith(".gz")]
    # Page N of M in the footer.
    footer = document.sections[0].footer._element.xml
    assert "NUMPAGES" in footer and "PAGE" in footer


def test_hostile_text_refusals_withdrawals_and_erasures(tmp_path):
    pack = load_pack(default_pack_dir())
    db = tmp_path / "venue.db"
    words = build(db, pack)
    out = tmp_path / "venue.docx"
    with Store(db) as store:
        write_handoff(store, pack, out)
    body = "\n".join(text for _, text in paragraphs(out))
    for key, text in words.items():
        assert (text in body) == key.startswith("ok_"), key
    assert "Ŵyn a ŷd 🏴" in body and "\x1b" not in body and "\x00" not in body
    assert "CDF-01" not in body  # a report prints no participant codes
    assert "Cardiff, Workshop 2 (Table 1)" in body


def test_one_site_one_workshop_and_merge_writes_word_too(demo_db, tmp_path):
    import shutil

    db = tmp_path / "lead.db"
    shutil.copy(demo_db, db)
    out = tmp_path / "durham-w2.docx"
    assert cli_main(["--db", str(db), "report", "--site", "Durham", "--workshop", "2",
                     "-o", str(out)]) == 0
    body = [text for _, text in paragraphs(out)]
    attributed = [t for t in body if "” — " in t]
    assert attributed and all("— Durham, Workshop 2" in t for t in attributed)
    merged = tmp_path / "merged.docx"
    site_pdf = demo_db.parent / "london-site-export.pdf"
    assert cli_main(["--db", str(db), "merge", str(site_pdf), "-o", str(merged)]) == 0
    assert Document(str(merged)).core_properties.title.startswith("AI in policing")
