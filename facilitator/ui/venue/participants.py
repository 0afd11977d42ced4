"""The participants page: the roster by pseudonymous code, with quote consent,
withdrawal and erasure (each explained and confirmed, as on the check-in page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from facilitator.core.errors import FacilitatorError
from facilitator.core.pack import SessionPack
from facilitator.core.roster import list_participants
from facilitator.core.store import Store
from facilitator.ui.common.errors import show_error

_Index = QModelIndex | QPersistentModelIndex


class ParticipantsModel(QAbstractTableModel):
    def __init__(self, store: Store, pack: SessionPack) -> None:
        super().__init__()
        self.store = store
        self.pack = pack
        self.columns: list[tuple[str, str]] = [
            ("code", self.tr("Code")), ("site", self.tr("Site")),
            *[(v.id, self.tr(v.label)) for v in pack.variables],
            ("quote_consent", self.tr("Quotes OK")), ("withdrawn", self.tr("Status")),
        ]
        self._rows: list[dict[str, Any]] = []
        self._site_names = {s.id: s.name for s in pack.sites}
        self.refresh()

    def row(self, index: int) -> dict[str, Any]:
        return self._rows[index]

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = list_participants(self.store)
        self.endResetModel()

    def per_site(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for row in self._rows:
            counts[str(row["site"])] = counts.get(str(row["site"]), 0) + 1
        return [(site.name, counts[site.id]) for site in self.pack.sites if site.id in counts]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._rows[index.row()]
        key = self.columns[index.column()][0]
        value = row.get(key)
        if key == "site":
            return self._site_names.get(str(value), value)
        if key == "quote_consent":
            return self.tr("yes") if value else self.tr("no")
        if key == "withdrawn":
            if row.get("erased"):
                return self.tr("erased")
            return self.tr("withdrawn") if value else self.tr("taking part")
        return value

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section][1]
        return None


def confirm_grant(parent: QWidget, code: str) -> bool:
    """Granting quote consent after a refusal is deliberate: explain and ask."""
    box = QMessageBox(parent)
    box.setObjectName("grant_confirm")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("ParticipantsPanel",
                                                  "Record consent to be quoted"))
    box.setText(QCoreApplication.translate(
        "ParticipantsPanel", "Record that {code} now agrees to be quoted?").format(code=code))
    box.setInformativeText(QCoreApplication.translate(
        "ParticipantsPanel",
        "{code} said no to being quoted. From now on their words may be printed in "
        "reports, on this laptop and on every laptop this is merged into. The decision "
        "is recorded with this laptop's name and the time.\n\nRecord it only if they "
        "told you so themselves.").format(code=code))
    yes = box.addButton(QCoreApplication.translate("ParticipantsPanel",
                                                   "Record their consent"),
                        QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is yes


class ParticipantsPanel(QWidget):
    """Lists participants and offers the roster import.

    Signals: import_requested().
    """

    import_requested = Signal()

    def __init__(self, store: Store, pack: SessionPack) -> None:
        super().__init__()
        self.model = ParticipantsModel(store, pack)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.summary = QLabel()
        self.import_button = QPushButton(self.tr("Import participants from CSV…"))
        self.import_button.clicked.connect(self.import_requested)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.import_button)
        # The same explained, confirmed actions as the check-in page (DESIGN §4).
        self.consent_button = QPushButton(self.tr("&Quotes: yes / no"))
        self.consent_button.setToolTip(self.tr(
            "No: their words never appear verbatim in a PDF or CSV export. They still "
            "count in theme counts and rankings."))
        self.consent_button.clicked.connect(self.toggle_consent)
        self.confirm_grant: Callable[[QWidget, str], bool] = confirm_grant
        self.withdraw_button = QPushButton(self.tr("&Withdraw…"))
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        self.erase_button = QPushButton(self.tr("&Erase…"))
        self.erase_button.clicked.connect(self.erase_selected)
        actions = QHBoxLayout()
        actions.addWidget(self.consent_button)
        actions.addStretch(1)
        actions.addWidget(self.withdraw_button)
        actions.addWidget(self.erase_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addLayout(actions)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def _update_buttons(self, *_args: object) -> None:
        person = self.selected()
        active = person is not None and not (person["withdrawn"] or person["erased"])
        self.consent_button.setEnabled(active)
        self.withdraw_button.setEnabled(active)
        self.erase_button.setEnabled(person is not None and not person["erased"])

    def _act(self, action: Callable[[Store, str], object], confirm: Callable[..., bool] | None,
             ) -> None:
        person = self.selected()
        if person is None:
            return
        if confirm is not None and not confirm(self, str(person["code"])):
            return
        try:
            action(self.model.store, str(person["id"]))
        except FacilitatorError as exc:
            show_error(self, exc)
        self.refresh()

    def toggle_consent(self) -> None:
        """Refuse at once; grant after a refusal only when confirmed: a deliberate act,
        recorded with this laptop and the time (docs/record-laws.md, "Consent")."""
        from facilitator.core import participants

        person = self.selected()
        if person is not None:
            consent = not bool(person["quote_consent"])
            self._act(lambda store, pid: participants.set_consent(store, pid, consent),
                      self.confirm_grant if consent else None)

    def withdraw_selected(self) -> None:
        # Acting on a person is not needed to paint the page: imported on first use.
        from facilitator.core import participants
        from facilitator.ui.venue.checkin import confirm_withdrawal

        self._act(participants.withdraw, confirm_withdrawal)

    def erase_selected(self) -> None:
        from facilitator.core import participants
        from facilitator.ui.venue.checkin import confirm_erasure

        # A short wait for readers: the window never stalls; the next start finishes.
        self._act(lambda store, pid: participants.erase(store, pid, wait=participants.WINDOW_WAIT_S),
                  confirm_erasure)

    def refresh(self) -> None:
        selected = self.selected()
        self.model.refresh()
        if selected is not None:
            for index in range(self.model.rowCount()):
                if self.model.row(index)["id"] == selected["id"]:
                    self.table.selectRow(index)
        self._update_buttons()
        rows = self.model.rowCount()
        if rows:
            per_site = self.model.per_site()
            sites = " · ".join(f"{name} {count}" for name, count in per_site)
            text = (self.tr("1 participant") if rows == 1
                    else self.tr("{count} participants").format(count=rows))
            self.summary.setText(self.tr("{total} ({sites}), by pseudonymous code only")
                                 .format(total=text, sites=sites))
        else:
            self.summary.setText(self.tr("No participants yet. Import the recruiter's "
                                         "list (CSV) to see them here."))
