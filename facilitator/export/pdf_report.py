"""The site report and the cross-site report as PDF pages (reportlab, no Qt).

All user text is escaped before it reaches reportlab's mini-markup, so a note that
says ``<b>`` or ``&`` prints literally; DejaVu Sans from ``assets/fonts`` renders
Welsh (ŵ, ŷ) and curly quotes on every OS; a character the font lacks (most emoji)
prints as a replacement mark instead of breaking the export.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from facilitator import __version__
from facilitator.core.analysis import GroupResult
from facilitator.core.errors import Progress
from facilitator.core.paths import fonts_dir
from facilitator.export.report_data import ADVICE, OTHER_THEME, Quote, ReportData

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
# Okabe–Ito, the palette of the app's screens; never the only carrier of meaning.
PALETTE = ["#0072B2", "#56B4E9", "#009E73", "#F0E442", "#E69F00", "#D55E00"]
INK = colors.HexColor("#101418")
MUTED = colors.HexColor("#4A545F")
RULE = colors.HexColor("#B8C0C8")
SHADE = colors.HexColor("#EEF2F5")
MAX_QUOTE_CHARS = 20_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def register_fonts() -> None:
    registered = pdfmetrics.getRegisteredFontNames()
    for name in (FONT, FONT_BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(fonts_dir() / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)


@cache
def _glyphs() -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(FONT)
    return frozenset(font.face.charWidths.keys())


def safe(text: str) -> str:
    """User text as Paragraph markup: escaped, line breaks kept, unknown glyphs marked."""
    glyphs = _glyphs()
    cleaned = _CONTROL.sub("", text)
    cleaned = "".join(ch if ord(ch) in glyphs or ch in "\n\t" else "\ufffd"
                      if 0xFFFD in glyphs else "?" for ch in cleaned)
    return escape(cleaned).replace("\n", "<br/>").replace("\t", " ")


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, textColor=INK)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5,
                                textColor=MUTED),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=24,
                                leading=30, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=14, leading=19,
                                   textColor=MUTED, spaceAfter=14),
        "h1": ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=15, leading=20,
                             spaceBefore=10, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=11.5,
                             leading=15, spaceBefore=8, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base, fontName=FONT_BOLD, fontSize=10,
                             leading=13, spaceBefore=6, spaceAfter=2),
        "quote": ParagraphStyle("quote", parent=base, leftIndent=10, spaceAfter=5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "cellbold": ParagraphStyle("cellbold", parent=base, fontName=FONT_BOLD, fontSize=8.5,
                                   leading=10.5),
        "warning": ParagraphStyle("warning", parent=base, fontName=FONT_BOLD,
                                  textColor=colors.HexColor("#7A3B00"),
                                  backColor=colors.HexColor("#FBE3C0"), borderPadding=4,
                                  spaceAfter=8),
    }


def _table(rows: list[list[Any]], widths: list[float] | None = None, *,
           header: bool = True, numeric_from: int = 1) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style += [("FONT", (0, 0), (-1, 0), FONT_BOLD, 8.5),
                  ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                  ("LINEBELOW", (0, 0), (-1, 0), 0.75, INK)]
    table.setStyle(TableStyle(style))
    return table


def _minutes(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def ranking_chart(result: GroupResult, titles: dict[str, str], width: float = 170 * mm
                  ) -> Drawing:
    """DESIGN §7: a bar per use case (mean rank, best at the top) and its positions."""
    order = result.mean_rank_order()
    row_h, label_w, bar_w, gap = 17.0, 62 * mm, 60 * mm, 6 * mm
    stack_w = width - label_w - bar_w - gap - 10
    height = row_h * len(order) + 30
    drawing = Drawing(width, height)
    top = height - 14
    drawing.add(String(label_w, top + 2, "mean rank (1 = most acceptable)", fontName=FONT,
                       fontSize=7, fillColor=MUTED))
    drawing.add(String(label_w + bar_w + gap, top + 2, "placed 1st … 6th", fontName=FONT,
                       fontSize=7, fillColor=MUTED))
    for i, use_case in enumerate(order):
        y = top - (i + 1) * row_h
        title = titles.get(use_case, use_case)
        if len(title) > 42:
            title = title[:41] + "…"
        drawing.add(String(0, y + 4, title, fontName=FONT, fontSize=8, fillColor=INK))
        mean = result.mean_rank[use_case]
        length = bar_w * (mean / 6.0)
        drawing.add(Rect(label_w, y + 1, length, row_h - 5, fillColor=colors.HexColor(
            PALETTE[0]), strokeColor=None))
        drawing.add(String(label_w + length + 3, y + 4, f"{mean:.2f}", fontName=FONT,
                           fontSize=8, fillColor=INK))
        total = max(sum(result.positions[use_case]), 1)
        x = label_w + bar_w + gap
        for p, count in enumerate(result.positions[use_case]):
            w = stack_w * count / total
            if w > 0:
                drawing.add(Rect(x, y + 1, w, row_h - 5, fillColor=colors.HexColor(
                    PALETTE[p]), strokeColor=colors.white, strokeWidth=0.5))
                if w > 9:
                    drawing.add(String(x + 2, y + 4, str(p + 1), fontName=FONT, fontSize=6.5,
                                       fillColor=colors.white if p in (0, 2, 5) else INK))
            x += w
    drawing.add(Line(label_w, top - len(order) * row_h, label_w, top, strokeColor=RULE))
    return drawing


class ReportBuilder:
    """Turns ``ReportData`` into flowables; ``cross_site`` adds the per-site columns."""

    def __init__(self, data: ReportData, *, cross_site: bool,
                 progress: Progress | None = None) -> None:
        self.data = data
        self.cross = cross_site
        self.s = styles()
        self.progress = progress
        self.story: list[Flowable] = []

    def p(self, markup: str, style: str = "body") -> None:
        self.story.append(Paragraph(markup, self.s[style]))

    def build(self) -> list[Flowable]:
        # A site report follows its day (the agenda as run before the results); the
        # cross-site report puts each laptop's day in the appendix.
        steps: list[Callable[[], None]] = (
            [self.cover, self.participants, self.results, self.use_cases, self.advice,
             self.agenda, self.appendix] if self.cross else
            [self.cover, self.participants, self.agenda, self.results, self.use_cases,
             self.advice])
        for i, step in enumerate(steps):
            if self.progress is not None:
                self.progress(i, len(steps) + 1)
            step()
        return self.story

    # -- sections ----------------------------------------------------------------------

    def cover(self) -> None:
        d = self.data
        sites = ", ".join(s.name for s in d.sites)
        self.p(safe(d.programme), "title")
        kind = "Cross-site report" if self.cross else "Site report"
        self.p(safe(f"{kind}: {sites}"), "subtitle")
        if d.synthetic:
            self.p("SYNTHETIC DEMONSTRATION DATA — made up by facilitator demo; no real "
                   "person took part.", "warning")
        if d.rehearsal:
            self.p("REHEARSAL DATA — practice records, not a real workshop's.", "warning")
        rows = [["Sites", sites]]
        if d.dates:
            first, last = d.dates
            rows.append(["Dates", first if first == last else f"{first} to {last}"])
        rows.append(["Laptops", ", ".join(label for _id, label in d.laptops) or "–"])
        rows.append(["Participants counted", ", ".join(
            f"{name}: {n}" for name, n in d.participants.items())])
        rows.append(["Notes, quotes, advice", self._kind_counts()])
        rows.append(["Made", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
                     + f" by Facilitator {__version__}"])
        self.story.append(_table([[Paragraph(safe(a), self.s["cellbold"]),
                                   Paragraph(safe(b), self.s["cell"])] for a, b in rows],
                                 [45 * mm, 125 * mm], header=False, numeric_from=9))
        self.story.append(Spacer(1, 8))
        self.p("Participants are identified by pseudonymous codes only and appear here "
               "only as counts. Groups of fewer than 5 people are not shown. Quotes from "
               "participants who did not agree to be quoted are counted but not printed. "
               "This PDF carries its data as an attachment "
               "(facilitator-data.jsonl.gz), which Facilitator's Merge reads.", "small")

    def _kind_counts(self) -> str:
        counts = {"note": 0, "quote": 0, "advice": 0}
        for q in self.data.quotes:
            counts[q.kind] = counts.get(q.kind, 0) + 1
        return (f"{counts['note']} notes, {counts['quote']} quotes, "
                f"{counts['advice']} advice items")

    def participants(self) -> None:
        d = self.data
        self.story.append(PageBreak())
        self.p("Participants: quota and actual", "h1")
        if d.attendance:
            rows = [["Site", "Workshop", "Attended"]]
            for site, per in sorted(d.attendance.items()):
                for workshop, count in sorted(per.items()):
                    rows.append([site, str(workshop), str(count)])
            self.story.append(_table(rows, [50 * mm, 25 * mm, 25 * mm], numeric_from=1))
            self.story.append(Spacer(1, 6))
        sites = list(d.quotas["sites"])
        if not sites:
            return
        variables = list(d.quotas["sites"][sites[0]])
        for variable in variables:
            header = ["", *[f"{s}\nquota / actual" for s in sites]]
            if self.cross:
                header.append("Total\nquota / actual")
            rows: list[list[Any]] = [header]
            categories = list(d.quotas["sites"][sites[0]][variable])
            for category in categories:
                cells = []
                total_q: int | None = None
                total_a = 0
                for s in sites:
                    cell = d.quotas["sites"][s][variable].get(category, {"quota": None,
                                                                          "actual": 0})
                    cells.append(self._quota_cell(cell["quota"], cell["actual"]))
                    if cell["quota"] is not None:
                        total_q = (total_q or 0) + int(cell["quota"])
                    total_a += int(cell["actual"])
                row = [category, *cells]
                if self.cross:
                    row.append(self._quota_cell(total_q, total_a))
                rows.append(row)
            width = 50 * mm
            rest = (170 * mm - width) / (len(header) - 1)
            label = d.variable_labels.get(variable, variable.replace("_", " ").capitalize())
            self.story.append(KeepTogether([
                Paragraph(safe(label), self.s["h3"]),
                _table(rows, [width, *[rest] * (len(header) - 1)])]))

    @staticmethod
    def _quota_cell(quota: int | None, actual: int) -> str:
        if quota is None:
            return f"– / {actual}"
        if actual < quota:
            return f"{quota} / {actual}  short {quota - actual}"
        return f"{quota} / {actual}"

    def results(self) -> None:
        d = self.data
        self.story.append(PageBreak())
        self.p("Ranking of the six use cases", "h1")
        self.p("Each participant ranked all six use cases from most (1) to least (6) "
               "acceptable. Mean rank: lower is more acceptable. Borda: 6 points for 1st "
               "down to 1 for 6th. Schulze: pairwise contests by winning votes, strongest "
               "paths; use cases in one tier are tied. Each workshop's ballots are counted "
               "on their own, never pooled.", "small")
        workshop = None
        for by, number, groups in d.results:
            if number != workshop:
                workshop = number
                self.p(safe(f"Rankings in Workshop {number}"), "h1")
            if by not in ("overall", "site"):
                label = d.variable_labels.get(by, by.replace("_", " "))
                if not label[:2].isupper():
                    label = label[:1].lower() + label[1:]
                self.p(safe(f"Workshop {number}, by {label}"), "h2")
            for info, result in groups:
                self._result_group(info, result, number)
        if not d.results:
            self.p("No ballots yet.", "body")
        self._shifts()

    def _shifts(self) -> None:
        d = self.data
        titles = d.use_case_titles
        for shift in d.shifts:
            site = d.site_names.get(shift.site or "", "All sites")
            self.p(safe(f"{site}: before and after, Workshop {shift.before} to Workshop "
                        f"{shift.after}"), "h2")
            self.p(safe(f"Workshop {shift.before}: {shift.ballots_before} ballots; Workshop "
                        f"{shift.after}: {shift.ballots_after} ballots; {shift.paired} "
                        "participants ranked in both, paired by their code. Moved up: ranked "
                        "more acceptable in the later workshop."), "small")
            if shift.suppressed:
                self.p("Not shown: fewer than 5 ballots in a workshop.", "small")
                continue
            rows: list[list[Any]] = [["Use case", f"Mean rank W{shift.before}",
                                      f"Mean rank W{shift.after}", "Change",
                                      "Moved up", "Moved down", "Same"]]
            for c in sorted(shift.shifts, key=lambda c: c.mean_after):
                rows.append([Paragraph(safe(titles.get(c.use_case, c.use_case)),
                                       self.s["cell"]),
                             f"{c.mean_before:.2f}", f"{c.mean_after:.2f}",
                             f"{c.change:+.2f}", str(c.moved_up), str(c.moved_down),
                             str(c.unchanged)])
            self.story.append(_table(rows, [58 * mm, 22 * mm, 22 * mm, 17 * mm, 17 * mm,
                                            18 * mm, 16 * mm]))

    def _result_group(self, info: dict[str, Any], result: GroupResult | None,
                      workshop: int) -> None:
        name = "All sites" if info["by"] == "overall" else str(info["value"])
        if info["by"] not in ("overall", "site"):
            label = self.data.variable_labels.get(str(info["by"]), str(info["by"]))
            name = f"{label}: {name}"
        n, known = int(info["n"]), int(info.get("participants", 0))
        counted = f"{n} ballot{'s' if n != 1 else ''}"
        if info["by"] in ("overall", "site"):
            counted += f" ({known} from participants on the roster, {n - known} anonymous)"
        title = Paragraph(safe(f"{name}, Workshop {workshop}: {counted}"), self.s["h2"])
        if info["suppressed"] or result is None:
            self.story.append(KeepTogether([title, Paragraph(
                f"Not shown: fewer than 5 ballots (n = {info['n']}).", self.s["small"])]))
            return
        titles = self.data.use_case_titles
        tier_of = {u: i + 1 for i, tier in enumerate(result.schulze) for u in tier}
        rows: list[list[Any]] = [["Use case", "Mean rank", "Borda", "Schulze tier",
                                  "1st", "2nd", "3rd", "4th", "5th", "6th"]]
        for u in result.mean_rank_order():
            rows.append([Paragraph(safe(titles.get(u, u)), self.s["cell"]),
                         f"{result.mean_rank[u]:.2f}", str(result.borda[u]), str(tier_of[u]),
                         *[str(c) for c in result.positions[u]]])
        block: list[Flowable] = [title, ranking_chart(result, titles), Spacer(1, 4),
                                 _table(rows, [58 * mm, 18 * mm, 15 * mm, 23 * mm,
                                               *[9.3 * mm] * 6])]
        notes = [f"Workshop {workshop}, n = {result.n} ballots; methods: mean rank, "
                 "Borda count, Schulze."]
        for a, b in result.disagreements():
            notes.append(f"The methods disagree: {titles.get(a, a)} has the better mean "
                         f"rank, but {titles.get(b, b)} wins their head-to-head (Schulze).")
        block += [Paragraph(safe(n), self.s["small"]) for n in notes]
        block.append(Spacer(1, 6))
        self.story.append(KeepTogether(block))

    def use_cases(self) -> None:
        d = self.data
        self.story.append(PageBreak())
        self.p("What participants said, by use case", "h1")
        by_case: dict[str | None, list[Quote]] = {}
        for q in d.quotes:
            if q.kind != ADVICE:
                by_case.setdefault(q.use_case, []).append(q)
        order = [*d.use_case_titles, None]
        for use_case in order:
            items = by_case.get(use_case, [])
            if use_case is None and not items:
                continue
            title = d.use_case_titles.get(use_case or "", "Not about one use case")
            self.p(safe(title), "h2")
            if not items:
                self.p("Nothing was noted for this use case.", "small")
                continue
            self._theme_counts(items)
            quotes = [q for q in items if q.kind == "quote"]
            notes = [q for q in items if q.kind == "note"]
            if quotes:
                self.p("Quotes", "h3")
                for q in quotes:
                    self._quote(q)
            if notes:
                self.p("Notes", "h3")
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
            for theme, per in ranked:
                rows.append([Paragraph(safe(theme), self.s["cell"]),
                             *[str(per.get(s, 0)) for s in sites], str(sum(per.values()))])
            widths = [70 * mm, *[(100 * mm) / (len(sites) + 1)] * (len(sites) + 1)]
        else:
            rows = [["Theme", "Notes and quotes"]]
            for theme, per in ranked:
                rows.append([Paragraph(safe(theme), self.s["cell"]),
                             str(sum(per.values()))])
            widths = [100 * mm, 35 * mm]
        self.story.append(_table(rows, widths))
        self.story.append(Spacer(1, 4))

    def _quote(self, q: Quote) -> None:
        star = "★ " if q.starred else ""
        themes = f" · {', '.join(q.themes)}" if q.themes else ""
        where = safe(f"— {q.attribution}{themes}")
        if q.withheld:
            body = ("<i>A quote from a participant who did not agree to be quoted: "
                    "counted in the themes, not printed.</i>")
        else:
            text = q.text if len(q.text) <= MAX_QUOTE_CHARS else (
                q.text[:MAX_QUOTE_CHARS] + " […]")
            body = safe(f"“{text}”" if q.kind == "quote" else text)
        self.p(f"{star}{body} <font color='#4A545F' size='8'>{where}</font>", "quote")

    def advice(self) -> None:
        items = self.data.advice
        self.story.append(PageBreak())
        self.p("Advice for government and police forces", "h1")
        if not items:
            self.p("No advice was recorded.", "small")
            return
        self.p("Grouped by advice theme, most dots first. Each participant had a few dots "
               "to spend on the combined list; an item combined from several shows what it "
               "was made from and where that came from.", "small")
        texts = {item.id: item for item in items}
        theme = None
        for item in items:
            if item.combined_into is not None:
                continue  # printed under the item it was combined into
            if item.theme != theme:
                theme = item.theme
                self.p(safe(theme), "h2")
            votes = (f"{item.dots} dot{'s' if item.dots != 1 else ''} from {item.voters} "
                     f"{'person' if item.voters == 1 else 'people'}")
            where = ", ".join(item.sites) or "–"
            if self.cross and item.by_site:
                names = {s.id: s.name for s in self.data.sites}
                per = "; ".join(f"{names.get(site, site)} {tally.dots}"
                                for site, tally in sorted(item.by_site.items()))
                votes += f" ({per})"
            block: list[Flowable] = [Paragraph(
                f"{safe(item.text)} <font color='#4A545F' size='8'>"
                f"{safe(f'— {where} · {votes} · item {item.short_id}')}</font>",
                self.s["quote"])]
            for original_id in item.combined_from:
                original = texts.get(original_id)
                if original is None:
                    continue
                block.append(Paragraph(
                    f"<font color='#4A545F' size='8'>combined from:</font> "
                    f"{safe(original.text)} <font color='#4A545F' size='8'>"
                    f"{safe('— ' + ', '.join(original.sites))}</font>",
                    ParagraphStyle("from", parent=self.s["quote"], leftIndent=24,
                                   fontSize=8.5, leading=11)))
            self.story.append(KeepTogether(block))

    def agenda(self) -> None:
        d = self.data
        self.story.append(PageBreak())
        self.p("Appendix: the agenda as run" if self.cross else "The agenda as run", "h1")
        if not d.days:
            self.p("No laptop ran the agenda for these sites.", "small")
            return
        for day in d.days:
            title = f"{day.site}, Workshop {day.workshop} — {day.laptop}"
            if day.started:
                title += f", started {day.started}"
            rows: list[list[Any]] = [["Step", "Planned (min)", "Actual (min)", "Outcome"]]
            for step in day.steps:
                rows.append([Paragraph(safe(step.title), self.s["cell"]),
                             _minutes(step.planned_minutes), _minutes(step.actual_minutes),
                             step.outcome])
            block: list[Flowable] = [Paragraph(safe(title), self.s["h2"]),
                                     _table(rows, [95 * mm, 25 * mm, 25 * mm, 25 * mm])]
            if day.videos:
                vrows = [["Video", "Started", "Played to the end"]]
                for title_, started, completed in day.videos:
                    vrows.append([title_, started, "yes" if completed else "no"])
                block += [Spacer(1, 4), _table(vrows, [95 * mm, 40 * mm, 35 * mm])]
            self.story.append(KeepTogether(block[:2]))
            self.story.extend(block[2:])

    def appendix(self) -> None:
        d = self.data
        self.p("Appendix: files merged", "h1")
        if d.merge_log:
            rows: list[list[Any]] = [["File", "Kind", "Added", "Changed", "Conflicts",
                                      "Again"]]
            for r in d.merge_log:
                rows.append([Paragraph(safe(str(r["file"])), self.s["cell"]), r["kind"],
                             str(r["records_added"]), str(r["records_updated"]),
                             str(r["conflicts"]), "yes" if r["seen_before"] else ""])
            self.story.append(_table(rows, [80 * mm, 20 * mm, 17 * mm, 17 * mm, 18 * mm,
                                            14 * mm], numeric_from=2))
        else:
            self.p("Nothing was merged into this database.", "small")
        self.p("Appendix: conflicting versions kept", "h1")
        if not d.conflicts:
            self.p("No record was edited differently on two laptops.", "small")
            return
        rows = [["Table", "Record", "Revision", "Laptop", "Updated"]]
        labels = dict(d.laptops)
        for c in d.conflicts:
            rows.append([c["table_name"], str(c["record_id"])[:8], str(c["revision"]),
                         labels.get(str(c["device_id"]), str(c["device_id"])[:8]),
                         str(c["updated_at"])[:19].replace("T", " ")])
        self.story.append(_table(rows, [30 * mm, 25 * mm, 18 * mm, 45 * mm, 40 * mm],
                                 numeric_from=2))


def render(data: ReportData, *, cross_site: bool, progress: Progress | None = None) -> bytes:
    """The report's PDF bytes (without the data attachment)."""
    out = io.BytesIO()
    title = ("Cross-site report" if cross_site else "Site report") + ": " + ", ".join(
        s.name for s in data.sites)

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(18 * mm, 10 * mm, f"{data.programme} — {title}"[:110])
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=18 * mm, title=title,
                            author="Facilitator", subject=data.programme)
    story = ReportBuilder(data, cross_site=cross_site, progress=progress).build()
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
