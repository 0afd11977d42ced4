"""Erasure and withdrawal that reach every copy (DESIGN §4, §5; issue 15).

After ``facilitator participants erase``, no byte of the participant's demographics or
words is found in the database file, its -wal, its snapshots, the private temp folder
or any later export — searched in the raw bytes, ``sqlite3 .dump``, pdftotext and the
data attachment — and the erasure holds in every merge order, also against an older
full version of their notes.
"""

from __future__ import annotations

import gzip
import itertools
import sqlite3
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.cli import main as cli_main
from facilitator.core import backup, participants
from facilitator.core.bundle import BUNDLE_NAME
from facilitator.core.merge import merge
from facilitator.core.notes import Attribution, save_note
from facilitator.core.records import natural_id
from facilitator.core.store import Store

# Words and values nobody else in these databases has.
WORDS = ("Quokkamarmalade", "Zebrafjord", "Ottervelvet")
PID = natural_id("participant", "cardiff", "CDF-07")


def build_venue(db: Path, device: str = "console") -> dict[str, str]:
    with Store(db, device_id=device) as store:
        store.set_setting("site", "cardiff")
        person = store.create("participants", {
            "site": "cardiff", "code": "CDF-07", "gender": "non-binary",
            "ethnicity": "mixed", "age_band": "18-24", "area": "rural", "seg": "AB",
            "lgbtqia": "yes", "trust_police": "low", "ai_opinion": "negative"})
        store.create("participants", {"site": "cardiff", "code": "CDF-08",
                                      "gender": "woman", "ethnicity": "white"})
        at = Attribution("cardiff", 2, table_name="Table 1", use_case="call_101")
        ids = {
            "quote": str(save_note(store, at, "quote", f"{WORDS[0]} is what I said",
                                   [], str(person["id"]))["id"]),
            "note": str(save_note(store, at, "note", f"They argued {WORDS[1]} at length",
                                  [], str(person["id"]))["id"]),
            "advice": str(save_note(store, Attribution("cardiff", 4), "advice",
                                    f"Advice: {WORDS[2]} for all forces", [],
                                    str(person["id"]))["id"]),
            "other": str(save_note(store, at, "quote", "Someone else's ordinary words",
                                   [], None)["id"]),
        }
        # Edit one so an older version with the words sits in conflicts/WAL history.
        store.edit("notes", ids["note"], {"text": f"They argued {WORDS[1]} at length!"})
    return ids


DEMOGRAPHICS = (b"non-binary", b"mixed", b"18-24", b"rural")


def assert_clean(data: bytes, where: str) -> None:
    for word in WORDS:
        assert word.encode() not in data, f"{word} in {where}"
    for value in DEMOGRAPHICS:
        assert value not in data, f"{value!r} in {where}"


def dump(db: Path) -> bytes:
    done = subprocess.run(["sqlite3", str(db), ".dump"], capture_output=True, check=True)
    return done.stdout


def test_after_erasure_no_byte_remains_anywhere(tmp_path, capsys) -> None:
    db = tmp_path / "venue.db"
    build_venue(db)
    snaps = backup.snapshot_dir(db)
    with Store(db, device_id="console") as store:
        before = backup.snapshot(store, snaps)
        assert WORDS[0].encode() in before.read_bytes()  # the test can see the bytes
        # A merge that was killed left its copy in the private temp folder.
        stale = backup.private_temp_root(db) / "merge-999999-killed" / "0"
        stale.mkdir(parents=True)
        (stale / "source.db").write_bytes(db.read_bytes())
        # Someone reads an old snapshot of the database while the erasure runs.
        reader = sqlite3.connect(str(db))
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM notes").fetchone()
        try:
            participants.erase(store, PID)
        finally:
            reader.close()
    # The next start finishes what the reader held up.
    with Store(db, device_id="console") as store:
        assert store.get_setting(participants.SCRUB_PENDING_KEY) is None
        person = store.get("participants", PID)
        assert person["erased"] == 1 and person["gender"] == "not recorded"
        assert all(n["text"] == "" for n in store.rows("notes", "participant_id = ?", [PID]))
        assert store.rows("notes", "text LIKE 'Someone%'")  # nobody else's words went
    code = cli_main(["--db", str(db), "export", "--site", "cardiff",
                     "-o", str(tmp_path / "site.pdf")])
    assert code == 0, capsys.readouterr().err
    assert cli_main(["--db", str(db), "report", "-o", str(tmp_path / "report.pdf")]) == 0
    assert cli_main(["--db", str(db), "merge", str(tmp_path / "site.pdf"),
                     "--csv", str(tmp_path / "csv")]) == 0
    # Search every copy.
    for path in [db, *db.parent.glob("venue.db-*"), *snaps.glob("*")]:
        assert_clean(path.read_bytes(), str(path))
    assert before.exists()  # rewritten, not lost
    assert_clean(dump(db), "sqlite3 .dump")
    assert_clean(dump(before), "sqlite3 .dump of the snapshot")
    assert not any(backup.private_temp_root(db).rglob("*.db"))
    for pdf in (tmp_path / "site.pdf", tmp_path / "report.pdf"):
        assert_clean(pdf.read_bytes(), str(pdf))
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                              check=True).stdout
        for word in WORDS:
            assert word.encode() not in text
    attachment = gzip.decompress(bytes(
        PdfReader(str(tmp_path / "site.pdf")).attachments[BUNDLE_NAME][0]))
    assert_clean(attachment, "the attachment")
    assert b"CDF-07" in attachment  # the tombstone travels, so merges keep it erased
    for csv_file in (tmp_path / "csv").glob("*.csv"):
        assert_clean(csv_file.read_bytes(), str(csv_file))


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_an_erasure_holds_in_every_merge_order(tmp_path, order) -> None:
    """An erased tombstone merged with an older full version of the person and their
    notes stays erased, whatever the order; a note another laptop typed about them
    later is erased on arrival too."""
    full = tmp_path / "full.db"
    ids = build_venue(full)
    erased = tmp_path / "erased.db"
    table = tmp_path / "table.db"
    with Store(erased, device_id="console") as store:
        merge(store, [full])
        participants.erase(store, PID)
    with Store(table, device_id="table-laptop") as store:
        merge(store, [full])
        late = save_note(store, Attribution("cardiff", 2), "quote",
                         f"Late {WORDS[0]} typed on a table laptop", [], PID)
    files = [full, erased, table]
    hub = tmp_path / f"hub-{''.join(map(str, order))}.db"
    with Store(hub, device_id="hub") as store:
        for i in order:
            merge(store, [files[i]])
        person = store.get("participants", PID)
        assert person["erased"] == 1 and person["ethnicity"] == "not recorded"
        for note_id in [*ids.values(), str(late["id"])]:
            note = store.get("notes", note_id)
            if note_id == ids["other"]:
                assert note["text"] == "Someone else's ordinary words"
            else:
                assert note["text"] == "" and note["erased"] == 1, note_id
        assert not store.rows("conflicts", "record_id = ? OR table_name = 'notes'", [PID])
    assert_clean(hub.read_bytes() + b"".join(p.read_bytes()
                                            for p in hub.parent.glob(hub.name + "-*")),
                 "the hub")


def test_a_withdrawn_participant_travels_as_a_tombstone(tmp_path, capsys) -> None:
    db = tmp_path / "venue.db"
    build_venue(db)
    assert cli_main(["--db", str(db), "participants", "withdraw", "CDF-07",
                     "--site", "cardiff"]) == 0
    with Store(db) as store:
        assert store.get("participants", PID)["ethnicity"] == "mixed"  # kept here
    out = tmp_path / "site.pdf"
    assert cli_main(["--db", str(db), "export", "--site", "cardiff", "-o", str(out),
                     "--accept-flagged"]) == 0
    attachment = gzip.decompress(bytes(PdfReader(str(out)).attachments[BUNDLE_NAME][0]))
    for value in DEMOGRAPHICS:
        assert value not in attachment
    hub = tmp_path / "hub.db"
    with Store(hub) as store:
        merge(store, [out])
        person = store.get("participants", PID)
        assert person["withdrawn"] == 1 and person["ethnicity"] == "not recorded"


def test_merge_copies_live_in_the_private_folder_and_leave(tmp_path) -> None:
    """Copies a merge makes of its sources are in the private folder beside the
    database while it runs (never the system's temp folder), and gone afterwards."""
    import tempfile

    source = tmp_path / "source.db"
    build_venue(source)
    hub = tmp_path / "hub" / "hub.db"
    seen: list[list[Path]] = []
    before = set(Path(tempfile.gettempdir()).glob("facilitator-merge-*"))

    def progress(done: int, total: int) -> None:
        seen.append(list(backup.private_temp_root(hub).rglob("*.db")))

    with Store(hub, device_id="hub") as store:
        merge(store, [source], progress=progress)
    assert any(copies for copies in seen), "no copy seen in the private folder"
    assert not any(backup.private_temp_root(hub).rglob("*.db"))
    assert set(Path(tempfile.gettempdir()).glob("facilitator-merge-*")) == before
    if backup.private_temp_root(hub).exists():
        assert oct(backup.private_temp_root(hub).stat().st_mode & 0o777) == "0o700"
