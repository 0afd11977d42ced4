"""One accessible palette (Okabe–Ito accents) for every screen and the PDF.

The room's screens use a near-black ground; every accent used for text has at least
4.5:1 contrast against it. Colour never carries meaning alone: words go with it.
"""

BACKGROUND = "#101418"
INK = "#F4F4F0"
MUTED = "#B8C0CC"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
PANEL = "#1C232B"

LEVEL_COLOURS = {"basic": SKY, "complex": ORANGE}  # a use case's level badge
