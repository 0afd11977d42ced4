"""The look both kiosks share: dark ground, large type, a yellow focus ring."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget

from facilitator.core import ballots
from facilitator.core.store import Store
from facilitator.ui.common.palette import BACKGROUND, INK, MUTED, PANEL, SKY, YELLOW

PLACES = 6
CARD = "#26303A"
EMPTY = "#161C22"
KIOSK_STYLE = f"""
#kiosk, #kiosk QWidget {{ background: {BACKGROUND}; color: {INK}; }}
#kiosk QLabel {{ background: transparent; }}
#kiosk QLineEdit {{ background: #FFFFFF; color: #000000; border: 3px solid {MUTED};
    border-radius: 8px; padding: 6px 12px; }}
#kiosk QLineEdit:focus {{ border: 4px solid {YELLOW}; }}
#kiosk QPushButton {{ background: {PANEL}; color: {INK}; border: 3px solid {MUTED};
    border-radius: 10px; padding: 12px 28px; }}
#kiosk QPushButton:focus {{ border: 5px solid {YELLOW}; }}
#kiosk QPushButton#primary {{ background: {SKY}; color: #000000; border-color: {SKY};
    font-weight: bold; }}
#kiosk QPushButton#primary:focus {{ border-color: {YELLOW}; }}
#kiosk QPushButton:disabled, #kiosk QPushButton#primary:disabled {{ background: #22282E; color: #A3ACB7;
    border: 3px dashed #4A545F; }}
"""


def _voting_open(store: Store, site: str, workshop: int) -> bool:
    return ballots.voting_state(store, site, workshop) == "open"


def _font(widget: QWidget, px: int, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPixelSize(px)
    font.setBold(bold)
    return font


def kiosk_label(text: str, px: int, bold: bool = False, colour: str = INK) -> QLabel:
    """Plain, wrapped kiosk text at ``px`` pixels (never read as markup)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setFont(_font(label, px, bold))
    label.setStyleSheet(f"color: {colour};")
    return label


DESIGN_HEIGHT = 760  # the kiosks' type is sized for this many lines; shorter screens shrink it


def fit_to_height(window: QWidget, smallest: float = 0.62) -> float:
    """Scale every label's and button's type (and the fixed sizes that go with it) to the
    window's height, so a 125 %-scaled laptop (614 lines) shows the whole ballot.
    Returns the factor used."""
    factor = max(smallest, min(1.0, window.height() / DESIGN_HEIGHT))
    for widget in window.findChildren(QWidget):
        base = widget.property("base_px")
        if base is None:
            px = widget.font().pixelSize()
            if px <= 0:
                continue
            widget.setProperty("base_px", px)
            widget.setProperty("base_min", (widget.minimumWidth(), widget.minimumHeight(),
                                            widget.maximumWidth(), widget.maximumHeight()))
            base = px
        font = widget.font()
        font.setPixelSize(max(8, round(int(base) * factor)))
        widget.setFont(font)
        min_w, min_h, max_w, max_h = widget.property("base_min")
        if min_h:
            widget.setMinimumHeight(round(min_h * factor))
        if min_w:
            widget.setMinimumWidth(round(min_w * factor))
        if max_h < 16_777_215:
            widget.setMaximumHeight(round(max_h * factor))
        if max_w < 16_777_215:
            widget.setMaximumWidth(round(max_w * factor))
    return factor


def show_full_screen(window: QWidget) -> None:
    """A kiosk full screen on the screen its window is on, whatever its resolution."""
    screen = window.screen()
    if screen is not None:
        window.setGeometry(screen.geometry())
    window.showFullScreen()
    window.raise_()
    window.activateWindow()
