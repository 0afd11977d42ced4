"""Ranking ballots: cast on the kiosk, keyed from paper (optionally twice), imported.

A ballot ranks every use case of the pack once, most acceptable first. A known
participant has at most one ballot per workshop: its id derives from (participant,
workshop), so two laptops agree on it and a replacement is a new revision of the same
record. Anonymous ballots get random ids (kiosk), ids from their sheet (paper) or
from their content (import). Nothing is hard-deleted.

Double entry: each of two keyers types the same paper sheet; the keyings are
``entry`` 'first' / 'second' records that never count. When both agree, or when a
mismatch is resolved, one counted ballot (``entry`` 'double') is written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from facilitator.core import csvread
from facilitator.core.csvread import read_csv, site_column
from facilitator.core.errors import (
    CsvImportError,
    FacilitatorError,
    ImportReport,
    Progress,
    RowProblem,
    SessionPackError,
)
from facilitator.core.pack import SessionPack
from facilitator.core.records import Record, content_id, natural_id, now_iso, random_id
from facilitator.core.store import Store

SOURCES = ("kiosk", "paper", "import", "phone")
# Cast by participants themselves: refused while voting is closed.
LIVE_SOURCES = ("kiosk", "phone")
KEYING_ENTRIES = ("first", "second")
# SQL condition for the ballots that count (pending keyings never do).
COUNTED_SQL = "deleted = 0 AND entry NOT IN ('first', 'second')"
# ...over ``ballots b``, also leaving out withdrawn (or erased) participants' ballots.
# NOT IN over the few withdrawn keeps it one scan: no join per anonymous ballot.
COUNTED_B_SQL = (
    "b.deleted = 0 AND b.entry NOT IN ('first', 'second') AND (b.participant_id IS NULL "
    "OR b.participant_id NOT IN (SELECT id FROM participants WHERE withdrawn = 1 "
    "OR erased = 1))"
)

VotingState = Literal["open", "closed"]

LANGS = ("cy", "en")  # a ballot's language: the one it was cast in (kiosks)


class BallotError(FacilitatorError):
    """A ballot that cannot be accepted: incomplete, a rank twice, unknown voter."""


class DuplicateBallotError(BallotError):
    """The participant already has a different ballot for this workshop."""

    def __init__(self, message: str, existing: Record) -> None:
        super().__init__(message, field="participant")
        self.existing = existing


class VotingClosedError(BallotError):
    """The kiosk cannot take a ballot: voting is closed for this site and workshop."""


# -- rankings ------------------------------------------------------------------------


def validate_ranking(pack: SessionPack, ranking: Sequence[str]) -> tuple[str, ...]:
    """The ranking as a tuple if it ranks every use case exactly once.

    Raises BallotError naming what is missing, duplicated or unknown.
    """
    if isinstance(ranking, str):
        raise BallotError("a ranking is a list of use case ids", field="ranking")
    order = tuple(str(item).strip() for item in ranking)
    known = pack.use_case_ids
    problems: list[str] = []
    unknown = [item for item in order if item not in known]
    if unknown:
        problems.append("unknown use case " + ", ".join(repr(u) for u in unknown))
    twice = sorted({item for item in order if order.count(item) > 1},
                   key=lambda u: order.index(u))
    if twice:
        problems.append("ranked more than once: " + ", ".join(_title(pack, u) for u in twice))
    missing = [u for u in known if u not in order]
    if missing:
        problems.append("not ranked: " + ", ".join(_title(pack, u) for u in missing))
    if problems:
        raise BallotError("; ".join(problems), field="ranking")
    return order


def _title(pack: SessionPack, use_case_id: str) -> str:
    try:
        return pack.use_case(use_case_id).title
    except SessionPackError:
        return repr(use_case_id)


def ranking_text(ranking: Sequence[str]) -> str:
    """The stored form of a ranking; equal rankings give equal text (the signature)."""
    return json.dumps(list(ranking))


def ranking_of(ballot: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(json.loads(str(ballot["ranking"])))


def ballot_id(participant_id: str, workshop: int) -> str:
    return natural_id("ballot", participant_id, str(workshop))


def sheet_ballot_id(site: str, workshop: int, sheet: str) -> str:
    return natural_id("ballot_sheet", site, str(workshop), sheet)


def keying_id(site: str, workshop: int, sheet: str, keyer: int) -> str:
    return natural_id("ballot_keying", site, str(workshop), sheet, str(keyer))


# -- casting -------------------------------------------------------------------------


def _site_id(pack: SessionPack, site: str) -> str:
    try:
        return pack.site(site).id
    except SessionPackError as exc:
        raise BallotError(exc.message, field="site") from exc


def _workshop(pack: SessionPack, workshop: int) -> int:
    try:
        return pack.workshop(int(workshop)).number
    except (SessionPackError, ValueError, TypeError) as exc:
        numbers = ", ".join(str(w.number) for w in pack.workshops)
        raise BallotError(f"unknown workshop {workshop!r} (expected {numbers})",
                          field="workshop") from exc


def _voter(store: Store, pack: SessionPack, participant_id: str, site_id: str) -> Record:
    person = store.get("participants", participant_id)
    if person is None or int(person["deleted"]):
        raise BallotError("this participant is not on the roster", field="participant")
    code = person["code"]
    if int(person["withdrawn"]) or int(person["erased"]):
        raise BallotError(f"{code} has withdrawn: their ballots are no longer taken",
                          field="participant")
    if person["site"] != site_id:
        raise BallotError(f"{code} is on the {pack.site(person['site']).name} roster, "
                          f"not {pack.site(site_id).name}", field="participant")
    return person


def cast_ballot(store: Store, pack: SessionPack, *, site: str, workshop: int,
                ranking: Sequence[str], participant_id: str | None = None,
                source: str = "kiosk", replace: bool = False,
                record_id: str | None = None, lang: str | None = None) -> Record:
    """Record a ballot and return it, committed.

    ``lang``: the language the ballot was cast in (``cy`` or ``en``) at a kiosk.

    A known participant's second, different ballot for the workshop raises
    DuplicateBallotError unless ``replace`` (then it is a new revision of the same
    record); the same ranking again changes nothing. A withdrawn participant is
    refused; so is a kiosk or phone ballot while voting is closed. ``record_id``:
    an anonymous ballot's id when the caller derives it (a phone's one-time token),
    so sending it twice records it once.
    """
    return _cast(store, pack, site=site, workshop=workshop, ranking=ranking,
                 participant_id=participant_id, source=source, replace=replace,
                 record_id=record_id, lang=lang)


def _cast(store: Store, pack: SessionPack, *, site: str, workshop: int,
          ranking: Sequence[str], participant_id: str | None, source: str,
          replace: bool, entry: str = "single", sheet: str | None = None,
          record_id: str | None = None, lang: str | None = None) -> Record:
    order = validate_ranking(pack, ranking)
    if lang is not None and lang not in LANGS:
        raise BallotError(f"unknown language {lang!r} (expected cy or en)", field="lang")
    site_id = _site_id(pack, site)
    number = _workshop(pack, workshop)
    if source not in SOURCES:
        raise BallotError(f"unknown source {source!r} (expected {', '.join(SOURCES)})",
                          field="source")
    if source in LIVE_SOURCES and voting_state(store, site_id, number) != "open":
        raise VotingClosedError(f"voting is closed for {pack.site(site_id).name}, "
                                f"workshop {number}", field="workshop")
    fields: dict[str, Any] = {
        "site": site_id, "workshop": number, "participant_id": participant_id or None,
        "ranking": ranking_text(order), "source": source, "entry": entry, "sheet": sheet,
        "cast_at": now_iso(), "lang": lang,
    }
    with store.transaction():
        if not participant_id:
            if record_id is not None:
                known = store.get("ballots", record_id)
                if known is not None:
                    return known  # the same anonymous ballot sent again
            return store.create("ballots", fields, record_id=record_id or random_id())
        _voter(store, pack, participant_id, site_id)
        bid = ballot_id(participant_id, number)
        current = store.get("ballots", bid)
        if current is None:
            return store.create("ballots", fields, record_id=bid)
        if int(current["deleted"]):
            return store.edit("ballots", bid, {**fields, "deleted": 0})
        if current["ranking"] == fields["ranking"]:
            return current
        if not replace:
            person = store.get("participants", participant_id) or {}
            raise DuplicateBallotError(
                f"{person.get('code', participant_id)} already has a different ballot for "
                f"workshop {number}; replace it only if they asked to change it", current)
        return store.edit("ballots", bid, fields)


def ballot_for(store: Store, participant_id: str, workshop: int) -> Record | None:
    """The participant's counted ballot for the workshop, or None."""
    ballot = store.get("ballots", ballot_id(participant_id, workshop))
    if ballot is None or int(ballot["deleted"]):
        return None
    return ballot


def withdraw_ballot(store: Store, ballot_id_: str) -> Record:
    """Delete a ballot (a flag that merges like any edit)."""
    return store.mark_deleted("ballots", ballot_id_)


def counted_ballots(store: Store, site: str | None = None,
                    workshop: int | None = None) -> int:
    """How many ballots count now (not deleted, not a pending keying, not withdrawn)."""
    sql = f"SELECT COUNT(*) FROM ballots b WHERE {COUNTED_B_SQL}"
    params: list[Any] = []
    if site is not None:
        sql += " AND b.site = ?"
        params.append(site)
    if workshop is not None:
        sql += " AND b.workshop = ?"
        params.append(workshop)
    return int(store.db.execute(sql, params).fetchone()[0])


# -- attendance and voting state -------------------------------------------------------


def attendance_id(participant_id: str, workshop: int) -> str:
    return natural_id("attendance", participant_id, str(workshop))


def set_attendance(store: Store, participant_id: str, workshop: int,
                   attended: bool) -> Record:
    """Tick (or untick) a participant as present at an in-person workshop."""
    person = store.get("participants", participant_id)
    if person is None or int(person["deleted"]):
        raise FacilitatorError("this participant is not on the roster", field="participant")
    record_id = attendance_id(participant_id, workshop)
    with store.transaction():
        current = store.get("attendance", record_id)
        if current is None:
            return store.create("attendance", {
                "participant_id": participant_id, "site": person["site"],
                "workshop": int(workshop), "attended": int(bool(attended))},
                record_id=record_id)
        if int(current["attended"]) == int(bool(attended)) and not int(current["deleted"]):
            return current
        return store.edit("attendance", record_id,
                          {"attended": int(bool(attended)), "deleted": 0})


def attendance_for(store: Store, site: str, workshop: int) -> dict[str, bool]:
    """participant id → attended, for everyone checked in or out at that workshop."""
    rows = store.db.execute(
        "SELECT participant_id, attended FROM attendance "
        "WHERE site = ? AND workshop = ? AND deleted = 0", [site, int(workshop)]).fetchall()
    return {str(pid): bool(attended) for pid, attended in rows}


def _voting_key(site: str, workshop: int) -> str:
    return f"voting.{site}.{int(workshop)}"


def voting_state(store: Store, site: str, workshop: int) -> VotingState:
    """'open' once the facilitator opens voting, until they close it (local setting)."""
    value = store.get_setting(_voting_key(site, workshop), "closed")
    return "open" if value == "open" else "closed"


def set_voting(store: Store, site: str, workshop: int, open: bool) -> None:  # noqa: A002
    store.set_setting(_voting_key(site, workshop), "open" if open else "closed")


# -- double entry ----------------------------------------------------------------------


@dataclass(frozen=True)
class KeyingOutcome:
    """What keying a sheet did: 'waiting' for the other keyer, 'matched' (the ballot
    now counts) or 'mismatch' (listed by ``keying_mismatches`` until resolved)."""

    keying: Record
    status: Literal["waiting", "matched", "mismatch"]
    ballot: Record | None = None


@dataclass(frozen=True)
class KeyingMismatch:
    """A sheet the two keyers typed differently; ``differences`` names the fields."""

    site: str
    workshop: int
    sheet: str
    first: Record
    second: Record
    differences: tuple[str, ...]


def _keyings(store: Store, site: str, workshop: int,
             sheet: str | None = None) -> list[Record]:
    where = "site = ? AND workshop = ? AND deleted = 0 AND entry IN ('first', 'second')"
    params: list[Any] = [site, int(workshop)]
    if sheet is not None:
        where += " AND sheet = ?"
        params.append(sheet)
    return store.rows("ballots", where, params, order_by="sheet, entry")


def _counted_sheets(store: Store, site: str, workshop: int) -> set[str]:
    rows = store.db.execute(
        "SELECT sheet FROM ballots WHERE site = ? AND workshop = ? AND deleted = 0 "
        "AND entry = 'double' AND sheet IS NOT NULL", [site, int(workshop)]).fetchall()
    return {str(r[0]) for r in rows}


def _differences(a: Mapping[str, Any], b: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(f for f in ("participant_id", "ranking") if a.get(f) != b.get(f))


def record_keying(store: Store, pack: SessionPack, *, site: str, workshop: int, sheet: str,
                  ranking: Sequence[str], participant_id: str | None,
                  keyer: int, replace: bool = False) -> KeyingOutcome:
    """Keyer 1 or 2 types paper sheet ``sheet``; when both agree the ballot counts.

    Typing a sheet again as the same keyer corrects that keying. A sheet already
    counted is refused (correct it with ``resolve_keying``).
    """
    if keyer not in (1, 2):
        raise BallotError("keyer must be 1 or 2", field="keyer")
    sheet = str(sheet).strip()
    if not sheet:
        raise BallotError("the sheet number is required", field="sheet")
    order = validate_ranking(pack, ranking)
    site_id = _site_id(pack, site)
    number = _workshop(pack, workshop)
    if participant_id:
        _voter(store, pack, participant_id, site_id)
    if sheet in _counted_sheets(store, site_id, number):
        raise BallotError(f"sheet {sheet} is already counted", field="sheet")
    fields: dict[str, Any] = {
        "site": site_id, "workshop": number, "participant_id": participant_id or None,
        "ranking": ranking_text(order), "source": "paper",
        "entry": KEYING_ENTRIES[keyer - 1], "sheet": sheet, "cast_at": now_iso(),
    }
    record_id = keying_id(site_id, number, sheet, keyer)
    with store.transaction():
        current = store.get("ballots", record_id)
        if current is None:
            keying = store.create("ballots", fields, record_id=record_id)
        else:
            keying = store.edit("ballots", record_id, {**fields, "deleted": 0})
        other = store.get("ballots", keying_id(site_id, number, sheet, 3 - keyer))
        if other is None or int(other["deleted"]):
            return KeyingOutcome(keying, "waiting")
        if _differences(keying, other):
            return KeyingOutcome(keying, "mismatch")
        ballot = _count_sheet(store, pack, site_id, number, sheet, order, participant_id,
                              replace)
        return KeyingOutcome(keying, "matched", ballot)


def _count_sheet(store: Store, pack: SessionPack, site: str, workshop: int, sheet: str,
                 ranking: Sequence[str], participant_id: str | None,
                 replace: bool) -> Record:
    return _cast(store, pack, site=site, workshop=workshop, ranking=ranking,
                 participant_id=participant_id, source="paper", replace=replace,
                 entry="double", sheet=sheet,
                 record_id=None if participant_id else sheet_ballot_id(site, workshop, sheet))


def keying_mismatches(store: Store, site: str, workshop: int) -> list[KeyingMismatch]:
    """Sheets keyed twice, differently, and not yet resolved, by sheet."""
    counted = _counted_sheets(store, site, workshop)
    by_sheet: dict[str, dict[str, Record]] = {}
    for keying in _keyings(store, site, workshop):
        by_sheet.setdefault(str(keying["sheet"]), {})[str(keying["entry"])] = keying
    found = []
    for sheet, pair in by_sheet.items():
        if sheet in counted or len(pair) < 2:
            continue
        differences = _differences(pair["first"], pair["second"])
        if differences:
            found.append(KeyingMismatch(site, int(workshop), sheet, pair["first"],
                                        pair["second"], differences))
    return sorted(found, key=lambda m: _sheet_order(m.sheet))


def pending_keyings(store: Store, site: str, workshop: int) -> list[Record]:
    """Sheets keyed once so far (waiting for the second keyer), by sheet."""
    counted = _counted_sheets(store, site, workshop)
    by_sheet: dict[str, list[Record]] = {}
    for keying in _keyings(store, site, workshop):
        by_sheet.setdefault(str(keying["sheet"]), []).append(keying)
    waiting = [pair[0] for sheet, pair in by_sheet.items()
               if len(pair) == 1 and sheet not in counted]
    return sorted(waiting, key=lambda k: _sheet_order(str(k["sheet"])))


def sheet_order(pack: SessionPack) -> tuple[str, ...]:
    """The use cases top to bottom on the paper ballot sheet (``export/ballot_sheet.py``);
    the entry grid's columns left to right."""
    return pack.use_case_ids


def _sheet_order(sheet: str) -> tuple[int, str]:
    return (int(sheet), "") if sheet.isdigit() else (10**9, sheet)


_UNCHANGED: Any = object()


def resolve_keying(store: Store, sheet: str, ranking: Sequence[str], *,
                   site: str | None = None, workshop: int | None = None,
                   participant_id: str | None = _UNCHANGED,
                   pack: SessionPack | None = None, replace: bool = False) -> Record:
    """Settle a sheet by reading the paper: ``ranking`` is what it says; it now counts.

    ``participant_id`` is needed only when the keyings disagree on who it was (None
    for an anonymous sheet). ``site`` / ``workshop`` only when the sheet number is
    pending at more than one. Returns the counted ballot.
    """
    sheet = str(sheet).strip()
    where = "sheet = ? AND deleted = 0 AND entry IN ('first', 'second')"
    params: list[Any] = [sheet]
    if site is not None:
        where += " AND site = ?"
        params.append(site)
    if workshop is not None:
        where += " AND workshop = ?"
        params.append(int(workshop))
    keyings = [k for k in store.rows("ballots", where, params)
               if sheet not in _counted_sheets(store, k["site"], k["workshop"])]
    if not keyings:
        raise BallotError(f"no keying of sheet {sheet} is waiting to be resolved",
                          field="sheet")
    places = {(k["site"], int(k["workshop"])) for k in keyings}
    if len(places) > 1:
        raise BallotError(f"sheet {sheet} was keyed at more than one site or workshop; "
                          f"say which", field="sheet")
    site_id, number = places.pop()
    if participant_id is _UNCHANGED:
        voters = {k["participant_id"] for k in keyings}
        if len(voters) > 1:
            raise BallotError(f"the keyings of sheet {sheet} name different participants; "
                              f"say which the paper shows", field="participant")
        participant_id = voters.pop()
    if pack is not None:
        order = validate_ranking(pack, ranking)
    else:
        order = tuple(str(r) for r in ranking)
        expected = sorted(ranking_of(keyings[0]))
        if sorted(order) != expected or len(set(order)) != len(order):
            raise BallotError("the ranking must place every use case exactly once",
                              field="ranking")
    if pack is None:
        return _count_resolved(store, site_id, number, sheet, order, participant_id, replace)
    with store.transaction():
        return _count_sheet(store, pack, site_id, number, sheet, order, participant_id,
                            replace)


def _count_resolved(store: Store, site: str, workshop: int, sheet: str,
                    ranking: Sequence[str], participant_id: str | None,
                    replace: bool) -> Record:
    """Count a resolved sheet without a pack (the keyings were validated when typed)."""
    fields: dict[str, Any] = {
        "site": site, "workshop": workshop, "participant_id": participant_id or None,
        "ranking": ranking_text(ranking), "source": "paper", "entry": "double",
        "sheet": sheet, "cast_at": now_iso(),
    }
    with store.transaction():
        if not participant_id:
            record_id = sheet_ballot_id(site, workshop, sheet)
            current = store.get("ballots", record_id)
            if current is not None:
                return store.edit("ballots", record_id, {**fields, "deleted": 0})
            return store.create("ballots", fields, record_id=record_id)
        person = store.get("participants", participant_id)
        if person is None or int(person["deleted"]):
            raise BallotError("this participant is not on the roster", field="participant")
        if int(person["withdrawn"]) or int(person["erased"]):
            raise BallotError(f"{person['code']} has withdrawn", field="participant")
        bid = ballot_id(participant_id, workshop)
        current = store.get("ballots", bid)
        if current is None:
            return store.create("ballots", fields, record_id=bid)
        if (not int(current["deleted"]) and current["ranking"] != fields["ranking"]
                and not replace):
            raise DuplicateBallotError(
                f"{person['code']} already has a different ballot for workshop {workshop}",
                current)
        return store.edit("ballots", bid, {**fields, "deleted": 0})


# -- CSV import ------------------------------------------------------------------------

BALLOT_KEY_COLUMNS = ("participant", "site", "workshop")


def _rank_problems(pack: SessionPack, values: Mapping[str, str]) -> tuple[
        list[tuple[str, str]], tuple[str, ...] | None]:
    """(field, problem) pairs for a row's ranks, and the ranking when they are good."""
    problems: list[tuple[str, str]] = []
    ranks: dict[str, int] = {}
    count = len(pack.use_case_ids)
    for use_case in pack.use_case_ids:
        raw = values.get(use_case, "")
        if not raw:
            problems.append((use_case, f"is required (a rank 1–{count})"))
        elif not raw.isdigit() or not 1 <= int(raw) <= count:
            problems.append((use_case, f"{raw!r} is not a rank 1–{count}"))
        else:
            ranks[use_case] = int(raw)
    by_rank: dict[int, list[str]] = {}
    for use_case, rank in ranks.items():
        by_rank.setdefault(rank, []).append(use_case)
    for rank, cases in sorted(by_rank.items()):
        if len(cases) > 1:
            problems.append((cases[1], f"rank {rank} is given to {' and '.join(cases)}; "
                                       f"each rank is used once"))
    if problems:
        return problems, None
    return [], tuple(sorted(ranks, key=lambda u: ranks[u]))


def parse_ballots(store: Store, pack: SessionPack, path: str | Path,
                  replace: bool = False) -> tuple[list[tuple[str, Record]], list[str]]:
    """Validate a ballots CSV: (record id, fields) per row to write, and warnings.

    Raises CsvImportError listing every bad row; nothing is written.
    """
    from facilitator.core.roster import participant_id as roster_id

    columns = (*BALLOT_KEY_COLUMNS, *pack.use_case_ids)
    table = read_csv(path, columns, ("site", "workshop", *pack.use_case_ids), defer=True)
    warnings = [f"{table.file}: column {c!r} is not used and was ignored"
                for c in table.extra_columns]
    problems: list[RowProblem] = list(table.problems)
    out: list[tuple[str, Record]] = []
    seen_voters: dict[str, int] = {}
    occurrences: dict[tuple[str, ...], int] = {}
    stamp = now_iso()
    numbers = {w.number for w in pack.workshops}
    for row in table.rows:
        values = row.values
        row_problems: list[RowProblem] = []
        site_id, site_problem = site_column(pack, row)
        if site_problem is not None:
            row_problems.append(site_problem)
        workshop_text = values.get("workshop", "").upper().removeprefix("W")
        number = int(workshop_text) if workshop_text.isdigit() else None
        if number not in numbers:
            row_problems.append(RowProblem(
                row.line, f"{values.get('workshop', '')!r} is not a workshop of this "
                          f"programme ({', '.join(str(n) for n in sorted(numbers))})",
                "workshop"))
        rank_problems, order = _rank_problems(pack, values)
        row_problems += [RowProblem(row.line, message, f) for f, message in rank_problems]
        code = values.get("participant", "")
        pid: str | None = None
        if code and site_id:
            pid = roster_id(site_id, code)
            person = store.get("participants", pid)
            if person is None or int(person["deleted"]):
                row_problems.append(RowProblem(
                    row.line, f"{code!r} is not on the {pack.site(site_id).name} roster "
                              f"(import the roster first, or leave it blank for an "
                              f"anonymous ballot)", "participant"))
            elif int(person["withdrawn"]) or int(person["erased"]):
                row_problems.append(RowProblem(
                    row.line, f"{code} has withdrawn: their ballots are no longer taken",
                    "participant"))
            elif number is not None:
                key = f"{pid}/{number}"
                if key in seen_voters:
                    row_problems.append(RowProblem(
                        row.line, f"{code} has a second ballot for workshop {number} in "
                                  f"this file (also on line {seen_voters[key]})",
                        "participant"))
                else:
                    seen_voters[key] = row.line
                existing = ballot_for(store, pid, number)
                if (existing is not None and order is not None and not replace
                        and existing["ranking"] != ranking_text(order)):
                    row_problems.append(RowProblem(
                        row.line, f"{code} already has a different ballot for workshop "
                                  f"{number} (use --replace to replace it)", "participant"))
        if row_problems:
            problems += row_problems
            continue
        assert order is not None and number is not None
        fields: Record = {
            "site": site_id, "workshop": number, "participant_id": pid,
            "ranking": ranking_text(order), "source": "import", "entry": "single",
            "sheet": None, "cast_at": stamp,
        }
        if pid is not None:
            record_id = ballot_id(pid, number)
        else:
            content = (site_id, str(number), str(fields["ranking"]))
            occurrence = occurrences.get(content, 0)
            occurrences[content] = occurrence + 1
            record_id = content_id("ballot", content, occurrence)
        out.append((record_id, fields))
    if problems:
        raise CsvImportError(table.file, problems)
    return out, warnings


def import_ballots(store: Store, pack: SessionPack, path: str | Path, *,
                   replace: bool = False, progress: Progress | None = None) -> ImportReport:
    """Import rankings from a CSV (DESIGN §5), all-or-nothing.

    Importing the same file twice adds nothing. A known participant's different
    ballot is an error unless ``replace``, which makes a new revision of it.
    """
    rows, warnings = parse_ballots(store, pack, path, replace)
    report = ImportReport(file=str(path), rows=len(rows), warnings=warnings)
    csvread.described(report, path)
    with store.transaction(cause="import"):
        for done, (record_id, fields) in enumerate(rows, start=1):
            if progress is not None:
                progress(done, len(rows))
            current = store.get("ballots", record_id)
            if current is None:
                store.create("ballots", fields, record_id=record_id)
                report.added += 1
            elif int(current["deleted"]) and not replace:
                report.unchanged += 1  # a ballot deleted here stays deleted
            elif int(current["deleted"]) or current["ranking"] != fields["ranking"]:
                store.edit("ballots", record_id, {**fields, "deleted": 0})
                report.updated += 1
            else:
                report.unchanged += 1
    return report
