"""The advice exchange file: real PDFs written, read back with pypdf and merged.

Importing exchange files twice or in any order gives the same list; a tampered or
truncated file is refused with the database unchanged; the privacy gate runs over
the advice printed; the CLI speaks DESIGN §5's JSON.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from test_advice import BIAS, OVERSIGHT, TRANSPARENCY, advice_note, participant

from facilitator.cli import main as cli_main
from facilitator.core import advice
from facilitator.core.bundle import BUNDLE_NAME, read_bundle
from facilitator.core.errors import MergeError
from facilitator.core.merge import merge
from facilitator.core.notes import Attribution, save_note
from facilitator.core.pack import load_pack
from facilitator.core.paths import default_pack_dir
from facilitator.core.store import Store
from facilitator.export.advice_export import export_advice
from facilitator.export.site_export import PrivacyHitsError

SITES = ("cardiff", "durham", "london")
DRAFTS = {
    "cardiff": [("Publish a register of AI tools, in Welsh and English", TRANSPARENCY),
                ("Ystradgynlais deserves the same scrutiny as Caerdydd", OVERSIGHT)],
    "durham": [("Tell rural communities which tools are used", TRANSPARENCY),
               ("Check risk scores for bias against poorer areas", BIAS)],
    "london": [("An independent watchdog with powers to stop a tool", OVERSIGHT),
               ("Test 999 call triage for accents before use", BIAS)],
}


def pdf_text(path: Path) -> str:
    text = " ".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    return re.sub(r"\s+", " ", text)


def bundle_of(path: Path):
    raw = PdfReader(str(path)).attachments[BUNDLE_NAME][0]
    return read_bundle(bytes(raw), str(path))


def venue(folder: Path, site: str) -> Path:
    """A venue laptop after the advice step: its advice, plus a quote that is not advice."""
    path = folder / f"{site}.db"
    with Store(path, device_id=f"device-{site}") as store:
        store.set_setting("site", site)
        for text, theme in DRAFTS[site]:
            advice_note(store, site, text, theme)
        save_note(store, Attribution(site, 4), "quote", "Call me on 07700 900123 — not advice")
    return path


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    """Each venue's exchange file, and the hub's list sent back out after combining."""
    pack = load_pack(default_pack_dir())
    folder = tmp_path_factory.mktemp("exchange")
    files = {}
    for site in SITES:
        db = venue(folder, site)
        with Store(db, device_id=f"device-{site}") as store:
            files[site] = export_advice(store, pack, site, folder / f"{site}-advice.pdf").path
    with Store(folder / "hub.db", device_id="device-hub") as hub:
        hub.set_setting("site", "london")
        merge(hub, list(files.values()))
        items = {i.text: i.id for i in advice.advice_items(hub, pack)}
        advice.combine(hub, pack, [items[DRAFTS["cardiff"][0][0]],
                                   items[DRAFTS["durham"][0][0]]],
                       "Publish a register of the AI tools each force uses")
        files["hub"] = export_advice(hub, pack, None, folder / "hub-advice.pdf").path
        hub_list = advice.list_json(hub, pack)
    return pack, folder, files, hub_list


def test_a_site_exchange_carries_only_its_advice(exchange):
    pack, _folder, files, _hub = exchange
    bundle = bundle_of(files["durham"])
    assert bundle.manifest.extra["kind"] == "advice-exchange"
    assert bundle.manifest.sites == ("durham",)
    notes = [r for t, r, _ in bundle.versions() if t == "notes"]
    assert len(notes) == 2 and {n["kind"] for n in notes} == {"advice"}
    assert {t for t, _r, _ in bundle.versions()} <= {"notes", "advice_combinations",
                                                     "priorities", "privacy_confirmations",
                                                     "themes_custom"}
    text = pdf_text(files["durham"])
    assert "Advice exchange: Durham" in text
    assert "Tell rural communities which tools are used" in text
    assert "07700" not in text and "Watchdog" not in text
    for item in (n["id"][:8] for n in notes):
        assert f"[{item}]" in text


def test_the_hub_list_prints_combinations_with_their_originals(exchange):
    pack, _folder, files, hub_list = exchange
    text = pdf_text(files["hub"])
    assert "Advice exchange: all sites (hub list)" in text
    combo = next(i for i in hub_list["items"] if i["combined_from"])
    assert combo["sites"] == ["Cardiff", "Durham"]
    assert f"[{combo['id'][:8]}] combined from 2 items · Cardiff, Durham" in text
    assert text.count(f"combined into [{combo['id'][:8]}]") == 2
    # Themes in codebook order.
    assert text.index("Oversight and accountability") < text.index("Accuracy and bias") \
        < text.index("Transparency in implementation")


def test_a_venue_that_merges_the_hub_list_sees_the_same_list(exchange, tmp_path):
    pack, _folder, files, hub_list = exchange
    # Another laptop (a table laptop in Cardiff, say) that had no advice of its own.
    with Store(tmp_path / "table.db", device_id="device-table") as store:
        store.set_setting("site", "cardiff")
        merge(store, [files["hub"]])
        assert advice.list_json(store, pack) == hub_list
        merge(store, [files["hub"]])  # twice: nothing more
        assert advice.list_json(store, pack) == hub_list


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_exchange_files_in_any_order_and_repeated_give_the_same_list(exchange,
                                                                     tmp_path_factory, data):
    pack, _folder, files, hub_list = exchange
    names = data.draw(st.permutations(["cardiff", "durham", "london", "hub"]))
    repeats = data.draw(st.lists(st.sampled_from(names), max_size=3))
    grouped = data.draw(st.booleans())
    order = [files[n] for n in [*names, *repeats]]
    folder = tmp_path_factory.mktemp("order")
    with Store(folder / "any.db", device_id="device-any") as store:
        if grouped:
            merge(store, order)
        else:
            for path in order:
                merge(store, [path])
        assert advice.list_json(store, pack) == hub_list


def test_dots_travel_back_to_the_hub(exchange, tmp_path):
    pack, _folder, files, hub_list = exchange
    combo = next(i["id"] for i in hub_list["items"] if i["combined_from"])
    db = venue(tmp_path, "durham")
    with Store(db, device_id="device-durham") as store:
        merge(store, [files["hub"]])
        person = participant(store, "durham", "DUR-03")
        gone = participant(store, "durham", "DUR-04")
        advice.cast_dots(store, pack, site="durham", participant_id=person,
                         allocations={combo: 2})
        advice.cast_dots(store, pack, site="durham", participant_id=gone,
                         allocations={combo: 1})
        store.edit("participants", gone, {"withdrawn": 1})
        out = export_advice(store, pack, "Durham", tmp_path / "durham-dots.pdf").path
    priorities = [r for t, r, _ in bundle_of(out).versions() if t == "priorities"]
    assert len(priorities) == 1  # the withdrawn participant's dots do not travel
    with Store(tmp_path / "hub.db", device_id="device-hub") as hub:
        merge(hub, [files["hub"], out])
        listed = {i["id"]: i for i in advice.list_json(hub, pack)["items"]}
        assert (listed[combo]["dots"], listed[combo]["voters"]) == (2, 1)


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


def changed_text(raw: bytes) -> bytes:
    body = gzip.decompress(raw).replace(b"rural communities", b"rural communitiez")
    return gzip.compress(body)


def dropped_line(raw: bytes) -> bytes:
    head, _, payload = gzip.decompress(raw).partition(b"\n")
    lines = payload.splitlines(keepends=True)
    return gzip.compress(head + b"\n" + b"".join(lines[1:]))


@pytest.mark.parametrize("damage", ["changed text", "dropped record", "truncated"])
def test_a_tampered_exchange_file_is_refused_with_nothing_changed(exchange, tmp_path,
                                                                  damage, capsys):
    _pack, _folder, files, _hub = exchange
    bad = tmp_path / f"{damage}.pdf"
    if damage == "changed text":
        reembed(files["durham"], bad, changed_text)
    elif damage == "dropped record":
        reembed(files["durham"], bad, dropped_line)
    else:
        raw = files["durham"].read_bytes()
        bad.write_bytes(raw[: len(raw) * 2 // 3])
    target = venue(tmp_path, "london")
    before = target.read_bytes()
    with Store(target, device_id="device-london") as store, pytest.raises(MergeError) as info:
        merge(store, [files["cardiff"], bad])
    assert str(bad) in str(info.value)
    assert target.read_bytes() == before
    # The command line says the same and exits 1.
    assert cli_main(["merge", str(bad), "--db", str(target)]) == 1
    assert str(bad) in capsys.readouterr().err
    assert target.read_bytes() == before


def test_the_privacy_gate_covers_the_advice_printed(tmp_path, default_pack):
    with Store(tmp_path / "cardiff.db", device_id="device-cardiff") as store:
        store.set_setting("site", "cardiff")
        advice_note(store, "cardiff", "A clear register of tools", TRANSPARENCY)
        # A phone number in a quote does not stop an advice exchange: it is not printed.
        save_note(store, Attribution("cardiff", 4), "quote", "ring 07700 900123")
        result = export_advice(store, default_pack, "cardiff", tmp_path / "ok.pdf")
        assert result.accepted_hits == 0
        flagged = advice_note(store, "cardiff", "Email advice@example.org for details",
                              OVERSIGHT)
        target = tmp_path / "flagged.pdf"
        with pytest.raises(PrivacyHitsError) as info:
            export_advice(store, default_pack, "cardiff", target)
        assert not target.exists()
        assert any("advice@example.org" in line for line in info.value.lines)
        assert export_advice(store, default_pack, "cardiff", target,
                             accept_flagged=True).accepted_hits == 1
        # A combination's wording is checked too.
        other = advice_note(store, "cardiff", "More oversight", OVERSIGHT)
        advice.combine(store, default_pack, [flagged, other], "Ring 029 2087 0000 to object")
        from facilitator.core import privacy

        for hit in privacy.scan(store, default_pack, site="cardiff"):
            privacy.confirm(store, hit)
        with pytest.raises(PrivacyHitsError, match="1 possible piece"):
            export_advice(store, default_pack, None, tmp_path / "hub.pdf")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli_main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_command_line(tmp_path, capsys):
    db = str(tmp_path / "hub.db")
    notes = tmp_path / "notes.csv"
    notes.write_text(
        "\ufeffsite,workshop,table,kind,text,use_case,themes,participant,created_at\n"
        "Caerdydd,4,Table 1,advice,Publish every tool in use,,transparency in "
        "implementation,,2026-05-02T10:00:00\n"
        "Durham,4,Table 2,advice,Tell the public which tools,,Transparency in "
        "implementation,,2026-05-02T10:01:00\n"
        "London,4,Table 3,advice,Test for bias first — ŵ,,accuracy and bias,,"
        "2026-05-02T10:02:00\n", encoding="utf-8")
    assert run(capsys, "import", "notes", str(notes), "--db", db)[0] == 0
    code, out, _ = run(capsys, "advice", "list", "--json", "--db", db)
    assert code == 0
    items = json.loads(out)["items"]
    assert len(items) == 3
    for item in items:
        assert set(item) == {"id", "text", "theme", "sites", "combined_from", "dots",
                             "voters"}
    ids = {i["text"]: i["id"] for i in items}
    code, out, err = run(capsys, "advice", "combine", ids["Publish every tool in use"][:8],
                         ids["Tell the public which tools"], "--text",
                         "A public register of tools", "--json", "--db", db)
    assert code == 0, err
    combo = json.loads(out)["id"]
    roster = tmp_path / "roster.csv"
    roster.write_text("code,site\nCDF-01,Cardiff\n", encoding="utf-8")
    assert run(capsys, "import", "roster", str(roster), "--db", db)[0] == 0
    dots = tmp_path / "dots.csv"
    dots.write_text(f"participant,site,item,dots\nCDF-01,Cardiff,{combo[:8]},2\n"
                    f",London,{ids['Test for bias first — ŵ'][:8]},1\n", encoding="utf-8")
    code, out, err = run(capsys, "import", "priorities", str(dots), "--json", "--db", db)
    assert code == 0, err
    assert json.loads(out)["added"] == 2
    code, out, _ = run(capsys, "advice", "list", "--json", "--db", db)
    listed = {i["id"]: i for i in json.loads(out)["items"]}
    assert listed[combo]["combined_from"] == [ids["Publish every tool in use"],
                                              ids["Tell the public which tools"]]
    assert listed[combo]["sites"] == ["Cardiff", "Durham"]
    assert (listed[combo]["dots"], listed[combo]["voters"]) == (2, 1)
    assert listed[ids["Publish every tool in use"]]["combined_into"] == combo
    # A bad row: exit 1, the line on stderr, JSON on stdout.
    dots.write_text(f"participant,site,item,dots\nCDF-01,Cardiff,{combo[:8]},3\n",
                    encoding="utf-8")
    code, out, err = run(capsys, "import", "priorities", str(dots), "--json", "--db", db)
    assert code == 1 and f"{dots}:2:" in err
    assert json.loads(out)["problems"][0]["line"] == 2
    # The exchange file, and a second laptop reading it with merge.
    pdf = tmp_path / "hub.pdf"
    code, out, err = run(capsys, "export", "--advice-only", "-o", str(pdf), "--json",
                         "--db", db)
    assert code == 0, err
    assert json.loads(out)["ok"] is True
    other = str(tmp_path / "other.db")
    assert run(capsys, "merge", str(pdf), "--db", other)[0] == 0
    code, out, _ = run(capsys, "advice", "list", "--json", "--db", other)
    assert {i["id"]: i for i in json.loads(out)["items"]} == listed
    code, out, err = run(capsys, "advice", "split", combo[:8], "--db", db)
    assert code == 0, err
    code, out, _ = run(capsys, "advice", "list", "--json", "--db", db)
    assert all("combined_into" not in i for i in json.loads(out)["items"])
    code, _out, err = run(capsys, "advice", "combine", combo, "--text", "x", "--db", db)
    assert code == 1 and "no advice item" in err
