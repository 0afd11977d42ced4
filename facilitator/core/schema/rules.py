"""What every column of every merged table may hold: one declaration, checked on every path.

Every incoming version — a database file's row, a bundle's line, a PDF's attachment,
a kept version in ``conflicts`` — is checked against these rules before anything is
applied (``core/merge.py`` turns them into SQL over the attached or staged rows; see
docs/record-laws.md, "Validation"). A rule gives a column's type, whether it may be
NULL, its size or range, its allowed values and, for a JSON column, its shape.

The rules sit beside the table specs and cover every column of every merged table:
``missing_rules`` lists any column without one, a test fails on it, and the merge
refuses to run with a column it has no rule for. A new column therefore cannot be
forgotten: declare its rule here in the same change that adds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

# The same limits the app enforces at entry (core/notes.py MAX_TEXT for a note).
MAX_NOTE_TEXT = 20_000
MAX_WORD = 200  # a code, label, name, id or category
MAX_ID = 200
MAX_REVISION = 2**62  # far beyond any edit count; leaves room to add one in 64 bits
MAX_JSON_ITEMS = 500

Kind = Literal["text", "int", "real", "time", "json"]
Shape = Literal["strings", "ranking"]


@dataclass(frozen=True)
class Rule:
    """One column's rule. ``kind``: text, int, real, time (a canonical instant) or json
    (text holding JSON of ``shape``: ``strings`` a list of words, ``ranking`` a list
    of distinct words)."""

    kind: Kind
    nullable: bool = False
    max_len: int = MAX_WORD
    min: int | float | None = None
    max: int | float | None = None
    choices: tuple[str, ...] = ()
    nonempty: bool = False
    shape: Shape | None = None
    max_items: int = MAX_JSON_ITEMS


def text(max_len: int = MAX_WORD, *, nullable: bool = False, nonempty: bool = False,
         choices: tuple[str, ...] = ()) -> Rule:
    return Rule("text", nullable=nullable, max_len=max_len, nonempty=nonempty,
                choices=choices)


def integer(lo: int, hi: int, *, nullable: bool = False) -> Rule:
    return Rule("int", nullable=nullable, min=lo, max=hi)


def real(lo: float, hi: float, *, nullable: bool = False) -> Rule:
    return Rule("real", nullable=nullable, min=lo, max=hi)


def time(*, nullable: bool = False) -> Rule:
    return Rule("time", nullable=nullable, max_len=64)


def words(*, shape: Shape = "strings", max_items: int = MAX_JSON_ITEMS) -> Rule:
    return Rule("json", max_len=MAX_JSON_ITEMS * (MAX_WORD + 4), shape=shape,
                max_items=max_items)


FLAG = integer(0, 1)
ID = text(MAX_ID, nonempty=True)
OPTIONAL_ID = text(MAX_ID, nullable=True)
SITE = text(MAX_WORD)
WORKSHOP = integer(0, 1000)

ENVELOPE: Mapping[str, Rule] = {
    "id": ID,
    "origin_site": SITE,
    "origin_device": text(MAX_ID),
    "device_id": ID,
    "created_at": time(),
    "updated_at": time(),
    "revision": integer(0, MAX_REVISION),
    "deleted": FLAG,
    "rehearsal": FLAG,
}

DEMOGRAPHIC = text(MAX_WORD)
LANG = text(16, nullable=True)  # the language a ballot or dot was cast in (cy, en)

TABLE_RULES: Mapping[str, Mapping[str, Rule]] = {
    "participants": {
        "site": text(nonempty=True), "code": text(nonempty=True),
        "gender": DEMOGRAPHIC, "age_band": DEMOGRAPHIC, "ethnicity": DEMOGRAPHIC,
        "area": DEMOGRAPHIC, "seg": DEMOGRAPHIC, "lgbtqia": DEMOGRAPHIC,
        "trust_police": DEMOGRAPHIC, "ai_opinion": DEMOGRAPHIC,
        "quote_consent": FLAG, "withdrawn": FLAG, "erased": FLAG,
        "consent_refused_at": time(nullable=True),
        "consent_granted_at": time(nullable=True),
    },
    "venue_tables": {
        "site": text(nonempty=True), "name": text(nonempty=True),
        "position": integer(-(10**6), 10**6),
    },
    "notes": {
        "site": text(nonempty=True), "workshop": WORKSHOP, "table_id": OPTIONAL_ID,
        "step_id": OPTIONAL_ID, "use_case": OPTIONAL_ID,
        "kind": text(choices=("note", "quote", "advice")),
        "text": text(MAX_NOTE_TEXT), "themes": words(),
        "participant_id": OPTIONAL_ID, "noted_at": time(), "starred": FLAG,
        "table_name": text(nullable=True), "erased": FLAG,
    },
    "step_events": {
        "site": text(), "workshop": WORKSHOP, "step_id": text(MAX_ID),
        "event": text(), "at": time(), "seconds": real(-1e9, 1e9),
        "seq": integer(0, MAX_REVISION),
    },
    "video_plays": {
        "site": text(), "workshop": WORKSHOP, "step_id": OPTIONAL_ID,
        "video_id": text(MAX_ID), "started_at": time(), "ended_at": time(nullable=True),
        "completed": FLAG, "stopped_at_seconds": real(-1e9, 1e9, nullable=True),
    },
    "devices": {"label": text(), "site": text(), "table_id": OPTIONAL_ID},
    "themes_custom": {"use_case": text(MAX_ID), "label": text(nonempty=True)},
    "ballots": {
        "site": text(nonempty=True), "workshop": WORKSHOP, "participant_id": OPTIONAL_ID,
        "ranking": words(shape="ranking", max_items=50), "source": text(50),
        "entry": text(choices=("single", "double", "first", "second")),
        "sheet": text(nullable=True), "cast_at": time(), "lang": LANG,
    },
    "attendance": {
        "participant_id": ID, "site": text(nonempty=True), "workshop": WORKSHOP,
        "attended": FLAG,
    },
    "value_maps": {"variable": text(nonempty=True), "value": text(), "category": text()},
    "privacy_confirmations": {
        "note_id": ID, "matched": text(nonempty=True), "hit_kind": text(50),
        "site": text(), "note_revision": integer(0, MAX_REVISION),
    },
    "advice_combinations": {
        "site": text(), "text": text(MAX_NOTE_TEXT), "theme": text(MAX_ID),
        "combined_from": words(),
    },
    "priorities": {
        "site": text(nonempty=True), "participant_id": OPTIONAL_ID, "item_id": ID,
        "dots": integer(0, 1000),
        "source": text(choices=("kiosk", "paper", "import", "phone")),
        "sheet": text(nonempty=True), "cast_at": time(), "lang": LANG,
    },
    "consent_log": {
        "participant_id": ID, "site": text(), "decision": text(choices=("grant", "refuse")),
        "decided_at": time(), "laptop": text(),
    },
}


def rules_for(table: str) -> dict[str, Rule]:
    """Every rule of ``table``: the envelope's and its own."""
    return {**ENVELOPE, **TABLE_RULES.get(table, {})}


def missing_rules(table: str, columns: Iterable[str]) -> list[str]:
    """The columns of ``table`` that have no rule (must be none)."""
    known = rules_for(table)
    return [c for c in columns if c not in known]
