"""The one video player the app talks to, whatever plays underneath.

``Player()`` picks VLC when libvlc works (probed in a subprocess first), else
QtMultimedia, else a null backend whose ``reason`` says in plain words why there is
no video; the workshop carries on either way.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from facilitator.media import detect
from facilitator.media.backend import (
    ENDED,
    ERROR,
    IDLE,
    LOADING,
    PAUSED,
    PLAYING,
    STATES,
    STOPPED,
    UNAVAILABLE,
    BackendError,
    PlayerBackend,
    )
from facilitator.media.unavailable import UnavailableBackend

SKIP_SECONDS = 10.0


def make_backend(name: str, reason: str = "") -> tuple[PlayerBackend, str]:
    """The named backend, or the next one down if it cannot start: (backend, reason)."""
    if name == "vlc":
        try:
            from facilitator.media.vlc_backend import VlcBackend

            return VlcBackend(), ""
        except (BackendError, NameError, OSError) as exc:
            reason = str(exc) or reason
            name = "qt" if detect.qt_multimedia_available()[0] else "none"
    if name == "qt":
        try:
            from facilitator.media.qt_backend import QtBackend

            return QtBackend(), reason
        except ImportError as exc:
            reason = reason or str(exc)
    return UnavailableBackend(reason), reason


class Player(QObject):
    """Video playback facade.

    Signals:
        state_changed(str): idle, loading, playing, paused, stopped, ended, error,
            unavailable
        position_changed(float): seconds into the video
        duration_changed(float): the video's length in seconds
        ended(): the video played to its end
        error(str): a plain-words message naming the file
        available_changed(bool): whether any video can be shown
        backend_changed(str): a different backend took over (surfaces rebuild their view)
        subtitles_available_changed(bool): whether the loaded video has subtitles
    """

    state_changed = Signal(str)
    position_changed = Signal(float)
    duration_changed = Signal(float)
    ended = Signal()
    error = Signal(str)
    available_changed = Signal(bool)
    backend_changed = Signal(str)
    subtitles_available_changed = Signal(bool)

    def __init__(self, backend: str | None = None, parent: QObject | None = None, *,
                 choice: detect.BackendChoice | None = None) -> None:
        """``choice``: what ``detect.choose_backend()`` said (found off the GUI thread:
        it starts a child process); without it and without ``backend``, asked here."""
        super().__init__(parent)
        if backend is None:
            choice = choice or detect.choose_backend()
            backend, reason = choice.name, choice.reason
        else:
            reason = ""
            if backend == "vlc" and not detect.detect_vlc().ok:
                reason = detect.detect_vlc().reason
                backend = "qt" if detect.qt_multimedia_available()[0] else "none"
        self._backend, self._reason = make_backend(backend, reason)
        self._state = UNAVAILABLE if self._backend.name == "none" else IDLE
        self._position = 0.0
        self._duration = 0.0
        self._volume = 100
        self._muted = False
        self._subtitles_enabled = True
        self._path: Path | None = None
        self._subtitles: Path | None = None
        self._connect(self._backend)

    def switch_backend(self, name: str) -> None:
        """Use another backend ("vlc", "qt" or "none"), e.g. after VLC failed mid-workshop."""
        was_available = self.available
        self._backend.close()
        for signal in (self._backend.state_changed, self._backend.position_changed,
                       self._backend.duration_changed, self._backend.ended,
                       self._backend.error):
            signal.disconnect()
        self._backend.deleteLater()
        self._backend, self._reason = make_backend(name, self._reason)
        self._connect(self._backend)
        self._on_state(UNAVAILABLE if self._backend.name == "none" else IDLE)
        if self._path is not None:
            self.load(self._path, self._subtitles, self._duration)
        self.backend_changed.emit(self._backend.name)
        if was_available != self.available:
            self.available_changed.emit(self.available)

    def _connect(self, backend: PlayerBackend) -> None:
        backend.state_changed.connect(self._on_state)
        backend.position_changed.connect(self._on_position)
        backend.duration_changed.connect(self._on_duration)
        backend.ended.connect(self.ended)
        backend.error.connect(self.error)

    def _on_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    def _on_position(self, seconds: float) -> None:
        self._position = seconds
        self.position_changed.emit(seconds)

    def _on_duration(self, seconds: float) -> None:
        if seconds != self._duration:
            self._duration = seconds
            self.duration_changed.emit(seconds)

    # -- what it is ----------------------------------------------------------------------

    @property
    def available(self) -> bool:
        return self._backend.name != "none"

    @property
    def reason(self) -> str:
        """Why there is no video (or why VLC is not the one playing); "" when VLC plays."""
        return self._reason

    @property
    def backend(self) -> PlayerBackend:
        return self._backend

    @property
    def backend_name(self) -> str:
        return self._backend.name

    @property
    def output_kind(self) -> str:
        """What the surface must hand to set_video_output: native, qvideowidget or none."""
        return self._backend.output_kind

    @property
    def state(self) -> str:
        return self._state

    @property
    def position(self) -> float:
        return self._position

    @property
    def duration(self) -> float:
        return self._duration

    @property
    def volume(self) -> int:
        return self._volume

    @property
    def muted(self) -> bool:
        return self._muted

    @property
    def subtitles_enabled(self) -> bool:
        return self._subtitles_enabled

    @property
    def has_subtitles(self) -> bool:
        return self._subtitles is not None

    @property
    def path(self) -> Path | None:
        return self._path

    # -- what it does --------------------------------------------------------------------

    def set_video_output(self, widget: QWidget | None) -> None:
        self._backend.set_video_output(widget)

    def load(self, path: str | Path, subtitles: Path | None = None,
             duration: float = 0.0) -> None:
        """Load a video (stopping any other); ``duration`` from the manifest until the
        backend reports its own."""
        had = self.has_subtitles
        self._path = Path(path)
        self._subtitles = Path(subtitles) if subtitles else None
        self._position = 0.0
        self._on_duration(duration)
        self._backend.load(self._path, self._subtitles)
        self._backend.set_volume(self._volume)
        self._backend.set_muted(self._muted)
        self._backend.set_subtitles_enabled(self._subtitles_enabled)
        if had != self.has_subtitles or self._subtitles is not None:
            self.subtitles_available_changed.emit(self.has_subtitles)

    def play(self) -> None:
        self._backend.play()

    def pause(self) -> None:
        self._backend.pause()

    def toggle(self) -> None:
        if self._state == PLAYING:
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        self._backend.stop()

    def seek(self, seconds: float) -> None:
        upper = self._duration if self._duration else max(seconds, 0.0)
        target = min(max(0.0, seconds), upper)
        if self._state in (ENDED, ERROR) and target < upper:
            self._backend.play()  # back into the video from its end
        self._backend.seek(target)
        if self._state not in (PLAYING, PAUSED):
            self._on_position(target)

    def skip(self, delta: float) -> None:
        self.seek(self.current_position() + delta)

    def restart(self) -> None:
        if self._state in (PLAYING, PAUSED):
            self._backend.seek(0.0)
            self._on_position(0.0)
            self._backend.play()
        else:
            self._backend.stop()
            self._on_position(0.0)
            self._backend.play()

    def current_position(self) -> float:
        """Asks the backend now, rather than the last position_changed."""
        if self._state in (PLAYING, PAUSED):
            return self._backend.position()
        return self._position

    def set_volume(self, volume: int) -> None:
        self._volume = max(0, min(100, int(volume)))
        self._backend.set_volume(self._volume)

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)
        self._backend.set_muted(self._muted)

    def set_subtitles_enabled(self, enabled: bool) -> None:
        self._subtitles_enabled = bool(enabled)
        self._backend.set_subtitles_enabled(self._subtitles_enabled)

    def set_rate(self, rate: float) -> None:
        """Playback speed (1.0 normal); tests and benchmarks play faster."""
        self._backend.set_rate(rate)

    def close(self) -> None:
        """Release the backend's native resources (call before the app quits)."""
        self._backend.close()
        self._state = IDLE


__all__ = ["ENDED", "ERROR", "IDLE", "LOADING", "PAUSED", "PLAYING", "STATES", "STOPPED",
           "UNAVAILABLE", "Player"]
