"""Schema for privacy that holds (issue 15): consent that sticks, erasure of words.

- ``participants`` gains ``consent_refused_at`` and ``consent_granted_at`` (canonical
  UTC times, NULL when never). Both merge as the MAXIMUM over every version seen
  (``TableSpec.latest``), so no import, re-import or merge order undoes a refusal, and
  a deliberate grant made after it is not beaten by an older "no". ``quote_consent``
  stays, derived by a trigger (``TableSpec.derived``): 1 when there is no refusal or
  the grant is later than the refusal, else 0 — so every reader of ``quote_consent``
  sees the effective consent. A version from before this schema that says
  ``quote_consent`` 0 without a refusal time is read as a refusal dated when it was
  made (here, in ``Store.normalise_version`` and on a migrated copy).
- ``notes`` gains ``erased``: sticky, and the erase flag of notes (their ``text``
  becomes ''). A trigger erases every note attributed to a participant when the
  participant is erased (however that arrives: an edit, a merge, a new tombstone)
  and drops the notes' kept versions from ``conflicts``; a note about an erased
  participant that arrives later from another laptop is erased by the merge in the
  same transaction (``participants.erase_words_of_erased``). No trigger writes
  ``notes`` from a ``notes`` trigger: that would race the full-text index's own.
- ``consent_log``: who made each deliberate consent decision and when (the laptop's
  id and label), one merged record per decision.

docs/record-laws.md states the laws; tests/test_consent_law.py and
tests/test_erasure.py hold them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from facilitator.core.records import TableSpec

if TYPE_CHECKING:
    import sqlite_utils

CONSENT_LOG_TABLE = "consent_log"
CONSENT_COLUMNS = ("consent_refused_at", "consent_granted_at")

# Effective consent from the two times: canonical UTC text compares as instants.
CONSENT_SQL = ("CASE WHEN consent_refused_at IS NULL OR (consent_granted_at IS NOT NULL "
               "AND consent_granted_at > consent_refused_at) THEN 1 ELSE 0 END")


def _participants_spec() -> TableSpec:
    from facilitator.core.migrations import ERASED_VALUES

    return TableSpec("participants", natural_key=("participant", "site", "code"),
                     sticky=("withdrawn", "erased"), erase_flag="erased",
                     erased_values=ERASED_VALUES, time_columns=CONSENT_COLUMNS,
                     latest=CONSENT_COLUMNS, derived=("quote_consent",))


NOTES_SPEC = TableSpec("notes", time_columns=("noted_at",), sticky=("erased",),
                       erase_flag="erased", erased_values={"text": ""})


def tables() -> tuple[TableSpec, ...]:
    return (_participants_spec(), NOTES_SPEC,
            TableSpec(CONSENT_LOG_TABLE, time_columns=("decided_at",)))


_ERASE_WORDS = """
    UPDATE notes SET erased = 1, text = '' WHERE participant_id = new.id
        AND (erased = 0 OR text != '');
    DELETE FROM conflicts WHERE table_name = 'notes' AND record_id IN
        (SELECT id FROM notes WHERE participant_id = new.id);
"""
_NEW_CONSENT = CONSENT_SQL.replace("consent_", "new.consent_")
# sqlite-utils turns recursive triggers on: each trigger's WHEN is false once its own
# body has run, so none fires itself again.
_CONSENT_WHEN = (f"(new.quote_consent = 0 AND new.consent_refused_at IS NULL AND "
                 f"new.consent_granted_at IS NULL) OR new.quote_consent IS NOT "
                 f"({_NEW_CONSENT})")
_CONSENT = f"""
    UPDATE participants SET consent_refused_at = updated_at WHERE id = new.id
        AND new.quote_consent = 0 AND new.consent_refused_at IS NULL
        AND new.consent_granted_at IS NULL;
    UPDATE participants SET quote_consent = {CONSENT_SQL} WHERE id = new.id;
"""


def apply(db: sqlite_utils.Database) -> None:
    # Imported here: migrations.py imports this module while it is being defined.
    from facilitator.core.migrations import RECORD_ENVELOPE_SQL

    statements = [
        "ALTER TABLE participants ADD COLUMN consent_refused_at TEXT",
        "ALTER TABLE participants ADD COLUMN consent_granted_at TEXT",
        "ALTER TABLE notes ADD COLUMN erased INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX notes_participant ON notes(participant_id)",
        f"""CREATE TABLE {CONSENT_LOG_TABLE} (
            {RECORD_ENVELOPE_SQL},
            participant_id TEXT NOT NULL,
            site TEXT NOT NULL DEFAULT '',
            decision TEXT NOT NULL CHECK (decision IN ('grant', 'refuse')),
            decided_at TEXT NOT NULL,
            laptop TEXT NOT NULL DEFAULT ''
        )""",
        f"CREATE INDEX consent_log_participant ON {CONSENT_LOG_TABLE}(participant_id)",
        # A refusal recorded the old way becomes a dated refusal.
        "UPDATE participants SET consent_refused_at = updated_at WHERE quote_consent = 0",
        f"""CREATE TRIGGER participants_consent_insert AFTER INSERT ON participants
            WHEN {_CONSENT_WHEN} BEGIN {_CONSENT} END""",
        f"""CREATE TRIGGER participants_consent_update AFTER UPDATE OF quote_consent,
            consent_refused_at, consent_granted_at ON participants
            WHEN {_CONSENT_WHEN} BEGIN {_CONSENT} END""",
        f"""CREATE TRIGGER participants_erase_words AFTER UPDATE OF erased ON participants
            WHEN new.erased = 1 BEGIN {_ERASE_WORDS} END""",
        f"""CREATE TRIGGER participants_erase_words_insert AFTER INSERT ON participants
            WHEN new.erased = 1 BEGIN {_ERASE_WORDS} END""",
        # Words of participants erased before this schema leave now.
        "UPDATE notes SET erased = 1, text = '' WHERE participant_id IN "
        "(SELECT id FROM participants WHERE erased = 1)",
    ]
    for statement in statements:
        db.execute(statement)
