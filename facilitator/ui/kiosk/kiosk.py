"""The ballot kiosk: a full-screen window where participants rank the six use cases.

``RankingBoard`` is the ranking itself: six large cards (in a fresh random order for
each ballot) and six numbered places from "most acceptable" (1) to "least acceptable"
(6). Cards move by dragging (plain mouse press/move/release, so touch screens and tests
drive it alike), by tapping them in order of preference, or from the keyboard.
``KioskWindow`` wraps it with the optional participant code, Submit, a confirmation
screen, the facilitator's lock and the end of voting. ``KioskControlPanel`` is the
facilitator's page in the main window that opens, locks and closes it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from facilitator.core import ballots, participants
from facilitator.core.errors import FacilitatorError
from facilitator.core.pack import SessionPack
from facilitator.core.store import Store
from facilitator.ui.common.errors import show_error
from facilitator.ui.console.audience import (
    BACKGROUND,
    INK,
    LEVEL_COLOURS,
    MUTED,
    PANEL,
    SKY,
    YELLOW,
)

PLACES = 6
CARD = "#26303A"
EMPTY = "#161C22"
KIOSK_STYLE = f"""
#kiosk, #kiosk QWidget {{ background: {BACKGROUND}; color: {INK}; }}
#kiosk QLabel {{ background: transparent; }}
#kiosk QLineEdit {{ background: #FFFFFF; color: #000000; border: 3px solid {MUTED};
    border-radius: 8px; padding: 6px 12px; }}
#kiosk QLineEdit:focus {{ border: 4px solid {YELLOW}; }}
#kiosk QPushButton {{ background: {PANEL}; color: {INK}; border: 3px solid {MUTED};
    border-radius: 10px; padding: 12px 28px; }}
#kiosk QPushButton:focus {{ border: 5px solid {YELLOW}; }}
#kiosk QPushButton#primary {{ background: {SKY}; color: #000000; border-color: {SKY};
    font-weight: bold; }}
#kiosk QPushButton#primary:focus {{ border-color: {YELLOW}; }}
#kiosk QPushButton:disabled, #kiosk QPushButton#primary:disabled {{ background: #22282E; color: #A3ACB7;
    border: 3px dashed #4A545F; }}
"""


def _voting_open(store: Store, site: str, workshop: int) -> bool:
    return ballots.voting_state(store, site, workshop) == "open"


def _font(widget: QWidget, px: int, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPixelSize(px)
    font.setBold(bold)
    return font


class RankingBoard(QWidget):
    """Six cards and six numbered places; the ranking is complete when all are placed.

    Keyboard: arrows move the highlight between cards, 1–6 put the highlighted card
    in that place, Enter or Space puts it in the next free place (or takes it back out),
    Ctrl+Up / Ctrl+Down move a placed card one place, Delete takes it out.

    Signals: changed() — a card was placed, moved or taken out.
    """

    changed = Signal()

    def __init__(self, pack: SessionPack, rng: random.Random | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        self.setMinimumSize(720, 480)
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


class KioskWindow(QWidget):
    """The participant's full-screen ballot window for one site and workshop.

    Facilitator keys: Ctrl+Shift+L locks or unlocks it, Ctrl+Shift+X leaves it.

    Signals: ballot_cast(str record_id), lock_changed(bool locked), voting_closed(),
    left() — the facilitator closed the kiosk.
    """

    ballot_cast = Signal(str)
    lock_changed = Signal(bool)
    voting_closed = Signal()
    left = Signal()

    THANKS_MS = 4000

    def __init__(self, store: Store, pack: SessionPack, site: str, workshop: int, *,
                 rng: random.Random | None = None, parent: QWidget | None = None,
                 confirm_replace: Callable[[QWidget, str], bool] | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.store = store
        self.pack = pack
        self.site = site
        self.workshop = workshop
        self.locked = False
        self.confirm_replace = confirm_replace or ask_facilitator_to_replace
        self._pending: tuple[list[str], str | None, str] | None = None
        self._before_lock = "ballot"
        self.setObjectName("kiosk")
        self.setStyleSheet(KIOSK_STYLE)
        self.setWindowTitle(self.tr("Facilitator — ballot kiosk"))
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.pages: dict[str, QWidget] = {}
        self.board = RankingBoard(pack, rng)
        self._build_ballot()
        self._build_confirm()
        self._build_thanks()
        self._build_message("locked", self.tr("This screen is paused"),
                            self.tr("The facilitator will unlock it in a moment."))
        self._build_message("closed", self.tr("Voting has closed"),
                            self.tr("Thank you for taking part."))
        self.board.changed.connect(self._update_submit)
        self.thanks_timer = QTimer(self)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.setInterval(self.THANKS_MS)
        self.thanks_timer.timeout.connect(self.next_ballot)
        for keys, slot in (("Ctrl+Shift+L", self.toggle_lock), ("Ctrl+Shift+X", self.leave)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
        self.resize(1280, 800)
        self.next_ballot()
        if not _voting_open(store, site, workshop):
            self.show_closed()

    # -- pages ----------------------------------------------------------------------------

    def _page(self, name: str) -> QVBoxLayout:
        page = QWidget()
        page.setObjectName(f"kiosk_{name}")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(48, 32, 48, 32)
        self.stack.addWidget(page)
        self.pages[name] = page
        return layout

    def _label(self, text: str, px: int, bold: bool = False, colour: str = INK) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setFont(_font(label, px, bold))
        label.setStyleSheet(f"color: {colour};")
        return label

    def _build_ballot(self) -> None:
        layout = self._page("ballot")
        layout.setSpacing(14)
        site_name = self.pack.site(self.site).name
        self.ballot_title = self._label(self.tr("Rank the six uses of AI in policing"), 44,
                                        True)
        layout.addWidget(self.ballot_title)
        self.ballot_help = self._label(
            self.tr("Put the one you find most acceptable at 1 and the least acceptable "
                    "at 6. Drag a card to a place, or tap the cards in order. Keyboard: "
                    "arrows choose a card, 1–6 put it in that place, Delete takes it out."),
            24, colour=MUTED)
        layout.addWidget(self.ballot_help)
        code_row = QHBoxLayout()
        code_label = self._label(self.tr("Your participant code (optional):"), 26, True)
        code_label.setWordWrap(False)
        self.code = QLineEdit()
        self.code.setObjectName("participant_code")
        self.code.setFont(_font(self.code, 28))
        self.code.setMaxLength(40)
        self.code.setPlaceholderText(self.tr("leave blank to vote anonymously"))
        self.code.setMaximumWidth(520)
        code_label.setBuddy(self.code)
        place = self._label(self.tr("{site} · Workshop {n}").format(site=site_name,
                                                                    n=self.workshop), 24,
                            colour=MUTED)
        place.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        code_row.addWidget(code_label)
        code_row.addWidget(self.code, 1)
        code_row.addWidget(place, 1)
        layout.addLayout(code_row)
        layout.addWidget(self.board, 1)
        bottom = QHBoxLayout()
        self.missing = self._label("", 28, True, YELLOW)
        self.missing.setObjectName("missing")
        self.start_again = QPushButton(self.tr("Start again"))
        self.start_again.setFont(_font(self.start_again, 26))
        self.start_again.clicked.connect(self.board.new_ballot)
        self.submit = QPushButton(self.tr("Submit my ranking"))
        self.submit.setObjectName("primary")
        self.submit.setFont(_font(self.submit, 30, True))
        self.submit.setMinimumHeight(78)
        self.submit.clicked.connect(self.review)
        bottom.addWidget(self.missing, 1)
        bottom.addWidget(self.start_again)
        bottom.addWidget(self.submit)
        layout.addLayout(bottom)
        self.setTabOrder(self.code, self.board)
        self.setTabOrder(self.board, self.submit)

    def _build_confirm(self) -> None:
        layout = self._page("confirm")
        layout.setSpacing(12)
        layout.addWidget(self._label(self.tr("Is this your order?"), 52, True))
        self.confirm_who = self._label("", 28, colour=MUTED)
        layout.addWidget(self.confirm_who)
        layout.addStretch(1)
        self.confirm_rows: list[QLabel] = []
        grid = QGridLayout()
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(18)
        for place in range(1, PLACES + 1):
            number = self._label(str(place), 52, True)
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            number.setFixedSize(112, 96)
            number.setStyleSheet(f"color: {INK}; background: {PANEL}; border-radius: 12px;")
            title = self._label("", 46, True)
            title.setWordWrap(False)
            self.confirm_rows.append(title)
            grid.addWidget(number, place - 1, 0)
            grid.addWidget(title, place - 1, 1)
        end_most = self._label(self.tr("◀ most acceptable"), 28, colour=MUTED)
        end_least = self._label(self.tr("◀ least acceptable"), 28, colour=MUTED)
        grid.addWidget(end_most, 0, 2)
        grid.addWidget(end_least, PLACES - 1, 2)
        grid.setColumnStretch(3, 1)
        layout.addLayout(grid)
        layout.addStretch(2)
        buttons = QHBoxLayout()
        self.change_button = QPushButton(self.tr("Go back and change it"))
        self.change_button.setFont(_font(self.change_button, 28))
        self.change_button.clicked.connect(lambda: self.show_page("ballot"))
        self.cast_button = QPushButton(self.tr("Yes, cast my vote"))
        self.cast_button.setObjectName("primary")
        self.cast_button.setFont(_font(self.cast_button, 32, True))
        self.cast_button.setMinimumHeight(84)
        self.cast_button.clicked.connect(self.cast)
        buttons.addWidget(self.change_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cast_button)
        layout.addLayout(buttons)

    def _build_thanks(self) -> None:
        layout = self._page("thanks")
        layout.addStretch(2)
        heading = self._label(self.tr("Thank you — your vote is recorded"), 64, True)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(heading)
        sub = self._label(self.tr("The screen is ready for the next person."), 32,
                          colour=MUTED)
        sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(sub)
        layout.addSpacing(24)
        self.next_button = QPushButton(self.tr("Next person: start a new ballot"))
        self.next_button.setObjectName("primary")
        self.next_button.setFont(_font(self.next_button, 30, True))
        self.next_button.clicked.connect(self.next_ballot)
        layout.addWidget(self.next_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(3)

    def _build_message(self, name: str, heading: str, text: str) -> None:
        layout = self._page(name)
        layout.addStretch(2)
        head = self._label(heading, 72, True)
        head.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body = self._label(text, 36, colour=MUTED)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(head)
        layout.addWidget(body)
        layout.addStretch(3)

    # -- flow ------------------------------------------------------------------------------

    def current_page(self) -> str:
        widget = self.stack.currentWidget()
        return next(name for name, page in self.pages.items() if page is widget)

    def show_page(self, name: str) -> None:
        self.stack.setCurrentWidget(self.pages[name])
        if name == "ballot":
            self.board.setFocus()
        elif name == "confirm":
            self.cast_button.setFocus()
        elif name == "thanks":
            self.next_button.setFocus()

    def _update_submit(self) -> None:
        left = self.board.unplaced()
        self.submit.setEnabled(not left)
        if not left:
            self.missing.setText(self.tr("All six placed. Check your order, then press "
                                         "Submit."))
        elif len(left) == PLACES:
            self.missing.setText(self.tr("To submit, place all six cards: none placed yet."))
        else:
            self.missing.setText(self.tr("To submit, place {n} more: {titles}.").format(
                n=len(left), titles=", ".join(self.board.titles[uc] for uc in left)))
        self.submit.setToolTip(self.missing.text())

    def next_ballot(self) -> None:
        """A clean ballot: new card order, no code, nothing of the previous person."""
        self.thanks_timer.stop()
        self._pending = None
        self.board.new_ballot()
        self.code.clear()
        for row in self.confirm_rows:
            row.clear()
        self.confirm_who.clear()
        if not self.locked and self.current_page_or_none() not in ("closed",):
            self.show_page("ballot")

    def current_page_or_none(self) -> str | None:
        return self.current_page() if self.stack.currentWidget() is not None else None

    def review(self) -> None:
        """Submit: show the order for confirmation (refused until all six are placed)."""
        ranking = self.board.ranking()
        if ranking is None:
            self._update_submit()
            return
        code = self.code.text().strip()
        participant_id: str | None = None
        if code:
            person = participants.by_code(self.store, self.site, code)
            if person is None:
                self.missing.setText(self.tr("Code {code} is not on the list for this "
                                             "site. Check it with the facilitator, or "
                                             "leave it blank to vote anonymously.")
                                     .format(code=code))
                self.code.setFocus()
                return
            participant_id = str(person["id"])
            code = str(person["code"])
        self._pending = (ranking, participant_id, code)
        for title, uc in zip(self.confirm_rows, ranking, strict=True):
            title.setText(self.board.titles[uc])
        self.confirm_who.setText(self.tr("Participant code: {code}").format(code=code)
                                 if code else self.tr("Anonymous ballot (no code given)"))
        self.show_page("confirm")

    def cast(self) -> None:
        if self._pending is None:
            return
        if not _voting_open(self.store, self.site, self.workshop):
            self.show_closed()
            return
        ranking, participant_id, code = self._pending
        try:
            record = self._cast(ranking, participant_id, replace=False)
        except ballots.VotingClosedError:
            self.show_closed()
            return
        except ballots.DuplicateBallotError:
            if not self.confirm_replace(self, code):
                self.show_page("ballot")
                self.missing.setText(self.tr("Not recorded: code {code} has already "
                                             "voted, and the earlier ballot was kept.")
                                     .format(code=code))
                return
            try:
                record = self._cast(ranking, participant_id, replace=True)
            except FacilitatorError as exc:
                show_error(self, exc)
                return
        except FacilitatorError as exc:
            show_error(self, exc)
            return
        self._pending = None
        self.board.new_ballot()
        self.code.clear()
        for row in self.confirm_rows:
            row.clear()
        self.show_page("thanks")
        self.thanks_timer.start()
        self.ballot_cast.emit(str(record["id"]))

    def _cast(self, ranking: list[str], participant_id: str | None, *,
              replace: bool) -> dict[str, Any]:
        return ballots.cast_ballot(self.store, self.pack, site=self.site,
                                   workshop=self.workshop, ranking=ranking,
                                   participant_id=participant_id, source="kiosk",
                                   replace=replace)

    # -- facilitator -----------------------------------------------------------------------

    def set_locked(self, locked: bool) -> None:
        if locked == self.locked:
            return
        if locked:
            self._before_lock = self.current_page()
            self.locked = True
            self.show_page("locked")
        else:
            self.locked = False
            open_now = _voting_open(self.store, self.site, self.workshop)
            self.show_page(self._before_lock if open_now and self._before_lock != "closed"
                           else ("ballot" if open_now else "closed"))
        self.lock_changed.emit(locked)

    def toggle_lock(self) -> None:
        self.set_locked(not self.locked)

    def show_closed(self) -> None:
        """Voting ended: nothing in progress stays on screen."""
        self._pending = None
        self.board.new_ballot()
        self.code.clear()
        self.show_page("closed")
        self.voting_closed.emit()

    def voting_reopened(self) -> None:
        if self.current_page() == "closed" and not self.locked:
            self.next_ballot()
            self.show_page("ballot")

    def leave(self) -> None:
        self.close()
        self.left.emit()

    def show_kiosk(self) -> None:
        """Full screen on the screen the window is on."""
        screen = self.screen()
        if screen is not None:
            self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.raise_()
        self.activateWindow()
        if self.current_page() == "ballot":
            self.board.setFocus()


def ask_facilitator_to_replace(parent: QWidget, code: str) -> bool:
    """The facilitator decides whether a second ballot replaces the first."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(parent.tr("Facilitator: please confirm"))
    box.setText(parent.tr("Code {code} has already voted in this workshop.").format(code=code))
    box.setInformativeText(parent.tr(
        "Facilitator only: replace the earlier ballot with this one? Only the new one will "
        "count; the earlier one is kept in the record as an older revision."))
    replace = box.addButton(parent.tr("Replace the earlier ballot"),
                            QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton(parent.tr("Keep the earlier ballot"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setObjectName("replace_confirm")
    box.exec()
    return box.clickedButton() is replace


class KioskControlPanel(QWidget):
    """The facilitator's voting page: open the kiosk, lock it, close voting.

    Signals: kiosk_opened(KioskWindow).
    """

    kiosk_opened = Signal(object)

    def __init__(self, store: Store, pack: SessionPack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.pack = pack
        self.kiosk: KioskWindow | None = None
        self.setObjectName("kiosk_controls")
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Ballot kiosk"))
        heading.setFont(_font(heading, 22, True))
        layout.addWidget(heading)
        explain = QLabel(self.tr(
            "Open a full-screen kiosk where participants rank the six use cases, one after "
            "another. Each ballot starts with the cards in a new random order and shows "
            "nothing of the previous one. In the kiosk, Ctrl+Shift+L locks or unlocks it "
            "and Ctrl+Shift+X leaves it."))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        form = QHBoxLayout()
        self.site_box = QComboBox()
        for site in pack.sites:
            self.site_box.addItem(site.name, site.id)
        if store.site:
            self.site_box.setCurrentIndex(max(0, self.site_box.findData(store.site)))
        self.workshop_box = QComboBox()
        for workshop in pack.workshops:
            self.workshop_box.addItem(workshop.title, workshop.number)
        current = store.get_setting("workshop")
        if current and current.isdigit():
            self.workshop_box.setCurrentIndex(max(0, self.workshop_box.findData(int(current))))
        site_label = QLabel(self.tr("&Site:"))
        site_label.setBuddy(self.site_box)
        workshop_label = QLabel(self.tr("&Workshop:"))
        workshop_label.setBuddy(self.workshop_box)
        form.addWidget(site_label)
        form.addWidget(self.site_box)
        form.addWidget(workshop_label)
        form.addWidget(self.workshop_box, 1)
        layout.addLayout(form)
        self.state_label = QLabel()
        self.state_label.setObjectName("voting_state")
        self.state_label.setFont(_font(self.state_label, 18, True))
        layout.addWidget(self.state_label)
        buttons = QHBoxLayout()
        self.open_button = QPushButton(self.tr("&Open kiosk full screen"))
        self.open_button.clicked.connect(self.open_kiosk)
        self.lock_button = QPushButton(self.tr("&Lock kiosk"))
        self.lock_button.setCheckable(True)
        self.lock_button.clicked.connect(self.toggle_lock)
        self.voting_button = QPushButton()
        self.voting_button.clicked.connect(self.toggle_voting)
        for button in (self.open_button, self.lock_button, self.voting_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.site_box.currentIndexChanged.connect(self.refresh)
        self.workshop_box.currentIndexChanged.connect(self.refresh)
        self.refresh()

    @property
    def site(self) -> str:
        return str(self.site_box.currentData())

    @property
    def workshop(self) -> int:
        return int(self.workshop_box.currentData())

    def refresh(self, *_args: object) -> None:
        open_now = _voting_open(self.store, self.site, self.workshop)
        self.state_label.setText(
            (self.tr("● Voting is open for {site}, workshop {n}.") if open_now
             else self.tr("■ Voting is closed for {site}, workshop {n}.")).format(
                site=self.pack.site(self.site).name, n=self.workshop))
        self.voting_button.setText(self.tr("&Close voting") if open_now
                                   else self.tr("Open &voting"))
        kiosk = self.kiosk
        self.lock_button.setEnabled(kiosk is not None)
        self.lock_button.setChecked(bool(kiosk and kiosk.locked))
        self.lock_button.setText(self.tr("&Unlock kiosk") if kiosk and kiosk.locked
                                 else self.tr("&Lock kiosk"))

    def open_kiosk(self) -> KioskWindow:
        """Open (or bring back) the kiosk; voting opens with it if it was closed."""
        if self.kiosk is not None and (self.kiosk.site, self.kiosk.workshop) != (
                self.site, self.workshop):
            self.kiosk.close()
            self.kiosk.deleteLater()
            self.kiosk = None
        if not _voting_open(self.store, self.site, self.workshop):
            ballots.set_voting(self.store, self.site, self.workshop, True)
        if self.kiosk is None:
            # Owned by this page, but a window of its own (full screen).
            self.kiosk = KioskWindow(self.store, self.pack, self.site, self.workshop,
                                     parent=self)
            self.kiosk.lock_changed.connect(self.refresh)
            self.kiosk.left.connect(self._kiosk_left)
            self.kiosk_opened.emit(self.kiosk)
        self.kiosk.voting_reopened()
        self.kiosk.show_kiosk()
        self.refresh()
        return self.kiosk

    def _kiosk_left(self) -> None:
        self.refresh()

    def toggle_lock(self) -> None:
        if self.kiosk is not None:
            self.kiosk.toggle_lock()
        self.refresh()

    def toggle_voting(self) -> None:
        open_now = _voting_open(self.store, self.site, self.workshop)
        if open_now:
            answer = QMessageBox.question(
                self, self.tr("Close voting"),
                self.tr("Close voting for this workshop? The kiosk stops taking ballots "
                        "and shows “Voting has closed”. You can open voting again later."))
            if answer != QMessageBox.StandardButton.Yes:
                return
        ballots.set_voting(self.store, self.site, self.workshop, not open_now)
        if self.kiosk is not None and (self.kiosk.site, self.kiosk.workshop) == (
                self.site, self.workshop):
            if open_now:
                self.kiosk.show_closed()
            else:
                self.kiosk.voting_reopened()
        self.refresh()

    def shut_down(self) -> None:
        if self.kiosk is not None:
            self.kiosk.close()
            self.kiosk.deleteLater()
            self.kiosk = None


def ranking_text(pack: SessionPack, ranking: Sequence[str]) -> str:
    titles = {u.id: u.title for u in pack.use_cases}
    return "; ".join(f"{i + 1}. {titles.get(uc, uc)}" for i, uc in enumerate(ranking))

