"""The notes view: every note of this site, newest first, filtered and searched.

Filters by workshop, table, step, use case, theme and kind, with full-text search
(FTS5; Welsh and accented text fold, so "wyn" finds "ŵyn"). It refreshes from the
store's change signal, so notes saved here, imported or merged in appear at once.
A quote can be starred for the report.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from facilitator.core import notes, themes, venue
from facilitator.core.notes import NoteFilter
from facilitator.core.pack import SessionPack
from facilitator.core.records import Record
from facilitator.core.store import Change, Store

_Index = QModelIndex | QPersistentModelIndex


def local_time(stamp: str, fmt: str) -> str:
    """A stored UTC instant as this laptop's wall-clock time (BST in summer)."""
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().strftime(fmt)
    except ValueError:
        return stamp
SEARCH_MS = 150  # typing in the search box refreshes once the typist pauses
STAR, TIME, KIND, TEXT, THEMES, WHO, TABLE, WORKSHOP, USE_CASE = range(9)


class NotesModel(QAbstractTableModel):
    """Notes matching a filter, as rows."""

    def __init__(self, store: Store, pack: SessionPack) -> None:
        super().__init__()
        self.store, self.pack = store, pack
        self.filter = NoteFilter()
        self.rows: list[Record] = []
        self._labels: dict[str, str] = {}
        self._codes: dict[str, str] = {}
        self._use_cases = {u.id: u.title for u in pack.use_cases}
        self.headers = ["★", self.tr("Time"), self.tr("Kind"), self.tr("Text"),
                        self.tr("Themes"), self.tr("Participant"), self.tr("Table"),
                        self.tr("W"), self.tr("Use case")]

    def set_filter(self, wanted: NoteFilter) -> None:
        self.filter = wanted
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self.rows = notes.search_notes(self.store, self.filter)
        self._labels = themes.labels(self.store, self.pack)
        self._codes = {str(r["id"]): str(r["code"]) for r in self.store.rows("participants")}
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def note(self, row: int) -> Record:
        return self.rows[row]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.ToolTipRole and column == TEXT:
            return str(row["text"])
        if role == Qt.ItemDataRole.ToolTipRole and column == STAR and row["kind"] == "quote":
            return self.tr("Starred for the report (click to change)")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == STAR:
            if row["kind"] != "quote":
                return ""
            return "★" if int(row["starred"] or 0) else "☆"
        if column == TIME:
            return local_time(str(row["noted_at"]), "%Y-%m-%d %H:%M")
        if column == KIND:
            return {"note": self.tr("note"), "quote": self.tr("quote"),
                    "advice": self.tr("advice")}.get(str(row["kind"]), str(row["kind"]))
        if column == TEXT:
            text = " ".join(str(row["text"]).split())
            return f"“{text}”" if row["kind"] == "quote" else text
        if column == THEMES:
            return " · ".join(self._labels.get(t, "?") for t in notes.themes_of(row))
        if column == WHO:
            return self._codes.get(str(row["participant_id"] or ""), "")
        if column == TABLE:
            return str(row["table_name"] or "")
        if column == WORKSHOP:
            return str(row["workshop"])
        if column == USE_CASE:
            return self._use_cases.get(str(row["use_case"] or ""), "")
        return None


class NotesView(QWidget):
    """All of this site's notes with filters and search.

    Signals: shown_changed(int) — how many notes the filters now show.
    """

    shown_changed = Signal(int)

    def __init__(self, store: Store, pack: SessionPack, site_id: str, workshop: int | None = None,
                 changes: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notes_view")
        self.store, self.pack = store, pack
        self.site = pack.site(site_id)
        self.model = NotesModel(store, pack)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        self.search = QLineEdit(objectName="notes_search")
        self.search.setPlaceholderText(self.tr("Search the notes (Welsh and accents "
                                               "included)…"))
        self.search.setClearButtonEnabled(True)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        self.starred_only = QCheckBox(self.tr("Starred quotes only"))
        top.addWidget(self.starred_only)
        self.star_button = QPushButton(self.tr("★ Star / unstar quote"))
        self.star_button.clicked.connect(self.toggle_star_selected)
        top.addWidget(self.star_button)
        layout.addLayout(top)

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        self.workshop_combo = self._combo(self.tr("Any workshop"),
                                          [(w.title, w.number) for w in pack.workshops])
        self.table_combo = self._combo(self.tr("Any table"), [])
        self.step_combo = self._combo(self.tr("Any step"), [])
        self.use_case_combo = self._combo(self.tr("Any use case"),
                                          [(u.title, u.id) for u in pack.use_cases])
        self.theme_combo = self._combo(self.tr("Any theme"), [])
        self.kind_combo = self._combo(self.tr("Any kind"), [(self.tr("Notes"), "note"),
                                                             (self.tr("Quotes"), "quote"),
                                                             (self.tr("Advice"), "advice")])
        for column, (label, combo) in enumerate((
                (self.tr("Workshop"), self.workshop_combo), (self.tr("Table"), self.table_combo),
                (self.tr("Step"), self.step_combo), (self.tr("Use case"), self.use_case_combo),
                (self.tr("Theme"), self.theme_combo), (self.tr("Kind"), self.kind_combo))):
            caption = QLabel(label)
            caption.setBuddy(combo)
            grid.addWidget(caption, 0, column)
            grid.addWidget(combo, 1, column)
            grid.setColumnStretch(column, 1)
        layout.addLayout(grid)

        self.table = QTableView(objectName="notes_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        self.table.clicked.connect(self._clicked)
        layout.addWidget(self.table, 1)
        self.count_label = QLabel("")
        layout.addWidget(self.count_label)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.starred_only.toggled.connect(lambda _on: self.apply_filters())
        for combo in (self.workshop_combo, self.table_combo, self.step_combo,
                      self.use_case_combo, self.theme_combo, self.kind_combo):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.workshop_combo.currentIndexChanged.connect(lambda _i: self._fill_steps())
        if workshop is not None:
            self.workshop_combo.setCurrentIndex(max(0, self.workshop_combo.findData(workshop)))
        self._fill_choices()
        if changes is not None:
            changes.changed.connect(self._store_changed)
        self.apply_filters()

    def _combo(self, any_text: str, items: list[tuple[str, Any]]) -> QComboBox:
        combo = QComboBox()
        # Equal columns whatever the longest choice: long titles elide instead.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(10)
        combo.addItem(any_text, None)
        for text, data in items:
            combo.addItem(text, data)
        return combo

    def _refill(self, combo: QComboBox, items: list[tuple[str, Any]]) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for text, data in items:
            combo.addItem(text, data)
        found = combo.findData(chosen)
        combo.setCurrentIndex(found if found >= 0 else 0)
        combo.blockSignals(False)

    def _fill_choices(self) -> None:
        self._refill(self.table_combo, [(t.name, t.id) for t in venue.tables(self.store,
                                                                            self.site.id)])
        self._refill(self.theme_combo, [
            (f"{t.label} ({self._group_name(t.group)})", t.id)
            for t in themes.all_themes(self.store, self.pack)])
        self._fill_steps()

    def _group_name(self, group: str) -> str:
        if group == "advice":
            return self.tr("advice")
        if not group:
            return self.tr("general")
        return self.pack.use_case(group).title

    def _fill_steps(self) -> None:
        number = self.workshop_combo.currentData()
        workshops = [w for w in self.pack.workshops if number is None or w.number == number]
        self._refill(self.step_combo, [(s.title, s.id) for w in workshops for s in w.steps])

    def current_filter(self) -> NoteFilter:
        return NoteFilter(
            site=self.site.id, workshop=self.workshop_combo.currentData(),
            table_id=self.table_combo.currentData(), step_id=self.step_combo.currentData(),
            use_case=self.use_case_combo.currentData(), theme=self.theme_combo.currentData(),
            kind=self.kind_combo.currentData(), text=self.search.text(),
            starred=self.starred_only.isChecked())

    def apply_filters(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())
        count = self.model.rowCount()
        self.count_label.setText(self.tr("{n} notes shown").format(n=count))
        self.shown_changed.emit(count)

    def refresh(self) -> None:
        self.model.refresh()
        count = self.model.rowCount()
        self.count_label.setText(self.tr("{n} notes shown").format(n=count))
        self.shown_changed.emit(count)

    def shown_texts(self) -> list[str]:
        return [str(r["text"]) for r in self.model.rows]

    def _store_changed(self, change: Change) -> None:
        if change.tables & {"themes_custom", "venue_tables"}:
            self._fill_choices()
        if change.tables & {"notes", "participants", "themes_custom"}:
            self.refresh()

    def _clicked(self, index: QModelIndex) -> None:
        if index.column() == STAR:
            self.toggle_star(index.row())

    def toggle_star(self, row: int) -> None:
        record = self.model.note(row)
        if record["kind"] != "quote":
            return
        notes.set_starred(self.store, str(record["id"]), not int(record["starred"] or 0))

    def toggle_star_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.toggle_star(rows[0].row())
