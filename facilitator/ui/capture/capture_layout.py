"""How the capture panel is laid out: banners, attribution chips, the kind buttons and
the box, theme chips, the saved list; its style and its keys. A part of CapturePanel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from facilitator.ui.capture.capture_edit import BLUE, GREEN, INK, ORANGE, SKY, CaptureEdit
from facilitator.ui.common.flow_layout import FlowLayout


class CaptureLayout:
    """Builds the capture panel's widgets (a part of CapturePanel, not a widget)."""

    store: Any
    pack: Any
    site: Any
    workshop: Any
    slot: str
    kind: str
    selected: list[str]
    editing: str | None
    undo_stack: Any


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

    @staticmethod
    def _call(slot: Callable[..., None], *args: Any, **kwargs: Any) -> Callable[[], None]:
        """A slot that takes nothing from the signal: ``clicked(bool)`` and ``triggered(bool)``
        would otherwise fill a lambda's default argument (a kind of True)."""
        def call() -> None:
            slot(*args, **kwargs)
        return call

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
            action.triggered.connect(self._call(self.override_step, i))
        self.use_case_menu.clear()
        follow_uc = self.use_case_menu.addAction(self.tr("Follow the agenda"))
        follow_uc.triggered.connect(lambda: self.override_use_case(None, follow=True))
        none = self.use_case_menu.addAction(self.tr("No particular use case"))
        none.triggered.connect(lambda: self.override_use_case(None))
        self.use_case_menu.addSeparator()
        for use_case in self.pack.use_cases:
            action = self.use_case_menu.addAction(use_case.title)
            action.triggered.connect(self._call(self.override_use_case, use_case.id))
        self.table_menu.clear()
        no_table = self.table_menu.addAction(self.tr("No table"))
        no_table.triggered.connect(lambda: self.set_table(None))
        for table in self.tables:
            action = self.table_menu.addAction(table.name)
            action.triggered.connect(self._call(self.set_table, table.id))

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
                ("advice", self.tr("Advice  Ctrl+;"),
                 self.tr("Advice for the Home Office and police forces (Ctrl+; toggles)"))):
            button = self._flat_button(text, self._call(self.set_kind, kind, explicit=True), tip)
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
        bind("Ctrl+;", self.toggle_advice)
        for n in range(1, 10):
            bind(f"Ctrl+{n}", self._call(self.toggle_theme_at, n - 1))
        bind("Ctrl+T", lambda: self.theme_picker.setFocus())
        bind("Ctrl+P", lambda: self.participant_edit.setFocus())
        delete = QAction(self.recent)
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(self.delete_selected)
        self.recent.addAction(delete)
