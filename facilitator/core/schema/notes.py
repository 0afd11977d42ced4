"""Schema for the notes capability: capture, ad-hoc themes, drafts, full-text search.

- ``notes`` (migration 1) gains ``starred`` (a quote picked for the report) and
  ``table_name`` (the table's name as typed, so a note carries it through any merge).
- ``themes_custom``: ad-hoc codebook themes, a merged record keyed by (use case,
  label) — the same id a pack theme of that label gets (``pack.theme_id``).
- ``note_drafts`` (local, never merged): the text being typed, per capture slot.
- ``notes_fts`` (local): an FTS5 index over the notes' text, kept by triggers; the
  unicode61 tokenizer folds diacritics, so "Ystradgynlais" finds "ŷ" spellings too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from facilitator.core.records import TableSpec

if TYPE_CHECKING:
    import sqlite_utils

TABLES: tuple[TableSpec, ...] = (
    TableSpec("themes_custom", natural_key=("theme", "use_case", "label")),
)

FTS_TABLE = "notes_fts"
DRAFTS_TABLE = "note_drafts"
# A merge inserting many notes at once fills the search index in one statement
# instead of through this trigger row by row (core/merge.py): same index, faster.
FTS_INSERT_TRIGGER = "notes_fts_insert"
FTS_BULK_INSERT = f"INSERT INTO {FTS_TABLE}(rowid, text) SELECT rowid, text FROM main.notes " \
    "WHERE rowid > ?"
BULK_INDEXES = {"notes": (FTS_INSERT_TRIGGER, FTS_BULK_INSERT)}


def apply(db: sqlite_utils.Database) -> None:
    # Imported here: migrations.py imports this module while it is being defined.
    from facilitator.core.migrations import RECORD_ENVELOPE_SQL

    # Statement by statement: executescript would commit the migration's transaction.
    statements = [
        "ALTER TABLE notes ADD COLUMN starred INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE notes ADD COLUMN table_name TEXT",
        "CREATE INDEX notes_site_noted ON notes(site, noted_at)",
        f"""CREATE TABLE themes_custom (
            {RECORD_ENVELOPE_SQL},
            use_case TEXT NOT NULL DEFAULT '',
            label TEXT NOT NULL
        )""",
        "CREATE INDEX themes_custom_use_case ON themes_custom(use_case)",
        f"""CREATE TABLE {DRAFTS_TABLE} (
            slot TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT '{{}}',
            saved_at TEXT NOT NULL
        )""",
        f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
            text, content='notes', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 2'
        )""",
        f"""CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
            INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.rowid, new.text);
        END""",
        f"""CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text)
                VALUES ('delete', old.rowid, old.text);
        END""",
        f"""CREATE TRIGGER notes_fts_update AFTER UPDATE OF text ON notes BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text)
                VALUES ('delete', old.rowid, old.text);
            INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.rowid, new.text);
        END""",
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
    ]
    for statement in statements:
        db.execute(statement)
