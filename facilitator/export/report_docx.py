"""The report as a Word document: ``facilitator report -o FILE.docx`` (python-docx).

The same publication report as the PDF, for a researcher to edit: the same sections
in the same order from the same gathered data (``report_data.gather``), with every
heading a real Word heading (Title, Heading 1–3), so Word's navigation pane and
table of contents work; the document's title and language (en-GB) set; "Page N of
M" in the footer. Like the PDF it carries no data: participants appear only as
counts, a quote from a participant who said no to quotes is counted and not printed,
withdrawn and erased participants are left out, and no internal id or file path is
printed. Every consented quote appears with its "Site, Workshop N".
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table

from facilitator import __version__
from facilitator.core.analysis import GroupResult
from facilitator.core.files import write_atomic
from facilitator.export.handoff import clean
from facilitator.export.report_data import ADVICE, OTHER_THEME, Quote, ReportData

MUTED = RGBColor(0x4A, 0x54, 0x5F)
MAX_QUOTE_CHARS = 20_000
TEXT_WIDTH_CM = 17.0
ORDINALS = ("1st", "2nd", "3rd", "4th", "5th", "6th")


def text(value: object) -> str:
    """User text Word can hold: no control characters (XML 1.0), tabs as spaces."""
    return clean(str(value)).replace("\t", " ")


class DocxBuilder:
    def __init__(self, data: ReportData, *, cross_site: bool) -> None:
        self.data = data
        self.cross = cross_site
        self.doc: DocxDocument = Document()
        self._style_ids: dict[str, str] = {}
        self._setup()

    # -- document furniture --------------------------------------------------------------

    def _setup(self) -> None:
        d = self.data
        kind = "Cross-site report" if self.cross else "Site report"
        title = f"{d.programme} — {kind}: {', '.join(s.name for s in d.sites)}"
        props = self.doc.core_properties
        props.title = text(title)
        props.subject = text(d.programme)
        props.author = "Facilitator"
        props.language = "en-GB"
        props.comments = "Made by Facilitator " + __version__
        section = self.doc.sections[0]  # A4, as the PDF
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
        normal = self.doc.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(10.5)
        # The language of every run unless said otherwise: British English.
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
            if rpr is not None:
                lang = rpr.find(qn("w:lang"))
                if lang is None:
                    lang = OxmlElement("w:lang")
                    rpr.append(lang)
                lang.set(qn("w:val"), "en-GB")
        footer = self.doc.sections[0].footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = footer.add_run(text(f"{d.programme} — {kind}    Page "))
        run.font.size = Pt(8)
        self._field(footer, "PAGE")
        run = footer.add_run(" of ")
        run.font.size = Pt(8)
        self._field(footer, "NUMPAGES")

    @staticmethod
    def _field(paragraph: Any, code: str) -> None:
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), f" {code} ")
        run = OxmlElement("w:r")
        value = OxmlElement("w:t")
        value.text = "1"
        run.append(value)
        field.append(run)
        paragraph._p.append(field)

    def heading(self, value: str, level: int) -> None:
        self.doc.add_heading(text(value), level)

    def styled(self, style: str | None) -> Any:
        """A new paragraph in ``style`` (a style name). python-docx looks a style up by
        name in the whole styles part on every paragraph (about 5 ms each: a minute for
        10,000 quotes); the style's id is looked up once and set directly instead."""
        paragraph = self.doc.add_paragraph()
        if style is not None:
            if style not in self._style_ids:
                self._style_ids[style] = self.doc.styles[style].style_id
            paragraph._p.style = self._style_ids[style]
        return paragraph

    def para(self, value: str, *, small: bool = False, italic: bool = False,
             style: str | None = None) -> Any:
        paragraph = self.styled(style)
        run = paragraph.add_run(text(value))
        if small:
            run.font.size = Pt(8.5)
            run.font.color.rgb = MUTED
        run.italic = italic
        return paragraph

    def table(self, rows: list[list[Any]], *, header: bool = True) -> Table:
        columns = len(rows[0])
        table = self.doc.add_table(rows=len(rows), cols=columns)
        table.style = "Light Grid Accent 1" if header else "Table Grid"
        table.autofit = False
        # The first column names things (a use case, a theme): give it room.
        first = 6.0 if columns == 2 else max(4.5, min(6.5, TEXT_WIDTH_CM - 1.5 * (columns - 1)))
        widths = [first, *[(TEXT_WIDTH_CM - first) / max(columns - 1, 1)] * (columns - 1)]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)  # the grid: what LibreOffice and Word lay out by
        for r, values in enumerate(rows):
            cells = table.rows[r].cells
            for c, value in enumerate(values):
                cells[c].width = Cm(widths[c])
                cells[c].text = text(value)
                for run in cells[c].paragraphs[0].runs:
                    run.font.size = Pt(9)
                    if header and r == 0:
                        run.bold = True
        if header:  # the header row repeats on every page the table crosses
            props = table.rows[0]._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            props.append(repeat)
        self.doc.add_paragraph()
        return table  # type: ignore[no-any-return]

    # -- sections ------------------------------------------------------------------------

    def build(self) -> DocxDocument:
        steps = ([self.cover, self.participants, self.results, self.use_cases, self.advice,
                  self.agenda] if self.cross else
                 [self.cover, self.participants, self.agenda, self.results, self.use_cases,
                  self.advice])
        for step in steps:
            step()
        return self.doc

    def cover(self) -> None:
        d = self.data
        sites = ", ".join(s.name for s in d.sites)
        self.doc.add_heading(text(d.programme), 0)
        kind = "Cross-site report" if self.cross else "Site report"
        self.para(f"{kind}: {sites}", style="Subtitle")
        if d.synthetic:
            self.para("SYNTHETIC DEMONSTRATION DATA — made up by facilitator demo; no real "
                      "person took part.").runs[0].bold = True
        if d.rehearsal:
            self.para("REHEARSAL DATA — practice records, not a real workshop's."
                      ).runs[0].bold = True
        rows = [["Sites", sites]]
        if d.dates:
            first, last = d.dates
            rows.append(["Dates", first if first == last else f"{first} to {last}"])
        rows.append(["Participants counted", ", ".join(
            f"{name}: {n}" for name, n in d.participants.items())])
        counts = {"note": 0, "quote": 0, "advice": 0}
        for q in d.quotes:
            counts[q.kind] = counts.get(q.kind, 0) + 1
        rows.append(["Notes, quotes, advice", f"{counts['note']} notes, {counts['quote']} "
                     f"quotes, {counts['advice']} advice items"])
        rows.append(["Made", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
                     + f" by Facilitator {__version__}"])
        self.table(rows, header=False)
        self.para("Participants are identified by pseudonymous codes only and appear here "
                  "only as counts. Groups of fewer than 5 people are not shown. Quotes from "
                  "participants who did not agree to be quoted are counted but not printed.",
                  small=True)

    def participants(self) -> None:
        d = self.data
        self.doc.add_page_break()
        self.heading("Participants: quota and actual", 1)
        if d.attendance:
            rows: list[list[Any]] = [["Site", "Workshop", "Attended"]]
            for site, per in sorted(d.attendance.items()):
                for workshop, count in sorted(per.items()):
                    rows.append([site, workshop, count])
            self.table(rows)
        sites = list(d.quotas["sites"])
        if not sites:
            return
        for variable in d.quotas["sites"][sites[0]]:
            label = d.variable_labels.get(variable, variable.replace("_", " ").capitalize())
            self.heading(label, 2)
            header = ["", *[f"{s}: quota / actual" for s in sites]]
            if self.cross:
                header.append("Total: quota / actual")
            rows = [header]
            for category in d.quotas["sites"][sites[0]][variable]:
                row: list[Any] = [category]
                total_q: int | None = None
                total_a = 0
                for s in sites:
                    cell = d.quotas["sites"][s][variable].get(category,
                                                             {"quota": None, "actual": 0})
                    row.append(_quota_cell(cell["quota"], cell["actual"]))
                    if cell["quota"] is not None:
                        total_q = (total_q or 0) + int(cell["quota"])
                    total_a += int(cell["actual"])
                if self.cross:
                    row.append(_quota_cell(total_q, total_a))
                rows.append(row)
            self.table(rows)

    def results(self) -> None:
        d = self.data
        self.doc.add_page_break()
        self.heading("Ranking of the six use cases", 1)
        self.para("Each participant ranked all six use cases from most (1) to least (6) "
                  "acceptable. Mean rank: lower is more acceptable. Borda: 6 points for 1st "
                  "down to 1 for 6th. Schulze: pairwise contests by winning votes, strongest "
                  "paths; use cases in one tier are tied.", small=True)
        for by, workshop, groups in d.results:  # one workshop at a time, never pooled
            if by not in ("overall", "site"):
                label = d.variable_labels.get(by, by.replace("_", " "))
                self.heading(f"Workshop {workshop}, by {label[:1].lower() + label[1:]}", 2)
            for info, result in groups:
                self._result_group(info, result, workshop)
        if not any(groups for _by, _w, groups in d.results):
            self.para("No ballots yet.")

    def _result_group(self, info: dict[str, Any], result: GroupResult | None,
                      workshop: int) -> None:
        name = "All sites" if info["by"] == "overall" else str(info["value"])
        if info["by"] not in ("overall", "site"):
            label = self.data.variable_labels.get(str(info["by"]), str(info["by"]))
            name = f"{label}: {name}"
        self.heading(f"{name}, Workshop {workshop} (n = {info['n']} ballots)",
                     2 if info["by"] in ("overall", "site") else 3)
        if info["suppressed"] or result is None:
            self.para(f"Not shown: fewer than 5 ballots (n = {info['n']}).", small=True)
            return
        titles = self.data.use_case_titles
        tier_of = {u: i + 1 for i, tier in enumerate(result.schulze) for u in tier}
        rows: list[list[Any]] = [["Use case", "Mean rank", "Borda", "Schulze tier",
                                  *ORDINALS]]
        for u in result.mean_rank_order():
            rows.append([titles.get(u, u), f"{result.mean_rank[u]:.2f}", result.borda[u],
                         tier_of[u], *result.positions[u]])
        self.table(rows)
        self.para(f"n = {result.n} ballots; methods: mean rank, Borda count, Schulze.",
                  small=True)
        for a, b in result.disagreements():
            self.para(f"The methods disagree: {titles.get(a, a)} has the better mean rank, "
                      f"but {titles.get(b, b)} wins their head-to-head (Schulze).", small=True)

    def use_cases(self) -> None:
        d = self.data
        self.doc.add_page_break()
        self.heading("What participants said, by use case", 1)
        by_case: dict[str | None, list[Quote]] = {}
        for q in d.quotes:
            if q.kind != ADVICE:
                by_case.setdefault(q.use_case, []).append(q)
        for use_case in [*d.use_case_titles, None]:
            items = by_case.get(use_case, [])
            if use_case is None and not items:
                continue
            self.heading(d.use_case_titles.get(use_case or "", "Not about one use case"), 2)
            if not items:
                self.para("Nothing was noted for this use case.", small=True)
                continue
            self._theme_counts(items)
            quotes = [q for q in items if q.kind == "quote"]
            notes = [q for q in items if q.kind == "note"]
            if quotes:
                self.heading("Quotes", 3)
                for q in quotes:
                    self._quote(q)
            if notes:
                self.heading("Notes", 3)
                for q in notes:
                    self._quote(q)

    def _theme_counts(self, items: list[Quote]) -> None:
        sites = [s.name for s in self.data.sites]
        counts: dict[str, dict[str, int]] = {}
        for q in items:
            for theme in q.themes or (OTHER_THEME,):
                counts.setdefault(theme, {}).setdefault(q.site, 0)
                counts[theme][q.site] += 1
        ranked = sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        if self.cross:
            rows: list[list[Any]] = [["Theme", *sites, "All"]]
            rows += [[theme, *[per.get(s, 0) for s in sites], sum(per.values())]
                     for theme, per in ranked]
        else:
            rows = [["Theme", "Notes and quotes"]]
            rows += [[theme, sum(per.values())] for theme, per in ranked]
        self.table(rows)

    def _quote(self, q: Quote) -> None:
        paragraph = self.styled("Quote" if q.kind == "quote" else None)
        if q.starred:
            paragraph.add_run("★ ")
        if q.withheld:
            paragraph.add_run("A quote from a participant who did not agree to be quoted: "
                              "counted in the themes, not printed.").italic = True
        else:
            words = q.text if len(q.text) <= MAX_QUOTE_CHARS else (
                q.text[:MAX_QUOTE_CHARS] + " […]")
            paragraph.add_run(text(f"“{words}”" if q.kind == "quote" else words))
        themes = f" · {', '.join(q.themes)}" if q.themes else ""
        where = paragraph.add_run(text(f" — {q.attribution}{themes}"))
        where.font.size = Pt(8.5)
        where.font.color.rgb = MUTED

    def advice(self) -> None:
        items = self.data.advice
        self.doc.add_page_break()
        self.heading("Advice for government and police forces", 1)
        if not items:
            self.para("No advice was recorded.", small=True)
            return
        self.para("Grouped by advice theme, most dots first. An item combined from several "
                  "shows what it was made from and where that came from.", small=True)
        texts = {item.id: item for item in items}
        names = {s.id: s.name for s in self.data.sites}
        theme = None
        for item in items:
            if item.combined_into is not None:
                continue
            if item.theme != theme:
                theme = item.theme
                self.heading(theme, 2)
            votes = (f"{item.dots} dot{'s' if item.dots != 1 else ''} from {item.voters} "
                     f"{'person' if item.voters == 1 else 'people'}")
            if self.cross and item.by_site:
                votes += " (" + "; ".join(f"{names.get(site, site)} {tally.dots}"
                                          for site, tally in sorted(item.by_site.items())) + ")"
            paragraph = self.styled("List Number")
            paragraph.add_run(text(item.text))
            where = paragraph.add_run(text(f" — {', '.join(item.sites) or '–'} · {votes}"))
            where.font.size = Pt(8.5)
            where.font.color.rgb = MUTED
            for original_id in item.combined_from:
                original = texts.get(original_id)
                if original is not None:
                    self.para(f"combined from: {original.text} — {', '.join(original.sites)}",
                              small=True, style="List Bullet 2")

    def agenda(self) -> None:
        d = self.data
        self.doc.add_page_break()
        self.heading("Appendix: the agenda as run" if self.cross else "The agenda as run", 1)
        if not d.days:
            self.para("No laptop ran the agenda for these sites.", small=True)
            return
        for day in d.days:
            title = f"{day.site}, Workshop {day.workshop} — {day.laptop}"
            if day.started:
                title += f", started {day.started}"
            self.heading(title, 2)
            rows: list[list[Any]] = [["Step", "Planned (min)", "Actual (min)", "Outcome"]]
            for step in day.steps:
                rows.append([step.title, f"{step.planned_minutes:.0f}",
                             "–" if step.actual_minutes is None else
                             f"{step.actual_minutes:.0f}", step.outcome])
            self.table(rows)
            if day.videos:
                vrows: list[list[Any]] = [["Video", "Started", "Played to the end"]]
                vrows += [[title_, started, "yes" if done else "no"]
                          for title_, started, done in day.videos]
                self.table(vrows)


def _quota_cell(quota: int | None, actual: int) -> str:
    if quota is None:
        return f"– / {actual}"
    if actual < quota:
        return f"{quota} / {actual}  short {quota - actual}"
    return f"{quota} / {actual}"


def render(data: ReportData, *, cross_site: bool) -> bytes:
    out = io.BytesIO()
    DocxBuilder(data, cross_site=cross_site).build().save(out)
    return out.getvalue()


def write_docx(data: ReportData, path: str | Path, *, cross_site: bool = True) -> Path:
    return write_atomic(path, render(data, cross_site=cross_site))
