"""The console's words and colours for the day and the big timer, and the frame that
holds the audience preview at the projector's shape.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from facilitator.core.agenda import RunnerStatus
from facilitator.ui.common.palette import RED, ink_on
from facilitator.ui.console.audience import (
    GREEN,
    ORANGE,
    SKY,
    VERMILLION,
    AudienceView,
    format_countdown,
    format_duration,
)

ON_TIME_SECONDS = 60  # within a minute of plan reads as "on time"
HEADER = "#1F2933"
MARKERS = {"done": "✓", "current": "▶", "skipped": "–", "passed": "·", "pending": ""}
RESULT_KINDS = ("ranking", "prioritise")


def tr(text: str) -> str:
    return QCoreApplication.translate("Console", text)


def minutes_text(seconds: float) -> str:
    minutes = round(abs(seconds) / 60)
    if minutes >= 60:
        hours, rest = divmod(minutes, 60)
        return tr("{h} h {m:02d} min").format(h=hours, m=rest)
    return tr("{n} min").format(n=minutes)


def day_text(status: RunnerStatus) -> tuple[str, str]:
    """(words, colour) for where the day stands against its plan."""
    if status.state == "not_started":
        return (tr("Day: {planned} planned").format(planned=minutes_text(status.day_planned)),
                SKY)
    late = status.day_delta
    if abs(late) < ON_TIME_SECONDS:
        words = tr("Day finished on time") if status.state == "finished" else tr("Day: on time")
        return words, GREEN
    amount = minutes_text(late)
    if late > 0:
        if status.state == "finished":
            return tr("Day finished {m} late").format(m=amount), VERMILLION
        return tr("Day: {m} behind").format(m=amount), VERMILLION
    if status.state == "finished":
        return tr("Day finished {m} early").format(m=amount), GREEN
    return tr("Day: {m} ahead").format(m=amount), GREEN


def timer_text(status: RunnerStatus) -> tuple[str, str, str, str]:
    """(digits, "of 25:00", words, background) for the big timer."""
    planned = format_duration(status.step_planned)
    of = tr("of {planned}").format(planned=planned)
    if status.step_added:
        of += " " + tr("(+{m} added)").format(m=minutes_text(status.step_added))
    if status.state == "finished":
        return "—", "", tr("Day finished"), HEADER
    if status.state == "not_started":
        return format_countdown(status.step_planned), of, tr("Not started — press Space"), \
            HEADER
    level = status.warning
    if level == "overrun":
        digits = "+" + format_duration(status.overrun)
        words = tr("Over time by {time}").format(time=format_duration(status.overrun))
        colour = RED
        of = tr("over · planned {planned}").format(planned=planned)
    elif level == "red":
        digits, words, colour = format_countdown(status.step_remaining), \
            tr("Wrap up — under 5 % left"), RED
    elif level == "amber":
        digits, words, colour = format_countdown(status.step_remaining), \
            tr("Nearly time — under 20 % left"), ORANGE
    else:
        digits, words, colour = format_countdown(status.step_remaining), tr("On time"), HEADER
    if status.state == "paused":
        words = tr("Paused") + " · " + words
    return digits, of, words, colour


def _text_on(colour: str) -> str:
    # The dark header and red take white text; amber and green take black (≥ 4.5:1).
    return ink_on(colour)


class PreviewFrame(QWidget):
    """Holds the miniature audience view at the projector's aspect ratio."""

    def __init__(self, view: AudienceView, aspect: float = 16 / 9,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.aspect = aspect
        view.setParent(self)
        self.setMinimumSize(160, 90)  # a laptop at 125 % scaling is 614 px high
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(480, 270)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        width = min(self.width(), int(self.height() * self.aspect))
        height = int(width / self.aspect)
        self.view.setGeometry((self.width() - width) // 2, 0, width, height)
