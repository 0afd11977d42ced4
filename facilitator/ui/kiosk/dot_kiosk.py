"""The dot-voting kiosk: participants spend their dots on the combined advice list.

Each participant has the pack's ``dot_allowance`` dots (default 3), at most
``dot_cap`` (default 2) on one item. Every item is a large row with − and + buttons
(touch) and the dots drawn as filled and empty circles with the count in words, so
colour never carries the meaning alone. Keyboard: ↑/↓ choose an item, + or → add a
dot, − or ← take one off, Enter submits. Submit says what is missing or over until
every dot is placed. The participant code is optional (blank: an anonymous sheet).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFocusEvent, QKeyEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from facilitator.core import advice, participants
from facilitator.core.errors import FacilitatorError
from facilitator.core.pack import SessionPack
from facilitator.core.store import Store
from facilitator.ui.console.audience import BACKGROUND, MUTED, PANEL, SKY, YELLOW
from facilitator.ui.kiosk.kiosk import KIOSK_STYLE
from facilitator.ui.kiosk.kiosk_language import ChosenLanguage, language_page
from facilitator.ui.kiosk.kiosk_style import _font, fit_to_height, kiosk_label, show_full_screen
from facilitator.ui.kiosk.pin_gate import KioskButton, PinGate

FILLED, EMPTY = "●", "○"
DOT_STYLE = KIOSK_STYLE.replace("#kiosk", "#dot_kiosk") + f"""
#dot_kiosk QFrame#dot_row {{ background: {PANEL}; border: 3px solid {PANEL};
    border-radius: 12px; }}
#dot_kiosk QFrame#dot_row[focused="true"] {{ border: 4px solid {YELLOW}; }}
#dot_kiosk QPushButton#dot_button {{ padding: 0px; min-width: 64px; min-height: 64px; }}
"""


class DotRow(ChosenLanguage, QFrame):
    """One advice item with its dots. Signals: changed(), step(int) — move focus,
    enter() — Enter was pressed on the row (submit)."""

    changed = Signal()
    step = Signal(int)
    enter = Signal()

    def __init__(self, item: advice.AdviceItem, cap: int, parent: QWidget | None = None,
                 lang: str = "") -> None:
        super().__init__(parent)
        self.lang = lang
        self.item = item
        self.cap = cap
        self.dots = 0
        self.can_add = True
        self.setObjectName("dot_row")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.text = QLabel(item.text)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setFont(_font(self.text, 26, True))
        self.meta = QLabel(" · ".join([item.theme, ", ".join(item.sites)]))
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.meta.setFont(_font(self.meta, 18))
        self.meta.setStyleSheet(f"color: {MUTED};")
        self.minus = QPushButton("−")
        self.plus = QPushButton("+")
        for button, slot, name in ((self.minus, self.remove, "remove"),
                                   (self.plus, self.add, "add")):
            button.setObjectName("dot_button")
            button.setAccessibleName(self.tr("{what} a dot").format(
                what=self.tr("Add") if name == "add" else self.tr("Remove")))
            button.setFont(_font(button, 36, True))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the row takes the keys
            button.clicked.connect(slot)
        self.shown = QLabel()
        self.shown.setFont(_font(self.shown, 34, True))
        self.shown.setStyleSheet(f"color: {SKY};")
        self.shown.setMinimumWidth(120)
        self.shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.count = QLabel()
        self.count.setFont(_font(self.count, 18))
        self.count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        words = QVBoxLayout()
        words.addWidget(self.text)
        words.addWidget(self.meta)
        dots = QVBoxLayout()
        dots.addWidget(self.shown)
        dots.addWidget(self.count)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.addLayout(words, 1)
        layout.addWidget(self.minus)
        layout.addLayout(dots)
        layout.addWidget(self.plus)
        self._show()

    def set_dots(self, dots: int) -> None:
        self.dots = max(0, min(self.cap, dots))
        self._show()
        self.changed.emit()

    def add(self) -> None:
        if self.dots < self.cap and self.can_add:
            self.set_dots(self.dots + 1)

    def remove(self) -> None:
        if self.dots:
            self.set_dots(self.dots - 1)

    def set_can_add(self, can_add: bool) -> None:
        self.can_add = can_add
        self.plus.setEnabled(can_add and self.dots < self.cap)

    def _show(self) -> None:
        self.shown.setText(FILLED * self.dots + EMPTY * (self.cap - self.dots))
        self.count.setText(self.tr("no dots") if not self.dots else self.tr("1 dot")
                           if self.dots == 1 else self.tr("{n} dots").format(n=self.dots))
        self.minus.setEnabled(self.dots > 0)
        self.plus.setEnabled(self.can_add and self.dots < self.cap)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal, Qt.Key.Key_Right):
            self.add()
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore, Qt.Key.Key_Left,
                     Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove()
        elif key == Qt.Key.Key_Up:
            self.step.emit(-1)
        elif key == Qt.Key.Key_Down:
            self.step.emit(1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter.emit()
        else:
            super().keyPressEvent(event)

    def _focused(self, on: bool) -> None:
        self.setProperty("focused", "true" if on else "false")
        self.style().unpolish(self)
        self.style().polish(self)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        self._focused(True)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        self._focused(False)
        super().focusOutEvent(event)


class DotVotingWindow(ChosenLanguage, QWidget):
    """The participants' screen, full screen at any resolution. Ctrl+Shift+X leaves it,
    behind the facilitator's PIN. Enter on a row submits; on a button, presses it.

    ``ask_language``: each voter starts with a Cymraeg / English choice (the app's dot
    kiosk always asks); their screen is then in that language and their dots record it.

    Signals: dots_cast(str sheet id) — a sheet was recorded; left() — closed.
    """

    dots_cast = Signal(str)
    left = Signal()
    THANKS_MS = 4000

    def __init__(self, store: Store, pack: SessionPack, site: str,
                 parent: QWidget | None = None, ask_language: bool = False) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.store = store
        from facilitator.ui.common import language

        self.lang = language.current()
        self.base_pack = pack
        self.pack = pack.localised(self.lang)
        self.ask_language = ask_language
        self.site = pack.site(site).id
        self.rows: list[DotRow] = []
        self.setObjectName("dot_kiosk")
        self.setStyleSheet(DOT_STYLE)
        self.setWindowTitle(self.tr("Facilitator — prioritise the advice"))
        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.language_page = language_page(self.choose_language)
        self.stack.addWidget(self.language_page)
        self.vote_page: QWidget | None = None
        self.thanks_page: QWidget | None = None
        self._build_in_language()
        self.pin_gate = PinGate(store)
        self.stack.addWidget(self.pin_gate)
        self.pin_gate.accepted.connect(self.leave)
        self.pin_gate.cancelled.connect(self._pin_cancelled)
        self._before_pin: QWidget = self.vote_page
        self.thanks_timer = QTimer(self)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.setInterval(self.THANKS_MS)
        self.thanks_timer.timeout.connect(self.next_voter)
        shortcut = QShortcut(QKeySequence("Ctrl+Shift+X"), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(self.request_leave)
        self.resize(1280, 720)
        self.next_voter()

    def _build_in_language(self) -> None:
        """The vote and thanks pages in ``self.lang`` (again, after the voter chose)."""
        for page in (self.vote_page, self.thanks_page):
            if page is not None:
                self.stack.removeWidget(page)
                page.deleteLater()
        self.rows = []
        self.setWindowTitle(self.tr("Facilitator — prioritise the advice"))
        self._build_vote()
        self._build_thanks()
        self._before_pin = self.vote_page

    def choose_language(self, lang: str) -> None:
        """The voter chose Cymraeg or English: their screen in that language."""
        if lang != self.lang:
            self.lang = lang
            self.pack = self.base_pack.localised(lang)
            self._build_in_language()
        self._fill()
        self.stack.setCurrentWidget(self.vote_page)
        if self.rows:
            self.rows[0].setFocus()

    def _build_vote(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(48, 28, 48, 28)
        layout.setSpacing(12)
        layout.addWidget(kiosk_label(self.tr("Which advice matters most to you?"), 42, True))
        layout.addWidget(kiosk_label(self.tr(
            "You have {n} dots. Put them on the advice you think matters most — up to "
            "{m} on one item. Tap + to add a dot and − to take one off. Keyboard: ↑ ↓ "
            "choose, + or → add, − or ← take off, Enter submits.").format(
            n=self.pack.dot_allowance, m=self.pack.dot_cap), 22, colour=MUTED))
        code_row = QHBoxLayout()
        code_label = kiosk_label(self.tr("Your participant code (optional):"), 24, True)
        code_label.setWordWrap(False)
        self.code = QLineEdit()
        self.code.setObjectName("participant_code")
        self.code.setFont(_font(self.code, 26))
        self.code.setMaxLength(40)
        self.code.setPlaceholderText(self.tr("leave blank to vote anonymously"))
        self.code.setMinimumWidth(320)
        self.code.setMaximumWidth(520)
        self.code.returnPressed.connect(self.submit)
        code_label.setBuddy(self.code)
        code_row.addWidget(code_label)
        code_row.addWidget(self.code, 1)
        self.remaining = kiosk_label("", 28, True, SKY)
        self.remaining.setObjectName("remaining")
        self.remaining.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        code_row.addWidget(self.remaining, 1)
        layout.addLayout(code_row)
        self.list_area = QScrollArea()
        self.list_area.setWidgetResizable(True)
        self.list_area.setFrameShape(QFrame.Shape.NoFrame)
        self.list_widget = QWidget()
        self.list_widget.setStyleSheet(f"background: {BACKGROUND};")
        self.list_layout = QVBoxLayout(self.list_widget)
        self.list_layout.setSpacing(10)
        self.list_area.setWidget(self.list_widget)
        layout.addWidget(self.list_area, 1)
        bottom = QHBoxLayout()
        self.missing = kiosk_label("", 26, True, YELLOW)
        self.missing.setObjectName("missing")
        self.start_again = KioskButton(self.tr("Start again"))
        self.start_again.setFont(_font(self.start_again, 24))
        self.start_again.clicked.connect(self.clear_dots)
        self.submit_button = KioskButton(self.tr("Submit my dots"))
        self.submit_button.setObjectName("primary")
        self.submit_button.setFont(_font(self.submit_button, 28, True))
        self.submit_button.setMinimumHeight(64)
        self.submit_button.clicked.connect(self.submit)
        bottom.addWidget(self.missing, 1)
        bottom.addWidget(self.start_again)
        bottom.addWidget(self.submit_button)
        layout.addLayout(bottom)
        self.stack.addWidget(page)
        self.vote_page = page

    def _build_thanks(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(48, 28, 48, 28)
        layout.addStretch(1)
        title = kiosk_label(self.tr("Thank you — your dots are recorded."), 52, True)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        self.next_button = KioskButton(self.tr("Next person"))
        self.next_button.setFont(_font(self.next_button, 28))
        self.next_button.clicked.connect(self.next_voter)
        layout.addWidget(self.next_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        self.stack.addWidget(page)
        self.thanks_page = page

    # -- state -----------------------------------------------------------------------------

    def current_page(self) -> str:
        current = self.stack.currentWidget()
        if current is self.language_page:
            return "language"
        return "thanks" if current is self.thanks_page else "vote"

    def next_voter(self) -> None:
        """A clean sheet with the list as it stands now (after the language choice)."""
        self.thanks_timer.stop()
        if self.store.closed:
            return  # the window outlived its database
        self._fill()
        if self.ask_language:
            self.stack.setCurrentWidget(self.language_page)
            self.language_page.setFocus()
            return
        self.stack.setCurrentWidget(self.vote_page)
        if self.rows:
            self.rows[0].setFocus()

    def _fill(self) -> None:
        self.code.clear()
        for row in self.rows:
            row.hide()  # gone from the screen now, not at the next turn of the loop
            row.setParent(None)
            row.deleteLater()
        self.rows = []
        while self.list_layout.count():
            taken = self.list_layout.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:  # e.g. "no advice yet": it must not linger behind
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        for item in advice.votable_items(self.store, self.pack):
            row = DotRow(item, self.pack.dot_cap, lang=self.lang)
            row.changed.connect(self._update)
            row.step.connect(self._mover(row))
            row.enter.connect(self.submit)
            self.list_layout.addWidget(row)
            self.rows.append(row)
        if not self.rows:
            self.list_layout.addWidget(kiosk_label(self.tr("There is no advice to vote on "
                                                           "yet."), 26, colour=MUTED))
        self.list_layout.addStretch(1)
        self._update()

    def _mover(self, row: DotRow) -> Callable[[int], None]:
        def move(step: int) -> None:
            self._move(row, step)
        return move

    def _move(self, row: DotRow, step: int) -> None:
        index = self.rows.index(row) + step
        if 0 <= index < len(self.rows):
            self.rows[index].setFocus()
            self.list_area.ensureWidgetVisible(self.rows[index])

    def row_for(self, item_id: str) -> DotRow:
        return next(r for r in self.rows if r.item.id == item_id)

    def allocation(self) -> dict[str, int]:
        return {r.item.id: r.dots for r in self.rows if r.dots}

    def placed(self) -> int:
        return sum(r.dots for r in self.rows)

    def clear_dots(self) -> None:
        for row in self.rows:
            row.set_dots(0)

    def _update(self) -> None:
        left = self.pack.dot_allowance - self.placed()
        for row in self.rows:
            row.set_can_add(left > 0)
        if left > 0:
            self.remaining.setText(self.tr("{n} of {total} dots left").format(
                n=left, total=self.pack.dot_allowance))
            self.missing.setText(self.tr("To submit, place 1 more dot.") if left == 1 else
                                 self.tr("To submit, place {n} more dots.").format(n=left))
        elif left == 0:
            self.remaining.setText(self.tr("All {total} dots placed").format(
                total=self.pack.dot_allowance))
            self.missing.setText(self.tr("All your dots are placed. Press Submit."))
        else:
            self.remaining.setText(self.tr("{n} dot(s) too many").format(n=-left))
            self.missing.setText(self.tr("Take {n} dot(s) off to submit.").format(n=-left))
        self.submit_button.setToolTip(self.missing.text())

    def submit(self) -> None:
        """Record the sheet, or say what is missing or over."""
        if self.current_page() != "vote":
            return
        left = self.pack.dot_allowance - self.placed()
        if left:
            self._update()
            return
        code = self.code.text().strip()
        participant_id: str | None = None
        if code:
            person = participants.by_code(self.store, self.site, code)
            if person is None:
                self.missing.setText(self.tr("Code {code} is not on the list for this site. "
                                             "Check it with the facilitator, or leave it "
                                             "blank to vote anonymously.").format(code=code))
                self.code.setFocus()
                return
            participant_id = str(person["id"])
        try:
            rows = advice.cast_dots(self.store, self.pack, site=self.site,
                                    allocations=self.allocation(),
                                    participant_id=participant_id, source="kiosk",
                                    lang=self.lang)
        except advice.DuplicateSheetError:
            self.missing.setText(self.tr("Code {code} has already put their dots. Ask the "
                                         "facilitator if you want to change them.")
                                 .format(code=code))
            return
        except FacilitatorError as exc:
            self.missing.setText(exc.message)
            return
        self.stack.setCurrentWidget(self.thanks_page)
        self.thanks_timer.start()
        self.dots_cast.emit(str(rows[0]["sheet"]) if rows else "")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        fit_to_height(self)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.thanks_timer.stop()
        super().closeEvent(event)

    def leave(self) -> None:
        self.close()
        self.left.emit()

    def request_leave(self) -> None:
        """Ctrl+Shift+X: leave, behind the facilitator's PIN."""
        if self.stack.currentWidget() is not self.pin_gate:
            self._before_pin = self.stack.currentWidget()
        self.pin_gate.ask(self.tr("Enter the PIN to close the dot voting screen."))
        self.stack.setCurrentWidget(self.pin_gate)
        self.pin_gate.setFocus()

    def _pin_cancelled(self) -> None:
        self.stack.setCurrentWidget(self._before_pin)
        if self._before_pin is self.vote_page and self.rows:
            self.rows[0].setFocus()

    def show_kiosk(self) -> None:
        show_full_screen(self)
