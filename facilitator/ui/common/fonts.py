"""A fallback font for the glyphs DejaVu lacks (emoji in a participant's quote, symbols):
registered with Qt, whose font fallback then finds it where no system font has them."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from facilitator.core.paths import fonts_dir

FALLBACK_FONT = "Symbola"


def register_fallback_fonts() -> list[str]:
    """Register the shipped fallback font(s); returns the families Qt now knows."""
    families: list[str] = []
    path = fonts_dir() / f"{FALLBACK_FONT}.ttf"
    if path.exists():
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return families
