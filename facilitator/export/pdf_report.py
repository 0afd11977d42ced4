"""The report as PDF pages (reportlab, no Qt): renders ``report_model``'s blocks.

One pass: headings become outline entries (bookmarks) and contents lines; the
contents' page numbers and the "of M" of "page N of M" are PDF forms drawn on each
page and defined once the last page is known, so the document is laid out once.

All user text is escaped before it reaches reportlab's mini-markup, so a note that
says ``<b>`` or ``&`` prints literally; DejaVu Sans from ``assets/fonts`` renders
Welsh (ŵ, ŷ) and curly quotes on every OS; a character the font lacks (most emoji)
prints as a replacement mark instead of breaking the export.
"""

from __future__ import annotations

import io
import re
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from facilitator import __version__
from facilitator.core.errors import Progress
from facilitator.core.palette import POSITION_COLOURS, RANK_BAR, acceptability
from facilitator.core.palette import ink_on as palette_ink_on
from facilitator.core.paths import fonts_dir
from facilitator.export import report_model as model
from facilitator.export.report_data import ReportData

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
# Okabe–Ito, the palette of the app's screens; never the only carrier of meaning.
PALETTE = ["#0072B2", "#56B4E9", "#009E73", "#F0E442", "#E69F00", "#D55E00"]
INK = colors.HexColor("#101418")
MUTED = colors.HexColor("#4A545F")
RULE = colors.HexColor("#B8C0C8")
SHADE = colors.HexColor("#EEF2F5")
MAX_QUOTE_CHARS = 20_000
DATA_FILE_BANNER = model.DATA_FILE_BANNER
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def register_fonts() -> None:
    registered = pdfmetrics.getRegisteredFontNames()
    for name in (FONT, FONT_BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(fonts_dir() / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)


FALLBACK_FONT = "Symbola"  # emoji and symbols DejaVu lacks (assets/fonts, free licence)
_INVISIBLE = dict.fromkeys(map(ord, "\ufe0e\ufe0f\u200d"))  # emoji selectors and joiners


@cache
def _glyphs() -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(FONT)
    return frozenset(font.face.charWidths.keys())


@cache
def _fallback_glyphs() -> frozenset[int]:
    path = fonts_dir() / f"{FALLBACK_FONT}.ttf"
    if not path.exists():
        return frozenset()
    if FALLBACK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FALLBACK_FONT, str(path)))
    return frozenset(pdfmetrics.getFont(FALLBACK_FONT).face.charWidths.keys())


def plain(text: str) -> str:
    """User text as the font can draw it: no control characters, a replacement mark
    for a glyph DejaVu lacks (for canvas strings, chart labels and outline titles)."""
    glyphs = _glyphs()
    cleaned = _CONTROL.sub("", text).translate(_INVISIBLE)
    return "".join(ch if ord(ch) in glyphs or ch in "\n\t" else "\ufffd"
                   if 0xFFFD in glyphs else "?" for ch in cleaned)


def safe(text: str) -> str:
    """User text as Paragraph markup: escaped, line breaks kept; a glyph DejaVu lacks
    (an emoji) drawn in the fallback font, and one no font has shown as a visible mark."""
    glyphs = _glyphs()
    cleaned = _CONTROL.sub("", text).translate(_INVISIBLE)
    if all(ord(ch) in glyphs or ch in "\n\t" for ch in set(cleaned)):
        # The usual quote: every character drawable, escaped at once.
        return escape(cleaned).replace("\n", "<br/>").replace("\t", " ")
    parts: list[str] = []
    for ch in cleaned:
        if ord(ch) in glyphs or ch in "\n\t":
            parts.append(escape(ch))
        elif ord(ch) in _fallback_glyphs():
            parts.append(f"<font name='{FALLBACK_FONT}'>{escape(ch)}</font>")
        else:
            parts.append("\ufffd" if 0xFFFD in glyphs else "?")
    return "".join(parts).replace("\n", "<br/>").replace("\t", " ")


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
        "h1": ParagraphStyle("h1", parent=base, keepWithNext=1, fontName=FONT_BOLD, fontSize=15, leading=20,
                             spaceBefore=10, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, keepWithNext=1, fontName=FONT_BOLD, fontSize=11.5,
                             leading=15, spaceBefore=8, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base, keepWithNext=1, fontName=FONT_BOLD, fontSize=10,
                             leading=13, spaceBefore=6, spaceAfter=2),
        "quote": ParagraphStyle("quote", parent=base, leftIndent=10, spaceAfter=5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "cellbold": ParagraphStyle("cellbold", parent=base, fontName=FONT_BOLD, fontSize=8.5,
                                   leading=10.5),
        "cellhead": ParagraphStyle("cellhead", parent=base, fontName=FONT_BOLD, fontSize=8,
                                   leading=10),
        "cellr": ParagraphStyle("cellr", parent=base, fontSize=8.5, leading=10.5,
                                alignment=TA_RIGHT),
        "cellheadr": ParagraphStyle("cellheadr", parent=base, fontName=FONT_BOLD, fontSize=8,
                                    leading=10, alignment=TA_RIGHT),
        "aside": ParagraphStyle("aside", parent=base, fontSize=8, leading=10.5,
                                textColor=MUTED, leftIndent=24),
        "caption": ParagraphStyle("caption", parent=base, fontName=FONT_BOLD, fontSize=9,
                                  leading=12, spaceBefore=4, spaceAfter=2),
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


# -- colours and contrast ---------------------------------------------------------------

WHITE = "#FFFFFF"
INK_HEX = "#101418"


def ink_on(fill: str) -> str:
    """The text colour (white or ink) with the higher contrast on ``fill``."""
    return palette_ink_on(fill, dark=INK_HEX)


# Series markers for charts comparing sites or rounds: colour and shape both differ.
SERIES = (("#0072B2", "circle"), ("#D55E00", "square"), ("#009E73", "diamond"),
          ("#CC79A7", "triangle"), ("#E69F00", "circle"), ("#56B4E9", "square"))
TEXT_WIDTH = A4[0] - 36 * mm
LABEL_PT = 8.0  # no chart label is smaller


# -- charts ------------------------------------------------------------------------------


def _fit(text: str, width: float) -> str:
    """``text`` clipped (with …) to ``width`` points at the chart's label size: long
    Welsh titles never run into the bars."""
    text = " ".join(plain(text).split())
    if pdfmetrics.stringWidth(text, FONT, LABEL_PT) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, LABEL_PT) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _clip(text: str, limit: int) -> str:
    text = " ".join(plain(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _rank_x(x0: float, width: float, mean: float) -> float:
    """Where a mean rank sits on the axis: 6 (least acceptable) at the left, 1 (most) at
    the right, so a longer bar is more acceptable, as on the app's screens."""
    return x0 + width * acceptability(mean, 6)


def _axis(drawing: Drawing, x0: float, width: float, y_top: float, y_bottom: float,
          caption: str) -> None:
    """A mean-rank axis 6 … 1 along the bottom, with grid lines up to the top."""
    for tick in range(1, 7):
        x = _rank_x(x0, width, tick)
        drawing.add(Line(x, y_bottom, x, y_top, strokeColor=RULE, strokeWidth=0.4))
        drawing.add(String(x, y_bottom - 10, str(tick), fontName=FONT, fontSize=LABEL_PT,
                           fillColor=INK, textAnchor="middle"))
    drawing.add(Line(x0, y_bottom, x0 + width, y_bottom, strokeColor=MUTED, strokeWidth=0.8))
    drawing.add(String(x0 + width / 2, y_bottom - 21, caption, fontName=FONT,
                       fontSize=LABEL_PT, fillColor=MUTED, textAnchor="middle"))


def rank_chart(chart: model.RankChart, width: float = TEXT_WIDTH) -> Drawing:
    """Mean rank on its 1–6 scale (1 = most acceptable, best at the top) beside how
    often each use case was placed 1st … 6th, with a legend."""
    row_h, label_w, gap = 17.0, 58 * mm, 13 * mm
    axis_w = 48 * mm
    stack_x = label_w + axis_w + gap
    stack_w = width - stack_x - 2
    rows = chart.rows
    top_pad, bottom_pad = 20.0, 36.0
    height = top_pad + row_h * len(rows) + bottom_pad
    d = Drawing(width, height)
    y_top = height - top_pad
    y_bottom = bottom_pad
    d.add(String(label_w, height - 10, _t("Mean rank (1 = most acceptable)"),
                 fontName=FONT_BOLD, fontSize=LABEL_PT, fillColor=INK))
    d.add(String(stack_x, height - 10, _t("Placed 1st … 6th (ballots)"), fontName=FONT_BOLD,
                 fontSize=LABEL_PT, fillColor=INK))
    _axis(d, label_w, axis_w, y_top, y_bottom, _t("longer bar = more acceptable"))
    # legend under the stacked bars, spread across their width (never past the margin)
    ordinals = [_t(label) for label in model.ORDINALS]
    items = [9 + pdfmetrics.stringWidth(label, FONT, LABEL_PT) for label in ordinals]
    spacing = max(3.0, (stack_w - sum(items)) / (len(items) - 1))
    swatch_x = min(stack_x, width - sum(items) - spacing * (len(items) - 1))
    for p, label in enumerate(ordinals):
        d.add(Rect(swatch_x, 12, 7, 7, fillColor=colors.HexColor(POSITION_COLOURS[p % 6]),
                   strokeColor=INK, strokeWidth=0.3))
        d.add(String(swatch_x + 9, 12.5, label, fontName=FONT, fontSize=LABEL_PT,
                     fillColor=INK))
        swatch_x += items[p] + spacing
    for i, row in enumerate(rows):
        y = y_top - (i + 1) * row_h
        d.add(String(0, y + 5, _fit(row.label, label_w - 6), fontName=FONT, fontSize=LABEL_PT,
                     fillColor=INK))
        x_mean = _rank_x(label_w, axis_w, row.mean)
        d.add(Rect(label_w, y + 2, max(1.0, x_mean - label_w), row_h - 5,
                   fillColor=colors.HexColor(RANK_BAR), strokeColor=None))
        d.add(String(x_mean + 6, y + 5, f"{row.mean:.2f}", fontName=FONT, fontSize=LABEL_PT,
                     fillColor=INK))
        total = max(sum(row.positions), 1)
        x = stack_x
        for p, count in enumerate(row.positions):
            w = stack_w * count / total
            if w > 0:
                fill = POSITION_COLOURS[p % len(POSITION_COLOURS)]
                d.add(Rect(x, y + 2, w, row_h - 5, fillColor=colors.HexColor(fill),
                           strokeColor=colors.white, strokeWidth=0.6))
                if w > 14:
                    d.add(String(x + w / 2, y + 5.5, str(count), fontName=FONT,
                                 fontSize=LABEL_PT, fillColor=colors.HexColor(ink_on(fill)),
                                 textAnchor="middle"))
            x += w
    return d


def _marker(d: Drawing, shape: str, x: float, y: float, colour: str) -> None:
    fill = colors.HexColor(colour)
    if shape == "circle":
        d.add(Circle(x, y, 3.6, fillColor=fill, strokeColor=colors.white, strokeWidth=0.5))
    elif shape == "square":
        d.add(Rect(x - 3.3, y - 3.3, 6.6, 6.6, fillColor=fill, strokeColor=colors.white,
                   strokeWidth=0.5))
    elif shape == "diamond":
        d.add(Polygon([x, y + 4.4, x + 4.4, y, x, y - 4.4, x - 4.4, y], fillColor=fill,
                      strokeColor=colors.white, strokeWidth=0.5))
    else:
        d.add(Polygon([x, y + 4.4, x + 4.2, y - 3.2, x - 4.2, y - 3.2], fillColor=fill,
                      strokeColor=colors.white, strokeWidth=0.5))


def dot_chart(chart: model.DotChart, width: float = TEXT_WIDTH) -> Drawing:
    """Mean rank per use case (1 = most acceptable, left), one marker per series."""
    row_h, label_w = 17.0, 62 * mm
    axis_w = width - label_w - 12
    top_pad, bottom_pad = 20.0, 36.0
    height = top_pad + row_h * len(chart.rows) + bottom_pad
    d = Drawing(width, height)
    y_top, y_bottom = height - top_pad, bottom_pad
    x = label_w
    for k, name in enumerate(chart.series):
        colour, shape = SERIES[k % len(SERIES)]
        _marker(d, shape, x + 4, height - 7, colour)
        name = _clip(name, 40)
        d.add(String(x + 11, height - 10, name, fontName=FONT, fontSize=LABEL_PT,
                     fillColor=INK))
        x += 14 + pdfmetrics.stringWidth(name, FONT, LABEL_PT) + 14
    _axis(d, label_w, axis_w, y_top, y_bottom, _t("Mean rank: 6 = least acceptable, "
                                                  "1 = most acceptable (right)"))
    for i, (label, values) in enumerate(chart.rows):
        y = y_top - (i + 1) * row_h + 8
        d.add(String(0, y - 3, _fit(label, label_w - 6), fontName=FONT, fontSize=LABEL_PT,
                     fillColor=INK))
        xs = [_rank_x(label_w, axis_w, v) for v in values if v is not None]
        if len(xs) > 1:
            d.add(Line(min(xs), y, max(xs), y, strokeColor=MUTED, strokeWidth=0.8))
        for k, v in enumerate(values):
            if v is not None:  # each series a little apart, so equal means stay visible
                colour, shape = SERIES[k % len(SERIES)]
                nudge = (k - (len(values) - 1) / 2) * 3.2
                _marker(d, shape, _rank_x(label_w, axis_w, v), y + nudge, colour)
    return d


def bar_chart(chart: model.BarChart, width: float = TEXT_WIDTH) -> Drawing:
    row_h, label_w = 15.0, 70 * mm
    bar_w = width - label_w - 30
    peak = max((n for _l, n in chart.rows), default=1) or 1
    height = 20 + row_h * len(chart.rows) + 26
    d = Drawing(width, height)
    y_top, y_bottom = height - 16, 26.0
    d.add(String(label_w, height - 10, chart.unit, fontName=FONT_BOLD, fontSize=LABEL_PT,
                 fillColor=INK))
    step = max(1, round(peak / 5))
    for tick in range(0, peak + 1, step):
        x = label_w + bar_w * tick / peak
        d.add(Line(x, y_bottom, x, y_top, strokeColor=RULE, strokeWidth=0.4))
        d.add(String(x, y_bottom - 10, str(tick), fontName=FONT, fontSize=LABEL_PT,
                     fillColor=INK, textAnchor="middle"))
    d.add(Line(label_w, y_bottom, label_w + bar_w, y_bottom, strokeColor=MUTED,
               strokeWidth=0.8))
    for i, (label, n) in enumerate(chart.rows):
        y = y_top - (i + 1) * row_h
        d.add(String(0, y + 4, _fit(label, label_w - 6), fontName=FONT, fontSize=LABEL_PT,
                     fillColor=INK))
        w = bar_w * n / peak
        d.add(Rect(label_w, y + 1.5, w, row_h - 4, fillColor=colors.HexColor(PALETTE[0]),
                   strokeColor=None))
        d.add(String(label_w + w + 3, y + 4, str(n), fontName=FONT, fontSize=LABEL_PT,
                     fillColor=INK))
    return d


# -- the document -------------------------------------------------------------------------


class _Forms:
    """Numbers known only at the end (page totals, contents pages), drawn as PDF forms,
    and the files to embed."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.pages = 0
        self.files: dict[str, bytes] = {}


def embed_files(canvas: Any, files: dict[str, bytes]) -> None:
    """Standard PDF file attachments (the catalog's EmbeddedFiles name tree), written
    by reportlab with the pages: no second parse of the PDF to attach a file."""
    from reportlab.pdfbase.pdfdoc import (
        PDFArray,
        PDFDictionary,
        PDFName,
        PDFStream,
        PDFString,
    )

    if not files:
        return
    doc = canvas._doc
    names: list[Any] = []
    for name in sorted(files):
        data = files[name]
        stream = PDFStream(PDFDictionary({"Type": PDFName("EmbeddedFile"),
                                          "Params": PDFDictionary({"Size": len(data)})}),
                           data, filters=[])
        stream.dictionary["Filter"] = PDFArray([])  # stored as given (already gzip)
        spec = PDFDictionary({"Type": PDFName("Filespec"), "F": PDFString(name),
                              "UF": PDFString(name),
                              "EF": PDFDictionary({"F": doc.Reference(stream)})})
        names += [PDFString(name), doc.Reference(spec)]
    doc.Catalog.Names = PDFDictionary({"EmbeddedFiles": PDFDictionary(
        {"Names": PDFArray(names)})})


class _Canvas(Canvas):
    """Defines the pending forms just before the file is written."""

    forms: _Forms

    def save(self) -> None:
        embed_files(self, self.forms.files)
        self.forms.values["pages"] = " " + str(self.forms.pages)
        for name, text in self.forms.values.items():
            self.beginForm(name, lowerx=-200, lowery=-4, upperx=200, uppery=20)
            self.setFont(FONT, 8 if name == "pages" else 9)
            if name == "pages":
                self.setFillColor(MUTED)
                self.drawString(0, 0, text)
            else:
                self.setFillColor(INK)
                self.drawRightString(0, 0, text)
            self.endForm()
        super().save()


class _TocLine(Flowable):
    """One contents line: the heading, a dotted leader and its page (a form)."""

    def __init__(self, index: int, text: str, level: int, key: str,
                 style: ParagraphStyle) -> None:
        super().__init__()
        self.index, self.text, self.level, self.key = index, text, level, key
        self.style = style
        self.indent = 0 if level == 1 else 14

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = 16 if self.level == 1 else 13
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        font = FONT_BOLD if self.level == 1 else FONT
        size = 10 if self.level == 1 else 9
        c.setFont(font, size)
        c.setFillColor(INK)
        text = _clip(self.text, 90)
        c.drawString(self.indent, 3, text)
        end = self.indent + pdfmetrics.stringWidth(text, font, size) + 4
        c.setFont(FONT, size)
        c.setFillColor(RULE)
        dots = max(0, int((self.width - 30 - end) / pdfmetrics.stringWidth(". ", FONT, size)))
        c.drawString(end, 3, ". " * dots)
        c.saveState()
        c.translate(self.width, 3)
        c.doForm(f"toc{self.index}")
        c.restoreState()
        c.linkRect("", self.key, (self.indent, 0, self.width, self.height), relative=1,
                   thickness=0)


class _Heading(Paragraph):
    outline: tuple[str, int, str]  # text, level, key


class _ReportTemplate(BaseDocTemplate):
    def __init__(self, out: io.BytesIO, document: model.ReportDocument, forms: _Forms,
                 toc: dict[str, int]) -> None:
        super().__init__(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                         topMargin=16 * mm, bottomMargin=18 * mm, title=document.title + (
                             " — " + document.subtitle if document.subtitle else ""),
                         author="Facilitator", subject=document.subject,
                         lang=document.language, creator="Facilitator " + __version__)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._footer)])
        self.document = document
        self.forms = forms
        self.toc = toc
        self._outline_level = -1

    def _footer(self, canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(18 * mm, 10 * mm, _clip(self.document.footer, 95))
        page = _t("page %1 of", doc.page)
        # Left-anchored so the total (a form, known at the end) follows without a gap.
        x = A4[0] - 18 * mm - pdfmetrics.stringWidth(_t("page %1 of", 888) + " 888", FONT, 8)
        y = 10 * mm
        canvas.drawString(x, y, page)
        shift = x + pdfmetrics.stringWidth(page, FONT, 8)
        canvas.translate(shift, y)
        canvas.doForm("pages")
        canvas.restoreState()
        self.forms.pages = max(self.forms.pages, doc.page)

    def afterFlowable(self, flowable: Flowable) -> None:
        outline = getattr(flowable, "outline", None)
        if outline is None:
            return
        text, level, key = outline
        canvas = self.canv
        canvas.bookmarkPage(key)
        wanted = min(level - 1, self._outline_level + 1)  # outlines cannot skip a level
        canvas.addOutlineEntry(" ".join(plain(text).split()), key, level=wanted,
                               closed=level >= 2)
        self._outline_level = wanted
        if key in self.toc:
            self.forms.values[f"toc{self.toc[key]}"] = str(self.page)


def _t(text: str, *args: object) -> str:
    """A fixed wording of the PDF's furniture (one place to translate)."""
    return model._t(text, *args)


class PdfRenderer:
    """Flowables for a ``ReportDocument``'s blocks."""

    def __init__(self, document: model.ReportDocument) -> None:
        self.document = document
        self.s = styles()
        self.keys = [f"h{i}" for i in range(len(document.blocks))]
        self.toc: dict[str, int] = {}

    def flowables(self, progress: Progress | None = None) -> list[Flowable]:
        story: list[Flowable] = [Paragraph(safe(self.document.title), self.s["title"])]
        blocks = self.document.blocks
        for i, block in enumerate(blocks):
            if progress is not None and i % 200 == 0:
                progress(i, len(blocks) + 1)
            story.extend(self.block(i, block))
        return story

    def block(self, i: int, block: model.Block) -> list[Flowable]:
        s = self.s
        if isinstance(block, model.Heading):
            level = max(1, min(block.level, 3))
            blocks = self.document.blocks
            before_table = i + 1 < len(blocks) and isinstance(blocks[i + 1], model.Table)
            # A heading keeps with what follows; before a table (which splits across
            # pages) the room reserved above is enough, so no half-empty page.
            style = s[f"h{level}"]
            if before_table:
                style = ParagraphStyle(f"h{level}-split", parent=style, keepWithNext=0)
            flowable = _Heading(safe(block.text), style)
            flowable.outline = (block.text, level, self.keys[i])
            if level == 1:
                return [CondPageBreak(60 * mm), flowable]
            return [CondPageBreak(40 * mm if before_table else 30 * mm), flowable]
        if isinstance(block, model.Para):
            return [Paragraph(safe(block.text), s[{"body": "body", "small": "small",
                                                   "lead": "subtitle", "aside": "aside",
                                                   "warning": "warning"}[block.style]])]
        if isinstance(block, model.QuoteBlock):
            star = "★ " if block.starred else ""
            body = f"“{block.text}”" if block.kind == "quote" else block.text
            if len(body) > MAX_QUOTE_CHARS:
                body = body[:MAX_QUOTE_CHARS] + " […]"
            where = safe(f"— {block.attribution}")
            return [Paragraph(f"{star}{safe(body)} <font color='#4A545F' size='8'>{where}"
                              "</font>", s["quote"])]
        if isinstance(block, model.Table):
            return [self.table(block), Spacer(1, 6)]
        if isinstance(block, model.RankChart):  # its heading says what it shows
            return [rank_chart(block), Spacer(1, 4)]
        if isinstance(block, model.DotChart):
            return [KeepTogether([Paragraph(safe(block.title), s["caption"]),
                                  dot_chart(block)]), Spacer(1, 6)]
        if isinstance(block, model.BarChart):
            return [KeepTogether([Paragraph(safe(block.title), s["caption"]),
                                  bar_chart(block)]), Spacer(1, 6)]
        if isinstance(block, model.PageBreak):
            return [PageBreak()]
        if isinstance(block, model.Contents):
            return self.contents()
        raise TypeError(f"unknown block {block!r}")

    def contents(self) -> list[Flowable]:
        out: list[Flowable] = [Paragraph(safe(_t("Contents")), self.s["h1"])]
        for i, block in enumerate(self.document.blocks):
            if isinstance(block, model.Heading) and block.level <= 2 and block.contents:
                index = len(self.toc)
                self.toc[self.keys[i]] = index
                out.append(_TocLine(index, block.text, block.level, self.keys[i],
                                    self.s["body"]))
        return out

    def table(self, block: model.Table) -> Table:
        s = self.s
        widths = [TEXT_WIDTH * w for w in block.widths]
        cell, bold, head = s["cell"], s["cellbold"], s["cellhead"]
        rows: list[list[Any]] = []
        if not block.key_value:
            rows.append([Paragraph(safe(h), head if c < block.numeric_from else s["cellheadr"])
                         for c, h in enumerate(block.header)])
        for row in block.rows:
            out: list[Any] = []
            for c, value in enumerate(row):
                if c < block.numeric_from:
                    out.append(Paragraph(safe(value), bold if block.key_value and c == 0
                                         else cell))
                elif len(value) > 12:  # a long figure ("8 / 6, short 2") wraps, right-aligned
                    out.append(Paragraph(safe(value), s["cellr"]))
                else:
                    out.append(value)
            rows.append(out)
        return _table(rows, widths, header=not block.key_value,
                      numeric_from=block.numeric_from)


def render_document(document: model.ReportDocument, *, progress: Progress | None = None,
                    keywords: str = "", attachments: dict[str, bytes] | None = None) -> bytes:
    """The document's PDF bytes: outline, contents, "page N of M", title, language."""
    out = io.BytesIO()
    forms = _Forms()
    forms.files = dict(attachments or {})
    renderer = PdfRenderer(document)
    story = renderer.flowables(progress)
    template = _ReportTemplate(out, document, forms, renderer.toc)
    template.keywords = keywords

    def canvas_maker(*args: Any, **kwargs: Any) -> _Canvas:
        canvas = _Canvas(*args, **kwargs)
        canvas.forms = forms
        canvas.setViewerPreference("DisplayDocTitle", "true")
        canvas.showOutline()
        return canvas

    template.build(story, canvasmaker=canvas_maker)
    return out.getvalue()


def render(data: ReportData, *, cross_site: bool, progress: Progress | None = None,
           publication: bool = False, keywords: str = "",
           attachments: dict[str, bytes] | None = None) -> bytes:
    """The report's PDF bytes, with ``attachments`` embedded (a data file's bundle).
    ``publication``: the publication report (no appendix of files and records, never
    an attachment); otherwise the pages of a data file, headed "Confidential research
    data — not for publication"."""
    if publication and attachments:
        raise ValueError("a publication report never carries data")
    document = model.build_document(data, cross_site=cross_site, publication=publication)
    return render_document(document, progress=progress, keywords=keywords,
                           attachments=attachments)
