"""Ties the agenda to the video player: a video step plays while the day runs.

Entering a video step while the agenda runs starts its video on the audience
window; pausing the agenda pauses the video; leaving the step stops it and records
the play; when a video ends on a step set to auto-advance, the agenda moves on.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from facilitator.media.player import Player
from facilitator.ui.console.runner_model import RunnerModel
from facilitator.ui.console.video import VideoStepController


class VideoAgendaLink(QObject):
    """Follows a RunnerModel and drives a VideoStepController (no signals of its own)."""

    def __init__(self, model: RunnerModel, controller: VideoStepController,
                 player: Player, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.controller = controller
        self.player = player
        model.step_changed.connect(self._sync)
        model.state_changed.connect(self._sync)
        controller.auto_advance_requested.connect(self._auto_advance)
        self._sync()

    @Slot()
    def _sync(self, *_: object) -> None:
        status = self.model.status
        step = status.step
        shown = self.controller.step.id if self.controller.step is not None else None
        is_video = step is not None and step.kind == "video" and bool(step.video)
        if not is_video or status.state not in ("running", "paused"):
            if shown is not None:
                self.controller.show_step(None)
            return
        assert step is not None
        if status.state == "paused":
            if shown == step.id and self.player.state == "playing":
                self.player.pause()
        elif shown != step.id:
            self.controller.show_step(step, status.next_step.title if status.next_step else "")
        elif self.player.state == "paused":
            self.player.play()

    @Slot(str)
    def _auto_advance(self, step_id: str) -> None:
        step = self.model.status.step
        if step is not None and step.id == step_id and self.model.status.state == "running":
            self.model.next()

    def shut_down(self) -> None:
        self.controller.close()
        self.player.close()
