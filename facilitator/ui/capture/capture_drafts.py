"""Drafts: what is being typed is kept at most DRAFT_MS behind the keyboard and offered
back after a crash. A part of CapturePanel.
"""

from __future__ import annotations

from typing import Any

from facilitator.core import notes
from facilitator.core.errors import FacilitatorError
from facilitator.ui.capture.notes_view import local_time


class CaptureDrafts:
    """Keeps and recovers the draft (a part of CapturePanel, not a widget)."""

    store: Any
    pack: Any
    site: Any
    workshop: Any
    slot: str
    kind: str
    selected: list[str]
    editing: str | None
    undo_stack: Any


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
