"""Schema for advice across sites: combinations and dot-vote priorities.

Advice items themselves are notes of kind ``advice`` (``notes``); this adds:

- ``advice_combinations``: one item the hub made from several overlapping ones,
  with new wording (``text``) and an advice theme (``theme``, a theme id). The
  originals stay as they are; ``combined_from`` is the JSON list of their note ids.
  ``site`` is the site of the laptop that combined them (the hub). Editing bumps the
  revision; splitting (undoing) sets ``deleted``, so both merge like any edit.
- ``priorities``: the dots one voter put on one item: ``item_id`` is an advice note
  id or a combination id, ``dots`` how many. One voter's dots form a ``sheet`` (a
  kiosk session, a paper sheet, or the rows of a CSV file for one participant);
  ``participant_id`` is NULL for an anonymous sheet. A row's id is
  ``natural_id("priority", sheet, item_id)``, so the same sheet imported twice adds
  nothing. There is no table-level natural key: anonymous sheets have no participant.
  ``source`` says how the dots came: kiosk, paper, import, or phone (schema 9 on).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from facilitator.core.records import TableSpec

if TYPE_CHECKING:
    import sqlite_utils

COMBINATIONS_TABLE = "advice_combinations"
PRIORITIES_TABLE = "priorities"

TABLES: tuple[TableSpec, ...] = (
    TableSpec(COMBINATIONS_TABLE),
    TableSpec(PRIORITIES_TABLE, time_columns=("cast_at",)),
)


def apply(db: sqlite_utils.Database) -> None:
    # Imported here: migrations.py imports this module while it is being defined.
    from facilitator.core.migrations import RECORD_ENVELOPE_SQL

    # Statement by statement: executescript would commit the migration's transaction.
    statements = [
        f"""CREATE TABLE {COMBINATIONS_TABLE} (
            {RECORD_ENVELOPE_SQL},
            site TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            theme TEXT NOT NULL DEFAULT '',
            combined_from TEXT NOT NULL DEFAULT '[]'
        )""",
        f"""CREATE TABLE {PRIORITIES_TABLE} (
            {RECORD_ENVELOPE_SQL},
            site TEXT NOT NULL,
            participant_id TEXT,
            item_id TEXT NOT NULL,
            dots INTEGER NOT NULL CHECK (dots >= 0),
            source TEXT NOT NULL DEFAULT 'kiosk'
                CHECK (source IN ('kiosk', 'paper', 'import')),
            sheet TEXT NOT NULL,
            cast_at TEXT NOT NULL
        )""",
        f"CREATE INDEX priorities_item ON {PRIORITIES_TABLE}(item_id)",
        f"CREATE INDEX priorities_sheet ON {PRIORITIES_TABLE}(sheet)",
        f"CREATE INDEX priorities_participant ON {PRIORITIES_TABLE}(participant_id)",
    ]
    for statement in statements:
        db.execute(statement)


def allow_phone_source(db: sqlite_utils.Database) -> None:
    """Schema 9: dots may come from participants' phones (``source`` 'phone').

    SQLite cannot change a CHECK constraint in place: the table is rebuilt with the
    same columns, rows and indexes.
    """
    from facilitator.core.migrations import RECORD_ENVELOPE_SQL

    statements = [
        f"""CREATE TABLE {PRIORITIES_TABLE}_v9 (
            {RECORD_ENVELOPE_SQL},
            site TEXT NOT NULL,
            participant_id TEXT,
            item_id TEXT NOT NULL,
            dots INTEGER NOT NULL CHECK (dots >= 0),
            source TEXT NOT NULL DEFAULT 'kiosk'
                CHECK (source IN ('kiosk', 'paper', 'import', 'phone')),
            sheet TEXT NOT NULL,
            cast_at TEXT NOT NULL
        )""",
        f"INSERT INTO {PRIORITIES_TABLE}_v9 SELECT * FROM {PRIORITIES_TABLE}",
        f"DROP TABLE {PRIORITIES_TABLE}",
        f"ALTER TABLE {PRIORITIES_TABLE}_v9 RENAME TO {PRIORITIES_TABLE}",
        f"CREATE INDEX priorities_item ON {PRIORITIES_TABLE}(item_id)",
        f"CREATE INDEX priorities_sheet ON {PRIORITIES_TABLE}(sheet)",
        f"CREATE INDEX priorities_participant ON {PRIORITIES_TABLE}(participant_id)",
    ]
    for statement in statements:
        db.execute(statement)
