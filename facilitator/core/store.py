"""The one object through which every SQLite write goes.

WAL, synchronous=FULL and foreign keys on; one connection per thread; schema from
versioned migrations. Records share the envelope of ``records.py`` and every
incoming version passes through ``put_version``, which applies the two-version rule
and keeps the loser in ``conflicts``.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import sqlite_utils

from facilitator.core.errors import SchemaTooNewError, StoreError
from facilitator.core.migrations import MIGRATIONS, SCHEMA_VERSION
from facilitator.core.records import (
    Record,
    now_iso,
    pick_winner,
    random_id,
    same_version,
)

# Once any version says so, the merged record says so (DESIGN §4).
STICKY_FLAGS: dict[str, tuple[str, ...]] = {"participants": ("withdrawn", "erased")}
ERASED_FIELDS = (
    "gender", "age_band", "ethnicity", "area", "seg", "lgbtqia", "trust_police", "ai_opinion",
)

PutResult = Literal["added", "updated", "unchanged", "kept"]


class Store:
    """A Facilitator database file. Thread-safe: each thread gets its own connection."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        # Each thread's connection, so close() and dead-thread clean-up can reach them.
        self._connections: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder: {exc.strerror}",
                             file=self.path.parent) from exc
        with self.translate_errors():
            self._migrate()
            self.device_id = self._ensure_device_id()

    # -- connections -------------------------------------------------------------------

    @property
    def db(self) -> sqlite_utils.Database:
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            db = self._open()
            self._local.db = db
        return db

    def _open(self) -> sqlite_utils.Database:
        try:
            conn = sqlite3.connect(str(self.path), timeout=10, check_same_thread=False)
            db = sqlite_utils.Database(conn, execute_plugins=False)
            conn.execute("PRAGMA busy_timeout=10000")
            if db.journal_mode != "wal":
                db.enable_wal()
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
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
        return db

    def close(self) -> None:
        with self._lock:
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
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One atomic transaction on this thread's connection."""
        with self.translate_errors(), self.db.atomic() as db:
            yield db

    # -- schema ------------------------------------------------------------------------

    def schema_version(self) -> int:
        if not self.db["_migrations"].exists():
            return 0
        row = self.db.execute("SELECT MAX(version) FROM _migrations").fetchone()
        return int(row[0] or 0)

    def _migrate(self) -> None:
        db = self.db
        db.execute(
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

    # -- local settings (never merged) -----------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
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

    def _ensure_device_id(self) -> str:
        existing = self.get_setting("device_id")
        if existing:
            return existing
        device = random_id()
        self.set_setting("device_id", device)
        return device

    @property
    def site(self) -> str:
        """The site this laptop is at ('' until the venue is set up)."""
        return self.get_setting("site", "") or ""

    # -- records -----------------------------------------------------------------------

    def get(self, table: str, record_id: str) -> Record | None:
        rows = list(self.db.query(f"SELECT * FROM [{table}] WHERE id = ?", [record_id]))
        return rows[0] if rows else None

    def rows(self, table: str, where: str = "", params: Any = None,
             order_by: str = "") -> list[Record]:
        sql = f"SELECT * FROM [{table}]"
        if where:
            sql += f" WHERE {where}"
        if order_by:
            sql += f" ORDER BY {order_by}"
        return list(self.db.query(sql, params or []))

    def envelope(self, record_id: str | None = None, *, site: str | None = None) -> Record:
        stamp = now_iso()
        return {
            "id": record_id or random_id(),
            "origin_site": self.site if site is None else site,
            "device_id": self.device_id,
            "created_at": stamp,
            "updated_at": stamp,
            "revision": 1,
            "deleted": 0,
        }

    def create(self, table: str, fields: Mapping[str, Any], *,
               record_id: str | None = None) -> Record:
        """Insert a brand-new record made on this laptop, committed when this returns."""
        record = {**self.envelope(record_id, site=fields.get("site")), **fields}
        with self.transaction() as db:
            db.table(table).insert(record)
        return record

    def edit(self, table: str, record_id: str, changes: Mapping[str, Any]) -> Record:
        """Change a record here: bumps its revision, stamps this device and time."""
        with self.transaction() as db:
            current = self.get(table, record_id)
            if current is None:
                raise StoreError(f"no record {record_id}", file=self.path, field=table)
            updated = {
                **current,
                **changes,
                "revision": int(current["revision"]) + 1,
                "updated_at": max(now_iso(), str(current["updated_at"])),
                "device_id": self.device_id,
            }
            db.table(table).update(record_id, updated)
        return updated

    def mark_deleted(self, table: str, record_id: str) -> Record:
        """Deletion is an edit like any other, so it merges."""
        return self.edit(table, record_id, {"deleted": 1})

    def put_version(self, table: str, incoming: Mapping[str, Any]) -> PutResult:
        """Bring in a version of a record from elsewhere (import or merge).

        Call inside ``transaction()`` for many records. The higher version wins; the
        other is kept in ``conflicts``; sticky flags survive whichever wins.
        """
        incoming = dict(incoming)
        db = self.db
        current = self.get(table, incoming["id"])
        if current is None:
            db.table(table).insert(incoming)
            return "added"
        if same_version(current, incoming):
            return "unchanged"
        winner, loser = pick_winner(current, incoming)
        merged = dict(winner)
        for flag in STICKY_FLAGS.get(table, ()):
            merged[flag] = max(int(current.get(flag) or 0), int(incoming.get(flag) or 0))
        if table == "participants" and merged.get("erased"):
            merged.update({f: "not recorded" for f in ERASED_FIELDS})
        self._record_conflict(table, winner, loser)
        if merged != current:
            db.table(table).update(merged["id"], merged)
            return "updated"
        return "kept"

    def _record_conflict(self, table: str, winner: Mapping[str, Any],
                         loser: Mapping[str, Any]) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO conflicts (table_name, record_id, kept_revision, "
            "kept_device, lost_revision, lost_device, lost_updated_at, lost_record, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                table, winner["id"], int(winner["revision"]), str(winner["device_id"]),
                int(loser["revision"]), str(loser["device_id"]), str(loser["updated_at"]),
                json.dumps(dict(loser), sort_keys=True, default=str), now_iso(),
            ],
        )

    def conflicts(self, table: str | None = None) -> list[Record]:
        if table is None:
            return self.rows("conflicts", order_by="id")
        return self.rows("conflicts", "table_name = ?", [table], order_by="id")

    def count(self, table: str, where: str = "", params: Any = None) -> int:
        sql = f"SELECT COUNT(*) FROM [{table}]" + (f" WHERE {where}" if where else "")
        return int(self.db.execute(sql, params or []).fetchone()[0])
