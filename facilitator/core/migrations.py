"""Versioned schema migrations, applied in order from an empty file.

Each capability adds its tables as a new migration at the end of MIGRATIONS; a
released migration is never edited, so every database reaches the same schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from facilitator.core.records import TableSpec
from facilitator.core.schema import advice as schema_advice
from facilitator.core.schema import exports as schema_exports
from facilitator.core.schema import notes as schema_notes
from facilitator.core.schema import privacy as schema_privacy
from facilitator.core.schema import votes as schema_votes

if TYPE_CHECKING:
    import sqlite_utils

ENVELOPE_SQL = """
    id TEXT PRIMARY KEY,
    origin_site TEXT NOT NULL DEFAULT '',
    device_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0
"""

# The envelope from schema 4 on (docs/data-model.md): tables added by later
# migrations start with this.
RECORD_ENVELOPE_SQL = ENVELOPE_SQL.rstrip() + """,
    origin_device TEXT NOT NULL DEFAULT '',
    rehearsal INTEGER NOT NULL DEFAULT 0
"""


@dataclass(frozen=True)
class Migration:
    """One schema step. ``tables`` declares the merged tables it adds or redefines:
    that declaration is all a later capability writes to join the merge."""

    version: int
    name: str
    apply: Callable[[sqlite_utils.Database], None]
    tables: tuple[TableSpec, ...] = ()


def _foundation(db: sqlite_utils.Database) -> None:
    db.executescript(
        f"""
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE participants (
            {ENVELOPE_SQL},
            site TEXT NOT NULL,
            code TEXT NOT NULL,
            gender TEXT NOT NULL DEFAULT 'not recorded',
            age_band TEXT NOT NULL DEFAULT 'not recorded',
            ethnicity TEXT NOT NULL DEFAULT 'not recorded',
            area TEXT NOT NULL DEFAULT 'not recorded',
            seg TEXT NOT NULL DEFAULT 'not recorded',
            lgbtqia TEXT NOT NULL DEFAULT 'not recorded',
            trust_police TEXT NOT NULL DEFAULT 'not recorded',
            ai_opinion TEXT NOT NULL DEFAULT 'not recorded',
            quote_consent INTEGER NOT NULL DEFAULT 1,
            withdrawn INTEGER NOT NULL DEFAULT 0,
            erased INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX participants_site_code ON participants(site, code);
        CREATE TABLE venue_tables (
            {ENVELOPE_SQL},
            site TEXT NOT NULL,
            name TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE notes (
            {ENVELOPE_SQL},
            site TEXT NOT NULL,
            workshop INTEGER NOT NULL,
            table_id TEXT,
            step_id TEXT,
            use_case TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('note', 'quote', 'advice')),
            text TEXT NOT NULL,
            themes TEXT NOT NULL DEFAULT '[]',
            participant_id TEXT,
            noted_at TEXT NOT NULL
        );
        CREATE INDEX notes_site_workshop ON notes(site, workshop);
        CREATE TABLE merge_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            file TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            merged_at TEXT NOT NULL,
            records_added INTEGER NOT NULL DEFAULT 0,
            records_updated INTEGER NOT NULL DEFAULT 0,
            seen_before INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE conflicts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            table_name TEXT NOT NULL,
            record_id TEXT NOT NULL,
            kept_revision INTEGER NOT NULL,
            kept_device TEXT NOT NULL,
            lost_revision INTEGER NOT NULL,
            lost_device TEXT NOT NULL,
            lost_updated_at TEXT NOT NULL,
            lost_record TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            UNIQUE (table_name, record_id, lost_revision, lost_device, lost_updated_at)
        );
        """
    )


def _agenda_runs(db: sqlite_utils.Database) -> None:
    # One row per transition of the agenda runner; replaying them restores the day.
    db.executescript(
        f"""
        CREATE TABLE step_events (
            {ENVELOPE_SQL},
            site TEXT NOT NULL,
            workshop INTEGER NOT NULL,
            step_id TEXT NOT NULL,
            event TEXT NOT NULL,
            at TEXT NOT NULL,
            seconds REAL NOT NULL DEFAULT 0,
            seq INTEGER NOT NULL
        );
        CREATE INDEX step_events_day ON step_events(site, workshop, seq);
        """
    )


def _video_plays(db: sqlite_utils.Database) -> None:
    db.executescript(
        f"""
        CREATE TABLE video_plays (
            {ENVELOPE_SQL},
            site TEXT NOT NULL,
            workshop INTEGER NOT NULL,
            step_id TEXT,
            video_id TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            completed INTEGER NOT NULL DEFAULT 0,
            stopped_at_seconds REAL
        );
        """
    )


PARTICIPANT_FIELDS = (
    "gender", "age_band", "ethnicity", "area", "seg", "lgbtqia", "trust_police", "ai_opinion",
)
ERASED_VALUES = {field: "not recorded" for field in PARTICIPANT_FIELDS}

_ENVELOPED_V3 = ("participants", "venue_tables", "notes", "step_events", "video_plays")


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


def _record_laws(db: sqlite_utils.Database) -> None:
    """docs/record-laws.md: creating laptop, rehearsal flag, laptops, conflicts as a set.

    Statement by statement: ``executescript`` would commit the migration's transaction.
    """
    practice = db.execute(
        "SELECT value FROM settings WHERE key = 'is_rehearsal_db'").fetchone()
    rehearsal = 1 if practice and practice[0] == "1" else 0
    for table in _ENVELOPED_V3:
        db.execute(f"ALTER TABLE [{table}] ADD COLUMN origin_device TEXT NOT NULL DEFAULT ''")
        db.execute(f"ALTER TABLE [{table}] ADD COLUMN rehearsal INTEGER NOT NULL DEFAULT 0")
        db.execute(f"UPDATE [{table}] SET origin_device = device_id, rehearsal = ?", [rehearsal])
    for statement in _statements(
        f"""
        DROP INDEX step_events_day;
        CREATE INDEX step_events_day ON step_events(origin_device, site, workshop, seq);
        CREATE TABLE devices (
            {RECORD_ENVELOPE_SQL},
            label TEXT NOT NULL DEFAULT '',
            site TEXT NOT NULL DEFAULT '',
            table_id TEXT
        );
        CREATE TABLE conflicts_v4 (
            table_name TEXT NOT NULL,
            record_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            revision INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            device_id TEXT NOT NULL,
            record TEXT NOT NULL,
            PRIMARY KEY (table_name, record_id, content_hash)
        ) WITHOUT ROWID;
        DROP TABLE merge_log;
        CREATE TABLE merge_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            file TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'database',
            sites TEXT NOT NULL DEFAULT '[]',
            devices TEXT NOT NULL DEFAULT '[]',
            merged_at TEXT NOT NULL,
            records_added INTEGER NOT NULL DEFAULT 0,
            records_updated INTEGER NOT NULL DEFAULT 0,
            conflicts INTEGER NOT NULL DEFAULT 0,
            seen_before INTEGER NOT NULL DEFAULT 0
        )
        """
    ):
        db.execute(statement)
    # Earlier conflict rows were pairings frozen in arrival order; keep each lost
    # version once, keyed by its own content, as the laws now store them.
    for table_name, record_id, lost in db.execute(
            "SELECT table_name, record_id, lost_record FROM conflicts").fetchall():
        record = json.loads(lost)
        spec = TableSpec(table_name, sticky=("withdrawn", "erased") if table_name ==
                         "participants" else ())
        if spec.is_erased(record):
            continue
        db.execute(
            "INSERT OR IGNORE INTO conflicts_v4 VALUES (?, ?, ?, ?, ?, ?, ?)",
            [table_name, record_id, spec.content_hash(record), int(record["revision"]),
             str(record["updated_at"]), str(record["device_id"]),
             json.dumps({k: v for k, v in record.items() if k not in spec.sticky},
                        sort_keys=True, default=str)])
    db.execute("DROP TABLE conflicts")
    db.execute("ALTER TABLE conflicts_v4 RENAME TO conflicts")


RECORD_LAW_TABLES = (
    TableSpec("participants", natural_key=("participant", "site", "code"),
              sticky=("withdrawn", "erased"), erase_flag="erased",
              erased_values=ERASED_VALUES),
    TableSpec("venue_tables", natural_key=("table", "site", "name")),
    TableSpec("notes", time_columns=("noted_at",)),
    TableSpec("step_events", time_columns=("at",)),
    TableSpec("video_plays", time_columns=("started_at", "ended_at")),
    TableSpec("devices"),
)

MIGRATIONS: list[Migration] = [
    Migration(1, "foundation", _foundation),
    Migration(2, "agenda_runs", _agenda_runs),
    Migration(3, "video_plays", _video_plays),
    Migration(4, "record_laws", _record_laws, RECORD_LAW_TABLES),
    Migration(5, "notes_capture", schema_notes.apply, schema_notes.TABLES),
    Migration(6, "votes", schema_votes.apply, schema_votes.TABLES),
    Migration(7, "exports", schema_exports.apply, schema_exports.TABLES),
    Migration(8, "advice", schema_advice.apply, schema_advice.TABLES),
    Migration(9, "phone_source", schema_advice.allow_phone_source),
    Migration(10, "ballot_language", schema_votes.add_language),
    Migration(11, "privacy", schema_privacy.apply, schema_privacy.tables()),
]

SCHEMA_VERSION = MIGRATIONS[-1].version


def table_specs(up_to: int = SCHEMA_VERSION) -> dict[str, TableSpec]:
    """The merged tables at schema ``up_to``, by name; a later declaration wins."""
    specs: dict[str, TableSpec] = {}
    for migration in MIGRATIONS:
        if migration.version <= up_to:
            for spec in migration.tables:
                specs[spec.name] = spec
    return specs
