"""The REFI-QDA hand-offs: a .qdpx project and a .qdc codebook, validated against the
official QDA-XML 1.0 schemas (tests/data/refi-qda) and read back."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from handoff_data import HOSTILE, build
from lxml import etree

from facilitator.cli import main as cli_main
from facilitator.core.pack import load_pack
from facilitator.core.paths import default_pack_dir
from facilitator.core.store import Store
from facilitator.export import report_qdpx
from facilitator.export.handoff import WITHHELD, clean, gather, write_handoff
from facilitator.export.site_export import PrivacyHitsError

SCHEMAS = Path(__file__).parent / "data" / "refi-qda"
NS = {"q": "urn:QDA-XML:project:1.0", "c": "urn:QDA-XML:codebook:1.0"}


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def assert_valid(xml: bytes, name: str) -> None:
    checker = schema(name)
    document = etree.fromstring(xml)
    assert checker.validate(document), checker.error_log


def read_qdpx(path: Path) -> tuple[bytes, dict[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names[0] == "project.qde"
        assert all(n == "project.qde" or re.fullmatch(r"sources/[0-9a-f-]{36}\.txt", n)
                   for n in names), names
        return archive.read("project.qde"), {
            n.removeprefix("sources/"): archive.read(n) for n in names if n != "project.qde"}


def selections(qde: bytes, files: dict[str, bytes]) -> list[tuple[str, str, list[str]]]:
    """(selection GUID, the text it covers, its code GUIDs) for every coded passage."""
    root = ET.fromstring(qde)
    out = []
    for source in root.iterfind(".//q:TextSource", NS):
        path = source.get("plainTextPath", "")
        assert path.startswith("internal://")
        text = files[path.removeprefix("internal://")].decode("utf-8")
        for selection in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert 0 <= start < end <= len(text)
            out.append((selection.get("guid"), text[start:end],
                        [r.get("targetGUID") for r in selection.iterfind("q:Coding/q:CodeRef",
                                                                          NS)]))
    return out



def test_the_demo_project_validates_and_holds_every_consented_quote_with_its_codes(
        demo_db, tmp_path):
    pack = load_pack(default_pack_dir())
    out = tmp_path / "dialogue.qdpx"
    assert cli_main(["--db", str(demo_db), "report", "-o", str(out)]) == 0
    qde, files = read_qdpx(out)
    assert_valid(qde, "Project.xsd")
    coded = {guid: (text, codes) for guid, text, codes in selections(qde, files)}
    with Store(demo_db) as store:
        expected = list(store.db.query(
            "SELECT n.id, n.text, n.themes FROM notes n LEFT JOIN participants p "
            "ON p.id = n.participant_id WHERE n.kind = 'quote' AND n.deleted = 0 AND "
            "COALESCE(p.quote_consent, 1) = 1 AND COALESCE(p.withdrawn, 0) = 0"))
        refused = [r["id"] for r in store.db.query(
            "SELECT n.id FROM notes n JOIN participants p ON p.id = n.participant_id "
            "WHERE n.kind = 'quote' AND p.quote_consent = 0 AND p.withdrawn = 0")]
        cases = store.count("participants", "withdrawn = 0 AND erased = 0 AND deleted = 0")
    assert len(expected) > 20
    for row in expected:
        text, codes = coded[row["id"]]
        assert text == row["text"]
        assert codes == json.loads(row["themes"])
    root = ET.fromstring(qde)
    assert len(root.findall("q:Cases/q:Case", NS)) == cases
    # Use cases are parents that cannot be coded; every theme of the pack is under one.
    parents = root.findall("q:CodeBook/q:Codes/q:Code", NS)
    assert [p.get("isCodable") for p in parents] == ["false"] * len(parents)
    titles = [p.get("name") for p in parents]
    assert titles[:6] == [f"{u.title} ({u.level})" for u in pack.use_cases]
    assert "Advice" in titles
    under = {c.get("guid") for p in parents for c in p.findall("q:Code", NS)}
    assert {t.id for t in pack.themes} <= under
    assert refused
    for note_id in refused:  # (the demo's refusers say what others say too: check by id)
        assert coded[note_id][0] == WITHHELD


def test_hostile_text_refusals_withdrawals_and_erasures(tmp_path):
    pack = load_pack(default_pack_dir())
    db = tmp_path / "venue.db"
    words = build(db, pack)
    out = tmp_path / "venue.qdpx"
    with Store(db) as store:
        write_handoff(store, pack, out, accept_flagged=False)
    qde, files = read_qdpx(out)
    assert_valid(qde, "Project.xsd")
    blob = (qde + b"".join(files.values())).decode("utf-8")
    for key, text in words.items():
        if key.startswith("no_"):
            assert text not in blob, key
        else:
            assert text in blob, key
    passages = {text: codes for _, text, codes in selections(qde, files)}
    assert words["ok_quote"] in passages and words["ok_note"] in passages
    hostile = clean(HOSTILE).strip("\n")
    assert hostile in passages  # every code point, emoji and tag sequences included
    assert len(passages[hostile]) == 2 and "\x00" not in hostile and "\x1b" not in hostile
    assert "Ŵyn a ŷd 🏴" in hostile and hostile.endswith("hir iawn ")
    assert WITHHELD in passages  # the refused quote keeps its place and its code
    root = ET.fromstring(qde)
    cases = {c.get("name"): c for c in root.iterfind("q:Cases/q:Case", NS)}
    assert sorted(cases) == ["CDF-01", "CDF-02", "DUR-01"]  # no withdrawn, no erased
    values = {ref.get("targetGUID"): value for ref, value in (
        (v.find("q:VariableRef", NS), v[1]) for v in cases["CDF-01"].iterfind(
            "q:VariableValue", NS))}
    variables = {v.get("name"): v for v in root.iterfind("q:Variables/q:Variable", NS)}
    assert values[variables["Age"].get("guid")].text == "25-34"
    assert variables["Agreed to be quoted"].get("typeOfVariable") == "Boolean"
    consent = values[variables["Agreed to be quoted"].get("guid")]
    assert consent.tag.endswith("BooleanValue") and consent.text == "true"
    assert len(cases["CDF-01"].findall("q:SelectionRef", NS)) == 1


def test_positions_count_code_points_not_utf16_units(tmp_path):
    pack = load_pack(default_pack_dir())
    with Store(tmp_path / "e.db", device_id="x") as store:
        for i, text in enumerate(["😀😀 first", "second ŵŷ 👩‍👩‍👧"]):
            store.create("notes", {"site": "london", "workshop": 2, "kind": "quote",
                                   "text": text, "use_case": "hotspots",
                                   "noted_at": f"2026-05-01T10:0{i}:00Z"})
        data = gather(store, pack)
    qde, files = report_qdpx.project(data)
    texts = [text for _, text, _ in selections(qde, files)]
    assert texts == ["😀😀 first", "second ŵŷ 👩‍👩‍👧"]


def test_the_codebook_file_validates_against_codebook_xsd(tmp_path, store):
    pack = load_pack(default_pack_dir())
    out = tmp_path / "codebook.qdc"
    write_handoff(store, pack, out)
    xml = out.read_bytes()
    assert_valid(xml, "Codebook.xsd")
    root = ET.fromstring(xml)
    codable = root.findall(".//c:Code[@isCodable='true']", NS)
    assert len(codable) == len(pack.themes)


def test_the_schema_would_catch_a_wrong_order(tmp_path, store):
    """The check can fail: the same project with CodeBook after Cases is refused."""
    pack = load_pack(default_pack_dir())
    qde, _ = report_qdpx.project(gather(store, pack))
    assert_valid(qde, "Project.xsd")  # an empty database's project is valid as it is
    root = etree.fromstring(qde)
    root.append(root.find("q:CodeBook", NS))
    assert not schema("Project.xsd").validate(root)


def test_the_privacy_gate_stops_it_and_names_the_string(tmp_path, capsys):
    pack = load_pack(default_pack_dir())
    db = tmp_path / "g.db"
    with Store(db, device_id="x") as store:
        from facilitator.core.themes import add_custom_theme

        add_custom_theme(store, pack, "hotspots", "call 07700 900123")
        store.create("venue_tables", {"site": "london", "name": "Table jo@example.org"})
        store.create("notes", {"site": "london", "workshop": 2, "kind": "note",
                               "text": "ok", "table_name": "Table jo@example.org",
                               "noted_at": "2026-05-01T10:00:00Z"})
        with pytest.raises(PrivacyHitsError) as caught:
            write_handoff(store, pack, tmp_path / "x.qdpx")
    assert any("theme label" in line and "07700 900123" in line for line in caught.value.lines)
    assert any("table name" in line and "jo@example.org" in line for line in caught.value.lines)
    assert not (tmp_path / "x.qdpx").exists()
    assert cli_main(["--db", str(db), "report", "-o", str(tmp_path / "x.qdpx")]) == 1
    err = capsys.readouterr().err
    assert "07700 900123" in err and not (tmp_path / "x.qdpx").exists()
    assert cli_main(["--db", str(db), "report", "-o", str(tmp_path / "x.qdpx"),
                     "--accept-flagged"]) == 0
    assert (tmp_path / "x.qdpx").exists()


def test_an_unknown_extension_is_a_clear_message(tmp_path, capsys):
    db = tmp_path / "u.db"
    assert cli_main(["--db", str(db), "report", "-o", str(tmp_path / "r.odt")]) == 1
    err = capsys.readouterr().err
    assert ".odt" in err and ".qdpx" in err and "Traceback" not in err
    assert not (tmp_path / "r.odt").exists()
