"""The advice view: this site's advice grouped by advice theme, editable.

During the advice steps of workshop 4 the site generates advice for the Home
Office and police forces; this view lets the facilitator read it back grouped by
theme, correct wording, move an item to another theme or delete it (a flag that
merges). It follows the store's change signal.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.core import notes, themes
from facilitator.core.errors import FacilitatorError
from facilitator.core.notes import NoteFilter
from facilitator.core.pack import ADVICE_GROUP, SessionPack
from facilitator.core.store import Change, Store

ID_ROLE = Qt.ItemDataRole.UserRole


class AdviceView(QWidget):
    """Advice grouped by advice theme; double-click an item to reword it.

    Signals: problem(str) — an edit could not be saved (the reason).
    """

    problem = Signal(str)

    def __init__(self, store: Store, pack: SessionPack, site_id: str,
                 changes: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("advice_view")
        self.store, self.pack = store, pack
        self.site = pack.site(site_id)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        title = QLabel(self.tr("Advice from {site}, by theme").format(site=self.site.name))
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(title)
        hint = QLabel(self.tr("Double-click a piece of advice to reword it. Deleting keeps a "
                              "record that merges, so other laptops drop it too."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.tree = QTreeWidget(objectName="advice_tree")
        self.tree.setHeaderLabels([self.tr("Advice"), self.tr("Table"), self.tr("Workshop")])
        self.tree.setWordWrap(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.setStyleSheet("QTreeWidget { font-size: 15px; }")
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.tree, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Move to theme:")))
        self.theme_combo = QComboBox()
        row.addWidget(self.theme_combo)
        self.move_button = QPushButton(self.tr("Move"))
        self.move_button.clicked.connect(self.move_selected)
        row.addWidget(self.move_button)
        row.addStretch(1)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(self.delete_selected)
        row.addWidget(self.delete_button)
        layout.addLayout(row)
        self._filling = False
        if changes is not None:
            changes.changed.connect(self._store_changed)
        self.refresh()

    def refresh(self) -> None:
        choices = themes.themes_for(self.store, self.pack, ADVICE_GROUP)
        chosen = self.theme_combo.currentData()
        self.theme_combo.clear()
        for theme in choices:
            self.theme_combo.addItem(theme.label, theme.id)
        found = self.theme_combo.findData(chosen)
        self.theme_combo.setCurrentIndex(max(found, 0))
        labels = {t.id: t.label for t in choices}
        groups: dict[str, list[Any]] = {t.id: [] for t in choices}
        unthemed: list[Any] = []
        for record in notes.search_notes(self.store, NoteFilter(site=self.site.id,
                                                                kind="advice")):
            ids = [t for t in notes.themes_of(record) if t in labels]
            (groups[ids[0]] if ids else unthemed).append(record)
        self._filling = True
        self.tree.clear()
        sections = [(labels[t], items) for t, items in groups.items()]
        sections.append((self.tr("No advice theme yet"), unthemed))
        for label, items in sections:
            if not items:
                continue
            head = QTreeWidgetItem([f"{label}  ({len(items)})"])
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(head)
            for record in reversed(items):  # oldest first inside a theme
                item = QTreeWidgetItem([str(record["text"]), str(record["table_name"] or ""),
                                        str(record["workshop"])])
                item.setData(0, ID_ROLE, str(record["id"]))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                head.addChild(item)
            head.setExpanded(True)
        self._filling = False

    def items(self) -> dict[str, list[str]]:
        """Theme heading -> advice texts, as shown."""
        shown: dict[str, list[str]] = {}
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            shown[head.text(0).rsplit("  (", 1)[0]] = [head.child(j).text(0)
                                                      for j in range(head.childCount())]
        return shown

    def _selected_id(self) -> str | None:
        item = self.tree.currentItem()
        value = item.data(0, ID_ROLE) if item is not None else None
        return str(value) if value else None

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != 0 or not item.data(0, ID_ROLE):
            return
        try:
            notes.edit_note(self.store, str(item.data(0, ID_ROLE)), {"text": item.text(0)})
        except FacilitatorError as exc:
            self.problem.emit(exc.message)
            self.refresh()

    def move_selected(self) -> None:
        note_id, theme = self._selected_id(), self.theme_combo.currentData()
        if note_id is None or theme is None:
            return
        record = notes.get_note(self.store, note_id)
        if record is None:
            return
        advice = {t.id for t in themes.themes_for(self.store, self.pack, ADVICE_GROUP)}
        rest = [t for t in notes.themes_of(record) if t not in advice]
        notes.edit_note(self.store, note_id, {"themes": [str(theme), *rest]})

    def delete_selected(self) -> None:
        note_id = self._selected_id()
        if note_id is not None:
            notes.delete_note(self.store, note_id)

    def _store_changed(self, change: Change) -> None:
        if change.tables & {"notes", "themes_custom"}:
            self.refresh()
