"""The report as a document model: what it says, in order, with no layout.

``build_document(data, kind)`` turns the gathered ``ReportData`` into a
``ReportDocument``: a list of blocks — headings with levels, paragraphs, tables,
charts, quotes with their attribution, page breaks and a contents marker. The PDF
(``pdf_report.render_document``) renders it; the Word report can render the same
blocks one by one, so the two say the same thing in the same order:

- ``Heading(text, level)``: level 1 a chapter, 2 a section (every use case is one),
  3 a sub-section; each is an outline entry and a contents line (levels 1–2).
- ``Para(text, style)``: plain text (never markup: a renderer escapes it); style
  ``body``, ``small`` (notes under a table), ``lead`` (a subtitle) or ``warning``.
- ``Table(header, rows, widths, numeric_from)``: cells are plain strings; ``widths``
  are fractions of the text width; columns from ``numeric_from`` are right-aligned.
- ``RankChart``: mean rank per use case (1–6, 1 = most acceptable at the top) with
  how often each was placed 1st … 6th; ``DotChart``: mean rank per use case for
  several series (sites, or two workshops); ``BarChart``: counts. Each chart has
  ``as_table()`` for a renderer that draws no charts.
- ``QuoteBlock(text, attribution, …)``: a quote or note and "Site, Workshop N
  (table)"; a withheld quote never reaches the model (only its count does).
- ``Contents()`` where the contents page goes; ``PageBreak()``.

Every fixed wording goes through ``_t`` (one place to translate reports); user text
never does. The model never holds internal ids or file paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from facilitator import __version__
from facilitator.core.analysis import GroupResult, RoundShift
from facilitator.core.i18n import QT_TRANSLATE_NOOP
from facilitator.core.pack import NOT_RECORDED, SessionPack, UseCase
from facilitator.export.report_data import ADVICE, OTHER_THEME, Quote, ReportData

# The first words of every data file's first page (DESIGN §4), in words a
# commissioner understands.
DATA_FILE_BANNER = ("Confidential research data — not for publication. This file "
                    "is for the dialogue team only; do not publish it or send it "
                    "outside the team.")
# Themes are also counted by these roster variables (when the pack has them).
THEME_VARIABLES = ("trust_police", "ai_opinion", "age_band")
# Quotes printed under a theme in the body; the rest go to the appendix.
QUOTES_PER_THEME = 3
ORDINALS = (QT_TRANSLATE_NOOP("Report", "1st"), QT_TRANSLATE_NOOP("Report", "2nd"),
            QT_TRANSLATE_NOOP("Report", "3rd"), QT_TRANSLATE_NOOP("Report", "4th"),
            QT_TRANSLATE_NOOP("Report", "5th"), QT_TRANSLATE_NOOP("Report", "6th"))


def _t(text: str, *args: object) -> str:
    """A fixed report wording in the report's language (``core.i18n``, context
    "Report"), with %1, %2 … filled in after translating: the one place reports are
    translated (``--lang cy``)."""
    from facilitator.core import i18n

    text = i18n.translate("Report", text)
    for i, arg in enumerate(args, start=1):
        text = text.replace(f"%{i}", str(arg))
    return text


# -- blocks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 chapter, 2 section, 3 sub-section
    contents: bool = True  # listed on the contents page (levels 1–2)


@dataclass(frozen=True)
class Para:
    text: str
    style: Literal["body", "small", "lead", "warning", "aside"] = "body"  # aside: indented


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # fractions of the text width
    numeric_from: int = 1
    key_value: bool = False  # a two-column fact sheet: no header row


@dataclass(frozen=True)
class RankRow:
    label: str
    mean: float
    positions: tuple[int, ...]  # placed 1st … 6th


@dataclass(frozen=True)
class RankChart:
    """Mean rank per use case (bars on the 1–6 scale) and the positions (stacked)."""

    title: str
    rows: tuple[RankRow, ...]

    def as_table(self) -> Table:
        return Table((_t("Use case"), _t("Mean rank"), *(_t(o) for o in ORDINALS)),
                     tuple((r.label, f"{r.mean:.2f}", *map(str, r.positions))
                           for r in self.rows), (0.4, 0.12, *[0.08] * 6))


@dataclass(frozen=True)
class DotChart:
    """Mean rank (1–6, 1 at the top) per use case, one marker per series."""

    title: str
    series: tuple[str, ...]
    rows: tuple[tuple[str, tuple[float | None, ...]], ...]  # label, a mean per series

    def as_table(self) -> Table:
        width = 0.6 / max(len(self.series), 1)
        return Table((_t("Use case"), *self.series),
                     tuple((label, *("–" if v is None else f"{v:.2f}" for v in values))
                           for label, values in self.rows),
                     (0.4, *[width] * len(self.series)))


@dataclass(frozen=True)
class BarChart:
    """A count per label, longest first."""

    title: str
    rows: tuple[tuple[str, int], ...]
    unit: str

    def as_table(self) -> Table:
        return Table((_t("Theme"), self.unit), tuple((a, str(b)) for a, b in self.rows),
                     (0.75, 0.25))


@dataclass(frozen=True)
class QuoteBlock:
    text: str
    attribution: str  # "Site, Workshop N (table)"
    kind: Literal["quote", "note"]
    starred: bool = False
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Contents:
    """The contents page: every level-1 and level-2 heading with its page."""


Block = Heading | Para | Table | RankChart | DotChart | BarChart | QuoteBlock | PageBreak | \
    Contents


@dataclass
class ReportDocument:
    title: str
    subtitle: str
    language: str  # BCP 47, e.g. en-GB
    subject: str
    footer: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def headings(self, max_level: int = 2) -> list[Heading]:
        """Every heading up to ``max_level``, in order (``contents`` says which of them
        the contents page lists)."""
        return [b for b in self.blocks if isinstance(b, Heading) and b.level <= max_level]


# -- building ----------------------------------------------------------------------------


def _language() -> str:
    from facilitator.core import i18n

    return "cy-GB" if i18n.language() == i18n.WELSH else "en-GB"


def _plural(n: int, one: str, many: str) -> str:
    return _t(one if n == 1 else many, n)


def _cell(n: int, threshold: int) -> str:
    """A count in a segment table: a small non-zero cell is suppressed."""
    return _t("<%1", threshold) if 0 < n < threshold else str(n)


class DocumentBuilder:
    """``publication``: a report for people outside the team (no data, no ids, no
    merge log); otherwise the pages at the front of a data file."""

    def __init__(self, data: ReportData, *, cross_site: bool, publication: bool) -> None:
        self.data = data
        self.cross = cross_site
        self.publication = publication
        self.pack: SessionPack | None = data.pack
        self.threshold = self.pack.suppression_threshold if self.pack else 5
        self.titles = data.use_case_titles
        sites = ", ".join(s.name for s in data.sites)
        if publication:
            subtitle = _t("Cross-site report: %1", sites) if cross_site else _t(
                "Site report: %1", sites)
        else:
            subtitle = _t("Cross-site data file: %1", sites) if cross_site else _t(
                "Site data file: %1", sites)
        self.doc = ReportDocument(
            title=data.programme, subtitle=subtitle, language=_language(),
            subject=_t("%1 — %2", data.programme, subtitle),
            footer=_t("%1 — %2", data.programme, subtitle) if publication else _t(
                "%1 — confidential, not for publication", subtitle))
        self.appendix: list[Block] = []
        self._appendix_case: list[str | None] = []

    def build(self) -> ReportDocument:
        self.cover()
        self.doc.add(Contents(), PageBreak())
        if not self.cross:
            self.method()
            self.agenda()
            self.rankings()
            self.use_cases()
            self.advice()
        else:
            self.method()
            self.rankings()
            self.use_cases()
            self.cross_cutting()
            self.advice()
        self.appendices()
        return self.doc

    # -- cover -----------------------------------------------------------------------

    def cover(self) -> None:
        d = self.data
        add = self.doc.add
        if not self.publication:
            add(Para(_t(DATA_FILE_BANNER), "warning"))
        add(Para(self.doc.subtitle, "lead"))
        if d.synthetic:
            add(Para(_t("SYNTHETIC DEMONSTRATION DATA — made up by facilitator demo; no "
                        "real person took part."), "warning"))
        if d.rehearsal:
            add(Para(_t("REHEARSAL DATA — practice records, not a real workshop's."),
                     "warning"))
        rows = [(_t("Sites"), ", ".join(s.name for s in d.sites))]
        if d.dates:
            first, last = d.dates
            rows.append((_t("Dates"), first if first == last else _t("%1 to %2", first,
                                                                      last)))
        if not self.publication:
            rows.append((_t("Laptops"), ", ".join(label for _i, label in d.laptops) or "–"))
        rows.append((_t("Participants counted"), ", ".join(
            f"{name}: {n}" for name, n in d.participants.items())))
        counts = {"note": 0, "quote": 0, "advice": 0}
        for q in d.quotes:
            counts[q.kind] = counts.get(q.kind, 0) + 1
        rows.append((_t("Notes, quotes, advice"), _t(
            "%1 notes, %2 quotes, %3 advice items", counts["note"], counts["quote"],
            counts["advice"])))
        rows.append((_t("Made"), _t("%1 by Facilitator %2", datetime.now(UTC).strftime(
            "%Y-%m-%d %H:%M UTC"), __version__)))
        add(Table(("", ""), tuple(rows), (0.27, 0.73), numeric_from=9, key_value=True))
        about = _t("Participants are identified by pseudonymous codes only and appear here "
                   "only as counts. Groups of fewer than %1 people are not shown. Quotes "
                   "from participants who did not agree to be quoted are counted but not "
                   "printed.", self.threshold)
        if self.publication:
            about += " " + _t("This report is for publication: it carries no data file, no "
                              "participant-level records and no internal identifiers.")
        else:
            about += " " + _t("This PDF carries the research records as an attachment "
                              "(facilitator-data.jsonl.gz), which Facilitator's Merge reads. "
                              "For publication, write a report instead (File → Export → "
                              "Publication report, or: facilitator report).")
        add(Para(about, "small"))

    # -- method ------------------------------------------------------------------------

    def method(self) -> None:
        d, pack, add = self.data, self.pack, self.doc.add
        add(Heading(_t("How the dialogue ran"), 1))
        if pack is not None:
            if pack.description:
                add(Para(pack.description))
            add(Heading(_t("The programme"), 2))
            rows = []
            for w in pack.workshops:
                days = d.workshop_dates.get(w.number)
                when = "–" if days is None else days[0] if days[0] == days[1] else _t(
                    "%1 to %2", *days)
                mode = _t("in person") if w.in_person else _t("online")
                rows.append((str(w.number), w.title, mode, when))
            add(Table((_t("Workshop"), _t("Title"), _t("Mode"), _t("Dates")), tuple(rows),
                      (0.12, 0.5, 0.13, 0.25), numeric_from=9))
            for w in pack.workshops:
                if w.description:
                    add(Para(_t("Workshop %1: %2", w.number, w.description), "small"))
            shown = []
            for video in pack.videos:
                where = [str(w.number) for w in pack.workshops
                         if any(step.video == video.id for step in w.steps)]
                speaker = video.speaker + (f" ({video.role})" if video.role else "")
                shown.append((video.title, speaker, ", ".join(where) or "–"))
            if shown:
                add(Heading(_t("Expert videos"), 3))
                add(Table((_t("Video"), _t("Speaker, as the programme names them"),
                           _t("Workshop")), tuple(shown), (0.38, 0.47, 0.15), numeric_from=9))
            add(Heading(_t("The six use cases"), 2))
            cards = tuple((u.title, self._level(u.level), u.definition)
                          for u in pack.use_cases)
            add(Table((_t("Use case"), _t("Level"), _t("Definition")), cards,
                      (0.27, 0.14, 0.59), numeric_from=9))
            add(Para(_t("Each basic use case is paired with the complex one on a similar "
                        "task. The real examples shown to participants:"), "small"))
            for u in pack.use_cases:
                add(Para(_t("%1: %2", u.title, u.example), "small"))
        self.turnout()
        self.quotas()
        add(Heading(_t("How the findings were analysed"), 2))
        add(Para(_t(
            "Rankings: each participant ranked the six use cases from most (1) to least (6) "
            "acceptable. Each workshop's ballots are counted on their own, never pooled. "
            "Mean rank: lower is more acceptable. Borda: 6 points for 1st down to 1 for 6th. "
            "Schulze: pairwise contests by winning votes, strongest paths; use cases in one "
            "tier are tied. Themes: note-takers tagged each note and quote with the "
            "programme's themes; a note counts once under each of its themes. Segment "
            "counts under %1 are shown as \"<%1\" and groups of fewer than %1 ballots are "
            "not shown.", self.threshold), "small"))

    @staticmethod
    def _level(level: str) -> str:
        return _t("basic") if level == "basic" else _t("complex")

    def turnout(self) -> None:
        d, add = self.data, self.doc.add
        if not d.turnout:
            return
        add(Heading(_t("Participants: recruited, attended, took part in all"), 2))
        workshops = sorted({w for row in d.turnout for w in row.attended})
        header = (_t("Site"), _t("Recruited"), _t("Withdrew"),
                  *[_t("W%1", w) for w in workshops], _t("All workshops"))
        rows = []
        for row in d.turnout:
            rows.append((row.site, str(row.recruited), str(row.withdrawn),
                         *[str(row.attended.get(w, 0)) for w in workshops],
                         str(row.all_workshops)))
        if len(d.turnout) > 1:
            rows.append((_t("All sites"), str(sum(r.recruited for r in d.turnout)),
                         str(sum(r.withdrawn for r in d.turnout)),
                         *[str(sum(r.attended.get(w, 0) for r in d.turnout))
                           for w in workshops],
                         str(sum(r.all_workshops for r in d.turnout))))
        rest = 0.75 / (len(header) - 1)
        add(Table(header, tuple(rows), (0.25, *[rest] * (len(header) - 1))))
        add(Para(_t("Attended: checked in at an in-person workshop; for an online "
                    "workshop, a ballot or an attributed note imported from it. All "
                    "workshops: took part in every workshop with such a record."), "small"))

    def _category(self, variable: str, category: str) -> str:
        """A roster category as the report's language names it (the pack's
        ``category_labels_cy``; a derived variable's yes / no)."""
        from facilitator.core import i18n

        if self.pack is not None:
            for var in self.pack.variables:
                if var.id == variable:
                    return var.category_label(category, i18n.language())
        return _t(category) if category in ("yes", "no") else category

    def quotas(self) -> None:
        d, add = self.data, self.doc.add
        sites = list(d.quotas["sites"])
        if not sites:
            return
        add(Heading(_t("Participants: quota and actual"), 2))
        for variable in d.quotas["sites"][sites[0]]:
            header = ["", *[_t("%1 quota / actual", s) for s in sites]]
            if self.cross:
                header.append(_t("Total quota / actual"))
            rows = []
            for category in d.quotas["sites"][sites[0]][variable]:
                cells = []
                total_q: int | None = None
                total_a = 0
                for s in sites:
                    cell = d.quotas["sites"][s][variable].get(category,
                                                             {"quota": None, "actual": 0})
                    cells.append(self._quota_cell(cell["quota"], cell["actual"]))
                    if cell["quota"] is not None:
                        total_q = (total_q or 0) + int(cell["quota"])
                    total_a += int(cell["actual"])
                if self.cross:
                    cells.append(self._quota_cell(total_q, total_a))
                rows.append((self._category(variable, category), *cells))
            label = d.variable_labels.get(variable, variable.replace("_", " ").capitalize())
            add(Heading(label, 3))
            if len(header) == 2:  # one site: a narrow table reads better than a wide one
                add(Table(tuple(header), tuple(rows), (0.35, 0.3)))
                continue
            rest = 0.72 / (len(header) - 1)
            add(Table(tuple(header), tuple(rows), (0.28, *[rest] * (len(header) - 1))))

    @staticmethod
    def _quota_cell(quota: int | None, actual: int) -> str:
        if quota is None:
            return f"– / {actual}"
        if actual < quota:
            return _t("%1 / %2, short %3", quota, actual, quota - actual)
        return f"{quota} / {actual}"

    # -- rankings ----------------------------------------------------------------------

    def rankings(self) -> None:
        d, add = self.data, self.doc.add
        add(PageBreak(), Heading(_t("How acceptable the use cases were"), 1))
        add(Para(_t("Each workshop's rankings are shown on their own: ballots of two "
                    "workshops are never added together. n is the number of ballots; "
                    "ballots from participants on the roster and anonymous ones are "
                    "counted apart."), "small"))
        if not d.results:
            add(Para(_t("No ballots yet.")))
        by_workshop: dict[int, list[tuple[str, list[tuple[dict[str, object],
                                                          GroupResult | None]]]]] = {}
        for by, workshop, groups in d.results:
            by_workshop.setdefault(workshop, []).append((by, groups))
        for workshop, parts in sorted(by_workshop.items()):
            add(Heading(_t("Rankings in Workshop %1", workshop), 2))
            site_groups = [g for by, groups in parts if by == "site" for g in groups]
            shown = [(str(info["value"]), r) for info, r in site_groups if r is not None]
            if len(shown) > 1:
                self._site_chart(workshop, shown)
            for by, groups in parts:
                counted = [(info, r) for info, r in groups if int(str(info["n"]))]
                if by not in ("overall", "site"):
                    if not counted:
                        continue
                    label = d.variable_labels.get(by, by.replace("_", " "))
                    add(Heading(_t("Workshop %1 by %2", workshop,
                                   label[:1].lower() + label[1:]), 2))
                for info, result in counted:
                    self._group(info, result, workshop)
                silent = [str(info["value"]) for info, _r in groups
                          if not int(str(info["n"])) and info["by"] == "site"]
                if silent:
                    add(Para(_t("No ballots in Workshop %1 from: %2.", workshop,
                                ", ".join(silent)), "small"))
        self.shifts()

    def _site_chart(self, workshop: int, shown: Sequence[tuple[str, GroupResult]]) -> None:
        ids = shown[0][1].use_case_ids
        order = sorted(ids, key=lambda u: (sum(r.mean_rank[u] for _n, r in shown), ids.index(u)))
        rows = tuple((self.titles.get(u, u), tuple(r.mean_rank[u] for _n, r in shown))
                     for u in order)
        self.doc.add(DotChart(_t("Mean rank by site, Workshop %1 (1 = most acceptable)",
                                 workshop), tuple(name for name, _r in shown), rows))

    def _group(self, info: dict[str, object], result: GroupResult | None,
               workshop: int) -> None:
        d, add = self.data, self.doc.add
        by = str(info["by"])
        name = _t("All sites") if by == "overall" else str(info["value"])
        if by not in ("overall", "site"):
            name = _t("%1: %2", d.variable_labels.get(by, by), name)
        n = int(str(info["n"]))
        known = int(str(info.get("participants", 0)))
        counted = _plural(n, "%1 ballot", "%1 ballots")
        if by in ("overall", "site"):
            counted = _t("%1 (%2 from participants on the roster, %3 anonymous)", counted,
                         known, n - known)
        add(Heading(_t("%1, Workshop %2: %3", name, workshop, counted), 3))
        if info["suppressed"] or result is None:
            add(Para(_t("Not shown: fewer than %1 ballots (n = %2).", self.threshold, n),
                     "small"))
            return
        order = result.mean_rank_order()
        add(RankChart(_t("%1, Workshop %2 (n = %3)", name, workshop, n), tuple(
            RankRow(self.titles.get(u, u), result.mean_rank[u], tuple(result.positions[u]))
            for u in order)))
        tier_of = {u: i + 1 for i, tier in enumerate(result.schulze) for u in tier}
        rows = tuple((self.titles.get(u, u), f"{result.mean_rank[u]:.2f}",
                      str(result.borda[u]), str(tier_of[u]),
                      *[str(c) for c in result.positions[u]]) for u in order)
        add(Table((_t("Use case"), _t("Mean rank"), _t("Borda"), _t("Schulze tier"),
                   *(_t(o) for o in ORDINALS)), rows, (0.29, 0.11, 0.08, 0.1, *[0.07] * 6)))
        notes = [_t("Workshop %1, n = %2 ballots; methods: mean rank, Borda count, "
                    "Schulze.", workshop, result.n)]
        for a, b in result.disagreements():
            notes.append(_t("The methods disagree: %1 has the better mean rank, but %2 wins "
                            "their head-to-head (Schulze).", self.titles.get(a, a),
                            self.titles.get(b, b)))
        add(*[Para(text, "small") for text in notes])

    def shifts(self) -> None:
        d, add = self.data, self.doc.add
        if not d.shifts:
            return
        add(Heading(_t("Before and after: groups that ranked twice"), 2))
        for shift in d.shifts:
            self._shift(shift, d.site_names.get(shift.site or "", _t("All sites")))

    def _shift(self, shift: RoundShift, site: str) -> None:
        add = self.doc.add
        add(Heading(_t("%1: Workshop %2 and Workshop %3", site, shift.before, shift.after),
                    3))
        add(Para(_t("Workshop %1: %2; Workshop %3: %4; %5 ranked in both, paired by "
                    "their participant code. Moved up: ranked more acceptable in the later "
                    "workshop. Change: the later mean rank minus the earlier; below zero is "
                    "more acceptable.", shift.before,
                    _plural(shift.ballots_before, "%1 ballot", "%1 ballots"), shift.after,
                    _plural(shift.ballots_after, "%1 ballot", "%1 ballots"),
                    _plural(shift.paired, "%1 participant", "%1 participants")), "small"))
        if shift.suppressed:
            add(Para(_t("Not shown: fewer than %1 ballots in a workshop.", self.threshold),
                     "small"))
            return
        ordered = sorted(shift.shifts, key=lambda c: c.mean_after)
        add(DotChart(_t("%1: mean rank in Workshop %2 and Workshop %3", site, shift.before,
                        shift.after),
                     (_t("Workshop %1", shift.before), _t("Workshop %1", shift.after)),
                     tuple((self.titles.get(c.use_case, c.use_case),
                            (c.mean_before, c.mean_after)) for c in ordered)))
        rows = tuple((self.titles.get(c.use_case, c.use_case), f"{c.mean_before:.2f}",
                      f"{c.mean_after:.2f}", f"{c.change:+.2f}", str(c.moved_up),
                      str(c.moved_down), str(c.unchanged)) for c in ordered)
        add(Table((_t("Use case"), _t("Mean rank W%1", shift.before),
                   _t("Mean rank W%1", shift.after), _t("Change"), _t("Moved up"),
                   _t("Moved down"), _t("Same")), rows,
                  (0.34, 0.12, 0.12, 0.1, 0.11, 0.11, 0.1)))

    # -- use cases: themes, then quotes ------------------------------------------------

    def _pairs(self) -> list[tuple[str, str | None]]:
        """Each basic use case with the complex one after it in the pack (a similar task)."""
        if self.pack is None:
            return [(u, None) for u in self.titles]
        cases = list(self.pack.use_cases)
        pairs: list[tuple[str, str | None]] = []
        used: set[str] = set()
        for i, u in enumerate(cases):
            if u.id in used:
                continue
            used.add(u.id)
            partner = next((v for v in cases[i + 1:] if v.id not in used
                            and v.level != u.level), None)
            if partner is not None and u.level == "basic":
                used.add(partner.id)
                pairs.append((u.id, partner.id))
            else:
                pairs.append((u.id, None))
        return pairs

    def use_cases(self) -> None:
        d, add = self.data, self.doc.add
        add(PageBreak(), Heading(_t("What participants said, by use case"), 1))
        add(Para(_t("For each use case: its themes, most mentioned first, with how often "
                    "each came up overall, by site and by group of participants; then the "
                    "quotes under each theme, starred ones first. Up to %1 quotes per theme "
                    "are printed here; the rest are in the appendix.", QUOTES_PER_THEME),
                 "small"))
        by_case: dict[str | None, list[Quote]] = {}
        for q in d.quotes:
            if q.kind != ADVICE:
                by_case.setdefault(q.use_case, []).append(q)
        for basic, complex_ in self._pairs():
            self._use_case(basic, by_case.get(basic, []))
            if complex_ is not None:
                self._use_case(complex_, by_case.get(complex_, []))
                self._compare(basic, complex_, by_case)
        other = by_case.get(None, [])
        if other:
            self._use_case(None, other)

    def _case_title(self, use_case: str | None) -> str:
        if use_case is None:
            return _t("Not about one use case")
        title = self.titles.get(use_case, use_case)
        card = self._card(use_case)
        return title if card is None else _t("%1 (%2)", title, self._level(card.level))

    def _card(self, use_case: str | None) -> UseCase | None:
        """The pack's use case, or None (no pack, or one it no longer lists)."""
        if self.pack is None or use_case is None:
            return None
        return next((u for u in self.pack.use_cases if u.id == use_case), None)

    def _use_case(self, use_case: str | None, items: list[Quote]) -> None:
        add = self.doc.add
        add(Heading(self._case_title(use_case), 2))
        card = self._card(use_case)
        if card is not None:
            add(Para(card.definition, "small"))
        if not items:
            add(Para(_t("Nothing was noted for this use case."), "small"))
            return
        themes = self._theme_counts(items)
        self._theme_tables(themes, items)
        by_theme: dict[str, list[Quote]] = {}
        for q in items:
            by_theme.setdefault((q.themes or (OTHER_THEME,))[0], []).append(q)
        for theme, _count in themes:
            quotes = [q for q in by_theme.get(theme, []) if q.kind == "quote"]
            notes = [q for q in by_theme.get(theme, []) if q.kind == "note"]
            withheld = [q for q in quotes if q.withheld]
            printable = sorted((q for q in quotes if not q.withheld),
                               key=lambda q: (not q.starred, q.noted_at))
            if not printable and not withheld and not notes:
                continue
            add(Heading(_t("%1 (%2)", theme, _plural(_count, "%1 mention", "%1 mentions")),
                        3))
            for q in printable[:QUOTES_PER_THEME]:
                add(self._quote(q))
            rest = printable[QUOTES_PER_THEME:]
            # Few quotes: the table notes fill the theme's place, starred first.
            notes = sorted(notes, key=lambda q: (not q.starred, q.noted_at))
            room = max(0, QUOTES_PER_THEME - len(printable))
            for q in notes[:room]:
                add(self._quote(q))
            notes = notes[room:]
            extra = []
            if rest or notes:
                if not self._appendix_case or self._appendix_case[-1] != use_case:
                    self._appendix_case.append(use_case)
                    self.appendix.append(Heading(self._case_title(use_case), 2,
                                                 contents=False))
                self.appendix.append(Heading(theme, 3))
            if rest:
                extra.append(_plural(len(rest), "%1 more quote in the appendix",
                                     "%1 more quotes in the appendix"))
                self.appendix.extend(self._quote(q) for q in rest)
            if notes:
                extra.append(_plural(len(notes), "%1 table note in the appendix",
                                     "%1 table notes in the appendix"))
                self.appendix.extend(self._quote(q) for q in notes)
            if withheld:
                extra.append(_plural(
                    len(withheld), "%1 quote from a participant who did not agree to be "
                    "quoted is counted here, not printed",
                    "%1 quotes from participants who did not agree to be quoted are "
                    "counted here, not printed"))
            if extra:
                add(Para("; ".join(extra) + ".", "small"))

    @staticmethod
    def _quote(q: Quote) -> QuoteBlock:
        kind: Literal["quote", "note"] = "quote" if q.kind == "quote" else "note"
        return QuoteBlock(q.text, q.attribution, kind, q.starred, q.themes)

    def _theme_counts(self, items: Sequence[Quote]) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for q in items:
            for theme in q.themes or (OTHER_THEME,):
                counts[theme] = counts.get(theme, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def _theme_tables(self, themes: list[tuple[str, int]], items: Sequence[Quote]) -> None:
        d, add = self.data, self.doc.add
        sites = [s.name for s in d.sites]
        per_site: dict[str, dict[str, int]] = {}
        for q in items:
            for theme in q.themes or (OTHER_THEME,):
                per_site.setdefault(theme, {}).setdefault(q.site, 0)
                per_site[theme][q.site] += 1
        if self.cross and len(sites) > 1:
            header = (_t("Theme"), _t("All"), *sites)
            rows = tuple((theme, str(count), *[str(per_site[theme].get(s, 0)) for s in sites])
                         for theme, count in themes)
            rest = 0.45 / (len(sites) + 1)
            add(Table(header, rows, (0.55, *[rest] * (len(sites) + 1))))
        else:
            add(Table((_t("Theme"), _t("Notes and quotes")),
                      tuple((theme, str(count)) for theme, count in themes), (0.7, 0.3)))
        hidden = [label for label in (self._theme_by_variable(v, themes, items)
                                      for v in THEME_VARIABLES) if label]
        if hidden:
            self.doc.add(Para(_t("By %1: every count is under %2, so none is shown.",
                                 ", ".join(hidden), self.threshold), "small"))

    def _theme_by_variable(self, variable: str, themes: list[tuple[str, int]],
                           items: Sequence[Quote]) -> str:
        """Adds the table of themes by ``variable``; returns the variable's label
        instead when every count in it would be suppressed (a table of "<5" says
        nothing)."""
        d, pack = self.data, self.pack
        if pack is None or not any(v.id == variable for v in pack.variables):
            return ""
        # A category with fewer people than the threshold is left out whole: counts
        # of its mentions would point at those few people.
        people: dict[str, int] = {}
        for values in d.people.values():
            category = values.get(variable, NOT_RECORDED)
            people[category] = people.get(category, 0) + 1
        categories = [c for c in (*pack.variable(variable).categories, NOT_RECORDED)
                      if people.get(c, 0) >= self.threshold]
        counts: dict[str, dict[str, int]] = {}
        for q in items:
            person = d.people.get(q.participant or "")
            if person is None:
                continue
            category = person.get(variable, NOT_RECORDED)
            if category not in categories:
                continue
            for theme in q.themes or (OTHER_THEME,):
                counts.setdefault(theme, {}).setdefault(category, 0)
                counts[theme][category] += 1
        if not counts:
            return ""
        used = [c for c in categories if any(c in per for per in counts.values())]
        label = d.variable_labels.get(variable, variable)
        if all(n < self.threshold for per in counts.values() for n in per.values()):
            return label[:1].lower() + label[1:]
        header = (_t("Theme, by %1", label[:1].lower() + label[1:]),
                  *(self._category(variable, c) for c in used))
        rows = tuple((theme, *[_cell(counts.get(theme, {}).get(c, 0), self.threshold)
                               for c in used]) for theme, _n in themes if theme in counts)
        first = 0.55 if len(used) <= 4 else 0.34
        rest = (1 - first) / max(len(used), 1)
        self.doc.add(Table(header, rows, (first, *[rest] * len(used))))
        return ""

    def _compare(self, basic: str, complex_: str,
                 by_case: dict[str | None, list[Quote]]) -> None:
        add = self.doc.add
        a, b = self.titles.get(basic, basic), self.titles.get(complex_, complex_)
        add(Heading(_t("Basic and complex compared: %1 and %2", a, b), 3))
        latest = self._latest_overall()
        parts = []
        if latest is not None:
            workshop, result = latest
            parts.append(_t("In Workshop %1 %2 (basic) had a mean rank of %3 and %4 "
                            "(complex) %5 (1 = most acceptable).", workshop, a,
                            f"{result.mean_rank[basic]:.2f}", b,
                            f"{result.mean_rank[complex_]:.2f}"))
        themes_a = {t for q in by_case.get(basic, []) for t in q.themes}
        themes_b = {t for q in by_case.get(complex_, []) for t in q.themes}
        shared = sorted(themes_a & themes_b)
        parts.append(_t("Themes raised about both: %1.", ", ".join(shared)) if shared else
                     _t("No theme was raised about both."))
        if themes_a - themes_b:
            parts.append(_t("Only about the basic use case: %1.",
                            ", ".join(sorted(themes_a - themes_b))))
        if themes_b - themes_a:
            parts.append(_t("Only about the complex use case: %1.",
                            ", ".join(sorted(themes_b - themes_a))))
        add(Para(" ".join(parts)))

    def _latest_overall(self) -> tuple[int, GroupResult] | None:
        found = None
        wanted = "overall" if self.cross else "site"
        for by, workshop, groups in self.data.results:
            if by == wanted and groups and groups[0][1] is not None:
                found = (workshop, groups[0][1])
        return found

    # -- themes across use cases -------------------------------------------------------

    def cross_cutting(self) -> None:
        d, add = self.data, self.doc.add
        counts: dict[str, dict[str | None, int]] = {}
        names: dict[str, str] = {}
        for q in d.quotes:
            if q.kind == ADVICE:
                continue
            for theme in q.themes:
                key = theme.casefold()
                names.setdefault(key, theme)
                counts.setdefault(key, {}).setdefault(q.use_case, 0)
                counts[key][q.use_case] += 1
        if not counts:
            return
        add(PageBreak(), Heading(_t("Themes across the use cases"), 1))
        add(Para(_t("Each theme's mentions in every use case, most mentioned first; a "
                    "theme with the same name in several use cases is one row."), "small"))
        cases = list(self.titles)
        totals = sorted(counts, key=lambda k: (-sum(counts[k].values()), names[k]))
        add(BarChart(_t("The most mentioned themes, all use cases"),
                     tuple((names[k], sum(counts[k].values())) for k in totals[:12]),
                     _t("Mentions")))
        header = (_t("Theme"), _t("All"), *[self._short(c) for c in cases])
        rows = tuple((names[k], str(sum(counts[k].values())),
                      *[str(counts[k].get(c, 0) or "") for c in cases]) for k in totals)
        rest = 0.66 / (len(cases) + 1)
        add(Para(_t("Columns: %1.", "; ".join(
            f"{self._short(c)} = {self.titles[c]}" for c in cases)), "small"))
        add(Table(header, rows, (0.34, *[rest] * (len(cases) + 1))))

    def _short(self, use_case: str) -> str:
        return _t("UC%1", list(self.titles).index(use_case) + 1)

    # -- advice ------------------------------------------------------------------------

    def advice(self) -> None:
        d, add = self.data, self.doc.add
        add(PageBreak(), Heading(_t("Advice for government and police forces"), 1))
        items = [i for i in d.advice if i.combined_into is None]
        if not items:
            add(Para(_t("No advice was recorded."), "small"))
            return
        allowance = self.pack.dot_allowance if self.pack else 3
        cap = self.pack.dot_cap if self.pack else 2
        add(Para(_t("Participants prioritised the advice with dots: each had %1 dots to "
                    "place on the combined list, at most %2 on one item. Themes are in "
                    "order of their dots, and each theme's advice most dots first. Where an "
                    "item came from is given by site; an item combined from several shows "
                    "what it was made from.", allowance, cap), "small"))
        by_theme: dict[str, list[Any]] = {}
        for item in items:
            by_theme.setdefault(item.theme, []).append(item)
        texts = {item.id: item for item in d.advice}
        names = {s.id: s.name for s in d.sites}
        ordered = sorted(by_theme.items(),
                         key=lambda kv: (-sum(i.dots for i in kv[1]), kv[0]))
        add(Table((_t("Advice theme"), _t("Items"), _t("Dots")),
                  tuple((theme, str(len(group)), str(sum(i.dots for i in group)))
                        for theme, group in ordered), (0.6, 0.2, 0.2)))
        for theme, group in ordered:
            add(Heading(theme, 2))
            for item in sorted(group, key=lambda i: (-i.dots, i.text)):
                votes = _t("%1 from %2", _plural(item.dots, "%1 dot", "%1 dots"),
                           _plural(item.voters, "%1 person", "%1 people"))
                where = ", ".join(item.sites) or "–"
                if self.cross and item.by_site:
                    per = "; ".join(f"{names.get(site, site)} {tally.dots}"
                                    for site, tally in sorted(item.by_site.items()))
                    votes += f" ({per})"
                attribution = _t("%1 · %2", where, votes)
                if not self.publication:  # it names the item on a priorities sheet
                    attribution = _t("%1 · item %2", attribution, item.short_id)
                add(QuoteBlock(item.text, attribution, "note"))
                for original_id in item.combined_from:
                    original = texts.get(original_id)
                    if original is not None:
                        add(Para(_t("Combined from: %1 — %2", original.text,
                                    ", ".join(original.sites)), "aside"))

    # -- the agenda as run, appendices -------------------------------------------------

    def agenda(self, level: int = 1) -> None:
        d, add = self.data, self.doc.add
        if not d.days:
            return  # no empty chapter: the method chapter says how the day was planned
        add(PageBreak(), Heading(_t("Appendix: the agenda as run") if self.cross else
                                 _t("The agenda as run"), level))
        if not d.days:
            add(Para(_t("No laptop ran the agenda for these sites."), "small"))
            return
        for day in d.days:
            title = _t("%1, Workshop %2 — %3", day.site, day.workshop, day.laptop)
            if day.started:
                title = _t("%1, started %2", title, day.started)
            add(Heading(title, 2 if level == 1 else 3))
            add(Table((_t("Step"), _t("Planned (min)"), _t("Actual (min)"), _t("Outcome")),
                      tuple((step.title, _minutes(step.planned_minutes),
                             _minutes(step.actual_minutes), step.outcome)
                            for step in day.steps), (0.55, 0.15, 0.15, 0.15)))
            if day.videos:
                add(Table((_t("Video"), _t("Started"), _t("Played to the end")),
                          tuple((title_, started, _t("yes") if done else _t("no"))
                                for title_, started, done in day.videos),
                          (0.55, 0.25, 0.2), numeric_from=9))

    def appendices(self) -> None:
        add = self.doc.add
        if self.appendix:
            add(PageBreak(), Heading(_t("Appendix: more quotes and the table notes"), 1))
            add(Para(_t("The quotes beyond the first %1 under each theme, and the table "
                        "notes, by use case and theme.", QUOTES_PER_THEME), "small"))
            add(*self.appendix)
        if self.cross:
            self.agenda()
            if not self.publication:
                self.merged()

    def merged(self) -> None:
        d, add = self.data, self.doc.add
        add(Heading(_t("Appendix: what was merged"), 1))
        if d.merge_log:
            from pathlib import PurePath

            rows = tuple((PurePath(str(r["file"]).replace("\\", "/")).name, str(r["kind"]),
                          str(r["records_added"]), str(r["records_updated"]),
                          str(r["conflicts"]), _t("yes") if r["seen_before"] else "")
                         for r in d.merge_log)
            add(Table((_t("File"), _t("Kind"), _t("Added"), _t("Changed"), _t("Conflicts"),
                       _t("Again")), rows, (0.4, 0.14, 0.11, 0.11, 0.13, 0.11),
                      numeric_from=2))
        else:
            add(Para(_t("Nothing was merged into this database."), "small"))
        if not d.conflicts:
            add(Para(_t("No record was edited differently on two laptops."), "small"))
            return
        per: dict[str, int] = {}
        for c in d.conflicts:
            per[str(c["table_name"])] = per.get(str(c["table_name"]), 0) + 1
        add(Para(_t("Versions kept from records edited differently on two laptops "
                    "(the app's Merge window shows each): %1.", ", ".join(
                        f"{table} {n}" for table, n in sorted(per.items()))), "small"))


def _minutes(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def build_document(data: ReportData, *, cross_site: bool,
                   publication: bool = True) -> ReportDocument:
    """The report's content as blocks, for the PDF and the Word renderers.

    ``publication`` False gives the pages at the front of a data file (a site export
    or the cross-site data file): a confidentiality banner, laptops, advice item ids
    and, cross-site, what was merged."""
    return DocumentBuilder(data, cross_site=cross_site, publication=publication).build()
