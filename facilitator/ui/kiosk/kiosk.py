"""The ballot kiosk: a full-screen window where participants rank the six use cases.

``RankingBoard`` is the ranking itself: six large cards (in a fresh random order for
each ballot) and six numbered places from "most acceptable" (1) to "least acceptable"
(6). Cards move by dragging (plain mouse press/move/release, so touch screens and tests
drive it alike), by tapping them in order of preference, or from the keyboard.
``KioskWindow`` (here) wraps it with the optional participant code, Submit, a confirmation
screen, the facilitator's lock and the end of voting. ``KioskControlPanel`` is the
facilitator's page in the main window that opens, locks and closes it.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from facilitator.core import ballots, held, participants
from facilitator.core.errors import FacilitatorError
from facilitator.core.pack import SessionPack
from facilitator.core.store import Store
from facilitator.ui.common.errors import show_error
from facilitator.ui.common.palette import INK, MUTED, PANEL, YELLOW
from facilitator.ui.kiosk.kiosk_language import ChosenLanguage, language_page
from facilitator.ui.kiosk.kiosk_pin import KioskPinFlow
from facilitator.ui.kiosk.kiosk_style import (  # noqa: F401 - re-exported
    CARD,
    EMPTY,
    KIOSK_STYLE,
    PLACES,
    _font,
    _voting_open,
    fit_to_height,
    kiosk_label,
)
from facilitator.ui.kiosk.pin_gate import KioskButton
from facilitator.ui.kiosk.ranking_board import RankingBoard  # noqa: F401 - re-exported


class KioskWindow(KioskPinFlow, ChosenLanguage, QWidget):
    """The participant's full-screen ballot window for one site and workshop.

    Facilitator keys, each behind the facilitator's PIN: Ctrl+Shift+L locks or unlocks
    it, Ctrl+Shift+X leaves it. A second ballot for a code that has voted is held for
    the facilitator (``core.held``), never decided here. Enter and Space press the
    focused button.

    ``ask_language``: each ballot starts with a Cymraeg / English choice (the app's
    kiosk always asks); the ballot is then in that language and records it.

    Signals: ballot_cast(str record_id), ballot_held(str held id), lock_changed(bool
    locked), voting_closed(), left() — the facilitator closed the kiosk.
    """

    ballot_cast = Signal(str)
    ballot_held = Signal(str)
    lock_changed = Signal(bool)
    voting_closed = Signal()
    left = Signal()

    THANKS_MS = 4000

    def __init__(self, store: Store, pack: SessionPack, site: str, workshop: int, *,
                 rng: random.Random | None = None, parent: QWidget | None = None,
                 ask_language: bool = False) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.store = store
        from facilitator.ui.common import language

        self.lang = language.current()
        self.base_pack = pack
        self.pack = pack.localised(self.lang)
        self.ask_language = ask_language
        self.rng = rng
        self.site = site
        self.workshop = workshop
        self.locked = False
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
        self.pages["language"] = language_page(self.choose_language)
        self.stack.addWidget(self.pages["language"])
        self._build_pin()
        self._build_in_language()
        self.thanks_timer = QTimer(self)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.setInterval(self.THANKS_MS)
        self.thanks_timer.timeout.connect(self.next_ballot)
        for keys, slot in (("Ctrl+Shift+L", self.request_lock),
                           ("Ctrl+Shift+X", self.request_leave)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
        self.resize(1280, 800)
        self.next_ballot()
        if not _voting_open(store, site, workshop):
            self.show_closed()

    # -- pages ----------------------------------------------------------------------------

    def _build_in_language(self) -> None:
        """The ballot's pages in ``self.lang`` (again, after the participant chose)."""
        for name in [n for n in self.pages if n not in ("language", "pin")]:
            page = self.pages.pop(name)
            self.stack.removeWidget(page)
            page.deleteLater()
        self.setWindowTitle(self.tr("Facilitator — ballot kiosk"))
        self.board = RankingBoard(self.pack, self.rng, lang=self.lang)
        self._build_ballot()
        self._build_confirm()
        self._build_thanks()
        self._build_message("locked", self.tr("This screen is paused"),
                            self.tr("The facilitator will unlock it in a moment."))
        self._build_message("closed", self.tr("Voting has closed"),
                            self.tr("Thank you for taking part."))
        self.board.changed.connect(self._update_submit)
        self._thank()
        self._update_submit()
        fit_to_height(self)

    def _first_page(self) -> str:
        return "language" if self.ask_language else "ballot"

    def choose_language(self, lang: str) -> None:
        """The participant chose Cymraeg or English: their ballot in that language."""
        if lang != self.lang:
            self.lang = lang
            self.pack = self.base_pack.localised(lang)
            self._build_in_language()
        self.board.new_ballot()
        self.show_page("ballot")

    def _page(self, name: str) -> QVBoxLayout:
        page = QWidget()
        page.setObjectName(f"kiosk_{name}")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(48, 32, 48, 32)
        self.stack.addWidget(page)
        self.pages[name] = page
        return layout

    def _build_ballot(self) -> None:
        layout = self._page("ballot")
        layout.setSpacing(10)
        site_name = self.pack.site(self.site).name
        self.ballot_title = kiosk_label(self.tr("Rank the six uses of AI in policing"), 44,
                                        True)
        layout.addWidget(self.ballot_title)
        self.ballot_help = kiosk_label(
            self.tr("Put the one you find most acceptable at 1 and the least acceptable "
                    "at 6. Drag a card to a place, or tap the cards in order. Keyboard: "
                    "arrows choose a card, 1–6 put it in that place, Delete takes it out."),
            21, colour=MUTED)
        layout.addWidget(self.ballot_help)
        code_row = QHBoxLayout()
        code_label = kiosk_label(self.tr("Your participant code (optional):"), 26, True)
        code_label.setWordWrap(False)
        self.code = QLineEdit()
        self.code.setObjectName("participant_code")
        self.code.setFont(_font(self.code, 28))
        self.code.setMaxLength(40)
        self.code.setPlaceholderText(self.tr("leave blank to vote anonymously"))
        self.code.setMaximumWidth(520)
        code_label.setBuddy(self.code)
        place = kiosk_label(self.tr("{site} · Workshop {n}").format(site=site_name,
                                                                    n=self.workshop), 24,
                            colour=MUTED)
        place.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        code_row.addWidget(code_label)
        code_row.addWidget(self.code, 1)
        code_row.addWidget(place, 1)
        layout.addLayout(code_row)
        layout.addWidget(self.board, 1)
        bottom = QHBoxLayout()
        self.missing = kiosk_label("", 22, True, YELLOW)  # may list titles: fits 768 high
        self.missing.setObjectName("missing")
        self.start_again = KioskButton(self.tr("Start again"))
        self.start_again.setFont(_font(self.start_again, 26))
        self.start_again.clicked.connect(self.board.new_ballot)
        self.submit = KioskButton(self.tr("Submit my ranking"))
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
        layout.addWidget(kiosk_label(self.tr("Is this your order?"), 48, True))
        self.confirm_who = kiosk_label("", 28, colour=MUTED)
        layout.addWidget(self.confirm_who)
        layout.addStretch(1)
        self.confirm_rows: list[QLabel] = []
        grid = QGridLayout()
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(10)  # six rows and the buttons fit a 1366×768 laptop
        for place in range(1, PLACES + 1):
            number = kiosk_label(str(place), 44, True)
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            number.setFixedSize(96, 62)
            number.setStyleSheet(f"color: {INK}; background: {PANEL}; border-radius: 12px;")
            title = kiosk_label("", 36, True)  # the longest Welsh title fits 1366 wide
            title.setWordWrap(False)
            self.confirm_rows.append(title)
            grid.addWidget(number, place - 1, 0)
            grid.addWidget(title, place - 1, 1)
        end_most = kiosk_label(self.tr("◀ most acceptable"), 28, colour=MUTED)
        end_least = kiosk_label(self.tr("◀ least acceptable"), 28, colour=MUTED)
        grid.addWidget(end_most, 0, 2)
        grid.addWidget(end_least, PLACES - 1, 2)
        grid.setColumnStretch(3, 1)
        layout.addLayout(grid)
        layout.addStretch(2)
        buttons = QHBoxLayout()
        self.change_button = KioskButton(self.tr("Go back and change it"))
        self.change_button.setFont(_font(self.change_button, 28))
        self.change_button.clicked.connect(lambda: self.show_page("ballot"))
        self.cast_button = KioskButton(self.tr("Yes, cast my vote"))
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
        self.thanks_heading = kiosk_label("", 64, True)
        self.thanks_heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.thanks_heading)
        self.thanks_sub = kiosk_label("", 32, colour=MUTED)
        self.thanks_sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.thanks_sub)
        layout.addSpacing(24)
        self.next_button = KioskButton(self.tr("Next person: start a new ballot"))
        self.next_button.setObjectName("primary")
        self.next_button.setFont(_font(self.next_button, 30, True))
        self.next_button.clicked.connect(self.next_ballot)
        layout.addWidget(self.next_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(3)

    def _build_message(self, name: str, heading: str, text: str) -> None:
        layout = self._page(name)
        layout.addStretch(2)
        head = kiosk_label(heading, 72, True)
        head.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body = kiosk_label(text, 36, colour=MUTED)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(head)
        layout.addWidget(body)
        layout.addStretch(3)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        fit_to_height(self)

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
        elif name == "pin":
            self.pin_gate.setFocus()

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
        self._clear_ballot()
        self._thank()
        if not self.locked and self.current_page_or_none() not in ("closed", "pin"):
            self.show_page(self._first_page())

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
            outcome = self._cast_or_hold(ranking, participant_id, code)
        except ballots.VotingClosedError:
            self.show_closed()
            return
        except FacilitatorError as exc:
            self.next_ballot()  # nothing of this person stays for the next one
            show_error(self, exc)
            return
        self._clear_ballot()
        if isinstance(outcome, held.HeldBallot):
            # Whoever typed the code cannot replace anyone's vote: the facilitator decides.
            self.thanks_heading.setText(self.tr("Thank you — the facilitator will check "
                                                "your ballot"))
            self.thanks_sub.setText(self.tr("This code has voted before. Your new ballot "
                                            "is kept aside until the facilitator has "
                                            "spoken with you."))
        else:
            self._thank()
        self.show_page("thanks")
        self.thanks_timer.start()
        if isinstance(outcome, held.HeldBallot):
            self.ballot_held.emit(outcome.id)
        else:
            self.ballot_cast.emit(str(outcome["id"]))

    def _cast_or_hold(self, ranking: list[str], participant_id: str | None,
                      code: str) -> dict[str, Any] | held.HeldBallot:
        """Count the ballot, or hold it for the facilitator when this code has already
        cast a different one (the same queue phone ballots join)."""
        try:
            return ballots.cast_ballot(self.store, self.pack, site=self.site,
                                       workshop=self.workshop, ranking=ranking,
                                       participant_id=participant_id, source="kiosk",
                                       lang=self.lang)
        except ballots.DuplicateBallotError:
            assert participant_id is not None
            return held.hold(self.store, record_id=held.held_id(uuid.uuid4().hex),
                             kind="ranking", site=self.site, workshop=self.workshop,
                             participant_id=participant_id, code=code, choice=ranking,
                             source="kiosk", lang=self.lang)

    def _thank(self) -> None:
        self.thanks_heading.setText(self.tr("Thank you — your vote is recorded"))
        self.thanks_sub.setText(self.tr("The screen is ready for the next person."))

    def _clear_ballot(self) -> None:
        """Nothing of the person before: no code, no cards, no order, no message."""
        self._pending = None
        self.board.new_ballot()
        self.code.clear()
        for row in self.confirm_rows:
            row.clear()
        self.confirm_who.clear()
        self._update_submit()

    # -- facilitator -----------------------------------------------------------------------

    def set_locked(self, locked: bool) -> None:
        if locked == self.locked:
            return
        if self.current_page() == "pin":
            self._pin_cancelled()
        self.pin_gate.reset_tries()
        if locked:
            self._before_lock = self.current_page()
            self.locked = True
            self.show_page("locked")
        else:
            self.locked = False
            open_now = _voting_open(self.store, self.site, self.workshop)
            self.show_page(self._before_lock if open_now and self._before_lock != "closed"
                           else (self._first_page() if open_now else "closed"))
        self.lock_changed.emit(locked)

    def toggle_lock(self) -> None:
        """From the console (the facilitator is there): no PIN asked."""
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
            self.show_page(self._first_page())

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
        elif self.current_page() == "language":
            self.pages["language"].setFocus()


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


def ranking_text(pack: SessionPack, ranking: Sequence[str]) -> str:
    titles = {u.id: u.title for u in pack.use_cases}
    return "; ".join(f"{i + 1}. {titles.get(uc, uc)}" for i, uc in enumerate(ranking))

