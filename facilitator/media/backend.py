"""What every video backend offers the Player facade.

Signals: state_changed(str), position_changed(float seconds), duration_changed(float
seconds), ended(), error(str). Backends emit them on the GUI thread only.
"""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal, SignalInstance
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


class _Probe(QObject):
    fired = Signal()


def _emit_steals_a_bool() -> bool:
    """PySide6 6.12's SignalInstance.emit() returns True without a reference of its own.

    On Python 3.11 (bools are not immortal) every emit then drops True's refcount by
    one until the interpreter aborts ("Fatal Python error: bool_dealloc") — after a few
    hundred emits, i.e. a few minutes of video position updates.
    """
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.fired.emit()
    return sys.getrefcount(True) <= before - 8


_EMIT_STEALS_A_BOOL = _emit_steals_a_bool()


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, giving back the reference PySide6 6.12 takes (see above)."""
    result = signal.emit(*args)
    if _EMIT_STEALS_A_BOOL and isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))


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
