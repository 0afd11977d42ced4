"""Participants after the roster import: finding them, consent, withdrawal, erasure.

DESIGN §4: a withdrawn participant's quotes and ballots leave every later report and
export; erasure also blanks their demographic fields for good, keeping only the
anonymous tombstone (pseudonymous code, site). Both are sticky in every merge.
"""

from __future__ import annotations

from facilitator.core.errors import FacilitatorError
from facilitator.core.records import Record, natural_id
from facilitator.core.store import Store

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


def erase(store: Store, participant_id: str) -> Record:
    """Erase for good: withdrawn, demographics blanked, only the tombstone kept."""
    person = get(store, participant_id)
    if int(person["erased"]):
        return person
    return store.edit("participants", participant_id, {"withdrawn": 1, "erased": 1})


def set_quote_consent(store: Store, participant_id: str, consent: bool) -> Record:
    """Whether their words may appear verbatim in exports (they count either way)."""
    person = get(store, participant_id)
    if int(person["quote_consent"]) == int(consent):
        return person
    return store.edit("participants", participant_id, {"quote_consent": int(consent)})
