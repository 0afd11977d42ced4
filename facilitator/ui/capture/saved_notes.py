"""The saved list under the capture box: the last notes with a tick once durable, and
their edit, delete, undo and redo. A part of CapturePanel.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidgetItem

from facilitator.core import notes
from facilitator.core.errors import FacilitatorError
from facilitator.core.notes import NoteFilter, Participant
from facilitator.core.records import Record
from facilitator.ui.capture.capture_edit import KIND_BACKGROUND, RECENT, _NoteCommand, note_line
from facilitator.ui.capture.notes_view import local_time


class SavedNotes:
    """The saved list and its edits (a part of CapturePanel, not a widget)."""

    store: Any
    pack: Any
    site: Any
    workshop: Any
    slot: str
    kind: str
    selected: list[str]
    editing: str | None
    undo_stack: Any


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
