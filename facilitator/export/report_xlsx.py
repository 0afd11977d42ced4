"""The Excel hand-off: ``facilitator report -o FILE.xlsx`` (openpyxl).

An analysis file for the team's analysts (DESIGN §4), one sheet each:

- **About**: what the workbook is, its scope, who may receive it, the rules applied;
- **Notes**: one row per note, quote and advice item — its id, site, workshop, table,
  kind, the date and time as real Excel dates in UK time (what the room's clock
  showed), use case and level, agenda step, participant code, star, the words, the
  themes as a list and again one column per theme (1 or blank) to filter and sum;
- **Rankings**: per workshop, never pooled: overall, by site and by every roster
  variable, with the ballots counted, mean rank, Borda score, Schulze tier and how
  often each use case came 1st…6th; groups under the pack's threshold suppressed;
- **Before and after**: each site that ranked in two workshops, each use case's mean
  rank in both and how many participants (paired by code) moved it up or down;
- **Themes by site**: notes tagged with each theme, per site;
- **Themes by variable**: the same per roster category (participants' notes only);
  a count under the threshold shows as "<5", a category with fewer participants than
  the threshold is suppressed whole;
- **Advice**: the items in order of dots, with their theme, sites, dots, voters and
  the dots cast at each site;
- **Participants**: codes and roster variables only.

Cells hold text as text: a note that starts with ``=`` is never a formula. Excel
holds at most 32,767 characters in a cell; a longer note is cut there with a
marker saying so (the full words are in the QDPX project and the notes CSV).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from facilitator.core import analysis
from facilitator.core.ballots import COUNTED_B_SQL
from facilitator.core.files import write_atomic
from facilitator.core.pack import NOT_RECORDED
from facilitator.core.store import Store
from facilitator.export.handoff import KIND_WORDS, HandoffData, Note, clean

EXCEL_MAX = 32_767
CUT = " … [cut at Excel's cell limit: {n} characters in all; the full text is in the QDPX and CSV]"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F0")
BOLD = Font(bold=True)
ORDINALS = ("1st", "2nd", "3rd", "4th", "5th", "6th")


def cell_text(text: str) -> str:
    """Text a cell can hold: no control characters, at most Excel's limit."""
    cleaned = clean(text)
    if len(cleaned) <= EXCEL_MAX:
        return cleaned
    marker = CUT.format(n=len(cleaned))
    return cleaned[:EXCEL_MAX - len(marker)] + marker


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    cell: Cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        if not value:
            return cell
        cell.value = cell_text(value)
        cell.data_type = "s"  # never a formula, whatever it starts with
    else:
        cell.value = value
    return cell


def _table(sheet: Worksheet, header: Sequence[str], rows: Sequence[Sequence[Any]], *,
           widths: dict[int, int] | None = None, wrap: Sequence[int] = ()) -> None:
    for column, name in enumerate(header, start=1):
        cell = _put(sheet, 1, column, name)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            cell = _put(sheet, r, c, value)
            if c in wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(1, len(rows) + 1)}"
    for column in range(1, len(header) + 1):
        width = (widths or {}).get(column, max(10, min(30, len(header[column - 1]) + 2)))
        sheet.column_dimensions[get_column_letter(column)].width = width
    # Printed: landscape, the header row on every page, the columns fitted to the
    # page's width where there are few enough to read that way.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "1:1"
    if len(header) <= 16:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0


# -- sheets ------------------------------------------------------------------------------


def _about(sheet: Worksheet, data: HandoffData, counts: dict[str, int]) -> None:
    scope = ", ".join(s.name for s in data.sites)
    if data.workshop is not None:
        scope += f"; Workshop {data.workshop} only"
    lines = [
        (data.pack.title, True),
        ("Analysis workbook from Facilitator", True),
        ("", False),
        ("Who may receive it: the dialogue team's analysts. It holds participants' "
         "pseudonymous codes with their roster variables, so it is not for publication "
         "(the report, PDF or DOCX, is).", False),
        (f"Scope: {scope}.", False),
        (f"Notes, quotes and advice: {counts['notes']}. Participants: "
         f"{counts['participants']}.", False),
        ("Times are UK local time (GMT or BST, as the room's clock showed), stored as "
         "Excel dates.", False),
        ("Left out: deleted notes, withdrawn and erased participants and everything "
         "attributed to them. A quote from a participant who said no to being quoted "
         "keeps its row and themes (so counts match the report) but not its words.",
         False),
        (f"Small numbers: ranking groups of fewer than {data.pack.suppression_threshold} "
         "ballots are suppressed; in 'Themes by variable' a count under "
         f"{data.pack.suppression_threshold} shows as '<{data.pack.suppression_threshold}' "
         "and a category with fewer participants is suppressed whole.", False),
        ("Sheets: Notes (one column per theme, 1 or blank), Rankings (per workshop), "
         "Before and after (sites that ranked twice), Themes by site, Themes by variable, "
         "Advice (by dots), Participants.", False),
    ]
    for row, (text, bold) in enumerate(lines, start=1):
        cell = _put(sheet, row, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=14 if row == 1 else 11)
        # Spreadsheets do not all grow a wrapped row by themselves.
        sheet.row_dimensions[row].height = 18 * max(1, -(-len(text) // 85))
    sheet.column_dimensions["A"].width = 90


def _local(note: Note) -> datetime:
    """The UK wall-clock time, without a zone: Excel dates have none."""
    return note.local_time.replace(tzinfo=None)


def _notes(sheet: Worksheet, data: HandoffData) -> None:
    columns = data.theme_columns()
    levels = {u.id: u.level for u in data.pack.use_cases}
    header = ["Note id", "Site", "Workshop", "Table", "Kind", "Date", "Time (UK)",
              "Use case", "Level", "Agenda step", "Participant", "Starred", "Text",
              "Themes", *[f"Theme: {label}" for label, _ in columns]]
    rows = []
    for note in data.notes:
        local = _local(note)
        labels = [data.theme_labels.get(t, t) for t in note.themes]
        tagged = set(note.themes)
        rows.append([
            note.id, note.site, note.workshop, note.table, KIND_WORDS[note.kind],
            local.date(), local, note.use_case_title, levels.get(note.use_case or "", ""),
            note.step, note.participant, 1 if note.starred else None, note.text,
            "; ".join(labels),
            *[1 if tagged & ids else None for _, ids in columns]])
    _table(sheet, header, rows, widths={1: 38, 6: 12, 7: 17, 8: 30, 10: 30, 13: 80, 14: 40},
           wrap=(13,))
    for row in range(2, len(rows) + 2):
        sheet.cell(row=row, column=6).number_format = "yyyy-mm-dd"
        sheet.cell(row=row, column=7).number_format = "yyyy-mm-dd hh:mm"


def ranking_rows(store: Store, data: HandoffData) -> list[list[Any]]:
    """Per workshop with ballots, per grouping and group: one row per use case."""
    pack = data.pack
    titles = {u.id: u.title for u in pack.use_cases}
    workshops = [int(w) for (w,) in store.db.execute(
        f"SELECT DISTINCT b.workshop FROM ballots b WHERE {COUNTED_B_SQL} ORDER BY 1")]
    if data.workshop is not None:
        workshops = [w for w in workshops if w == data.workshop]
    every_site = len(data.sites) == len(pack.sites)
    chosen = {s.name for s in data.sites}
    groupings: list[str | None] = [None, "site"]
    if every_site:  # a roster variable's groups span the sites: only for all of them
        groupings += [v.id for v in pack.variables] + [d.id for d in pack.derived]
    labels = {"site": "Site", **{v.id: v.label for v in pack.variables},
              **{d.id: d.label for d in pack.derived}}
    rows: list[list[Any]] = []
    for workshop in workshops:
        for by in groupings:
            groups = analysis.result_groups(store, pack, by=by, workshop=workshop,
                                            threshold=pack.suppression_threshold)
            if by is not None:
                groups = groups[1:]
            elif not every_site:
                continue
            for info, result in groups:
                value = "All" if by is None else str(info["value"])
                if by == "site" and value not in chosen:
                    continue
                grouping = "Overall" if by is None else labels.get(by, by)
                known = int(info.get("participants", 0))
                if result is None:
                    if info["n"]:
                        rows.append([workshop, grouping, value, info["n"], known,
                                     f"suppressed (fewer than {pack.suppression_threshold})"]
                                    + [None] * 9)
                    continue
                tiers = {u: i + 1 for i, tier in enumerate(result.schulze) for u in tier}
                for use_case in result.mean_rank_order():
                    rows.append([workshop, grouping, value, result.n, known, titles[use_case],
                                 round(result.mean_rank[use_case], 2), result.borda[use_case],
                                 tiers.get(use_case), *result.positions[use_case]])
    return rows


def _rankings(sheet: Worksheet, store: Store, data: HandoffData) -> None:
    header = ["Workshop", "Grouping", "Group", "Ballots", "From participants on the roster",
              "Use case", "Mean rank (1 = most acceptable)", "Borda", "Schulze tier",
              *[f"Ranked {o}" for o in ORDINALS]]
    _table(sheet, header, ranking_rows(store, data), widths={3: 18, 5: 16, 6: 38, 7: 16})


def shift_rows(store: Store, data: HandoffData) -> list[list[Any]]:
    """Each site that ranked in two workshops: mean ranks in each round and how many
    participants (paired by code) moved each use case up or down."""
    pack = data.pack
    titles = {u.id: u.title for u in pack.use_cases}
    names = {s.id: s.name for s in pack.sites}
    rows: list[list[Any]] = []
    for shift in analysis.site_shifts(store, pack, sites=[s.id for s in data.sites],
                                      threshold=pack.suppression_threshold):
        head = [names.get(shift.site or "", "All sites"), shift.before, shift.after,
                shift.ballots_before, shift.ballots_after, shift.paired]
        if shift.suppressed:
            rows.append([*head, f"suppressed (fewer than {pack.suppression_threshold} "
                                "ballots in a workshop)"])
            continue
        for c in sorted(shift.shifts, key=lambda c: c.mean_after):
            rows.append([*head, titles.get(c.use_case, c.use_case), round(c.mean_before, 2),
                         round(c.mean_after, 2), round(c.change, 2), c.moved_up,
                         c.moved_down, c.unchanged])
    return rows


def _shifts(sheet: Worksheet, store: Store, data: HandoffData) -> None:
    header = ["Site", "From workshop", "To workshop", "Ballots before", "Ballots after",
              "Paired participants", "Use case", "Mean rank before", "Mean rank after",
              "Change", "Moved up", "Moved down", "Same"]
    _table(sheet, header, shift_rows(store, data), widths={7: 38})


def theme_counts(data: HandoffData) -> tuple[list[tuple[str, str, str]], Counter[tuple[str, str]]]:
    """(group title, theme id, label) in codebook order, and (theme id, site) -> notes."""
    counts: Counter[tuple[str, str]] = Counter()
    for note in data.notes:
        for theme_id in note.themes:
            counts[(theme_id, note.site)] += 1
    order = [(title, t.id, t.label) for _, title, themes in data.groups() for t in themes]
    return order, counts


def _themes_by_site(sheet: Worksheet, data: HandoffData) -> None:
    order, counts = theme_counts(data)
    sites = [s.name for s in data.sites]
    header = ["Use case", "Theme", *sites, "All sites"]
    rows = []
    for title, theme_id, label in order:
        per_site = [counts.get((theme_id, site), 0) for site in sites]
        rows.append([title, label, *per_site, sum(per_site)])
    _table(sheet, header, rows, widths={1: 38, 2: 34})


def variable_rows(data: HandoffData) -> tuple[list[str], list[list[Any]]]:
    """Themes by roster category: (header, rows), small cells suppressed."""
    pack = data.pack
    threshold = pack.suppression_threshold
    by_id = {p.id: p for p in data.participants}
    columns: list[tuple[str, str, str]] = []  # (variable id, category, header)
    for variable in pack.variables:
        for category in (*variable.categories, NOT_RECORDED):
            columns.append((variable.id, category, f"{variable.label}: {category}"))
    for derived in pack.derived:
        columns.append((derived.id, "yes", f"{derived.label}: yes"))
    people: Counter[tuple[str, str]] = Counter()
    for person in data.participants:
        for var, category, _ in columns:
            if _category(person, var) == category:
                people[(var, category)] += 1
    counts: Counter[tuple[str, str, str]] = Counter()
    for note in data.notes:
        speaker = by_id.get(note.participant_id or "")
        if speaker is None:
            continue
        for theme_id in note.themes:
            for var, category, _ in columns:
                if _category(speaker, var) == category:
                    counts[(theme_id, var, category)] += 1
    shown = [c for c in columns if people[(c[0], c[1])]]
    header = ["Use case", "Theme", *[f"{h} (n={people[(v, c)]})" for v, c, h in shown]]
    rows: list[list[Any]] = []
    order, _ = theme_counts(data)
    for title, theme_id, label in order:
        row: list[Any] = [title, label]
        for var, category, _ in shown:
            if people[(var, category)] < threshold:
                row.append("suppressed")
                continue
            count = counts[(theme_id, var, category)]
            row.append(f"<{threshold}" if 0 < count < threshold else count)
        rows.append(row)
    return header, rows


def _category(person: Any, var: str) -> str:
    if var in person.derived:
        return "yes" if person.derived[var] else "no"
    return str(person.values.get(var, NOT_RECORDED))


def _themes_by_variable(sheet: Worksheet, data: HandoffData) -> None:
    header, rows = variable_rows(data)
    _table(sheet, header, rows, widths={1: 38, 2: 34})
    for row in sheet.iter_rows(min_row=2, min_col=3):  # "<5" and counts line up
        for cell in row:
            cell.alignment = Alignment(horizontal="right")


def advice_rows(store: Store, data: HandoffData) -> list[list[Any]]:
    from facilitator.core.advice import advice_items

    pack = data.pack
    printed = {n.id for n in data.notes if n.kind == "advice"}
    chosen = {s.id for s in data.sites}
    items = [item for item in advice_items(store, pack)
             if item.votable and (item.is_combination or item.id in printed)
             and set(item.site_ids) & chosen]
    items.sort(key=lambda i: (-i.dots, -i.voters, i.theme.casefold(), i.text.casefold()))
    return [[rank, item.theme, item.text, ", ".join(item.sites), item.dots, item.voters,
             "combined from " + str(len(item.combined_from)) if item.is_combination else "",
             *[item.by_site[s.id].dots if s.id in item.by_site else 0 for s in data.sites]]
            for rank, item in enumerate(items, start=1)]


def _advice(sheet: Worksheet, store: Store, data: HandoffData) -> None:
    header = ["Priority", "Theme", "Advice", "Sites", "Dots", "Voters", "Combined",
              *[f"Dots cast in {s.name}" for s in data.sites]]
    _table(sheet, header, advice_rows(store, data), widths={2: 30, 3: 80, 4: 24},
           wrap=(3,))


def _participants(sheet: Worksheet, data: HandoffData) -> None:
    pack = data.pack
    header = ["Code", "Site", *[v.label for v in pack.variables],
              *[d.label for d in pack.derived], "Agreed to be quoted", "Notes attributed"]
    notes = Counter(n.participant_id for n in data.notes if n.participant_id)
    rows = [[p.code, p.site, *[p.values[v.id] for v in pack.variables],
             *["yes" if p.derived[d.id] else "no" for d in pack.derived],
             "yes" if p.quote_consent else "no", notes.get(p.id, 0)]
            for p in data.participants]
    _table(sheet, header, rows)


def workbook_bytes(store: Store, data: HandoffData) -> bytes:
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "About"
    _about(about, data, {"notes": len(data.notes), "participants": len(data.participants)})
    _notes(book.create_sheet("Notes"), data)
    _rankings(book.create_sheet("Rankings"), store, data)
    _shifts(book.create_sheet("Before and after"), store, data)
    _themes_by_site(book.create_sheet("Themes by site"), data)
    _themes_by_variable(book.create_sheet("Themes by variable"), data)
    _advice(book.create_sheet("Advice"), store, data)
    _participants(book.create_sheet("Participants"), data)
    book.properties.title = f"{data.pack.title}: analysis workbook"
    book.properties.creator = "Facilitator"
    book.properties.language = "en-GB"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_xlsx(store: Store, data: HandoffData, path: str | Path) -> Path:
    return write_atomic(path, workbook_bytes(store, data))
