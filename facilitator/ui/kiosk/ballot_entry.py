"""Keying paper ballots: a fast keyboard grid, with optional double entry.

One row per paper sheet: sheet number, participant code (blank = anonymous), then the
number written beside each use case, in the printed sheet's order
(``core.ballots.sheet_order``). A rank digit moves straight on to the next
box; every rank 1–6 must be used exactly once, and a cell that breaks that is marked
on the cell itself, in words as well as colour. Enter on the row's status saves it.

Double entry: two people key the same sheets ("first keyer", "second keyer"); a
sheet counts only when both agree, and the mismatches are listed for resolution.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRegularExpression, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QPainter, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.core import ballots, participants
from facilitator.core.errors import FacilitatorError
from facilitator.core.pack import SessionPack
from facilitator.core.store import Change, Store
from facilitator.ui.common.errors import show_error
from facilitator.ui.kiosk.kiosk import ask_facilitator_to_replace

SHEET, CODE, FIRST_RANK = 0, 1, 2
PLACES = 6
ERROR_BG = "#F6D4BF"  # a light tint of Okabe–Ito vermillion; the text says it too
SAVED_BG = "#E6E6E6"
MODES = ("single", "first", "second")
WATCHED = frozenset({"ballots"})
_Index = QModelIndex | QPersistentModelIndex


@dataclass
class RowCheck:
    """What is wrong with one keyed row: per-column messages and row-level ones."""

    cells: dict[int, str] = field(default_factory=dict)
    row: list[str] = field(default_factory=list)
    ranking: list[str] | None = None
    participant_id: str | None = None

    @property
    def ok(self) -> bool:
        return not self.cells and not self.row and self.ranking is not None


class _MarkDelegate(QStyledItemDelegate):
    """Draws a ⚠ in a cell that has a problem, so it is not shown by tint alone."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: _Index) -> None:
        super().paint(painter, option, index)
        if index.data(Qt.ItemDataRole.ToolTipRole):
            painter.save()
            painter.setPen(QColor("#000000"))
            painter.drawText(option.rect.adjusted(4, 0, -6, 0),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "⚠")
            painter.restore()


class _RankDelegate(_MarkDelegate):
    """A one-digit editor for rank cells that moves on as soon as a digit is typed."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: _Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setMaxLength(1)
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        editor.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9]"), editor))
        editor.textEdited.connect(lambda text: self._typed(editor, text))
        return editor

    def _typed(self, editor: QLineEdit, text: str) -> None:
        if len(text) == 1:
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.EditNextItem)


class _Grid(QTableWidget):
    """The entry table. Signals: save_requested(int row) — Enter on a row's status."""

    save_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        row = self.currentRow()
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and (event.modifiers() & Qt.KeyboardModifier.ControlModifier
                      or self.currentColumn() == self.columnCount() - 1):
            if row >= 0:
                self.save_requested.emit(row)
            return
        if enter and self.state() != QAbstractItemView.State.EditingState:
            # Enter moves right along the sheet, like Tab.
            self.setCurrentCell(row, min(self.currentColumn() + 1, self.columnCount() - 1))
            return
        super().keyPressEvent(event)


class BallotEntryPanel(QWidget):
    """Type in paper ballots for one site and workshop.

    Signals: ballot_saved(str sheet) — a row was saved (counted, or a keying stored).
    """

    ballot_saved = Signal(str)

    def __init__(self, store: Store, pack: SessionPack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.pack = pack
        self.order = ballots.sheet_order(pack)
        self.titles = {u.id: u.title for u in pack.use_cases}
        self.saved_rows: set[int] = set()
        self._filling = False
        self.setObjectName("ballot_entry")

        self.site_box = QComboBox()
        for site in pack.sites:
            self.site_box.addItem(site.name, site.id)
        if store.site:
            self.site_box.setCurrentIndex(max(0, self.site_box.findData(store.site)))
        self.workshop_box = QComboBox()
        for workshop in pack.workshops:
            self.workshop_box.addItem(workshop.title, workshop.number)
        current = store.get_setting("workshop")
        if current and current.isdigit():
            self.workshop_box.setCurrentIndex(max(0, self.workshop_box.findData(int(current))))
        self.mode_box = QComboBox()
        self.mode_box.setObjectName("entry_mode")
        self.mode_box.addItem(self.tr("Single entry (each sheet keyed once)"), "single")
        self.mode_box.addItem(self.tr("Double entry: I am the first keyer"), "first")
        self.mode_box.addItem(self.tr("Double entry: I am the second keyer"), "second")
        self.help = QLabel(self.tr(
            "Type the sheet number, the participant code (leave blank if anonymous), then "
            "the number written beside each use case, top to bottom. Each of 1–6 once. "
            "Enter at the end of the row (or Ctrl+Enter anywhere) saves it."))
        self.help.setWordWrap(True)

        columns = [self.tr("Sheet"), self.tr("Participant code")]
        columns += [textwrap.fill(self.titles[uc], 18) for uc in self.order]
        columns.append(self.tr("Check"))
        self.grid = _Grid(0, len(columns))
        self.grid.setObjectName("entry_grid")
        self.grid.setHorizontalHeaderLabels(columns)
        self.status_column = len(columns) - 1
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                  | QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setTabKeyNavigation(True)
        marks = _MarkDelegate(self.grid)
        for column in (SHEET, CODE):
            self.grid.setItemDelegateForColumn(column, marks)
        delegate = _RankDelegate(self.grid)
        for column in range(FIRST_RANK, FIRST_RANK + PLACES):
            self.grid.setItemDelegateForColumn(column, delegate)
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.status_column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(self.status_column, 320)
        header.setMinimumHeight(self.fontMetrics().height() * 3 + 8)
        font = self.grid.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.grid.setFont(font)
        self.grid.verticalHeader().setDefaultSectionSize(round(self.fontMetrics().height() * 2.2))
        self.grid.itemChanged.connect(self._item_changed)
        self.grid.save_requested.connect(self.save_row)

        self.save_button = QPushButton(self.tr("&Save row (Ctrl+Enter)"))
        self.save_button.clicked.connect(lambda: self.save_row(self.grid.currentRow()))
        self.feedback = QLabel()
        self.feedback.setObjectName("entry_feedback")
        self.feedback.setWordWrap(True)

        self.mismatch_label = QLabel()
        self.mismatches = QTableWidget(0, 4)
        self.mismatches.setObjectName("mismatches")
        self.mismatches.setHorizontalHeaderLabels([
            self.tr("Sheet"), self.tr("First keyer typed"), self.tr("Second keyer typed"),
            self.tr("Differs in")])
        self.mismatches.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mismatches.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.mismatches.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.mismatches.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.mismatches.horizontalHeader().setStretchLastSection(True)
        self.mismatches.verticalHeader().hide()
        self.use_first = QPushButton(self.tr("The paper agrees with the &first keyer"))
        self.use_second = QPushButton(self.tr("The paper agrees with the s&econd keyer"))
        self.use_first.clicked.connect(lambda: self.resolve_selected(1))
        self.use_second.clicked.connect(lambda: self.resolve_selected(2))
        self.mismatch_box = QWidget()
        mismatch_layout = QVBoxLayout(self.mismatch_box)
        mismatch_layout.setContentsMargins(0, 0, 0, 0)
        mismatch_layout.addWidget(self.mismatch_label)
        mismatch_layout.addWidget(self.mismatches)
        resolve_row = QHBoxLayout()
        resolve_row.addWidget(self.use_first)
        resolve_row.addWidget(self.use_second)
        resolve_row.addStretch(1)
        mismatch_layout.addLayout(resolve_row)

        top = QHBoxLayout()
        for text, box in ((self.tr("&Site:"), self.site_box),
                          (self.tr("&Workshop:"), self.workshop_box),
                          (self.tr("&Keying:"), self.mode_box)):
            label = QLabel(text)
            label.setBuddy(box)
            top.addWidget(label)
            top.addWidget(box)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.feedback, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.help)
        layout.addWidget(self.grid, 3)
        layout.addLayout(bottom)
        layout.addWidget(self.mismatch_box, 1)

        self.site_box.currentIndexChanged.connect(self.refresh_mismatches)
        self.workshop_box.currentIndexChanged.connect(self.refresh_mismatches)
        self.mode_box.currentIndexChanged.connect(self.refresh_mismatches)
        self.add_row()
        self.refresh_mismatches()

    # -- settings ---------------------------------------------------------------------------

    @property
    def site(self) -> str:
        return str(self.site_box.currentData())

    @property
    def workshop(self) -> int:
        return int(self.workshop_box.currentData())

    @property
    def mode(self) -> str:
        return str(self.mode_box.currentData())

    def rank_column(self, use_case: str) -> int:
        return FIRST_RANK + self.order.index(use_case)

    # -- rows -------------------------------------------------------------------------------

    def add_row(self) -> int:
        row = self.grid.rowCount()
        self._filling = True
        self.grid.insertRow(row)
        sheet = ""
        if row:
            previous = self._text(row - 1, SHEET)
            if previous.isdigit():
                sheet = str(int(previous) + 1)
        for column in range(self.grid.columnCount()):
            item = QTableWidgetItem(sheet if column == SHEET else "")
            if FIRST_RANK <= column < FIRST_RANK + PLACES:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if column == self.status_column:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.grid.setItem(row, column, item)
        self._filling = False
        self.grid.setCurrentCell(row, CODE if sheet else SHEET)
        return row

    def _text(self, row: int, column: int) -> str:
        item = self.grid.item(row, column)
        return item.text().strip() if item is not None else ""

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() == self.status_column:
            return
        self.show_check(item.row(), self.check_row(item.row(), final=False))

    def check_row(self, row: int, *, final: bool) -> RowCheck:
        """Problems with a row; ``final`` also requires every box filled (before saving)."""
        check = RowCheck()
        sheet = self._text(row, SHEET)
        if self.mode != "single" and final and not sheet:
            check.cells[SHEET] = self.tr("the sheet number is needed for double entry")
        code = self._text(row, CODE)
        if code:
            person = participants.by_code(self.store, self.site, code)
            if person is None:
                check.cells[CODE] = self.tr("{code} is not on the {site} list").format(
                    code=code, site=self.site_box.currentText())
            elif person["withdrawn"] or person["erased"]:
                check.cells[CODE] = self.tr("{code} has withdrawn").format(code=code)
            else:
                check.participant_id = str(person["id"])
        ranks: dict[int, list[int]] = {}
        for column in range(FIRST_RANK, FIRST_RANK + PLACES):
            text = self._text(row, column)
            if not text:
                continue
            if not text.isdigit() or not 1 <= int(text) <= PLACES:
                check.cells[column] = self.tr("{text} is not a rank: use 1 to 6").format(
                    text=text)
                continue
            ranks.setdefault(int(text), []).append(column)
        for rank, columns in ranks.items():
            if len(columns) > 1:
                for column in columns:
                    check.cells[column] = self.tr("{rank} is used {n} times").format(
                        rank=rank, n=len(columns))
        filled = sum(len(c) for c in ranks.values())
        missing = [r for r in range(1, PLACES + 1) if r not in ranks]
        if final or filled == PLACES:
            empty = [c for c in range(FIRST_RANK, FIRST_RANK + PLACES)
                     if not self._text(row, c)]
            for column in empty:
                check.cells[column] = self.tr("empty: write the number on the sheet")
            if missing and (empty or any(len(c) > 1 for c in ranks.values())):
                check.row.append(self.tr("missing: {ranks}").format(
                    ranks=", ".join(str(r) for r in missing)))
        if not check.cells and not missing:
            by_rank = {rank: columns[0] for rank, columns in ranks.items()}
            check.ranking = [self.order[by_rank[r] - FIRST_RANK] for r in range(1, PLACES + 1)]
        return check

    def show_check(self, row: int, check: RowCheck, saved_text: str = "") -> None:
        """Mark each problem on its cell (tint and tooltip) and sum up in the status."""
        self._filling = True
        for column in range(self.status_column):
            item = self.grid.item(row, column)
            if item is None:
                continue
            problem = check.cells.get(column, "")
            item.setToolTip(problem)
            if problem:
                item.setBackground(QBrush(QColor(ERROR_BG)))
                item.setForeground(QBrush(QColor("#000000")))
            elif row in self.saved_rows:
                item.setBackground(QBrush(QColor(SAVED_BG)))
            else:
                item.setData(Qt.ItemDataRole.BackgroundRole, None)
            if column >= FIRST_RANK and problem and not item.text().startswith("⚠"):
                item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, problem)
        status = self.grid.item(row, self.status_column)
        if status is not None:
            if saved_text:
                text = saved_text
            elif check.cells or check.row:
                problems = list(dict.fromkeys([*check.cells.values(), *check.row]))
                text = "⚠ " + "; ".join(problems)
            elif check.ranking is not None:
                text = self.tr("✓ ready: Enter saves")
            else:
                text = ""
            status.setText(text)
            status.setToolTip(text)
        self._filling = False

    def save_row(self, row: int) -> bool:
        """Save a row: a counted ballot (single entry) or this keyer's keying."""
        if row < 0 or row in self.saved_rows:
            return False
        check = self.check_row(row, final=True)
        if not check.ok or check.ranking is None:
            self.show_check(row, check)
            self.feedback.setText(self.tr("Row {n} is not saved: fix the marked boxes.")
                                  .format(n=row + 1))
            bad = min(check.cells) if check.cells else FIRST_RANK
            self.grid.setCurrentCell(row, bad)
            return False
        sheet = self._text(row, SHEET)
        code = self._text(row, CODE)
        try:
            saved = self._save(check, sheet, code)
        except FacilitatorError as exc:
            show_error(self, exc)
            return False
        if saved is None:
            self.feedback.setText(self.tr("Row {n} not saved: the earlier ballot was kept.")
                                  .format(n=row + 1))
            return False
        self.saved_rows.add(row)
        self._lock_row(row)
        self.show_check(row, RowCheck(), saved_text=saved)
        self.feedback.setText(self.tr("Sheet {sheet}: {what}").format(
            sheet=sheet or "–", what=saved))
        self.ballot_saved.emit(sheet)
        self.add_row()
        self.refresh_mismatches()
        return True

    def _save(self, check: RowCheck, sheet: str, code: str) -> str | None:
        assert check.ranking is not None
        if self.mode == "single":
            try:
                ballots.cast_ballot(self.store, self.pack, site=self.site,
                                    workshop=self.workshop, ranking=check.ranking,
                                    participant_id=check.participant_id, source="paper")
            except ballots.DuplicateBallotError:
                if not ask_facilitator_to_replace(self, code):
                    return None
                ballots.cast_ballot(self.store, self.pack, site=self.site,
                                    workshop=self.workshop, ranking=check.ranking,
                                    participant_id=check.participant_id, source="paper",
                                    replace=True)
            return self.tr("✓ saved, counted")
        keyer = 1 if self.mode == "first" else 2
        outcome = ballots.record_keying(
            self.store, self.pack, site=self.site, workshop=self.workshop, sheet=sheet,
            ranking=check.ranking, participant_id=check.participant_id, keyer=keyer)
        if outcome.status == "matched":
            return self.tr("✓ both keyings agree: counted")
        if outcome.status == "mismatch":
            return self.tr("⚠ differs from the other keying: see the list below")
        return self.tr("✓ saved; waiting for the other keyer")

    def _lock_row(self, row: int) -> None:
        self._filling = True
        for column in range(self.grid.columnCount()):
            item = self.grid.item(row, column)
            if item is not None:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setBackground(QBrush(QColor(SAVED_BG)))
        self._filling = False

    # -- double entry ----------------------------------------------------------------------

    def store_changed(self, change: Change) -> None:
        if change.tables & WATCHED:
            self.refresh_mismatches()

    def _describe(self, keying: dict[str, Any]) -> str:
        person = self.store.get("participants", str(keying["participant_id"])) \
            if keying.get("participant_id") else None
        who = str(person["code"]) if person else self.tr("anonymous")
        order = ballots.ranking_of(keying)
        ranks = " ".join(str(order.index(uc) + 1) for uc in self.order)
        return self.tr("{who}: {ranks}").format(who=who, ranks=ranks)

    def refresh_mismatches(self, *_args: object) -> None:
        found = ballots.keying_mismatches(self.store, self.site, self.workshop)
        waiting = ballots.pending_keyings(self.store, self.site, self.workshop)
        self.current_mismatches = found
        self.mismatches.setRowCount(len(found))
        names = {"participant_id": self.tr("participant code"),
                 "ranking": self.tr("ranks")}
        for row, mismatch in enumerate(found):
            cells = [mismatch.sheet, self._describe(mismatch.first),
                     self._describe(mismatch.second),
                     ", ".join(names.get(d, d) for d in mismatch.differences)]
            for column, text in enumerate(cells):
                self.mismatches.setItem(row, column, QTableWidgetItem(text))
        if found:
            self.mismatches.selectRow(0)
        double = self.mode != "single"
        self.mismatch_box.setVisible(double or bool(found))
        self.mismatch_label.setText(
            self.tr("Mismatches to resolve: {n} sheet(s). Ranks are listed in the sheet's "
                    "order. Check the paper, then say which keyer got it right. Sheets "
                    "waiting for a second keying: {w}.").format(n=len(found), w=len(waiting))
            if found else
            self.tr("No mismatches. Sheets waiting for a second keying: {w}.").format(
                w=len(waiting)))
        self.use_first.setEnabled(bool(found))
        self.use_second.setEnabled(bool(found))

    def resolve_selected(self, keyer: int) -> None:
        row = self.mismatches.currentRow()
        if not 0 <= row < len(self.current_mismatches):
            return
        mismatch = self.current_mismatches[row]
        keying = mismatch.first if keyer == 1 else mismatch.second
        try:
            ballots.resolve_keying(
                self.store, mismatch.sheet, ballots.ranking_of(keying), site=self.site,
                workshop=self.workshop, participant_id=keying.get("participant_id"),
                pack=self.pack)
        except FacilitatorError as exc:
            show_error(self, exc)
            return
        self.feedback.setText(self.tr("Sheet {sheet} resolved: it now counts.").format(
            sheet=mismatch.sheet))
        self.refresh_mismatches()
