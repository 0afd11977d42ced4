"""The combined advice on the projector: every item, however many there are.

While people vote it lists the items by theme; once the facilitator reveals the
priorities it orders them by dots, with a bar and the count in words. Type scales with
the screen and shrinks a little for a long list; when the list still does not fit, it
is shown a page at a time ("Page 1 of 2"), turning by itself every ``PAGE_MS``.
Texts are painted as plain text: markup in an item is shown, never interpreted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from facilitator.ui.common.language import ChosenLanguage
from facilitator.ui.common.palette import BACKGROUND, INK, MUTED, ORANGE, PANEL, SKY
from facilitator.ui.console.slide_kit import AdviceLine

DESIGN_HEIGHT = 1080
DESIGN_WIDTH = 1920
PAGE_MS = 12_000  # a page stays up long enough to read every item on it
SMALLEST = 0.72  # type shrinks this far for a long list before it pages


def tr(text: str) -> str:
    return QCoreApplication.translate("PrioritiesSlide", text)


@dataclass(frozen=True)
class _Entry:
    """One painted block: a theme heading or an item."""

    kind: str  # "theme" or "item"
    number: int
    line: AdviceLine


def dots_text(dots: int) -> str:
    return tr("1 dot") if dots == 1 else tr("{n} dots").format(n=dots)


class PrioritiesSlide(ChosenLanguage, QWidget):
    """Paints the advice list; ``set_lines`` and ``set_revealed`` feed it.

    Signals: none.
    """

    def __init__(self, parent: QWidget | None = None, lang: str = "") -> None:
        super().__init__(parent)
        self.lang = lang  # "" follows the app; one half of a bilingual screen otherwise
        self.setObjectName("prioritiesSlide")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 90)
        self.lines: list[AdviceLine] = []
        self.revealed = False
        self.page = 0
        self.pages: list[list[_Entry]] = [[]]
        self.factor = 1.0
        self._laid_out_for: tuple[int, int] | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(PAGE_MS)
        self.timer.timeout.connect(self.next_page)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(960, 540)

    # -- content ---------------------------------------------------------------------

    def set_lines(self, lines: Sequence[AdviceLine]) -> None:
        self.lines = list(lines)
        self._relayout()

    def set_revealed(self, on: bool) -> None:
        self.revealed = on
        self._relayout()

    def entries(self) -> list[_Entry]:
        lines = list(self.lines)
        if self.revealed:
            lines.sort(key=lambda line: -line.dots)
            return [_Entry("item", n, line) for n, line in enumerate(lines, start=1)]
        entries: list[_Entry] = []
        theme = None
        for n, line in enumerate(lines, start=1):
            if line.theme != theme:
                theme = line.theme
                entries.append(_Entry("theme", 0, line))
            entries.append(_Entry("item", n, line))
        return entries

    def title(self) -> str:
        return self.tr("Advice for government and police forces")

    def heading(self) -> str:
        return self.tr("What matters most: the priorities") if self.revealed \
            else self.tr("Spend your dots on what matters most")

    def footer(self) -> str:
        if not self.lines:
            return ""
        words = self.tr("Dots from every site · longest bar = most dots") if self.revealed \
            else self.tr("Combined from the advice of every site")
        if len(self.pages) > 1:
            words += "   " + self.tr("Page {n} of {total}").format(n=self.page + 1,
                                                                total=len(self.pages))
        return words

    def text(self) -> str:
        """Everything on the slide, every page, as plain text (screen readers, tests)."""
        if not self.lines:
            return self.tr("The combined advice will appear here.")
        return "\n".join(self._entry_text(e) for e in self.entries())

    def page_text(self, page: int) -> str:
        return "\n".join(self._entry_text(e) for e in self.pages[page])

    def _entry_text(self, entry: _Entry) -> str:
        if entry.kind == "theme":
            return entry.line.theme
        text = f"{entry.number}. {entry.line.text}"
        if self.revealed:
            text += f" — {entry.line.theme} · {entry.line.sites} — {self._dots_text(entry.line.dots)}"
        return text

    def next_page(self) -> None:
        if len(self.pages) > 1:
            self.page = (self.page + 1) % len(self.pages)
            self.update()

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        self._relayout()
        super().showEvent(event)  # type: ignore[arg-type]

    def hideEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        self.timer.stop()
        super().hideEvent(event)  # type: ignore[arg-type]

    def resizeEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._relayout()

    # -- layout ----------------------------------------------------------------------

    def _scale(self) -> float:
        return max(0.1, min(self.width() / DESIGN_WIDTH, self.height() / DESIGN_HEIGHT))

    def _font(self, px: float, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(6, round(px * self._scale() * self.factor)))
        font.setBold(bold)
        return font

    def _geometry(self) -> tuple[float, float, float, float]:
        """(x, top of the list, width, height for the list) at the current size."""
        s = self._scale()
        margin_x, margin_y = 96 * s, 56 * s
        head = QFontMetricsF(self._font(36, True)).height() + \
            QFontMetricsF(self._font(56, True)).height() + 24 * s
        foot = QFontMetricsF(self._font(24)).height() + 24 * s
        return (margin_x, margin_y + head, self.width() - 2 * margin_x,
                self.height() - 2 * margin_y - head - foot)

    def _text_width(self, width: float) -> float:
        s = self._scale()
        return width - 80 * s - (width * 0.3 if self.revealed else 0)

    def entry_height(self, entry: _Entry, width: float) -> float:
        s = self._scale() * self.factor
        flags = int(Qt.TextFlag.TextWordWrap)
        if entry.kind == "theme":
            return QFontMetricsF(self._font(30, True)).height() + 18 * s
        body = QFontMetricsF(self._font(34)).boundingRect(
            QRectF(0, 0, self._text_width(width), 10_000), flags, entry.line.text).height()
        meta = QFontMetricsF(self._font(22)).height() if self.revealed else 0.0
        return body + meta + 16 * s

    def _paginate(self, height: float, width: float) -> list[list[_Entry]]:
        pages: list[list[_Entry]] = [[]]
        used = 0.0
        for entry in self.entries():
            h = self.entry_height(entry, width)
            if pages[-1] and used + h > height:
                if pages[-1][-1].kind == "theme":  # never a heading alone at a page's foot
                    carried = pages[-1].pop()
                    pages.append([carried])
                    used = self.entry_height(carried, width)
                else:
                    pages.append([])
                    used = 0.0
            pages[-1].append(entry)
            used += h
        return pages

    def _relayout(self) -> None:
        """Largest type (down to SMALLEST) that fits on one page; else page it."""
        if self.width() <= 0 or self.height() <= 0:
            return
        _x, _top, width, height = (0.0, 0.0, 0.0, 0.0)
        self.factor = 1.0
        while True:
            _x, _top, width, height = self._geometry()
            pages = self._paginate(height, width)
            if len(pages) == 1 or self.factor <= SMALLEST:
                break
            self.factor = max(SMALLEST, self.factor * 0.92)
        self.pages = pages
        self.page = min(self.page, len(pages) - 1)
        if len(pages) > 1 and self.isVisible():
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.timer.stop()
        self.update()

    # -- painting --------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(BACKGROUND))
        s = self._scale()
        x, top, width, height = self._geometry()
        y = 56 * s
        for text, px, colour in ((self.title(), 36, ORANGE), (self.heading(), 56, INK)):
            font = self._font(px, True)
            painter.setFont(font)
            painter.setPen(QColor(colour))
            h = QFontMetricsF(font).height()
            painter.drawText(QRectF(x, y, width, h), int(Qt.AlignmentFlag.AlignLeft), text)
            y += h
        if not self.lines:
            painter.setFont(self._font(44, True))
            painter.setPen(QColor(MUTED))
            painter.drawText(QRectF(x, top, width, height), int(Qt.AlignmentFlag.AlignCenter),
                             self.tr("The combined advice will appear here."))
            painter.end()
            return
        top_dots = max([line.dots for line in self.lines] + [1])
        y = top
        for entry in self.pages[self.page]:
            h = self.entry_height(entry, width)
            self._paint_entry(painter, entry, x, y, width, h, top_dots)
            y += h
        font = self._font(24)
        painter.setFont(font)
        painter.setPen(QColor(MUTED))
        painter.drawText(QRectF(x, top + height + 12 * s, width, QFontMetricsF(font).height()),
                         int(Qt.AlignmentFlag.AlignLeft), self.footer())
        painter.end()

    def _paint_entry(self, painter: QPainter, entry: _Entry, x: float, y: float,
                     width: float, h: float, top_dots: int) -> None:
        s = self._scale() * self.factor
        wrap = int(Qt.TextFlag.TextWordWrap)
        if entry.kind == "theme":
            painter.setFont(self._font(30, True))
            painter.setPen(QColor(SKY))
            painter.drawText(QRectF(x, y + 14 * s, width, h), int(Qt.AlignmentFlag.AlignLeft),
                             entry.line.theme)
            return
        if self.revealed and entry.number % 2:
            painter.fillRect(QRectF(x - 12 * s, y, width + 24 * s, h - 4 * s), QColor(PANEL))
        painter.setFont(self._font(34, True))
        painter.setPen(QColor(ORANGE))
        painter.drawText(QRectF(x, y + 6 * s, 76 * s, h), int(Qt.AlignmentFlag.AlignLeft),
                         f"{entry.number}.")
        text_x = x + 80 * self._scale()
        text_w = self._text_width(width)
        painter.setFont(self._font(34))
        painter.setPen(QColor(INK))
        body = QFontMetricsF(self._font(34)).boundingRect(
            QRectF(0, 0, text_w, 10_000), wrap, entry.line.text).height()
        painter.drawText(QRectF(text_x, y + 6 * s, text_w, body),
                         int(Qt.AlignmentFlag.AlignLeft) | wrap, entry.line.text)
        if not self.revealed:
            return
        painter.setFont(self._font(22))
        painter.setPen(QColor(MUTED))
        painter.drawText(QRectF(text_x, y + 6 * s + body, text_w, h),
                         int(Qt.AlignmentFlag.AlignLeft),
                         f"{entry.line.theme} · {entry.line.sites}")
        bar_x = text_x + text_w + 24 * s
        bar_w = x + width - bar_x
        label_w = 150 * s
        track = max(0.0, bar_w - label_w)
        length = track * entry.line.dots / top_dots
        bar_h = min(h * 0.4, 34 * s)
        middle = y + h / 2
        painter.fillRect(QRectF(bar_x, middle - bar_h / 2, max(2 * s, length), bar_h),
                         QColor(SKY))
        painter.setFont(self._font(30, True))
        painter.setPen(QColor(INK))
        painter.drawText(QRectF(bar_x + length + 10 * s, y, label_w, h),
                         int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                         self._dots_text(entry.line.dots))

    def _dots_text(self, dots: int) -> str:
        return self.tr("1 dot") if dots == 1 else self.tr("{n} dots").format(n=dots)
