"""Table notes, verbatim quotes and advice: saving, editing, drafts and search.

A note is committed in one transaction when the note-taker presses Enter; the
record returned is durable. Deleting sets the flag and editing bumps the revision
(DESIGN §4), so both merge. The text being typed is kept in ``note_drafts`` (local,
never merged) and offered back after a crash. Search uses the FTS5 index of
``schema/notes.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from facilitator.core.errors import FacilitatorError
from facilitator.core.records import Record, canonical_time, now_iso
from facilitator.core.schema.notes import DRAFTS_TABLE, FTS_TABLE
from facilitator.core.store import Store

TABLE = "notes"
KINDS = ("note", "quote", "advice")
MAX_TEXT = 20_000
EDITABLE = frozenset({"text", "kind", "themes", "participant_id", "table_id", "table_name",
                      "step_id", "use_case", "workshop", "starred"})


class NoteError(FacilitatorError):
    """A note that cannot be saved as given (empty, unknown kind, withdrawn participant)."""


@dataclass(frozen=True)
class Attribution:
    """Where a note was said: filled in from the running agenda, overridable."""

    site: str
    workshop: int
    table_id: str | None = None
    table_name: str | None = None
    step_id: str | None = None
    use_case: str | None = None


@dataclass(frozen=True)
class Participant:
    """A participant a note can be attributed to."""

    id: str
    code: str
    quote_consent: bool


@dataclass(frozen=True)
class NoteFilter:
    """What the notes view shows. ``None`` means any; ``text`` is a full-text search."""

    site: str | None = None
    workshop: int | None = None
    table_id: str | None = None
    step_id: str | None = None
    use_case: str | None = None
    theme: str | None = None
    kind: str | None = None
    text: str = ""
    starred: bool = False
    include_deleted: bool = False
    limit: int | None = None


@dataclass(frozen=True)
class Draft:
    """Text typed but not yet saved, with the capture state that went with it."""

    slot: str
    text: str
    state: dict[str, Any] = field(default_factory=dict)
    saved_at: str = ""


def clean_text(text: str) -> str:
    return text.strip()


def themes_of(record: Mapping[str, Any]) -> list[str]:
    try:
        value = json.loads(str(record.get("themes") or "[]"))
    except json.JSONDecodeError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def themes_json(themes: Iterable[str]) -> str:
    unique = list(dict.fromkeys(str(t) for t in themes))
    return json.dumps(unique)


# -- participants -----------------------------------------------------------------------


def attributable_participants(store: Store, site: str) -> list[Participant]:
    """The site's participants a note may name: not withdrawn, erased or deleted."""
    rows = store.rows("participants",
                      "site = ? AND deleted = 0 AND withdrawn = 0 AND erased = 0", [site],
                      order_by="code COLLATE NOCASE")
    return [Participant(str(r["id"]), str(r["code"]), bool(int(r["quote_consent"])))
            for r in rows]


def participant_code(store: Store, participant_id: str | None) -> str:
    if not participant_id:
        return ""
    row = store.get("participants", participant_id)
    return "" if row is None else str(row["code"])


def check_participant(store: Store, participant_id: str | None) -> Record | None:
    """The participant a note names, or NoteError if they cannot be attributed."""
    if not participant_id:
        return None
    row = store.get("participants", participant_id)
    if row is None or int(row["deleted"]):
        raise NoteError("this participant is not on the roster", field="participant")
    if int(row["withdrawn"]) or int(row["erased"]):
        raise NoteError(f"{row['code']} has withdrawn: their words cannot be recorded",
                        field="participant")
    return row


def consent_warning(store: Store, participant_id: str | None, kind: str) -> str | None:
    """What to say when a quote names someone who said no to being quoted."""
    if kind != "quote" or not participant_id:
        return None
    row = store.get("participants", participant_id)
    if row is None or int(row["quote_consent"]):
        return None
    return (f"{row['code']} said no to quotes: this counts in themes but will not "
            "appear verbatim in any export")


# -- saving -----------------------------------------------------------------------------


def _validate(kind: str, text: str) -> str:
    if kind not in KINDS:
        raise NoteError(f"unknown kind {kind!r} (expected note, quote or advice)",
                        field="kind")
    clean = clean_text(text)
    if not clean:
        raise NoteError("the note is empty", field="text")
    if len(clean) > MAX_TEXT:
        raise NoteError(f"the note is longer than {MAX_TEXT} characters", field="text")
    return clean


def save_note(store: Store, attribution: Attribution, kind: str, text: str,
              themes: Sequence[str] = (), participant_id: str | None = None, *,
              noted_at: str | None = None, record_id: str | None = None,
              clear_draft_slot: str | None = None) -> Record:
    """Commit one note durably (one transaction) and return the stored record.

    ``clear_draft_slot``: the draft it came from is cleared in the same transaction,
    so after a crash either the note or the draft is there, never neither.
    """
    clean = _validate(kind, text)
    check_participant(store, participant_id)
    fields = {
        "site": attribution.site,
        "workshop": int(attribution.workshop),
        "table_id": attribution.table_id,
        "table_name": attribution.table_name,
        "step_id": attribution.step_id,
        "use_case": attribution.use_case,
        "kind": kind,
        "text": clean,
        "themes": themes_json(themes),
        "participant_id": participant_id or None,
        "noted_at": canonical_time(noted_at) if noted_at else now_iso(),
        "starred": 0,
    }
    with store.transaction():
        record = store.create(TABLE, fields, record_id=record_id)
        if clear_draft_slot is not None:
            clear_draft(store, clear_draft_slot)
    return record


def edit_note(store: Store, note_id: str, changes: Mapping[str, Any]) -> Record:
    """Change a note (bumps its revision); only the fields a note-taker can change."""
    unknown = sorted(set(changes) - EDITABLE - {"deleted"})
    if unknown:
        raise NoteError(f"a note has no editable field {unknown[0]}", field=unknown[0])
    current = store.get(TABLE, note_id)
    if current is None:
        raise NoteError("no such note", field="id")
    update = dict(changes)
    kind = str(update.get("kind", current["kind"]))
    if "text" in update or "kind" in update:
        update["text"] = _validate(kind, str(update.get("text", current["text"])))
    if "themes" in update and not isinstance(update["themes"], str):
        update["themes"] = themes_json(update["themes"])
    if "participant_id" in update:
        update["participant_id"] = update["participant_id"] or None
        if update["participant_id"] != current["participant_id"]:
            check_participant(store, update["participant_id"])
    if "starred" in update:
        update["starred"] = 1 if update["starred"] else 0
    if all(current.get(k) == v for k, v in update.items()):
        return current
    return store.edit(TABLE, note_id, update)


def delete_note(store: Store, note_id: str) -> Record:
    return edit_note(store, note_id, {"deleted": 1})


def restore_note(store: Store, note_id: str) -> Record:
    """Undo a delete: the flag is an edit like any other."""
    return edit_note(store, note_id, {"deleted": 0})


def set_starred(store: Store, note_id: str, starred: bool) -> Record:
    return edit_note(store, note_id, {"starred": starred})


def get_note(store: Store, note_id: str) -> Record | None:
    return store.get(TABLE, note_id)


# -- drafts (local, never merged) -----------------------------------------------------


def save_draft(store: Store, slot: str, text: str, state: Mapping[str, Any] | None = None
               ) -> None:
    """Keep what is being typed; an empty text clears the draft."""
    if not text.strip():
        clear_draft(store, slot)
        return
    with store.transaction() as db:
        db.execute(
            f"INSERT INTO {DRAFTS_TABLE} (slot, text, state, saved_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(slot) DO UPDATE SET text = excluded.text, state = excluded.state, "
            "saved_at = excluded.saved_at",
            [slot, text, json.dumps(dict(state or {}), ensure_ascii=False), now_iso()])


def load_draft(store: Store, slot: str) -> Draft | None:
    row = store.db.execute(f"SELECT text, state, saved_at FROM {DRAFTS_TABLE} WHERE slot = ?",
                           [slot]).fetchone()
    if row is None or not str(row[0]).strip():
        return None
    try:
        state = json.loads(row[1] or "{}")
    except json.JSONDecodeError:
        state = {}
    return Draft(slot, str(row[0]), state if isinstance(state, dict) else {}, str(row[2]))


def clear_draft(store: Store, slot: str) -> None:
    with store.transaction() as db:
        db.execute(f"DELETE FROM {DRAFTS_TABLE} WHERE slot = ?", [slot])


# -- search -----------------------------------------------------------------------------


def fts_query(text: str) -> str:
    """A safe FTS5 query: every word typed, each as a prefix (so 'Caerd' finds Caerdydd)."""
    words = re.findall(r"\w+", text)
    return " ".join(f'"{w}"*' for w in words)


def search_notes(store: Store, wanted: NoteFilter) -> list[Record]:
    """Notes matching ``wanted``, newest first."""
    where: list[str] = []
    params: list[Any] = []
    if not wanted.include_deleted:
        where.append("n.deleted = 0")
    for column, value in (("site", wanted.site), ("workshop", wanted.workshop),
                          ("table_id", wanted.table_id), ("step_id", wanted.step_id),
                          ("use_case", wanted.use_case), ("kind", wanted.kind)):
        if value is not None:
            where.append(f"n.{column} = ?")
            params.append(value)
    if wanted.starred:
        where.append("n.starred = 1")
    if wanted.theme is not None:
        where.append("EXISTS (SELECT 1 FROM json_each(n.themes) WHERE value = ?)")
        params.append(wanted.theme)
    query = fts_query(wanted.text)
    if query:
        where.append(f"n.rowid IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)")
        params.append(query)
    elif wanted.text.strip():
        return []  # only punctuation typed: nothing can match a word
    sql = "SELECT n.* FROM notes n"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY n.noted_at DESC, n.created_at DESC, n.id"
    if wanted.limit is not None:
        sql += f" LIMIT {int(wanted.limit)}"
    return list(store.db.query(sql, params))


def rebuild_search_index(store: Store) -> None:
    """Rebuild the full-text index from the notes (it is local and derived)."""
    with store.transaction() as db:
        db.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def note_counts(store: Store, site: str, workshop: int) -> dict[str, int]:
    """Non-deleted notes per kind at a site's workshop."""
    rows = store.db.execute(
        "SELECT kind, COUNT(*) FROM notes WHERE site = ? AND workshop = ? AND deleted = 0 "
        "GROUP BY kind", [site, workshop]).fetchall()
    return {str(k): int(c) for k, c in rows}
