"""Asks, once per value no spelling rule knows, which category a roster value means.

The roster import shows it before importing: one row per distinct unknown value with
how many rows it affects; the answers go to ``roster.import_roster(mappings=…)``,
which remembers them for the next import.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from facilitator.core.pack import NOT_RECORDED, SessionPack
from facilitator.core.roster import UnknownValue

MAX_LINES_SHOWN = 8


class ValueMapDialog(QDialog):
    """One question per unknown value; Import stays disabled until all are answered.

    Signals: the QDialog's accepted() / rejected().
    """

    def __init__(self, pack: SessionPack, unknowns: Sequence[UnknownValue], file_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pack = pack
        self.unknowns = list(unknowns)
        self.setObjectName("value_map_dialog")
        self.setWindowTitle(self.tr("Values Facilitator does not know"))
        self.combos: list[QComboBox] = []

        intro = QLabel(self.tr(
            "{file} uses {count} value(s) that match no category. Say what each one means; "
            "Facilitator remembers your answers for the next import. Choose “not recorded” "
            "if it should not count as any category.").format(file=file_name,
                                                               count=len(self.unknowns)))
        intro.setWordWrap(True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(10)
        for column, text in enumerate((self.tr("Question"), self.tr("Value in the file"),
                                       self.tr("Rows"), self.tr("Means"))):
            head = QLabel(text)
            font = head.font()
            font.setBold(True)
            head.setFont(font)
            grid.addWidget(head, 0, column)
        for row, unknown in enumerate(self.unknowns, start=1):
            variable = pack.variable(unknown.variable)
            question = QLabel(self.tr(variable.label))
            value = QLabel(self.tr("“{value}”").format(value=unknown.value))
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            lines = ", ".join(str(n) for n in unknown.lines[:MAX_LINES_SHOWN])
            if len(unknown.lines) > MAX_LINES_SHOWN:
                lines += ", …"
            rows = QLabel(self.tr("{n} row(s): line {lines}").format(n=unknown.rows,
                                                                     lines=lines))
            combo = QComboBox()
            combo.setObjectName(f"map_{unknown.variable}_{row}")
            combo.setAccessibleName(self.tr("{variable}: what “{value}” means").format(
                variable=variable.label, value=unknown.value))
            combo.addItem(self.tr("— choose —"), None)
            for category in variable.categories:
                combo.addItem(category, category)
            combo.addItem(self.tr("not recorded"), NOT_RECORDED)
            combo.currentIndexChanged.connect(self._update)
            question.setBuddy(combo)
            self.combos.append(combo)
            grid.addWidget(question, row, 0)
            grid.addWidget(value, row, 1)
            grid.addWidget(rows, row, 2)
            grid.addWidget(combo, row, 3)
        holder = QWidget()
        holder.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        self.status = QLabel()
        self.status.setObjectName("value_map_status")
        self.buttons = QDialogButtonBox()
        self.import_button = QPushButton(self.tr("&Import with these answers"))
        self.import_button.setDefault(True)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(820, min(640, 220 + 44 * len(self.unknowns)))
        self._update()
        if self.combos:
            self.combos[0].setFocus()

    def _update(self, *_args: object) -> None:
        left = sum(1 for combo in self.combos if combo.currentData() is None)
        self.import_button.setEnabled(left == 0)
        self.status.setText(self.tr("All answered.") if left == 0 else
                            self.tr("{n} still to answer before importing.").format(n=left))

    def mappings(self) -> dict[tuple[str, str], str]:
        """{(variable, value as typed): category} for ``import_roster(mappings=…)``."""
        return {(unknown.variable, unknown.value): str(combo.currentData())
                for unknown, combo in zip(self.unknowns, self.combos, strict=True)
                if combo.currentData() is not None}
