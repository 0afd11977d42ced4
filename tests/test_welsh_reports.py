"""Reports in Welsh: ``facilitator report --lang cy`` and the site export print their
headings, tables and method text in Welsh; quotes stay in the words people said."""

from __future__ import annotations

import random
from pathlib import Path

from pypdf import PdfReader

from facilitator.cli import main as cli_main
from facilitator.core import ballots, i18n
from facilitator.core.notes import Attribution, save_note
from facilitator.core.pack import load_pack
from facilitator.core.paths import default_pack_dir
from facilitator.core.store import Store

QUOTE = "I rang 101 twice and waited 40 minutes"
CWOTE = "Mae angen i berson go iawn wirio bob tro"


def make_venue(path: Path) -> None:
    pack = load_pack(default_pack_dir())
    with Store(path, device_id="device-cardiff") as store:
        store.set_setting("site", "cardiff")
        store.create("devices", {"label": "Console", "site": "cardiff"},
                     record_id="device-cardiff")
        person = store.create("participants", {"site": "cardiff", "code": "CDF-01",
                                               "gender": "woman", "quote_consent": 1})
        at = Attribution("cardiff", 2, table_name="Table 1", use_case="call_101")
        theme = pack.themes_for("call_101")[0].id
        save_note(store, at, "quote", QUOTE, [theme], str(person["id"]))
        save_note(store, at, "quote", CWOTE, [theme], str(person["id"]))
        save_note(store, Attribution("cardiff", 4, table_name="Table 1"), "advice",
                  "Publish every tool in a register")
        ballots.set_voting(store, "cardiff", 2, True)
        rng = random.Random(5)
        for _ in range(8):
            order = list(pack.use_case_ids)
            rng.shuffle(order)
            ballots.cast_ballot(store, pack, site="cardiff", workshop=2, ranking=order)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def outline_titles(path: Path) -> list[str]:
    def walk(items) -> list[str]:
        found: list[str] = []
        for item in items:
            found.extend(walk(item) if isinstance(item, list) else [item.title])
        return found
    return walk(PdfReader(str(path)).outline)


def test_report_lang_cy_prints_welsh_headings_and_keeps_quotes(tmp_path, capsys):
    db = tmp_path / "venue.db"
    make_venue(db)
    welsh, english = tmp_path / "adroddiad.pdf", tmp_path / "report.pdf"
    assert cli_main(["--db", str(db), "report", "-o", str(welsh), "--lang", "cy"]) == 0, \
        capsys.readouterr().err
    assert cli_main(["--db", str(db), "--lang", "en", "report", "-o", str(english)]) == 0
    text = pdf_text(welsh)
    headings = outline_titles(welsh)
    for heading in ("Sut y cynhaliwyd y ddeialog", "Y chwe achos defnydd",
                    "Sut y dadansoddwyd y canfyddiadau",
                    "Pa mor dderbyniol oedd yr achosion defnydd",
                    "Beth ddywedodd cyfranogwyr, yn ôl achos defnydd",
                    "Cyngor i’r llywodraeth a heddluoedd"):
        assert heading in headings, headings
    assert "How the dialogue ran" not in headings
    assert "Adroddiad traws-leoliad: Caerdydd" in text  # no --site: every site
    assert "Safle cymedrig" in text  # a table's heading
    assert "AI yn ateb galwadau 101" in text  # the pack's Welsh title
    assert "Rhestriadau: rhestrodd pob cyfranogwr" in text  # the method text
    # Quotes stay in the words people said, whatever the report's language.
    assert QUOTE in text.replace("\n", " ") and CWOTE in text.replace("\n", " ")
    english_text = pdf_text(english)
    assert "How the dialogue ran" in outline_titles(english)
    assert "Cross-site report: Cardiff" in english_text and "Sut y cynhaliwyd" not in english_text
    assert PdfReader(str(welsh)).trailer["/Root"].get("/Lang") in ("cy-GB", None)


def test_facilitator_lang_environment_and_the_site_export(tmp_path, capsys, monkeypatch):
    db = tmp_path / "venue.db"
    make_venue(db)
    monkeypatch.setenv(i18n.LANG_ENV, "cy")
    out = tmp_path / "allforio.pdf"
    code = cli_main(["--db", str(db), "export", "--site", "Caerdydd", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    text = pdf_text(out)
    assert "Ffeil ddata’r lleoliad: Caerdydd" in text
    assert "Data ymchwil cyfrinachol — nid i’w gyhoeddi" in text
    assert QUOTE in text.replace("\n", " ")
