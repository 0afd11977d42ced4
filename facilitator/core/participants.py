"""Participants after the roster import: finding them, consent, withdrawal, erasure.

DESIGN §4: a withdrawn participant's quotes and ballots leave every later report and
export; erasure also blanks their demographic fields for good, keeping only the
anonymous tombstone (pseudonymous code, site). Both are sticky in every merge.
"""

from __future__ import annotations

from datetime import datetime

from facilitator.core.errors import FacilitatorError
from facilitator.core.records import CANONICAL_FORMAT, Record, natural_id, now_iso
from facilitator.core.schema.privacy import CONSENT_LOG_TABLE
from facilitator.core.store import Store

SCRUB_PENDING_KEY = "scrub_pending"

SEARCH_LIMIT = 50


class ParticipantError(FacilitatorError):
    """A participant that is not on the roster, or a change that cannot be made."""


def get(store: Store, participant_id: str) -> Record:
    """The participant, or ParticipantError when not on the roster."""
    person = store.get("participants", participant_id)
    if person is None or int(person["deleted"]):
        raise ParticipantError("this participant is not on the roster", field="participant")
    return person


def by_code(store: Store, site: str, code: str) -> Record | None:
    """The participant of ``site`` with exactly this code (any case), or None.

    Looked up by the id the code derives (docs/record-laws.md, "Natural keys"), so
    no search limit can hide them. Withdrawn and erased participants are returned:
    callers say why they cannot take part.
    """
    person = store.get("participants", natural_id("participant", site, code))
    return None if person is None or int(person["deleted"]) else person


def find(store: Store, site: str, text: str, limit: int = SEARCH_LIMIT) -> list[Record]:
    """Participants of ``site`` whose code starts with ``text`` (any case), then those
    whose code merely contains it ("07" finds CDF-07); not withdrawn first."""
    needle = text.strip().casefold()
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = store.db.execute(
        """
        SELECT *, CASE WHEN lower(code) LIKE ? ESCAPE '\\' THEN 0 ELSE 1 END AS _rank
        FROM participants
        WHERE site = ? AND deleted = 0 AND lower(code) LIKE ? ESCAPE '\\'
        ORDER BY (withdrawn OR erased), _rank, code COLLATE NOCASE
        LIMIT ?
        """,
        [f"{escaped}%", site, f"%{escaped}%", limit],
    )
    columns = [d[0] for d in rows.description]
    found = []
    for row in rows.fetchall():
        record = dict(zip(columns, row, strict=True))
        record.pop("_rank")
        found.append(record)
    return found


def withdraw(store: Store, participant_id: str) -> Record:
    """Mark withdrawn: their ballots and quotes stop counting. Cannot be undone."""
    person = get(store, participant_id)
    if int(person["withdrawn"]):
        return person
    return store.edit("participants", participant_id, {"withdrawn": 1})


# What a window waits for a reader before erasing: it never stalls; the next start
# finishes the scrub (``erase``).
WINDOW_WAIT_S = 0.5


def erase(store: Store, participant_id: str, *, wait: float = 10.0) -> Record:
    """Erase for good: withdrawn, demographics blanked, the words of every note, quote
    and advice attributed to them made tombstones (a trigger of schema 9, so it holds in
    every merge order), in this database and its snapshots; only the tombstone kept.

    The database is then scrubbed (``scrub``): the full-text index rebuilt, the WAL
    checkpointed and emptied, so no byte of what was erased stays in the file, its
    -wal or a snapshot (docs/record-laws.md, "Erasure"). ``wait``: how long to wait
    for a reader holding an old snapshot (the app passes a short wait, so its window
    never stalls; the next start finishes the job).
    """
    person = get(store, participant_id)
    if not int(person["erased"]):
        person = store.edit("participants", participant_id, {"withdrawn": 1, "erased": 1})
    scrub(store, wait=wait)
    from facilitator.core.backup import clean_private_temp, erase_in_snapshots

    erase_in_snapshots(store, [participant_id])
    clean_private_temp(store.path)  # copies a killed merge left behind
    return store.get("participants", participant_id) or person


def erase_words_of_erased(store: Store) -> int:
    """Make a tombstone of every note attributed to an erased participant that still
    has words (one that arrived after the erasure, from a laptop that did not know),
    and drop its kept versions. Returns how many notes changed. Call inside the
    transaction that brought them (the merge does)."""
    rows = [str(r[0]) for r in store.db.execute(
        "SELECT id FROM notes WHERE participant_id IN (SELECT id FROM participants "
        "WHERE erased = 1) AND (erased = 0 OR text != '')")]
    if not rows:
        return 0
    marks = ", ".join("?" for _ in rows)
    store.db.execute(f"UPDATE notes SET erased = 1, text = '' WHERE id IN ({marks})", rows)
    store.db.execute(f"DELETE FROM conflicts WHERE table_name = 'notes' AND record_id IN "
                     f"({marks})", rows)
    # The words are still in the full-text index's segments and the WAL: scrub after.
    store.set_setting(SCRUB_PENDING_KEY, "1")
    return len(rows)


def scrub(store: Store, *, wait: float = 10.0) -> bool:
    """After an erasure: rebuild the full-text index (its old segments held the words),
    then copy the WAL into the file and empty it. Freed pages are zeroed
    (``secure_delete``). A reader holding an old snapshot keeps the WAL alive: this
    waits up to ``wait`` seconds for it, and otherwise leaves ``scrub_pending`` set so
    the next start (``Store`` opening the file) finishes the job. Returns True when done."""
    db = store.db
    with store.transaction():
        if db["notes_fts"].exists():
            db.execute("INSERT INTO notes_fts(notes_fts) VALUES ('rebuild')")
        store.set_setting(SCRUB_PENDING_KEY, "1")
    done = checkpoint(store, wait=wait)
    if done:
        with store.transaction():
            db.execute("DELETE FROM settings WHERE key = ?", [SCRUB_PENDING_KEY])
        checkpoint(store, wait=wait)
    return done


def checkpoint(store: Store, *, wait: float = 10.0) -> bool:
    """``PRAGMA wal_checkpoint(TRUNCATE)``, retried while readers finish (up to
    ``wait`` seconds). True when the WAL was emptied."""
    import sqlite3
    import time

    deadline = time.monotonic() + wait
    while True:
        try:
            row = store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.OperationalError:
            row = (1, -1, -1)
        if row is not None and int(row[0]) == 0:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def finish_pending_scrub(store: Store) -> bool:
    """At start (and after a merge): finish a scrub a busy reader held up."""
    if store.get_setting(SCRUB_PENDING_KEY) != "1":
        return True
    return scrub(store, wait=1.0)


# -- consent (DESIGN §4; docs/record-laws.md, "Consent") ---------------------------------


def consent_given(person: Record) -> bool:
    """Effective quote consent: no refusal, or a grant later than the refusal."""
    refused, granted = person.get("consent_refused_at"), person.get("consent_granted_at")
    return refused is None or (granted is not None and str(granted) > str(refused))


def _after(stamp: object) -> str:
    """Now, or just after ``stamp`` if this laptop's clock is behind it, so a decision
    made after seeing an earlier one is later than it whatever the clocks say."""
    from datetime import timedelta

    now = now_iso()
    if stamp is None:
        return now
    bumped = (datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
              + timedelta(microseconds=1)).strftime(CANONICAL_FORMAT)
    return max(now, bumped)


def set_consent(store: Store, participant_id: str, grant: bool) -> Record:
    """A deliberate consent decision (the app's participants screen, or
    ``facilitator participants consent CODE --grant|--refuse``), recorded with the
    laptop and time in ``consent_log``. A grant is dated after any refusal seen, a
    refusal after any grant; both merge as the latest of each (never undone by an
    older "yes", never beaten by an older "no"). Every decision is recorded, even one
    that agrees with what this laptop knows: another laptop may know otherwise."""
    person = get(store, participant_id)
    if int(person["erased"]) or int(person["withdrawn"]):
        raise ParticipantError(f"{person['code']} has withdrawn: there is nothing to "
                               "consent to", field="participant")
    column = "consent_granted_at" if grant else "consent_refused_at"
    other = person.get("consent_refused_at" if grant else "consent_granted_at")
    stamp = _after(other)
    with store.transaction():
        updated = store.edit("participants", participant_id, {column: stamp})
        label = store.get("devices", store.device_id)
        store.create(CONSENT_LOG_TABLE, {
            "participant_id": participant_id, "site": str(person["site"]),
            "decision": "grant" if grant else "refuse", "decided_at": stamp,
            "laptop": str(label["label"]) if label and label.get("label") else ""})
    return store.get("participants", participant_id) or updated


def set_quote_consent(store: Store, participant_id: str, consent: bool) -> Record:
    """Whether their words may appear verbatim in exports (they count either way):
    ``set_consent`` under its old name."""
    return set_consent(store, participant_id, consent)


def consent_history(store: Store, participant_id: str) -> list[Record]:
    """The recorded decisions for a participant, oldest first."""
    return store.rows(CONSENT_LOG_TABLE, "participant_id = ? AND deleted = 0",
                      [participant_id], order_by="decided_at, id")
