"""How the console is laid out: header, Now / Next with the big timer, the controls,
the day's table and the audience preview. A part of ConsolePanel.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from facilitator.ui.console.audience import ORANGE, AudienceView
from facilitator.ui.console.console_parts import HEADER, PreviewFrame


class ConsoleLayout:
    """Builds the console's widgets (a part of ConsolePanel, not a widget of its own)."""

    model: Any
    pack: Any
    audience: Any
    site: Any
    workshop: Any
    rehearsal: bool


    def _build_header(self) -> QWidget:
        header = QFrame()
        header.setObjectName("header")
        row = QHBoxLayout(header)
        row.setContentsMargins(16, 8, 16, 8)
        self.place_label = QLabel(self.tr("{site} · {workshop}").format(
            site=self.site.name, workshop=self.workshop.title))
        self.place_label.setObjectName("place")
        self.clock_label = QLabel("")
        self.clock_label.setObjectName("clock")
        self.rehearsal_badge = QLabel(self.tr("REHEARSAL — practice database"))
        self.rehearsal_badge.setObjectName("rehearsal")
        self.rehearsal_badge.setVisible(self.rehearsal)
        self.day_label = QLabel("")
        self.day_label.setObjectName("day")
        row.addWidget(self.place_label)
        row.addWidget(QLabel("·", objectName="place"))
        row.addWidget(self.clock_label)
        row.addSpacing(16)
        row.addWidget(self.rehearsal_badge)
        row.addStretch(1)
        row.addWidget(self.day_label)
        return header

    def _build_now(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(16)
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        now_tag = QLabel(self.tr("NOW"), objectName="tag")
        next_tag = QLabel(self.tr("NEXT"), objectName="tag")
        self.now_title = QLabel("", objectName="nowTitle")
        self.now_title.setWordWrap(True)
        self.now_meta = QLabel("", objectName="meta")
        self.prompt_label = QLabel("", objectName="prompt")
        self.prompt_label.setWordWrap(True)
        self.next_label = QLabel("", objectName="next")
        self.next_label.setWordWrap(True)
        grid.addWidget(now_tag, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.now_title, 0, 1)
        grid.addWidget(self.now_meta, 1, 1)
        grid.addWidget(self.prompt_label, 2, 1)
        grid.addWidget(next_tag, 3, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.next_label, 3, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowMinimumHeight(3, 28)
        row.addLayout(grid, 1)

        self.timer_box = QFrame(objectName="timerBox")
        self.timer_box.setFixedWidth(300)
        box = QVBoxLayout(self.timer_box)
        box.setContentsMargins(12, 10, 12, 10)
        box.setSpacing(0)
        self.timer_digits = QLabel("", objectName="digits")
        self.timer_of = QLabel("", objectName="of")
        self.timer_words = QLabel("", objectName="words")
        self.timer_words.setWordWrap(True)
        for label in (self.timer_digits, self.timer_of, self.timer_words):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.addWidget(label)
        row.addWidget(self.timer_box, 0, Qt.AlignmentFlag.AlignTop)
        return row

    def _button(self, text: str, slot: object, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        button.setMinimumHeight(38)
        return button

    def _build_controls(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self.start_button = self._button(
            "", self.model.toggle, self.tr("Start, pause or resume the step (Space, Alt+Space)"))
        self.start_button.setObjectName("primary")
        self.prev_button = self._button(self.tr("◀ Previous  ←"), self.model.previous,
                                        self.tr("Back to the step before (←, Alt+←)"))
        self.next_button = self._button(self.tr("Next ▶  →"), self.model.next,
                                        self.tr("End this step, start the next (→, Alt+→)"))
        self.skip_button = self._button(self.tr("Skip step"), self.model.skip,
                                        self.tr("Mark this step skipped and move on"))
        self.plus1_button = self._button(self.tr("+1 min  +"), lambda: self.model.add_minutes(1),
                                         self.tr("Give this step one more minute (+)"))
        self.plus5_button = self._button(self.tr("+5 min"), lambda: self.model.add_minutes(5),
                                         self.tr("Give this step five more minutes"))
        self.blank_button = self._button(self.tr("Blank audience  B"), self.toggle_blank,
                                         self.tr("Blank the projector, or show it again "
                                                 "(B, Alt+B)"))
        self.blank_button.setCheckable(True)
        self.results_button = self._button(self.tr("Show results"), self._toggle_results,
                                           self.tr("Show the vote results on the projector"))
        self.results_button.setCheckable(True)
        # place(screens=None) must not be handed clicked()'s checked flag as its screens.
        self.audience_button = self._button(self.tr("Audience window"),
                                            lambda: self.audience.place(),
                                            self.tr("Put the audience window on the "
                                                    "projector (or show it again)"))
        for button in (self.start_button, self.prev_button, self.next_button,
                       self.skip_button, self.plus1_button, self.plus5_button):
            row.addWidget(button)
        row.addStretch(1)
        for button in (self.results_button, self.blank_button, self.audience_button):
            row.addWidget(button)
        return row

    def _build_lower(self) -> QWidget:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(6)
        left_layout.addWidget(QLabel(self.tr("The day"), objectName="section"))
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("agenda")
        self.table.setHorizontalHeaderLabels(
            ["", self.tr("Step"), self.tr("Plan"), self.tr("Actual"), self.tr("Starts")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setToolTip(self.tr("Double-click a step to go to it"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellDoubleClicked.connect(lambda row, _col: self.model.jump(row))
        left_layout.addWidget(self.table, 1)
        self.day_summary = QLabel("", objectName="meta")
        self.day_summary.setWordWrap(True)
        left_layout.addWidget(self.day_summary)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(6)
        preview_head = QHBoxLayout()
        preview_head.addWidget(QLabel(self.tr("What the room sees"), objectName="section"))
        self.preview_state = QLabel("", objectName="blankBadge")
        preview_head.addWidget(self.preview_state)
        preview_head.addStretch(1)
        right_layout.addLayout(preview_head)
        self.preview = AudienceView(self.pack, preview=True)
        self.preview_frame = PreviewFrame(self.preview)
        right_layout.addWidget(self.preview_frame, 3)
        self.notes_box = QLabel("", objectName="notesBox")
        self.notes_box.setWordWrap(True)
        self.notes_box.setTextFormat(Qt.TextFormat.PlainText)
        self.notes_box.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        right_layout.addWidget(self.notes_box)
        self.note_counts_label = QLabel("", objectName="counts")
        self.note_counts_label.setWordWrap(True)
        right_layout.addWidget(self.note_counts_label)

        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 6)
        splitter.setStretchFactor(1, 5)
        return splitter

    def _apply_style(self) -> None:
        self.setStyleSheet(f"""
            #header {{ background: {HEADER}; }}
            #header QLabel {{ color: #FFFFFF; font-size: 15px; }}
            #header QLabel#place {{ font-weight: bold; }}
            #header QLabel#day {{ font-weight: bold; padding: 3px 10px; border-radius: 4px; }}
            QLabel#rehearsal {{ background: {ORANGE}; color: #000000; font-weight: bold;
                                padding: 3px 10px; border-radius: 4px; }}
            QLabel#tag {{ color: #5A6472; font-weight: bold; font-size: 13px;
                          letter-spacing: 1px; padding-top: 6px; }}
            QLabel#nowTitle {{ font-size: 24px; font-weight: bold; color: #111; }}
            QLabel#meta {{ color: #4A5360; font-size: 13px; }}
            QLabel#prompt {{ font-size: 17px; font-style: italic; color: #1F2933; }}
            QLabel#next {{ font-size: 16px; color: #1F2933; padding-top: 4px; }}
            QFrame#timerBox {{ border-radius: 10px; }}
            QLabel#digits {{ font-size: 64px; font-weight: bold; }}
            QLabel#of {{ font-size: 15px; }}
            QLabel#words {{ font-size: 15px; font-weight: bold; }}
            QPushButton {{ font-size: 14px; padding: 4px 12px; }}
            QPushButton#primary {{ font-weight: bold; min-width: 150px; }}
            QPushButton:checked {{ background: #000000; color: #FFFFFF; }}
            QLabel#section {{ font-weight: bold; font-size: 14px; color: #1F2933; }}
            QLabel#blankBadge {{ background: #000000; color: #FFFFFF; font-weight: bold;
                                 padding: 1px 8px; border-radius: 3px; }}
            QLabel#notesBox {{ background: #FFF8E1; border-left: 5px solid {ORANGE};
                               padding: 8px; font-size: 14px; color: #1F2933; }}
            QLabel#counts {{ font-size: 15px; color: #1F2933; }}
            QTableWidget#agenda {{ font-size: 14px; }}
        """)
