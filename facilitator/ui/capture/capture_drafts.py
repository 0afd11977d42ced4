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
    kind_chosen: bool
    table_id: str | None
    tables: Any
    steps: Any
    step_override: int | None
    use_case_override: Any

    def _text_changed(self) -> None:
        if self.editing is None and not self.draft_timer.isActive():
            self.draft_timer.start()  # not restarted per key: at most DRAFT_MS behind

    def draft_state(self) -> dict[str, Any]:
        return {"kind": self.kind, "themes": list(self.selected),
                "participant": self.participant_edit.text().strip(),
                "step": self.current_step.id if self.current_step else None,
                "use_case": self.use_case, "table": self.table_id}

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
        # Everything the text was typed under comes back with it: kind, table, themes,
        # participant (and the step or use case, if the agenda has moved on since).
        table = state.get("table")
        if isinstance(table, str) and any(t.id == table for t in self.tables):
            self.table_id = table
        step = state.get("step")
        index = next((i for i, s in enumerate(self.steps) if s.id == step), None)
        if index is not None and self.current_step is not None and \
                self.current_step.id != step:
            self.step_override = index
        use_case = state.get("use_case")
        if "use_case" in state and use_case != self.use_case and (
                use_case is None or any(u.id == use_case for u in self.pack.use_cases)):
            self.use_case_override = (use_case,)
        if state.get("kind") in notes.KINDS:
            self.kind_chosen = True
            self.set_kind(str(state["kind"]))
        self.selected = [str(t) for t in state.get("themes", []) if isinstance(t, str)]
        self._attribution_changed()
        self.participant_edit.blockSignals(True)
        self.participant_edit.setText(str(state.get("participant") or ""))
        self.participant_edit.blockSignals(False)
        self._update_consent()
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
