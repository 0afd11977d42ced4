"""The report as a Word document: ``facilitator report -o FILE.docx`` (python-docx).

The same publication report as the PDF, for a researcher to edit: it renders the
same document model (``export/report_model.py``, ``build_document``) block by block,
so the two say the same thing in the same order — every use case, themes then quotes
(the capped ones in the appendix, so every consented quote is there with its "Site,
Workshop N"), rankings per workshop, before and after, method, advice by dots.

- every heading is a real Word heading (Heading 1–3; the title is Word's Title), so
  Word's navigation pane and its table of contents work; the contents page is a
  Word TOC field over Heading 1–2, filled in with the headings (Word adds the page
  numbers when the field is updated: F9, or References → Update Table);
- the document's title, subject and language (en-GB, or cy-GB with ``--lang cy``)
  are set, and "Page N of M" is in the footer;
- tables are Word tables with a header row that repeats across pages; a chart becomes
  the table of its numbers (the ranking and theme charts are followed by their full
  table already, so they are not repeated).

Like the PDF it carries no data: no attachment, participants only as counts, no
internal ids or file paths; a quote from a participant who said no to quotes, or of
a withdrawn or erased participant, never reaches the model.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from facilitator import __version__
from facilitator.core.files import write_atomic
from facilitator.export import report_model as model
from facilitator.export.handoff import clean
from facilitator.export.report_data import ReportData

MUTED = RGBColor(0x4A, 0x54, 0x5F)
WARNING = RGBColor(0x7A, 0x3B, 0x00)
TEXT_WIDTH_CM = 17.0


def text(value: object) -> str:
    """User text Word can hold: no control characters (XML 1.0), tabs as spaces."""
    return clean(str(value)).replace("\t", " ")


class DocxRenderer:
    """Walks a ``ReportDocument`` and writes each block as Word content."""

    def __init__(self, document: model.ReportDocument) -> None:
        self.model = document
        self.doc: DocxDocument = Document()
        self._style_ids: dict[str, str] = {}
        self._setup()

    # -- document furniture --------------------------------------------------------------

    def _setup(self) -> None:
        m = self.model
        props = self.doc.core_properties
        props.title = text(f"{m.title} — {m.subtitle}")
        props.subject = text(m.subject)
        props.author = "Facilitator"
        props.language = m.language
        props.comments = "Made by Facilitator " + __version__
        section = self.doc.sections[0]  # A4, as the PDF
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
        normal = self.doc.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(10.5)
        # The language of every run unless said otherwise, so spelling and hyphenation
        # and a screen reader use the report's language.
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
            if rpr is not None:
                lang = rpr.find(qn("w:lang"))
                if lang is None:
                    lang = OxmlElement("w:lang")
                    rpr.append(lang)
                lang.set(qn("w:val"), m.language)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        # The PDF's own wording, "page %1 of", with Word's page fields in it.
        before, _, after = model._t("page %1 of", "\x00").partition("\x00")
        run = footer.add_run(text(f"{m.footer}    ") + before)
        run.font.size = Pt(8)
        self._field(footer, "PAGE", "1")
        run = footer.add_run(after + " ")
        run.font.size = Pt(8)
        self._field(footer, "NUMPAGES", "1")

    @staticmethod
    def _field(paragraph: Any, code: str, shown: str) -> None:
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), f" {code} ")
        run = OxmlElement("w:r")
        value = OxmlElement("w:t")
        value.text = shown
        run.append(value)
        field.append(run)
        paragraph._p.append(field)

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

    # -- blocks --------------------------------------------------------------------------

    def render(self) -> DocxDocument:
        self.doc.add_heading(text(self.model.title), 0)
        blocks = self.model.blocks
        for i, block in enumerate(blocks):
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            self.block(block, following)
        return self.doc

    def block(self, block: model.Block, following: model.Block | None = None) -> None:
        if isinstance(block, model.Heading):
            self.doc.add_heading(text(block.text), max(1, min(block.level, 3)))
        elif isinstance(block, model.Para):
            self.para(block)
        elif isinstance(block, model.QuoteBlock):
            self.quote(block)
        elif isinstance(block, model.Table):
            self.table(block)
        elif isinstance(block, model.DotChart):
            self.caption(block.title)
            self.table(block.as_table())
        elif isinstance(block, model.RankChart | model.BarChart):
            # Its numbers are in the table that follows it; else print them here.
            if not isinstance(following, model.Table):
                self.caption(block.title)
                self.table(block.as_table())
        elif isinstance(block, model.PageBreak):
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif isinstance(block, model.Contents):
            self.contents()
        else:  # pragma: no cover - a block type the model gained and Word has not
            raise TypeError(f"unknown block {block!r}")

    def para(self, block: model.Para) -> None:
        if block.style == "lead":
            self.styled("Subtitle").add_run(text(block.text))
            return
        run = self.styled(None).add_run(text(block.text))
        if block.style == "small":
            run.font.size = Pt(8.5)
            run.font.color.rgb = MUTED
        elif block.style == "warning":
            run.bold = True
            run.font.color.rgb = WARNING

    def caption(self, value: str) -> None:
        run = self.styled(None).add_run(text(value))
        run.bold = True
        run.font.size = Pt(9)

    def quote(self, block: model.QuoteBlock) -> None:
        paragraph = self.styled("Quote" if block.kind == "quote" else None)
        if block.starred:
            paragraph.add_run("★ ")
        paragraph.add_run(text(f"“{block.text}”" if block.kind == "quote" else block.text))
        where = paragraph.add_run(text(f" — {block.attribution}"))
        where.font.size = Pt(8.5)
        where.font.color.rgb = MUTED

    def table(self, block: model.Table) -> None:
        header = not block.key_value
        rows: list[tuple[str, ...]] = ([block.header] if header else []) + list(block.rows)
        if not rows:
            return
        columns = max(len(r) for r in rows)
        table = self.doc.add_table(rows=len(rows), cols=columns)
        table.style = "Light Grid Accent 1" if header else "Table Grid"
        table.autofit = False
        widths = fit_widths(rows, block.widths, columns)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)  # the grid: what LibreOffice and Word lay out by
        for r, values in enumerate(rows):
            cells = table.rows[r].cells
            for c in range(columns):
                cell = cells[c]
                cell.width = Cm(widths[c])
                paragraph = cell.paragraphs[0]
                run = paragraph.add_run(text(values[c] if c < len(values) else ""))
                run.font.size = Pt(9)
                if (header and r == 0) or (block.key_value and c == 0):
                    run.bold = True
                if c >= block.numeric_from and not block.key_value:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if header:  # the header row repeats on every page the table crosses
            props = table.rows[0]._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            props.append(repeat)
        self.doc.add_paragraph()

    def contents(self) -> None:
        """A Word table of contents over Heading 1–2, already showing the headings, on
        a page of its own after the cover."""
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        self.doc.add_heading(text(model._t("Contents")), 1)
        paragraph = self.styled(None)
        begin = OxmlElement("w:r")
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), "begin")
        begin.append(char)
        instr_run = OxmlElement("w:r")
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = ' TOC \\o "1-2" \\h \\z \\u '
        instr_run.append(instr)
        separate = OxmlElement("w:r")
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), "separate")
        separate.append(char)
        for element in (begin, instr_run, separate):
            paragraph._p.append(element)
        headings = [h for h in self.model.headings(2) if h.contents]
        for i, heading in enumerate(headings):
            indent = "    " if heading.level == 2 else ""
            run = paragraph.add_run(indent + text(heading.text))
            if i < len(headings) - 1:
                run.add_break()
        end = OxmlElement("w:r")
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), "end")
        end.append(char)
        paragraph._p.append(end)


def fit_widths(rows: list[tuple[str, ...]], fractions: tuple[float, ...],
               columns: int) -> list[float]:
    """The model's column widths (fractions of the text width) in cm, each widened to
    hold its longest word (so "Workshop" never breaks as "Worksho p"), the room taken
    from the widest column."""
    given = list(fractions[:columns]) + [0.0] * (columns - len(fractions))
    total = sum(given) or 1.0
    widths = [TEXT_WIDTH_CM * (w or total / columns) / total for w in given]
    for c in range(columns):
        longest = max((len(word) for row in rows if c < len(row)
                       for word in text(row[c]).split()), default=1)
        need = min(0.23 * longest + 0.55, TEXT_WIDTH_CM / 2)
        if widths[c] < need:
            widest = max(range(columns), key=lambda k: widths[k])
            if widest != c and widths[widest] - (need - widths[c]) > need:
                widths[widest] -= need - widths[c]
                widths[c] = need
    return widths


def render_document(document: model.ReportDocument) -> bytes:
    out = io.BytesIO()
    DocxRenderer(document).render().save(out)
    return out.getvalue()


def render(data: ReportData, *, cross_site: bool) -> bytes:
    """The publication report of ``data`` as a Word document."""
    return render_document(model.build_document(data, cross_site=cross_site,
                                                publication=True))


def write_content(content: Any, progress: Any = None) -> bytes:
    """The writer ``export/report.py`` calls for ``.docx``: the publication report's
    gathered, already gated content (``ReportContent``) as a Word document."""
    return render(content.data, cross_site=content.cross_site)


def write_docx(data: ReportData, path: str | Path, *, cross_site: bool = True) -> Path:
    return write_atomic(path, render(data, cross_site=cross_site))
