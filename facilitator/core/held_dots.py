"""Dot sheets held for the facilitator: a second, different sheet from a code that
has already put its dots (from a phone), never decided by whoever holds the phone.

The dots' twin of ``core.held_ballots`` (which holds second rankings): the sheet waits
here until the facilitator counts it instead of the earlier one (which stays in the
record, marked deleted, as any replaced sheet) or keeps the earlier one.

The queue is a local setting of this laptop (never merged, never exported): it holds a
participant id and their dots only until the facilitator decides. Every change is
announced to the store's listeners as the table ``held_dot_sheets``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from facilitator.core import advice
from facilitator.core.errors import FacilitatorError
from facilitator.core.pack import SessionPack
from facilitator.core.records import natural_id, now_iso
from facilitator.core.store import Store

QUEUE_KEY = "held_dot_sheets"
CHANGE = "held_dot_sheets"  # the name listeners hear


class HeldSheetError(FacilitatorError):
    """The held sheet is no longer waiting (decided already)."""


@dataclass(frozen=True)
class HeldSheet:
    """A second sheet of dots waiting for the facilitator's decision."""

    id: str
    site: str
    participant_id: str
    code: str
    dots: Mapping[str, int]
    source: str
    held_at: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "site": self.site, "participant_id": self.participant_id,
                "code": self.code, "dots": dict(self.dots), "source": self.source,
                "held_at": self.held_at}


def _load(store: Store) -> list[HeldSheet]:
    raw = store.get_json_setting(QUEUE_KEY, [])
    held: list[HeldSheet] = []
    for item in raw if isinstance(raw, list) else []:
        try:
            held.append(HeldSheet(str(item["id"]), str(item["site"]),
                                  str(item["participant_id"]), str(item["code"]),
                                  {str(k): int(v) for k, v in dict(item["dots"]).items()},
                                  str(item["source"]), str(item["held_at"])))
        except (KeyError, TypeError, ValueError):
            continue  # a damaged entry is dropped, never fatal
    return held


def _save(store: Store, held: Sequence[HeldSheet]) -> None:
    store.set_json_setting(QUEUE_KEY, [h.as_json() for h in held])
    store._touched(CHANGE)


def held_id(token: str) -> str:
    """A held sheet's id from the phone's one-time token: sent twice, held once."""
    return natural_id("held_dot_sheet", token)


def pending(store: Store, site: str | None = None) -> list[HeldSheet]:
    """Held sheets, oldest first (``site``: only that site's)."""
    return [h for h in _load(store) if site is None or h.site == site]


def hold(store: Store, *, record_id: str, site: str, participant_id: str, code: str,
         dots: Mapping[str, int], source: str = "phone") -> HeldSheet:
    """Put a sheet aside; a newer one from the same participant takes the place of one
    already waiting. The same id twice is held once."""
    sheet = HeldSheet(record_id, site, participant_id, code,
                      {str(k): int(v) for k, v in dots.items()}, source, now_iso())
    with store.transaction("hold"):
        queue = _load(store)
        for existing in queue:
            if existing.id == record_id:
                return existing
        _save(store, [*[h for h in queue if h.participant_id != participant_id], sheet])
    return sheet


def decide(store: Store, pack: SessionPack, record_id: str, *, replace: bool) -> HeldSheet:
    """Count the held sheet instead of the earlier one, or keep the earlier one."""
    with store.transaction("decide"):
        queue = _load(store)
        sheet = next((h for h in queue if h.id == record_id), None)
        if sheet is None:
            raise HeldSheetError("this held sheet has already been decided", field="id")
        if replace:
            advice.cast_dots(store, pack, site=sheet.site, allocations=sheet.dots,
                             participant_id=sheet.participant_id, source=sheet.source,
                             replace=True)
        _save(store, [h for h in queue if h.id != record_id])
    return sheet
