"""Schema for exports: the privacy gate's confirmations (DESIGN §4).

- ``privacy_confirmations``: a user checked a privacy hit in a note and said it is
  not personal data. A merged record keyed by (note id, fingerprint of the matched
  text), so the lead does not confirm again after merging and two laptops confirming
  agree on its id. ``matched`` holds only the fingerprint (``privacy.fingerprint``):
  the number or address itself never travels in a confirmation.
  ``site`` is the note's site, so a site export carries its confirmations.

The name-badge list the gate checks first names against is a local setting
(``settings`` key ``name_badges``), never a table here: it stays on the laptop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from facilitator.core.records import TableSpec

if TYPE_CHECKING:
    import sqlite_utils

CONFIRMATIONS_TABLE = "privacy_confirmations"

TABLES: tuple[TableSpec, ...] = (
    TableSpec(CONFIRMATIONS_TABLE, natural_key=("privacy", "note_id", "matched")),
)


def apply(db: sqlite_utils.Database) -> None:
    # Imported here: migrations.py imports this module while it is being defined.
    from facilitator.core.migrations import RECORD_ENVELOPE_SQL

    # Statement by statement: executescript would commit the migration's transaction.
    statements = [
        f"""CREATE TABLE {CONFIRMATIONS_TABLE} (
            {RECORD_ENVELOPE_SQL},
            note_id TEXT NOT NULL,
            matched TEXT NOT NULL,
            hit_kind TEXT NOT NULL DEFAULT '',
            site TEXT NOT NULL DEFAULT '',
            note_revision INTEGER NOT NULL DEFAULT 0
        )""",
        f"CREATE INDEX privacy_confirmations_note ON {CONFIRMATIONS_TABLE}(note_id)",
    ]
    for statement in statements:
        db.execute(statement)
