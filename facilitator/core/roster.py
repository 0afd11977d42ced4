"""Participants: the recruiter's roster, imported all-or-nothing.

Participant ids derive from (site, code), so the same person imported on two
laptops is one record. The screener's wording maps onto the pack's categories
("Male" → man, "55+" → 55-64, "Small town/Suburban" → suburban, a 1–5 score or
"Very positive" → its band), ignoring case and punctuation. A value no spelling
rule knows can be mapped by the user (``--map``, or the app's question); the
answer is remembered in ``value_maps`` for the next import.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from facilitator.core.csvread import read_csv, site_column
from facilitator.core.errors import (
    CsvImportError,
    ImportReport,
    Progress,
    RowProblem,
    SessionPackError,
)
from facilitator.core.pack import NOT_RECORDED, ROSTER_VARIABLES, SessionPack, Variable
from facilitator.core.records import Record, natural_id
from facilitator.core.store import Store

ROSTER_COLUMNS = ("code", "site", *ROSTER_VARIABLES, "quote_consent")
REQUIRED_COLUMNS = ("code", "site")
_NOT_RECORDED_SPELLINGS = {"", "not recorded", "not known", "unknown", "n a", "na",
                           "prefer not to say", "prefer not to answer", "rather not say",
                           "not stated", "not given", "none given", "missing"}
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def participant_id(site_id: str, code: str) -> str:
    return natural_id("participant", site_id, code)


# value maps: (variable id, loose value) -> category
ValueMaps = Mapping[tuple[str, str], str]
# A roster's "no" is the answer given at recruitment, older than anything decided in the
# app: its refusal is dated at the epoch, so a deliberate grant (dated now) outranks it
# on every laptop, and two laptops importing the same roster record the same refusal.
ROSTER_REFUSAL_AT = "1970-01-01T00:00:00.000000Z"

_LOOSE_DROP = re.compile(r"[^\w+]+")
_LEADING_SCORE = re.compile(r"^(\d+)(?: (.*))?$")


@functools.lru_cache(maxsize=8192)
def loose(raw: str) -> str:
    """A value as compared: case, punctuation and spacing ignored.

    "Small town/Suburban" → "small town suburban", "65 +" → "65+", "Don't know" →
    "don t know"; letters such as ŵ are kept.
    """
    text = _LOOSE_DROP.sub(" ", raw.casefold().replace("_", " ")).strip()
    return re.sub(r"\s+\+", "+", text)


def normalise(variable: Variable, raw: str, value_maps: ValueMaps | None = None) -> str | None:
    """The category a typed value means, or None if it matches nothing."""
    key = loose(raw)
    if key in _NOT_RECORDED_SPELLINGS or not key:
        return NOT_RECORDED
    for category in variable.categories:
        if key == loose(category):
            return category
    # The user's own answer beats a spelling rule: their recruiter's "Town" may be urban.
    if value_maps and (variable.id, key) in value_maps:
        return value_maps[(variable.id, key)]
    for alias, target in variable.aliases.items():
        if key == loose(alias):
            return target
    if variable.scores:
        # "4", or the screener's "4 - Fairly high": the score decides.
        match = _LEADING_SCORE.match(key)
        if match and int(match.group(1)) in variable.scores:
            category = variable.scores[int(match.group(1))]
            rest = match.group(2)
            if rest is None or normalise(variable, rest) in (category, None):
                return category
            return None
    return None


def category_named(variable: Variable, text: str) -> str | None:
    """The pack category (or 'not recorded') ``text`` names, or None."""
    key = loose(text)
    for category in (*variable.categories, NOT_RECORDED):
        if key == loose(category):
            return category
    return None


@dataclass(frozen=True)
class UnknownValue:
    """A roster value no spelling rule knows: ask once which category it means."""

    variable: str
    value: str  # as first typed in the file
    lines: tuple[int, ...]

    @property
    def rows(self) -> int:
        return len(self.lines)

    @property
    def key(self) -> tuple[str, str]:
        return (self.variable, loose(self.value))


def stored_value_maps(store: Store) -> dict[tuple[str, str], str]:
    """The answers given at earlier imports, remembered in ``value_maps``."""
    rows = store.db.execute(
        "SELECT variable, value, category FROM value_maps WHERE deleted = 0").fetchall()
    return {(str(v), loose(str(value))): str(c) for v, value, c in rows}


def check_mappings(pack: SessionPack,
                   mappings: Mapping[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """Mappings {(variable, value): category} in stored form, or FacilitatorError."""
    checked: dict[tuple[str, str], str] = {}
    for (variable_id, value), category_text in mappings.items():
        try:
            variable = pack.variable(variable_id.strip())
        except SessionPackError as exc:
            raise SessionPackError(
                f"cannot map a value of {variable_id!r}: not a roster variable "
                f"(expected one of: {', '.join(v.id for v in pack.variables)})",
                field=variable_id) from exc
        category = category_named(variable, category_text)
        if category is None:
            raise SessionPackError(
                f"cannot map {value!r} to {category_text!r}: {variable.id} has "
                f"{_describe(variable)}", field=variable.id)
        if not loose(value):
            raise SessionPackError("cannot map an empty value: blank is already "
                                   f"{NOT_RECORDED!r}", field=variable.id)
        checked[(variable.id, loose(value))] = category
    return checked


def remember_value_map(store: Store, variable: str, value: str, category: str) -> Record:
    """Keep an answer for the next import (a merged record, one per variable and value)."""
    key = loose(value)
    record_id = natural_id("value_map", variable, key)
    with store.transaction():
        current = store.get("value_maps", record_id)
        if current is None:
            return store.create("value_maps", {"variable": variable, "value": key,
                                               "category": category}, record_id=record_id)
        if current["category"] == category and not int(current["deleted"]):
            return current
        return store.edit("value_maps", record_id, {"category": category, "deleted": 0})


def unknown_values(store: Store, pack: SessionPack, path: str | Path,
                   mappings: Mapping[tuple[str, str], str] | None = None) -> list[UnknownValue]:
    """The distinct values of a roster no rule, remembered answer or ``mappings``
    knows, with the lines they are on: the questions to ask before importing."""
    table = read_csv(path, ROSTER_COLUMNS, REQUIRED_COLUMNS)
    maps = {**stored_value_maps(store), **check_mappings(pack, mappings or {})}
    found: dict[tuple[str, str], tuple[str, list[int]]] = {}
    for row in table.rows:
        for variable in pack.variables:
            raw = row.values.get(variable.id, "")
            if normalise(variable, raw, maps) is None:
                entry = found.setdefault((variable.id, loose(raw)), (" ".join(raw.split()), []))
                entry[1].append(row.line)
    return [UnknownValue(variable, value, tuple(lines))
            for (variable, _key), (value, lines) in found.items()]


def _describe(variable: Variable) -> str:
    allowed = ", ".join(variable.categories)
    if variable.scores:
        allowed += f", or a score {min(variable.scores)}–{max(variable.scores)}"
    return allowed + f", or {NOT_RECORDED}"


_PERSONAL_HINTS = ("name", "mail", "phone", "mobile", "address", "postcode", "contact")


def _extra_column_warning(file: Path, column: str) -> str:
    if any(hint in column for hint in _PERSONAL_HINTS):
        return (f"{file}: column {column!r} was ignored: Facilitator keeps participants "
                f"as pseudonymous codes only and never stores names or contact details")
    return f"{file}: column {column!r} is not used and was ignored"


def parse_roster(pack: SessionPack, path: str | Path,
                 value_maps: ValueMaps | None = None) -> tuple[list[Record], list[str]]:
    """Validate a roster CSV; return participant field dicts and warnings.

    ``value_maps`` ((variable, loose value) → category) answer values no rule knows.
    Raises CsvImportError listing every bad row; nothing is written.
    """
    table = read_csv(path, ROSTER_COLUMNS, REQUIRED_COLUMNS)
    warnings = [_extra_column_warning(table.file, c) for c in table.extra_columns]
    absent = [v for v in ROSTER_VARIABLES if v not in table.header]
    if absent:
        warnings.append(f"{table.file}: no column for {', '.join(absent)}; "
                        f"recorded as '{NOT_RECORDED}'")
    problems: list[RowProblem] = []
    participants: list[Record] = []
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        values = row.values
        fields: dict[str, Any] = {}
        row_ok = True
        code = values.get("code", "")
        if not code:
            problems.append(RowProblem(row.line, "is required", "code"))
            row_ok = False
        elif len(code) > 40:
            problems.append(RowProblem(row.line, "is too long for a pseudonymous code "
                                                 "(40 characters at most)", "code"))
            row_ok = False
        site_id, site_problem = site_column(pack, row)
        if site_problem is not None:
            problems.append(site_problem)
            row_ok = False
        for variable in pack.variables:
            raw = values.get(variable.id, "")
            category = normalise(variable, raw, value_maps)
            if category is None:
                problems.append(RowProblem(
                    row.line, f"unknown value {raw!r} (expected {_describe(variable)}, "
                              f"or say which it means)", variable.id))
                row_ok = False
            else:
                fields[variable.id] = category
        consent = values.get("quote_consent", "").casefold()
        if consent in _YES or consent == "":
            fields["quote_consent"] = 1
        elif consent in _NO:
            fields["quote_consent"] = 0
        else:
            problems.append(RowProblem(row.line, f"unknown value {consent!r} (expected yes "
                                                 f"or no; blank means yes)", "quote_consent"))
            row_ok = False
        if code and site_id:
            key = (site_id, code.casefold())
            if key in seen:
                problems.append(RowProblem(row.line, f"code {code!r} appears twice for "
                                                     f"{pack.site(site_id).name} (also on line "
                                                     f"{seen[key]})", "code"))
                row_ok = False
            else:
                seen[key] = row.line
        if row_ok:
            participants.append({"site": site_id, "code": code, **fields})
    if problems:
        raise CsvImportError(table.file, problems)
    return participants, warnings


def import_roster(store: Store, pack: SessionPack, path: str | Path,
                  progress: Progress | None = None,
                  mappings: Mapping[tuple[str, str], str] | None = None) -> ImportReport:
    """Import or update participants from a roster CSV, all-or-nothing.

    ``mappings`` {(variable, value): category} answer values no spelling rule
    knows; they are remembered (in the same transaction) for the next import, as
    answers given before are used now. ``progress(done, total)`` is called as rows
    are written; raising from it (e.g. ``Cancelled``) rolls the whole import back.
    """
    given = check_mappings(pack, mappings or {})
    participants, warnings = parse_roster(pack, path, {**stored_value_maps(store), **given})
    report = ImportReport(file=str(path), rows=len(participants), warnings=warnings)
    with store.transaction(cause="import"):
        for (variable, value), category in given.items():
            remember_value_map(store, variable, value, category)
        for done, fields in enumerate(participants, start=1):
            if progress is not None:
                progress(done, len(participants))
            pid = participant_id(fields["site"], fields["code"])
            current = store.get("participants", pid)
            # Consent (docs/record-laws.md, "Consent"): a "no" records a refusal unless
            # one is recorded already, dated as the original answer (ROSTER_REFUSAL_AT),
            # so it never beats a grant made in the app, whichever laptop imports it
            # when; a "yes" never grants — it is reported when a refusal stands.
            says_yes = bool(fields.pop("quote_consent", 1))
            if current is None:
                refusal = {} if says_yes else {"consent_refused_at": ROSTER_REFUSAL_AT}
                store.create("participants", {**fields, "withdrawn": 0, "erased": 0,
                                              **refusal}, record_id=pid)
                report.added += 1
                continue
            if current.get("erased"):
                report.unchanged += 1  # erasure is for good: never re-populate
                continue
            changes = {k: v for k, v in fields.items() if k != "code" and current.get(k) != v}
            if not says_yes and current.get("consent_refused_at") is None:
                changes["consent_refused_at"] = ROSTER_REFUSAL_AT
            if says_yes and not int(current.get("quote_consent", 1)):
                report.warnings.append(
                    f"{path}: {fields['code']} said no to being quoted; this file's "
                    f"\"yes\" does not change that (a refusal stands until it is granted "
                    f"deliberately: in the app, or facilitator participants consent "
                    f"{fields['code']} --site {fields['site']} --grant)")
            if changes:
                store.edit("participants", pid, changes)
                report.updated += 1
            else:
                report.unchanged += 1
    return report


def list_participants(store: Store, site_id: str | None = None) -> list[Record]:
    """Participants not deleted, by site then code."""
    if site_id:
        return store.rows("participants", "deleted = 0 AND site = ?", [site_id],
                          order_by="site, code COLLATE NOCASE")
    return store.rows("participants", "deleted = 0", order_by="site, code COLLATE NOCASE")
