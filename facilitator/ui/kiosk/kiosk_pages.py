"""The pages a participant sees at the ballot kiosk, in the language they chose: the
ballot (code, board, Submit), the confirmation of their order, the thanks, and the
plain messages (paused, voting closed). Each page only shows and clears; what a button
does is decided by ``KioskWindow``, which owns the pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from facilitator.ui.common.language import ChosenLanguage
from facilitator.ui.common.palette import INK, MUTED, PANEL, YELLOW
from facilitator.ui.kiosk.kiosk_style import PLACES, _font, kiosk_label
from facilitator.ui.kiosk.pin_gate import KioskButton
from facilitator.ui.kiosk.ranking_board import RankingBoard


def _page_layout(page: QWidget, name: str) -> QVBoxLayout:
    page.setObjectName(f"kiosk_{name}")
    layout = QVBoxLayout(page)
    layout.setContentsMargins(48, 32, 48, 32)
    return layout


class BallotPage(ChosenLanguage, QWidget):
    """The ranking board with the optional participant code, Start again and Submit.
    Submit is enabled only when all six are placed; the line beside it says what is
    missing, or why a code was refused."""

    def __init__(self, board: RankingBoard, site_name: str, workshop: int, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.board = board
        layout = _page_layout(self, "ballot")
        layout.setSpacing(10)
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
                                                                    n=workshop), 24,
                            colour=MUTED)
        place.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        code_row.addWidget(code_label)
        code_row.addWidget(self.code, 1)
        code_row.addWidget(place, 1)
        layout.addLayout(code_row)
        layout.addWidget(board, 1)
        bottom = QHBoxLayout()
        self.missing = kiosk_label("", 22, True, YELLOW)  # may list titles: fits 768 high
        self.missing.setObjectName("missing")
        self.start_again = KioskButton(self.tr("Start again"))
        self.start_again.setFont(_font(self.start_again, 26))
        self.start_again.clicked.connect(board.new_ballot)
        self.submit = KioskButton(self.tr("Submit my ranking"))
        self.submit.setObjectName("primary")
        self.submit.setFont(_font(self.submit, 30, True))
        self.submit.setMinimumHeight(78)
        bottom.addWidget(self.missing, 1)
        bottom.addWidget(self.start_again)
        bottom.addWidget(self.submit)
        layout.addLayout(bottom)
        self.setTabOrder(self.code, board)
        self.setTabOrder(board, self.submit)
        board.changed.connect(self.update_submit)

    def update_submit(self) -> None:
        """Submit only with all six placed; otherwise say which are still to place."""
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

    def refuse_code(self, code: str) -> None:
        """The typed code is not on this site's list: say so, back to the code."""
        self.missing.setText(self.tr("Code {code} is not on the list for this "
                                     "site. Check it with the facilitator, or "
                                     "leave it blank to vote anonymously.")
                             .format(code=code))
        self.code.setFocus()


class ConfirmPage(ChosenLanguage, QWidget):
    """"Is this your order?": the six titles in the participant's order, who is voting,
    Go back and Yes, cast my vote."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        layout = _page_layout(self, "confirm")
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
        self.cast_button = KioskButton(self.tr("Yes, cast my vote"))
        self.cast_button.setObjectName("primary")
        self.cast_button.setFont(_font(self.cast_button, 32, True))
        self.cast_button.setMinimumHeight(84)
        buttons.addWidget(self.change_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cast_button)
        layout.addLayout(buttons)

    def show_order(self, titles: Sequence[str], code: str) -> None:
        for row, title in zip(self.confirm_rows, titles, strict=True):
            row.setText(title)
        self.confirm_who.setText(self.tr("Participant code: {code}").format(code=code)
                                 if code else self.tr("Anonymous ballot (no code given)"))

    def clear(self) -> None:
        for row in self.confirm_rows:
            row.clear()
        self.confirm_who.clear()


class ThanksPage(ChosenLanguage, QWidget):
    """After a ballot: thanks (or, for a held ballot, that the facilitator will check
    it) and the button that starts a new ballot for the next person."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        layout = _page_layout(self, "thanks")
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
        layout.addWidget(self.next_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(3)
        self.thank()

    def thank(self) -> None:
        self.thanks_heading.setText(self.tr("Thank you — your vote is recorded"))
        self.thanks_sub.setText(self.tr("The screen is ready for the next person."))

    def thank_held(self) -> None:
        """A second ballot for a code: kept aside, never counted or decided here."""
        self.thanks_heading.setText(self.tr("Thank you — the facilitator will check "
                                            "your ballot"))
        self.thanks_sub.setText(self.tr("This code has voted before. Your new ballot "
                                        "is kept aside until the facilitator has "
                                        "spoken with you."))


class MessagePage(QWidget):
    """A large heading and a line beneath it: nothing to press (paused, voting closed)."""

    def __init__(self, name: str, heading: str, text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = _page_layout(self, name)
        layout.addStretch(2)
        head = kiosk_label(heading, 72, True)
        head.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body = kiosk_label(text, 36, colour=MUTED)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(head)
        layout.addWidget(body)
        layout.addStretch(3)
