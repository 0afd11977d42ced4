"""Participants: the recruiter's roster, imported all-or-nothing.

Participant ids derive from (site, code), so the same person imported on two
laptops is one record. Common spellings map onto the pack's categories ("Male" →
man, "55+" → 55-64, a 1–5 score → its band).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from facilitator.core.csvread import read_csv
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
_NOT_RECORDED_SPELLINGS = {"", "not recorded", "not known", "unknown", "n/a", "na",
                           "prefer not to say", "-"}
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def participant_id(site_id: str, code: str) -> str:
    return natural_id("participant", site_id, code)


def normalise(variable: Variable, raw: str) -> str | None:
    """The category a typed value means, or None if it matches nothing."""
    value = " ".join(raw.split())
    folded = value.casefold()
    if folded in _NOT_RECORDED_SPELLINGS:
        return NOT_RECORDED
    for category in variable.categories:
        if folded == category.casefold():
            return category
    if folded in variable.aliases:
        return variable.aliases[folded]
    if variable.scores and folded.isdigit() and int(folded) in variable.scores:
        return variable.scores[int(folded)]
    return None


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


def parse_roster(pack: SessionPack, path: str | Path) -> tuple[list[Record], list[str]]:
    """Validate a roster CSV; return participant field dicts and warnings.

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
        site_text = values.get("site", "")
        site_id = ""
        if not site_text:
            problems.append(RowProblem(row.line, "is required", "site"))
            row_ok = False
        else:
            try:
                site_id = pack.site(site_text).id
            except SessionPackError:
                known = ", ".join(s.name for s in pack.sites)
                problems.append(RowProblem(row.line, f"unknown site {site_text!r} "
                                                     f"(expected {known})", "site"))
                row_ok = False
        for variable in pack.variables:
            raw = values.get(variable.id, "")
            category = normalise(variable, raw)
            if category is None:
                problems.append(RowProblem(
                    row.line, f"unknown value {raw!r} (expected {_describe(variable)})",
                    variable.id))
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
                  progress: Progress | None = None) -> ImportReport:
    """Import or update participants from a roster CSV, all-or-nothing.

    ``progress(done, total)`` is called as rows are written; raising from it (e.g.
    ``Cancelled``) rolls the whole import back.
    """
    participants, warnings = parse_roster(pack, path)
    report = ImportReport(file=str(path), rows=len(participants), warnings=warnings)
    with store.transaction():
        for done, fields in enumerate(participants, start=1):
            if progress is not None:
                progress(done, len(participants))
            pid = participant_id(fields["site"], fields["code"])
            current = store.get("participants", pid)
            if current is None:
                store.create("participants", {**fields, "withdrawn": 0, "erased": 0},
                             record_id=pid)
                report.added += 1
            elif current.get("erased"):
                report.unchanged += 1  # erasure is for good: never re-populate
            elif _differs(current, fields):
                store.edit("participants", pid, {k: v for k, v in fields.items()
                                                 if k != "code"})
                report.updated += 1
            else:
                report.unchanged += 1
    return report


def _differs(current: Mapping[str, Any], fields: Mapping[str, Any]) -> bool:
    return any(k != "code" and current.get(k) != v for k, v in fields.items())


def list_participants(store: Store, site_id: str | None = None) -> list[Record]:
    """Participants not deleted, by site then code."""
    if site_id:
        return store.rows("participants", "deleted = 0 AND site = ?", [site_id],
                          order_by="site, code COLLATE NOCASE")
    return store.rows("participants", "deleted = 0", order_by="site, code COLLATE NOCASE")
