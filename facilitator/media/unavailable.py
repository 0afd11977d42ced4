"""The null backend: no video player works here; the workshop carries on without video."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from facilitator.media.backend import UNAVAILABLE, PlayerBackend


class UnavailableBackend(PlayerBackend):
    """Does nothing, says why. Signals as PlayerBackend (never emitted)."""

    name = "none"
    output_kind = "none"

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason
        self.state = UNAVAILABLE

    def load(self, path: Path, subtitles: Path | None) -> None:
        pass

    def play(self) -> None:
        pass

    def pause(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def seek(self, seconds: float) -> None:
        pass

    def position(self) -> float:
        return 0.0

    def set_volume(self, volume: int) -> None:
        pass

    def set_muted(self, muted: bool) -> None:
        pass

    def set_subtitles_enabled(self, enabled: bool) -> None:
        pass

    def set_rate(self, rate: float) -> None:
        pass

    def set_video_output(self, widget: QWidget | None) -> None:
        pass
