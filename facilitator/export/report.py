"""The publication report: ``facilitator report`` and ``facilitator merge -o`` (DESIGN §4, §5).

A *report* is for people outside the dialogue team (a commissioner, the public). It
is written from the database and never carries data: no attachment, no
participant-level field (participants appear only as counts, groups under the
suppression threshold hidden), no internal ids, no file paths (no merge log, no
conflict appendix), no words of a participant who refused quotes, withdrew or was
erased — and only text that passed the privacy gate (``core/privacy.py``).

The format follows the output file's extension. Each format is a *writer*: a
function from the gathered, already gated ``ReportContent`` to the file's bytes,
listed in ``WRITERS`` (``.pdf``, ``.docx``; the command sends the analysis files,
``.xlsx``, ``.qdpx`` and ``.qdc``, to ``export/handoff.py``). ``write_report`` does
the rest for every format: it gathers the content once, runs the gate over every
string the report prints (``report_texts``), calls the writer and writes the file
atomically.

The *data file* (site export, advice exchange file, bundle) is another kind of
file: see ``site_export.py`` and ``docs/exports.md``.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from facilitator.core import merge as merge_mark
from facilitator.core import privacy
from facilitator.core.errors import ExportError, Progress
from facilitator.core.files import write_atomic
from facilitator.core.pack import SessionPack, Site
from facilitator.core.store import Store
from facilitator.export.report_data import ReportData, gather

# Marks a publication report's PDF (its /Keywords), so ``merge`` can refuse it by name.
REPORT_MARK = merge_mark.REPORT_MARK
MERGED_RESULTS_BY = ("site", "trust_police", "ai_opinion")


@dataclass(frozen=True)
class ReportContent:
    """What a publication report says, gathered once for every format.

    ``data`` holds no words that may not be printed (withheld quotes are blanked),
    no merge log and no conflicts. ``cross_site`` is False for a one-site report.
    """

    data: ReportData
    cross_site: bool
    workshop: int | None = None
    lang: str | None = None
    site: Site | None = None


Writer = Callable[[ReportContent, Progress | None], bytes]

# Extension -> "module:function" of its writer, imported when used (reportlab, docx…
# load only for the format asked for). A helper adding a format adds one line here.
WRITERS: dict[str, str] = {
    ".pdf": "facilitator.export.report:write_pdf",
    ".docx": "facilitator.export.report_docx:write_content",
}
# Analysis files ``facilitator report`` writes through ``export/handoff.py`` (not ``merge -o``).
HANDOFF = (".xlsx", ".qdpx", ".qdc")


@dataclass
class ReportResult:
    path: Path
    bytes: int
    accepted_hits: int = 0
    format: str = ".pdf"


class ReportFormatError(ExportError):
    """An output file name whose extension names no report format."""


def writer_for(path: str | Path) -> tuple[str, Writer]:
    """The extension of ``path`` and its writer, or ReportFormatError saying what is
    possible."""
    ext = Path(path).suffix.lower()
    known = ", ".join(sorted(WRITERS))
    if ext not in WRITERS:
        if ext in HANDOFF:
            raise ReportFormatError(
                f"{ext} files are written by: facilitator report -o FILE{ext}; "
                f"this writes {known}", file=str(path), field="-o")
        what = f"the extension {ext}" if ext else "no extension"
        raise ReportFormatError(
            f"{what} names no report format: end the file name with {known}",
            file=str(path), field="-o")
    module, _, name = WRITERS[ext].partition(":")
    writer: Writer = getattr(importlib.import_module(module), name)
    return ext, writer


# -- gathering ------------------------------------------------------------------------------


def _sites_with_data(store: Store, pack: SessionPack) -> list[Site]:
    found = [s for s in pack.sites
             if store.count("notes", "site = ?", [s.id])
             or store.count("participants", "site = ?", [s.id])
             or store.count("step_events", "site = ?", [s.id])]
    return found or list(pack.sites)


def _one_workshop(store: Store, pack: SessionPack, data: ReportData, sites: list[Site],
                  workshop: int, cross_site: bool) -> ReportData:
    advice_notes = {str(r[0]) for r in store.db.execute(
        "SELECT id FROM notes WHERE kind = 'advice' AND workshop = ?", [workshop])}
    advice = [item for item in data.advice
              if item.id in advice_notes or set(item.combined_from) & advice_notes]
    return dataclasses.replace(
        data, quotes=[q for q in data.quotes if q.workshop == workshop],
        days=[d for d in data.days if d.workshop == workshop],
        attendance={name: {w: n for w, n in by.items() if w == workshop}
                    for name, by in data.attendance.items()},
        # Each workshop's rankings are counted apart already: keep this one's.
        results=[r for r in data.results if r[1] == workshop], shifts=[],
        advice=advice)


def report_content(store: Store, pack: SessionPack, *, site: str | None = None,
                   workshop: int | None = None, lang: str | None = None) -> ReportContent:
    """The content of the report of ``site`` (id or name; None: every site with data)
    and ``workshop`` (None: all), as every format prints it."""
    if workshop is not None:
        try:
            pack.workshop(int(workshop))
        except Exception as exc:
            raise ExportError(f"the programme has no workshop {workshop}",
                              field="--workshop") from exc
    chosen = pack.site(site) if site is not None else None
    sites = [chosen] if chosen is not None else _sites_with_data(store, pack)
    cross_site = chosen is None
    if cross_site:
        data = gather(store, pack, sites, results_by=MERGED_RESULTS_BY, cross_site=True)
    else:
        data = gather(store, pack, sites)
    if workshop is not None:
        data = _one_workshop(store, pack, data, sites, int(workshop), cross_site)
    data = dataclasses.replace(
        data,
        # Never the words of someone who refused quotes, not even unprinted.
        quotes=[dataclasses.replace(q, text="") if q.withheld else q for q in data.quotes],
        # No file paths, no internal ids: the merge log and conflicts stay in data files.
        merge_log=[], conflicts=[])
    return ReportContent(data=data, cross_site=cross_site, workshop=workshop, lang=lang,
                         site=chosen)


# -- the gate over every string the report prints --------------------------------------------

_WHAT_BY_FIELD = {
    "themes": "theme label", "theme": "theme label", "table": "table name",
    "laptops": "laptop label", "laptop": "laptop label", "steps": "agenda title",
    "title": "agenda title", "videos": "video title", "programme": "programme title",
    "sites": "site name", "site": "site name", "name": "site name",
}
_NOTE_KINDS = ("note", "quote", "advice")


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


_SCALARS = (int, float, bool, type(None))


def _walk(value: Any, what: str, owner: privacy.Printed | None, site_name: str = ""
          ) -> Iterator[privacy.Printed]:
    if isinstance(value, str):
        if owner is not None and what == "text":
            yield dataclasses.replace(owner, text=value)
        else:
            yield privacy.Printed(value, what, site_name=site_name)
    elif isinstance(value, _SCALARS):
        return  # numbers and flags print no words
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _field_names(type(value))
        here = getattr(value, "site", None)
        if isinstance(here, str) and here:
            site_name = here  # a note's or a day's site: where its table name was typed
        if "id" in names and "text" in names:
            kind = str(getattr(value, "kind", "advice") or "advice")
            if getattr(value, "combined_from", ()):
                kind = "combined advice"
            owner = privacy.Printed(
                "", kind if kind in _NOTE_KINDS or kind == "combined advice" else "advice",
                record_id=str(value.id), site_name=site_name,
                workshop=int(getattr(value, "workshop", 0) or 0),
                table=str(getattr(value, "table", "") or ""))
        for name in names:
            if name == "id":
                continue
            yield from _walk(getattr(value, name),
                             "text" if name == "text" else
                             _WHAT_BY_FIELD.get(name, what if what != "text" else
                                                "report text"),
                             owner if name == "text" else None, site_name)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(key, what, None, site_name)
            yield from _walk(item, what, None, site_name)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _walk(item, what, None, site_name)


def report_texts(content: ReportContent | ReportData) -> list[privacy.Printed]:
    """Every string the report's content holds, with where it comes from: notes,
    quotes, advice and combined wording, theme labels, table names, laptop labels,
    agenda and video titles, site names, headings. The walk is generic, so a field a
    later version adds to the report is checked without a change here."""
    data = content.data if isinstance(content, ReportContent) else content
    return list(_walk(data, "report text", None))


def printed_texts(value: Any) -> list[privacy.Printed]:
    """Every string in ``value`` (dataclasses, lists, dicts…), as ``report_texts``
    finds them: what any writer passes to the gate for the records it prints."""
    return list(_walk(value, "report text", None))


def report_hits(store: Store, content: ReportContent) -> list[privacy.PrivacyHit]:
    """The unconfirmed privacy hits in everything the report would print."""
    return privacy.check_printed(store, report_texts(content))


def gate(store: Store, hits: list[privacy.PrivacyHit], accept_flagged: bool) -> int:
    """Stop with every hit listed unless accepted; returns how many were accepted."""
    from facilitator.export.site_export import PrivacyHitsError

    if hits and not accept_flagged:
        raise PrivacyHitsError(hits, [privacy.describe(h) for h in hits])
    return len(hits)


# -- writing ----------------------------------------------------------------------------------


def write_pdf(content: ReportContent, progress: Progress | None = None) -> bytes:
    """The report as PDF pages: no attachment, marked as a publication report."""
    from facilitator.export import pdf_report

    return pdf_report.render(content.data, cross_site=content.cross_site, progress=progress,
                             publication=True, keywords=REPORT_MARK)


def write_report(store: Store, pack: SessionPack, path: str | Path, *,
                 site: str | None = None, workshop: int | None = None,
                 lang: str | None = None, accept_flagged: bool = False,
                 progress: Progress | None = None) -> ReportResult:
    """``facilitator report [--site SITE] [--workshop N] -o FILE``: the publication report
    in the format ``FILE``'s extension names. Nothing is written when the privacy gate
    finds text to check (PrivacyHitsError) unless ``accept_flagged``."""
    ext, writer = writer_for(path)
    content = report_content(store, pack, site=site, workshop=workshop, lang=lang)
    accepted = gate(store, report_hits(store, content), accept_flagged)
    payload = writer(content, progress)
    target = write_atomic(path, payload)
    if progress is not None:
        progress(1, 1)
    return ReportResult(target, len(payload), accepted_hits=accepted, format=ext)
