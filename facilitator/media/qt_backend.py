"""QtMultimedia (QMediaPlayer + QVideoWidget): the fallback when libvlc cannot be loaded.

QMediaPlayer cannot load a sidecar .srt itself, so its cues are read here and handed
to the video sink, which draws them over the picture.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer, QVideoSink
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QWidget

from facilitator.media.backend import (
    ENDED,
    ERROR,
    IDLE,
    LOADING,
    PAUSED,
    PLAYING,
    STOPPED,
    PlayerBackend,
    tr,
)
from facilitator.media.subtitles import SubtitleTrack, read_srt

_State = QMediaPlayer.PlaybackState
_Status = QMediaPlayer.MediaStatus


class QtBackend(PlayerBackend):
    """QMediaPlayer. Signals as PlayerBackend."""

    name = "qt"
    output_kind = "qvideowidget"

    def __init__(self) -> None:
        super().__init__()
        self._player = QMediaPlayer(self)
        self._audio: QAudioOutput | None = None
        if not QMediaDevices.defaultAudioOutput().isNull():
            self._audio = QAudioOutput(self)
            self._player.setAudioOutput(self._audio)
        self._own_sink = QVideoSink(self)  # decodes somewhere until a widget is given
        self._player.setVideoSink(self._own_sink)
        self._widget: QVideoWidget | None = None
        self._path: Path | None = None
        self._track: SubtitleTrack | None = None
        self._subtitles_enabled = True
        self._shown_subtitle = ""
        self._state = IDLE
        self._stopping = False
        self._volume = 100
        self._muted = False
        self._player.playbackStateChanged.connect(self._on_playback_state)
        self._player.mediaStatusChanged.connect(self._on_media_status)
        self._player.positionChanged.connect(self._on_position)
        self._player.durationChanged.connect(lambda ms: self.duration_changed.emit(ms / 1000))
        self._player.errorOccurred.connect(self._on_error)

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    def _on_playback_state(self, state: QMediaPlayer.PlaybackState) -> None:
        if state == _State.PlayingState:
            self._set_state(PLAYING)
        elif state == _State.PausedState:
            self._set_state(PAUSED)
        elif self._stopping:
            self._set_state(STOPPED)
        elif self._player.mediaStatus() == _Status.EndOfMedia:
            self._finish()
        # Otherwise the end-of-media status or an error follows and says which.

    def _on_media_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == _Status.EndOfMedia and self._state != ENDED and not self._stopping:
            self._finish()
        elif status == _Status.InvalidMedia:
            self._on_error(QMediaPlayer.Error.FormatError, "")

    def _finish(self) -> None:
        self._show_subtitle("")
        duration = self._player.duration() / 1000
        if duration:
            self.position_changed.emit(duration)
        self._set_state(ENDED)
        self.ended.emit()

    def _on_error(self, _error: QMediaPlayer.Error, _text: str) -> None:
        if self._state == ERROR:
            return
        self._set_state(ERROR)
        name = self._path.name if self._path else ""
        self.error.emit(tr("This video could not be played: {file}").format(file=name))

    def _on_position(self, ms: int) -> None:
        seconds = ms / 1000
        self.position_changed.emit(seconds)
        if self._track is not None:
            self._show_subtitle(self._track.text_at(seconds) if self._subtitles_enabled else "")

    def _show_subtitle(self, text: str) -> None:
        if text != self._shown_subtitle:
            self._shown_subtitle = text
            self._player.videoSink().setSubtitleText(text)

    def subtitle_text(self) -> str:
        """The subtitle showing now (for tests and diagnostics)."""
        return self._shown_subtitle

    # -- the contract ----------------------------------------------------------------------

    def load(self, path: Path, subtitles: Path | None) -> None:
        self.stop()
        self._path = Path(path)
        try:
            self._track = SubtitleTrack(read_srt(subtitles)) if subtitles else None
        except OSError:
            self._track = None
        self._show_subtitle("")
        self._player.setSource(QUrl.fromLocalFile(str(self._path.resolve())))
        self._set_state(STOPPED)
        self.position_changed.emit(0.0)

    def play(self) -> None:
        if self._path is None or self._state == PLAYING:
            return
        if self._state in (ENDED, ERROR):
            self._player.setPosition(0)
        self._stopping = False
        if self._state != PAUSED:
            self._set_state(LOADING)
        self._player.play()

    def pause(self) -> None:
        if self._state == PLAYING:
            self._player.pause()

    def stop(self) -> None:
        if self._path is None or self._state in (IDLE, STOPPED):
            return
        self._stopping = True
        self._player.stop()
        self._show_subtitle("")
        self._set_state(STOPPED)

    def seek(self, seconds: float) -> None:
        self._player.setPosition(int(max(0.0, seconds) * 1000))

    def position(self) -> float:
        return self._player.position() / 1000

    def set_volume(self, volume: int) -> None:
        self._volume = max(0, min(100, int(volume)))
        if self._audio is not None:
            self._audio.setVolume(self._volume / 100)

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)
        if self._audio is not None:
            self._audio.setMuted(self._muted)

    def set_subtitles_enabled(self, enabled: bool) -> None:
        self._subtitles_enabled = bool(enabled)
        if self._track is not None:
            self._show_subtitle(self._track.text_at(self.position()) if enabled else "")

    def set_rate(self, rate: float) -> None:
        self._player.setPlaybackRate(float(rate))

    def set_video_output(self, widget: QWidget | None) -> None:
        text = self._shown_subtitle
        if isinstance(widget, QVideoWidget):
            self._widget = widget
            self._player.setVideoOutput(widget)
        else:
            self._widget = None
            self._player.setVideoSink(self._own_sink)
        self._shown_subtitle = ""
        self._show_subtitle(text)

    def close(self) -> None:
        self._stopping = True
        self._player.stop()
        self._player.setSource(QUrl())
        self._state = IDLE
