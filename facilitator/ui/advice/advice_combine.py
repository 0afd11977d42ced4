"""The hub's combine screen: advice from every site, combined where it overlaps.

Left, the list as participants will vote on it: each combined item with the originals
it was combined from underneath, and the items no combination took in, grouped by
advice theme with their sites and dots. Tick overlapping items (from any sites), write
the combined wording, choose a theme, Combine. Choosing a combined item loads its
wording to edit; Split undoes it (the originals stand again), Restore undoes a split,
and "Take out" splits one original off. Nothing is ever lost: every call goes through
``core/advice.py``, which keeps every original.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.core import advice
from facilitator.core.errors import FacilitatorError, ImportReport
from facilitator.core.pack import ADVICE_GROUP, SessionPack
from facilitator.core.store import Change, Store
from facilitator.core.themes import themes_for
from facilitator.ui.common.errors import show_error

if TYPE_CHECKING:
    from facilitator.ui.kiosk.dot_kiosk import DotVotingWindow
    from facilitator.ui.main_window import MainWindow

ID_ROLE = Qt.ItemDataRole.UserRole
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
WATCHED = frozenset({"notes", "advice_combinations", "priorities", "themes_custom",
                     "participants"})
MUTED = QColor("#4A545F")
PROBLEM = "#8A3B00"


class _WrapDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text: QTreeView alone sizes rows for one line."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self.tree = tree

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
                 ) -> QSize:  # noqa: N802 - Qt override
        base = super().sizeHint(option, index)
        width = self.tree.header().sectionSize(index.column()) - 8
        if index.column() == 0:
            depth, parent = 1, index.parent()
            while parent.isValid():
                depth, parent = depth + 1, parent.parent()
            width -= depth * self.tree.indentation() + 28  # branch and tick box
        font = index.data(Qt.ItemDataRole.FontRole) or self.tree.font()
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        rect = QFontMetrics(font).boundingRect(QRect(0, 0, max(width, 40), 100_000),
                                               int(Qt.TextFlag.TextWordWrap), text)
        return QSize(base.width(), max(base.height(), rect.height() + 8))


class AdviceCombinePanel(QWidget):
    """Combine, edit, split and restore advice items.

    Signals: combined(str id) — a combination was made; changed() — any edit here.
    """

    combined = Signal(str)
    changed = Signal()

    def __init__(self, store: Store, pack: SessionPack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.pack = pack
        self.items: list[advice.AdviceItem] = []
        self._checked: set[str] = set()
        self._refreshing = False

        title = QLabel(self.tr("Advice from every site"))
        title.setStyleSheet("font-size: 20px; font-weight: bold;")
        intro = QLabel(self.tr(
            "Tick items that say the same thing (from any site), write one wording for "
            "them and press Combine. The originals are kept and shown under the combined "
            "item. Participants then put their dots on this list."))
        intro.setWordWrap(True)

        self.site_filter = QComboBox()
        self.site_filter.setObjectName("site_filter")
        self.site_filter.addItem(self.tr("All sites"), None)
        for site in pack.sites:
            self.site_filter.addItem(site.name, site.id)
        self.site_filter.currentIndexChanged.connect(self.refresh)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        filter_row = QHBoxLayout()
        filter_label = QLabel(self.tr("&Show advice from:"))
        filter_label.setBuddy(self.site_filter)
        filter_row.addWidget(filter_label)
        filter_row.addWidget(self.site_filter)
        filter_row.addStretch(1)
        filter_row.addWidget(self.summary)

        self.tree = QTreeWidget()
        self.tree.setObjectName("advice_tree")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels([self.tr("Advice"), self.tr("Theme"), self.tr("Sites"),
                                   self.tr("Dots")])
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setItemDelegate(_WrapDelegate(self.tree))
        header = self.tree.header()
        header.setStretchLastSection(False)
        # The advice itself gets the room; theme and sites wrap in fixed columns.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 190), (2, 150)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.sectionResized.connect(lambda *_: self.tree.doItemsLayout())
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.currentItemChanged.connect(self._current_changed)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(title)
        left_layout.addWidget(intro)
        left_layout.addLayout(filter_row)
        left_layout.addWidget(self.tree, 1)

        self.selection = QLabel()
        self.selection.setObjectName("selection")
        self.selection.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setObjectName("combine_text")
        self.text.setPlaceholderText(self.tr("The combined wording"))
        self.text.setTabChangesFocus(True)
        self.text.setMaximumHeight(110)
        self.theme = QComboBox()
        self.theme.setObjectName("combine_theme")
        self.theme.addItem(self.tr("(the originals' most common theme)"), None)
        for theme in themes_for(store, pack, ADVICE_GROUP):
            self.theme.addItem(theme.label, theme.id)
        self.combine_button = QPushButton(self.tr("&Combine ticked items"))
        self.combine_button.setObjectName("combine_button")
        self.combine_button.clicked.connect(self.combine)
        self.clear_button = QPushButton(self.tr("C&lear ticks"))
        self.clear_button.clicked.connect(self.clear_ticks)
        self.save_button = QPushButton(self.tr("&Save wording and theme"))
        self.save_button.setObjectName("save_button")
        self.save_button.clicked.connect(self.save_edit)
        self.split_button = QPushButton(self.tr("S&plit (undo this combination)"))
        self.split_button.setObjectName("split_button")
        self.split_button.clicked.connect(self.split_current)
        self.take_out_button = QPushButton(self.tr("&Take this original out"))
        self.take_out_button.setObjectName("take_out_button")
        self.take_out_button.clicked.connect(self.take_out_current)
        self.restore_button = QPushButton(self.tr("&Restore the last split"))
        self.restore_button.setObjectName("restore_button")
        self.restore_button.clicked.connect(self.restore_last)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)

        box = QGroupBox(self.tr("Combined item"))
        box_layout = QVBoxLayout(box)
        # Outside the form: a wrapped label in a form row gets clipped.
        box_layout.addWidget(self.selection)
        form = QFormLayout()
        box_layout.addLayout(form)
        wording = QLabel(self.tr("&Wording:"))
        wording.setBuddy(self.text)
        form.addRow(wording, self.text)
        theme_label = QLabel(self.tr("T&heme:"))
        theme_label.setBuddy(self.theme)
        form.addRow(theme_label, self.theme)
        buttons = QHBoxLayout()
        buttons.addWidget(self.combine_button)
        buttons.addWidget(self.clear_button)
        form.addRow(buttons)
        form.addRow(self.save_button)
        form.addRow(self.split_button)
        form.addRow(self.take_out_button)
        form.addRow(self.restore_button)
        box_layout.addWidget(self.message)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(box)
        right_layout.addStretch(1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([820, 380])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.combine)
        self.refresh()

    # -- the list ------------------------------------------------------------------------

    def store_changed(self, change: Change) -> None:
        """Views follow the store (connected to StoreSignals.changed)."""
        if change.tables & WATCHED:
            self.refresh()

    def refresh(self, *_args: object) -> None:
        current = self.current_id()
        self._refreshing = True
        try:
            self.items = advice.advice_items(self.store, self.pack)
            known = {i.id for i in self.items if i.votable and not i.is_combination}
            self._checked &= known
            site = self.site_filter.currentData()
            self.tree.clear()
            by_id = {i.id: i for i in self.items}
            shown = 0
            for item in self.items:
                if not item.votable:
                    continue
                if site is not None and site not in item.site_ids:
                    continue
                row = self._row(item)
                self.tree.addTopLevelItem(row)
                shown += 1
                for original in item.combined_from:
                    if original in by_id:
                        row.addChild(self._row(by_id[original], child=True))
                row.setExpanded(True)
            combos = sum(1 for i in self.items if i.is_combination)
            originals = sum(1 for i in self.items if not i.is_combination)
            self.summary.setText(self.tr("{shown} on the list · {originals} drafted · "
                                         "{combos} combined").format(
                shown=shown, originals=originals, combos=combos))
            if current is not None:
                self.select(current)
        finally:
            self._refreshing = False
        self._update_controls()

    def _row(self, item: advice.AdviceItem, child: bool = False) -> QTreeWidgetItem:
        text = item.text
        if child:
            text = self.tr("combined from: {text}").format(text=item.text)
        row = QTreeWidgetItem([text, item.theme, ", ".join(item.sites),
                               "" if child else str(item.dots)])
        row.setData(0, ID_ROLE, item.id)
        row.setData(0, KIND_ROLE, "original" if child else (
            "combination" if item.is_combination else "free"))
        row.setToolTip(0, self.tr("{text}\n\nid {id}").format(text=item.text, id=item.short_id))
        row.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if item.is_combination:
            font = QFont(self.tree.font())
            font.setBold(True)
            row.setFont(0, font)
        elif child:
            for column in range(4):
                row.setForeground(column, QBrush(MUTED))
        else:
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(0, Qt.CheckState.Checked if item.id in self._checked
                              else Qt.CheckState.Unchecked)
        return row

    def current_id(self) -> str | None:
        row = self.tree.currentItem()
        return None if row is None else str(row.data(0, ID_ROLE))

    def current_kind(self) -> str | None:
        row = self.tree.currentItem()
        return None if row is None else str(row.data(0, KIND_ROLE))

    def find_row(self, item_id: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top is None:
                continue
            for row in [top, *(top.child(j) for j in range(top.childCount()))]:
                if row is not None and row.data(0, ID_ROLE) == item_id:
                    return row
        return None

    def select(self, item_id: str) -> None:
        row = self.find_row(item_id)
        if row is not None:
            self.tree.setCurrentItem(row)

    def set_ticked(self, item_id: str, ticked: bool) -> None:
        row = self.find_row(item_id)
        if row is not None and row.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            row.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def ticked(self) -> list[str]:
        """The ticked items, in list order."""
        return [i.id for i in self.items if i.id in self._checked]

    def clear_ticks(self) -> None:
        for item_id in list(self._checked):
            self.set_ticked(item_id, False)
        self._checked.clear()
        self._update_controls()

    def _item_changed(self, row: QTreeWidgetItem, column: int) -> None:
        if self._refreshing or column != 0 or not row.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            return
        item_id = str(row.data(0, ID_ROLE))
        if row.checkState(0) == Qt.CheckState.Checked:
            self._checked.add(item_id)
        else:
            self._checked.discard(item_id)
        self._update_controls()

    def _current_changed(self, *_args: object) -> None:
        if self._refreshing:
            return
        if self.current_kind() == "combination":
            item = next((i for i in self.items if i.id == self.current_id()), None)
            if item is not None:
                self.text.setPlainText(item.text)
                index = self.theme.findData(item.theme_id) if item.theme_id else 0
                self.theme.setCurrentIndex(max(index, 0))
        self._update_controls()

    def _update_controls(self) -> None:
        count = len(self._checked)
        kind = self.current_kind()
        sites = sorted({s for i in self.items if i.id in self._checked for s in i.sites})
        if count:
            self.selection.setText(self.tr("Ticked: {count} item(s), from {sites}").format(
                count=count, sites=", ".join(sites)))
        else:
            self.selection.setText(self.tr("Tick two or more items in the list to combine "
                                           "them."))
        self.combine_button.setEnabled(count >= 2)
        self.combine_button.setText(self.tr("&Combine {n} ticked items").format(n=count)
                                    if count >= 2 else self.tr("&Combine ticked items"))
        self.save_button.setEnabled(kind == "combination")
        self.split_button.setEnabled(kind == "combination")
        self.take_out_button.setEnabled(kind == "original")
        self.restore_button.setEnabled(bool(advice.split_combinations(self.store)))

    # -- actions -------------------------------------------------------------------------

    def _say(self, text: str, problem: bool = False) -> None:
        self.message.setStyleSheet(f"color: {PROBLEM}; font-weight: bold;" if problem else "")
        self.message.setText(text)

    def _done(self, text: str, select: str | None = None) -> None:
        self.refresh()
        if select is not None:
            self.select(select)
        self._say(text)
        self.changed.emit()

    def combine(self) -> None:
        ids = self.ticked()
        if len(ids) < 2:
            self._say(self.tr("Tick at least two items to combine."), True)
            return
        try:
            record = advice.combine(self.store, self.pack, ids, self.text.toPlainText(),
                                    self.theme.currentData())
        except FacilitatorError as exc:
            self._say(exc.message, True)
            return
        self._checked.clear()
        self.text.clear()
        self.theme.setCurrentIndex(0)
        self._done(self.tr("Combined {n} items. The originals are listed under it.")
                   .format(n=len(ids)), str(record["id"]))
        self.combined.emit(str(record["id"]))

    def save_edit(self) -> None:
        combo = self.current_id()
        if self.current_kind() != "combination" or combo is None:
            return
        try:
            advice.edit_combination(self.store, self.pack, combo,
                                    text=self.text.toPlainText(),
                                    theme=self.theme.currentData() or None)
        except FacilitatorError as exc:
            self._say(exc.message, True)
            return
        self._done(self.tr("Saved."), combo)

    def split_current(self) -> None:
        combo = self.current_id()
        if self.current_kind() != "combination" or combo is None:
            return
        advice.split(self.store, combo)
        self.text.clear()
        self._done(self.tr("Split: its originals stand on their own again. "
                           "Restore the last split to undo."))

    def take_out_current(self) -> None:
        row = self.tree.currentItem()
        parent = None if row is None else row.parent()
        if row is None or parent is None or self.current_kind() != "original":
            return
        original = str(row.data(0, ID_ROLE))
        combo = str(parent.data(0, ID_ROLE))
        item = next(i for i in self.items if i.id == combo)
        rest = [o for o in item.combined_from if o != original]
        try:
            if len(rest) < 2:
                advice.split(self.store, combo)
                self._done(self.tr("Only one original was left, so the combination was "
                                   "split."), original)
                return
            advice.edit_combination(self.store, self.pack, combo, combined_from=rest)
        except FacilitatorError as exc:
            self._say(exc.message, True)
            return
        self._done(self.tr("Taken out: it stands on its own again."), combo)

    def restore_last(self) -> None:
        split = advice.split_combinations(self.store)
        if not split:
            return
        try:
            record = advice.restore(self.store, self.pack, str(split[0]["id"]))
        except FacilitatorError as exc:
            self._say(exc.message, True)
            return
        self._done(self.tr("Restored."), str(record["id"]))


class AdviceMenu(QObject):
    """The main window's Advice menu: combine screen, dot kiosk, priorities import and
    the advice exchange file. Built by one call from the main window; the pages and
    windows it opens are built on first use.

    Signals: data_changed() — an import here changed the store.
    """

    data_changed = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.page: AdviceCombinePanel | None = None
        self.kiosk: DotVotingWindow | None = None
        # Beside Voting, before Settings, even when built after the first paint.
        menu = QMenu(self.tr("&Advice"), window)
        settings = getattr(window, "settings_menu", None)
        bar = window.menuBar()
        if settings is not None:
            bar.insertMenu(settings.menuAction(), menu)
        else:
            bar.addMenu(menu)
        self.menu = menu
        self.combine_action = self._add(self.tr("&Combine advice across sites"),
                                        self.show_combine, "Ctrl+Shift+C")
        self.kiosk_action = self._add(self.tr("&Dot voting kiosk…"), self.open_kiosk)
        menu.addSeparator()
        self.import_action = self._add(self.tr("&Import priorities (CSV)…"),
                                       self.import_dialog)
        self.export_action = self._add(self.tr("&Export advice exchange file…"),
                                       self.export_dialog)

    def _add(self, text: str, slot: Callable[[], object], keys: str | None = None) -> QAction:
        action = QAction(text, self.window)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    def store_changed(self, change: Change) -> None:
        if self.page is not None:
            self.page.store_changed(change)

    def ensure_page(self) -> AdviceCombinePanel:
        if self.page is None:
            self.page = AdviceCombinePanel(self.window.store, self.window.pack)
            self.window.add_page("advice", self.page, self.tr("Advice"))
        return self.page

    def show_combine(self) -> None:
        self.ensure_page()
        self.window.show_page("advice")

    def open_kiosk(self) -> DotVotingWindow | None:
        from facilitator.ui.kiosk.dot_kiosk import DotVotingWindow
        from facilitator.ui.kiosk.pin_gate import ensure_pin

        site = self.window.store.site
        if not site:
            QMessageBox.information(self.window, self.tr("Dot voting"),
                                    self.tr("Set up this venue first (Settings → Venue): the "
                                            "dots are counted for its site."))
            return None
        if not ensure_pin(self.window, self.window.store):
            return None
        if self.kiosk is None or self.kiosk.store is not self.window.store:
            # Each voter starts with their Cymraeg / English choice.
            self.kiosk = DotVotingWindow(self.window.store, self.window.pack, site,
                                         ask_language=True)
        else:
            self.kiosk.next_voter()
        self.kiosk.show_kiosk()  # full screen: it belongs to the participants
        return self.kiosk

    def import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("Import priorities"), self.window._documents_dir(),
            self.tr("CSV files (*.csv);;All files (*)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Dots keyed from paper, all-or-nothing, in the background."""
        store, pack = self.window.store, self.window.pack
        self.window.tasks.run(
            self.tr("Importing priorities…"),
            lambda progress: advice.import_priorities(store, pack, path, progress=progress),
            self._imported, lambda exc: show_error(self.window, exc))

    def _imported(self, report: ImportReport) -> None:
        self.data_changed.emit()
        self.window.statusBar().showMessage(
            self.tr("{file}: {added} dots rows added, {unchanged} already there").format(
                file=Path(report.file).name, added=report.added,
                unchanged=report.unchanged), 10000)

    def export_dialog(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        choices = [self.tr("All sites and combinations (the hub's list)")] + [
            s.name for s in self.window.pack.sites]
        current = self.window.store.site
        index = next((i + 1 for i, s in enumerate(self.window.pack.sites) if s.id == current),
                     0)
        choice, ok = QInputDialog.getItem(self.window, self.tr("Advice exchange file"),
                                          self.tr("Which advice?"), choices, index, False)
        if not ok:
            return
        site = None if choices.index(choice) == 0 else \
            self.window.pack.sites[choices.index(choice) - 1].id
        name = f"advice-{site or 'all-sites'}.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("Save the advice exchange file"),
            str(Path(self.window._documents_dir()) / name), self.tr("PDF files (*.pdf)"))
        if path:
            self.export_file(site, Path(path))

    def export_file(self, site: str | None, path: Path, accept_flagged: bool = False) -> None:
        from facilitator.export.advice_export import export_advice

        store, pack = self.window.store, self.window.pack
        self.window.tasks.run(
            self.tr("Writing the advice exchange file…"),
            lambda progress: export_advice(store, pack, site, path,
                                           accept_flagged=accept_flagged, progress=progress),
            lambda result: self.window.statusBar().showMessage(
                self.tr("Written: {path}").format(path=result.path), 15000),
            lambda exc: show_error(self.window, exc), modal=False)
