"""The ranking results chart (DESIGN §7), for the facilitator's view and the projector.

One horizontal bar per use case (mean rank, 1 at the top), a small stacked bar of the
places each was given, the Borda and Schulze places beside it, n and the methods named
under it, and a note wherever the methods disagree. It paints one group of the
``analysis.results`` shape; a suppressed group is shown as such, never its numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from facilitator.core.pack import SessionPack
from facilitator.ui.common.palette import (
    BACKGROUND,
    INK,
    MUTED,
    PANEL,
    POSITION_COLOURS,
    RANK_BAR,
    SKY,
    YELLOW,
    acceptability,
    ink_on,
)

DESIGN_WIDTH = 1920
DESIGN_HEIGHT = 1080


def tr(text: str) -> str:
    return QCoreApplication.translate("ResultsChart", text)


@dataclass(frozen=True)
class ChartRow:
    """One use case's line of the chart."""

    use_case: str
    title: str
    mean_rank: float
    borda: int
    positions: tuple[int, ...]
    mean_place: int
    borda_place: int
    schulze_place: int


def _places(values: Mapping[str, float], *, lower_is_better: bool) -> dict[str, int]:
    """Competition places (1, 2, 2, 4): tied values share a place."""
    ordered = sorted(values.values(), reverse=not lower_is_better)
    return {key: ordered.index(value) + 1 for key, value in values.items()}


def chart_rows(group: Mapping[str, Any], pack: SessionPack) -> list[ChartRow]:
    """The group's use cases, best mean rank first (pack order breaks ties)."""
    use_cases: Mapping[str, Mapping[str, Any]] = group.get("use_cases") or {}
    if not use_cases:
        return []
    means = {uc: float(v["mean_rank"]) for uc, v in use_cases.items()}
    bordas = {uc: float(v["borda"]) for uc, v in use_cases.items()}
    mean_places = _places(means, lower_is_better=True)
    borda_places = _places(bordas, lower_is_better=False)
    schulze_places: dict[str, int] = {}
    place = 1
    for tier in group.get("schulze") or []:
        for uc in tier:
            schulze_places[uc] = place
        place += len(tier)
    titles = {u.id: u.title for u in pack.use_cases}
    order = {u.id: i for i, u in enumerate(pack.use_cases)}
    rows = [
        ChartRow(uc, titles.get(uc, uc), means[uc], int(use_cases[uc]["borda"]),
                 tuple(int(c) for c in use_cases[uc]["positions"]), mean_places[uc],
                 borda_places[uc], schulze_places.get(uc, 0))
        for uc in use_cases
    ]
    rows.sort(key=lambda r: (r.mean_rank, order.get(r.use_case, 99)))
    return rows


def _names(titles: Sequence[str]) -> str:
    quoted = [f"“{t}”" for t in titles]
    if len(quoted) == 1:
        return quoted[0]
    return tr("{first} and {last}").format(first=", ".join(quoted[:-1]), last=quoted[-1])


def disagreements(rows: Sequence[ChartRow]) -> list[str]:
    """A sentence wherever Schulze or Borda orders use cases differently from mean rank."""
    notes: list[str] = []
    for b in rows:
        passed = [a.title for a in rows if a.mean_place < b.mean_place
                  and b.schulze_place and b.schulze_place < a.schulze_place]
        if passed:
            notes.append(tr("Head to head, more people put “{b}” above {others}, so "
                            "Schulze places it higher, although mean rank does not.")
                         .format(b=b.title, others=_names(passed)))
        passed = [a.title for a in rows if a.mean_place < b.mean_place
                  and b.borda_place < a.borda_place]
        if passed:
            notes.append(tr("Borda gives “{b}” more points than {others}, although its "
                            "mean rank is worse.").format(b=b.title, others=_names(passed)))
    tiers: dict[int, list[str]] = {}
    for row in rows:
        if row.schulze_place:
            tiers.setdefault(row.schulze_place, []).append(row.title)
    for place, titles in sorted(tiers.items()):
        if len(titles) > 1:
            notes.append(tr("Schulze cannot separate {names}: they share place {n}.")
                         .format(names=_names(titles), n=place))
    return notes


def group_heading(group: Mapping[str, Any], variable_labels: Mapping[str, str]) -> str:
    if group.get("by") in (None, "overall"):
        return tr("Everyone")
    label = variable_labels.get(str(group["by"]), str(group["by"]))
    return tr("{variable}: {value}").format(variable=label, value=group.get("value"))


class ResultsChart(QWidget):
    """Paints one results group; type scales with the widget (designed at 1920×1080).

    Signals: none. Call ``set_group(group)`` with one group of ``analysis.results``.
    """

    def __init__(self, pack: SessionPack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pack = pack
        self.group: Mapping[str, Any] | None = None
        self.heading = tr("How acceptable is each use of AI?")
        self.subheading = ""
        self.rows: list[ChartRow] = []
        self.notes: list[str] = []
        self.setObjectName("resultsChart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(480, 300)
        self._labels = {v.id: v.label for v in pack.variables}
        self._labels.update({d.id: d.label for d in pack.derived})
        self._labels["site"] = tr("Site")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(960, 540)

    def set_group(self, group: Mapping[str, Any] | None, *, context: str = "") -> None:
        """Show ``group``; ``context`` (e.g. "Cardiff · Workshop 2") heads the chart."""
        self.group = group
        self.rows = chart_rows(group, self.pack) if group else []
        self.notes = disagreements(self.rows) if group and not group.get("suppressed") else []
        if group is None:
            self.subheading = context
        else:
            parts = [group_heading(group, self._labels)]
            if context:
                parts.append(context)
            self.subheading = " · ".join(parts)
        self.setAccessibleDescription(self.text_summary())
        self.update()

    def text_summary(self) -> str:
        """The chart in words (screen readers, tests)."""
        if self.group is None:
            return tr("No ballots yet.")
        n = int(self.group.get("n", 0))
        if self.group.get("suppressed"):
            return tr("{n} ballots: fewer than the threshold, so not shown.").format(n=n)
        lines = [tr("{n} ballots.").format(n=n)]
        for row in self.rows:
            lines.append(tr("{place}. {title}: mean rank {mean:.2f}, Borda {borda} points "
                            "(place {bp}), Schulze place {sp}").format(
                place=row.mean_place, title=row.title, mean=row.mean_rank, borda=row.borda,
                bp=row.borda_place, sp=row.schulze_place))
        lines.extend(self.notes)
        return "\n".join(lines)

    # -- painting -------------------------------------------------------------------------

    def _font(self, px: float, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(7, round(px * self._scale)))
        font.setBold(bold)
        return font

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        self._scale = max(0.2, min(self.width() / DESIGN_WIDTH, self.height() / DESIGN_HEIGHT))
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(BACKGROUND))
        s = self._scale
        margin = 40 * s
        width = self.width() - 2 * margin
        y = margin * 0.5
        y = self._text(painter, QRectF(margin, y, width, 70 * s), self.heading, 54, True, INK)
        y = self._text(painter, QRectF(margin, y, width, 44 * s), self.subheading, 32, False,
                       SKY)
        y += 16 * s
        group = self.group
        bottom = self.height() - margin * 0.5
        if group is None or (not self.rows and not group.get("suppressed")):
            self._text(painter, QRectF(margin, y, width, bottom - y),
                       tr("No ballots yet."), 48, True, MUTED, Qt.AlignmentFlag.AlignCenter)
            painter.end()
            return
        if group.get("suppressed"):
            message = tr("Only {n} ballots in this group: fewer than {threshold}, so the "
                         "results are not shown, to protect people's privacy.").format(
                n=int(group.get("n", 0)), threshold=self.pack.suppression_threshold)
            self._text(painter, QRectF(margin * 2, y, width - 2 * margin, bottom - y),
                       message, 44, True, MUTED, Qt.AlignmentFlag.AlignCenter)
            painter.end()
            return
        footer = [(tr("Note: {note}").format(note=note), 28, True, YELLOW)
                  for note in self.notes[:4]]
        lines = self._footer_lines(group)
        footer += [(lines[0], 28, True, INK)] + [(line, 24, False, MUTED) for line in lines[1:]]
        footer_h = 14 * s + sum(self._measure(text, px, bold, width)
                                for text, px, bold, _colour in footer)
        rows_bottom = bottom - footer_h
        self._rows(painter, margin, y, width, rows_bottom - y)
        fy = rows_bottom + 14 * s
        for text, px, bold, colour in footer:
            fy = self._text(painter, QRectF(margin, fy, width, 1), text, px, bold, colour)
        painter.end()

    def _measure(self, text: str, px: float, bold: bool, width: float) -> float:
        metrics = QFontMetricsF(self._font(px, bold))
        flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
        return metrics.boundingRect(QRectF(0, 0, width, 10_000), flags, text).height()

    def _footer_lines(self, group: Mapping[str, Any]) -> list[str]:
        n = int(group.get("n", 0))
        return [
            tr("n = {n} ballots · ordered by mean rank: the average place given "
               "(1 = most acceptable, 6 = least)").format(n=n),
            tr("Borda: 6 points for 1st … 1 for 6th. Schulze: compares every pair head to "
               "head (winning votes); tied use cases share a place."),
        ]

    def _text(self, painter: QPainter, rect: QRectF, text: str, px: float, bold: bool,
              colour: str, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> float:
        """Draw wrapped text in ``rect`` (grown to fit); return the y below it."""
        font = self._font(px, bold)
        painter.setFont(font)
        painter.setPen(QColor(colour))
        flags = int(align | Qt.AlignmentFlag.AlignVCenter) | int(Qt.TextFlag.TextWordWrap)
        metrics = QFontMetricsF(font)
        needed = metrics.boundingRect(rect, flags, text).height()
        if align & Qt.AlignmentFlag.AlignCenter:
            needed = rect.height()
        box = QRectF(rect.x(), rect.y(), rect.width(), max(rect.height(), needed))
        painter.drawText(box, flags, text)
        return box.bottom()

    def _rows(self, painter: QPainter, x: float, y: float, width: float,
              height: float) -> None:
        s = self._scale
        title_w = width * 0.27
        bar_x = x + title_w + 16 * s
        bar_w = width * 0.33
        pos_x = bar_x + bar_w + 40 * s
        pos_w = width * 0.20
        order_x = pos_x + pos_w + 30 * s
        order_w = x + width - order_x
        header_h = 40 * s
        muted = QColor(MUTED)
        painter.setFont(self._font(22))
        painter.setPen(muted)
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom
        painter.drawText(QRectF(bar_x, y, bar_w, header_h), left,
                         tr("Mean rank (longer bar = more acceptable)"))
        painter.drawText(QRectF(pos_x, y, pos_w, header_h), left, tr("Places given, 1st → 6th"))
        painter.drawText(QRectF(order_x, y, order_w, header_h), left, tr("Place by method"))
        y += header_h + 6 * s
        row_h = (height - header_h - 40 * s) / max(1, len(self.rows))
        # The scale, as in the PDF: 6 (least acceptable) at the left, 1 (most) at the right.
        for i, row in enumerate(self.rows):
            top = y + i * row_h
            if i % 2 == 0:
                painter.fillRect(QRectF(x - 10 * s, top, width + 20 * s, row_h), QColor(PANEL))
            middle = top + row_h / 2
            painter.setPen(QColor(INK))
            painter.setFont(self._font(34, True))
            painter.drawText(QRectF(x, top, title_w, row_h),
                             int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
                             | int(Qt.TextFlag.TextWordWrap),
                             f"{row.mean_place}. {row.title}")
            bar_h = min(row_h * 0.5, 54 * s)
            value_w = 110 * s
            track = bar_w - value_w
            painter.fillRect(QRectF(bar_x, middle - bar_h / 2, track, bar_h),
                             QColor("#2A323C"))
            length = track * acceptability(row.mean_rank, len(row.positions) or 6)
            painter.fillRect(QRectF(bar_x, middle - bar_h / 2, max(2 * s, length), bar_h),
                             QColor(RANK_BAR))
            painter.setPen(QColor(INK))
            painter.setFont(self._font(34, True))
            painter.drawText(QRectF(bar_x + max(2 * s, length) + 12 * s, top, value_w, row_h),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             f"{row.mean_rank:.2f}")
            self._positions(painter, row, pos_x, middle, pos_w)
            painter.setPen(QColor(INK))
            painter.setFont(self._font(26))
            text = tr("Borda {b} ({points} pts)\nSchulze {sch}").format(
                b=row.borda_place, points=row.borda, sch=row.schulze_place or "–")
            if row.schulze_place and row.schulze_place != row.mean_place:
                text += tr("  ≠ mean")
            painter.drawText(QRectF(order_x, top, order_w, row_h),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        axis_y = y + len(self.rows) * row_h + 4 * s
        painter.setPen(QPen(muted, max(1.0, 2 * s)))
        track = bar_w - 110 * s
        painter.drawLine(int(bar_x), int(axis_y), int(bar_x + track), int(axis_y))
        painter.setFont(self._font(22))
        for rank in range(6, 0, -1):
            tick_x = bar_x + track * (6 - rank) / 5
            painter.drawLine(int(tick_x), int(axis_y), int(tick_x), int(axis_y + 8 * s))
            painter.drawText(QRectF(tick_x - 30 * s, axis_y + 8 * s, 60 * s, 28 * s),
                             Qt.AlignmentFlag.AlignCenter, str(rank))
        self._legend(painter, pos_x, axis_y + 4 * s, pos_w)

    def _positions(self, painter: QPainter, row: ChartRow, x: float, middle: float,
                   width: float) -> None:
        s = self._scale
        total = sum(row.positions) or 1
        height = 36 * s
        left = x
        painter.setFont(self._font(20, True))
        for place, count in enumerate(row.positions):
            seg = width * count / total
            if seg <= 0:
                continue
            rect = QRectF(left, middle - height / 2, seg, height)
            painter.fillRect(rect, QColor(POSITION_COLOURS[place]))
            if seg >= 26 * s:
                painter.setPen(QColor(ink_on(POSITION_COLOURS[place])))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
            left += seg
        painter.setPen(QPen(QColor(BACKGROUND), max(1.0, 2 * s)))
        painter.drawRect(QRectF(x, middle - height / 2, width, height))

    def _legend(self, painter: QPainter, x: float, y: float, width: float) -> None:
        s = self._scale
        box = width / 6
        painter.setFont(self._font(20, True))
        for place in range(6):
            rect = QRectF(x + place * box, y, box - 4 * s, 28 * s)
            painter.fillRect(rect, QColor(POSITION_COLOURS[place]))
            painter.setPen(QColor(ink_on(POSITION_COLOURS[place])))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter,
                             (tr("1st"), tr("2nd"), tr("3rd"), tr("4th"), tr("5th"),
                              tr("6th"))[place] if place < 6 else
                             tr("{n}th").format(n=place + 1))
