"""Schema for the votes capability: ballots, attendance and remembered roster answers.

- ``ballots``: one ranking of the six use cases (``ranking`` is a JSON list of ids,
  most acceptable first). A known participant's ballot for a workshop has the id
  ``natural_id("ballot", participant_id, workshop)``, so two laptops agree and a
  replacement is a new revision of the same record. ``entry`` is ``single`` for a
  counted ballot (kiosk, import, one keying), ``double`` for a paper ballot whose
  two keyings agreed or were resolved, and ``first`` / ``second`` for the pending
  keyings of double entry, which never count.
- ``attendance``: who came to which in-person workshop, one record per
  (participant, workshop).
- ``value_maps``: the category a roster value no spelling rule knows was said to
  mean, so the next import does not ask again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from facilitator.core.records import TableSpec

if TYPE_CHECKING:
    import sqlite_utils

TABLES: tuple[TableSpec, ...] = (
    TableSpec("ballots", time_columns=("cast_at",)),
    TableSpec("attendance", natural_key=("attendance", "participant_id", "workshop")),
    TableSpec("value_maps", natural_key=("value_map", "variable", "value")),
)


def add_language(db: sqlite_utils.Database) -> None:
    """The language a ballot or a dot was cast in: ``cy`` or ``en`` at a kiosk, NULL for
    paper, imports and everything cast before this column existed."""
    for table in ("ballots", "priorities"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN lang TEXT")


def apply(db: sqlite_utils.Database) -> None:
    # Imported here: migrations imports this module for its TABLES.
    from facilitator.core.migrations import RECORD_ENVELOPE_SQL

    # Statement by statement: executescript would commit the migration's transaction.
    script = f"""
        CREATE TABLE ballots (
            {RECORD_ENVELOPE_SQL},
            site TEXT NOT NULL,
            workshop INTEGER NOT NULL,
            participant_id TEXT,
            ranking TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT 'kiosk',
            entry TEXT NOT NULL DEFAULT 'single',
            sheet TEXT,
            cast_at TEXT NOT NULL
        );
        CREATE INDEX ballots_participant ON ballots(participant_id, workshop);
        CREATE INDEX ballots_sheet ON ballots(site, workshop, sheet);
        CREATE TABLE attendance (
            {RECORD_ENVELOPE_SQL},
            participant_id TEXT NOT NULL,
            site TEXT NOT NULL,
            workshop INTEGER NOT NULL,
            attended INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX attendance_site ON attendance(site, workshop);
        CREATE TABLE value_maps (
            {RECORD_ENVELOPE_SQL},
            variable TEXT NOT NULL,
            value TEXT NOT NULL,
            category TEXT NOT NULL
        )
        """
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)
