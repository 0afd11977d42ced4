"""Merging sources: what is refused (and changes nothing), what is carried, and how.

Sources are real files: other laptops' databases, bundles, PDFs with a bundle
attached, and files made hostile or damaged on purpose.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
import sqlite_utils

from facilitator.cli import main as cli_main
from facilitator.core import paths
from facilitator.core.agenda import AgendaRunner
from facilitator.core.bundle import BUNDLE_NAME, build_bundle, read_bundle
from facilitator.core.errors import Cancelled, MergeError, StoreError
from facilitator.core.merge import merge, merge_log
from facilitator.core.migrations import MIGRATIONS, SCHEMA_VERSION
from facilitator.core.records import natural_id
from facilitator.core.store import Change, Store

SITE = "cardiff"


def laptop(path: Path, device: str, *, notes: int = 2) -> Path:
    with Store(path, device_id=device) as store:
        store.set_setting("site", SITE)
        store.create("participants", {"site": SITE, "code": f"CDF-{device[-2:]}",
                                      "gender": "woman", "ethnicity": "Mixed race"})
        for i in range(notes):
            store.create("notes", {"site": SITE, "workshop": 2, "kind": "quote",
                                   "text": f"{device} said “Ŵyn” about 999 calls #{i}",
                                   "noted_at": "2026-05-01T10:00:00Z"})
    return path


def file_bytes(path: Path) -> bytes:
    return path.read_bytes()


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "target.db"
    laptop(path, "device-target", notes=1)
    return path


def assert_refused(target: Path, sources: list[Path], *words: str, **options) -> MergeError:
    before = file_bytes(target)
    with Store(target, device_id="device-target") as store, \
            pytest.raises(MergeError) as info:
        merge(store, sources, **options)
    assert file_bytes(target) == before, "a refused merge changed the database"
    message = str(info.value)
    for word in words:
        assert word in message, message
    return info.value


def rebundle(raw: bytes, edit) -> bytes:
    """Change a bundle's lines and recompute its checksum, as a careful forger would."""
    text = gzip.decompress(raw)
    head, _, payload = text.partition(b"\n")
    manifest = json.loads(head)
    lines = [json.loads(line) for line in payload.splitlines()]
    manifest, lines = edit(manifest, lines)
    payload = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
    manifest["data_sha256"] = hashlib.sha256(payload).hexdigest()
    return gzip.compress(json.dumps(manifest).encode() + b"\n" + payload)


def test_a_table_laptops_file_merges_and_a_second_time_adds_nothing(tmp_path, target):
    table = laptop(tmp_path / "table3.db", "device-table3")
    with Store(target, device_id="device-target") as store:
        first = merge(store, [table]).outcomes[0]
        assert (first.added, first.updated, first.seen_before) == (3, 0, False)
        assert first.info.sites == (SITE,)
        again = merge(store, [table]).outcomes[0]
        assert (again.added, again.updated, again.unchanged, again.seen_before) == (0, 0, 3, True)
        log = merge_log(store)
        assert [row["seen_before"] for row in log] == [0, 1]
        assert log[0]["file"] == str(table)
        assert store.count("notes") == 3


def test_a_preview_reports_and_changes_nothing(tmp_path, target):
    table = laptop(tmp_path / "table3.db", "device-table3")
    before = file_bytes(target)
    with Store(target, device_id="device-target") as store:
        preview = merge(store, [table], dry_run=True)
    assert preview.dry_run and preview.outcomes[0].added == 3
    assert file_bytes(target) == before


def test_recent_writes_in_the_wal_are_merged(tmp_path, target):
    # A table laptop copied while the app was open: its last notes are only in the -wal.
    source = tmp_path / "open.db"
    store = Store(source, device_id="device-open")
    store.set_setting("site", SITE)
    store.db.conn.execute("PRAGMA wal_autocheckpoint=0")
    store.create("notes", {"site": SITE, "workshop": 2, "kind": "note", "text": "last words",
                           "noted_at": "2026-05-01T10:00:00Z"})
    copy = tmp_path / "usb"
    copy.mkdir()
    shutil.copy(source, copy / "open.db")
    shutil.copy(source.with_name("open.db-wal"), copy / "open.db-wal")
    store.close()
    with Store(target, device_id="device-target") as into:
        merge(into, [copy / "open.db"])
        assert into.count("notes", "text = 'last words'") == 1


def test_bundles_and_pdfs_carry_the_same_records(tmp_path, target):
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    with Store(laptop(tmp_path / "durham.db", "device-durham"), device_id="x") as source:
        raw = build_bundle(source)
    bundle_file = tmp_path / "durham.bundle"
    bundle_file.write_bytes(raw)
    page = io.BytesIO()
    pdf = canvas.Canvas(page)
    pdf.drawString(72, 720, "Durham site export")
    pdf.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(page.getvalue())))
    writer.add_attachment(BUNDLE_NAME, raw)
    pdf_file = tmp_path / "durham.pdf"
    with open(pdf_file, "wb") as handle:
        writer.write(handle)
    with Store(target, device_id="device-target") as store:
        from_pdf = merge(store, [pdf_file]).outcomes[0]
        from_bundle = merge(store, [bundle_file]).outcomes[0]
    assert from_pdf.info.kind == "pdf" and from_pdf.added == 3
    assert from_bundle.info.kind == "bundle" and from_bundle.unchanged == 3


def test_foreign_damaged_and_hostile_files_are_refused_naming_them(tmp_path, target):
    source = laptop(tmp_path / "table.db", "device-table")
    with Store(source, device_id="x") as store:
        raw = build_bundle(store)

    text = tmp_path / "notes.txt"
    text.write_text("code,site\nCDF-01,Cardiff\n", encoding="utf-8-sig")
    assert_refused(target, [text], str(text), "not a Facilitator")

    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert_refused(target, [empty], str(empty), "empty")

    other_db = tmp_path / "other.db"
    sqlite_utils.Database(other_db)["things"].insert({"a": 1})
    assert_refused(target, [other_db], str(other_db), "not a Facilitator database")

    truncated = tmp_path / "truncated.bundle"
    truncated.write_bytes(raw[: len(raw) // 2])
    assert_refused(target, [truncated], str(truncated))

    half_db = tmp_path / "half.db"
    half_db.write_bytes(source.read_bytes()[:4096])
    assert_refused(target, [half_db], str(half_db))

    tampered = tmp_path / "tampered.bundle"
    body = gzip.decompress(raw).replace(b"about 999 calls", b"about 998 calls")
    tampered.write_bytes(gzip.compress(body))
    assert_refused(target, [tampered], str(tampered), "checksum")

    plain_pdf = tmp_path / "minutes.pdf"
    from reportlab.pdfgen import canvas

    canvas.Canvas(str(plain_pdf)).save()
    assert_refused(target, [plain_pdf], str(plain_pdf), "carries no Facilitator data")

    trigger = tmp_path / "trigger.db"
    shutil.copy(source, trigger)
    conn = sqlite3.connect(trigger)
    conn.execute("CREATE TRIGGER spy AFTER INSERT ON notes BEGIN DELETE FROM notes; END")
    conn.execute("CREATE VIEW everything AS SELECT * FROM participants")
    conn.commit()
    conn.close()
    assert_refused(target, [trigger], str(trigger), "trigger spy", "view everything")


def test_a_good_file_beside_a_bad_one_is_not_merged_either(tmp_path, target):
    good = laptop(tmp_path / "good.db", "device-good")
    bad = tmp_path / "bad.bundle"
    bad.write_bytes(b"\x1f\x8b not really gzip")
    assert_refused(target, [good, bad], str(bad))


def test_of_several_bad_files_the_first_in_order_is_named(tmp_path, target):
    """Databases are copied and checked ahead of their turn: still, the first bad file
    in the order given is the one a refusal names, and each report's hash is its
    file's."""
    good = laptop(tmp_path / "good.db", "device-good")
    trigger = tmp_path / "trigger.db"
    shutil.copy(laptop(tmp_path / "spy.db", "device-spy"), trigger)
    conn = sqlite3.connect(trigger)
    conn.execute("CREATE TRIGGER spy AFTER INSERT ON notes BEGIN DELETE FROM notes; END")
    conn.commit()
    conn.close()
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(good.read_bytes()[:4096])
    text = tmp_path / "notes.txt"
    text.write_text("code,site\n", encoding="utf-8")
    error = assert_refused(target, [good, damaged, trigger], str(damaged))
    assert str(trigger) not in str(error)
    error = assert_refused(target, [good, text, damaged, trigger], str(text))
    assert str(damaged) not in str(error)
    error = assert_refused(target, [good, trigger, damaged], "trigger spy")
    assert str(damaged) not in str(error)
    others = [laptop(tmp_path / f"t{i}.db", f"device-t{i}") for i in range(3)]
    with Store(target, device_id="device-target") as store:
        report = merge(store, [good, *others])
    assert [o.info.sha256 for o in report.outcomes] == [
        hashlib.sha256(path.read_bytes()).hexdigest() for path in [good, *others]]
    assert [o.added for o in report.outcomes] == [3, 3, 3, 3]


def test_newer_schema_files_are_refused(tmp_path, target):
    newer = laptop(tmp_path / "newer.db", "device-newer")
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO _migrations VALUES (?, 'from the future', 'x')",
                 [SCHEMA_VERSION + 1])
    conn.commit()
    conn.close()
    assert_refused(target, [newer], str(newer), "newer Facilitator")

    with Store(laptop(tmp_path / "b.db", "device-b"), device_id="x") as store:
        raw = build_bundle(store)

    def future(manifest, lines):
        manifest["schema_version"] = SCHEMA_VERSION + 1
        return manifest, lines

    future_bundle = tmp_path / "future.bundle"
    future_bundle.write_bytes(rebundle(raw, future))
    assert_refused(target, [future_bundle], str(future_bundle), "newer Facilitator")

    def new_column(manifest, lines):
        lines[0]["record"]["mood"] = "sunny"
        return manifest, lines

    column = tmp_path / "column.bundle"
    column.write_bytes(rebundle(raw, new_column))
    assert_refused(target, [column], str(column), "mood")


def test_a_natural_key_record_under_another_id_is_refused(tmp_path, target):
    with Store(laptop(tmp_path / "b.db", "device-b"), device_id="x") as store:
        raw = build_bundle(store)

    def other_id(manifest, lines):
        for line in lines:
            if line["table"] == "participants":
                line["record"]["id"] = "not-the-natural-id"
        return manifest, lines

    forged = tmp_path / "forged.bundle"
    forged.write_bytes(rebundle(raw, other_id))
    assert_refused(target, [forged], str(forged), "participants record", "should have id")


def test_rehearsal_data_is_merged_only_when_asked(tmp_path, target):
    practice = tmp_path / "facilitator-rehearsal.db"
    with Store(practice, device_id="device-practice") as store:
        store.set_setting("is_rehearsal_db", "1")
        store.set_setting("site", SITE)
        made = store.create("notes", {"site": SITE, "workshop": 2, "kind": "note",
                                      "text": "testing, testing", "noted_at":
                                      "2026-05-01T10:00:00Z"})
        assert made["rehearsal"] == 1
        raw = build_bundle(store)
    bundle_file = tmp_path / "practice.bundle"
    bundle_file.write_bytes(raw)
    assert read_bundle(raw, "practice").manifest.rehearsal
    for source in (practice, bundle_file):
        assert_refused(target, [source], str(source), "rehearsal")
    with Store(target, device_id="device-target") as store:
        merge(store, [practice], allow_rehearsal=True)
        assert store.get("notes", made["id"])["rehearsal"] == 1


def v3_database(path: Path) -> None:
    """A file as Facilitator wrote it before the record laws (schema 3)."""
    db = sqlite_utils.Database(path)
    db.execute("CREATE TABLE _migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
               "applied_at TEXT NOT NULL)")
    for migration in MIGRATIONS[:3]:
        migration.apply(db)
        db.execute("INSERT INTO _migrations VALUES (?, ?, '2026-04-01T00:00:00Z')",
                   [migration.version, migration.name])
    db["settings"].insert({"key": "device_id", "value": "old-device"})
    db["notes"].insert({"id": "old-note", "origin_site": SITE, "device_id": "old-device",
                        "created_at": "2026-04-01T09:00:00Z",
                        "updated_at": "2026-04-01T09:00:00Z", "revision": 1, "deleted": 0,
                        "site": SITE, "workshop": 2, "kind": "quote", "text": "from April",
                        "themes": "[]", "noted_at": "2026-04-01T09:00:00+01:00"})
    db.conn.commit()
    db.conn.close()


def test_an_older_schema_is_migrated_on_read(tmp_path, target):
    old = tmp_path / "april.db"
    v3_database(old)
    before = file_bytes(old)
    with Store(target, device_id="device-target") as store:
        outcome = merge(store, [old]).outcomes[0]
        assert outcome.info.schema_version == 3 and outcome.added == 1
        row = store.get("notes", "old-note")
    assert row["origin_device"] == "old-device" and row["text"] == "from April"
    assert row["noted_at"] == "2026-04-01T08:00:00.000000Z"
    assert file_bytes(old) == before  # the source itself is never written


def test_cancel_rolls_everything_back(tmp_path, target):
    table = laptop(tmp_path / "table.db", "device-table", notes=3000)
    before = file_bytes(target)

    def progress(done: int, total: int) -> None:
        if done >= 2000:
            raise Cancelled()

    with Store(target, device_id="device-target") as store, pytest.raises(Cancelled):
        merge(store, [table], progress=progress)
    assert file_bytes(target) == before


def test_the_device_id_belongs_to_the_laptop_not_the_file(tmp_path):
    first = tmp_path / "laptop-a.db"
    with Store(first) as store:
        store.set_setting("site", SITE)
        note = store.create("notes", {"site": SITE, "workshop": 2, "kind": "note",
                                      "text": "typed on A", "noted_at":
                                      "2026-05-01T10:00:00Z"})
        laptop_a = store.device_id
    assert (paths.config_dir() / paths.DEVICE_FILE).read_text().strip() == laptop_a
    # The file is restored onto laptop B (another config folder, so another id).
    copy = tmp_path / "restored.db"
    shutil.copy(first, copy)
    with Store(copy, device_id="laptop-b") as store:
        edited = store.edit("notes", note["id"], {"text": "corrected on B"})
        assert edited["device_id"] == "laptop-b"
        assert edited["origin_device"] == laptop_a  # who created it is kept


def test_each_laptop_replays_only_its_own_agenda(tmp_path, default_pack, clock):
    console = tmp_path / "console.db"
    table = tmp_path / "table.db"
    elapsed = {}
    for path, device, minutes in ((console, "console", 7), (table, "table", 2)):
        with Store(path, device_id=device) as store:
            runner = AgendaRunner(store, default_pack, SITE, 2, clock=clock)
            runner.start()
            clock.advance(minutes * 60)
            runner.pause()
            elapsed[device] = runner.status().step_elapsed
    for a, b in ((console, table), (table, console)):
        with Store(a, device_id=a.stem) as store:
            merge(store, [b])
            replayed = AgendaRunner(store, default_pack, SITE, 2, clock=clock)
            assert replayed.status().step_elapsed == elapsed[a.stem]
            assert store.count("step_events") == 4


def test_close_really_closes(tmp_path):
    store = Store(tmp_path / "a.db")
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.get_setting("site")
    assert store.closed


def test_listeners_hear_of_commits_once_and_not_of_rollbacks(tmp_path, target):
    heard: list[Change] = []
    table = laptop(tmp_path / "table.db", "device-table")
    with Store(target, device_id="device-target") as store:
        store.add_listener(heard.append)
        with store.transaction():
            store.set_setting("site", SITE)
            store.create("notes", {"site": SITE, "workshop": 2, "kind": "note",
                                   "text": "one", "noted_at": "2026-05-01T10:00:00Z"})
            store.create("notes", {"site": SITE, "workshop": 2, "kind": "note",
                                   "text": "two", "noted_at": "2026-05-01T10:00:00Z"})
            assert heard == []  # nothing is announced before the commit
        assert heard == [Change(frozenset({"notes"}), "save")]
        merge(store, [table], dry_run=True)
        assert len(heard) == 1
        thread = threading.Thread(target=lambda: merge(store, [table]))
        thread.start()
        thread.join(timeout=60)
        assert heard[-1] == Change(frozenset({"notes", "participants"}), "merge")


def test_cli_merge_reports_and_refuses(tmp_path, target, capsys):
    table = laptop(tmp_path / "table.db", "device-table")
    assert cli_main(["merge", str(table), "--db", str(target), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] and out["sources"][0]["added"] == 3
    assert cli_main(["--db", str(target), "merge", str(table)]) == 0
    assert "seen before" in capsys.readouterr().out
    bogus = tmp_path / "bogus.pdf"
    bogus.write_bytes(b"%PDF-1.4 nothing here")
    assert cli_main(["merge", str(bogus), "--db", str(target), "--json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["ok"] is False
    assert str(bogus) in captured.err
    assert cli_main(["merge", str(target), "--db", str(target)]) == 1


def test_natural_ids_agree_across_laptops():
    assert natural_id("participant", "cardiff", "CDF-01") == natural_id(
        "participant", "Cardiff ", "cdf-01")


def test_a_file_from_before_the_upgrade_keeps_its_laptops_id(tmp_path):
    legacy = "3f2b8c1e-9d4a-4f6b-8e21-0c5d7a9b1e42"
    old = tmp_path / "before.db"
    v3_database(old)
    conn = sqlite3.connect(old)
    conn.execute("UPDATE settings SET value = ? WHERE key = 'device_id'", [legacy])
    conn.execute("UPDATE notes SET device_id = ?", [legacy])
    conn.commit()
    conn.close()
    with Store(old) as store:  # this laptop has no id of its own yet
        assert store.device_id == legacy
        assert store.get("notes", "old-note")["origin_device"] == legacy
    with Store(tmp_path / "another.db") as store:
        assert store.device_id == legacy  # the laptop's id now, for every file


def test_a_decompression_bomb_is_refused_within_the_limit(tmp_path, target, monkeypatch):
    from facilitator.core import bundle

    monkeypatch.setattr(bundle, "MAX_UNCOMPRESSED", 64 * 1024)
    bomb = tmp_path / "bomb.bundle"
    bomb.write_bytes(gzip.compress(b'{"format": "facilitator-bundle"}\n' + b" " * 10_000_000))
    assert bomb.stat().st_size < 64 * 1024  # small on disk, huge when opened
    assert_refused(target, [bomb], str(bomb), "larger than any Facilitator export")
