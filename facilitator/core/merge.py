"""Merge Facilitator data sources into a database (docs/record-laws.md).

A source is another Facilitator database file (a table laptop's file from a USB
stick, a backup), a data bundle (``core/bundle.py``), or a PDF that carries a bundle
as an attachment. Only regular files are read. Every source is opened and verified
first — magic bytes, size, integrity, schema version, no foreign triggers or views,
manifest and checksum — and *prepared* (``core/incoming.py``): its versions land in
a private SQLite file (the database's private copy, or a staging file for a bundle)
where every column of every version is validated in SQL. A refused source names its
file, table, record and field, and nothing is written.

Then all sources are applied in one transaction, set-based: each prepared file is
ATTACHed and merged with a few statements per table — records the target lacks are
inserted with one INSERT … SELECT, records whose version is the same as (or an older
one with the same content as) the target's are left alone in SQL — and only the
records that really compete (both sides, different content or combined flags to
merge) and the kept versions go through the record-law code (``Store.put_version``).
The result is the database the laws give for any order or grouping of sources
(``method="laws"`` runs every version through ``put_version``, the reference the
tests compare against). Before a merge the target's state is kept, so the last
merge can be undone (``undo_last_merge``).

The tables merged are exactly those the migrations declare (``migrations.table_specs``):
a later capability joins the merge by declaring its tables, not by adding code here.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

import sqlite_utils

from facilitator.core import incoming
from facilitator.core.bundle import BUNDLE_NAME, BundleStream
from facilitator.core.errors import Cancelled, FacilitatorError, MergeError, Progress
from facilitator.core.files import UnreadableFileError, open_regular
from facilitator.core.migrations import MIGRATIONS, SCHEMA_VERSION, table_specs
from facilitator.core.records import NON_CONTENT_COLUMNS, Record, TableSpec, now_iso
from facilitator.core.store import IS_REHEARSAL_DB_KEY, Store

if TYPE_CHECKING:
    from facilitator.core.undo import BeforeMerge

SourceKind = Literal["database", "bundle", "pdf"]
SQLITE_MAGIC = b"SQLite format 3\x00"
PDF_MAGIC = b"%PDF-"
GZIP_MAGIC = b"\x1f\x8b"
MAX_SOURCE_BYTES = 4 * 1024**3
MAX_PDF_BYTES = 512 * 1024**2
MAX_RECORD_JSON = incoming.MAX_RECORD_JSON
CHUNK = 25_000  # rows per INSERT … SELECT: progress and cancel between them
LAW_BATCH = 500  # competing records fetched at a time for the record-law code
STAGE_BATCH = 5000
BULK_AT_LEAST = 2000  # new records of a table above which its index is filled in bulk
Method = Literal["sets", "laws"]


@dataclass(frozen=True)
class SourceInfo:
    """What a verified source holds, before anything is merged."""

    path: Path
    kind: SourceKind
    sha256: str
    schema_version: int
    sites: tuple[str, ...]
    devices: tuple[tuple[str, str], ...]  # (device id, laptop label)
    counts: dict[str, int]
    lost: int
    rehearsal: bool

    @property
    def records(self) -> int:
        return sum(self.counts.values()) + self.lost


@dataclass
class SourceOutcome:
    """What merging one source did (or, in a preview, would do)."""

    info: SourceInfo
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # the incoming version lost, or was already kept as a lost version
    seen_before: bool = False
    by_table: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def conflicts(self) -> int:
        return self.kept

    def to_json(self) -> dict[str, object]:
        return {
            "file": str(self.info.path), "kind": self.info.kind, "sha256": self.info.sha256,
            "schema_version": self.info.schema_version, "sites": list(self.info.sites),
            "laptops": [{"id": d, "label": label} for d, label in self.info.devices],
            "records": self.info.records, "added": self.added, "updated": self.updated,
            "unchanged": self.unchanged, "conflicts": self.kept,
            "seen_before": self.seen_before,
        }


@dataclass
class MergeReport:
    outcomes: list[SourceOutcome]
    dry_run: bool

    def to_json(self) -> dict[str, object]:
        return {"dry_run": self.dry_run, "sources": [o.to_json() for o in self.outcomes]}


class Source:
    """A verified, prepared source: its versions in the SQLite file ``prepared``, one
    table per merged table it holds (``tables``) and ``_lost_<table>`` for the
    versions it kept (``lost_tables``)."""

    info: SourceInfo
    prepared: Path
    tables: list[str]
    lost_tables: list[str]

    def versions(self) -> Iterator[tuple[str, Record, bool]]:
        """(table, record, lost) for every version, for the record-law reference."""
        conn = incoming.connect(str(self.prepared))
        conn.row_factory = sqlite3.Row
        try:
            for table in self.tables:
                for row in conn.execute(f"SELECT * FROM [{table}] ORDER BY id"):
                    yield table, dict(row), False
            for table in self.lost_tables:
                for row in conn.execute(f"SELECT * FROM [{_lost(table)}] ORDER BY rowid"):
                    yield table, dict(row), True
        finally:
            conn.close()

    def close(self) -> None:
        pass


def _lost(table: str) -> str:
    return f"_lost_{table}"


# -- verification ------------------------------------------------------------------------


def _sha256(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    handle.seek(0)
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


@cache
def _reference_schema(version: int) -> frozenset[tuple[str, str, str]]:
    """The triggers, views and virtual tables a genuine file of ``version`` has."""
    db = sqlite_utils.Database(memory=True)
    for migration in MIGRATIONS:
        if migration.version <= version:
            migration.apply(db)
    return _risky_objects(db.conn)


def _risky_objects(conn: sqlite3.Connection) -> frozenset[tuple[str, str, str]]:
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'view') "
        "OR (type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%')").fetchall()
    return frozenset((str(t), str(n), " ".join(str(s or "").split())) for t, n, s in rows)


def _connect_read(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path))
    conn.row_factory = sqlite3.Row
    # Nothing stored in a file from elsewhere may run code while we read it.
    conn.execute("PRAGMA trusted_schema=OFF")
    return conn


def _copy_from(handle: BinaryIO, target: Path, name: str,
               stop: threading.Event | None = None) -> str:
    """Copy an open file to ``target``; returns the SHA-256 of what was copied.
    ``stop`` set: the copy ends early with Cancelled (the merge is not going on)."""
    digest = hashlib.sha256()
    try:
        with open(target, "wb") as out:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                if stop is not None and stop.is_set():
                    raise Cancelled()
                digest.update(chunk)
                out.write(chunk)
    except OSError as exc:
        raise MergeError(f"cannot copy the file to a private folder: "
                         f"{exc.strerror or exc}", file=name) from exc
    return digest.hexdigest()


@dataclass(frozen=True)
class CopiedDatabase:
    """A database source's private copy, checked: its SHA-256, schema version, and
    whether the laptop it came from was set up for rehearsal."""

    copy: Path
    sha256: str
    schema_version: int
    rehearsal: bool


def copy_database(path: Path, handle: BinaryIO, workdir: Path,
                  stop: threading.Event | None = None) -> CopiedDatabase:
    """A private copy of the database open as ``handle`` (and of its write-ahead log,
    if any), with the SHA-256 of the copied file, verified (integrity, schema version,
    no foreign code): all that is read of it afterwards is the copy, which nothing
    else writes."""
    name = str(path)
    copy = workdir / "source.db"
    sha = _copy_from(handle, copy, name, stop)
    wal = path.with_name(path.name + "-wal")
    with contextlib.suppress(UnreadableFileError), open_regular(wal) as wal_handle:
        # Recent writes of a laptop that was not shut down.
        _copy_from(wal_handle, workdir / "source.db-wal", name, stop)
    conn = _connect_read(copy)
    try:
        version = DatabaseSource.verify(conn, name)
        rehearsal = DatabaseSource.setting(conn, IS_REHEARSAL_DB_KEY) == "1"
    finally:
        conn.close()
    return CopiedDatabase(copy, sha, version, rehearsal)


def _prepare_lost(conn: sqlite3.Connection, specs: dict[str, TableSpec], name: str,
                  present: set[str]) -> list[str]:
    """Stage a database's kept versions (``conflicts.record``, JSON) as ``_lost_*``."""
    conn.execute("CREATE TABLE _lines (n INTEGER PRIMARY KEY, tbl, rec)")
    conn.execute("INSERT INTO _lines (tbl, rec) SELECT table_name, record FROM conflicts "
                 "ORDER BY table_name, record_id, content_hash")
    incoming.check_lines(conn, "_lines", specs, name, label="kept version")
    lost_tables = []
    for table in specs:
        if not conn.execute("SELECT 1 FROM _lines WHERE tbl = ? LIMIT 1", [table]).fetchone():
            continue
        if table not in present:
            raise MergeError(f"a kept version of {table} has no {table} record", file=name)
        incoming.create_stage(conn, _lost(table), table)
        incoming.stage_json(conn, "_lines", table, _lost(table), "tbl = ?", [table], name,
                            line_label="kept version", lost=True)
        lost_tables.append(table)
    conn.execute("DROP TABLE _lines")
    return lost_tables


def _validate_all(conn: sqlite3.Connection, specs: dict[str, TableSpec], tables: list[str],
                  lost_tables: list[str], name: str, *, unique: bool = False) -> None:
    for table in tables:
        incoming.validate(conn, table, table, specs[table], name, unique=unique)
    for table in lost_tables:
        incoming.validate(conn, _lost(table), table, specs[table], name, lost=True)


class DatabaseSource(Source):
    """Another Facilitator database, read from a private copy."""

    def __init__(self, path: Path, copied: CopiedDatabase) -> None:
        """``copied``: the private copy ``copy_database`` made and verified."""
        self.path = path
        name = str(path)
        copy, sha, version = copied.copy, copied.sha256, copied.schema_version
        rehearsal_db = copied.rehearsal
        self.prepared = copy
        if version < SCHEMA_VERSION:
            try:
                Store(copy, device_id="00000000-0000-0000-0000-000000000000").close()
            except FacilitatorError as exc:
                raise MergeError(f"cannot bring this older file up to date: {exc.message}",
                                 file=name) from exc
        specs = table_specs()
        conn = incoming.connect(str(copy))
        try:
            try:
                self._prepare(conn, specs, name, version, rehearsal_db, sha)
            except sqlite3.DatabaseError as exc:
                raise MergeError(f"this database cannot be read as a Facilitator file "
                                 f"({exc})", file=name) from exc
        finally:
            conn.close()

    def _prepare(self, conn: sqlite3.Connection, specs: dict[str, TableSpec], name: str,
                 version: int, rehearsal_db: bool, sha: str) -> None:
        tables = {str(r[0]) for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        self.tables = [t for t in specs if t in tables]
        for table in self.tables:
            columns = [str(r[1]) for r in conn.execute(f"PRAGMA table_info([{table}])")]
            incoming.check_columns(columns, table, name)
        conn.execute("BEGIN")
        self.lost_tables = _prepare_lost(conn, specs, name, {*self.tables})
        _validate_all(conn, specs, self.tables, self.lost_tables, name)
        conn.execute("COMMIT")
        counts: dict[str, int] = {}
        sites: set[str] = set()
        devices: dict[str, str] = {}
        rehearsal = rehearsal_db
        for table in self.tables:
            # One scan a table: its count, sites, laptops and whether it holds rehearsal.
            site = "json_group_array(DISTINCT site)" if "site" in set(
                incoming.columns_of(table)) else "'[]'"
            count, site_list, origins, editors, practice = conn.execute(
                f"SELECT count(*), {site}, json_group_array(DISTINCT origin_device), "
                f"json_group_array(DISTINCT device_id), max(rehearsal != 0) "
                f"FROM [{table}]").fetchone()
            counts[table] = int(count)
            sites.update(str(s) for s in json.loads(site_list) if s)
            for device in (*json.loads(origins), *json.loads(editors)):
                devices.setdefault(str(device), "")
            rehearsal = rehearsal or bool(practice)
        if "devices" in self.tables:
            for row in conn.execute("SELECT id, label FROM devices"):
                devices[str(row[0])] = str(row[1])
        lost = sum(int(conn.execute(f"SELECT count(*) FROM [{_lost(t)}]").fetchone()[0])
                   for t in self.lost_tables)
        self.info = SourceInfo(
            path=self.path, kind="database", sha256=sha, schema_version=version,
            sites=tuple(sorted(sites)),
            devices=tuple(sorted((d, label) for d, label in devices.items() if d)),
            counts=counts, lost=lost, rehearsal=rehearsal)

    @staticmethod
    def setting(conn: sqlite3.Connection, key: str) -> str | None:
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        except sqlite3.DatabaseError:
            return None
        return None if row is None else str(row[0])

    @staticmethod
    def verify(conn: sqlite3.Connection, name: str) -> int:
        try:
            check = conn.execute("PRAGMA quick_check").fetchall()
            if [str(r[0]) for r in check] != ["ok"]:
                raise MergeError("the database is damaged (its integrity check fails)",
                                 file=name)
            has_log = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                   "name = '_migrations'").fetchone()
            if not has_log:
                raise MergeError("this is not a Facilitator database", file=name)
            version = int(conn.execute("SELECT MAX(version) FROM _migrations").fetchone()[0]
                          or 0)
            if version > SCHEMA_VERSION:
                raise MergeError(
                    f"a newer Facilitator made this file (schema {version}, this one knows "
                    f"up to {SCHEMA_VERSION}): update Facilitator to merge it", file=name)
            if version < 1:
                raise MergeError("this is not a Facilitator database", file=name)
            foreign = _risky_objects(conn) - _reference_schema(version)
            if foreign:
                kinds = ", ".join(sorted(f"{t} {n}" for t, n, _ in foreign))
                raise MergeError(f"the file contains code Facilitator never writes "
                                 f"({kinds}); it was not merged", file=name)
        except sqlite3.DatabaseError as exc:
            raise MergeError("this is not a Facilitator database (or it is damaged)",
                             file=name) from exc
        except (TypeError, ValueError, OverflowError) as exc:
            raise MergeError("this is not a Facilitator database", file=name) from exc
        return version


class BundleSource(Source):
    """A bundle (or a PDF's attached bundle), streamed into a private staging file."""

    def __init__(self, path: Path, stream: BinaryIO, size: int | None, kind: SourceKind,
                 sha256: str, workdir: Path) -> None:
        name = str(path)
        reader = BundleStream(stream, name, size)
        manifest = reader.manifest
        specs = table_specs()
        self.prepared = workdir / "staged.db"
        conn = incoming.connect(str(self.prepared))
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("BEGIN")
            conn.execute("CREATE TABLE _raw (n INTEGER PRIMARY KEY, line)")
            batch: list[tuple[int, str]] = []
            for number, raw in reader.lines():
                try:
                    batch.append((number, raw.decode("utf-8")))
                except UnicodeDecodeError as exc:
                    raise MergeError("a line is not UTF-8 text", file=name,
                                     line=number) from exc
                if len(batch) >= STAGE_BATCH:
                    conn.executemany("INSERT INTO _raw VALUES (?, ?)", batch)
                    batch = []
            conn.executemany("INSERT INTO _raw VALUES (?, ?)", batch)
            self._stage(conn, reader, specs, name)
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise MergeError(f"the data cannot be staged ({exc})", file=name) from exc
        finally:
            conn.close()
        self.info = SourceInfo(
            path=path, kind=kind, sha256=sha256, schema_version=manifest.schema_version,
            sites=manifest.sites, devices=manifest.devices, counts=dict(manifest.counts),
            lost=manifest.lost, rehearsal=manifest.rehearsal)

    def _stage(self, conn: sqlite3.Connection, reader: BundleStream,
               specs: dict[str, TableSpec], name: str) -> None:
        bad = conn.execute("SELECT n FROM _raw WHERE NOT json_valid(line) OR "
                           "json_type(line) != 'object' LIMIT 1").fetchone()
        if bad is not None:
            raise MergeError("a line is not valid JSON (or nested too deeply)", file=name,
                             line=bad[0])
        bad = conn.execute(
            "SELECT n FROM _raw WHERE json_type(line, '$.record') IS NOT 'object' OR "
            "json_type(line, '$.table') IS NOT 'text' OR json_type(line, '$.lost') "
            "NOT IN ('true', 'false', 'integer') LIMIT 1").fetchone()
        if bad is not None:
            raise MergeError("a line is not a table record", file=name, line=bad[0])
        conn.execute("CREATE TABLE _lines (n INTEGER PRIMARY KEY, tbl, lost, rec)")
        conn.execute("INSERT INTO _lines SELECT n, json_extract(line, '$.table'), "
                     "coalesce(json_extract(line, '$.lost'), 0) != 0, "
                     "json_extract(line, '$.record') FROM _raw")
        conn.execute("DROP TABLE _raw")
        incoming.check_lines(conn, "_lines", specs, name, label="line")
        counts = {str(t): int(c) for t, c in conn.execute(
            "SELECT tbl, count(*) FROM _lines WHERE NOT lost GROUP BY tbl")}
        lost = int(conn.execute("SELECT count(*) FROM _lines WHERE lost").fetchone()[0])
        reader.check_counts(counts, lost)
        self.tables, self.lost_tables = [], []
        for table in specs:
            if counts.get(table):
                incoming.create_stage(conn, table, table)
                incoming.stage_json(conn, "_lines", table, table, "tbl = ? AND NOT lost",
                                    [table], name, line_label="line")
                self.tables.append(table)
            if conn.execute("SELECT 1 FROM _lines WHERE tbl = ? AND lost LIMIT 1",
                            [table]).fetchone():
                incoming.create_stage(conn, _lost(table), table)
                incoming.stage_json(conn, "_lines", table, _lost(table), "tbl = ? AND lost",
                                    [table], name, line_label="line", lost=True)
                self.lost_tables.append(table)
        conn.execute("DROP TABLE _lines")
        _validate_all(conn, specs, self.tables, self.lost_tables, name, unique=True)
        for table in self.tables:
            conn.execute(f"CREATE INDEX [{table}_id] ON [{table}](id)")


# The mark ``export/report.py`` writes in a publication report's PDF keywords.
REPORT_MARK = "facilitator-publication-report"


def _is_publication_report(reader: object) -> bool:
    try:
        keywords = (getattr(reader, "metadata", None) or {}).get("/Keywords", "")
    except Exception:  # noqa: BLE001 - a damaged info dictionary: not a report we made
        return False
    return REPORT_MARK in str(keywords or "")


def _pdf_bundle(handle: BinaryIO, name: str) -> bytes:
    """The bundle a Facilitator PDF carries as an attachment."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(handle, strict=False)
        attachments = reader.attachments
        found = attachments.get(BUNDLE_NAME)
        data = bytes(found[0]) if found else b""
    except Exception as exc:  # noqa: BLE001 - a hostile PDF may break pypdf in any way
        raise MergeError("this PDF is damaged or too large to read", file=name) from exc
    if not data:
        if _is_publication_report(reader):
            raise MergeError("this is a publication report: it carries no data to merge "
                             "(merge the site exports or advice exchange files instead)",
                             file=name)
        raise MergeError("this PDF carries no Facilitator data (it is not an export, or "
                         "it was re-saved by another program)", file=name)
    return data


def open_source(path: str | Path, workdir: Path) -> Source:
    """Open, verify and prepare one source; MergeError names the file when it is refused."""
    source = Path(path)
    name = str(source)
    try:
        handle = open_regular(source)
    except UnreadableFileError as exc:
        raise MergeError(exc.message, file=name) from exc
    with handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            head = handle.read(16)
            handle.seek(0)
        except OSError as exc:
            raise MergeError(f"cannot read the file: {exc.strerror}", file=name) from exc
        if size > MAX_SOURCE_BYTES:
            raise MergeError("the file is larger than any Facilitator export can be",
                             file=name)
        if head.startswith(SQLITE_MAGIC):
            return DatabaseSource(source, copy_database(source, handle, workdir))
        if head.startswith(PDF_MAGIC):
            if size > MAX_PDF_BYTES:
                raise MergeError("the PDF is larger than any Facilitator export can be",
                                 file=name)
            sha = _sha256(handle)
            raw = _pdf_bundle(handle, name)
            return BundleSource(source, io.BytesIO(raw), len(raw), "pdf", sha, workdir)
        if head.startswith(GZIP_MAGIC):
            sha = _sha256(handle)
            return BundleSource(source, handle, size, "bundle", sha, workdir)
    if not head:
        raise MergeError("the file is empty", file=name)
    raise MergeError("this is not a Facilitator database, data bundle or export PDF",
                     file=name)


# -- applying --------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised inside the transaction of a preview so that it rolls back."""


def merge(store: Store, paths: Sequence[str | Path], *, dry_run: bool = False,
          allow_rehearsal: bool = False, progress: Progress | None = None,
          method: Method = "sets", keep_undo: bool = True) -> MergeReport:
    """Merge every source into ``store`` in one transaction, or none of them.

    ``dry_run`` computes the same report and rolls back (the preview). ``progress``
    is called with (done, total) records and may raise ``Cancelled``. ``method``
    "laws" passes every version through the record-law code one by one (the
    reference); the default merges set-based in SQL, with the same result. Unless
    ``keep_undo`` is False, the database's state before the merge is kept so that
    ``undo_last_merge`` can bring it back.
    """
    if not paths:
        raise MergeError("give at least one file to merge")
    from facilitator.core.backup import private_temp

    erased_before = _erased_ids(store)
    # Copies of the sources live in a private folder beside the database, removed
    # after use and, if a merge is killed, on the next start (core/backup.py).
    with private_temp(store.path, "merge") as tmp:
        sources: list[Source] = []
        try:
            sources = _open_all(paths, Path(tmp), progress)
            for source in sources:
                if source.info.rehearsal and not allow_rehearsal:
                    raise MergeError("this is rehearsal data, not a real workshop's; it is "
                                     "merged only when asked to (--include-rehearsal)",
                                     file=str(source.info.path))
            outcomes = [SourceOutcome(s.info) for s in sources]
            undo: list[BeforeMerge] = []
            try:
                with contextlib.suppress(_DryRun):
                    _apply(store, sources, outcomes, dry_run, progress, method,
                           undo if keep_undo and not dry_run else None)
            except BaseException:
                for kept in undo:
                    kept.discard()
                raise
            for kept in undo:
                kept.keep()
            if not dry_run:
                _erasures_arrived(store, erased_before)
            return MergeReport(outcomes, dry_run)
        finally:
            for source in sources:
                source.close()


def _erased_ids(store: Store) -> set[str]:
    return {str(r[0]) for r in store.db.execute(
        "SELECT id FROM participants WHERE erased = 1")}


def _erasures_arrived(store: Store, before: set[str]) -> None:
    """An erasure made on another laptop reaches this one's file and snapshots too."""
    from facilitator.core.backup import erase_in_snapshots
    from facilitator.core.participants import scrub

    new = sorted(_erased_ids(store) - before)
    if new or store.get_setting("scrub_pending") == "1":
        scrub(store)
        erase_in_snapshots(store, new)


def _copy_ahead(path: str | Path, workdir: Path,
                stop: threading.Event) -> CopiedDatabase | None:
    """The private copy of a database source, made and verified while the source
    before it is checked; None for any other file (``open_source`` opens it, and names
    any problem with it, in its turn)."""
    source = Path(path)
    if stop.is_set():
        return None
    try:
        handle = open_regular(source)
    except UnreadableFileError:
        return None
    with handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            head = handle.read(16)
            handle.seek(0)
        except OSError:
            return None
        if size > MAX_SOURCE_BYTES or not head.startswith(SQLITE_MAGIC):
            return None
        return copy_database(source, handle, workdir, stop)


def _open_copied(path: str | Path, workdir: Path,
                 copied: Future[CopiedDatabase | None]) -> Source:
    ahead = copied.result()
    if ahead is None:
        return open_source(path, workdir)
    return DatabaseSource(Path(path), ahead)


def _open_all(paths: Sequence[str | Path], tmp: Path,
              progress: Progress | None) -> list[Source]:
    """Open, verify and prepare every source in turn, while the next database is copied,
    hashed and its integrity checked beside it, on the second core (validating two
    sources at once was slower than one after the other: SQLite's allocator takes one
    lock for every thread). The first refusal in the order given is the one reported;
    ``progress`` may cancel while they run."""
    workdirs = []
    for i in range(len(paths)):
        workdir = tmp / str(i)
        workdir.mkdir()
        workdirs.append(workdir)
    if len(paths) == 1:
        if progress is not None:
            progress(0, 0)
        return [open_source(paths[0], workdirs[0])]
    opened: list[Source] = []
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="facilitator-merge-copy") as \
            copier, ThreadPoolExecutor(max_workers=1,
                                       thread_name_prefix="facilitator-merge-open") as opener:
        copies = [copier.submit(_copy_ahead, path, workdir, stop)
                  for path, workdir in zip(paths, workdirs, strict=True)]
        futures = [opener.submit(_open_copied, path, workdir, copied)
                   for path, workdir, copied in zip(paths, workdirs, copies, strict=True)]
        try:
            for future in futures:
                while True:
                    try:
                        opened.append(future.result(timeout=0.05))
                        break
                    except FutureTimeout:
                        if progress is not None:
                            progress(0, 0)  # a chance to cancel while files are checked
        except BaseException:
            stop.set()
            for future in futures:
                future.cancel()
            for copied in copies:
                copied.cancel()
            raise
    return opened


def _attach_limit(conn: sqlite3.Connection) -> int:
    try:
        return int(conn.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED))
    except (AttributeError, sqlite3.Error):
        return 10


def _apply(store: Store, sources: list[Source], outcomes: list[SourceOutcome],
           dry_run: bool, progress: Progress | None, method: Method,
           undo: list[BeforeMerge] | None) -> None:
    total = sum(s.info.records for s in sources)
    done = [0]

    def tick(count: int) -> None:
        done[0] += count
        if progress is not None:
            progress(min(done[0], total), total)

    if progress is not None:
        progress(0, total)
    conn = store.conn
    aliases: dict[int, str] = {}
    try:
        if method == "sets":
            slots = max(0, _attach_limit(conn) - 1)
            for i, source in enumerate(sources[:slots]):
                alias = f"merge_src{i}"
                conn.execute("ATTACH DATABASE ? AS " + alias, [str(source.prepared)])
                aliases[i] = alias
        log_ids: list[int] = []
        with store.transaction(cause="merge") as db:
            if undo is not None:
                # Taken holding the write lock: exactly the state this merge starts from.
                from facilitator.core.undo import before_merge

                undo.append(before_merge(store))
            for i, (source, outcome) in enumerate(zip(sources, outcomes, strict=True)):
                name = str(source.info.path)
                outcome.seen_before = db.execute(
                    "SELECT 1 FROM merge_log WHERE sha256 = ? AND kind != 'undo' LIMIT 1",
                    [source.info.sha256]).fetchone() is not None
                if i in aliases:
                    _apply_sets(store, source, aliases[i], outcome, tick)
                else:
                    _apply_laws(store, source, outcome, tick)
                cursor = db.execute(
                    "INSERT INTO merge_log (file, sha256, kind, sites, devices, merged_at, "
                    "records_added, records_updated, conflicts, seen_before) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [name, source.info.sha256, source.info.kind,
                     json.dumps(list(source.info.sites)),
                     json.dumps([d for d, _ in source.info.devices]), now_iso(),
                     outcome.added, outcome.updated, outcome.kept,
                     int(outcome.seen_before)])
                log_ids.append(int(cursor.lastrowid or 0))
            # A note about a participant erased elsewhere leaves with its words, in
            # any order of merging (docs/record-laws.md, "Erasure").
            from facilitator.core.participants import erase_words_of_erased

            erase_words_of_erased(store)
            if progress is not None:
                progress(total, total)
            if dry_run:
                raise _DryRun()
            if undo:
                undo[0].record(log_ids)
    finally:
        for alias in aliases.values():
            with contextlib.suppress(sqlite3.Error):
                conn.execute("DETACH DATABASE " + alias)


def _count(outcome: SourceOutcome, table: str, result: str, n: int = 1) -> None:
    if not n:
        return
    setattr(outcome, result, getattr(outcome, result) + n)
    counts = outcome.by_table.setdefault(table, {})
    counts[result] = counts.get(result, 0) + n


def _put(store: Store, table: str, record: Record, lost: bool, name: str) -> str:
    try:
        return store.put_version(table, record)
    except FacilitatorError as exc:
        what = "kept version of a " if lost else ""
        raise MergeError(f"{what}{table} record {record.get('id')!s}: {exc.message}",
                         file=name, field=exc.field) from exc
    except (sqlite3.IntegrityError, KeyError, TypeError, ValueError, OverflowError) as exc:
        raise MergeError(f"{table} record {record.get('id')!s} cannot be merged: {exc}",
                         file=name) from exc


def _apply_laws(store: Store, source: Source, outcome: SourceOutcome,
                tick: Callable[[int], None]) -> None:
    """The reference: every version through the record-law code, one by one."""
    name = str(source.info.path)
    for n, (table, record, lost) in enumerate(source.versions(), start=1):
        _count(outcome, table, _put(store, table, record, lost, name))
        if n % 2000 == 0:
            tick(2000)
    tick(0)


def _apply_sets(store: Store, source: Source, alias: str, outcome: SourceOutcome,
                tick: Callable[[int], None]) -> None:
    """One source, set-based: a few statements per table (see the module's doc)."""
    conn = store.conn
    name = str(source.info.path)
    for table in source.tables:
        spec = store.spec(table)
        columns = store.columns(table)
        src, dst = f"{alias}.[{table}]", f"main.[{table}]"
        content = [c for c in columns if c not in NON_CONTENT_COLUMNS
                   and c not in spec.combined and c not in spec.derived]
        # The target's columns on the left: theirs is the collation compared by (a
        # source's own declarations might make 'A' the same as 'a').
        same = " AND ".join(f"m.[{c}] IS s.[{c}]" for c in (*content, *spec.combined))
        # Present on both sides and not simply the same (or an older) version of the
        # same content and flags: these compete, under the record laws.
        differs = (f"NOT ({same} AND (m.revision, m.updated_at, m.device_id) >= "
                   f"(s.revision, s.updated_at, s.device_id) AND "
                   f"{incoming.canonical_sql('s.updated_at')})")
        present, competes = 0, 0
        if conn.execute(f"SELECT 1 FROM {dst} LIMIT 1").fetchone():
            row = conn.execute(f"SELECT count(*), total({differs}) FROM {src} AS s "
                               f"JOIN {dst} AS m ON m.id = s.id").fetchone()
            present, competes = int(row[0]), int(row[1])
        competing = [] if not competes else [int(r[0]) for r in conn.execute(
            f"SELECT s.rowid FROM {src} AS s JOIN {dst} AS m ON m.id = s.id WHERE {differs}")]
        _count(outcome, table, "unchanged", present - len(competing))
        cursor = conn.cursor()
        for start in range(0, len(competing), LAW_BATCH):
            chunk = competing[start:start + LAW_BATCH]
            marks = ", ".join("?" for _ in chunk)
            rows = cursor.execute(f"SELECT * FROM {src} WHERE rowid IN ({marks})", chunk)
            names = [d[0] for d in rows.description]
            for row in rows.fetchall():
                record = dict(zip(names, row, strict=True))
                _count(outcome, table, _put(store, table, record, False, name))
            tick(len(chunk))
        tick(present - len(competing))
        # The rest are new here: inserted as they are (blanked when erased).
        values = []
        for column in columns:
            if spec.erase_flag and column in spec.erased_values:
                blank = spec.erased_values[column]
                literal = "NULL" if blank is None else ("'" + str(blank).replace("'", "''")
                                                        + "'" if isinstance(blank, str)
                                                        else repr(blank))
                values.append(f"CASE WHEN s.[{spec.erase_flag}] THEN {literal} "
                              f"ELSE s.[{column}] END")
            else:
                values.append(f"s.[{column}]")
        insert = (f"INSERT OR IGNORE INTO {dst} ({', '.join(f'[{c}]' for c in columns)}) "
                  f"SELECT {', '.join(values)} FROM {src} AS s WHERE s.rowid > ? "
                  f"AND s.rowid <= ?")
        expected = int(conn.execute(f"SELECT count(*) FROM {src}").fetchone()[0]) - present
        bulk = _BulkIndex(conn, table) if expected > BULK_AT_LEAST else None
        added = _insert_chunks(conn, insert, src, table, name, tick)
        if bulk is not None:
            bulk.finish()
        if added != expected:
            raise MergeError(f"{expected - added} {table} record(s) clash with records "
                             "already here under another id; nothing was merged", file=name)
        _count(outcome, table, "added", added)
        if added:
            store._touched(table)
    for table in source.lost_tables:
        rows = conn.execute(f"SELECT * FROM {alias}.[{_lost(table)}] ORDER BY rowid")
        names = [d[0] for d in rows.description]
        batch = rows.fetchmany(LAW_BATCH)
        while batch:
            for row in batch:
                record = dict(zip(names, row, strict=True))
                _count(outcome, table, _put(store, table, record, True, name))
            tick(len(batch))
            batch = rows.fetchmany(LAW_BATCH)


def _insert_chunks(conn: sqlite3.Connection, insert: str, src: str, table: str, name: str,
                   tick: Callable[[int], None]) -> int:
    """Run ``insert`` over the source's rows a chunk at a time; rows inserted."""
    added, last = 0, 0
    while True:
        row = conn.execute(f"SELECT max(rowid), count(*) FROM (SELECT rowid FROM {src} "
                           f"WHERE rowid > ? ORDER BY rowid LIMIT {CHUNK})", [last]).fetchone()
        if not row or row[0] is None:
            return added
        try:
            added += conn.execute(insert, [last, int(row[0])]).rowcount
        except sqlite3.IntegrityError as exc:
            raise MergeError(f"{table} records cannot be merged: {exc}", file=name) from exc
        last = int(row[0])
        tick(int(row[1]))


class _BulkIndex:
    """A table's full-text index filled after a bulk insert in one statement, instead of
    by its trigger row by row (``schema/notes.py`` BULK_INDEXES). The trigger is put
    back, with its exact text, in the same transaction."""

    def __init__(self, conn: sqlite3.Connection, table: str) -> None:
        from facilitator.core.schema.notes import BULK_INDEXES

        self.conn, self.active = conn, False
        trigger, self.fill = BULK_INDEXES.get(table, ("", ""))
        row = conn.execute("SELECT sql FROM main.sqlite_master WHERE type = 'trigger' AND "
                           "name = ?", [trigger]).fetchone() if trigger else None
        last = conn.execute(f"SELECT max(rowid) FROM main.[{table}]").fetchone()[0]
        # New rows get rowids above the highest, unless it is at SQLite's ceiling.
        if row is None or int(last or 0) > 2**62:
            return
        self.trigger, self.sql, self.after = trigger, str(row[0]), int(last or 0)
        conn.execute(f"DROP TRIGGER main.[{trigger}]")
        self.active = True

    def finish(self) -> None:
        if self.active:
            self.conn.execute(self.fill, [self.after])
            self.conn.execute(self.sql)
            self.active = False


def merge_log(store: Store) -> list[Record]:
    """This database's own record of what came from where (never merged itself)."""
    return store.rows("merge_log", order_by="id")


__all__ = ["Cancelled", "MergeError", "MergeReport", "SourceInfo", "SourceOutcome", "merge",
           "merge_log", "open_source"]
