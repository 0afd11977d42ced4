"""Ballots held for the facilitator: a second ballot from a code that has already voted.

Whoever holds a phone cannot replace a participant's ballot: the second, different
ballot (a ranking for the same workshop, or a different sheet of dots) waits here
until the facilitator accepts it (it replaces the first, which stays in the record
as an older revision) or keeps the first (the held one is dropped).

The queue is a local setting of this laptop (never merged, never exported): it holds
a participant id and their choices only until the facilitator decides.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from facilitator.core import advice, ballots
from facilitator.core.errors import FacilitatorError
from facilitator.core.pack import SessionPack
from facilitator.core.records import natural_id, now_iso
from facilitator.core.store import Store

HELD_KEY = "held_ballots"
BallotKind = Literal["ranking", "dots"]


class HeldBallotError(FacilitatorError):
    """A held ballot that is no longer waiting (already decided, or never held)."""


@dataclass(frozen=True)
class HeldBallot:
    """One ballot waiting for the facilitator. ``choice``: the ranking (use-case ids,
    most acceptable first) or the dots ({item id: dots})."""

    id: str
    kind: BallotKind
    site: str
    workshop: int
    participant_id: str
    code: str
    choice: tuple[str, ...] | Mapping[str, int]
    source: str
    received_at: str
    lang: str | None = None  # the language it was cast in (a kiosk's choice)

    def to_json(self) -> dict[str, Any]:
        choice: Any = (dict(self.choice) if isinstance(self.choice, Mapping)
                       else list(self.choice))
        return {"id": self.id, "kind": self.kind, "site": self.site,
                "workshop": self.workshop, "participant_id": self.participant_id,
                "code": self.code, "choice": choice, "source": self.source,
                "received_at": self.received_at, "lang": self.lang}


def _from_json(raw: Mapping[str, Any]) -> HeldBallot:
    kind: BallotKind = "dots" if raw.get("kind") == "dots" else "ranking"
    choice_raw = raw.get("choice")
    choice: tuple[str, ...] | dict[str, int]
    if kind == "ranking":
        choice = tuple(str(u) for u in (choice_raw or []))
    else:
        choice = {str(k): int(v) for k, v in dict(choice_raw or {}).items()}
    return HeldBallot(id=str(raw["id"]), kind=kind, site=str(raw["site"]),
                      workshop=int(raw.get("workshop") or 0),
                      participant_id=str(raw["participant_id"]), code=str(raw["code"]),
                      choice=choice, source=str(raw.get("source") or "phone"),
                      received_at=str(raw.get("received_at") or ""),
                      lang=raw.get("lang") if raw.get("lang") in ballots.LANGS else None)


def _load(store: Store) -> list[HeldBallot]:
    raw = store.get_setting(HELD_KEY)
    if not raw:
        return []
    try:
        rows = json.loads(raw)
    except json.JSONDecodeError:
        return []
    held = []
    for row in rows if isinstance(rows, list) else []:
        try:
            held.append(_from_json(row))
        except (KeyError, TypeError, ValueError):
            continue  # a damaged entry is dropped, not fatal
    return held


CHANGE = "held_ballots"  # what the store's listeners hear when the queue changes


def _save(store: Store, held: Sequence[HeldBallot]) -> None:
    store.set_setting(HELD_KEY, json.dumps([h.to_json() for h in held]))
    store._touched(CHANGE)  # the console's held-ballot list refreshes (kiosk or phone)


def held_id(token: str) -> str:
    """A held ballot's id from the one-time token it came with: sent twice, held once."""
    return natural_id("held_ballot", token)


def pending(store: Store, site: str | None = None) -> list[HeldBallot]:
    """Ballots waiting for the facilitator, oldest first (``site``: only that site's)."""
    return [h for h in _load(store) if site is None or h.site == site]


def hold(store: Store, *, record_id: str, kind: BallotKind, site: str, workshop: int,
         participant_id: str, code: str, choice: Sequence[str] | Mapping[str, int],
         source: str = "phone", lang: str | None = None) -> HeldBallot:
    """Put a ballot in the queue (the same id twice is held once). Committed.
    ``lang``: the language it was cast in, kept for when it is counted."""
    frozen: tuple[str, ...] | dict[str, int] = (
        tuple(str(u) for u in choice) if kind == "ranking"
        else {str(k): int(v) for k, v in dict(choice).items()})  # type: ignore[arg-type]
    ballot = HeldBallot(id=record_id, kind=kind, site=site, workshop=int(workshop),
                        participant_id=participant_id, code=code, choice=frozen,
                        source=source, received_at=now_iso(), lang=lang)
    with store.transaction(cause="held"):
        queue = _load(store)
        for existing in queue:
            if existing.id == record_id:
                return existing
        _save(store, [*queue, ballot])
    return ballot


def _take(store: Store, record_id: str) -> tuple[HeldBallot, list[HeldBallot]]:
    queue = _load(store)
    for ballot in queue:
        if ballot.id == record_id:
            return ballot, [h for h in queue if h.id != record_id]
    raise HeldBallotError("this ballot is no longer waiting for a decision", field="id")


def accept(store: Store, pack: SessionPack, record_id: str) -> HeldBallot:
    """The held ballot replaces the participant's earlier one (kept as an older revision)."""
    with store.transaction(cause="held"):
        ballot, rest = _take(store, record_id)
        if ballot.kind == "ranking":
            # The ballot arrived while voting was open: the decision may come later.
            closed = ballots.voting_state(store, ballot.site, ballot.workshop) != "open"
            if closed:
                ballots.set_voting(store, ballot.site, ballot.workshop, True)
            ballots.cast_ballot(store, pack, site=ballot.site, workshop=ballot.workshop,
                                ranking=list(ballot.choice),
                                participant_id=ballot.participant_id,
                                source=ballot.source, replace=True, lang=ballot.lang)
            if closed:
                ballots.set_voting(store, ballot.site, ballot.workshop, False)
        else:
            choice = ballot.choice
            assert isinstance(choice, Mapping)
            advice.cast_dots(store, pack, site=ballot.site, allocations=choice,
                             participant_id=ballot.participant_id, source=ballot.source,
                             replace=True, lang=ballot.lang)
        _save(store, rest)
    return ballot


def keep_earlier(store: Store, record_id: str) -> HeldBallot:
    """The earlier ballot stands; the held one is dropped."""
    with store.transaction(cause="held"):
        ballot, rest = _take(store, record_id)
        _save(store, rest)
    return ballot
