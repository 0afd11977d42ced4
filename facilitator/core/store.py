"""The one object through which every SQLite write goes.

WAL (a rollback journal on a removable drive, and no database on a network share:
``drives.py``), synchronous=FULL and foreign keys on; one connection per thread; schema
from versioned migrations. Records share the envelope of ``records.py`` and every
incoming version passes through ``put_version``, which applies the record laws of
``docs/record-laws.md``: the merged database is a function of the set of versions
seen, whatever their order. Listeners hear of every committed change.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from facilitator.core import drives, paths
from facilitator.core.errors import SchemaTooNewError, StoreError
from facilitator.core.migrations import MIGRATIONS, SCHEMA_VERSION, table_specs
from facilitator.core.records import (
    ENVELOPE_COLUMNS,
    Record,
    TableSpec,
    TimeFormatError,
    canonical_time,
    now_iso,
    random_id,
)

if TYPE_CHECKING:
    import sqlite_utils

PutResult = Literal["added", "updated", "unchanged", "kept"]

IS_REHEARSAL_DB_KEY = "is_rehearsal_db"  # set in a practice database (core/venue.py)


@dataclass(frozen=True)
class Change:
    """What a committed transaction changed: the tables, and why ("save", "merge"…)."""

    tables: frozenset[str]
    cause: str = "save"


ChangeListener = Callable[[Change], None]


def _literal(sql_default: Any) -> Any:
    """A column's DEFAULT as SQLite reports it ("'text'", "0", None) as a value."""
    if sql_default is None:
        return None
    text = str(sql_default)
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return None if text.upper() == "NULL" else text


class Store:
    """A Facilitator database file. Thread-safe: each thread gets its own connection.

    ``device_id`` is the laptop's (``paths.device_id()``), not the file's: a file
    copied to another laptop edits under that laptop's id. Tests pass one to play
    several laptops in one process.
    """

    # A WAL database is checkpointed after this many quiet seconds (None: never).
    IDLE_CHECKPOINT_SECONDS: float | None = 2.0

    def __init__(self, path: str | Path, device_id: str | None = None) -> None:
        self.path = Path(path)
        self.drive: drives.DriveKind = drives.drive_kind(self.path)
        if self.drive == "network":
            raise StoreError(
                "this database is on a network drive, where SQLite cannot keep it safe; "
                "copy it to this laptop (or a USB stick), work on it there, and copy it "
                "back or merge it", file=self.path)
        self.journal_mode = drives.journal_mode_for(self.drive)
        self.checkpointer: drives.IdleCheckpointer | None = None
        self._local = threading.local()
        # Each thread's connection, so close() and dead-thread clean-up can reach them.
        self._connections: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._lock = threading.Lock()
        self._closed = False
        self.read_only = False  # set when only reading works (a read-only folder)
        self._listeners: list[ChangeListener] = []
        self.specs: dict[str, TableSpec] = table_specs()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder: {exc.strerror}",
                             file=self.path.parent) from exc
        with self.translate_errors():
            self._migrate()
            # Before the record laws the id lived in the file; the first file this
            # laptop opens after the upgrade was made here, so its id is adopted.
            legacy = self.get_setting("device_id")
        try:
            self.device_id = device_id or paths.device_id(adopt=legacy)
        except OSError as exc:
            raise StoreError(f"cannot keep this laptop's id: {exc.strerror}",
                             file=paths.config_dir()) from exc
        self._columns: dict[str, Mapping[str, Any]] = {}
        self._required: dict[str, frozenset[str]] = {}
        self._sql: dict[tuple[str, str], str] = {}
        if self.journal_mode == "wal" and self.IDLE_CHECKPOINT_SECONDS is not None:
            self.checkpointer = drives.IdleCheckpointer(self.path, self.IDLE_CHECKPOINT_SECONDS)
        self._after_start()

    def _after_start(self) -> None:
        """What a killed merge or a held-up erasure left behind is finished now
        (docs/record-laws.md, "Erasure")."""
        from facilitator.core.backup import clean_private_temp
        from facilitator.core.participants import finish_pending_scrub

        with contextlib.suppress(OSError):
            clean_private_temp(self.path)
        with contextlib.suppress(StoreError):
            finish_pending_scrub(self)

    # -- connections -------------------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection. Reads on the way to the window's first paint use
        it, so sqlite-utils (about 60 ms of imports) loads only when something needs it."""
        if self._closed:
            raise StoreError("the database is closed", file=self.path)
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
        return conn

    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's connection wrapped in sqlite-utils (tables, inserts, atomic)."""
        conn = self.conn
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            import sqlite_utils

            db = sqlite_utils.Database(conn, execute_plugins=False)
            self._local.db = db
        return db

    def _open(self) -> sqlite3.Connection:
        try:
            if self.read_only:
                conn = self._open_read_only()
            else:
                conn = sqlite3.connect(str(self.path), timeout=10, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=10000")
            mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
            if not self.read_only and mode != self.journal_mode:
                # On a stick the one .db file must hold every save: no -wal beside it.
                conn.execute(f"PRAGMA journal_mode={self.journal_mode}")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            # Erased demographics must not linger in freed pages (docs/record-laws.md).
            conn.execute("PRAGMA secure_delete=ON")
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if not self.read_only and self.path.is_file() and (
                    "unable to open" in text or "readonly" in text):
                # A folder that cannot be written to (a read-only share, a locked
                # USB stick): the write-ahead log cannot be made beside the file, but
                # the file can still be read, so `results` and reports work.
                self.read_only = True
                return self._open()
            raise StoreError(f"cannot open the database: {exc}", file=self.path) from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the database: {exc}", file=self.path) from exc
        with self._lock:
            # Worker threads come and go (snapshots, imports): close what they left.
            alive = []
            for thread, other in self._connections:
                if thread.is_alive():
                    alive.append((thread, other))
                else:
                    with contextlib.suppress(sqlite3.Error):
                        other.close()
            alive.append((threading.current_thread(), conn))
            self._connections = alive
        return conn

    def _open_read_only(self) -> sqlite3.Connection:
        """The file as it is, read only, with no lock and no WAL (nobody can write it)."""
        uri = self.path.resolve().as_uri() + "?immutable=1"
        return sqlite3.connect(uri, uri=True, timeout=10, check_same_thread=False)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Close every connection. The store cannot be used afterwards."""
        if self.checkpointer is not None:
            self.checkpointer.stop()
        with self._lock:
            self._closed = True
            for _thread, conn in self._connections:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def translate_errors(self) -> Iterator[None]:
        """Turn sqlite3 errors into StoreError naming the file (disk full, read-only…)."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            text = str(exc)
            if "full" in text:
                text = "the disk is full; nothing was written"
            elif "readonly" in text or "read-only" in text:
                text = "the database is read-only; nothing was written"
            elif "not a database" in text or "malformed" in text:
                text = "this file is not a Facilitator database (or it is damaged)"
            raise StoreError(text, file=self.path) from exc

    @contextlib.contextmanager
    def transaction(self, cause: str = "save") -> Iterator[sqlite_utils.Database]:
        """One atomic transaction on this thread's connection (nested: a savepoint).

        Listeners hear what changed once the outermost transaction has committed.
        """
        depth = getattr(self._local, "depth", 0)
        if depth == 0:
            self._local.changed = set()
            self._local.cause = cause
        self._local.depth = depth + 1
        try:
            with self.translate_errors(), self._atomic(depth) as db:
                yield db
        except BaseException:
            if depth == 0:
                self._local.changed = set()
                self._local.erased = False
            raise
        finally:
            self._local.depth = depth
        if depth == 0:
            changed = frozenset(self._local.changed)
            self._local.changed = set()
            if getattr(self._local, "erased", False):
                self._local.erased = False
                self._scrub()
            if changed:
                self._announce(Change(changed, self._local.cause))

    @contextlib.contextmanager
    def _atomic(self, depth: int) -> Iterator[sqlite_utils.Database]:
        """The outermost transaction begins IMMEDIATE: it takes the write lock at once,
        so a second writer (the app saving notes beside a merge or an import) waits
        for the busy timeout instead of failing with "database is locked" midway."""
        db = self.db
        if depth > 0 or db.conn.in_transaction:
            with db.atomic():
                yield db
            return
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        try:
            db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise

    def _scrub(self) -> None:
        """After an erasure: copy the WAL into the file and empty it, so the erased
        values survive neither in old WAL frames nor (secure_delete) in freed pages."""
        # The copy kept to undo the last merge holds what was just erased: it goes too.
        from facilitator.core import undo

        undo.forget(self.path)
        with contextlib.suppress(sqlite3.Error), self.conn:
            self.conn.execute("DELETE FROM settings WHERE key = ?", [undo.UNDO_KEY])
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _erased_here(self) -> None:
        if getattr(self._local, "depth", 0) > 0:
            self._local.erased = True
        else:
            self._scrub()

    def _touched(self, table: str) -> None:
        changed: set[str] | None = getattr(self._local, "changed", None)
        if changed is not None and getattr(self._local, "depth", 0) > 0:
            changed.add(table)
        else:
            self._announce(Change(frozenset({table})))

    # -- change listeners (core stays Qt-free: the UI turns these into a signal) ---------

    def add_listener(self, callback: ChangeListener) -> None:
        """``callback(Change)`` after each commit, on the committing thread."""
        with self._lock:
            self._listeners.append(callback)

    def remove_listener(self, callback: ChangeListener) -> None:
        with self._lock:
            if callback in self._listeners:
                self._listeners.remove(callback)

    def _announce(self, change: Change) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for callback in listeners:
            callback(change)

    # -- schema ------------------------------------------------------------------------

    def schema_version(self) -> int:
        conn = self.conn
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                        "AND name = '_migrations'").fetchone() is None:
            return 0
        row = conn.execute("SELECT MAX(version) FROM _migrations").fetchone()
        return int(row[0] or 0)

    def _migrate(self) -> None:
        conn = self.conn
        if self.read_only:
            if self.schema_version() < SCHEMA_VERSION:
                raise StoreError("this database is in a folder that cannot be written to "
                                 "and needs updating: copy it somewhere writable first",
                                 file=self.path)
            return
        if self.schema_version() == SCHEMA_VERSION:
            return  # the usual start: nothing to do, and no sqlite-utils needed for it
        conn.execute(
            "CREATE TABLE IF NOT EXISTS _migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"this database has schema version {current}, but this Facilitator only "
                f"knows up to {SCHEMA_VERSION}: update Facilitator to open it",
                file=self.path,
            )
        db = self.db
        for migration in MIGRATIONS:
            if migration.version <= current:
                continue
            with db.atomic():
                migration.apply(db)
                db.execute(
                    "INSERT INTO _migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    [migration.version, migration.name, now_iso()],
                )

    def tables(self) -> list[str]:
        return [t for t in self.db.table_names() if not t.startswith(("_", "sqlite_"))]

    def columns(self, table: str) -> tuple[str, ...]:
        return tuple(self.column_defaults(table))

    def column_defaults(self, table: str) -> Mapping[str, Any]:
        """Each column of ``table`` and the value a row gets when it is left out.

        Read once per table and shared (a merge asks for every record): do not change.
        """
        if table not in self._columns:
            defaults: dict[str, Any] = {}
            required: set[str] = set()
            for row in self.conn.execute(f"PRAGMA table_info([{table}])").fetchall():
                defaults[str(row[1])] = _literal(row[4])
                if row[3] and row[4] is None:
                    required.add(str(row[1]))
            self._columns[table] = MappingProxyType(defaults)
            self._required[table] = frozenset(required)
        return self._columns[table]

    # -- local settings (never merged) -----------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return default if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    def get_json_setting(self, key: str, default: Any = None) -> Any:
        raw = self.get_setting(key)
        return default if raw is None else json.loads(raw)

    def set_json_setting(self, key: str, value: Any) -> None:
        self.set_setting(key, json.dumps(value))

    @property
    def site(self) -> str:
        """The site this laptop is at ('' until the venue is set up)."""
        return self.get_setting("site", "") or ""

    @property
    def rehearsal(self) -> bool:
        """A practice database: everything made in it is marked rehearsal."""
        return self.get_setting(IS_REHEARSAL_DB_KEY, "0") == "1"

    # -- records -----------------------------------------------------------------------

    def spec(self, table: str) -> TableSpec:
        spec = self.specs.get(table)
        if spec is None:
            raise StoreError(f"{table} is not a merged record table", file=self.path,
                             field=table)
        return spec

    def get(self, table: str, record_id: str) -> Record | None:
        cursor = self.conn.execute(f"SELECT * FROM [{table}] WHERE id = ?", [record_id])
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cursor.description], row, strict=True))

    def rows(self, table: str, where: str = "", params: Any = None,
             order_by: str = "") -> list[Record]:
        sql = f"SELECT * FROM [{table}]"
        if where:
            sql += f" WHERE {where}"
        if order_by:
            sql += f" ORDER BY {order_by}"
        cursor = self.conn.execute(sql, params or [])
        keys = [c[0] for c in cursor.description]
        return [dict(zip(keys, row, strict=True)) for row in cursor]

    def envelope(self, record_id: str | None = None, *, site: str | None = None) -> Record:
        stamp = now_iso()
        return {
            "id": record_id or random_id(),
            "origin_site": self.site if site is None else site,
            "origin_device": self.device_id,
            "device_id": self.device_id,
            "created_at": stamp,
            "updated_at": stamp,
            "revision": 1,
            "deleted": 0,
            "rehearsal": 1 if self.rehearsal else 0,
        }

    def _canonical_times(self, spec: TableSpec, record: Record) -> Record:
        for column in ("created_at", "updated_at", *spec.time_columns):
            value = record.get(column)
            if value is None or value == "":
                if column in ("created_at", "updated_at"):
                    raise StoreError(f"{column} is missing", file=self.path, field=column)
                continue
            try:
                record[column] = canonical_time(value)
            except TimeFormatError as exc:
                raise StoreError(str(exc), file=self.path, field=column) from exc
        return record

    def create(self, table: str, fields: Mapping[str, Any], *,
               record_id: str | None = None) -> Record:
        """Insert a brand-new record made on this laptop, committed when this returns."""
        spec = self.spec(table)
        record = {**self.envelope(record_id, site=fields.get("site")), **fields}
        expected = spec.expected_id(record)
        if expected is not None and record_id is None:
            record["id"] = expected
        elif expected is not None and record_id != expected:
            # Another laptop would derive the other id: the merge would refuse this one.
            raise StoreError(f"{table} record for {spec.natural_key[1:]} must have id "
                             f"{expected}, not {record_id}", file=self.path, field="id")
        self._canonical_times(spec, record)
        spec.blank(record)
        columns = self.column_defaults(table)
        unknown = sorted(set(record) - set(columns))
        if unknown:
            raise StoreError(f"{table} has no column {unknown[0]}", file=self.path,
                             field=unknown[0])
        # One prepared statement (no schema look-ups per insert: a note saves in the
        # time of a bare insert); left-out columns take their defaults, as in SQL.
        row = {**columns, **record}
        values = [json.dumps(v) if isinstance(v, (dict, list, tuple)) else v
                  for v in (row[c] for c in columns)]
        with self.transaction():
            self.conn.execute(self._insert_sql(table), values)
            self._touched(table)
        return record

    def edit(self, table: str, record_id: str, changes: Mapping[str, Any]) -> Record:
        """Change a record here: bumps its revision, stamps this laptop and time.

        The creating laptop (``origin_device``) stays; ``device_id`` names the editor.
        """
        spec = self.spec(table)
        with self.transaction() as db:
            current = self.get(table, record_id)
            if current is None:
                raise StoreError(f"no record {record_id}", file=self.path, field=table)
            for flag in spec.sticky:
                if int(current.get(flag) or 0) and not int(changes.get(flag, 1) or 0):
                    raise StoreError(f"{flag} cannot be undone: it is kept in every merge",
                                     file=self.path, field=flag)
            updated = {
                **current,
                **changes,
                "revision": int(current["revision"]) + 1,
                "updated_at": max(now_iso(), canonical_time(current["updated_at"])),
                "device_id": self.device_id,
            }
            self._canonical_times(spec, updated)
            if spec.latest:  # an edit never lowers a latest column
                updated.update(spec.latest_values(current, updated))
            if spec.is_erased(updated):
                spec.blank(updated)
                self._drop_conflicts(table, record_id)
                self._erased_here()
            else:
                # The conflicts table is a set of *other* contents: an edit back to a
                # kept content (Ctrl+Z after a merge) makes it the record's own again.
                db.execute("DELETE FROM conflicts WHERE table_name = ? AND record_id = ? "
                           "AND content_hash = ?",
                           [table, record_id, spec.content_hash(updated)])
            db.table(table).update(record_id, updated)
            self._touched(table)
        return updated

    def mark_deleted(self, table: str, record_id: str) -> Record:
        """Deletion is an edit like any other, so it merges."""
        return self.edit(table, record_id, {"deleted": 1})

    def normalise_version(self, table: str, incoming: Mapping[str, Any]) -> Record:
        """A version from outside in canonical form, or StoreError naming the field.

        Unknown columns (a newer schema) are refused, never half-inserted.
        """
        spec = self.spec(table)
        record = dict(incoming)
        defaults = self.column_defaults(table)
        unknown = sorted(set(record) - set(defaults))
        if unknown:
            raise StoreError(f"{table} has no column {', '.join(unknown)} "
                             "(a newer Facilitator made this record)", field=unknown[0])
        for column in ENVELOPE_COLUMNS:
            if column not in record and column not in ("origin_device", "rehearsal"):
                raise StoreError(f"{table} record without {column}", field=column)
        record.setdefault("origin_device", record["device_id"])
        # A record from an older schema gets today's defaults for newer columns.
        record = {**defaults, **record}
        for column in sorted(self._required[table]):
            if record.get(column) is None:
                raise StoreError(f"{table} record {record.get('id')} has no {column}",
                                 field=column)
        try:
            record["revision"] = int(record["revision"])
            record["deleted"] = int(record["deleted"])
            record["rehearsal"] = int(record["rehearsal"])
            for flag in spec.sticky:
                record[flag] = int(record.get(flag) or 0)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"{table} record {record.get('id')}: a flag or revision is "
                             "not a number", field="revision") from exc
        expected = spec.expected_id(record)
        if expected is not None and record["id"] != expected:
            raise StoreError(
                f"{table} record {record['id']} should have id {expected} for its key "
                f"({', '.join(str(record.get(c)) for c in spec.natural_key[1:])})",
                field="id")
        self._canonical_times(spec, record)
        if "consent_refused_at" in spec.latest and "consent_refused_at" not in incoming \
                and str(record.get("quote_consent", 1)) in ("0", "False"):
            # A version from before recorded consent said no with quote_consent = 0:
            # that is a refusal, dated when the version was made (docs/record-laws.md).
            record["consent_refused_at"] = record["updated_at"]
        return record

    def put_version(self, table: str, incoming: Mapping[str, Any]) -> PutResult:
        """Bring in a version of a record from elsewhere (import or merge).

        Call inside ``transaction()`` for many records. The record laws
        (docs/record-laws.md): the highest version wins, sticky flags are OR-ed over
        every version, an erased record keeps nothing but its tombstone, and each
        other content seen is kept once in ``conflicts`` under its highest version.
        Any order of the same versions gives the same rows.
        """
        spec = self.spec(table)
        version = self.normalise_version(table, incoming)
        self._touched(table)
        db = self.db
        current = self.get(table, version["id"])
        if current is None:
            self._insert_new(table, spec, version)
            return "added"
        flags = spec.combine(current, version)
        order = spec.compare(version, current)
        if order == 0:
            winner, loser = current, None
        elif order > 0:
            winner, loser = version, current
        else:
            winner, loser = current, version
        merged = {**winner, **flags, **spec.latest_values(current, version)}
        erased = spec.is_erased(merged)
        if erased:
            spec.blank(merged)
            self._drop_conflicts(table, merged["id"])
            if not self._same_row(spec, merged, current):
                self._erased_here()
        else:
            if loser is not None:
                self._keep_conflict(table, spec, loser, winner)
            if winner is version:
                # The winner's content is now the record; it is no longer a lost version.
                db.execute("DELETE FROM conflicts WHERE table_name = ? AND record_id = ? "
                           "AND content_hash = ?",
                           [table, version["id"], spec.content_hash(version)])
        if not self._same_row(spec, merged, current):
            self._replace_row(table, merged)
            return "updated"
        return "unchanged" if loser is None else "kept"

    @staticmethod
    def _same_row(spec: TableSpec, a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
        """Equal but for the columns the database derives (a trigger recomputes them)."""
        if not spec.derived:
            return a == b
        return {k: v for k, v in a.items() if k not in spec.derived} == \
            {k: v for k, v in b.items() if k not in spec.derived}

    def put_new_versions(self, table: str, versions: list[Record]) -> None:
        """Insert normalised versions of records this database does not have yet.

        The merge's fast path: for an absent record ``put_version`` would insert the
        version as it is (blanked if erased), which is what this does, many at once.
        Call inside ``transaction()``.
        """
        if not versions:
            return
        spec = self.spec(table)
        self.conn.executemany(self._insert_sql(table),
                                 [self._row_values(table, spec, v) for v in versions])
        self._touched(table)

    def has(self, table: str, record_id: str) -> bool:
        return self.conn.execute(f"SELECT 1 FROM [{table}] WHERE id = ?",
                                    [record_id]).fetchone() is not None

    def _insert_sql(self, table: str) -> str:
        sql = self._sql.get(("insert", table))
        if sql is None:
            columns = self.columns(table)
            names = ", ".join(f"[{c}]" for c in columns)
            marks = ", ".join("?" for _ in columns)
            sql = self._sql[("insert", table)] = f"INSERT INTO [{table}] ({names}) VALUES ({marks})"
        return sql

    def _row_values(self, table: str, spec: TableSpec, record: Record) -> list[Any]:
        """A new record's column values, blanked first if it is erased."""
        row = spec.blank(dict(record)) if spec.is_erased(record) else record
        return [row.get(c) for c in self.columns(table)]

    def _insert_new(self, table: str, spec: TableSpec, record: Record) -> None:
        self.conn.execute(self._insert_sql(table), self._row_values(table, spec, record))

    def _replace_row(self, table: str, record: Record) -> None:
        columns = [c for c in self.columns(table) if c != "id"]
        sql = self._sql.get(("update", table))
        if sql is None:
            sets = ", ".join(f"[{c}] = ?" for c in columns)
            sql = self._sql[("update", table)] = f"UPDATE [{table}] SET {sets} WHERE id = ?"
        self.conn.execute(sql, [*(record.get(c) for c in columns), record["id"]])

    def _keep_conflict(self, table: str, spec: TableSpec, loser: Record,
                       winner: Record) -> None:
        """Keep ``loser`` unless its content is the winner's; per content, the highest."""
        digest = spec.content_hash(loser)
        if digest == spec.content_hash(winner):
            return
        key = spec.version_key(loser)
        existing = self.db.execute(
            "SELECT revision, updated_at, device_id FROM conflicts WHERE table_name = ? "
            "AND record_id = ? AND content_hash = ?", [table, loser["id"], digest]).fetchone()
        if existing is not None and (int(existing[0]), str(existing[1]), str(existing[2]),
                                     digest) >= key:
            return
        stored = {k: v for k, v in loser.items() if k not in spec.combined}
        self.db.execute(
            "INSERT OR REPLACE INTO conflicts (table_name, record_id, content_hash, revision, "
            "updated_at, device_id, record) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [table, loser["id"], digest, key[0], key[1], key[2],
             json.dumps(stored, sort_keys=True, default=str, ensure_ascii=False)],
        )

    def _drop_conflicts(self, table: str, record_id: str) -> None:
        self.db.execute("DELETE FROM conflicts WHERE table_name = ? AND record_id = ?",
                        [table, record_id])

    def conflicts(self, table: str | None = None) -> list[Record]:
        order = "table_name, record_id, content_hash"
        if table is None:
            return self.rows("conflicts", order_by=order)
        return self.rows("conflicts", "table_name = ?", [table], order_by=order)

    def lost_versions(self, table: str | None = None) -> list[tuple[str, Record]]:
        """The kept non-winning versions as (table, record), to carry on in a merge."""
        return [(str(row["table_name"]), json.loads(row["record"]))
                for row in self.conflicts(table)]

    def count(self, table: str, where: str = "", params: Any = None) -> int:
        sql = f"SELECT COUNT(*) FROM [{table}]" + (f" WHERE {where}" if where else "")
        return int(self.conn.execute(sql, params or []).fetchone()[0])
