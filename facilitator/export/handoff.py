"""What the analysis files (QDPX, XLSX, codebook, notes CSV) carry, gathered once.

An *analysis file* is for the dialogue team's analysts (DESIGN §4): it may hold
pseudonymous participant codes with their roster variables, never names or contact
details, and never the words of a participant who said no to quotes, withdrew or was
erased. The rules live here so every format applies them the same way:

- deleted notes, and every note of a withdrawn or erased participant, are left out;
- a quote of a participant who said no to quotes is kept for counting (its themes,
  site, workshop) but its words are replaced by ``WITHHELD``;
- rehearsal notes are left out of a real database's files;
- participants appear by code with their roster variables, never withdrawn or
  erased ones.

``gate`` passes every string a file prints — the notes' words, theme labels, table
names, site names, agenda step titles, use-case titles, participant codes, combined
advice wording — through the one privacy gate (``core/privacy.check_printed``)
before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from facilitator.core.notes import themes_of
from facilitator.core.notes_csv import WITHHELD
from facilitator.core.pack import ADVICE_GROUP, ROSTER_VARIABLES, SessionPack, Site
from facilitator.core.privacy import Printed
from facilitator.core.records import canonical_time
from facilitator.core.store import Store
from facilitator.core.themes import GENERAL_GROUP, ThemeChoice, all_themes
from facilitator.export.site_export import PrivacyHitsError

LONDON = ZoneInfo("Europe/London")
KIND_WORDS = {"note": "Note", "quote": "Quote", "advice": "Advice"}


@dataclass(frozen=True)
class Note:
    """A note, quote or advice item as an analysis file carries it."""

    id: str
    site_id: str
    site: str  # the site's name
    workshop: int
    table: str
    kind: str
    text: str  # the words, or WITHHELD
    withheld: bool
    use_case: str | None
    use_case_title: str
    themes: tuple[str, ...]  # theme ids, in the order tagged
    starred: bool
    step: str  # the agenda step's title, '' when unknown
    participant: str  # pseudonymous code, '' when not attributed
    participant_id: str | None
    noted_at: str  # canonical UTC

    @property
    def local_time(self) -> datetime:
        """When it was noted, as the room's clock showed it (UK time, with its offset)."""
        return datetime.fromisoformat(self.noted_at.replace("Z", "+00:00")).astimezone(LONDON)

    @property
    def attribution(self) -> str:
        where = f"{self.site}, Workshop {self.workshop}"
        return f"{where} ({self.table})" if self.table else where


@dataclass(frozen=True)
class Participant:
    id: str
    code: str
    site_id: str
    site: str
    values: dict[str, str]  # roster variable -> category
    derived: dict[str, bool]  # derived variable -> applies
    quote_consent: bool


@dataclass
class HandoffData:
    pack: SessionPack
    sites: list[Site]
    notes: list[Note]
    participants: list[Participant]
    themes: list[ThemeChoice]  # the whole codebook, then ad-hoc themes
    theme_labels: dict[str, str] = field(default_factory=dict)
    workshop: int | None = None

    def groups(self) -> list[tuple[str, str, list[ThemeChoice]]]:
        """(group id, title, themes) in codebook order: the use cases, advice, general."""
        out: list[tuple[str, str, list[ThemeChoice]]] = []
        for use_case in self.pack.use_cases:
            out.append((use_case.id, use_case.title,
                        [t for t in self.themes if t.group == use_case.id]))
        out.append((ADVICE_GROUP, "Advice", [t for t in self.themes if t.group == ADVICE_GROUP]))
        known = {g for g, _, _ in out}
        general = [t for t in self.themes if t.group not in known]
        if general:
            out.append((GENERAL_GROUP, "General (no use case)", general))
        return out

    def theme_columns(self) -> list[tuple[str, set[str]]]:
        """One column per theme label (case-insensitive), in codebook order: (label, ids).

        A note belongs to one use case, so "Privacy" under two use cases is one column
        and the note's use case says which; summed, the column is the theme across all.
        """
        columns: dict[str, tuple[str, set[str]]] = {}
        for theme in self.themes:
            key = theme.label.casefold()
            columns.setdefault(key, (theme.label, set()))[1].add(theme.id)
        return list(columns.values())


def _steps(pack: SessionPack) -> dict[str, str]:
    return {step.id: step.title for w in pack.workshops for step in w.steps}


def gather(store: Store, pack: SessionPack, sites: Sequence[Site] | None = None, *,
           workshop: int | None = None) -> HandoffData:
    """Everything an analysis file of ``sites`` (default: all) carries."""
    chosen = list(sites) if sites else list(pack.sites)
    site_ids = [s.id for s in chosen]
    names = {s.id: s.name for s in pack.sites}
    titles = {u.id: u.title for u in pack.use_cases}
    steps = _steps(pack)
    marks = ", ".join("?" for _ in site_ids)
    where = f"n.deleted = 0 AND n.site IN ({marks})"
    params: list[Any] = list(site_ids)
    if not store.rehearsal:
        where += " AND n.rehearsal = 0"
    if workshop is not None:
        where += " AND n.workshop = ?"
        params.append(workshop)
    rows = store.db.query(
        "SELECT n.*, p.code AS p_code, p.withdrawn AS p_withdrawn, p.erased AS p_erased, "
        "p.deleted AS p_deleted, p.quote_consent AS p_consent, t.name AS t_name FROM notes n "
        "LEFT JOIN participants p ON p.id = n.participant_id "
        "LEFT JOIN venue_tables t ON t.id = n.table_id "
        f"WHERE {where} ORDER BY n.site, n.workshop, n.noted_at, n.id", params)
    notes: list[Note] = []
    for row in rows:
        if row["participant_id"] and (row["p_withdrawn"] or row["p_erased"]):
            continue  # their words leave every file
        withheld = (row["kind"] == "quote" and row["p_consent"] is not None
                    and not int(row["p_consent"]))
        use_case = row["use_case"] or None
        notes.append(Note(
            id=str(row["id"]), site_id=str(row["site"]),
            site=names.get(str(row["site"]), str(row["site"])),
            workshop=int(row["workshop"]),
            table=str(row.get("table_name") or row["t_name"] or ""),
            kind=str(row["kind"]),
            text=WITHHELD if withheld else str(row["text"]),
            withheld=withheld, use_case=use_case,
            use_case_title=titles.get(use_case or "", use_case or ""),
            themes=tuple(themes_of(row)), starred=bool(row.get("starred")),
            step=steps.get(str(row.get("step_id") or ""), ""),
            participant=str(row["p_code"] or "") if not row["p_deleted"] else "",
            participant_id=str(row["participant_id"]) if row["p_code"] else None,
            noted_at=canonical_time(str(row["noted_at"]))))
    people: list[Participant] = []
    for row in store.db.query(
            f"SELECT * FROM participants WHERE deleted = 0 AND withdrawn = 0 AND erased = 0 "
            f"AND site IN ({marks}) ORDER BY site, code", site_ids):
        values = {v: str(row[v]) for v in ROSTER_VARIABLES}
        people.append(Participant(
            id=str(row["id"]), code=str(row["code"]), site_id=str(row["site"]),
            site=names.get(str(row["site"]), str(row["site"])), values=values,
            derived={d.id: d.applies(values) for d in pack.derived},
            quote_consent=bool(int(row["quote_consent"]))))
    themes = all_themes(store, pack)
    known = {t.id for t in themes}
    for note in notes:  # a theme id no codebook knows any more still shows
        for theme_id in note.themes:
            if theme_id not in known:
                known.add(theme_id)
                themes.append(ThemeChoice(theme_id, theme_id, GENERAL_GROUP, True))
    return HandoffData(pack=pack, sites=chosen, notes=notes, participants=people,
                       themes=themes, theme_labels={t.id: t.label for t in themes},
                       workshop=workshop)


# -- text that XML, Word and Excel can hold ----------------------------------------------


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str, *, newlines: bool = True) -> str:
    """``text`` without what XML 1.0 (and so Word and Excel) cannot hold: control
    characters other than tab and newline, lone surrogates, U+FFFE/U+FFFF. Line breaks
    become ``\\n`` (or spaces when ``newlines`` is false)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _NOT_XML.sub("", text)
    return text if newlines else text.replace("\n", " ")


# -- the privacy gate --------------------------------------------------------------------


def printed_strings(data: HandoffData, *, advice: Iterable[Any] = ()) -> list[Printed]:
    """Every free-text string an analysis file of ``data`` prints, with its source, for
    the one privacy gate (``core/privacy.check_printed``)."""
    out: list[Printed] = []
    for note in data.notes:
        if not note.withheld:
            out.append(Printed(note.text, note.kind, record_id=note.id, site=note.site_id,
                               site_name=note.site, workshop=note.workshop, table=note.table))
        if note.table:
            out.append(Printed(note.table, "table name", site_name=note.site))
        if note.step:
            out.append(Printed(note.step, "agenda title"))
    for theme in data.themes:
        out.append(Printed(theme.label, "theme label", record_id=theme.id))
    for person in data.participants:
        out.append(Printed(person.code, "participant code", site_name=person.site))
    for site in data.sites:
        out.append(Printed(site.name, "site name"))
    out.extend(Printed(u.title, "use-case title") for u in data.pack.use_cases)
    out.append(Printed(data.pack.title, "programme title"))
    for item in advice:
        if item.is_combination:
            out.append(Printed(str(item.text), "combined advice", record_id=str(item.id)))
    return out


def gate(store: Store, printed: Sequence[Printed], accept_flagged: bool) -> int:
    """The one privacy gate over every printed string: stop with every hit listed
    unless accepted (a hit confirmed in the app's privacy review is not listed again).
    Returns the hits accepted."""
    from facilitator.core import privacy

    hits = privacy.check_printed(store, printed)
    if hits and not accept_flagged:
        raise PrivacyHitsError(hits, [privacy.describe(h) for h in hits])
    return len(hits)


# -- one entry point for every hand-off format --------------------------------------------

FORMATS = {".qdpx": "REFI-QDA project", ".qdc": "REFI-QDA codebook",
           ".xlsx": "Excel workbook", ".docx": "Word report"}


@dataclass
class HandoffResult:
    path: Any
    format: str
    bytes: int
    accepted_hits: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def format_printed(store: Store, data: HandoffData, suffix: str) -> list[Printed]:
    """Every string the analysis file of kind ``suffix`` prints."""
    if suffix == ".qdc":
        return [Printed(t.label, "theme label", record_id=t.id) for t in data.themes]
    if suffix == ".xlsx":
        from facilitator.core.advice import advice_items

        return printed_strings(data, advice=advice_items(store, data.pack))
    return printed_strings(data)


def handoff_hits(store: Store, pack: SessionPack, suffix: str, *,
                 sites: Sequence[Site] | None = None, workshop: int | None = None
                 ) -> list[Any]:
    """The unconfirmed privacy hits in what the analysis file would print: what the
    app's review dialog shows before writing it."""
    from facilitator.core import privacy

    data = gather(store, pack, sites, workshop=workshop)
    return privacy.check_printed(store, format_printed(store, data, suffix.lower()))


def write_handoff(store: Store, pack: SessionPack, path: Any, *,
                  sites: Sequence[Site] | None = None, workshop: int | None = None,
                  accept_flagged: bool = False) -> HandoffResult:
    """Write the analysis file ``path`` names by its extension, behind the privacy gate.

    Nothing is written when the gate stops it (``PrivacyHitsError``).
    """
    from pathlib import Path

    from facilitator.core.errors import FacilitatorError

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise FacilitatorError(f"cannot tell what to write from {target.suffix or 'no'} "
                               f"extension (expected one of {known})", file=target)
    if suffix == ".docx":  # a publication report: the same content and gate as the PDF
        from facilitator.export.report import write_report

        if sites is not None and len(sites) > 1:
            raise FacilitatorError("a report covers one site or all of them", file=target)
        result = write_report(store, pack, target, site=sites[0].id if sites else None,
                              workshop=workshop, accept_flagged=accept_flagged)
        return HandoffResult(result.path, FORMATS[suffix], result.bytes, result.accepted_hits)
    data = gather(store, pack, sites, workshop=workshop)
    accepted = gate(store, format_printed(store, data, suffix), accept_flagged)
    from facilitator.export import report_qdpx

    if suffix == ".qdpx":
        written = report_qdpx.write_qdpx(data, target)
    elif suffix == ".xlsx":
        from facilitator.export import report_xlsx

        written = report_xlsx.write_xlsx(store, data, target)
    else:
        written = report_qdpx.write_qdc(data, target)
    return HandoffResult(written, FORMATS[suffix], written.stat().st_size, accepted,
                         {"notes": len(data.notes), "participants": len(data.participants),
                          "themes": len(data.themes)})
