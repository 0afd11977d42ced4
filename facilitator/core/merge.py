"""Merge Facilitator data sources into a database (docs/record-laws.md).

A source is another Facilitator database file (a table laptop's file from a USB
stick, a backup), a data bundle (``core/bundle.py``), or a PDF that carries a bundle
as an attachment. Every source is opened and verified first — magic bytes, size,
integrity, schema version, no foreign triggers or views, manifest and checksum — and
a refused source names its file. Then all sources are applied in one transaction
through ``Store.put_version``, so the result is the same for any order or grouping
of sources; a bad record rolls everything back. An older schema is migrated on a
private copy; a newer one is refused.

The tables merged are exactly those the migrations declare (``migrations.table_specs``):
a later capability joins the merge by declaring its tables, not by adding code here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import sqlite_utils

from facilitator.core.bundle import BUNDLE_NAME, Bundle, read_bundle
from facilitator.core.errors import Cancelled, FacilitatorError, MergeError, Progress
from facilitator.core.migrations import MIGRATIONS, SCHEMA_VERSION, table_specs
from facilitator.core.records import Record, now_iso
from facilitator.core.store import IS_REHEARSAL_DB_KEY, Store

SourceKind = Literal["database", "bundle", "pdf"]
SQLITE_MAGIC = b"SQLite format 3\x00"
PDF_MAGIC = b"%PDF-"
GZIP_MAGIC = b"\x1f\x8b"
MAX_SOURCE_BYTES = 4 * 1024**3
MAX_RECORD_JSON = 16 * 1024**2
PROGRESS_EVERY = 2000
BATCH = 1000


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
    """A verified source; ``versions()`` yields (table, record, lost)."""

    info: SourceInfo

    def versions(self) -> Iterator[tuple[str, Record, bool]]:
        raise NotImplementedError

    def close(self) -> None:
        pass


# -- verification ------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
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


class DatabaseSource(Source):
    """Another Facilitator database, read from a private copy."""

    def __init__(self, path: Path, workdir: Path, kind: SourceKind = "database",
                 sha256: str | None = None) -> None:
        self.path = path
        name = str(path)
        copy = workdir / "source.db"
        shutil.copyfile(path, copy)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():  # recent writes of a laptop that was not shut down
            shutil.copyfile(wal, workdir / "source.db-wal")
        self.copy = copy
        conn = _connect_read(copy)
        try:
            version = self._verify(conn, name)
            rehearsal_db = self._setting(conn, IS_REHEARSAL_DB_KEY) == "1"
        finally:
            conn.close()
        if version < SCHEMA_VERSION:
            try:
                Store(copy, device_id="00000000-0000-0000-0000-000000000000").close()
            except FacilitatorError as exc:
                raise MergeError(f"cannot bring this older file up to date: {exc.message}",
                                 file=name) from exc
        self.conn = _connect_read(copy)
        self.specs = table_specs()
        tables = {str(r[0]) for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        self.tables = [t for t in self.specs if t in tables]
        counts = {t: int(self.conn.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0])
                  for t in self.tables}
        lost = int(self.conn.execute("SELECT COUNT(*) FROM conflicts").fetchone()[0])
        sites: set[str] = set()
        devices: dict[str, str] = {}
        rehearsal = rehearsal_db
        for table in self.tables:
            columns = {str(r[1]) for r in self.conn.execute(f"PRAGMA table_info([{table}])")}
            if "site" in columns:
                sites.update(str(r[0]) for r in self.conn.execute(
                    f"SELECT DISTINCT site FROM [{table}] WHERE site != ''"))
            for (device,) in self.conn.execute(
                    f"SELECT DISTINCT origin_device FROM [{table}] UNION "
                    f"SELECT DISTINCT device_id FROM [{table}]"):
                devices.setdefault(str(device), "")
            rehearsal = rehearsal or bool(self.conn.execute(
                f"SELECT 1 FROM [{table}] WHERE rehearsal != 0 LIMIT 1").fetchone())
        for row in self.conn.execute("SELECT id, label FROM devices"):
            devices[str(row[0])] = str(row[1])
        self.info = SourceInfo(
            path=path, kind=kind, sha256=sha256 or _sha256(path), schema_version=version,
            sites=tuple(sorted(sites)),
            devices=tuple(sorted((d, label) for d, label in devices.items() if d)),
            counts=counts, lost=lost, rehearsal=rehearsal)

    @staticmethod
    def _setting(conn: sqlite3.Connection, key: str) -> str | None:
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        except sqlite3.DatabaseError:
            return None
        return None if row is None else str(row[0])

    @staticmethod
    def _verify(conn: sqlite3.Connection, name: str) -> int:
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
        except (TypeError, ValueError) as exc:
            raise MergeError("this is not a Facilitator database", file=name) from exc
        return version

    def versions(self) -> Iterator[tuple[str, Record, bool]]:
        for table in self.tables:
            for row in self.conn.execute(f"SELECT * FROM [{table}] ORDER BY id"):
                yield table, dict(row), False
        for row in self.conn.execute(
                "SELECT table_name, record FROM conflicts ORDER BY table_name, record_id, "
                "content_hash"):
            text = str(row[1])
            if len(text) > MAX_RECORD_JSON:
                raise MergeError("a kept version is impossibly large", file=str(self.path))
            try:
                record = json.loads(text)
            except ValueError as exc:
                raise MergeError("a kept version is not valid JSON",
                                 file=str(self.path)) from exc
            if not isinstance(record, dict):
                raise MergeError("a kept version is not a record", file=str(self.path))
            yield str(row[0]), record, True

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()


class BundleSource(Source):
    def __init__(self, path: Path, bundle: Bundle, kind: SourceKind, sha256: str) -> None:
        self.bundle = bundle
        manifest = bundle.manifest
        self.info = SourceInfo(
            path=path, kind=kind, sha256=sha256, schema_version=manifest.schema_version,
            sites=manifest.sites, devices=manifest.devices, counts=dict(manifest.counts),
            lost=manifest.lost, rehearsal=manifest.rehearsal)

    def versions(self) -> Iterator[tuple[str, Record, bool]]:
        return self.bundle.versions()


# The mark ``export/report.py`` writes in a publication report's PDF keywords.
REPORT_MARK = "facilitator-publication-report"


def _is_publication_report(reader: object) -> bool:
    try:
        keywords = (getattr(reader, "metadata", None) or {}).get("/Keywords", "")
    except Exception:  # a damaged info dictionary: not a report we made
        return False
    return REPORT_MARK in str(keywords or "")


def _pdf_bundle(path: Path) -> bytes:
    """The bundle a Facilitator PDF carries as an attachment."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path), strict=False)
        attachments = reader.attachments
        found = attachments.get(BUNDLE_NAME)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise MergeError("this PDF is damaged and cannot be read", file=str(path)) from exc
    if not found:
        if _is_publication_report(reader):
            raise MergeError("this is a publication report: it carries no data to merge "
                             "(merge the site exports or advice exchange files instead)",
                             file=str(path))
        raise MergeError("this PDF carries no Facilitator data (it is not an export, or "
                         "it was re-saved by another program)", file=str(path))
    return bytes(found[0])


def open_source(path: str | Path, workdir: Path) -> Source:
    """Open and verify one source; MergeError names the file when it is refused."""
    source = Path(path)
    name = str(source)
    try:
        size = source.stat().st_size
        with open(source, "rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise MergeError(f"cannot read the file: {exc.strerror}", file=name) from exc
    if size > MAX_SOURCE_BYTES:
        raise MergeError("the file is larger than any Facilitator export can be", file=name)
    if head.startswith(SQLITE_MAGIC):
        try:
            return DatabaseSource(source, workdir)
        except OSError as exc:
            raise MergeError(f"cannot copy the file: {exc.strerror}", file=name) from exc
    sha = _sha256(source)
    if head.startswith(PDF_MAGIC):
        return BundleSource(source, read_bundle(_pdf_bundle(source), name), "pdf", sha)
    if head.startswith(GZIP_MAGIC):
        return BundleSource(source, read_bundle(source.read_bytes(), name), "bundle", sha)
    if not head:
        raise MergeError("the file is empty", file=name)
    raise MergeError("this is not a Facilitator database, data bundle or export PDF",
                     file=name)


# -- applying --------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised inside the transaction of a preview so that it rolls back."""


def merge(store: Store, paths: Sequence[str | Path], *, dry_run: bool = False,
          allow_rehearsal: bool = False, progress: Progress | None = None) -> MergeReport:
    """Merge every source into ``store`` in one transaction, or none of them.

    ``dry_run`` computes the same report and rolls back (the preview). ``progress``
    is called with (done, total) records and may raise ``Cancelled``.
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
            for i, path in enumerate(paths):
                workdir = Path(tmp) / str(i)
                workdir.mkdir()
                source = open_source(path, workdir)
                sources.append(source)
                if source.info.rehearsal and not allow_rehearsal:
                    raise MergeError("this is rehearsal data, not a real workshop's; it is "
                                     "merged only when asked to (--include-rehearsal)",
                                     file=str(path))
            outcomes = [SourceOutcome(s.info) for s in sources]
            with contextlib.suppress(_DryRun):
                _apply(store, sources, outcomes, dry_run, progress)
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


def _apply(store: Store, sources: list[Source], outcomes: list[SourceOutcome],
           dry_run: bool, progress: Progress | None) -> None:
    total = sum(s.info.records for s in sources)
    done = 0
    if progress is not None:
        progress(0, total)
    with store.transaction(cause="merge") as db:
        for source, outcome in zip(sources, outcomes, strict=True):
            name = str(source.info.path)
            outcome.seen_before = db.execute(
                "SELECT 1 FROM merge_log WHERE sha256 = ? LIMIT 1",
                [source.info.sha256]).fetchone() is not None
            # Records this database lacks are inserted in batches (what put_version
            # would do one by one); every other version goes through put_version.
            batch = _NewRecords(store, outcome)
            for table, record, lost in source.versions():
                if table not in store.specs:
                    raise MergeError(f"unknown table {table!r} (a newer Facilitator made "
                                     "this file)", file=name)
                try:
                    version = store.normalise_version(table, record)
                    record_id = str(version["id"])
                    if not lost and not batch.holds(table, record_id) and not store.has(
                            table, record_id):
                        batch.add(table, version)
                        result = None
                    else:
                        batch.flush()
                        result = store.put_version(table, version)
                except FacilitatorError as exc:
                    raise MergeError(f"{table} record {record.get('id')!s}: {exc.message}",
                                     file=name) from exc
                except (sqlite3.IntegrityError, KeyError, TypeError, ValueError) as exc:
                    raise MergeError(f"{table} record {record.get('id')!s} cannot be merged: "
                                     f"{exc}", file=name) from exc
                if result is not None:
                    setattr(outcome, result, getattr(outcome, result) + 1)
                    counts = outcome.by_table.setdefault(table, {})
                    counts[result] = counts.get(result, 0) + 1
                done += 1
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(done, total)
            try:
                batch.flush()
            except sqlite3.IntegrityError as exc:
                raise MergeError(f"{batch.table} records cannot be merged: {exc}",
                                 file=name) from exc
            db.execute(
                "INSERT INTO merge_log (file, sha256, kind, sites, devices, merged_at, "
                "records_added, records_updated, conflicts, seen_before) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [name, source.info.sha256, source.info.kind,
                 json.dumps(list(source.info.sites)),
                 json.dumps([d for d, _ in source.info.devices]), now_iso(),
                 outcome.added, outcome.updated, outcome.kept, int(outcome.seen_before)])
        # A note about a participant erased elsewhere leaves with its words, in any
        # order of merging (docs/record-laws.md, "Erasure").
        from facilitator.core.participants import erase_words_of_erased

        erase_words_of_erased(store)
        if progress is not None:
            progress(total, total)
        if dry_run:
            raise _DryRun()


class _NewRecords:
    """Versions of records the target lacks, inserted together (``Store.put_new_versions``)."""

    def __init__(self, store: Store, outcome: SourceOutcome) -> None:
        self.store, self.outcome = store, outcome
        self.table = ""
        self.rows: list[Record] = []
        self.ids: set[str] = set()

    def holds(self, table: str, record_id: str) -> bool:
        return table == self.table and record_id in self.ids

    def add(self, table: str, version: Record) -> None:
        if table != self.table or len(self.rows) >= BATCH:
            self.flush()
            self.table = table
        self.rows.append(version)
        self.ids.add(str(version["id"]))

    def flush(self) -> None:
        if self.rows:
            self.store.put_new_versions(self.table, self.rows)
            counts = self.outcome.by_table.setdefault(self.table, {})
            counts["added"] = counts.get("added", 0) + len(self.rows)
            self.outcome.added += len(self.rows)
        self.rows, self.ids = [], set()


def merge_log(store: Store) -> list[Record]:
    """This database's own record of what came from where (never merged itself)."""
    return store.rows("merge_log", order_by="id")


__all__ = ["Cancelled", "MergeError", "MergeReport", "SourceInfo", "SourceOutcome", "merge",
           "merge_log", "open_source"]
