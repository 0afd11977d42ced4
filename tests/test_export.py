"""Site exports and the cross-site report: PDFs that carry their data, read back.

Synthetic three-site data goes in through the real CSV imports (``facilitator demo``);
PDFs are read back with pypdf; merges go through the real merge.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from facilitator.cli import main as cli_main
from facilitator.core import analysis
from facilitator.core.bundle import BUNDLE_NAME
from facilitator.core.errors import MergeError
from facilitator.core.merge import merge
from facilitator.core.pack import load_pack
from facilitator.core.paths import default_pack_dir
from facilitator.core.store import Store
from facilitator.demo import SITES, run_demo
from facilitator.export.site_export import PrivacyHitsError, export_site

REPO = Path(__file__).resolve().parent.parent


def pdf_text(path: Path) -> str:
    text = " ".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    return re.sub(r"\s+", " ", text)


def dump(store: Store) -> dict[str, list[tuple]]:
    return {t: sorted(tuple(r) for r in store.db.execute(f"SELECT * FROM [{t}]").fetchall())
            for t in [*store.specs, "conflicts"]}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    config = tmp_path_factory.mktemp("config")
    old = os.environ.get("FACILITATOR_CONFIG_DIR")
    os.environ["FACILITATOR_CONFIG_DIR"] = str(config)
    try:
        yield run_demo(load_pack(default_pack_dir()), folder)
    finally:
        if old is None:
            os.environ.pop("FACILITATOR_CONFIG_DIR", None)
        else:
            os.environ["FACILITATOR_CONFIG_DIR"] = old


def test_every_quote_appears_attributed_in_the_merged_report(demo):
    text = pdf_text(demo.merged_pdf)
    assert "SYNTHETIC DEMONSTRATION DATA" in text
    with Store(demo.merged_db) as store:
        names = {"cardiff": "Cardiff", "durham": "Durham", "london": "London"}
        quotes = list(store.db.query(
            "SELECT n.*, p.quote_consent FROM notes n LEFT JOIN participants p "
            "ON p.id = n.participant_id WHERE n.kind = 'quote'"))
    assert len(quotes) > 30
    withheld = 0
    for q in quotes:
        printed = re.sub(r"\s+", " ", f"“{q['text']}” — {names[q['site']]}, "
                                       f"Workshop {q['workshop']} ({q['table_name']})")
        if q["quote_consent"] == 0:
            withheld += 1
            continue
        assert printed in text, printed
    assert withheld > 0
    # Withheld quotes are counted under their theme: "2 quotes from participants who
    # did not agree to be quoted are counted here, not printed".
    said = re.findall(r"(\d+) quotes? from (?:a )?participants? who did not agree to be "
                      r"quoted (?:is|are) counted here", text)
    assert sum(int(n) for n in said) == withheld


def test_merging_the_pdfs_equals_merging_the_databases(demo, tmp_path):
    pdfs = Store(tmp_path / "from-pdfs.db", device_id="lead")
    merge(pdfs, demo.site_pdfs)
    dbs = Store(tmp_path / "from-dbs.db", device_id="lead")
    merge(dbs, [demo.folder / f"{site}.db" for site, _prefix, _n in SITES])
    assert dump(pdfs) == dump(dbs)
    pack = load_pack(default_pack_dir())
    for by in (None, "site", "trust_police"):
        assert analysis.results(pdfs, pack, by=by) == analysis.results(dbs, pack, by=by)
    with Store(demo.merged_db) as merged:
        assert analysis.results(merged, pack, by="site") == analysis.results(
            dbs, pack, by="site")
    pdfs.close()
    dbs.close()


def test_a_site_export_carries_only_its_site(demo):
    reader = PdfReader(str(demo.site_pdfs[0]))
    raw = reader.attachments[BUNDLE_NAME][0]
    manifest = json.loads(gzip.decompress(raw).split(b"\n", 1)[0])
    assert manifest["sites"] == ["cardiff"]
    assert manifest["extra"]["kind"] == "site-export"
    text = pdf_text(demo.site_pdfs[0])
    assert "Site data file: Cardiff" in text
    first = " ".join(reader.pages[0].extract_text().split())
    assert "Confidential research data — not for publication" in first
    assert ", Durham, Workshop" not in text and "— London, Workshop" not in text


def reembed(source: Path, target: Path, edit) -> Path:
    reader = PdfReader(str(source))
    raw = edit(bytes(reader.attachments[BUNDLE_NAME][0]))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.add_attachment(BUNDLE_NAME, raw)
    with open(target, "wb") as handle:
        writer.write(handle)
    return target


def one_byte_changed(raw: bytes) -> bytes:
    body = bytearray(gzip.decompress(raw))
    at = body.index(b"[synthetic]") + 1
    body[at] = ord("S")
    return gzip.compress(bytes(body))


@pytest.mark.parametrize("damage", ["changed byte", "truncated", "foreign"])
def test_damaged_pdfs_are_refused_with_nothing_written(demo, tmp_path, damage, capsys):
    source = demo.site_pdfs[1]
    bad = tmp_path / f"{damage}.pdf"
    if damage == "changed byte":
        reembed(source, bad, one_byte_changed)
    elif damage == "truncated":
        bad.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    else:
        from reportlab.pdfgen import canvas

        page = canvas.Canvas(str(bad))
        page.drawString(72, 720, "Minutes of the steering group")
        page.save()
    target = tmp_path / "lead.db"
    Store(target, device_id="lead").close()
    before = target.read_bytes()
    out = tmp_path / "report.pdf"
    code = cli_main(["merge", str(demo.site_pdfs[0]), str(bad), "--db", str(target), "-o",
                     str(out), "--csv", str(tmp_path / "csv")])
    assert code == 1
    assert str(bad) in capsys.readouterr().err
    assert target.read_bytes() == before
    assert not out.exists() and not (tmp_path / "csv").exists()


def test_markup_welsh_emoji_and_a_huge_note_export_literally(tmp_path):
    pack = load_pack(default_pack_dir())
    path = tmp_path / "odd.db"
    texts = ["<b>not bold</b> & <font size=40>not big</font> <para>",
             "Ŵyn a ŷd yng Nghaerdydd — “curly” quotes 🙂 and a ☎ sign",
             "x" * 50 + " " + "long words " * 9_995]
    with Store(path, device_id="laptop") as store:
        store.set_setting("site", "cardiff")
        for text in texts:
            store.create("notes", {"site": "cardiff", "workshop": 2, "kind": "note",
                                   "text": text, "use_case": "call_101",
                                   "noted_at": "2026-05-01T10:00:00Z"})
        out = tmp_path / "odd.pdf"
        export_site(store, pack, "Cardiff", out, accept_flagged=True)
    text = pdf_text(out)
    assert "<b>not bold</b> & <font size=40>not big</font> <para>" in text
    assert "Ŵyn a ŷd yng Nghaerdydd — “curly” quotes" in text
    assert "long words long words" in text
    with Store(tmp_path / "back.db", device_id="lead") as back:
        merge(back, [out])
        assert sorted(r["text"] for r in back.rows("notes")) == sorted(texts)


def test_withdrawn_participants_leave_the_report(tmp_path):
    pack = load_pack(default_pack_dir())
    with Store(tmp_path / "w.db", device_id="laptop") as store:
        store.set_setting("site", "durham")
        for code, consent in (("DUR-01", 1), ("DUR-02", 1), ("DUR-03", 0)):
            person = store.create("participants", {"site": "durham", "code": code,
                                                   "quote_consent": consent})
            store.create("notes", {"site": "durham", "workshop": 2, "kind": "quote",
                                   "text": f"words of {code}", "use_case": "hotspots",
                                   "participant_id": person["id"],
                                   "noted_at": "2026-05-01T10:00:00Z"})
        store.edit("participants", person["id"], {})  # an ordinary edit changes nothing
        withdrawn = store.rows("participants", "code = 'DUR-02'")[0]
        store.edit("participants", withdrawn["id"], {"withdrawn": 1})
        out = tmp_path / "durham.pdf"
        export_site(store, pack, "durham", out, accept_flagged=True)
    text = pdf_text(out)
    assert "words of DUR-01" in text
    assert "words of DUR-02" not in text  # withdrawn: gone
    assert "words of DUR-03" not in text  # no consent: counted, not printed
    assert "did not agree to be quoted" in text
    assert "DUR-01" not in text.replace("words of DUR-01", "")  # no codes printed


def test_the_privacy_gate_stops_the_command_line_export(tmp_path, capsys):
    db = tmp_path / "venue.db"
    with Store(db, device_id="laptop") as store:
        store.set_setting("site", "cardiff")
        store.create("notes", {"site": "cardiff", "workshop": 2, "kind": "note",
                               "text": "Ring me on 07700 900123 about the 999 calls",
                               "noted_at": "2026-05-01T10:00:00Z"})
    out = tmp_path / "cardiff.pdf"
    assert cli_main(["export", "--site", "caerdydd", "-o", str(out), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "07700 900123" in err and "999" not in err.replace("the 999 calls", "")
    assert not out.exists()
    assert cli_main(["export", "--site", "Cardiff", "-o", str(out), "--db", str(db),
                     "--accept-flagged"]) == 0
    assert out.exists()
    with Store(db, device_id="laptop") as store, pytest.raises(PrivacyHitsError):
        export_site(store, load_pack(default_pack_dir()), "cardiff", tmp_path / "x.pdf")


def test_a_full_disk_leaves_no_partial_file(tmp_path):
    db = tmp_path / "venue.db"
    with Store(db, device_id="laptop") as store:
        store.set_setting("site", "london")
        words = [f"w{i * 7919 % 100003:05d}" for i in range(6000)]
        for i in range(60):
            store.create("notes", {"site": "london", "workshop": 2, "kind": "note",
                                   "text": " ".join(words[i * 100:(i + 1) * 100]),
                                   "noted_at": "2026-05-01T10:00:00Z"})
    out_dir = tmp_path / "usb"
    out_dir.mkdir()
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        # Above the database's shared-memory file (32 KB), below the PDF.
        "resource.setrlimit(resource.RLIMIT_FSIZE, (40000, 40000))\n"
        "from facilitator.cli import main\n"
        f"sys.exit(main(['export', '--site', 'london', '-o', {str(out_dir / 'l.pdf')!r}, "
        f"'--db', {str(db)!r}, '--accept-flagged']))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=REPO, timeout=120, env=os.environ.copy())
    assert result.returncode == 1, result.stderr
    assert "disk is full" in result.stderr and "nothing was written" in result.stderr
    assert list(out_dir.iterdir()) == []


def test_csv_files_import_back(demo, tmp_path):
    from facilitator.core.ballots import import_ballots
    from facilitator.core.notes_csv import import_notes
    from facilitator.core.roster import import_roster

    out = tmp_path / "csv"
    code = cli_main(["merge", *map(str, demo.site_pdfs), "--db", str(tmp_path / "l.db"),
                     "--csv", str(out)])
    assert code == 0
    pack = load_pack(default_pack_dir())
    assert (out / "notes.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    with Store(tmp_path / "again.db", device_id="other") as store:
        import_roster(store, pack, out / "participants.csv")
        import_notes(store, pack, out / "notes.csv")
        import_ballots(store, pack, out / "ballots.csv")
        with Store(tmp_path / "l.db", device_id="lead") as lead:
            assert store.count("participants") == lead.count("participants")
            assert store.count("notes") == lead.count("notes")
            assert analysis.results(store, pack, by="site") == analysis.results(
                lead, pack, by="site")


def test_merge_error_names_a_pdf_without_data(tmp_path):
    from reportlab.pdfgen import canvas

    plain = tmp_path / "plain.pdf"
    canvas.Canvas(str(plain)).save()
    with Store(tmp_path / "t.db", device_id="t") as store, pytest.raises(MergeError) as info:
        merge(store, [plain])
    assert str(plain) in str(info.value)
