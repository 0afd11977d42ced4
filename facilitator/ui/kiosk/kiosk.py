"""The ballot kiosk: a full-screen window where participants rank the six use cases.

``RankingBoard`` is the ranking itself: six large cards (in a fresh random order for
each ballot) and six numbered places from "most acceptable" (1) to "least acceptable"
(6). Cards move by dragging (plain mouse press/move/release, so touch screens and tests
drive it alike), by tapping them in order of preference, or from the keyboard.
``KioskWindow`` (here) runs a ballot through its pages (``kiosk_pages``: the code and
Submit, the confirmation, the thanks), holds a second ballot for a code, and keeps the
facilitator's PIN-guarded lock (``kiosk_pin``) and the end of voting.
``KioskControlPanel`` is the facilitator's page in the main window that opens, locks and
closes it.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from facilitator.core import ballots, held, participants
from facilitator.core.errors import FacilitatorError
from facilitator.core.pack import SessionPack
from facilitator.core.store import Store
from facilitator.ui.common.errors import show_error
from facilitator.ui.kiosk.kiosk_language import ChosenLanguage, language_page
from facilitator.ui.kiosk.kiosk_pages import BallotPage, ConfirmPage, MessagePage, ThanksPage
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
    show_full_screen,
)
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
        self.ballot_page = BallotPage(self.board, self.pack.site(self.site).name,
                                      self.workshop, self.lang)
        self.ballot_page.submit.clicked.connect(self.review)
        self.confirm_page = ConfirmPage(self.lang)
        self.confirm_page.change_button.clicked.connect(lambda: self.show_page("ballot"))
        self.confirm_page.cast_button.clicked.connect(self.cast)
        self.thanks_page = ThanksPage(self.lang)
        self.thanks_page.next_button.clicked.connect(self.next_ballot)
        for name, page in (
                ("ballot", self.ballot_page), ("confirm", self.confirm_page),
                ("thanks", self.thanks_page),
                ("locked", MessagePage("locked", self.tr("This screen is paused"),
                                       self.tr("The facilitator will unlock it in a moment."))),
                ("closed", MessagePage("closed", self.tr("Voting has closed"),
                                       self.tr("Thank you for taking part.")))):
            self.stack.addWidget(page)
            self.pages[name] = page
        self.ballot_page.update_submit()
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
            self.confirm_page.cast_button.setFocus()
        elif name == "thanks":
            self.thanks_page.next_button.setFocus()
        elif name == "pin":
            self.pin_gate.setFocus()

    def next_ballot(self) -> None:
        """A clean ballot: new card order, no code, nothing of the previous person."""
        self.thanks_timer.stop()
        self._clear_ballot()
        self.thanks_page.thank()
        if not self.locked and self.current_page_or_none() not in ("closed", "pin"):
            self.show_page(self._first_page())

    def current_page_or_none(self) -> str | None:
        return self.current_page() if self.stack.currentWidget() is not None else None

    def review(self) -> None:
        """Submit: show the order for confirmation (refused until all six are placed)."""
        ranking = self.board.ranking()
        if ranking is None:
            self.ballot_page.update_submit()
            return
        code = self.ballot_page.code.text().strip()
        participant_id: str | None = None
        if code:
            person = participants.by_code(self.store, self.site, code)
            if person is None:
                self.ballot_page.refuse_code(code)
                return
            participant_id = str(person["id"])
            code = str(person["code"])
        self._pending = (ranking, participant_id, code)
        self.confirm_page.show_order([self.board.titles[uc] for uc in ranking], code)
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
            self.thanks_page.thank_held()
        else:
            self.thanks_page.thank()
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

    def _clear_ballot(self) -> None:
        """Nothing of the person before: no code, no cards, no order, no message."""
        self._pending = None
        self.board.new_ballot()
        self.ballot_page.code.clear()
        self.confirm_page.clear()
        self.ballot_page.update_submit()

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
        self.ballot_page.code.clear()
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
        show_full_screen(self)
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

