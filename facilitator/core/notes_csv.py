"""Notes CSV (DESIGN §5): import all-or-nothing, export in the same format.

``site,workshop,table,kind,text,use_case,themes,participant,created_at`` — site,
workshop, kind and text required. Imported notes get ids from their row's content
(plus its occurrence in the file), so the same file twice adds nothing. Unknown
themes become ad-hoc themes and are reported. The export writes UTF-8 with a BOM
(Excel) and round-trips through the import. A withdrawn participant's notes never
leave the laptop; a quote from someone who said no to quotes is exported without
its words.

The export adds, after those columns, what an analyst filters on (``EXTRA_COLUMNS``):
the note's id, its use case's title, agenda step, star (1 or blank), the date and
time in UK local time, and one ``theme: LABEL`` column per theme (1 or blank) beside
the ``;`` list. ``created_at`` is written in UK local time with its offset
(``2026-05-09T10:05:00+01:00``), the same instant the import reads back. The import
knows these columns: it reads ``starred`` and ignores the rest without a warning
(the ``themes`` list is what it reads, not the theme columns).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from facilitator.core import themes as theme_book
from facilitator.core.csvread import neutralise_row, read_csv, site_column
from facilitator.core.errors import (
    CsvImportError,
    FacilitatorError,
    ImportReport,
    Progress,
    RowProblem,
)
from facilitator.core.notes import KINDS, MAX_TEXT, TABLE, themes_json, themes_of
from facilitator.core.pack import SessionPack
from facilitator.core.records import (
    TimeFormatError,
    canonical_time,
    content_id,
    now_iso,
)
from facilitator.core.roster import participant_id
from facilitator.core.store import Store
from facilitator.core.venue import table_id

NOTES_COLUMNS = ("site", "workshop", "table", "kind", "text", "use_case", "themes",
                 "participant", "created_at")
REQUIRED_COLUMNS = ("site", "workshop", "kind", "text")
EXTRA_COLUMNS = ("note_id", "use_case_title", "agenda_step", "starred", "date_uk", "time_uk")
THEME_PREFIX = "theme: "
LONDON = ZoneInfo("Europe/London")
WITHHELD = "[words withheld: this participant said no to being quoted]"


@dataclass
class _ParsedRow:
    line: int
    fields: dict[str, Any]
    theme_names: list[str]
    group: str
    record_id: str


def _resolve_use_case(pack: SessionPack, text: str) -> str | None:
    wanted = text.casefold()
    for use_case in pack.use_cases:
        if wanted in (use_case.id.casefold(), use_case.title.casefold()):
            return use_case.id
    return None


def parse_notes(store: Store, pack: SessionPack, path: str | Path
                ) -> tuple[list[_ParsedRow], list[str]]:
    """Validate a notes CSV against the pack and roster; nothing is written."""
    table = read_csv(path, (*NOTES_COLUMNS, *EXTRA_COLUMNS), REQUIRED_COLUMNS)
    warnings = [f"{table.file}: column {c!r} is not used and was ignored"
                for c in table.extra_columns if not c.startswith(THEME_PREFIX)]
    problems: list[RowProblem] = []
    parsed: list[_ParsedRow] = []
    occurrences: dict[tuple[str, ...], int] = {}
    workshops = sorted(w.number for w in pack.workshops)
    for row in table.rows:
        values = row.values
        ok = True

        def bad(message: str, column: str | None, line: int = row.line) -> None:
            nonlocal ok
            problems.append(RowProblem(line, message, column))
            ok = False

        site_id, site_problem = site_column(pack, row)
        if site_problem is not None:
            bad(site_problem.message, "site")
        workshop_text = values.get("workshop", "")
        workshop = 0
        if not workshop_text:
            bad("is required", "workshop")
        elif not workshop_text.isdigit() or int(workshop_text) not in workshops:
            bad(f"workshop {workshop_text!r} is out of range (expected "
                f"{workshops[0]}–{workshops[-1]})", "workshop")
        else:
            workshop = int(workshop_text)
        kind = values.get("kind", "").casefold()
        if not kind:
            bad("is required", "kind")
        elif kind not in KINDS:
            bad(f"unknown kind {values.get('kind')!r} (expected note, quote or advice)",
                "kind")
        text = values.get("text", "")
        if not text:
            bad("is empty", "text")
        elif len(text) > MAX_TEXT:
            bad(f"is longer than {MAX_TEXT} characters", "text")
        use_case: str | None = None
        use_case_text = values.get("use_case", "")
        if use_case_text:
            use_case = _resolve_use_case(pack, use_case_text)
            if use_case is None:
                bad(f"unknown use case {use_case_text!r} (expected one of "
                    f"{', '.join(pack.use_case_ids)})", "use_case")
        person: str | None = None
        code = values.get("participant", "")
        if code and site_id:
            person = participant_id(site_id, code)
            found = store.get("participants", person)
            if found is None or int(found["deleted"]):
                bad(f"unknown participant {code!r} (not on the roster for "
                    f"{pack.site(site_id).name})", "participant")
            elif int(found["withdrawn"]) or int(found["erased"]):
                bad(f"participant {code!r} has withdrawn: their words cannot be "
                    "imported", "participant")
            elif kind == "quote" and not int(found["quote_consent"]):
                warnings.append(f"{table.file}:{row.line}: {code} said no to quotes: the "
                                "quote counts in themes but never appears verbatim in an "
                                "export")
        noted_at = ""
        created = values.get("created_at", "")
        if created:
            try:
                noted_at = canonical_time(created, LONDON)
            except TimeFormatError:
                bad(f"bad date {created!r} (expected ISO 8601, e.g. 2025-03-08T14:05; "
                    "without a zone it means UK time)", "created_at")
        names = [n.strip() for n in values.get("themes", "").split(";") if n.strip()]
        starred = values.get("starred", "").casefold()
        if starred not in ("", "0", "1", "yes", "no"):
            bad(f"starred is {values.get('starred')!r} (expected 1 or blank)", "starred")
        if not ok:
            continue
        key = tuple(values.get(c, "") for c in NOTES_COLUMNS)
        occurrence = occurrences.get(key, 0)
        occurrences[key] = occurrence + 1
        table_name = values.get("table", "") or None
        parsed.append(_ParsedRow(
            line=row.line,
            fields={
                "site": site_id, "workshop": workshop,
                "table_id": table_id(site_id, table_name) if table_name else None,
                "table_name": table_name, "step_id": None, "use_case": use_case,
                "kind": kind, "text": text, "participant_id": person,
                "noted_at": noted_at, "starred": 1 if starred in ("1", "yes") else 0,
            },
            theme_names=names,
            group=theme_book.group_for(kind, use_case),
            record_id=content_id("note", key, occurrence),
        ))
    if problems:
        raise CsvImportError(table.file, problems)
    return parsed, warnings


def import_notes(store: Store, pack: SessionPack, path: str | Path,
                 progress: Progress | None = None) -> ImportReport:
    """Import notes, quotes and advice from CSV, all-or-nothing.

    ``progress(done, total)`` may raise ``Cancelled``: the transaction rolls back.
    """
    rows, warnings = parse_notes(store, pack, path)
    report = ImportReport(file=str(path), rows=len(rows), warnings=warnings)
    choices = theme_book.all_themes(store, pack)
    added_themes: dict[tuple[str, str], str] = {}
    created: set[str] = set()
    matched: set[str] = set()
    with store.transaction():
        for done, row in enumerate(rows, start=1):
            if progress is not None:
                progress(done, len(rows))
            theme_ids: list[str] = []
            for name in row.theme_names:
                found = theme_book.match_theme(store, pack, name, row.group, choices)
                if found is None:
                    try:
                        found = theme_book.add_custom_theme(store, pack, row.group, name)
                    except FacilitatorError as exc:
                        raise CsvImportError(path, [RowProblem(row.line, exc.message,
                                                               "themes")]) from exc
                    choices.append(found)
                    added_themes.setdefault((row.group, found.label.casefold()),
                                            f"{Path(path)}:{row.line}: new ad-hoc theme "
                                            f"{found.label!r} ({row.group or 'general'})")
                theme_ids.append(found.id)
            if store.get(TABLE, row.record_id) is not None or _already_here(
                    store, row, created, matched):
                report.unchanged += 1
                continue
            fields = {**row.fields, "themes": themes_json(theme_ids)}
            if not fields["noted_at"]:
                fields["noted_at"] = now_iso()
            store.create(TABLE, fields, record_id=row.record_id)
            created.add(row.record_id)
            report.added += 1
    report.warnings.extend(added_themes.values())
    return report


def _already_here(store: Store, row: _ParsedRow, created: set[str], matched: set[str]) -> bool:
    """A note this laptop already holds under another id (its own export read back, or a
    note that came by merge): same words, kind, place, time and participant."""
    f = row.fields
    if not f["noted_at"]:
        return False
    ids = [str(r[0]) for r in store.db.execute(
        "SELECT id FROM notes WHERE site = ? AND workshop = ? AND kind = ? AND text = ? "
        "AND noted_at = ? AND COALESCE(participant_id, '') = ? "
        "AND COALESCE(table_name, '') = ? ORDER BY id",
        [f["site"], f["workshop"], f["kind"], f["text"], f["noted_at"],
         f["participant_id"] or "", f["table_name"] or ""])]
    for note_id in ids:
        if note_id not in created and note_id not in matched:
            matched.add(note_id)  # each existing note stands for one row only
            return True
    return False


# -- export -----------------------------------------------------------------------------


def uk_time(noted_at: str) -> datetime:
    """A stored instant as the room's clock showed it (Europe/London, with its offset)."""
    stamp = datetime.fromisoformat(canonical_time(noted_at).replace("Z", "+00:00"))
    return stamp.astimezone(LONDON)


def theme_columns(store: Store, pack: SessionPack) -> list[tuple[str, set[str]]]:
    """One column per theme label (case-insensitive), codebook order: (label, theme ids).

    A note has one use case, so "Privacy" under two use cases is one column; its
    ``use_case`` says which, and the column summed is the theme across use cases.
    """
    columns: dict[str, tuple[str, set[str]]] = {}
    for theme in theme_book.all_themes(store, pack):
        columns.setdefault(theme.label.casefold(), (theme.label, set()))[1].add(theme.id)
    return list(columns.values())


def export_header(store: Store, pack: SessionPack) -> list[str]:
    return [*NOTES_COLUMNS, *EXTRA_COLUMNS,
            *[THEME_PREFIX + label for label, _ in theme_columns(store, pack)]]


def export_rows(store: Store, pack: SessionPack, site: str | None = None) -> list[list[str]]:
    """The notes as CSV rows under ``export_header``: not deleted, no withdrawn or
    erased participant's, no rehearsal notes in a real database's export."""
    where = "n.deleted = 0"
    params: list[Any] = []
    if site:
        where += " AND n.site = ?"
        params.append(site)
    if not store.rehearsal:
        where += " AND n.rehearsal = 0"
    rows = list(store.db.query(
        "SELECT n.*, p.code AS p_code, p.withdrawn AS p_withdrawn, p.erased AS p_erased, "
        "p.quote_consent AS p_consent, t.name AS t_name FROM notes n "
        "LEFT JOIN participants p ON p.id = n.participant_id "
        "LEFT JOIN venue_tables t ON t.id = n.table_id "
        f"WHERE {where} ORDER BY n.site, n.workshop, n.noted_at, n.id", params))
    names = {s.id: s.name for s in pack.sites}
    titles = {u.id: u.title for u in pack.use_cases}
    steps = {step.id: step.title for w in pack.workshops for step in w.steps}
    labels = theme_book.labels(store, pack)
    columns = theme_columns(store, pack)
    out: list[list[str]] = []
    for row in rows:
        if row["p_withdrawn"] or row["p_erased"]:
            continue
        text = str(row["text"])
        if row["kind"] == "quote" and row["p_consent"] is not None and not row["p_consent"]:
            text = WITHHELD
        tagged = themes_of(row)
        local = uk_time(str(row["noted_at"]))
        use_case = str(row["use_case"] or "")
        out.append([
            names.get(str(row["site"]), str(row["site"])),
            str(row["workshop"]),
            str(row["table_name"] or row["t_name"] or ""),
            str(row["kind"]),
            text,
            use_case,
            ";".join(labels.get(t, t) for t in tagged),
            str(row["p_code"] or ""),
            local.isoformat(),
            str(row["id"]),
            titles.get(use_case, ""),
            steps.get(str(row.get("step_id") or ""), ""),
            "1" if row.get("starred") else "",
            local.strftime("%Y-%m-%d"),
            local.strftime("%H:%M"),
            *["1" if ids.intersection(tagged) else "" for _, ids in columns],
        ])
    return out


def export_table(store: Store, pack: SessionPack, site: str | None = None
                 ) -> tuple[list[str], list[list[str]]]:
    """The notes CSV's header and rows."""
    return export_header(store, pack), export_rows(store, pack, site)


def export_notes(store: Store, pack: SessionPack, path: str | Path, site: str | None = None,
                 progress: Progress | None = None) -> int:
    """Write the notes CSV (UTF-8 with BOM); returns the number of notes written.

    Written beside the target and renamed, so a failure never leaves half a file.
    """
    target = Path(path)
    if progress is not None:
        progress(0, 1)
    header, rows = export_table(store, pack, site)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    # Never a formula in Excel (CSV injection): undone by every import (csvread).
    writer.writerows(neutralise_row(row) for row in rows)
    text = buffer.getvalue()
    partial = target.with_name(target.name + ".partial")
    try:
        partial.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise FacilitatorError(f"cannot write: {exc.strerror}", file=target) from exc
    if progress is not None:
        progress(1, 1)
    return len(rows)
