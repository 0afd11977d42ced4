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

# Ranking charts, in the app and in the PDF alike: one bar per use case, most acceptable
# at the top, a longer bar for a better (lower) mean rank; places 1st..6th in these.
RANK_BAR = SKY
POSITION_COLOURS = (GREEN, SKY, YELLOW, ORANGE, VERMILLION, PURPLE)


def acceptability(mean_rank: float, places: int = 6) -> float:
    """How much of a bar a mean rank fills: 1 (most acceptable) → 1.0, last → 0.0."""
    if places <= 1:
        return 1.0
    return max(0.0, min(1.0, (places - mean_rank) / (places - 1)))
