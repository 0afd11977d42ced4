"""The printable paper ballot: one sheet per participant, numbered for keying.

The use cases appear in ``core.ballots.sheet_order(pack)``, the same order as the columns of the
keyboard entry grid, so whoever keys a sheet reads it top to bottom while moving
left to right. Each sheet carries its number, which double entry uses to pair the
two keyings of one sheet. No Qt here.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
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

from facilitator.core.ballots import sheet_order
from facilitator.core.errors import Progress, StoreError
from facilitator.core.pack import SessionPack
from facilitator.export.pdf_report import FONT, FONT_BOLD, register_fonts

INK = colors.HexColor("#101418")
MUTED = colors.HexColor("#4A545F")
BOX = colors.HexColor("#000000")
SKY = colors.HexColor("#56B4E9")
ORANGE = colors.HexColor("#E69F00")
MAX_COPIES = 2000


def _register_fonts() -> None:
    register_fonts()


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "kicker": ParagraphStyle("kicker", fontName=FONT, fontSize=9, leading=12,
                                 textColor=MUTED),
        "title": ParagraphStyle("title", fontName=FONT_BOLD, fontSize=20, leading=25,
                                textColor=INK),
        "place": ParagraphStyle("place", fontName=FONT, fontSize=11, leading=15,
                                textColor=INK),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14,
                               textColor=INK),
        "case": ParagraphStyle("case", fontName=FONT_BOLD, fontSize=12.5, leading=16,
                               textColor=INK),
        "definition": ParagraphStyle("definition", fontName=FONT, fontSize=9, leading=12,
                                     textColor=MUTED),
        "level": ParagraphStyle("level", fontName=FONT_BOLD, fontSize=8, leading=10,
                                textColor=INK),
        "head": ParagraphStyle("head", fontName=FONT_BOLD, fontSize=9.5, leading=12,
                               textColor=INK, alignment=TA_CENTER),
        "small": ParagraphStyle("small", fontName=FONT, fontSize=8.5, leading=11,
                                textColor=MUTED),
    }


def _sheet(pack: SessionPack, styles: dict[str, ParagraphStyle], number: int,
           site_name: str, workshop: int | None) -> list[Flowable]:
    where = " · ".join(p for p in (site_name, f"Workshop {workshop}" if workshop else "")
                       if p)
    header = Table(
        [[Paragraph(escape(pack.title), styles["kicker"]),
          Paragraph(f"Sheet <b>{number}</b>", styles["place"])]],
        colWidths=[140 * mm, 30 * mm])
    header.setStyle(TableStyle([("ALIGN", (1, 0), (1, 0), "RIGHT"),
                                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    flow: list[Flowable] = [
        header,
        Paragraph("Ranking ballot: how acceptable is each use of AI in policing?",
                  styles["title"]),
    ]
    if where:
        flow.append(Paragraph(escape(where), styles["place"]))
    flow.append(Spacer(1, 4 * mm))
    code = Table([[Paragraph("Participant code (optional — leave blank to stay "
                             "anonymous):", styles["body"]), ""]],
                 colWidths=[105 * mm, 65 * mm], rowHeights=[11 * mm])
    code.setStyle(TableStyle([("BOX", (1, 0), (1, 0), 1.2, BOX),
                              ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                              ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    flow += [code, Spacer(1, 4 * mm),
             Paragraph("Write a number in every box: <b>1</b> for the use you find "
                       "<b>most acceptable</b>, up to <b>6</b> for the <b>least "
                       "acceptable</b>. Use each number once.", styles["body"]),
             Spacer(1, 3 * mm)]
    rows: list[list[object]] = [[Paragraph("Use of AI", styles["head"]),
                                 Paragraph("Your number<br/>(1–6)", styles["head"])]]
    for use_case_id in sheet_order(pack):
        case = pack.use_case(use_case_id)
        level = "BASIC" if case.level == "basic" else "COMPLEX"
        text = [Paragraph(f"{escape(case.title)} "
                          f"<font size='7.5' color='#4A545F'>({level})</font>",
                          styles["case"]),
                Paragraph(escape(case.definition), styles["definition"])]
        rows.append([text, ""])
    table = Table(rows, colWidths=[140 * mm, 30 * mm],
                  rowHeights=[11 * mm] + [27 * mm] * len(sheet_order(pack)))
    style = [
        ("GRID", (0, 0), (0, -1), 0.5, MUTED),
        ("LINEBELOW", (0, 0), (-1, 0), 1, INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEF2F5")),
        ("BOX", (0, 0), (-1, -1), 1, INK),
    ]
    for row in range(1, len(rows)):
        # The answer box: thick, so the number is written inside it.
        style.append(("BOX", (1, row), (1, row), 2, BOX))
    table.setStyle(TableStyle(style))
    flow += [table, Spacer(1, 4 * mm),
             Paragraph("1 = most acceptable · 6 = least acceptable · each number once",
                       styles["body"]),
             Spacer(1, 3 * mm),
             Paragraph(f"For the facilitator: sheet {number} keyed by ______ and ______",
                       styles["small"])]
    return [KeepTogether(flow)]


def write_ballot_sheet(pack: SessionPack, path: str | Path, *, site_name: str = "",
                       workshop: int | None = None, copies: int = 1, first_sheet: int = 1,
                       progress: Progress | None = None) -> Path:
    """Write ``copies`` numbered ballot sheets (from ``first_sheet``) to ``path``.

    Written to a temporary file and moved into place, so a failure (or a cancel
    through ``progress``) leaves no half-written PDF behind.
    """
    if not 1 <= copies <= MAX_COPIES:
        raise StoreError(f"print between 1 and {MAX_COPIES} sheets", field="copies")
    _register_fonts()
    target = Path(path)
    temporary = target.with_name(f".{target.name}.part")
    styles = _styles()
    story: list[Flowable] = []
    for index in range(copies):
        if index:
            story.append(PageBreak())
        story += _sheet(pack, styles, first_sheet + index, site_name, workshop)
    document = SimpleDocTemplate(
        str(temporary), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
        topMargin=16 * mm, bottomMargin=14 * mm, title="Ranking ballot",
        author="Facilitator", subject=pack.title)

    def page_done(_canvas: object, doc: SimpleDocTemplate) -> None:
        if progress is not None:
            progress(doc.page, copies)  # raising Cancelled here abandons the file

    try:
        document.build(story, onFirstPage=page_done, onLaterPages=page_done)
        temporary.replace(target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"cannot write the ballot sheet: {exc.strerror or exc}",
                         file=target) from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(copies, copies)
    return target
