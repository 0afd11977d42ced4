"""Video steps: the surface on the audience window, the console controls, and the
controller that plays a step's video and records every play.

The lead wires them: ``AudienceWindow.set_video_widget(surface)``,
``ConsolePanel.set_video_controls(controls)``, ``controller.attach_controls(controls)``
and ``controller.finished_step`` (or ``auto_advance_requested``) to the agenda.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from facilitator.core.pack import AgendaStep, SessionPack, Video
from facilitator.core.store import Store
from facilitator.core.video_log import VideoPlayLog
from facilitator.media.backend import (
    ENDED,
    ERROR,
    LOADING,
    PAUSED,
    PLAYING,
    UNAVAILABLE,
)
from facilitator.media.player import SKIP_SECONDS, Player
from facilitator.media.subtitles import sidecar_subtitles
from facilitator.ui.console.audience import format_duration


def format_time(seconds: float) -> str:
    """01:12, or 1:02:03 past an hour (whole seconds elapsed, as players count)."""
    return format_duration(seconds + 0.001)


def _black(widget: QWidget) -> None:
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
    palette.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.white)
    widget.setPalette(palette)
    widget.setAutoFillBackground(True)


class VideoSurface(QWidget):
    """Where the video shows on the audience window: a native window VLC draws into,
    a QVideoWidget for the Qt fallback, or the reason in plain words when no player
    works. A playback error replaces the picture with a message naming the file.

    With ``audience=True`` (the projector) no reason or file name is ever shown: the
    room sees the film's title instead, and the console's controls carry the reason.
    """

    def __init__(self, player: Player, parent: QWidget | None = None, *,
                 audience: bool = False) -> None:
        super().__init__(parent)
        self.player = player
        self.audience = audience
        self._caption = ""
        self.setObjectName("videoSurface")
        _black(self)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._stack = QStackedLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self.message = QLabel(self)
        self.message.setObjectName("videoMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setMargin(48)
        font = QFont(self.message.font())
        font.setPointSize(max(font.pointSize(), 12) * 2)
        self.message.setFont(font)
        _black(self.message)
        self._stack.addWidget(self.message)
        self.view: QWidget | None = None
        self._build_view()
        player.backend_changed.connect(lambda _name: self._build_view())
        player.available_changed.connect(lambda _ok: self._build_view())
        player.state_changed.connect(self._on_state)
        player.error.connect(self._on_error)

    def _build_view(self) -> None:
        if self.view is not None:
            self.player.set_video_output(None)
            self._stack.removeWidget(self.view)
            self.view.deleteLater()
            self.view = None
        kind = self.player.output_kind
        if kind == "native":
            view = QWidget(self)
            # VLC draws into this window directly; Qt must not paint over it.
            view.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
            view.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors)
            view.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
            view.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
            _black(view)
            view.installEventFilter(self)
        elif kind == "qvideowidget":
            from PySide6.QtMultimediaWidgets import QVideoWidget

            view = QVideoWidget(self)
            _black(view)
        else:
            self._show_message(self.player.reason or self.tr(
                "Video cannot be shown on this laptop — skip this step"))
            return
        view.setObjectName("videoView")
        self.view = view
        self._stack.addWidget(view)
        self._stack.setCurrentWidget(view)
        self.player.set_video_output(view)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.view and event.type() == QEvent.Type.WinIdChange:
            rebind = getattr(self.player.backend, "rebind_window", None)
            if rebind is not None:
                rebind()
        return super().eventFilter(watched, event)

    def _on_state(self, state: str) -> None:
        if state in (LOADING, PLAYING, PAUSED, ENDED) and self.view is not None:
            self._stack.setCurrentWidget(self.view)
        elif state == UNAVAILABLE:
            self._show_message(self.player.reason)

    def _on_error(self, problem: str) -> None:
        self._show_message(self.tr("{problem} — skip this step, or check the videos with "
                                   "'facilitator check'").format(problem=problem))

    def set_caption(self, title: str) -> None:
        """The film's title, shown to the room when the film itself cannot be."""
        self._caption = title
        if self.audience and self.showing_message:
            self._show_message("")

    def _show_message(self, text: str) -> None:
        if self.audience:
            text = (self.tr("Film: {title}").format(title=self._caption) if self._caption
                    else "")
        self.message.setText(text)
        self._stack.setCurrentWidget(self.message)

    @property
    def showing_message(self) -> bool:
        return self._stack.currentWidget() is self.message


class VideoControls(QWidget):
    """Console controls for the playing video: play/pause, −10 s/+10 s, restart, volume
    and mute, position, subtitles (when the video has an .srt), and what comes next."""

    def __init__(self, player: Player, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player = player
        self._dragging = False
        self.setObjectName("videoControls")

        self.title = QLabel(self)
        self.title.setObjectName("videoTitle")
        self.title.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("videoStatus")
        self.status.setWordWrap(True)

        self.play_button = self._button(self.tr("Play"), self.tr("Play or pause the video"),
                                        player.toggle)
        self.back_button = self._button(self.tr("−10 s"), self.tr("Back 10 seconds"),
                                        lambda: player.skip(-SKIP_SECONDS))
        self.forward_button = self._button(self.tr("+10 s"), self.tr("Forward 10 seconds"),
                                           lambda: player.skip(SKIP_SECONDS))
        self.restart_button = self._button(self.tr("Restart"),
                                           self.tr("Play the video from the start"),
                                           player.restart)
        self.mute_button = self._button(self.tr("Mute"), self.tr("Mute or unmute the sound"),
                                        lambda: player.set_muted(self.mute_button.isChecked()))
        self.mute_button.setCheckable(True)
        self.mute_button.setChecked(player.muted)

        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setObjectName("videoVolume")
        self.volume.setRange(0, 100)
        self.volume.setValue(player.volume)
        self.volume.setAccessibleName(self.tr("Volume"))
        self.volume.setToolTip(self.tr("Volume"))
        self.volume.setMaximumWidth(160)
        self.volume.valueChanged.connect(player.set_volume)

        self.position = QSlider(Qt.Orientation.Horizontal, self)
        self.position.setObjectName("videoPosition")
        self.position.setRange(0, 0)
        self.position.setAccessibleName(self.tr("Position in the video"))
        self.position.sliderPressed.connect(self._drag_started)
        self.position.sliderReleased.connect(self._drag_ended)
        self.position.actionTriggered.connect(self._slider_action)
        self.time_label = QLabel(self)
        self.time_label.setObjectName("videoTime")
        self._show_time(0.0)

        self.subtitles = QCheckBox(self.tr("Subtitles"), self)
        self.subtitles.setObjectName("videoSubtitles")
        self.subtitles.setToolTip(self.tr("Show subtitles on the audience screen"))
        self.subtitles.setChecked(player.subtitles_enabled)
        self.subtitles.setVisible(player.has_subtitles)
        self.subtitles.toggled.connect(player.set_subtitles_enabled)

        self.next_label = QLabel(self)
        self.next_label.setObjectName("videoNext")
        self.next_label.setWordWrap(True)

        buttons = QHBoxLayout()
        for widget in (self.play_button, self.back_button, self.forward_button,
                       self.restart_button, self.mute_button):
            buttons.addWidget(widget)
        buttons.addWidget(self.volume)
        buttons.addWidget(self.subtitles)
        buttons.addStretch(1)
        timeline = QHBoxLayout()
        timeline.addWidget(self.position, 1)
        timeline.addWidget(self.time_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(buttons)
        layout.addLayout(timeline)
        layout.addWidget(self.status)
        layout.addWidget(self.next_label)

        player.state_changed.connect(self._on_state)
        player.position_changed.connect(self._on_position)
        player.duration_changed.connect(self._on_duration)
        player.subtitles_available_changed.connect(self.subtitles.setVisible)
        player.error.connect(self.status.setText)
        player.available_changed.connect(lambda _ok: self._on_state(player.state))
        self._on_state(player.state)

    def _button(self, text: str, tip: str, slot: object) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Space stays the agenda's key
        button.clicked.connect(slot)
        return button

    def set_video_title(self, title: str) -> None:
        self.title.setText(self.tr("Video: {title}").format(title=title) if title else "")

    def set_next_title(self, title: str) -> None:
        self.next_label.setText(self.tr("Next: {title}").format(title=title) if title else "")

    def _on_state(self, state: str) -> None:
        usable = self.player.available
        for widget in (self.play_button, self.back_button, self.forward_button,
                       self.restart_button, self.mute_button, self.volume, self.position,
                       self.subtitles):
            widget.setEnabled(usable)
        self.play_button.setText(self.tr("Pause") if state == PLAYING else self.tr("Play"))
        if not usable:
            self.status.setText(self.player.reason)
        elif state == ENDED:
            self.status.setText(self.tr("The video has ended."))
        elif state != ERROR:
            self.status.setText("")

    def _on_duration(self, seconds: float) -> None:
        self.position.setRange(0, int(seconds * 10))
        self._show_time(self.player.position)

    def _on_position(self, seconds: float) -> None:
        if not self._dragging:
            self.position.setValue(int(seconds * 10))
        self._show_time(seconds)

    def _show_time(self, seconds: float) -> None:
        self.time_label.setText(self.tr("{position} / {duration}").format(
            position=format_time(seconds), duration=format_time(self.player.duration)))

    def _drag_started(self) -> None:
        self._dragging = True

    def _drag_ended(self) -> None:
        self._dragging = False
        self.player.seek(self.position.value() / 10)

    def _slider_action(self, action: int) -> None:
        # Clicks on the groove and keyboard steps move the slider without a drag.
        if not self._dragging and action != QSlider.SliderAction.SliderMove.value:
            self.player.seek(self.position.sliderPosition() / 10)


class VideoStepController(QObject):
    """Plays a video step's video and records every play.

    Signals:
        finished_step(str): the step's video played to its end (step id)
        auto_advance_requested(str): the same, for steps set to auto-advance
        video_title_changed(str): the title of the step's video ("" off a video step)
        next_title_changed(str): the title of what comes next
    """

    finished_step = Signal(str)
    auto_advance_requested = Signal(str)
    video_title_changed = Signal(str)
    next_title_changed = Signal(str)

    def __init__(self, player: Player, store: Store, pack: SessionPack, site_id: str,
                 workshop: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.player = player
        self.store = store
        self.pack = pack
        self.log = VideoPlayLog(store, site_id, workshop)
        self.step: AgendaStep | None = None
        self.video: Video | None = None
        self._play_id: str | None = None
        player.state_changed.connect(self._on_state)
        player.ended.connect(self._on_ended)

    def set_context(self, site_id: str, workshop: int) -> None:
        self.log = VideoPlayLog(self.store, site_id, workshop)

    def attach_controls(self, controls: VideoControls) -> None:
        self.video_title_changed.connect(controls.set_video_title)
        self.next_title_changed.connect(controls.set_next_title)

    @property
    def play_id(self) -> str | None:
        """The open play's record id, while a video plays."""
        return self._play_id

    def show_step(self, step: AgendaStep | None, next_title: str = "") -> None:
        """Enter ``step``: stop and record any playing video; start this step's video."""
        self._leave()
        self.next_title_changed.emit(next_title)
        if step is None or step.kind != "video" or not step.video:
            self.step = self.video = None
            self.video_title_changed.emit("")
            return
        self.step = step
        self.video = self.pack.video(step.video)
        file = self.pack.video_path(self.video)
        self.video_title_changed.emit(self.video.title)
        self.player.load(file, sidecar_subtitles(file), self.video.duration)
        self.player.play()

    def _leave(self) -> None:
        if self._play_id is not None:
            self._close_play(completed=False, at=self.player.current_position())
        if self.step is not None:
            self.player.stop()

    def _close_play(self, *, completed: bool, at: float | None = None) -> None:
        play_id, self._play_id = self._play_id, None
        if play_id is not None:
            self.log.finished(play_id, completed=completed, stopped_at=at)

    def _on_state(self, state: str) -> None:
        if self.step is None or self.video is None:
            return
        if state == PLAYING and self._play_id is None:
            self._play_id = self.log.started(self.video.id, self.step.id)
        elif state in ("stopped", ERROR) and self._play_id is not None:
            self._close_play(completed=False, at=self.player.position)

    def _on_ended(self) -> None:
        if self.step is None:
            return
        self._close_play(completed=True)
        self.finished_step.emit(self.step.id)
        if self.step.auto_advance:
            self.auto_advance_requested.emit(self.step.id)

    def close(self) -> None:
        """Leaving the workshop (or quitting): stop and record what was playing."""
        self._leave()
        self.step = self.video = None
