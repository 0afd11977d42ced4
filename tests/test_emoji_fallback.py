"""Glyphs DejaVu lacks — a participant's emoji — show in the app and in the PDF in a
shipped fallback font, and a glyph no font has shows as a visible mark."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from reportlab.platypus import Paragraph, SimpleDocTemplate

from facilitator.export import pdf_report

QUOTE = "I'd want a person 🙂 not a bot 🚫 — ŵ ŷ <b>&"


def test_the_pdf_draws_emoji_in_the_fallback_font(tmp_path: Path) -> None:
    markup = pdf_report.safe(QUOTE)
    assert "<font name='Symbola'>🙂</font>" in markup and "\ufffd" not in markup
    assert "&lt;b&gt;&amp;" in markup  # still escaped
    out = tmp_path / "emoji.pdf"
    SimpleDocTemplate(str(out)).build([Paragraph(markup, pdf_report.styles()["body"])])
    page = PdfReader(str(out)).pages[0]
    text = page.extract_text()
    assert "\ufffd" not in text and "ŵ" in text
    fonts = page["/Resources"]["/Font"]
    names = [str(fonts[key].get_object()["/BaseFont"]) for key in fonts]
    assert any("Symbola" in name for name in names), names  # the emoji's glyphs, embedded

def test_a_glyph_no_font_has_is_a_visible_mark() -> None:
    assert pdf_report.safe("x\U000E0100y") == "x\ufffdy"  # a variation selector nobody draws
    assert pdf_report.safe("👍\ufe0f") == "<font name='Symbola'>👍</font>"  # selector dropped


def test_the_app_registers_the_fallback_font(qapp) -> None:
    from PySide6.QtGui import QFont, QFontMetrics

    from facilitator.ui.common.fonts import register_fallback_fonts

    assert "Symbola" in register_fallback_fonts()
    assert QFontMetrics(QFont("Symbola")).inFontUcs4(0x1F642)
