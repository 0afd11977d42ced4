"""What every video backend offers the Player facade.

Signals: state_changed(str), position_changed(float seconds), duration_changed(float
seconds), ended(), error(str). Backends emit them on the GUI thread only.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QWidget

IDLE = "idle"  # nothing loaded
LOADING = "loading"
PLAYING = "playing"
PAUSED = "paused"
STOPPED = "stopped"
ENDED = "ended"
ERROR = "error"
UNAVAILABLE = "unavailable"
STATES = (IDLE, LOADING, PLAYING, PAUSED, STOPPED, ENDED, ERROR, UNAVAILABLE)


def tr(text: str) -> str:
    return QCoreApplication.translate("Media", text)


class BackendError(Exception):
    """A backend could not start; the message is for the user, in plain words."""


class PlayerBackend(QObject):
    """Base class and contract. Signals: state_changed, position_changed,
    duration_changed, ended, error."""

    state_changed = Signal(str)
    position_changed = Signal(float)
    duration_changed = Signal(float)
    ended = Signal()
    error = Signal(str)

    name = "none"
    # Which widget the surface must give set_video_output: "native" or "qvideowidget".
    output_kind = "none"

    def load(self, path: Path, subtitles: Path | None) -> None:
        raise NotImplementedError

    def play(self) -> None:
        raise NotImplementedError

    def pause(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def seek(self, seconds: float) -> None:
        raise NotImplementedError

    def position(self) -> float:
        raise NotImplementedError

    def set_volume(self, volume: int) -> None:
        raise NotImplementedError

    def set_muted(self, muted: bool) -> None:
        raise NotImplementedError

    def set_subtitles_enabled(self, enabled: bool) -> None:
        raise NotImplementedError

    def set_rate(self, rate: float) -> None:
        raise NotImplementedError

    def set_video_output(self, widget: QWidget | None) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Release native resources; the backend is not used afterwards."""
