"""The participants page: the roster as imported, by pseudonymous code."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from facilitator.core.pack import SessionPack
from facilitator.core.roster import list_participants
from facilitator.core.store import Store

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
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.refresh()

    def refresh(self) -> None:
        self.model.refresh()
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
