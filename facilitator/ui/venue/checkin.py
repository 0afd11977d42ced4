"""Check-in at an in-person workshop: find by code, tick attended, fast from the keyboard.

Also where the facilitator records quote consent, withdrawal and erasure (DESIGN §4),
each explained before it happens. Type a code and press Enter to tick the person
present; Space ticks or unticks the selected row.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.core import ballots, participants
from facilitator.core.errors import FacilitatorError
from facilitator.core.pack import SessionPack
from facilitator.core.roster import list_participants
from facilitator.core.store import Change, Store
from facilitator.ui.common.errors import show_error

WATCHED = frozenset({"participants", "attendance"})
PRESENT_BG = "#CCEBE1"  # a light tint of Okabe–Ito bluish green; the tick says it too
GONE_BG = "#E6E6E6"
ID_ROLE = Qt.ItemDataRole.UserRole


def tr(text: str) -> str:
    return QCoreApplication.translate("CheckIn", text)


def confirm_withdrawal(parent: QWidget, code: str) -> bool:
    """Explain withdrawal (DESIGN §4) and ask; the safe answer is the default."""
    box = QMessageBox(parent)
    box.setObjectName("withdraw_confirm")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("Withdraw a participant"))
    box.setText(tr("Withdraw {code} from the dialogue?").format(code=code))
    box.setInformativeText(tr(
        "Their ballots and quotes leave every report and export from now on. Their "
        "pseudonymous code and details stay on this laptop, marked withdrawn.\n\n"
        "This cannot be undone: once the data is merged, every laptop treats them as "
        "withdrawn."))
    yes = box.addButton(tr("Withdraw {code}").format(code=code),
                        QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is yes


def confirm_erasure(parent: QWidget, code: str) -> bool:
    """Explain erasure (DESIGN §4) and ask; the safe answer is the default."""
    box = QMessageBox(parent)
    box.setObjectName("erase_confirm")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("Erase a participant"))
    box.setText(tr("Erase {code}'s details for good?").format(code=code))
    box.setInformativeText(tr(
        "Their demographic details (gender, age, ethnicity, area, grade and the rest) and "
        "the words of every note, quote and advice attributed to them are removed for "
        "good, here and in this laptop's snapshots. Only an anonymous tombstone stays, "
        "the code and site, so that "
        "no other laptop brings them back in a merge. They are also withdrawn: their "
        "ballots and quotes leave every report and export.\n\n"
        "This cannot be undone."))
    yes = box.addButton(tr("Erase {code} for good").format(code=code),
                        QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is yes


class _SearchBox(QLineEdit):
    """The code search; Down moves into the list, Enter ticks the match."""

    move_down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Down:
            self.move_down.emit()
            return
        super().keyPressEvent(event)


class CheckInPanel(QWidget):
    """Attendance for one site's in-person workshop.

    Keyboard: type a code, Enter ticks the first match present and clears the box;
    Down moves into the list; there, Space ticks or unticks, Q toggles quote consent,
    Ctrl+F (or typing) returns to the search.

    Signals: checked_in(str participant_id, bool attended).
    """

    checked_in = Signal(str, bool)

    def __init__(self, store: Store, pack: SessionPack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.pack = pack
        self._rows: list[dict[str, Any]] = []
        self._empty_banner = False
        self._present: dict[str, bool] = {}
        self.setObjectName("checkin")

        self.site_box = QComboBox()
        for site in pack.sites:
            self.site_box.addItem(site.name, site.id)
        if store.site:
            self.site_box.setCurrentIndex(max(0, self.site_box.findData(store.site)))
        self.workshop_box = QComboBox()
        for workshop in pack.workshops:
            if workshop.in_person:
                self.workshop_box.addItem(workshop.title, workshop.number)
        current = store.get_setting("workshop")
        if current and current.isdigit():
            self.workshop_box.setCurrentIndex(max(0, self.workshop_box.findData(int(current))))
        self.count = QLabel()
        self.count.setObjectName("checkin_count")
        font = self.count.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.count.setFont(font)

        self.search = _SearchBox()
        self.search.setObjectName("checkin_search")
        self.search.setPlaceholderText(tr("Type a participant code, then Enter to tick them "
                                          "present"))
        self.search.setClearButtonEnabled(True)
        search_font = self.search.font()
        search_font.setPointSizeF(search_font.pointSizeF() * 1.5)
        self.search.setFont(search_font)
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self.tick_first_match)
        self.search.move_down.connect(self._into_table)
        self.feedback = QLabel()
        self.feedback.setObjectName("checkin_feedback")
        self.feedback.setWordWrap(True)
        feedback_font = self.feedback.font()
        feedback_font.setPointSizeF(feedback_font.pointSizeF() * 1.3)
        feedback_font.setBold(True)
        self.feedback.setFont(feedback_font)

        self.table = QTableWidget(0, 4)
        self.table.setObjectName("checkin_table")
        self.table.setHorizontalHeaderLabels([tr("Code"), tr("Here today"),
                                              tr("Quotes may be used"), tr("Status")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        table_font = self.table.font()
        table_font.setPointSizeF(table_font.pointSizeF() * 1.5)
        self.table.setFont(table_font)
        header = self.table.horizontalHeader()
        header.setFont(table_font)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(self.fontMetrics().horizontalAdvance("M") * 22)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(
            round(self.fontMetrics().height() * 2.3))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.cellDoubleClicked.connect(lambda row, _col: self.toggle_selected())
        self.table.installEventFilter(self)

        self.attend_button = QPushButton(tr("Tick / untick &here (Space)"))
        self.attend_button.clicked.connect(self.toggle_selected)
        self.consent_button = QPushButton(tr("&Quotes: yes / no (Q)"))
        self.consent_button.setToolTip(tr(
            "No: their words never appear verbatim in a PDF or CSV export. They still "
            "count in theme counts and rankings."))
        self.consent_button.clicked.connect(self.toggle_consent)
        self.withdraw_button = QPushButton(tr("&Withdraw…"))
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        self.erase_button = QPushButton(tr("&Erase…"))
        self.erase_button.clicked.connect(self.erase_selected)

        top = QHBoxLayout()
        for text, box in ((tr("&Site:"), self.site_box), (tr("W&orkshop:"), self.workshop_box)):
            label = QLabel(text)
            label.setBuddy(box)
            top.addWidget(label)
            top.addWidget(box)
        top.addStretch(1)
        top.addWidget(self.count)
        find_label = QLabel(tr("&Find:"))
        find_label.setBuddy(self.search)
        search_row = QHBoxLayout()
        search_row.addWidget(find_label)
        search_row.addWidget(self.search, 1)
        buttons = QHBoxLayout()
        for button in (self.attend_button, self.consent_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.withdraw_button, self.erase_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(search_row)
        layout.addWidget(self.feedback)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        focus_search = QShortcut(QKeySequence.StandardKey.Find, self)
        focus_search.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        focus_search.activated.connect(self.focus_search)
        self.site_box.currentIndexChanged.connect(self.refresh)
        self.workshop_box.currentIndexChanged.connect(self.refresh)
        self.refresh()

    # -- data ------------------------------------------------------------------------------

    @property
    def site(self) -> str:
        return str(self.site_box.currentData())

    @property
    def workshop(self) -> int:
        data = self.workshop_box.currentData()
        return int(data) if data is not None else 0

    def store_changed(self, change: Change) -> None:
        if change.tables & WATCHED:
            self.refresh()

    def _search_changed(self, _text: str) -> None:
        self.refresh(first_match=True)

    def refresh(self, *_args: object, first_match: bool = False) -> None:
        selected = None if first_match else self.selected_id()
        text = self.search.text().strip()
        if text:
            self._rows = participants.find(self.store, self.site, text)
        else:
            self._rows = list_participants(self.store, self.site)
        self._present = ballots.attendance_for(self.store, self.site, self.workshop) \
            if self.workshop else {}
        self.table.setRowCount(len(self._rows))
        for row, person in enumerate(self._rows):
            self._fill_row(row, person)
        reselect = next((i for i, p in enumerate(self._rows) if p["id"] == selected), None)
        if reselect is None and text and self._rows:
            reselect = 0  # the first match is what Enter will tick
        if reselect is not None:
            self.table.selectRow(reselect)
        else:
            self.table.clearSelection()
        self._update_count()
        self._update_buttons()
        if not self._rows and not text:
            self.feedback.setText(tr("No participants for {site} yet. Import the recruiter's "
                                     "list first: File → Import → Participants.").format(
                site=self.site_box.currentText()))
            self._empty_banner = True
        elif self._empty_banner and self._rows:
            self.feedback.clear()  # an import (or a merge) has brought people in
            self._empty_banner = False

    def _fill_row(self, row: int, person: dict[str, Any]) -> None:
        gone = bool(person["withdrawn"] or person["erased"])
        here = self._present.get(str(person["id"]), False)
        cells = [
            str(person["code"]),
            tr("✓ here") if here else tr("— not yet"),
            tr("yes") if person["quote_consent"] else tr("NO quotes"),
            tr("erased") if person["erased"] else (tr("withdrawn") if person["withdrawn"]
                                                   else tr("taking part")),
        ]
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(ID_ROLE, person["id"])
            if gone:
                item.setBackground(QBrush(QColor(GONE_BG)))
                item.setForeground(QBrush(QColor("#333333")))
            elif here:
                item.setBackground(QBrush(QColor(PRESENT_BG)))
                item.setForeground(QBrush(QColor("#000000")))
            if column == 1 and here:
                bold = item.font()
                bold.setBold(True)
                item.setFont(bold)
            self.table.setItem(row, column, item)

    def _update_count(self) -> None:
        everyone = [p for p in list_participants(self.store, self.site)
                    if not (p["withdrawn"] or p["erased"])]
        here = sum(1 for p in everyone if self._present.get(str(p["id"])))
        self.count.setText(tr("{here} of {total} here").format(here=here, total=len(everyone)))

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() \
            else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return None if item is None else str(item.data(ID_ROLE))

    def selected(self) -> dict[str, Any] | None:
        pid = self.selected_id()
        return next((p for p in self._rows if p["id"] == pid), None)

    def _update_buttons(self) -> None:
        person = self.selected()
        active = person is not None and not (person["withdrawn"] or person["erased"])
        self.attend_button.setEnabled(active and bool(self.workshop))
        self.consent_button.setEnabled(active)
        self.withdraw_button.setEnabled(active)
        self.erase_button.setEnabled(person is not None and not person["erased"])

    # -- actions ---------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _into_table(self) -> None:
        if self.table.rowCount():
            self.table.setFocus()
            if not self.table.selectionModel().selectedRows():
                self.table.selectRow(0)

    def tick_first_match(self) -> None:
        """Enter in the search box: the one participant the code names is here. A code
        that matches several asks which one: nobody is ticked by guesswork."""
        person = self.selected()
        code = self.search.text().strip()
        exact = [p for p in self._rows if str(p["code"]).casefold() == code.casefold()]
        if code and len(exact) == 1:
            person = exact[0]
        elif code and len(self._rows) > 1:
            self.feedback.setText(tr("{n} participants match “{code}”: choose one with ↑ ↓ "
                                     "and press Space, or type more of the code.").format(
                n=len(self._rows), code=code))
            self._into_table()
            return
        if person is None:
            self.feedback.setText(tr("No participant at {site} has a code like “{code}”.")
                                  .format(site=self.site_box.currentText(), code=code)
                                  if code else "")
            return
        if person["withdrawn"] or person["erased"]:
            self.feedback.setText(tr("{code} has withdrawn and is not checked in.")
                                  .format(code=person["code"]))
            return
        if self._present.get(str(person["id"])):
            self.feedback.setText(tr("✓ {code} is already here.").format(code=person["code"]))
        else:
            self._set_attended(person, True)
        self.search.clear()
        self.search.setFocus()

    def toggle_selected(self) -> None:
        person = self.selected()
        if person is None or person["withdrawn"] or person["erased"] or not self.workshop:
            return
        self._set_attended(person, not self._present.get(str(person["id"]), False))

    def _set_attended(self, person: dict[str, Any], attended: bool) -> None:
        try:
            ballots.set_attendance(self.store, str(person["id"]), self.workshop, attended)
        except FacilitatorError as exc:
            show_error(self, exc)
            return
        self.feedback.setText((tr("✓ {code} is here.") if attended
                               else tr("{code} is no longer marked here.")).format(
            code=person["code"]))
        self.refresh()
        self.checked_in.emit(str(person["id"]), attended)

    def toggle_consent(self) -> None:
        person = self.selected()
        if person is None or person["withdrawn"] or person["erased"]:
            return
        consent = not bool(person["quote_consent"])
        # A grant after a refusal is a deliberate act, asked as on the participants page.
        from facilitator.ui.venue.participants import confirm_grant  # it imports this module

        if consent:
            granted = confirm_grant(self, str(person["code"]))
            self.table.setFocus()  # back to the list the facilitator was working in
            if not granted:
                return
        try:
            participants.set_quote_consent(self.store, str(person["id"]), consent)
        except FacilitatorError as exc:
            show_error(self, exc)
            return
        self.feedback.setText((
            tr("{code}: quotes may be used.") if consent else
            tr("{code}: no quotes. Their words will not appear verbatim in any export; "
               "they still count.")).format(code=person["code"]))
        self.refresh()

    def withdraw_selected(self) -> None:
        person = self.selected()
        if person is None or person["withdrawn"]:
            return
        if not confirm_withdrawal(self, str(person["code"])):
            return
        try:
            participants.withdraw(self.store, str(person["id"]))
        except FacilitatorError as exc:
            show_error(self, exc)
            return
        self.feedback.setText(tr("{code} has withdrawn: their ballots and quotes no longer "
                                 "count.").format(code=person["code"]))
        self.refresh()

    def erase_selected(self) -> None:
        person = self.selected()
        if person is None or person["erased"]:
            return
        if not confirm_erasure(self, str(person["code"])):
            return
        try:
            participants.erase(self.store, str(person["id"]),
                               wait=participants.WINDOW_WAIT_S)
        except FacilitatorError as exc:
            show_error(self, exc)
            return
        self.feedback.setText(tr("{code} is erased: only the anonymous tombstone is kept.")
                              .format(code=person["code"]))
        self.refresh()

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 - Qt override
        if watched is self.table and isinstance(event, QKeyEvent) and \
                event.type() == QKeyEvent.Type.KeyPress:
            key = event.key()
            if key == Qt.Key.Key_Space:
                self.toggle_selected()
                return True
            if key == Qt.Key.Key_Q and not event.modifiers():
                self.toggle_consent()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                person = self.selected()
                if person is not None and not self._present.get(str(person["id"])):
                    self.toggle_selected()
                return True
            text = event.text()
            if text and text.isprintable() and not text.isspace() and not event.modifiers() \
                    & ~Qt.KeyboardModifier.ShiftModifier:
                # Typing in the list goes on searching.
                self.search.setFocus()
                self.search.setText(self.search.text() + text)
                return True
        return super().eventFilter(watched, event)
