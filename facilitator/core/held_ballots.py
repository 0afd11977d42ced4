"""Ballots held for the facilitator: a second, different ballot for a code that has
already voted is never decided by whoever stands at the kiosk (or holds the phone).

The kiosk (and phone voting) call ``cast_or_hold``: a first ballot is counted at once;
a second, different one for the same code is held here, and the participant is told
that the facilitator will check it with them. The facilitator decides on the console:
``decide(..., replace=True)`` makes the held ballot the counted one (the earlier one
stays in the record as an older revision); ``replace=False`` drops it.

The queue lives in this laptop's local settings (never merged, survives a restart).
Every change is announced to the store's listeners as the table ``held_ballots``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from facilitator.core import ballots
from facilitator.core.errors import FacilitatorError
from facilitator.core.pack import SessionPack
from facilitator.core.records import Record, now_iso
from facilitator.core.store import Store

QUEUE_KEY = "held_ballots"
CHANGE = "held_ballots"  # the name listeners hear


class HeldBallotError(FacilitatorError):
    """The held ballot is gone (decided already) or cannot be counted now."""


@dataclass(frozen=True)
class HeldBallot:
    """A second ballot waiting for the facilitator's decision."""

    id: str
    site: str
    workshop: int
    participant_id: str
    code: str
    ranking: tuple[str, ...]
    source: str
    held_at: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "site": self.site, "workshop": self.workshop,
                "participant_id": self.participant_id, "code": self.code,
                "ranking": list(self.ranking), "source": self.source,
                "held_at": self.held_at}


def _load(store: Store) -> list[HeldBallot]:
    raw = store.get_json_setting(QUEUE_KEY, [])
    held: list[HeldBallot] = []
    for item in raw if isinstance(raw, list) else []:
        try:
            held.append(HeldBallot(str(item["id"]), str(item["site"]), int(item["workshop"]),
                                   str(item["participant_id"]), str(item["code"]),
                                   tuple(str(u) for u in item["ranking"]),
                                   str(item["source"]), str(item["held_at"])))
        except (KeyError, TypeError, ValueError):
            continue  # a damaged entry is dropped, never fatal
    return held


def _save(store: Store, held: Sequence[HeldBallot]) -> None:
    store.set_json_setting(QUEUE_KEY, [h.as_json() for h in held])
    store._touched(CHANGE)


def pending(store: Store, site: str | None = None,
            workshop: int | None = None) -> list[HeldBallot]:
    """Held ballots, oldest first (for one site and workshop if given)."""
    return [h for h in _load(store)
            if (site is None or h.site == site) and (workshop is None or h.workshop == workshop)]


def hold(store: Store, *, site: str, workshop: int, participant_id: str, code: str,
         ranking: Sequence[str], source: str) -> HeldBallot:
    """Put a ballot aside for the facilitator; a newer one for the same code and
    workshop takes the place of one already waiting."""
    ballot = HeldBallot(uuid.uuid4().hex, site, int(workshop), participant_id, code,
                        tuple(ranking), source, now_iso())
    with store.transaction("hold"):
        held = [h for h in _load(store)
                if not (h.participant_id == participant_id and h.workshop == ballot.workshop)]
        _save(store, [*held, ballot])
    return ballot


def cast_or_hold(store: Store, pack: SessionPack, *, site: str, workshop: int,
                 ranking: Sequence[str], participant_id: str | None, code: str = "",
                 source: str = "kiosk") -> Record | HeldBallot:
    """Count the ballot, or hold it when this code already has a different one."""
    try:
        return ballots.cast_ballot(store, pack, site=site, workshop=workshop, ranking=ranking,
                                   participant_id=participant_id, source=source)
    except ballots.DuplicateBallotError:
        assert participant_id is not None  # only a known code can have voted before
        return hold(store, site=site, workshop=workshop, participant_id=participant_id,
                    code=code or participant_id, ranking=ranking, source=source)


def decide(store: Store, pack: SessionPack, held_id: str, *, replace: bool) -> Record | None:
    """The facilitator's decision: count the held ballot instead of the earlier one
    (returns the counted record), or keep the earlier one (returns None)."""
    with store.transaction("decide"):
        held = _load(store)
        ballot = next((h for h in held if h.id == held_id), None)
        if ballot is None:
            raise HeldBallotError("this held ballot has already been decided")
        record: Record | None = None
        if replace:
            source = ballot.source if ballot.source in ballots.SOURCES else "kiosk"
            if source in ballots.LIVE_SOURCES and ballots.voting_state(store, ballot.site,
                                                          ballot.workshop) != "open":
                raise HeldBallotError(f"voting is closed for workshop {ballot.workshop}: "
                                      "open voting again to count this ballot",
                                      field="workshop")
            record = ballots.cast_ballot(store, pack, site=ballot.site,
                                         workshop=ballot.workshop, ranking=ballot.ranking,
                                         participant_id=ballot.participant_id,
                                         source=source, replace=True)
        _save(store, [h for h in held if h.id != held_id])
    return record
