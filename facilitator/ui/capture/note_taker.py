"""Note-taker mode for a table laptop: only the capture panel, and a compact
"now discussing" step selector in place of the console.

A table laptop runs no agenda of its own: the note-taker follows the day with
previous/next, starting from the planned schedule (the first step, or where they
were when the app last closed), and attribution follows the step chosen.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from facilitator.core.pack import AgendaStep
from facilitator.core.store import Store
from facilitator.ui.capture.capture import CapturePanel

STEP_KEY = "note_taker_step:{site}:{workshop}"  # local setting: the step being discussed


def step_text(step: AgendaStep) -> str:
    if not step.minutes:
        return step.title
    return QCoreApplication.translate("StepSelector", "{title}  ({minutes} min)").format(
        title=step.title, minutes=f"{step.minutes:g}")


class StepSelector(QFrame):
    """"Now discussing": previous / next and a drop-down of the day's steps.

    Signals: step_changed(int) — the note-taker moved to this step index.
    """

    step_changed = Signal(int)

    def __init__(self, steps: Sequence[AgendaStep], index: int = 0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("step_selector")
        self.steps = tuple(steps)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.setSpacing(8)
        row.addWidget(QLabel(self.tr("Now discussing"), objectName="tag"))
        self.prev_button = QPushButton(self.tr("◀ Previous"))
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.combo = QComboBox()
        for i, step in enumerate(self.steps):
            self.combo.addItem(f"{i + 1}. {step_text(step)}", i)
        for widget in (self.prev_button, self.next_button, self.combo):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the capture box keeps the keys
        self.prev_button.setToolTip(self.tr("The step before (Alt+Page Up)"))
        self.next_button.setToolTip(self.tr("The next step (Alt+Page Down)"))
        self.prev_button.setShortcut("Alt+PgUp")
        self.next_button.setShortcut("Alt+PgDown")
        self.prev_button.clicked.connect(lambda: self.set_index(self.index - 1))
        self.next_button.clicked.connect(lambda: self.set_index(self.index + 1))
        self.combo.activated.connect(lambda i: self.set_index(int(i)))
        row.addWidget(self.prev_button)
        row.addWidget(self.combo, 1)
        row.addWidget(self.next_button)
        self.index = -1
        self.setStyleSheet("""
            QFrame#step_selector { background: #1F2933; }
            QFrame#step_selector QLabel#tag { color: #FFFFFF; font-weight: bold;
                                              letter-spacing: 1px; }
            QFrame#step_selector QComboBox { font-size: 15px; padding: 3px 8px; }
            QFrame#step_selector QPushButton { font-size: 14px; padding: 3px 10px; }
        """)
        self.set_index(index, announce=False)

    def set_index(self, index: int, announce: bool = True) -> None:
        if not self.steps:
            return
        index = max(0, min(index, len(self.steps) - 1))
        changed = index != self.index
        self.index = index
        self.combo.setCurrentIndex(index)
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(self.steps) - 1)
        if changed and announce:
            self.step_changed.emit(index)


class NoteTakerPanel(QWidget):
    """The whole window on a table laptop: step selector above the capture panel."""

    def __init__(self, store: Store, capture: CapturePanel,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.capture = capture
        self.key = STEP_KEY.format(site=capture.site.id, workshop=capture.workshop.number)
        saved = store.get_setting(self.key, "0") or "0"
        start = int(saved) if saved.isdigit() else 0
        self.selector = StepSelector(capture.steps, start)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.selector)
        layout.addWidget(capture, 1)
        self.selector.step_changed.connect(self._step_changed)
        capture.follow_step(self.selector.index if capture.steps else None)
        self.setFocusProxy(capture.edit)

    def _step_changed(self, index: int) -> None:
        self.store.set_setting(self.key, str(index))
        self.capture.follow_step(index)
        self.capture.focus_text()
