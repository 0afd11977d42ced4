"""The results as the room sees them: the use cases in order, 1 = most acceptable at
the top, in type that reads from the back of the hall, and how many ballots — nothing
else. The methods, their points and their disagreements stay on the console and in the
report (``ResultsChart``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from facilitator.core.pack import SessionPack
from facilitator.ui.common.palette import BACKGROUND, INK, MUTED, PANEL, RANK_BAR, SKY
from facilitator.ui.results.results_chart import ChartRow, chart_rows, group_heading

DESIGN_HEIGHT = 1080  # pixel sizes below are at 1080 lines
DESIGN_WIDTH = 1920


class RevealChart(QWidget):
    """Paints one results group for the projector. Call ``set_group(group)``.

    Signals: none.
    """

    def __init__(self, pack: SessionPack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pack = pack
        self.group: Mapping[str, Any] | None = None
        self.rows: list[ChartRow] = []
        self.heading = self.tr("How acceptable is each use of AI?")
        self.subheading = ""
        self.setObjectName("revealChart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)
        self._labels = {v.id: v.label for v in pack.variables}
        self._labels.update({d.id: d.label for d in pack.derived})
        self._labels["site"] = self.tr("Site")
        self._scale = 1.0

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(960, 540)

    def set_group(self, group: Mapping[str, Any] | None, *, context: str = "") -> None:
        self.group = group
        self.rows = chart_rows(group, self.pack) if group and not group.get("suppressed") \
            else []
        parts = [group_heading(group, self._labels)] if group is not None else []
        if context:
            parts.append(context)
        self.subheading = " · ".join(parts)
        self.setAccessibleDescription(self.text_summary())
        self.update()

    def places(self) -> list[str]:
        """"1", "2", "=3", "=3", … as the room reads them (ties share a place)."""
        counts: dict[int, int] = {}
        for row in self.rows:
            counts[row.mean_place] = counts.get(row.mean_place, 0) + 1
        return [("=" if counts[r.mean_place] > 1 else "") + str(r.mean_place) for r in self.rows]

    def footer(self) -> str:
        n = int(self.group.get("n", 0)) if self.group else 0
        return self.tr("{n} ballots · 1 = most acceptable").format(n=n)

    def text_summary(self) -> str:
        """What the room sees, in words (screen readers, tests)."""
        if self.group is None or (not self.rows and not self.group.get("suppressed")):
            return self.tr("No ballots yet.")
        if self.group.get("suppressed"):
            return self.suppressed_text()
        lines = [self.heading, self.subheading]
        lines += [f"{place}. {row.title}" for place, row in zip(self.places(), self.rows,
                                                                  strict=True)]
        lines.append(self.footer())
        return "\n".join(line for line in lines if line)

    def suppressed_text(self) -> str:
        assert self.group is not None
        return self.tr("Only {n} ballots in this group: fewer than {threshold}, so the "
                       "results are not shown, to protect people's privacy.").format(
            n=int(self.group.get("n", 0)), threshold=self.pack.suppression_threshold)

    # -- painting ---------------------------------------------------------------------

    def _font(self, px: float, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(7, round(px * self._scale)))
        font.setBold(bold)
        return font

    def _text(self, painter: QPainter, rect: QRectF, text: str, px: float, bold: bool,
              colour: str, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> float:
        font = self._font(px, bold)
        painter.setFont(font)
        painter.setPen(QColor(colour))
        flags = int(align | Qt.AlignmentFlag.AlignVCenter) | int(Qt.TextFlag.TextWordWrap)
        needed = QFontMetricsF(font).boundingRect(rect, flags, text).height()
        box = QRectF(rect.x(), rect.y(), rect.width(), max(rect.height(), needed))
        painter.drawText(box, flags, text)
        return box.bottom()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        self._scale = max(0.15, min(self.width() / DESIGN_WIDTH,
                                    self.height() / DESIGN_HEIGHT))
        s = self._scale
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(BACKGROUND))
        margin = 48 * s
        width = self.width() - 2 * margin
        y = margin * 0.5
        y = self._text(painter, QRectF(margin, y, width, 76 * s), self.heading, 60, True, INK)
        if self.subheading:
            y = self._text(painter, QRectF(margin, y, width, 48 * s), self.subheading, 36,
                           False, SKY)
        y += 18 * s
        bottom = self.height() - margin * 0.5
        if self.group is None or (not self.rows and not self.group.get("suppressed")):
            self._text(painter, QRectF(margin, y, width, bottom - y), self.tr("No ballots yet."),
                       60, True, MUTED, Qt.AlignmentFlag.AlignCenter)
            painter.end()
            return
        if self.group.get("suppressed"):
            self._text(painter, QRectF(margin * 2, y, width - 2 * margin, bottom - y),
                       self.suppressed_text(), 48, True, MUTED, Qt.AlignmentFlag.AlignCenter)
            painter.end()
            return
        footer_h = 64 * s
        rows_h = bottom - footer_h - y
        row_h = rows_h / max(1, len(self.rows))
        # Type as large as the rows allow (designed for six), never more than 64 px.
        title_px = min(64.0, row_h / s * 0.46)
        badge = min(row_h * 0.78, 104 * s)
        for i, (place, row) in enumerate(zip(self.places(), self.rows, strict=True)):
            top = y + i * row_h
            if i % 2 == 0:
                painter.fillRect(QRectF(margin - 12 * s, top, width + 24 * s, row_h),
                                 QColor(PANEL))
            middle = top + row_h / 2
            circle = QRectF(margin, middle - badge / 2, badge * 1.25, badge)
            painter.setPen(QPen(QColor(RANK_BAR), max(1.0, 4 * s)))
            painter.setBrush(QColor(BACKGROUND))
            painter.drawRoundedRect(circle, badge / 2, badge / 2)
            painter.setPen(QColor(INK))
            painter.setFont(self._font(title_px * 1.05, True))
            painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, place)
            text_x = margin + badge * 1.25 + 32 * s
            painter.setFont(self._font(title_px, True))
            painter.drawText(QRectF(text_x, top, margin + width - text_x, row_h),
                             int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
                             | int(Qt.TextFlag.TextWordWrap), row.title)
        self._text(painter, QRectF(margin, bottom - footer_h, width, footer_h), self.footer(),
                   40, True, MUTED, Qt.AlignmentFlag.AlignRight)
        painter.end()
