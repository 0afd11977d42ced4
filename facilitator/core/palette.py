"""One accessible palette (Okabe–Ito accents, plus a true red) for every screen and
every PDF. Qt-free, so the exports share it with the app.

The room's screens use a near-black ground; every accent used for text there has at
least 4.5:1 contrast against it. Colour never carries meaning alone: words go with it.
"""

from __future__ import annotations

BACKGROUND = "#101418"
INK = "#F4F4F0"
MUTED = "#B8C0CC"
ORANGE = "#E69F00"  # amber: "nearly time"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
PANEL = "#1C232B"
RED = "#C8102E"  # a fill that reads as red beside amber; white text on it (5.9:1)
RED_TEXT = "#FF5A5A"  # red type on the dark ground (6:1)

LEVEL_COLOURS = {"basic": SKY, "complex": ORANGE}  # a use case's level badge

# Ranking charts, in the app and in the PDF alike: most acceptable at the top, a longer
# mean-rank bar for a more acceptable use case (the scale runs 6 … 1), places 1st..6th in
# these colours (each segment numbered too).
RANK_BAR = BLUE
POSITION_COLOURS = (BLUE, SKY, GREEN, YELLOW, ORANGE, VERMILLION)
WHITE = "#FFFFFF"
BLACK = "#000000"


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink_on(fill: str, dark: str = BLACK) -> str:
    """White or ``dark``, whichever reads better on ``fill``."""
    return WHITE if contrast(WHITE, fill) > contrast(dark, fill) else dark


def rank_fraction(mean_rank: float, places: int = 6) -> float:
    """Where a mean rank sits on the 1 … ``places`` scale: 1 → 0.0, last → 1.0."""
    if places <= 1:
        return 0.0
    return max(0.0, min(1.0, (mean_rank - 1) / (places - 1)))


def acceptability(mean_rank: float, places: int = 6) -> float:
    """How much of a bar a mean rank fills: 1 (most acceptable) → 1.0, last → 0.0."""
    return 1.0 - rank_fraction(mean_rank, places)
