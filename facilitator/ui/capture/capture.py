"""The capture panel: type a note, quote or piece of advice in seconds, never lose a word.

One text box keeps the focus: Enter saves (one transaction, then the box clears),
Shift+Enter is a new line, Ctrl+' marks a verbatim quote, Ctrl+1…9 toggle the first
nine themes. Attribution (site · workshop · step · use case · table) follows the
agenda and can be overridden from its chips. What is being typed is kept as a draft
at most half a second behind the keyboard and offered back after a crash. Saved
notes can be edited and deleted with undo and redo.

Typing here never drives the agenda: the text box claims Space, the arrows, + and B.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QPoint,
    QRect,
    QSize,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QShowEvent,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetItem,
)

from facilitator.core import notes, themes
from facilitator.core.errors import FacilitatorError
from facilitator.core.notes import Attribution, NoteFilter, Participant
from facilitator.core.pack import AgendaStep, SessionPack
from facilitator.core.records import Record
from facilitator.core.store import Change, Store
from facilitator.core.themes import ThemeChoice
from facilitator.core.venue import VenueTable
from facilitator.ui.capture.notes_view import local_time

DRAFT_MS = 500  # a draft is written at most this long after the last keystroke
RECENT = 8
SLOT = "capture"
ORANGE = "#E69F00"
SKY = "#56B4E9"
BLUE = "#0072B2"
GREEN = "#009E73"
INK = "#1F2933"
KIND_BACKGROUND = {"quote": "#FFF3D6", "advice": "#DDF3EA"}  # with words too: never colour alone


class FlowLayout(QLayout):
    """Lays chips out left to right, wrapping to the next line."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def addWidget(self, widget: QWidget) -> None:  # noqa: N802 - Qt override
        self.addChildWidget(widget)
        self.addItem(QWidgetItem(widget))

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, move: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        for item in self._items:
            if item.widget() is not None and not item.widget().isVisibleTo(
                    item.widget().parentWidget()):
                continue
            hint = item.sizeHint()
            if x + hint.width() > rect.right() and line > 0:
                x = rect.x()
                y += line + self._spacing
                line = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y()


class CaptureEdit(QPlainTextEdit):
    """The text box. Enter submits; Shift+Enter is a new line; with nothing typed to
    undo, Ctrl+Z / Ctrl+Shift+Z undo and redo the last edit or delete of a saved note.

    Signals: submitted(), cancelled(), undo_requested(), redo_requested().
    """

    submitted = Signal()
    cancelled = Signal()
    undo_requested = Signal()
    redo_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            else:
                self.submitted.emit()
            return
        if key == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        if event.matches(QKeySequence.StandardKey.Undo) and \
                not self.document().isUndoAvailable():
            self.undo_requested.emit()
            return
        if event.matches(QKeySequence.StandardKey.Redo) and \
                not self.document().isRedoAvailable():
            self.redo_requested.emit()
            return
        super().keyPressEvent(event)


class _NoteCommand(QUndoCommand):
    """Edit or delete of a saved note, undoable: each step is itself an edit that merges."""

    def __init__(self, panel: CapturePanel, note_id: str, before: dict[str, Any],
                 after: dict[str, Any], text: str) -> None:
        super().__init__(text)
        self.panel, self.note_id, self.before, self.after = panel, note_id, before, after

    def redo(self) -> None:
        self.panel._apply_change(self.note_id, self.after)

    def undo(self) -> None:
        self.panel._apply_change(self.note_id, self.before)


def note_line(record: Record, labels: dict[str, str], code: str = "") -> str:
    """One saved note as the list shows it: a quote in quotation marks."""
    text = " ".join(str(record["text"]).split())
    if record["kind"] == "quote":
        text = f"“{text}”"
    elif record["kind"] == "advice":
        text = QCoreApplication.translate("CapturePanel", "Advice: {text}").format(text=text)
    extras = [labels.get(t, "") for t in notes.themes_of(record)]
    extras = [e for e in extras if e]
    if code:
        extras.append(code)
    return text + (f"   — {' · '.join(extras)}" if extras else "")


class CapturePanel(QWidget):
    """Capture for one site's workshop day.

    ``steps`` are the day's agenda steps; ``follow_step(index)`` moves attribution
    with the agenda (connect the runner's ``step_changed`` or the note-taker's step
    selector). ``tables`` are the venue's tables; ``table_id`` this laptop's table.

    Signals:
        note_saved(dict): a note was committed (the stored record).
        note_changed(str): a saved note was edited, deleted or restored (its id).
        draft_saved(str): the draft now on disk (the text).
        draft_recovered(str): text left unsaved by a crash was put back in the box.
    """

    note_saved = Signal(dict)
    note_changed = Signal(str)
    draft_saved = Signal(str)
    draft_recovered = Signal(str)

    def __init__(self, store: Store, pack: SessionPack, site_id: str, workshop: int, *,
                 steps: Sequence[AgendaStep] = (), tables: Sequence[VenueTable] = (),
                 table_id: str | None = None, changes: Any = None,
                 slot: str = SLOT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("capture")
        self.store, self.pack, self.slot = store, pack, slot
        self.site = pack.site(site_id)
        self.workshop = pack.workshop(workshop)
        self.steps = tuple(steps)
        self.tables = list(tables)
        self.table_id = table_id if any(t.id == table_id for t in self.tables) else None
        self.step_index: int | None = None
        self.use_case_override: tuple[str | None] | None = None
        self.step_override: int | None = None
        self.kind = "note"
        self.selected: list[str] = []
        self.editing: str | None = None
        self._stash: str = ""
        self._theme_buttons: list[QToolButton] = []
        self._labels: dict[str, str] = {}
        self._codebook_ids: list[str] = []
        self._participants: list[Participant] = []
        self.undo_stack = QUndoStack(self)

        root = QVBoxLayout(self)
        root.setContentsMargins(16, 12, 16, 12)
        root.setSpacing(8)
        root.addWidget(self._build_banners())
        root.addWidget(self._build_attribution())
        root.addLayout(self._build_entry())
        root.addLayout(self._build_themes())
        root.addWidget(self._build_recent(), 1)
        self._apply_style()
        self._install_shortcuts()

        self.draft_timer = QTimer(self)
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_MS)
        self.draft_timer.timeout.connect(self.save_draft_now)
        self.edit.textChanged.connect(self._text_changed)
        if changes is not None:
            changes.changed.connect(self._store_changed)

        self.refresh_participants()
        self.follow_step(0 if self.steps else None)
        self.refresh_recent()
        self._recover_draft()

    # -- building -----------------------------------------------------------------------

    def _build_banners(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.recovered_banner = QFrame(objectName="recovered")
        row = QHBoxLayout(self.recovered_banner)
        row.setContentsMargins(10, 6, 10, 6)
        self.recovered_label = QLabel("")
        self.recovered_label.setWordWrap(True)
        keep = self._flat_button(self.tr("Keep it"), self._keep_recovered)
        discard = self._flat_button(self.tr("Discard"), self._discard_recovered)
        row.addWidget(self.recovered_label, 1)
        row.addWidget(keep)
        row.addWidget(discard)
        self.recovered_banner.hide()
        self.problem_label = QLabel("", objectName="problem")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        self.editing_label = QLabel("", objectName="editing")
        self.editing_label.setWordWrap(True)
        self.editing_label.hide()
        for widget in (self.recovered_banner, self.problem_label, self.editing_label):
            layout.addWidget(widget)
        return box

    def _flat_button(self, text: str, slot: Callable[[], None], tip: str = "") -> QPushButton:
        button = QPushButton(text)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        if tip:
            button.setToolTip(tip)
        return button

    def _chip(self, name: str, tip: str) -> QToolButton:
        chip = QToolButton(objectName=name)
        chip.setProperty("chip", True)
        chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        chip.setToolTip(tip)
        chip.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return chip

    def _build_attribution(self) -> QWidget:
        box = QWidget(objectName="attribution")
        row = FlowLayout(box)  # chips wrap on a narrow laptop screen
        self.place_chip = QLabel(self.tr("{site} · Workshop {n}").format(
            site=self.site.name, n=self.workshop.number), objectName="place")
        self.step_chip = self._chip("step_chip", self.tr("The agenda step this note is from "
                                                         "(click to choose another)"))
        self.use_case_chip = self._chip("use_case_chip", self.tr("The use case being "
                                                                 "discussed (click to change)"))
        self.table_chip = self._chip("table_chip", self.tr("The table this note is from"))
        self.step_menu = QMenu(self)
        self.use_case_menu = QMenu(self)
        self.table_menu = QMenu(self)
        self.step_chip.setMenu(self.step_menu)
        self.use_case_chip.setMenu(self.use_case_menu)
        self.table_chip.setMenu(self.table_menu)
        self._fill_menus()
        for widget in (self.place_chip, self.step_chip, self.use_case_chip, self.table_chip):
            row.addWidget(widget)
        return box

    def _fill_menus(self) -> None:
        self.step_menu.clear()
        follow = self.step_menu.addAction(self.tr("Follow the agenda"))
        follow.triggered.connect(lambda: self.override_step(None))
        self.step_menu.addSeparator()
        for i, step in enumerate(self.steps):
            action = self.step_menu.addAction(step.title)
            action.triggered.connect(lambda _=False, i=i: self.override_step(i))
        self.use_case_menu.clear()
        follow_uc = self.use_case_menu.addAction(self.tr("Follow the agenda"))
        follow_uc.triggered.connect(lambda: self.override_use_case(None, follow=True))
        none = self.use_case_menu.addAction(self.tr("No particular use case"))
        none.triggered.connect(lambda: self.override_use_case(None))
        self.use_case_menu.addSeparator()
        for use_case in self.pack.use_cases:
            action = self.use_case_menu.addAction(use_case.title)
            action.triggered.connect(lambda _=False, u=use_case.id: self.override_use_case(u))
        self.table_menu.clear()
        no_table = self.table_menu.addAction(self.tr("No table"))
        no_table.triggered.connect(lambda: self.set_table(None))
        for table in self.tables:
            action = self.table_menu.addAction(table.name)
            action.triggered.connect(lambda _=False, t=table.id: self.set_table(t))

    def _build_entry(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(4)
        kinds = QHBoxLayout()
        kinds.setSpacing(4)
        self.kind_buttons: dict[str, QPushButton] = {}
        for kind, text, tip in (
                ("note", self.tr("Note"), self.tr("A note in your own words")),
                ("quote", self.tr("“Quote”  Ctrl+'"),
                 self.tr("Verbatim words of a participant (Ctrl+' toggles)")),
                ("advice", self.tr("Advice"), self.tr("Advice for the Home Office and police "
                                                       "forces"))):
            button = self._flat_button(text, lambda k=kind: self.set_kind(k, explicit=True), tip)
            button.setCheckable(True)
            button.setObjectName(f"kind_{kind}")
            button.setProperty("kindButton", True)
            self.kind_buttons[kind] = button
            kinds.addWidget(button)
        kinds.addSpacing(12)
        self.participant_edit = QLineEdit(objectName="participant")
        self.participant_edit.setPlaceholderText(self.tr("Participant code (optional)  Ctrl+P"))
        self.participant_edit.setClearButtonEnabled(True)
        self.participant_edit.setMaximumWidth(280)
        self.participant_completer = QCompleter([], self)
        self.participant_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.participant_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.participant_edit.setCompleter(self.participant_completer)
        self.participant_edit.returnPressed.connect(self.focus_text)
        self.participant_edit.textChanged.connect(self._participant_changed)
        kinds.addWidget(self.participant_edit)
        self.consent_label = QLabel("", objectName="consent")
        self.consent_label.setWordWrap(True)
        self.consent_label.hide()
        kinds.addWidget(self.consent_label, 1)
        kinds.addStretch(0)
        column.addLayout(kinds)

        self.edit = CaptureEdit(objectName="capture_text")
        self.edit.setTabChangesFocus(True)
        self.edit.setPlaceholderText(self.tr(
            "Type what you hear, then Enter to save.  Shift+Enter: new line · "
            "Ctrl+': quote · Ctrl+1…9: themes"))
        self.edit.setFixedHeight(96)
        self.edit.submitted.connect(self.submit)
        self.edit.cancelled.connect(self.cancel_edit)
        self.edit.undo_requested.connect(self.undo_stack.undo)
        self.edit.redo_requested.connect(self.undo_stack.redo)
        column.addWidget(self.edit)
        return column

    def _build_themes(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(4)
        head = QHBoxLayout()
        self.themes_title = QLabel("", objectName="section")
        head.addWidget(self.themes_title)
        head.addWidget(QLabel(self.tr("Ctrl+1…9 toggle a theme"), objectName="meta"))
        head.addStretch(1)
        self.theme_picker = QLineEdit(objectName="theme_picker")
        self.theme_picker.setPlaceholderText(self.tr("Find or add a theme…  Ctrl+T"))
        self.theme_picker.setClearButtonEnabled(True)
        self.theme_picker.setMinimumWidth(280)
        self.theme_completer = QCompleter([], self)
        self.theme_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.theme_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.theme_picker.setCompleter(self.theme_completer)
        self.theme_picker.returnPressed.connect(self._pick_theme)
        head.addWidget(self.theme_picker)
        column.addLayout(head)
        self.no_themes_label = QLabel(self.tr(
            "No codebook for this step: Ctrl+T finds any theme, or adds a new one."),
            objectName="meta")
        column.addWidget(self.no_themes_label)
        self.chip_box = QWidget(objectName="chips")
        self.chip_layout = FlowLayout(self.chip_box)
        self.chip_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        column.addWidget(self.chip_box)
        return column

    def _build_recent(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 6, 0, 0)
        column.setSpacing(4)
        head = QHBoxLayout()
        head.addWidget(QLabel(self.tr("Saved"), objectName="section"))
        self.count_label = QLabel("", objectName="meta")
        head.addWidget(self.count_label)
        head.addStretch(1)
        self.edit_button = self._flat_button(self.tr("Edit"), self.edit_selected,
                                             self.tr("Edit the selected note (double-click)"))
        self.delete_button = self._flat_button(self.tr("Delete"), self.delete_selected,
                                               self.tr("Delete the selected note (it can be "
                                                       "undone)"))
        self.undo_button = self._flat_button(self.tr("Undo"), self.undo_stack.undo,
                                             self.tr("Undo the last edit or delete (Ctrl+Z "
                                                     "with the box empty)"))
        self.redo_button = self._flat_button(self.tr("Redo"), self.undo_stack.redo,
                                             self.tr("Redo (Ctrl+Shift+Z)"))
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        for button in (self.edit_button, self.delete_button, self.undo_button,
                       self.redo_button):
            head.addWidget(button)
        column.addLayout(head)
        self.recent = QListWidget(objectName="recent")
        self.recent.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.recent.setWordWrap(True)
        self.recent.setAlternatingRowColors(True)
        self.recent.itemDoubleClicked.connect(lambda _item: self.edit_selected())
        self.recent.itemSelectionChanged.connect(self._selection_changed)
        column.addWidget(self.recent, 1)
        self._selection_changed()
        return box

    def _apply_style(self) -> None:
        self.setStyleSheet(f"""
            QLabel#place {{ font-weight: bold; font-size: 14px; color: #FFFFFF;
                            background: {INK}; padding: 4px 10px; border-radius: 11px; }}
            QToolButton[chip="true"] {{ font-size: 14px; padding: 3px 10px;
                            border: 1px solid #8A94A3; border-radius: 11px;
                            background: #EEF2F6; color: {INK}; }}
            QToolButton[chip="true"]::menu-indicator {{ image: none; width: 0; }}
            QToolButton[override="true"] {{ border: 2px solid {BLUE}; font-weight: bold; }}
            QToolButton[theme="true"] {{ font-size: 14px; padding: 4px 10px;
                            border: 1px solid #8A94A3; border-radius: 12px;
                            background: #FFFFFF; color: {INK}; }}
            QToolButton[theme="true"]:checked {{ background: {BLUE}; color: #FFFFFF;
                            border-color: {BLUE}; }}
            QPushButton[kindButton="true"] {{ font-size: 14px; padding: 4px 12px; }}
            QPushButton[kindButton="true"]:checked {{ background: {INK}; color: #FFFFFF; }}
            QPlainTextEdit#capture_text {{ font-size: 18px; padding: 6px;
                            border: 2px solid {BLUE}; border-radius: 6px; }}
            QPlainTextEdit#capture_text[kind="quote"] {{ border-color: {ORANGE};
                            font-style: italic; }}
            QPlainTextEdit#capture_text[kind="advice"] {{ border-color: {GREEN}; }}
            QLabel#section {{ font-weight: bold; font-size: 14px; color: {INK}; }}
            QLabel#meta {{ color: #4A5360; font-size: 13px; }}
            QLabel#consent {{ background: #FFF3D6; color: #000000; padding: 3px 8px;
                            border-left: 4px solid {ORANGE}; }}
            QLabel#problem {{ background: #FCE4D6; color: #000000; padding: 6px 10px;
                            border-left: 5px solid #D55E00; font-weight: bold; }}
            QLabel#editing {{ background: #E3F1FB; color: #000000; padding: 6px 10px;
                            border-left: 5px solid {SKY}; }}
            QFrame#recovered {{ background: #FFF3D6; border-left: 5px solid {ORANGE}; }}
            QFrame#recovered QLabel {{ color: #000000; font-size: 14px; }}
            QListWidget#recent {{ font-size: 15px; }}
        """)

    def _install_shortcuts(self) -> None:
        def bind(keys: str, slot: Callable[[], None]) -> None:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        bind("Ctrl+'", self.toggle_quote)
        for n in range(1, 10):
            bind(f"Ctrl+{n}", lambda n=n: self.toggle_theme_at(n - 1))
        bind("Ctrl+T", lambda: self.theme_picker.setFocus())
        bind("Ctrl+P", lambda: self.participant_edit.setFocus())
        delete = QAction(self.recent)
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(self.delete_selected)
        self.recent.addAction(delete)

    # -- attribution --------------------------------------------------------------------

    @property
    def current_step(self) -> AgendaStep | None:
        index = self.step_override if self.step_override is not None else self.step_index
        if index is None or not 0 <= index < len(self.steps):
            return None
        return self.steps[index]

    @property
    def use_case(self) -> str | None:
        if self.use_case_override is not None:
            return self.use_case_override[0]
        step = self.current_step
        return step.use_case if step else None

    def attribution(self) -> Attribution:
        step = self.current_step
        table = next((t for t in self.tables if t.id == self.table_id), None)
        return Attribution(self.site.id, self.workshop.number,
                           table.id if table else None, table.name if table else None,
                           step.id if step else None, self.use_case)

    def follow_step(self, index: int | None) -> None:
        """The agenda moved: attribution follows (overrides of step and use case end)."""
        self.step_index = index
        self.step_override = None
        self.use_case_override = None
        self._attribution_changed()

    def override_step(self, index: int | None) -> None:
        self.step_override = index
        self.use_case_override = None
        self._attribution_changed()
        self.focus_text()

    def override_use_case(self, use_case: str | None, follow: bool = False) -> None:
        self.use_case_override = None if follow else (use_case,)
        self._attribution_changed()
        self.focus_text()

    def set_table(self, table_id: str | None) -> None:
        self.table_id = table_id
        self._attribution_changed()
        self.focus_text()

    def set_tables(self, tables: Sequence[VenueTable]) -> None:
        self.tables = list(tables)
        if not any(t.id == self.table_id for t in self.tables):
            self.table_id = None
        self._fill_menus()
        self._attribution_changed()

    def _attribution_changed(self) -> None:
        step = self.current_step
        self.step_chip.setText(self.tr("Step: {title}").format(title=step.title) if step
                               else self.tr("Step: none"))
        use_case = self.use_case
        title = self.pack.use_case(use_case).title if use_case else self.tr("none")
        self.use_case_chip.setText(self.tr("Use case: {title}").format(title=title))
        table = next((t.name for t in self.tables if t.id == self.table_id), None)
        self.table_chip.setText(table or self.tr("No table"))
        for chip, overridden in ((self.step_chip, self.step_override is not None),
                                 (self.use_case_chip, self.use_case_override is not None)):
            if chip.property("override") != overridden:
                chip.setProperty("override", overridden)
                chip.style().unpolish(chip)
                chip.style().polish(chip)
        if self.editing is None:
            self._default_kind()
        self.refresh_themes()

    # -- kind ---------------------------------------------------------------------------

    def base_kind(self) -> str:
        step = self.current_step
        return "advice" if step is not None and step.kind == "advice" else "note"

    def _default_kind(self) -> None:
        self.set_kind(self.base_kind())

    def set_kind(self, kind: str, explicit: bool = False) -> None:
        group_before = themes.group_for(self.kind, self.use_case)
        self.kind = kind
        for name, button in self.kind_buttons.items():
            button.setChecked(name == kind)
        if self.edit.property("kind") != kind:
            self.edit.setProperty("kind", kind)
            self.edit.style().unpolish(self.edit)
            self.edit.style().polish(self.edit)
        if themes.group_for(kind, self.use_case) != group_before:
            self.refresh_themes()
        self._update_consent()
        if explicit:
            self.focus_text()
            self._text_changed()

    def toggle_quote(self) -> None:
        """Ctrl+': a verbatim quote, or back to what this step takes by default."""
        if self.kind == "quote":
            base = self.base_kind()
            self.set_kind(base if base != "quote" else "note", explicit=True)
        else:
            self.set_kind("quote", explicit=True)

    # -- themes -------------------------------------------------------------------------

    def theme_group(self) -> str:
        return themes.group_for(self.kind, self.use_case)

    def refresh_themes(self) -> None:
        """Chips for the current codebook, plus any selected theme from elsewhere."""
        group = self.theme_group()
        choices = themes.themes_for(self.store, self.pack, group)
        everything = themes.all_themes(self.store, self.pack)
        self._labels = {t.id: t.label for t in everything}
        shown = [t.id for t in choices]
        self._codebook_ids = shown
        extra = [ThemeChoice(t, self._labels.get(t, t), "") for t in self.selected
                 if t not in shown]
        for button in self._theme_buttons:
            self.chip_layout.removeWidget(button)
            button.deleteLater()
        self._theme_buttons = []
        for n, theme in enumerate([*choices, *extra]):
            text = f"{n + 1}  {theme.label}" if n < 9 else theme.label
            button = QToolButton(self.chip_box)
            button.setText(text)
            button.setCheckable(True)
            button.setChecked(theme.id in self.selected)
            button.setProperty("theme", True)
            button.setProperty("theme_id", theme.id)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(self.tr("Ctrl+{n} toggles this theme").format(n=n + 1) if n < 9
                              else theme.label)
            button.toggled.connect(lambda on, t=theme.id: self._theme_toggled(t, on))
            self.chip_layout.addWidget(button)
            button.show()
            self._theme_buttons.append(button)
        if group == "advice":
            title = self.tr("Advice themes")
        elif group:
            title = self.tr("Themes: {use_case}").format(use_case=self.pack.use_case(group).title)
        else:
            title = self.tr("Themes")
        self.themes_title.setText(title)
        self.theme_completer.setModel(None)
        labels = [t.label for t in choices] + [t.label for t in everything
                                               if t.id not in shown]
        self.theme_completer.setModel(QStringListModel(list(dict.fromkeys(labels)),
                                                       self.theme_completer))
        self.chip_layout.invalidate()
        self.chip_box.updateGeometry()
        self.no_themes_label.setVisible(not self._theme_buttons)

    def theme_ids_shown(self) -> list[str]:
        return [str(b.property("theme_id")) for b in self._theme_buttons]

    def toggle_theme_at(self, position: int) -> None:
        if 0 <= position < len(self._theme_buttons):
            button = self._theme_buttons[position]
            button.setChecked(not button.isChecked())
        self.focus_text()

    def _theme_toggled(self, theme_id: str, on: bool) -> None:
        if on and theme_id not in self.selected:
            self.selected.append(theme_id)
        elif not on and theme_id in self.selected:
            self.selected.remove(theme_id)
        self.focus_text()
        self._text_changed()

    def _pick_theme(self) -> None:
        text = self.theme_picker.text()
        if not text.strip():
            self.focus_text()
            return
        group = self.theme_group()
        found = themes.match_theme(self.store, self.pack, text, group)
        try:
            if found is None:
                found = themes.add_custom_theme(self.store, self.pack, group, text)
        except FacilitatorError as exc:
            self.show_problem(exc.message)
            return
        if found.id not in self.selected:
            self.selected.append(found.id)
        self.theme_picker.clear()
        self.refresh_themes()
        self.focus_text()
        self._text_changed()

    # -- participants -------------------------------------------------------------------

    def refresh_participants(self) -> None:
        self._participants = notes.attributable_participants(self.store, self.site.id)
        self.participant_completer.setModel(QStringListModel(
            [p.code for p in self._participants], self.participant_completer))

    def participant(self) -> Participant | None:
        code = self.participant_edit.text().strip().casefold()
        if not code:
            return None
        return next((p for p in self._participants if p.code.casefold() == code), None)

    def _participant_changed(self) -> None:
        self._update_consent()
        self._text_changed()

    def _update_consent(self) -> None:
        person = self.participant()
        code = self.participant_edit.text().strip()
        if code and person is None:
            text = self.tr("{code} is not on the roster (or has withdrawn)").format(code=code)
        elif person is not None and self.kind == "quote" and not person.quote_consent:
            text = self.tr("⚠ {code} said no to quotes: counted in themes, never shown "
                           "verbatim").format(code=person.code)
        else:
            text = ""
        self.consent_label.setText(text)
        self.consent_label.setVisible(bool(text))

    # -- saving -------------------------------------------------------------------------

    def focus_text(self) -> None:
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.setVisible(bool(text))

    def submit(self) -> None:
        """Enter: commit the note, then clear the box (or save the edit being made)."""
        text = self.edit.toPlainText()
        if not text.strip():
            return
        code = self.participant_edit.text().strip()
        person = self.participant()
        if code and person is None:
            self.show_problem(self.tr("Participant {code} is not on the roster for {site} (or "
                                      "has withdrawn). Correct the code or clear it; your "
                                      "text is kept.").format(code=code, site=self.site.name))
            return
        if self.editing is not None:
            self._finish_edit(text, person)
            return
        self.draft_timer.stop()
        try:
            record = notes.save_note(self.store, self.attribution(), self.kind, text,
                                     self.selected, person.id if person else None,
                                     clear_draft_slot=self.slot)
        except FacilitatorError as exc:
            self.save_draft_now()
            self.show_problem(self.tr("Not saved: {reason}. Your text is kept.").format(
                reason=exc.message))
            return
        self.show_problem("")
        self.recovered_banner.hide()
        self._reset_entry()
        self._add_recent(record, top=True)
        self.note_saved.emit(record)

    def _reset_entry(self) -> None:
        self.edit.blockSignals(True)
        self.edit.clear()
        self.edit.blockSignals(False)
        self.participant_edit.blockSignals(True)
        self.participant_edit.clear()
        self.participant_edit.blockSignals(False)
        extras = set(self.selected) - set(self.theme_ids_shown()[:len(self._codebook_ids)])
        self.selected = []
        for button in self._theme_buttons:
            if button.isChecked():
                button.blockSignals(True)
                button.setChecked(False)
                button.blockSignals(False)
        self._default_kind()
        if extras:
            self.refresh_themes()  # chips of themes picked from elsewhere go away
        self._update_consent()
        self.focus_text()

    # -- drafts -------------------------------------------------------------------------

    def _text_changed(self) -> None:
        if self.editing is None and not self.draft_timer.isActive():
            self.draft_timer.start()  # not restarted per key: at most DRAFT_MS behind

    def draft_state(self) -> dict[str, Any]:
        return {"kind": self.kind, "themes": list(self.selected),
                "participant": self.participant_edit.text().strip(),
                "step": self.current_step.id if self.current_step else None,
                "use_case": self.use_case}

    def save_draft_now(self) -> None:
        self.draft_timer.stop()
        if self.editing is not None:
            return
        text = self.edit.toPlainText()
        try:
            notes.save_draft(self.store, self.slot, text, self.draft_state())
        except FacilitatorError as exc:
            self.show_problem(self.tr("Cannot keep a draft: {reason}").format(
                reason=exc.message))
            return
        self.draft_saved.emit(text)

    def _recover_draft(self) -> None:
        draft = notes.load_draft(self.store, self.slot)
        if draft is None:
            return
        self.edit.blockSignals(True)
        self.edit.setPlainText(draft.text)
        self.edit.blockSignals(False)
        cursor = self.edit.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.edit.setTextCursor(cursor)
        state = draft.state
        if state.get("kind") in notes.KINDS:
            self.set_kind(str(state["kind"]))
        self.selected = [str(t) for t in state.get("themes", []) if isinstance(t, str)]
        self.participant_edit.setText(str(state.get("participant") or ""))
        self.refresh_themes()
        when = local_time(draft.saved_at, "%H:%M")
        self.recovered_label.setText(self.tr(
            "Recovered text you had not saved yet (kept at {time}). It is back in the "
            "box: press Enter to save it, or discard it.").format(time=when))
        self.recovered_banner.show()
        self.draft_recovered.emit(draft.text)

    def _keep_recovered(self) -> None:
        self.recovered_banner.hide()
        self.focus_text()

    def _discard_recovered(self) -> None:
        self.recovered_banner.hide()
        self.edit.clear()
        notes.clear_draft(self.store, self.slot)
        self._reset_entry()

    # -- the saved list, edit and delete --------------------------------------------------

    def refresh_recent(self) -> None:
        rows = notes.search_notes(self.store, NoteFilter(site=self.site.id,
                                                         workshop=self.workshop.number,
                                                         limit=RECENT))
        self.recent.clear()
        for row in rows:
            self._add_recent(row, top=False)
        self._update_count()

    def _update_count(self) -> None:
        counts = notes.note_counts(self.store, self.site.id, self.workshop.number)
        self.count_label.setText(self.tr("today: notes {notes} · quotes {quotes} · advice "
                                         "{advice}").format(notes=counts.get("note", 0),
                                                         quotes=counts.get("quote", 0),
                                                         advice=counts.get("advice", 0)))

    def _add_recent(self, record: Record, top: bool) -> None:
        code = next((p.code for p in self._participants if p.id == record["participant_id"]),
                    "")
        when = local_time(str(record["noted_at"]), "%H:%M")
        item = QListWidgetItem(f"✓ {when}  " + note_line(record, self._labels, code))
        if record["kind"] in KIND_BACKGROUND:
            item.setBackground(QColor(KIND_BACKGROUND[str(record["kind"])]))
        item.setData(Qt.ItemDataRole.UserRole, record["id"])
        item.setToolTip(self.tr("Saved (durable on disk) · {kind}").format(kind=record["kind"]))
        if top:
            self.recent.insertItem(0, item)
            while self.recent.count() > RECENT:
                self.recent.takeItem(self.recent.count() - 1)
            self._update_count()
        else:
            self.recent.addItem(item)

    def recent_texts(self) -> list[str]:
        return [self.recent.item(i).text() for i in range(self.recent.count())]

    def _selected_id(self) -> str | None:
        item = self.recent.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _selection_changed(self) -> None:
        on = self.recent.currentItem() is not None
        self.edit_button.setEnabled(on)
        self.delete_button.setEnabled(on)

    def select_recent(self, row: int) -> None:
        self.recent.setCurrentRow(row)

    def edit_selected(self) -> None:
        """Load the selected note into the box; Enter saves the change, Esc cancels."""
        note_id = self._selected_id()
        record = notes.get_note(self.store, note_id) if note_id else None
        if record is None:
            return
        if self.editing is None:
            self.save_draft_now()
            self._stash = self.edit.toPlainText()
        self.editing = note_id
        self.edit.blockSignals(True)
        self.edit.setPlainText(str(record["text"]))
        self.edit.blockSignals(False)
        self.set_kind(str(record["kind"]))
        self.selected = notes.themes_of(record)
        self.participant_edit.blockSignals(True)
        self.participant_edit.setText(notes.participant_code(self.store,
                                                             record["participant_id"]))
        self.participant_edit.blockSignals(False)
        self.refresh_themes()
        self.editing_label.setText(self.tr("Editing a saved note: Enter saves the change, "
                                           "Esc cancels."))
        self.editing_label.show()
        self.focus_text()

    def _finish_edit(self, text: str, person: Participant | None) -> None:
        note_id = self.editing
        assert note_id is not None
        record = notes.get_note(self.store, note_id)
        if record is None:
            self.cancel_edit()
            return
        after = {"text": notes.clean_text(text), "kind": self.kind,
                 "themes": notes.themes_json(self.selected),
                 "participant_id": person.id if person else None}
        before = {k: record[k] for k in after}
        if before != after:
            try:
                self.undo_stack.push(_NoteCommand(self, note_id, before, after,
                                                  self.tr("Edit note")))
            except FacilitatorError as exc:
                self.show_problem(exc.message)
                return
        self.cancel_edit()

    def cancel_edit(self) -> None:
        if self.editing is None:
            return
        self.editing = None
        self.editing_label.hide()
        stash, self._stash = self._stash, ""
        self._reset_entry()
        if stash:
            self.edit.setPlainText(stash)
            cursor = self.edit.textCursor()
            cursor.movePosition(cursor.MoveOperation.End)
            self.edit.setTextCursor(cursor)

    def delete_selected(self) -> None:
        note_id = self._selected_id()
        if note_id is None:
            return
        self.undo_stack.push(_NoteCommand(self, note_id, {"deleted": 0}, {"deleted": 1},
                                          self.tr("Delete note")))
        self.focus_text()

    def _apply_change(self, note_id: str, changes: dict[str, Any]) -> None:
        try:
            notes.edit_note(self.store, note_id, changes)
        except FacilitatorError as exc:
            self.show_problem(exc.message)
            return
        self.refresh_recent()
        self.note_changed.emit(note_id)

    # -- the store ----------------------------------------------------------------------

    def _store_changed(self, change: Change) -> None:
        if "participants" in change.tables:
            self.refresh_participants()
        if "themes_custom" in change.tables:
            self.refresh_themes()
        if "notes" in change.tables:
            self.refresh_recent()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        QTimer.singleShot(0, self.edit, self.focus_text)  # never after the box is gone
