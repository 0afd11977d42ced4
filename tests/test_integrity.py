"""Nothing bad gets in (issue 16): hostile and careless files, one validation of every
incoming version, strict CSV, a second writer, honest messages after partial work.

Every source is a real file; a refused merge must leave the target byte-identical
(after a checkpoint) and name the source file, the table, the record and the field.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest

from facilitator.cli import main as cli_main
from facilitator.core.bundle import build_bundle
from facilitator.core.errors import CsvImportError, FacilitatorError, MergeError
from facilitator.core.merge import merge
from facilitator.core.notes_csv import import_notes
from facilitator.core.store import Store

SITE = "cardiff"
REPO = Path(__file__).resolve().parent.parent


def laptop(path: Path, device: str, *, notes: int = 2) -> Path:
    with Store(path, device_id=device) as store:
        store.set_setting("site", SITE)
        store.create("participants", {"site": SITE, "code": f"CDF-{device[-2:]}",
                                      "gender": "woman"})
        for i in range(notes):
            store.create("notes", {"site": SITE, "workshop": 2, "kind": "quote",
                                   "text": f"{device} said 999 calls #{i}",
                                   "themes": json.dumps(["trust"]),
                                   "noted_at": "2026-05-01T10:00:00Z"})
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def checkpointed_bytes(path: Path) -> bytes:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.read_bytes()


@pytest.fixture
def target(tmp_path: Path) -> Path:
    return laptop(tmp_path / "target.db", "device-target", notes=1)


def refused(target: Path, sources: list[Path], *words: str, within: float | None = None) -> str:
    """The merge is refused naming ``words`` (within ``within`` seconds, if given) and the
    target is byte-identical afterwards."""
    before = checkpointed_bytes(target)
    with Store(target, device_id="device-target") as store, pytest.raises(MergeError) as info:
        start = time.monotonic()
        try:
            merge(store, sources)
        finally:
            took = time.monotonic() - start
    if within is not None:
        assert took < within, f"{sources} took {took:.2f} s to be refused"
    assert checkpointed_bytes(target) == before, "a refused merge changed the target"
    message = str(info.value)
    assert str(target) not in message, message  # never blamed on the target
    for word in words:
        assert word in message, message
    return message


def edit_db(path: Path, sql: str, params: list | None = None) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints=ON")  # as a hostile file could be made
    conn.execute(sql, params or [])
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def note_id(path: Path) -> str:
    conn = sqlite3.connect(path)
    found = conn.execute("SELECT id FROM notes ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    return str(found)


def rebundle(raw: bytes, edit) -> bytes:
    """Change a bundle's records and recompute its checksum, as a careful forger would."""
    text = gzip.decompress(raw)
    head, _, payload = text.partition(b"\n")
    manifest = json.loads(head)
    lines = [line for line in payload.splitlines() if line]
    lines = edit(lines)
    body = b"".join(line + b"\n" for line in lines)
    manifest["data_sha256"] = hashlib.sha256(body).hexdigest()
    return gzip.compress(json.dumps(manifest).encode() + b"\n" + body)


def edit_note_line(field: str, value_json: bytes):
    def edit(lines: list[bytes]) -> list[bytes]:
        out = []
        done = False
        for line in lines:
            item = json.loads(line)
            if item["table"] == "notes" and not done:
                record = json.dumps(item["record"]).encode()
                key = f'"{field}": '.encode()
                start = record.index(key) + len(key)
                end = start + len(json.dumps(item["record"][field]).encode())
                record = record[:start] + value_json + record[end:]
                line = b'{"table": "notes", "record": ' + record + b"}"
                done = True
            out.append(line)
        return out
    return edit


# -- hostile files: refused by name at once ------------------------------------------


def test_fifo_device_folder_and_symlink_loop_are_refused_at_once(tmp_path, target):
    fifo = tmp_path / "stick.db"
    os.mkfifo(fifo)
    loop = tmp_path / "loop.db"
    loop.symlink_to(tmp_path / "loop.db")
    folder = tmp_path / "folder.db"
    folder.mkdir()
    for hostile, words in [(fifo, "pipe"), (Path("/dev/zero"), "device"),
                           (folder, "folder"), (loop, "loops")]:
        # A FIFO opened for reading waits forever for a writer: refused within a second.
        refused(target, [hostile], str(hostile), words, within=1.0)
    # The command line too: a message, exit 1, no traceback.
    for hostile in (fifo, loop):
        result = subprocess.run(
            [sys.executable, "-m", "facilitator", "--db", str(target), "merge", str(hostile)],
            capture_output=True, text=True, timeout=60, env={**os.environ,
                                                             "PYTHONPATH": str(REPO)})
        assert result.returncode == 1
        assert "Traceback" not in result.stderr and str(hostile) in result.stderr


def test_a_csv_import_refuses_a_fifo_at_once(tmp_path, default_pack, store):
    fifo = tmp_path / "notes.csv"
    os.mkfifo(fifo)
    with pytest.raises(FacilitatorError) as info:
        start = time.monotonic()
        try:
            import_notes(store, default_pack, fifo)
        finally:
            took = time.monotonic() - start
    assert took < 1.0  # refused, not blocked on the FIFO waiting for a writer
    assert "pipe" in str(info.value) and str(fifo) in str(info.value)


def _bomb(path: Path, megabytes_out: int) -> None:
    """A small gzip file that inflates to ``megabytes_out`` MB of blank lines after a
    valid manifest: built block by block (a full flush makes each block the same)."""
    manifest = json.dumps({"format": "facilitator-bundle", "format_version": 1,
                           "app_version": "x", "schema_version": 1,
                           "created_at": "2026-05-01T10:00:00Z", "sites": [],
                           "devices": [], "rehearsal": False, "counts": {}, "lost": 0,
                           "data_sha256": "0" * 64}).encode() + b"\n"
    block_in = b"\n" * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    with open(path, "wb") as out:
        out.write(compressor.compress(manifest + block_in))
        out.write(compressor.flush(zlib.Z_FULL_FLUSH))
        block = compressor.compress(block_in) + compressor.flush(zlib.Z_FULL_FLUSH)
        out.write(block * megabytes_out)


def test_a_gzip_bomb_is_refused_with_the_process_under_300_mb(tmp_path, target):
    bomb = tmp_path / "bomb.bundle"
    _bomb(bomb, 2000)  # about 2 GB once inflated
    assert bomb.stat().st_size < 3 * 1024 * 1024
    script = (
        "import sys\n"
        "from facilitator.core.store import Store\n"
        "from facilitator.core.merge import merge\n"
        "from facilitator.core.errors import MergeError\n"
        "store = Store(sys.argv[1], device_id='device-target')\n"
        "try:\n"
        "    merge(store, [sys.argv[2]])\n"
        "    print('MERGED')\n"
        "except MergeError as exc:\n"
        "    print('REFUSED', exc)\n"
        # VmHWM: this process's own peak (ru_maxrss would count the forking parent's).
        "status = open('/proc/self/status').read()\n"
        "print('RSS', status.split('VmHWM:')[1].split()[0])\n")
    before = checkpointed_bytes(target)
    result = subprocess.run([sys.executable, "-c", script, str(target), str(bomb)],
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert "REFUSED" in result.stdout, result.stdout + result.stderr
    assert "larger than any Facilitator export" in result.stdout
    rss_kb = int(result.stdout.split("RSS")[1].split()[0])
    assert rss_kb < 300 * 1024, f"the process grew to {rss_kb // 1024} MB"
    assert checkpointed_bytes(target) == before


# -- one validation of every incoming version ------------------------------------------


def test_a_flipped_byte_in_a_notes_themes_is_refused_naming_file_table_record_field(
        tmp_path, target):
    source = laptop(tmp_path / "table.db", "device-table")
    bad_id = note_id(source)
    edit_db(source, "UPDATE notes SET themes = ? WHERE id = ?", ['["trust"}', bad_id])
    conn = sqlite3.connect(source)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"  # passes SQLite
    conn.close()
    refused(target, [source], str(source), "notes record", bad_id, "themes",
            "not valid JSON")


def test_wrong_types_and_shapes_in_a_database_are_refused(tmp_path, target):
    cases = [
        ("UPDATE notes SET text = CAST(text AS BLOB) WHERE id = ?", "text", "is not text"),
        ("UPDATE notes SET themes = '{\"a\": 1}' WHERE id = ?", "themes", "not a JSON list"),
        ("UPDATE notes SET themes = '[[\"nested\"]]' WHERE id = ?", "themes",
         "other than words"),
        ("UPDATE notes SET revision = 1.5 WHERE id = ?", "revision", "whole number"),
        ("UPDATE notes SET noted_at = '2026-02-31T10:00:00.000000Z' WHERE id = ?",
         "noted_at", "ISO 8601"),
        ("UPDATE notes SET workshop = 'two' WHERE id = ?", "workshop", "whole number"),
    ]
    for i, (sql, field, why) in enumerate(cases):
        source = laptop(tmp_path / f"bad{i}.db", f"device-b{i}")
        bad_id = note_id(source)
        edit_db(source, sql, [bad_id])
        refused(target, [source], str(source), "notes record", bad_id, field, why)


def test_a_30_mb_note_is_refused_at_merge_naming_its_file(tmp_path, target):
    source = laptop(tmp_path / "huge.db", "device-huge")
    bad_id = note_id(source)
    edit_db(source, "UPDATE notes SET text = ? WHERE id = ?", ["x" * (30 * 1024 * 1024),
                                                                bad_id])
    refused(target, [source], str(source), "notes record", bad_id, "text",
            "longer than 20000 characters")


def test_a_bad_ranking_is_refused_and_results_keep_working(tmp_path, target, default_pack):
    source = laptop(tmp_path / "votes.db", "device-votes")
    with Store(source, device_id="device-votes") as store:
        store.create("ballots", {"site": SITE, "workshop": 3, "ranking": json.dumps(
            ["summarising_basic", "call_101", "hotspots", "reoffending",
             "call_999_transfer", "summarising_sensitive"]), "source": "kiosk",
            "cast_at": "2026-05-01T10:00:00Z"})
    edit_db(source, "UPDATE ballots SET ranking = '[\"call_101\", \"call_101\"]'")
    refused(target, [source], str(source), "ballots record", "ranking", "twice")
    edit_db(source, "UPDATE ballots SET ranking = 'call_101'")
    refused(target, [source], str(source), "ballots record", "ranking", "not valid JSON")
    edit_db(source, "UPDATE ballots SET ranking = '[ ]'")  # an empty list, spelt otherwise
    refused(target, [source], str(source), "ballots record", "ranking", "empty list")


@pytest.mark.parametrize("field,value,words", [
    ("text", b'{"blob": "x"}', ("text", "is an object")),
    ("text", b'["a", "list"]', ("text", "is a list")),
    ("text", b"12", ("text", "is not text")),
    ("themes", b'"[\\"trust\\""', ("themes", "not valid JSON")),
    ("themes", b'"[{\\"a\\": 1}]"', ("themes", "other than words")),
    ("revision", str(2**70).encode(), ("revision", "whole number within 64 bits")),
    ("site", b'["cardiff"]', ("site", "is a list")),
    ("deleted", b"true", ("deleted", "true/false")),
])
def test_malformed_bundles_are_refused_naming_the_bundle(tmp_path, target, field, value,
                                                          words):
    source = laptop(tmp_path / "table.db", "device-table")
    with Store(source, device_id="x") as store:
        raw = build_bundle(store)
    bad = tmp_path / "bad.bundle"
    bad.write_bytes(rebundle(raw, edit_note_line(field, value)))
    refused(target, [bad], str(bad), "notes record", *words)


def test_deeply_nested_json_is_refused_without_a_traceback(tmp_path, target):
    source = laptop(tmp_path / "table.db", "device-table")
    with Store(source, device_id="x") as store:
        raw = build_bundle(store)
    nested = b"[" * 100_000 + b"]" * 100_000
    bad = tmp_path / "nested.bundle"
    bad.write_bytes(rebundle(raw, edit_note_line("text", nested)))
    refused(target, [bad], str(bad), "line")
    # The same nesting inside a note's themes in a database file.
    edit_db(source, "UPDATE notes SET themes = ?", ['[' * 50_000 + ']' * 50_000])
    refused(target, [source], str(source), "themes")


def test_a_bad_kept_version_refuses_its_source(tmp_path, target):
    source = laptop(tmp_path / "table.db", "device-table")
    bad_id = note_id(source)
    edit_db(source, "INSERT INTO conflicts VALUES ('notes', ?, 'h', 1, "
                    "'2026-05-01T09:00:00.000000Z', 'dev', ?)",
            [bad_id, json.dumps({"id": bad_id, "site": SITE, "revision": 2**70})])
    refused(target, [source], str(source), "kept version", "notes", bad_id)


def test_validation_rules_cover_every_column_of_every_merged_table(tmp_path):
    from facilitator.core.schema.rules import missing_rules

    with Store(tmp_path / "x.db", device_id="x") as store:
        for table in store.specs:
            assert missing_rules(table, store.columns(table)) == [], table


def test_a_good_merge_after_validation_keeps_everything(tmp_path, target):
    sources = [laptop(tmp_path / f"t{i}.db", f"device-t{i}", notes=3) for i in range(2)]
    with Store(target, device_id="device-target") as store:
        report = merge(store, sources)
        assert [o.added for o in report.outcomes] == [4, 4]
        assert store.count("notes") == 7
        hits = store.db.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH "
                                "'calls'").fetchone()[0]
        assert hits == 7  # the search index was filled for every merged note
        again = merge(store, sources)
        assert [o.added for o in again.outcomes] == [0, 0]
        assert all(o.seen_before for o in again.outcomes)


# -- strict CSV ----------------------------------------------------------------------------

NOTES_HEADER = "site,workshop,table,kind,text,use_case,themes,participant,created_at\n"


def test_a_stray_quote_is_an_error_naming_the_line_where_it_began(tmp_path, default_pack,
                                                                  store):
    # The case: a cell beginning with a stray quote used to swallow later rows.
    text = (NOTES_HEADER
            + "Cardiff,2,,note,first note,,,,2026-05-01T10:00:00\n"
            + 'Cardiff,2,,"note,second note,,,,2026-05-01T10:01:00\n'
            + "Cardiff,2,,note,third note,,,,2026-05-01T10:02:00\n"
            + "Cardiff,2,,note,fourth note,,,,2026-05-01T10:03:00\n")
    path = tmp_path / "stray.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CsvImportError) as info:
        import_notes(store, default_pack, path)
    assert any(p.line == 3 for p in info.value.problems), str(info.value)
    assert store.count("notes") == 0

    runaway = tmp_path / "runaway.csv"
    runaway.write_text(NOTES_HEADER + "Cardiff,2,,note,fine,,,,\n"
                       + 'Cardiff,2,,note,"never closed,,,,\n' + "more,text\n" * 3,
                       encoding="utf-8")
    with pytest.raises(CsvImportError) as info:
        import_notes(store, default_pack, runaway)
    assert [p.line for p in info.value.problems] == [3]
    assert "end of the file" in str(info.value)


def test_a_note_may_span_lines_and_the_import_states_lines_and_rows(tmp_path, default_pack,
                                                                     capsys):
    path = tmp_path / "notes.csv"
    path.write_text(NOTES_HEADER + 'Cardiff,2,,quote,"one line\nand another",,,,\n\n'
                    + "Cardiff,2,,note,plain,,,,\n", encoding="utf-8")
    db = tmp_path / "venue.db"
    assert cli_main(["--db", str(db), "import", "notes", str(path)]) == 0
    out = capsys.readouterr().out
    assert "read 5 line(s): the header, 2 row(s) (1 of them over several lines, from " \
           "line 2), 1 blank" in out
    assert cli_main(["--db", str(db), "import", "notes", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["lines_read"] == 5 and report["rows_taken"] == 2

    tall = tmp_path / "tall.csv"
    tall.write_text(NOTES_HEADER + 'Cardiff,2,,note,"' + "line\n" * 1500 + '",,,,\n',
                    encoding="utf-8")
    assert cli_main(["--db", str(db), "import", "notes", str(tall)]) == 1
    assert "tall.csv:2" in capsys.readouterr().err


def test_a_line_break_outside_the_text_column_is_refused(tmp_path, default_pack, store):
    path = tmp_path / "notes.csv"
    path.write_text(NOTES_HEADER + 'Cardiff,2,,note,fine,"use\ncase",,,\n', encoding="utf-8")
    with pytest.raises(CsvImportError) as info:
        import_notes(store, default_pack, path)
    assert [(p.line, p.field) for p in info.value.problems] == [(2, "use_case")]


# -- a second writer waits, never fails ----------------------------------------------------


def test_two_writers_on_one_file_never_fail_with_locked(tmp_path):
    db = laptop(tmp_path / "venue.db", "device-venue", notes=1)
    sources = [laptop(tmp_path / f"t{i}.db", f"device-t{i}", notes=300) for i in range(3)]
    errors: list[BaseException] = []
    stop = threading.Event()

    def save_notes() -> None:
        with Store(db, device_id="device-venue") as store:
            n = 0
            while not stop.is_set() or n < 37:
                try:
                    store.create("notes", {"site": SITE, "workshop": 2, "kind": "note",
                                           "text": f"typed {n}",
                                           "noted_at": "2026-05-01T10:00:00Z"})
                except BaseException as exc:  # noqa: BLE001 - recorded, then asserted
                    errors.append(exc)
                n += 1

    saver = threading.Thread(target=save_notes)
    saver.start()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    merges = [subprocess.Popen([sys.executable, "-m", "facilitator", "--db", str(db),
                                "merge", str(source)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
              for source in sources * 2]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in merges]
    stop.set()
    saver.join(timeout=120)
    assert [code for code, _ in results] == [0] * len(merges), results
    assert not errors, errors
    with Store(db, device_id="device-venue") as store:
        assert store.count("notes", "text LIKE 'typed %'") >= 37
        assert store.count("notes", "origin_device LIKE 'device-t%'") == 900


# -- honest messages after partial work -----------------------------------------------------


def test_merge_outputs_that_fail_say_the_merge_is_kept(tmp_path, target, capsys,
                                                       monkeypatch):
    import errno

    import facilitator.core.files as files

    source = laptop(tmp_path / "table.db", "device-table")
    real_open = open
    calls = {"n": 0}

    def full_disk(path, mode="r", *args, **kwargs):  # the second CSV hits a full disk
        if "wb" in mode and str(path).endswith(".partial") and "notes.csv" in str(path):
            raise OSError(errno.ENOSPC, "No space left on device")
        calls["n"] += 1
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(files, "open", full_disk, raising=False)
    out_dir = tmp_path / "csv"
    code = cli_main(["--db", str(target), "merge", str(source), "--csv", str(out_dir)])
    captured = capsys.readouterr()
    assert code == 1
    assert "the merge is done and kept" in captured.err
    assert "the disk is full" in captured.err and "none of the" in captured.err
    assert not list(out_dir.glob("*.csv")), "a CSV was left behind"
    with Store(target, device_id="x") as store:
        assert store.count("notes") == 3  # the merge itself committed


def test_results_work_on_a_folder_that_cannot_be_written(tmp_path, capsys, default_pack):
    db = laptop(tmp_path / "venue.db", "device-venue")
    # A write-ahead log that cannot be made beside the file is what a read-only folder
    # gives SQLite ("unable to open database file"); root ignores folder permissions.
    (tmp_path / "venue.db-wal").mkdir()
    raw = sqlite3.connect(db)
    with pytest.raises(sqlite3.OperationalError, match="unable to open"):
        raw.execute("SELECT count(*) FROM notes").fetchone()
    raw.close()
    assert cli_main(["--db", str(db), "results", "--json"]) in (0, 1)
    captured = capsys.readouterr()
    assert "unable to open" not in captured.err
    assert "Traceback" not in captured.err
    with Store(db) as store:
        assert store.read_only and store.count("notes") == 2
