"""The publication report (DESIGN §4, §5; issue 15): ``facilitator report`` and
``merge -o`` write a report that carries no data, and the one privacy gate sees every
string anything prints — notes, combined advice, theme labels, table names, laptop
labels — in reports, CSV files, advice exchange files and rehearsal databases."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.cli import main as cli_main
from facilitator.core import advice, privacy, themes
from facilitator.core.notes import Attribution, save_note
from facilitator.core.store import Store

PHONE = "07700 900123"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli_main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)
    return done.stdout


def make_venue(path: Path, *, site: str = "cardiff", device: str = "device-cardiff",
               rehearsal: bool = False) -> dict[str, str]:
    """A venue database with a roster, quotes, advice and a laptop label, no hits."""
    with Store(path, device_id=device) as store:
        if rehearsal:
            store.set_setting("is_rehearsal_db", "1")
        store.set_setting("site", site)
        store.create("devices", {"label": "Console", "site": site}, record_id=device)
        ids = {}
        for code, gender, consent in (("CDF-01", "female", 1), ("CDF-02", "male", 0),
                                      ("CDF-03", "female", 1)):
            person = store.create("participants", {
                "site": site, "code": code, "gender": gender, "ethnicity": "Black British",
                "age_band": "45-54", "quote_consent": consent})
            ids[code] = str(person["id"])
        at = Attribution(site, 2, table_name="Table 1", use_case="call_101")
        ids["quote"] = str(save_note(store, at, "quote", "I rang 101 twice in 2019 and "
                                     "waited 40 minutes", [], ids["CDF-01"])["id"])
        ids["refused"] = str(save_note(store, at, "quote", "Secret words of someone who "
                                       "said no", [], ids["CDF-02"])["id"])
        ids["advice"] = str(save_note(store, Attribution(site, 4, table_name="Table 1"),
                                      "advice", "Publish every tool in a register")["id"])
        ids["advice2"] = str(save_note(store, Attribution(site, 4, table_name="Table 1"),
                                       "advice", "Independent audits every year")["id"])
    return ids


def test_report_writes_a_pdf_without_attachment_ids_paths_or_participants(
        tmp_path, capsys) -> None:
    db = tmp_path / "venue.db"
    ids = make_venue(db)
    # Something merged, so a merge log with a file path exists in the database.
    other = tmp_path / "durham.db"
    make_venue(other, site="durham", device="device-durham")
    assert run(capsys, "--db", str(db), "merge", str(other))[0] == 0
    out = tmp_path / "report.pdf"
    code, stdout, err = run(capsys, "--db", str(db), "report", "-o", str(out))
    assert code == 0, err
    assert "publication report written" in stdout
    reader = PdfReader(str(out))
    assert dict(reader.attachments) == {}
    raw = out.read_bytes()
    assert b"EmbeddedFile" not in raw and b"jsonl" not in raw
    text = pdf_text(out)
    assert "Cross-site report: Cardiff, Durham" in text
    assert "I rang 101 twice" in text
    # No participant-level field, no words of a refusal, no ids, no file paths.
    for code_ in ("CDF-01", "CDF-02", "CDF-03"):
        assert code_ not in text
    assert "Secret words" not in text
    assert not UUID.search(text)
    for record_id in ids.values():
        assert record_id[:8] not in text
    assert str(tmp_path) not in text and "durham.db" not in text
    assert "files merged" not in text.lower() and "conflicting versions" not in text


def test_merge_o_writes_the_same_report_and_merge_refuses_it(tmp_path, capsys) -> None:
    venue = tmp_path / "cardiff.db"
    make_venue(venue)
    hub = tmp_path / "hub.db"
    out = tmp_path / "merged.pdf"
    code, _out, err = run(capsys, "--db", str(hub), "merge", str(venue), "-o", str(out))
    assert code == 0, err
    assert dict(PdfReader(str(out)).attachments) == {}
    assert "publication" in pdf_text(out)
    code, _out, err = run(capsys, "--db", str(tmp_path / "other.db"), "merge", str(out))
    assert code == 1 and "publication report" in err and "no data" in err


def test_report_site_and_workshop(tmp_path, capsys) -> None:
    db = tmp_path / "venue.db"
    make_venue(db)
    out = tmp_path / "w2.pdf"
    code, _o, err = run(capsys, "--db", str(db), "report", "--site", "Caerdydd",
                        "--workshop", "2", "-o", str(out))
    assert code == 0, err
    text = pdf_text(out)
    assert "Site report: Cardiff" in text and "I rang 101 twice" in text
    assert "Publish every tool" not in text  # the advice is from workshop 4
    code, _o, err = run(capsys, "--db", str(db), "report", "--workshop", "9", "-o", str(out))
    assert code == 1 and "workshop 9" in err


@pytest.mark.parametrize("name,message", [
    ("report.txt", "names no report format"),
    ("report", "no extension names no report format"),
])
def test_report_formats_follow_the_extension(tmp_path, capsys, name, message) -> None:
    db = tmp_path / "venue.db"
    make_venue(db)
    code, out, err = run(capsys, "--db", str(db), "report", "-o", str(tmp_path / name))
    assert code == 1 and message in err and "Traceback" not in err
    assert not (tmp_path / name).exists()


# -- the one gate: every string printed --------------------------------------------------


def _flag_everywhere(db: Path, kind: str, pack) -> str:
    """Put a phone number where the gate used not to look; returns what to expect."""
    with Store(db) as store:
        if kind == "table":
            save_note(store, Attribution("cardiff", 2, table_name=f"Table {PHONE}"), "note",
                      "An ordinary note")
        elif kind == "theme":
            theme = themes.add_custom_theme(store, pack, "call_101", f"Ring {PHONE}")
            save_note(store, Attribution("cardiff", 2, use_case="call_101"), "note",
                      "Themed note", [theme.id])
        elif kind == "advice-theme":
            theme = themes.add_custom_theme(store, pack, "advice", f"Ring {PHONE}")
            save_note(store, Attribution("cardiff", 4), "advice", "Themed advice",
                      [theme.id])
        elif kind == "laptop":
            store.edit("devices", "device-cardiff", {"label": f"Laptop of {PHONE}"})
        elif kind == "combined":
            notes = [str(r["id"]) for r in store.rows("notes", "kind = 'advice'")]
            advice.combine(store, pack, notes, f"Call {PHONE} to object")
    return PHONE


@pytest.mark.parametrize("rehearsal", [False, True], ids=["real", "rehearsal"])
@pytest.mark.parametrize("kind", ["table", "theme", "advice-theme", "laptop", "combined"])
def test_report_and_merge_outputs_stop_on_a_phone_number_anywhere(
        tmp_path, capsys, default_pack, kind, rehearsal) -> None:
    db = tmp_path / "venue.db"
    make_venue(db, rehearsal=rehearsal)
    _flag_everywhere(db, kind, default_pack)
    merge_flags = ["--include-rehearsal"] if rehearsal else []
    out = tmp_path / "report.pdf"
    code, _o, err = run(capsys, "--db", str(db), "report", "-o", str(out))
    assert code == 1 and PHONE in err, err
    assert not out.exists()
    hub = tmp_path / "hub.db"
    if rehearsal:  # a practice hub prints the practice data it merged
        with Store(hub) as store:
            store.set_setting("is_rehearsal_db", "1")
    merged = tmp_path / "merged.pdf"
    code, _o, err = run(capsys, "--db", str(hub), "merge", str(db), "-o", str(merged),
                        *merge_flags)
    assert code == 1 and PHONE in err and not merged.exists()
    if kind != "laptop":  # the CSV files print no laptop label
        csv_dir = tmp_path / "csv"
        code, _o, err = run(capsys, "--db", str(hub), "merge", str(db), "--csv", str(csv_dir),
                            *merge_flags)
        assert code == 1 and PHONE in err and not csv_dir.exists()
    code, _o, err = run(capsys, "--db", str(db), "export", "--site", "cardiff",
                        "-o", str(tmp_path / "site.pdf"))
    assert code == 1 and PHONE in err and not (tmp_path / "site.pdf").exists()
    if kind in ("combined", "advice-theme"):  # what the advice exchange file prints
        exchange = tmp_path / "exchange.pdf"
        code, _o, err = run(capsys, "--db", str(db), "export", "--advice-only",
                            "-o", str(exchange))
        assert code == 1 and PHONE in err and not exchange.exists()
    # A person checked: written, with the hit counted.
    code, _o, err = run(capsys, "--db", str(db), "report", "-o", str(out), "--accept-flagged")
    assert code == 0 and out.exists()


def test_rehearsal_notes_get_no_exemption(tmp_path, capsys) -> None:
    db = tmp_path / "practice.db"
    make_venue(db, rehearsal=True)
    with Store(db) as store:
        save_note(store, Attribution("cardiff", 2), "quote", f"My number is {PHONE}")
    for argv in (["report", "-o", str(tmp_path / "r.pdf")],
                 ["export", "--site", "cardiff", "-o", str(tmp_path / "s.pdf")]):
        code, _o, err = run(capsys, "--db", str(db), *argv)
        assert code == 1 and PHONE in err, argv


def test_a_confirmed_hit_outside_the_notes_is_not_asked_again(tmp_path, default_pack) -> None:
    db = tmp_path / "venue.db"
    make_venue(db)
    _flag_everywhere(db, "table", default_pack)
    from facilitator.export.report import report_content, report_hits

    with Store(db) as store:
        hits = report_hits(store, report_content(store, default_pack))
        assert {h.matched for h in hits} == {PHONE}
        assert {h.note_kind for h in hits} >= {"table name"}
        for hit in hits:
            privacy.confirm(store, hit)
        assert report_hits(store, report_content(store, default_pack)) == []


def test_check_strings_is_one_entry_point_for_any_format(store) -> None:
    hits = privacy.check_strings(store, ["ordinary 999 calls", f"ring {PHONE}",
                                         "mail jo at example dot com"])
    assert PHONE in {h.matched for h in hits}
