"""Advice across sites: the list, combining overlapping items, and dot-vote priorities.

An advice item is either an *original* (a note of kind ``advice``, drafted at one
site) or a *combination* the hub made from several originals (``advice_combinations``,
schema ``core/schema/advice.py``). Nothing is lost: a combined original stays listed
with ``combined_into``; editing a combination bumps its revision and splitting it
sets its deleted flag, so both merge like any edit.

Participants spend dots on the items that are open for voting (combinations and the
originals no combination took in): each has the pack's ``dot_allowance`` (default
3), at most ``dot_cap`` (default 2) on one item. One voter's dots are a *sheet*; a
known participant has one sheet. Should two laptops each have taken a sheet from the
same participant, the tallies count the later one only, so the result is the same
whichever order the files were merged in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from facilitator.core.csvread import read_csv, site_column
from facilitator.core.errors import (
    CsvImportError,
    FacilitatorError,
    ImportReport,
    Progress,
    RowProblem,
    SessionPackError,
)
from facilitator.core.pack import ADVICE_GROUP, SessionPack
from facilitator.core.records import Record, content_id, natural_id, now_iso, random_id
from facilitator.core.schema.advice import COMBINATIONS_TABLE, PRIORITIES_TABLE
from facilitator.core.store import Store
from facilitator.core.themes import all_themes, labels, match_theme, themes_for

NO_THEME = "(no theme)"
MAX_TEXT = 20_000
MIN_PREFIX = 6
SOURCES = ("kiosk", "paper", "import", "phone")
PRIORITY_COLUMNS = ("participant", "site", "item", "dots", "sheet")
# Leaves out the dots of withdrawn (or erased) participants.
COUNTED_SQL = (
    "deleted = 0 AND dots > 0 AND (participant_id IS NULL OR participant_id NOT IN "
    "(SELECT id FROM participants WHERE withdrawn = 1 OR erased = 1))"
)


class AdviceError(FacilitatorError):
    """An advice item or combination that cannot be made as asked."""


class DotVoteError(AdviceError):
    """A sheet of dots that cannot be accepted (too many, unknown item…)."""


class DuplicateSheetError(DotVoteError):
    """The participant (or the paper sheet) already has different dots recorded."""

    def __init__(self, message: str, existing: Mapping[str, int]) -> None:
        super().__init__(message, field="participant")
        self.existing = dict(existing)


# -- the list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemTally:
    """Dots on one item and how many voters (sheets) put at least one there."""

    dots: int = 0
    voters: int = 0


@dataclass(frozen=True)
class AdviceItem:
    """One line of the advice list: an original or a combination, with its tally."""

    id: str
    text: str
    theme_id: str
    theme: str  # the theme's label, or NO_THEME
    site_ids: tuple[str, ...]
    sites: tuple[str, ...]  # site names, in pack order
    combined_from: tuple[str, ...] = ()
    combined_into: str | None = None
    dots: int = 0
    voters: int = 0
    by_site: Mapping[str, ItemTally] = field(default_factory=dict)

    @property
    def is_combination(self) -> bool:
        return bool(self.combined_from)

    @property
    def votable(self) -> bool:
        """Open for dots: a combination, or an original no combination took in."""
        return self.combined_into is None

    @property
    def short_id(self) -> str:
        return self.id[:8]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "text": self.text, "theme": self.theme,
            "sites": list(self.sites), "combined_from": list(self.combined_from),
            "dots": self.dots, "voters": self.voters,
        }
        if self.combined_into is not None:
            out["combined_into"] = self.combined_into
        return out


@dataclass(frozen=True)
class Tallies:
    """Dots per item overall and per site (the site where the dots were cast)."""

    overall: Mapping[str, ItemTally]
    by_site: Mapping[str, Mapping[str, ItemTally]]
    sheets: int
    sheets_by_site: Mapping[str, int]


def _json_list(value: object) -> list[str]:
    try:
        parsed = json.loads(str(value or "[]"))
    except json.JSONDecodeError:
        return []
    return [str(v) for v in parsed] if isinstance(parsed, list) else []


def _theme_labels(store: Store, pack: SessionPack) -> dict[str, str]:
    return labels(store, pack)


def _theme_order(store: Store, pack: SessionPack) -> dict[str, int]:
    """Advice themes first in codebook order, then ad-hoc ones, then any other theme."""
    order: dict[str, int] = {}
    for theme in [*themes_for(store, pack, ADVICE_GROUP), *all_themes(store, pack)]:
        order.setdefault(theme.id, len(order))
    return order


def _site_names(pack: SessionPack, site_ids: Iterable[str]) -> tuple[tuple[str, ...],
                                                                     tuple[str, ...]]:
    position = {s.id: i for i, s in enumerate(pack.sites)}
    ids = sorted(set(site_ids), key=lambda s: (position.get(s, len(position)), s))
    names = []
    for site_id in ids:
        try:
            names.append(pack.site(site_id).name)
        except SessionPackError:
            names.append(site_id or "(no site)")
    return tuple(ids), tuple(names)


def original_rows(store: Store) -> list[Record]:
    """Advice notes that are listed: not deleted, not from a withdrawn participant."""
    return list(store.db.query(
        "SELECT n.* FROM notes n LEFT JOIN participants p ON p.id = n.participant_id "
        "WHERE n.kind = 'advice' AND n.deleted = 0 "
        "AND (p.id IS NULL OR (p.withdrawn = 0 AND p.erased = 0)) "
        "ORDER BY n.noted_at, n.id"))


def combination_rows(store: Store) -> list[Record]:
    """The combinations standing now (not split)."""
    return store.rows(COMBINATIONS_TABLE, "deleted = 0", order_by="created_at, id")


def _combined_into(combinations: Sequence[Record]) -> dict[str, str]:
    """Original id -> the combination holding it (the earliest, should two hold it)."""
    into: dict[str, str] = {}
    for combo in combinations:  # ordered by created_at, id
        for original in _json_list(combo["combined_from"]):
            into.setdefault(original, str(combo["id"]))
    return into


def tallies(store: Store) -> Tallies:
    """Dots and voters per item, overall and per site.

    Counted: rows not deleted, with dots, not from a withdrawn participant; of a known
    participant with more than one sheet (taken on two laptops), the later sheet.
    """
    rows = store.rows(PRIORITIES_TABLE, COUNTED_SQL, order_by="sheet, item_id")
    latest: dict[str, tuple[str, str]] = {}
    stamp: dict[str, str] = {}
    for row in rows:
        sheet = str(row["sheet"])
        stamp[sheet] = max(stamp.get(sheet, ""), str(row["cast_at"]))
    for row in rows:
        pid = row["participant_id"]
        if pid:
            key = (stamp[str(row["sheet"])], str(row["sheet"]))
            if key > latest.get(str(pid), ("", "")):
                latest[str(pid)] = key
    counted = [r for r in rows if not r["participant_id"]
               or latest[str(r["participant_id"])][1] == str(r["sheet"])]
    overall: dict[str, list[Any]] = {}
    by_site: dict[str, dict[str, list[Any]]] = {}
    sheets_by_site: dict[str, set[str]] = {}
    for row in counted:
        item, site, sheet = str(row["item_id"]), str(row["site"]), str(row["sheet"])
        for bucket in (overall, by_site.setdefault(site, {})):
            cell = bucket.setdefault(item, [0, set()])
            cell[0] += int(row["dots"])
            cell[1].add(sheet)
        sheets_by_site.setdefault(site, set()).add(sheet)

    def freeze(bucket: dict[str, list[Any]]) -> dict[str, ItemTally]:
        return {item: ItemTally(int(d), len(v)) for item, (d, v) in bucket.items()}

    return Tallies(
        overall=freeze(overall),
        by_site={site: freeze(bucket) for site, bucket in by_site.items()},
        sheets=len({str(r["sheet"]) for r in counted}),
        sheets_by_site={site: len(s) for site, s in sheets_by_site.items()},
    )


def advice_items(store: Store, pack: SessionPack, *,
                 site: str | None = None) -> list[AdviceItem]:
    """Every listed item, grouped by advice theme, each group in priority order.

    A combination is followed by its originals (``combined_into`` set); an original
    no combination took in stands on its own. ``site`` (an id): dots and voters are
    those cast at that site; otherwise overall.
    """
    labels = _theme_labels(store, pack)
    originals = {str(r["id"]): r for r in original_rows(store)}
    combinations = combination_rows(store)
    into = _combined_into(combinations)
    counts = tallies(store)

    def tally_of(item_id: str) -> tuple[int, int, dict[str, ItemTally]]:
        bucket = counts.overall if site is None else counts.by_site.get(site, {})
        total = bucket.get(item_id, ItemTally())
        per_site = {site: bucket[item_id] for site, bucket in counts.by_site.items()
                    if item_id in bucket}
        return total.dots, total.voters, per_site

    def theme_of(theme_id: str) -> str:
        return labels.get(theme_id, theme_id) if theme_id else NO_THEME

    items: dict[str, AdviceItem] = {}
    for note_id, row in originals.items():
        themes = _json_list(row["themes"])
        theme_id = themes[0] if themes else ""
        site_ids, sites = _site_names(pack, [str(row["site"])])
        dots, voters, per_site = tally_of(note_id)
        items[note_id] = AdviceItem(
            id=note_id, text=str(row["text"]), theme_id=theme_id, theme=theme_of(theme_id),
            site_ids=site_ids, sites=sites, combined_into=into.get(note_id), dots=dots,
            voters=voters, by_site=per_site)
    members: dict[str, list[str]] = {}
    for combo in combinations:
        combo_id = str(combo["id"])
        sources = _json_list(combo["combined_from"])
        members[combo_id] = [s for s in sources if s in originals and into.get(s) == combo_id]
        notes = store.db.execute(
            "SELECT DISTINCT site FROM notes WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(sources)]).fetchall()
        site_ids, sites = _site_names(pack, [str(n[0]) for n in notes])
        dots, voters, per_site = tally_of(combo_id)
        theme_id = str(combo["theme"] or "")
        items[combo_id] = AdviceItem(
            id=combo_id, text=str(combo["text"]), theme_id=theme_id, theme=theme_of(theme_id),
            site_ids=site_ids, sites=sites, combined_from=tuple(sources), dots=dots,
            voters=voters, by_site=per_site)
    order = _theme_order(store, pack)

    def key(item: AdviceItem) -> tuple[Any, ...]:
        theme_rank = order.get(item.theme_id, len(order)) if item.theme_id else len(order) + 1
        return (theme_rank, item.theme_id, -item.dots, -item.voters, item.text.casefold(),
                item.id)

    listed: list[AdviceItem] = []
    for item in sorted((i for i in items.values() if i.votable), key=key):
        listed.append(item)
        listed.extend(sorted((items[m] for m in members.get(item.id, [])), key=key))
    return listed


def list_json(store: Store, pack: SessionPack, *, site: str | None = None) -> dict[str, Any]:
    """``advice list [--site SITE] --json`` (DESIGN §5)."""
    return {"items": [item.to_json() for item in advice_items(store, pack, site=site)]}


def votable_items(store: Store, pack: SessionPack) -> list[AdviceItem]:
    """The combined list participants vote on."""
    return [item for item in advice_items(store, pack) if item.votable]


def resolve_item(items: Sequence[AdviceItem], text: str) -> AdviceItem:
    """The item named by its id or a unique prefix of it (at least MIN_PREFIX characters)."""
    wanted = text.strip().casefold()
    if not wanted:
        raise AdviceError("no item id given", field="item")
    for item in items:
        if item.id.casefold() == wanted:
            return item
    if len(wanted) >= MIN_PREFIX:
        found = [item for item in items if item.id.casefold().startswith(wanted)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise AdviceError(f"{text!r} starts more than one item id: give more of it",
                              field="item")
    raise AdviceError(f"no advice item {text!r} (see `facilitator advice list`)",
                      field="item")


# -- combining --------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    clean = text.strip()
    if not clean:
        raise AdviceError("the combined item needs wording", field="text")
    if len(clean) > MAX_TEXT:
        raise AdviceError(f"the wording is longer than {MAX_TEXT} characters", field="text")
    return clean


def _theme_id(store: Store, pack: SessionPack, theme: str | None,
              originals: Sequence[AdviceItem]) -> str:
    """The theme named (label, key or id of an advice theme), or the originals' commonest."""
    if theme is None or not theme.strip():
        counts: dict[str, int] = {}
        for item in originals:
            if item.theme_id:
                counts[item.theme_id] = counts.get(item.theme_id, 0) + 1
        return max(counts, key=lambda t: counts[t], default="")
    found = match_theme(store, pack, theme, ADVICE_GROUP)
    if found is None or found.group != ADVICE_GROUP:
        known = ", ".join(t.label for t in themes_for(store, pack, ADVICE_GROUP))
        raise AdviceError(f"unknown advice theme {theme!r} (expected one of: {known})",
                          field="theme")
    return found.id


def _originals_for(store: Store, pack: SessionPack, ids: Sequence[str],
                   combination: str | None = None) -> list[AdviceItem]:
    """The originals ``ids`` name, each free or already in ``combination``."""
    items = advice_items(store, pack)
    chosen: list[AdviceItem] = []
    for text in ids:
        item = resolve_item(items, text)
        if item.is_combination:
            raise AdviceError(f"{item.short_id} is itself a combined item: edit it, or "
                              "split it and combine its originals", field="ids")
        if item.combined_into is not None and item.combined_into != combination:
            raise AdviceError(f"{item.short_id} is already combined into "
                              f"{item.combined_into[:8]}: split that first", field="ids")
        if item.id not in {c.id for c in chosen}:
            chosen.append(item)
    if len(chosen) < 2:
        raise AdviceError("combine at least two different items", field="ids")
    return chosen


def combine(store: Store, pack: SessionPack, ids: Sequence[str], text: str,
            theme: str | None = None) -> Record:
    """One item from several originals, with new wording and a theme; returns it.

    The originals are kept unchanged; ``theme`` defaults to their commonest theme.
    """
    clean = _clean_text(text)
    originals = _originals_for(store, pack, ids)
    fields = {"site": store.site, "text": clean,
              "theme": _theme_id(store, pack, theme, originals),
              "combined_from": json.dumps([o.id for o in originals])}
    return store.create(COMBINATIONS_TABLE, fields)


def _combination(store: Store, combination_id: str) -> Record:
    current = store.get(COMBINATIONS_TABLE, combination_id)
    if current is None:
        raise AdviceError(f"no combined item {combination_id!r}", field="id")
    return current


def edit_combination(store: Store, pack: SessionPack, combination_id: str, *,
                     text: str | None = None, theme: str | None = None,
                     combined_from: Sequence[str] | None = None) -> Record:
    """Reword, re-theme, or change which originals a combination holds (a new revision).

    Taking originals out of it is how part of a combination is split off.
    """
    current = _combination(store, combination_id)
    if int(current["deleted"]):
        raise AdviceError("this combined item was split: restore it first", field="id")
    changes: dict[str, Any] = {}
    if text is not None:
        changes["text"] = _clean_text(text)
    if theme is not None:
        changes["theme"] = _theme_id(store, pack, theme, [])
    if combined_from is not None:
        originals = _originals_for(store, pack, combined_from, combination_id)
        changes["combined_from"] = json.dumps([o.id for o in originals])
    if all(current.get(k) == v for k, v in changes.items()):
        return current
    return store.edit(COMBINATIONS_TABLE, combination_id, changes)


def split(store: Store, combination_id: str) -> Record:
    """Undo a combination: its originals stand on their own again (a flag; it merges)."""
    current = _combination(store, combination_id)
    if int(current["deleted"]):
        return current
    return store.mark_deleted(COMBINATIONS_TABLE, combination_id)


def restore(store: Store, pack: SessionPack, combination_id: str) -> Record:
    """Undo a split, if no other combination has taken its originals since."""
    current = _combination(store, combination_id)
    if not int(current["deleted"]):
        return current
    into = _combined_into(combination_rows(store))
    taken = [o for o in _json_list(current["combined_from"]) if o in into]
    if taken:
        raise AdviceError(f"{taken[0][:8]} has since been combined into "
                          f"{into[taken[0]][:8]}: split that first", field="id")
    return store.edit(COMBINATIONS_TABLE, combination_id, {"deleted": 0})


def split_combinations(store: Store) -> list[Record]:
    """Combinations that were split, most recent first (to offer them back)."""
    return store.rows(COMBINATIONS_TABLE, "deleted = 1", order_by="updated_at DESC, id")


# -- dot votes ---------------------------------------------------------------------------


def short_text(text: str, width: int = 40) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= width else one_line[:width - 1] + "…"


def sheet_problems(pack: SessionPack, allocations: Mapping[str, int],
                   items: Sequence[AdviceItem]) -> list[str]:
    """What is wrong with one voter's dots, in words (empty when they can be cast)."""
    problems: list[str] = []
    by_id = {item.id: item for item in items}
    total = 0
    for item_id, raw in allocations.items():
        if isinstance(raw, bool) or not isinstance(raw, int):
            problems.append(f"{raw!r} dots on {item_id[:8]} is not a whole number")
            continue
        if raw < 0:
            problems.append(f"{raw} dots on {item_id[:8]}: dots cannot be negative")
            continue
        if raw == 0:
            continue
        total += raw
        item = by_id.get(item_id)
        if item is None:
            problems.append(f"{item_id[:8]} is not an advice item on the list")
        elif not item.votable:
            problems.append(f"{item.short_id} was combined into "
                            f"{(item.combined_into or '')[:8]}: vote for the combined item")
        if raw > pack.dot_cap:
            name = short_text(item.text) if item is not None else item_id[:8]
            problems.append(f"{raw} dots on “{name}”: at most {pack.dot_cap} on one item")
    if total > pack.dot_allowance:
        problems.append(f"{total} dots in all: each person has {pack.dot_allowance}")
    if total == 0 and not problems:
        problems.append("no dots placed")
    return problems


def _site_id(pack: SessionPack, site: str) -> str:
    try:
        return pack.site(site).id
    except SessionPackError as exc:
        raise DotVoteError(exc.message, field="site") from exc


def _voter_problem(store: Store, pack: SessionPack, participant_id: str,
                   site_id: str) -> str | None:
    person = store.get("participants", participant_id)
    if person is None or int(person["deleted"]):
        return "this participant is not on the roster"
    if int(person["withdrawn"]) or int(person["erased"]):
        return f"{person['code']} has withdrawn: their dots are no longer taken"
    if person["site"] != site_id:
        return (f"{person['code']} is on the {pack.site(str(person['site'])).name} roster, "
                f"not {pack.site(site_id).name}")
    return None


def sheet_rows(store: Store, sheet: str) -> list[Record]:
    return store.rows(PRIORITIES_TABLE, "sheet = ? AND deleted = 0", [sheet],
                      order_by="item_id")


def participant_sheets(store: Store, participant_id: str) -> dict[str, dict[str, int]]:
    """A participant's standing sheets: sheet id -> {item id: dots}."""
    out: dict[str, dict[str, int]] = {}
    for row in store.rows(PRIORITIES_TABLE, "participant_id = ? AND deleted = 0",
                          [participant_id], order_by="sheet, item_id"):
        out.setdefault(str(row["sheet"]), {})[str(row["item_id"])] = int(row["dots"])
    return out


def paper_sheet_id(site: str, label: str) -> str:
    """A paper sheet's id from its number: keying it twice reaches the same sheet."""
    return natural_id("priority_sheet", site, label)


def _allocation(allocations: Mapping[str, int]) -> dict[str, int]:
    return {item: int(dots) for item, dots in sorted(allocations.items()) if int(dots)}


def cast_dots(store: Store, pack: SessionPack, *, site: str, allocations: Mapping[str, int],
              participant_id: str | None = None, source: str = "kiosk",
              sheet: str | None = None, replace: bool = False,
              lang: str | None = None) -> list[Record]:
    """Record one voter's dots (all of them or none) and return the rows written.

    ``lang``: the language the dots were cast in (``cy`` or ``en``) at a kiosk.

    ``sheet``: a paper sheet's number, so keying it twice reaches the same sheet.
    A known participant has one sheet: different dots for them raise
    DuplicateSheetError unless ``replace`` (the old sheet is then marked deleted);
    the same dots again change nothing.
    """
    site_id = _site_id(pack, site)
    if source not in SOURCES:
        raise DotVoteError(f"unknown source {source!r} (expected {', '.join(SOURCES)})",
                           field="source")
    problems = sheet_problems(pack, allocations, advice_items(store, pack))
    if problems:
        raise DotVoteError("; ".join(problems), field="dots")
    wanted = _allocation(allocations)
    if participant_id:
        problem = _voter_problem(store, pack, participant_id, site_id)
        if problem:
            raise DotVoteError(problem, field="participant")
    sheet_id = paper_sheet_id(site_id, sheet) if sheet else random_id()
    existing: dict[str, dict[str, int]] = {}
    if participant_id:
        existing = participant_sheets(store, participant_id)
    if sheet:
        rows = sheet_rows(store, sheet_id)
        if rows:
            existing.setdefault(sheet_id, {r["item_id"]: int(r["dots"]) for r in rows})
    for sheet_key, dots in existing.items():
        if dots == wanted:
            return sheet_rows(store, sheet_key)
    if existing and not replace:
        who = "this sheet"
        if participant_id:
            person = store.get("participants", participant_id) or {}
            who = str(person.get("code", participant_id))
        raise DuplicateSheetError(f"{who} already has different dots recorded; replace "
                                  "them only if they asked to change them",
                                  next(iter(existing.values())))
    stamp = now_iso()
    with store.transaction():
        for sheet_key in existing:
            for row in sheet_rows(store, sheet_key):
                store.mark_deleted(PRIORITIES_TABLE, str(row["id"]))
        return [_put_row(store, site_id, participant_id, sheet_id, item, dots, source, stamp,
                         lang) for item, dots in wanted.items()]


def _put_row(store: Store, site_id: str, participant_id: str | None, sheet_id: str,
             item: str, dots: int, source: str, stamp: str,
             lang: str | None = None) -> Record:
    record_id = natural_id("priority", sheet_id, item)
    fields = {"site": site_id, "participant_id": participant_id or None, "item_id": item,
              "dots": dots, "source": source, "sheet": sheet_id, "cast_at": stamp,
              "lang": lang}
    current = store.get(PRIORITIES_TABLE, record_id)
    if current is None:
        return store.create(PRIORITIES_TABLE, fields, record_id=record_id)
    return store.edit(PRIORITIES_TABLE, record_id, {**fields, "deleted": 0})


def withdraw_sheet(store: Store, sheet: str) -> int:
    """Delete a sheet's dots (flags that merge); returns how many rows."""
    rows = sheet_rows(store, sheet)
    with store.transaction():
        for row in rows:
            store.mark_deleted(PRIORITIES_TABLE, str(row["id"]))
    return len(rows)


# -- import priorities ---------------------------------------------------------------------


@dataclass
class _Sheet:
    site: str
    participant_id: str | None
    code: str
    first_line: int
    dots: dict[str, int] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)


def parse_priorities(store: Store, pack: SessionPack, path: str | Path
                     ) -> tuple[list[tuple[str, _Sheet]], list[str]]:
    """Validate a priorities CSV: (sheet id, sheet) to write, and warnings.

    Columns ``participant,site,item,dots`` (DESIGN §5). A participant's rows are one
    sheet; anonymous rows (participant blank) are one sheet each, unless an optional
    ``sheet`` column groups them. Raises CsvImportError listing every bad row.
    """
    from facilitator.core.roster import participant_id as roster_id

    table = read_csv(path, PRIORITY_COLUMNS, ("participant", "site", "item", "dots"))
    warnings = [f"{table.file}: column {c!r} is not used and was ignored"
                for c in table.extra_columns]
    items = advice_items(store, pack)
    problems: list[RowProblem] = []
    sheets: dict[tuple[str, ...], _Sheet] = {}
    for row in table.rows:
        values = row.values
        bad: list[RowProblem] = []
        site_id, site_problem = site_column(pack, row)
        if site_problem is not None:
            bad.append(site_problem)
        item: AdviceItem | None = None
        item_text = values.get("item", "")
        if not item_text:
            bad.append(RowProblem(row.line, "is required (an id from `advice list`)", "item"))
        else:
            try:
                item = resolve_item(items, item_text)
            except AdviceError as exc:
                bad.append(RowProblem(row.line, exc.message, "item"))
            else:
                if not item.votable:
                    bad.append(RowProblem(
                        row.line, f"{item.short_id} was combined into "
                                  f"{(item.combined_into or '')[:8]}: vote for the combined "
                                  "item", "item"))
        dots_text = values.get("dots", "")
        dots: int | None = None
        if not dots_text:
            bad.append(RowProblem(row.line, "is required", "dots"))
        elif not dots_text.isdigit() or int(dots_text) > pack.dot_cap:
            bad.append(RowProblem(row.line, f"{dots_text!r} is not a number of dots 0–"
                                            f"{pack.dot_cap} (at most {pack.dot_cap} on "
                                            "one item)", "dots"))
        else:
            dots = int(dots_text)
        code = values.get("participant", "")
        pid: str | None = None
        if code and site_id:
            pid = roster_id(site_id, code)
            problem = _voter_problem(store, pack, pid, site_id)
            if problem == "this participant is not on the roster":
                problem = (f"{code!r} is not on the {pack.site(site_id).name} roster "
                           "(import the roster first, or leave it blank for an anonymous "
                           "sheet)")
            if problem:
                bad.append(RowProblem(row.line, problem, "participant"))
        if bad:
            problems += bad
            continue
        assert item is not None and dots is not None
        if pid is not None:
            key: tuple[str, ...] = ("p", pid)
        elif values.get("sheet"):
            key = ("s", site_id, values["sheet"].casefold())
        else:
            key = ("row", str(row.line))
        sheet = sheets.get(key)
        if sheet is None:
            sheet = sheets[key] = _Sheet(site_id, pid, code, row.line)
        elif sheet.site != site_id:
            problems.append(RowProblem(row.line, f"this sheet began at line "
                                                 f"{sheet.first_line} at another site",
                                       "site"))
            continue
        sheet.lines.append(row.line)
        if not dots:
            continue
        sheet.dots[item.id] = sheet.dots.get(item.id, 0) + dots
        who = code or "this sheet"
        if sheet.dots[item.id] > pack.dot_cap:
            problems.append(RowProblem(
                row.line, f"{who} has {sheet.dots[item.id]} dots on {item.short_id} "
                          f"(at most {pack.dot_cap} on one item)", "dots"))
        total = sum(sheet.dots.values())
        if total > pack.dot_allowance and total - dots <= pack.dot_allowance:
            problems.append(RowProblem(
                row.line, f"{who} has {total} dots in all (each person has "
                          f"{pack.dot_allowance}; rows from line {sheet.first_line})", "dots"))
    out: list[tuple[str, _Sheet]] = []
    occurrences: dict[tuple[str, ...], int] = {}
    for sheet in sheets.values():
        if not sheet.dots:
            continue
        allocation = tuple(f"{i}={d}" for i, d in sorted(sheet.dots.items()))
        if sheet.participant_id:
            standing = participant_sheets(store, sheet.participant_id)
            if standing and sheet.dots not in standing.values():
                problems.append(RowProblem(
                    sheet.first_line, f"{sheet.code} already has different dots recorded "
                                      "(one sheet per participant)", "participant"))
                continue
        content = (sheet.site, sheet.participant_id or "", *allocation)
        occurrence = occurrences.get(content, 0)
        occurrences[content] = occurrence + 1
        out.append((content_id("priority_sheet", content, occurrence), sheet))
    if problems:
        raise CsvImportError(table.file, sorted(problems, key=lambda p: p.line))
    return out, warnings


def import_priorities(store: Store, pack: SessionPack, path: str | Path, *,
                      progress: Progress | None = None) -> ImportReport:
    """Import dot votes keyed from paper (DESIGN §5), all-or-nothing.

    The same file twice adds nothing; a participant whose same dots are already
    recorded (say, from the kiosk) is left as they are.
    """
    sheets, warnings = parse_priorities(store, pack, path)
    report = ImportReport(file=str(path), rows=sum(len(s.lines) for _, s in sheets),
                          warnings=warnings)
    stamp = now_iso()
    with store.transaction(cause="import"):
        for done, (sheet_id, sheet) in enumerate(sheets, start=1):
            if progress is not None:
                progress(done, len(sheets))
            if sheet.participant_id and participant_sheets(store, sheet.participant_id):
                report.unchanged += len(sheet.dots)
                continue
            for item, dots in sorted(sheet.dots.items()):
                record_id = natural_id("priority", sheet_id, item)
                current = store.get(PRIORITIES_TABLE, record_id)
                if current is None:
                    _put_row(store, sheet.site, sheet.participant_id, sheet_id, item, dots,
                             "import", stamp)
                    report.added += 1
                else:
                    report.unchanged += 1  # deleted here stays deleted
    return report
