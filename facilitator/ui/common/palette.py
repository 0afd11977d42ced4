"""The app's palette: the one in ``facilitator.core.palette`` (shared with the PDFs)."""

from facilitator.core.palette import (  # noqa: F401 - the palette, re-exported
    BACKGROUND,
    BLUE,
    GREEN,
    INK,
    LEVEL_COLOURS,
    MUTED,
    ORANGE,
    PANEL,
    POSITION_COLOURS,
    PURPLE,
    RANK_BAR,
    RED,
    RED_TEXT,
    SKY,
    VERMILLION,
    YELLOW,
    acceptability,
    contrast,
    ink_on,
    rank_fraction,
)
