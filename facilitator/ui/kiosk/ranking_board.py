"""The ranking itself: six large cards (in a fresh random order for each ballot) and
six numbered places from "most acceptable" (1) to "least acceptable" (6). Cards move
by dragging (plain mouse press/move/release, so touch screens and tests drive it
alike), by tapping them in order of preference, or from the keyboard.
"""

from __future__ import annotations

import random

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from facilitator.core.pack import SessionPack
from facilitator.ui.common.palette import BACKGROUND, INK, LEVEL_COLOURS, MUTED, SKY, YELLOW
from facilitator.ui.kiosk.kiosk_language import ChosenLanguage
from facilitator.ui.kiosk.kiosk_style import CARD, EMPTY, PLACES, _font


class RankingBoard(ChosenLanguage, QWidget):
    """Six cards and six numbered places; the ranking is complete when all are placed.

    Keyboard: arrows move the highlight between cards, 1–6 put the highlighted card
    in that place, Enter or Space puts it in the next free place (or takes it back out),
    Ctrl+Up / Ctrl+Down move a placed card one place, Delete takes it out.

    Signals: changed() — a card was placed, moved or taken out.
    """

    changed = Signal()

    def __init__(self, pack: SessionPack, rng: random.Random | None = None,
                 parent: QWidget | None = None, lang: str = "") -> None:
        super().__init__(parent)
        self.lang = lang  # the participant's language ("" = the app's)
        self.pack = pack
        self.rng = rng or random.SystemRandom()
        self.titles = {u.id: u.title for u in pack.use_cases}
        self.levels = {u.id: u.level for u in pack.use_cases}
        self.order: list[str] = []  # home cells, in this ballot's random order
        self.places: list[str | None] = [None] * PLACES
        self.current: str | None = None
        self._press: tuple[str, QPointF] | None = None
        self._dragging = False
        self._drag_pos = QPointF()
        self._drag_offset = QPointF()
        self._hover: int | str | None = None
        self.setObjectName("rankingBoard")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(560, 300)  # the whole ballot, Submit too, fits 1366×768
        self.setAccessibleName(self.tr("Ranking board"))
        self.new_ballot()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(1600, 800)

    # -- state -------------------------------------------------------------------------

    def new_ballot(self) -> None:
        """A fresh, empty ranking with the cards in a new random order."""
        self.order = list(self.pack.use_case_ids)
        self.rng.shuffle(self.order)
        self.places = [None] * PLACES
        self.current = self.order[0] if self.order else None
        self._press = None
        self._dragging = False
        self._hover = None
        self._announce()

    def place_of(self, use_case: str) -> int | None:
        """1-based place of ``use_case``, or None while it is unplaced."""
        return self.places.index(use_case) + 1 if use_case in self.places else None

    def unplaced(self) -> list[str]:
        return [uc for uc in self.order if uc not in self.places]

    def ranking(self) -> list[str] | None:
        """Use-case ids, most acceptable first, once all six are placed."""
        if any(p is None for p in self.places):
            return None
        return [str(p) for p in self.places]

    def place(self, use_case: str, place: int) -> None:
        """Put ``use_case`` at ``place`` (1–6); a card already there swaps with it."""
        if not 1 <= place <= PLACES or use_case not in self.order:
            return
        old = self.place_of(use_case)
        occupant = self.places[place - 1]
        if occupant == use_case:
            return
        if old is not None:
            self.places[old - 1] = occupant  # swap, or leave empty
        self.places[place - 1] = use_case
        self.current = use_case
        self._announce()

    def take_out(self, use_case: str) -> None:
        old = self.place_of(use_case)
        if old is not None:
            self.places[old - 1] = None
            self.current = use_case
            self._announce()

    def tap(self, use_case: str) -> None:
        """Tapping an unplaced card gives it the next free place; a placed one comes out."""
        if self.place_of(use_case) is not None:
            self.take_out(use_case)
            return
        free = next((i for i, p in enumerate(self.places) if p is None), None)
        if free is not None:
            self.place(use_case, free + 1)

    def shift(self, use_case: str, step: int) -> None:
        old = self.place_of(use_case)
        if old is not None and 1 <= old + step <= PLACES:
            self.place(use_case, old + step)

    def _announce(self) -> None:
        self.update()
        self.setAccessibleDescription(self.describe())
        self.changed.emit()

    def describe(self) -> str:
        placed = [self.tr("{n}: {title}").format(n=i + 1, title=self.titles[p])
                  for i, p in enumerate(self.places) if p is not None]
        return "; ".join(placed) or self.tr("No cards placed yet")

    # -- geometry (also what tests aim at) ---------------------------------------------

    def _metrics(self) -> tuple[float, float, float, float]:
        """Pool width, slot column x, slot width, slot height."""
        w, h = float(self.width()), float(self.height())
        gap = w * 0.03
        pool_w = w * 0.56
        slot_x = pool_w + gap
        slot_w = w - slot_x
        slot_h = (h - 2 * self._end_label_h()) / PLACES
        return pool_w, slot_x, slot_w, slot_h

    def _end_label_h(self) -> float:
        return max(28.0, self.height() * 0.06)

    def home_rect(self, use_case: str) -> QRectF:
        """A card's home cell in the pool (two columns, three rows)."""
        index = self.order.index(use_case)
        pool_w = self._metrics()[0]
        gap = 18.0
        cell_w = (pool_w - gap) / 2
        cell_h = (self.height() - 2 * gap) / 3
        col, row = index % 2, index // 2
        return QRectF(col * (cell_w + gap), row * (cell_h + gap), cell_w, cell_h)

    def slot_rect(self, place: int) -> QRectF:
        _pool_w, slot_x, slot_w, slot_h = self._metrics()
        top = self._end_label_h() + (place - 1) * slot_h
        return QRectF(slot_x, top + 4, slot_w, slot_h - 8)

    def card_rect(self, use_case: str) -> QRectF:
        """Where ``use_case`` is drawn now: its place if placed, else its home cell."""
        place = self.place_of(use_case)
        return self.slot_rect(place) if place is not None else self.home_rect(use_case)

    def _card_at(self, pos: QPointF) -> str | None:
        for uc in self.order:
            if self.card_rect(uc).contains(pos):
                return uc
        return None

    def _target_at(self, pos: QPointF) -> int | str | None:
        """A place number, "pool", or None."""
        for place in range(1, PLACES + 1):
            if self.slot_rect(place).adjusted(0, -4, 0, 4).contains(pos):
                return place
        if pos.x() < self._metrics()[0]:
            return "pool"
        return None

    # -- mouse: press, move, release --------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position()
        card = self._card_at(pos)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if card is not None:
            self._press = (card, pos)
            self._drag_offset = pos - self.card_rect(card).topLeft()
            self.current = card
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._press is None:
            return
        pos = event.position()
        if not self._dragging:
            moved = (pos - self._press[1]).manhattanLength()
            if moved < QApplication.startDragDistance():
                return
            self._dragging = True
        self._drag_pos = pos
        self._hover = self._target_at(pos)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        card, _start = self._press
        dragging = self._dragging
        self._press, self._dragging, self._hover = None, False, None
        if not dragging:
            self.tap(card)
            return
        target = self._target_at(event.position())
        if isinstance(target, int):
            self.place(card, target)
        elif target == "pool":
            self.take_out(card)
        self.update()

    # -- keyboard -----------------------------------------------------------------------

    def _reading_order(self) -> list[str]:
        """Highlight order: unplaced cards as laid out, then the places top to bottom."""
        return self.unplaced() + [p for p in self.places if p is not None]

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        mods = event.modifiers()
        cards = self._reading_order()
        if self.current not in cards and cards:
            self.current = cards[0]
        current = self.current
        if current is None:
            super().keyPressEvent(event)
            return
        control = bool(mods & (Qt.KeyboardModifier.ControlModifier
                               | Qt.KeyboardModifier.AltModifier))
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and control:
            self.shift(current, -1 if key == Qt.Key.Key_Up else 1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_Right, Qt.Key.Key_Down):
            step = -1 if key in (Qt.Key.Key_Left, Qt.Key.Key_Up) else 1
            index = (cards.index(current) + step) % len(cards)
            self.current = cards[index]
            self.update()
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_6:
            self.place(current, int(key) - int(Qt.Key.Key_0))
            self._advance_highlight()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            was_placed = self.place_of(current) is not None
            self.tap(current)
            if not was_placed:
                self._advance_highlight()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_0):
            self.take_out(current)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _advance_highlight(self) -> None:
        """After placing, the highlight goes to the next card still to place."""
        left = self.unplaced()
        if left:
            self.current = left[0]
            self.update()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self.update()

    # -- painting -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(BACKGROUND))
        scale = max(0.45, min(self.width() / 1800, self.height() / 820))
        self._paint_ends(painter, scale)
        for place in range(1, PLACES + 1):
            self._paint_slot(painter, place, scale)
        dragged = self._press[0] if self._press and self._dragging else None
        for uc in self.order:
            if self.place_of(uc) is not None:
                self._paint_ghost(painter, uc, scale)
            if uc == dragged:
                continue
            self._paint_card(painter, uc, self.card_rect(uc), scale)
        if dragged is not None:
            rect = self.card_rect(dragged)
            if self.place_of(dragged) is not None:
                rect = self.home_rect(dragged)  # a lifted card has its full size
            rect.moveTopLeft(self._drag_pos - self._drag_offset
                             if rect.contains(self._drag_offset + rect.topLeft())
                             else self._drag_pos - QPointF(rect.width() / 2, rect.height() / 2))
            painter.setOpacity(0.92)
            self._paint_card(painter, dragged, rect, scale, lifted=True)
            painter.setOpacity(1.0)
        painter.end()

    def _paint_ends(self, painter: QPainter, scale: float) -> None:
        _pool_w, slot_x, slot_w, _slot_h = self._metrics()
        label_h = self._end_label_h()
        painter.setFont(_font(self, round(30 * scale), True))
        painter.setPen(QColor(INK))
        painter.drawText(QRectF(slot_x, 0, slot_w, label_h),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         self.tr("▲ Most acceptable"))
        painter.drawText(QRectF(slot_x, self.height() - label_h, slot_w, label_h),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         self.tr("▼ Least acceptable"))

    def _paint_slot(self, painter: QPainter, place: int, scale: float) -> None:
        rect = self.slot_rect(place)
        hover = self._hover == place and self._dragging
        filled = self.places[place - 1] is not None
        painter.setPen(QPen(QColor(YELLOW if hover else "#5A6470"), 5 if hover else 2,
                            Qt.PenStyle.SolidLine if hover or filled
                            else Qt.PenStyle.DashLine))
        painter.setBrush(QColor(EMPTY))
        painter.drawRoundedRect(rect, 12, 12)
        number_w = rect.height() * 1.05
        painter.setFont(_font(self, round(52 * scale), True))
        painter.setPen(QColor(INK))
        painter.drawText(QRectF(rect.x(), rect.y(), number_w, rect.height()),
                         Qt.AlignmentFlag.AlignCenter, str(place))
        if self.places[place - 1] is None:
            painter.setFont(_font(self, round(24 * scale)))
            painter.setPen(QColor(MUTED))
            hint = self.tr("empty — drag or tap a card")
            painter.drawText(rect.adjusted(number_w, 0, -12, 0),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, hint)

    def _paint_ghost(self, painter: QPainter, use_case: str, scale: float) -> None:
        rect = self.home_rect(use_case)
        painter.setPen(QPen(QColor("#4A545F"), 2, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect, 16, 16)
        painter.setFont(_font(self, round(24 * scale)))
        painter.setPen(QColor(MUTED))
        place = self.place_of(use_case)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                         self.tr("placed at {n}").format(n=place))

    def _paint_card(self, painter: QPainter, use_case: str, rect: QRectF, scale: float,
                    lifted: bool = False) -> None:
        placed = self.place_of(use_case)
        in_slot = placed is not None and not lifted
        highlighted = use_case == self.current and self.hasFocus()
        if in_slot:
            number_w = rect.height() * 1.05
            rect = rect.adjusted(number_w, 0, 0, 0)
        painter.setBrush(QColor(CARD))
        border = QColor(YELLOW) if highlighted or lifted else QColor(MUTED)
        painter.setPen(QPen(border, 7 if highlighted or lifted else 3))
        painter.drawRoundedRect(rect.adjusted(3, 3, -3, -3), 16, 16)
        inner = rect.adjusted(22 * scale + 6, 14 * scale + 4, -22 * scale - 6, -14 * scale - 4)
        level = self.levels.get(use_case, "basic")
        badge_text = self.tr("BASIC") if level == "basic" else self.tr("COMPLEX")
        badge_font = _font(self, round(20 * scale), True)
        painter.setFont(badge_font)
        badge_w = painter.fontMetrics().horizontalAdvance(badge_text) + 20 * scale
        badge_h = painter.fontMetrics().height() + 6 * scale
        title_font = _font(self, round((32 if in_slot else 40) * scale), True)
        if in_slot:
            badge = QRectF(inner.right() - badge_w, inner.center().y() - badge_h / 2,
                           badge_w, badge_h)
            title_rect = QRectF(inner.x(), inner.y(), inner.width() - badge_w - 16,
                                inner.height())
        else:
            badge = QRectF(inner.x(), inner.y(), badge_w, badge_h)
            title_rect = QRectF(inner.x(), badge.bottom() + 10 * scale, inner.width(),
                                inner.bottom() - badge.bottom() - 10 * scale)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(LEVEL_COLOURS.get(level, SKY)))
        painter.drawRoundedRect(badge, 6, 6)
        painter.setPen(QColor("#000000"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, badge_text)
        painter.setFont(title_font)
        painter.setPen(QColor(INK))
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
                         | Qt.TextFlag.TextWordWrap, self.titles.get(use_case, use_case))
        if highlighted and not in_slot:
            painter.setFont(_font(self, round(20 * scale)))
            painter.setPen(QColor(YELLOW))
            painter.drawText(inner, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                             self.tr("selected: press 1–6"))
