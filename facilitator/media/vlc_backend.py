"""VLC through python-vlc, drawing into a native Qt widget.

libvlc calls its event callbacks on its own threads. Those callbacks only emit a Qt
signal (queued to the GUI thread) and the GUI thread acts on it, so nothing calls back
into libvlc from inside a VLC callback (that deadlocks). libvlc's stop() can block for
seconds (measured: 6 s after the subtitle track was switched), so it runs on a worker
thread of its own rather than freezing the console.
Import this module only after ``detect.detect_vlc()`` said libvlc works.
"""

from __future__ import annotations

import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

from facilitator.media import detect
from facilitator.media.backend import (
    ENDED,
    ERROR,
    IDLE,
    LOADING,
    PAUSED,
    PLAYING,
    STOPPED,
    BackendError,
    PlayerBackend,
    tr,
)

POSITION_INTERVAL_MS = 200

# libvlc event name -> what the GUI thread does with it.
_EVENTS = {
    "MediaPlayerOpening": "opening",
    "MediaPlayerPlaying": "playing",
    "MediaPlayerPaused": "paused",
    "MediaPlayerStopped": "stopped",
    "MediaPlayerEndReached": "ended",
    "MediaPlayerEncounteredError": "error",
    "MediaPlayerLengthChanged": "length",
    "MediaPlayerESAdded": "es_added",
}


class VlcBackend(PlayerBackend):
    """libvlc player. Signals as PlayerBackend; ``_vlc_event`` carries libvlc events
    (kind, generation) from VLC's threads to the GUI thread."""

    name = "vlc"
    output_kind = "native"
    _vlc_event = Signal(str, int)

    def __init__(self, args: list[str] | None = None) -> None:
        super().__init__()
        import vlc  # only after detection: a failed import can exit the process

        self._vlc: Any = vlc
        self._instance: Any = vlc.Instance(args if args is not None else detect.vlc_args())
        if self._instance is None:
            raise BackendError(tr("VLC is installed but its plugins are missing — reinstall "
                                  "VLC from videolan.org, or skip this step"))
        self._player: Any = self._instance.media_player_new()
        self._media: Any = None
        self._path: Path | None = None
        self._subtitles: Path | None = None
        self._widget: QWidget | None = None
        self._bound_window: int | None = None
        self._headless = detect.headless()
        self._generation = 0
        self._state = IDLE
        self._duration = 0.0
        self._volume = 100
        self._muted = False
        self._subtitles_enabled = True
        self._rate = 1.0
        self._pending_seek: float | None = None
        self._pause_on_playing = False
        self._stopper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vlc-stop")
        self._stopping: Future[None] | None = None
        self._vlc_event.connect(self._on_vlc_event, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setInterval(POSITION_INTERVAL_MS)
        self._timer.timeout.connect(self._poll_position)
        manager = self._player.event_manager()
        for event_name, kind in _EVENTS.items():
            manager.event_attach(getattr(vlc.EventType, event_name), self._callback, kind)

    # -- VLC thread ------------------------------------------------------------------------

    def _callback(self, _event: Any, kind: str) -> None:
        # On a libvlc thread: only hand the event to the GUI thread.
        self._vlc_event.emit(kind, self._generation)

    # -- GUI thread ------------------------------------------------------------------------

    @Slot(str, int)
    def _on_vlc_event(self, kind: str, generation: int) -> None:
        if generation != self._generation or self._player is None:
            return  # from a media we have since replaced or stopped
        if kind == "opening":
            self._set_state(LOADING)
        elif kind == "playing":
            self._apply_settings()
            if self._pending_seek is not None:
                self._player.set_time(int(self._pending_seek * 1000))
                self._pending_seek = None
            self._timer.start()
            self._set_state(PLAYING)
            if self._pause_on_playing:
                self._pause_on_playing = False
                self._player.set_pause(1)
        elif kind == "paused":
            self._timer.stop()
            self._poll_position()
            self._set_state(PAUSED)
        elif kind == "stopped":
            if self._state not in (ENDED, ERROR):  # libvlc 3 sends Stopped after EndReached
                self._timer.stop()
                self._set_state(STOPPED)
        elif kind == "ended":
            self._timer.stop()
            if not self._decoded_anything():
                # libvlc "plays" some non-video files to an instant end: that is an error.
                self._on_vlc_event("error", generation)
                return
            if self._duration:
                self.position_changed.emit(self._duration)
            self._set_state(ENDED)
            self.ended.emit()
        elif kind == "error":
            self._timer.stop()
            self._set_state(ERROR)
            name = self._path.name if self._path else ""
            self.error.emit(tr("This video could not be played: {file}").format(file=name))
        elif kind == "length":
            self._set_duration(self._player.get_length() / 1000)
        elif kind == "es_added":
            self._apply_subtitles()

    def _decoded_anything(self) -> bool:
        stats = self._vlc.MediaStats()
        if self._media is None or not self._media.get_stats(stats):
            return True  # no statistics: do not call it an error
        return bool(stats.decoded_video or stats.decoded_audio)

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    def _set_duration(self, seconds: float) -> None:
        if seconds > 0 and abs(seconds - self._duration) > 1e-3:
            self._duration = seconds
            self.duration_changed.emit(seconds)

    def _poll_position(self) -> None:
        if self._player is None:
            return
        ms = self._player.get_time()
        if ms >= 0:
            self.position_changed.emit(ms / 1000)

    def _apply_settings(self) -> None:
        self._player.set_rate(self._rate)
        self._player.audio_set_volume(self._volume)
        self._player.audio_set_mute(self._muted)
        self._apply_subtitles()

    def _apply_subtitles(self) -> None:
        if self._player is None or self._subtitles is None:
            return
        if not self._subtitles_enabled:
            if self._player.video_get_spu() != -1:
                self._player.video_set_spu(-1)
            return
        tracks = [t for t, _name in (self._player.video_get_spu_description() or []) if t != -1]
        if tracks and self._player.video_get_spu() not in tracks:
            self._player.video_set_spu(tracks[-1])

    def _bind_window(self) -> None:
        """Give libvlc the native window to draw in (its id can change on reparenting)."""
        if self._widget is None or self._headless:
            return
        window = int(self._widget.winId())
        if window == self._bound_window:
            return
        self._bound_window = window
        if sys.platform.startswith("win"):
            self._player.set_hwnd(window)
        elif sys.platform == "darwin":
            self._player.set_nsobject(window)
        else:
            self._player.set_xwindow(window)

    # -- the contract ----------------------------------------------------------------------

    def _stop_player(self) -> None:
        """libvlc stop() off the GUI thread (it joins libvlc's input thread)."""
        self._wait_stopped()
        self._stopping = self._stopper.submit(self._player.stop)

    def _wait_stopped(self) -> None:
        if self._stopping is not None:
            self._stopping.result()
            self._stopping = None

    def load(self, path: Path, subtitles: Path | None) -> None:
        self.stop()
        self._wait_stopped()
        self._generation += 1
        vlc = self._vlc
        self._path = Path(path)
        self._subtitles = subtitles
        media = self._instance.media_new_path(str(self._path))
        if subtitles is not None:
            media.slaves_add(vlc.MediaSlaveType.subtitle, 4, Path(subtitles).resolve().as_uri())
        self._player.set_media(media)
        if self._media is not None:
            self._media.release()
        self._media = media
        self._duration = 0.0
        self._pending_seek = None
        self._set_state(STOPPED)
        self.position_changed.emit(0.0)

    def play(self) -> None:
        if self._media is None:
            return
        if self._state == PAUSED:
            self._player.set_pause(0)
            return
        if self._state == PLAYING:
            return
        if self._state in (ENDED, ERROR):
            self._generation += 1
            self._player.stop()  # quick once libvlc has reached the end
        self._wait_stopped()
        self._bind_window()
        self._set_state(LOADING)
        if self._player.play() == -1:
            self._set_state(ERROR)
            name = self._path.name if self._path else ""
            self.error.emit(tr("This video could not be played: {file}").format(file=name))

    def pause(self) -> None:
        if self._state == PLAYING:
            self._player.set_pause(1)

    def stop(self) -> None:
        if self._media is None or self._state in (IDLE, STOPPED):
            return
        self._generation += 1  # the Stopped event this causes is already handled here
        self._timer.stop()
        self._stop_player()
        self._pending_seek = None
        self._set_state(STOPPED)

    def seek(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        if self._duration:
            seconds = min(seconds, max(0.0, self._duration - 0.05))
        if self._state in (PLAYING, PAUSED):
            self._player.set_time(int(seconds * 1000))
            self.position_changed.emit(seconds)
        else:
            self._pending_seek = seconds or None

    def position(self) -> float:
        if self._player is None or self._state not in (PLAYING, PAUSED):
            return 0.0
        return max(0.0, self._player.get_time() / 1000)

    def set_volume(self, volume: int) -> None:
        self._volume = max(0, min(100, int(volume)))
        if self._state in (PLAYING, PAUSED):
            self._player.audio_set_volume(self._volume)

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)
        if self._state in (PLAYING, PAUSED):
            self._player.audio_set_mute(self._muted)

    def set_subtitles_enabled(self, enabled: bool) -> None:
        self._subtitles_enabled = bool(enabled)
        if self._state in (PLAYING, PAUSED):
            self._apply_subtitles()

    def subtitle_track(self) -> int:
        """The libvlc subtitle track showing (-1: none). For tests and diagnostics."""
        return int(self._player.video_get_spu()) if self._player is not None else -1

    def set_rate(self, rate: float) -> None:
        self._rate = float(rate)
        if self._state in (PLAYING, PAUSED):
            self._player.set_rate(self._rate)

    def set_video_output(self, widget: QWidget | None) -> None:
        self._widget = widget
        self._bound_window = None
        if widget is not None and self._state not in (PLAYING, PAUSED):
            self._bind_window()

    def rebind_window(self) -> None:
        """The surface's native window changed (reparented): draw into the new one."""
        if self._widget is None or self._headless:
            return
        if int(self._widget.winId()) == self._bound_window:
            return
        if self._state in (PLAYING, PAUSED):
            # libvlc takes a new window only when playback starts: restart where we were.
            resume_at, was_paused = self.position(), self._state == PAUSED
            self.stop()
            self._pending_seek = resume_at or None
            self._pause_on_playing = was_paused
            self.play()
        else:
            self._bind_window()

    def close(self) -> None:
        if self._player is None:
            return
        self._generation += 1
        self._timer.stop()
        manager = self._player.event_manager()
        for event_name in _EVENTS:
            manager.event_detach(getattr(self._vlc.EventType, event_name))
        self._wait_stopped()
        self._stopper.shutdown(wait=True)
        self._player.stop()
        self._player.release()
        if self._media is not None:
            self._media.release()
        self._instance.release()
        self._player = None
        self._media = None
        self._state = IDLE
