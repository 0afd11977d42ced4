"""Versioned schema migrations, applied in order from an empty file.

Each capability adds its tables as a new migration at the end of MIGRATIONS; a
released migration is never edited, so every database reaches the same schema.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[sqlite_utils.Database], None]


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


MIGRATIONS: list[Migration] = [
    Migration(1, "foundation", _foundation),
    Migration(2, "agenda_runs", _agenda_runs),
    Migration(3, "video_plays", _video_plays),
]

SCHEMA_VERSION = MIGRATIONS[-1].version
