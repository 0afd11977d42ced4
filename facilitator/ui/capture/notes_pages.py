"""One owner for the notes pieces of a workshop day: capture, notes view, advice view.

Built by the composition root once the day is known (after the first paint on the
console laptop; at once on a table laptop in note-taker mode) and torn down with the
day, flushing the draft being typed first.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QCoreApplication

from facilitator.core import venue
from facilitator.core.pack import SessionPack
from facilitator.core.store import Store
from facilitator.ui.advice.advice_view import AdviceView
from facilitator.ui.capture.capture import CapturePanel
from facilitator.ui.capture.note_taker import NoteTakerPanel
from facilitator.ui.capture.notes_view import NotesView


def tr(text: str) -> str:
    return QCoreApplication.translate("NotesPages", text)


class NotesPages:
    """Builds the pages into ``window`` (a MainWindow) and follows ``runner`` if given."""

    def __init__(self, store: Store, pack: SessionPack, site_id: str, workshop: int,
                 changes: Any, window: Any, *, runner: Any = None,
                 note_taker: bool = False) -> None:
        self.store = store
        self.runner = runner
        laptop = venue.laptop(store)
        steps = pack.workshop(workshop).steps
        self.capture = CapturePanel(store, pack, site_id, workshop, steps=steps,
                                    tables=venue.tables(store, site_id),
                                    table_id=laptop.table_id, changes=changes)
        self.note_taker: NoteTakerPanel | None = None
        if note_taker:
            self.note_taker = NoteTakerPanel(store, self.capture)
            window.set_note_taker(self.note_taker)
            self.notes_view = None
            self.advice_view = None
            return
        if runner is not None:
            runner.step_changed.connect(self.capture.follow_step)
            self.capture.follow_step(runner.runner.current_index)
        self.notes_view = NotesView(store, pack, site_id, None, changes)
        self.advice_view = AdviceView(store, pack, site_id, changes)
        window.add_page("capture", self.capture, tr("Capture notes"), position=1)
        window.add_page("notes", self.notes_view, tr("Notes"), position=2)
        window.add_page("advice", self.advice_view, tr("Advice"), position=3)

    def shut_down(self) -> None:
        if self.runner is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self.runner.step_changed.disconnect(self.capture.follow_step)
        self.capture.save_draft_now()  # reports its own problems; never raises
        self.capture.draft_timer.stop()
