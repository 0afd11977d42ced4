"""The capture box itself, the undoable edit of a saved note, and a saved note's line."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QUndoCommand
from PySide6.QtWidgets import QPlainTextEdit

from facilitator.core import notes
from facilitator.core.records import Record

DRAFT_MS = 500  # a draft is written at most this long after the last keystroke
RECENT = 8
SLOT = "capture"
ORANGE = "#E69F00"
SKY = "#56B4E9"
BLUE = "#0072B2"
GREEN = "#009E73"
INK = "#1F2933"
KIND_BACKGROUND = {"quote": "#FFF3D6", "advice": "#DDF3EA"}  # with words too: never colour alone


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

    def __init__(self, panel: Any, note_id: str, before: dict[str, Any],
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
