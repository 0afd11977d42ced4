"""Parts every audience slide is made of: the palette, type that scales with the
screen, the countdown, and the rules for which slide the room sees when.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from facilitator.core.agenda import RunnerStatus
from facilitator.core.pack import AgendaStep
from facilitator.ui.common.language import ChosenLanguage
from facilitator.ui.common.palette import INK, MUTED, ORANGE, RED_TEXT

TIMED_KINDS = ("discussion", "plenary", "advice", "prioritise", "ranking")
PAGES = ("blank", "waiting", "title", "card", "prompt", "break", "video", "results",
         "advice", "finished", "phones")
DESIGN_HEIGHT = 1080  # font sizes below are pixels at 1080p
DESIGN_WIDTH = 1440  # narrower (4:3) screens scale by width instead


def tr(text: str) -> str:
    return QCoreApplication.translate("Audience", text)


ScreenT = TypeVar("ScreenT")


def choose_screen(screens: Sequence[ScreenT], primary: ScreenT | None) -> ScreenT | None:
    """The screen the audience window should fill: the first that is not the primary.

    With one screen (or none) there is nowhere else to go: None, and the window stays
    a normal window the facilitator can drag to the projector.
    """
    if len(screens) < 2:
        return None
    for screen in screens:
        if screen is not primary:
            return screen
    return None


@dataclass(frozen=True)
class AdviceLine:
    """One item of the combined advice list as the room sees it."""

    theme: str
    text: str
    sites: str
    dots: int


def page_for(status: RunnerStatus, results_shown: bool = False,
             advice_shown: bool = False, phones_shown: bool = False) -> str:
    """Which slide the room sees for this moment of the day."""
    if results_shown:
        return "results"  # the facilitator revealed them, whatever the agenda says
    if phones_shown:
        return "phones"  # how to vote on a phone, while phone voting is on
    if advice_shown:
        return "advice"  # the priorities, revealed by the facilitator
    if status.step is not None and status.state in ("running", "paused") and \
            status.step.kind == "prioritise":
        return "advice"  # the combined list, while participants spend their dots
    if status.state == "not_started" or status.step is None:
        return "waiting"
    if status.state == "finished":
        return "finished"
    step = status.step
    if step.kind == "video":
        return "video"
    if step.kind == "break":
        return "break"
    if step.use_case:
        return "card"
    if step.prompt and step.kind != "welcome":
        return "prompt"
    return "title"


def shows_countdown(step: AgendaStep | None) -> bool:
    return step is not None and step.kind in TIMED_KINDS and step.minutes > 0


def format_duration(seconds: float) -> str:
    """07:32, or 1:05:00 from an hour up."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def format_countdown(remaining: float) -> str:
    """A countdown rounds up, so it reads 25:00 at the start and 00:01 in the last second."""
    return format_duration(math.ceil(remaining - 1e-9))


def format_clock(epoch: float) -> str:
    return datetime.fromtimestamp(epoch).strftime("%H:%M")


class _Scaler:
    """Keeps each label's pixel size proportional to the view's height. A label added
    with ``keep=True`` (a countdown) never takes part in shrinking a long slide."""

    def __init__(self) -> None:
        self.items: list[tuple[QWidget, float, bool, bool]] = []
        self.factor = 1.0
        self.base = 1.0

    def add(self, widget: QWidget, px: float, bold: bool = False,
            keep: bool = False) -> QWidget:
        self.items.append((widget, px, bold, keep))
        self._apply(widget, px, bold, keep)
        return widget

    def _apply(self, widget: QWidget, px: float, bold: bool, keep: bool) -> None:
        font = QFont(widget.font())
        font.setPixelSize(max(6, round(px * (self.base if keep else self.factor))))
        font.setBold(bold)
        widget.setFont(font)

    def rescale(self, factor: float, base: float | None = None) -> None:
        self.factor = factor
        self.base = factor if base is None else base
        for widget, px, bold, keep in self.items:
            self._apply(widget, px, bold, keep)


def _label(text: str = "", *, wrap: bool = True, align: Qt.AlignmentFlag | None = None,
           colour: str = INK, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if align is not None:
        label.setAlignment(align)
    label.setStyleSheet(f"color: {colour}; background: transparent;")
    if name:
        label.setObjectName(name)
    return label


class Countdown(ChosenLanguage, QFrame):
    """Time left in big digits with a word under it; colour is never the only signal."""

    def __init__(self, scaler: _Scaler, digits_px: float, caption_px: float,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("countdown")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.digits = _label("", wrap=False, align=Qt.AlignmentFlag.AlignCenter)
        self.caption = _label("", wrap=False, align=Qt.AlignmentFlag.AlignCenter,
                              colour=MUTED)
        scaler.add(self.digits, digits_px, bold=True, keep=True)
        scaler.add(self.caption, caption_px)
        layout.addWidget(self.digits)
        layout.addWidget(self.caption)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._shown: tuple[str, str, str] = ("", "", "")

    def show_status(self, status: RunnerStatus) -> None:
        level = status.warning
        if level == "overrun" or (level == "red" and status.step_remaining <= 0):
            text, caption, colour = "00:00", self.tr("time's up"), RED_TEXT
        elif level == "red":
            text, caption, colour = (format_countdown(status.step_remaining),
                                     self.tr("last minute"), RED_TEXT)
        elif level == "amber":
            text, caption, colour = (format_countdown(status.step_remaining),
                                     self.tr("nearly time"), ORANGE)
        else:
            text, caption, colour = (format_countdown(status.step_remaining),
                                     self.tr("minutes left"), INK)
        if status.state == "paused":
            caption = self.tr("paused")
        if (text, caption, colour) != self._shown:
            self._shown = (text, caption, colour)
            self.digits.setText(text)
            self.digits.setStyleSheet(f"color: {colour}; background: transparent;")
            self.caption.setText(caption)
            self.updateGeometry()
