"""Video step UI: controls drive the real player, plays are recorded in a real database,
the unavailable case says why, and under Xvfb a screenshot shows the video playing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from media_clips import REPO, WITH_SUBTITLES, is_paused, is_playing
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from facilitator.core.video_log import video_plays
from facilitator.media import detect
from facilitator.media.player import Player
from facilitator.ui.console.video import VideoControls, VideoStepController, VideoSurface, format_time

TIMEOUT = 15_000


@pytest.fixture
def player(qapp):
    player = Player("vlc")
    yield player
    player.close()


def _step(pack, step_id: str):
    for workshop in pack.workshops:
        for step in workshop.steps:
            if step.id == step_id:
                return workshop.number, step
    raise KeyError(step_id)


def test_format_time() -> None:
    assert format_time(72) == "01:12"
    assert format_time(220) == "03:40"
    assert format_time(3723) == "1:02:03"
    assert format_time(0.9) == "00:00"


def test_controls_drive_the_player(qtbot, player) -> None:
    controls = VideoControls(player)
    qtbot.addWidget(controls)
    surface = VideoSurface(player)
    qtbot.addWidget(surface)
    assert not controls.subtitles.isVisibleTo(controls)
    player.load(WITH_SUBTITLES, WITH_SUBTITLES.with_suffix(".srt"), duration=6.0)
    assert controls.subtitles.isVisibleTo(controls) and controls.subtitles.isChecked()
    assert controls.time_label.text() == "00:00 / 00:06"

    with qtbot.waitSignal(player.state_changed, timeout=TIMEOUT, check_params_cb=is_playing):
        qtbot.mouseClick(controls.play_button, Qt.MouseButton.LeftButton)
    assert controls.play_button.text() == "Pause"
    with qtbot.waitSignal(player.state_changed, timeout=TIMEOUT, check_params_cb=is_paused):
        qtbot.mouseClick(controls.play_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(controls.forward_button, Qt.MouseButton.LeftButton)
    assert player.current_position() > 5.0  # +10 s stops short of the end of a 6 s clip
    qtbot.mouseClick(controls.back_button, Qt.MouseButton.LeftButton)
    assert player.current_position() < 0.6
    qtbot.mouseClick(controls.mute_button, Qt.MouseButton.LeftButton)
    assert player.muted
    controls.volume.setValue(35)
    assert player.volume == 35
    controls.subtitles.click()
    assert not player.subtitles_enabled
    with qtbot.waitSignal(player.state_changed, timeout=TIMEOUT, check_params_cb=is_playing):
        qtbot.mouseClick(controls.restart_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controls.time_label.text().startswith("00:01"), timeout=5000)
    assert controls.position.value() >= 10


def test_controller_records_a_stopped_and_a_completed_play(qtbot, player, store,
                                                           default_pack) -> None:
    workshop, step = _step(default_pack, "w2-call101-video")
    assert step.auto_advance
    controller = VideoStepController(player, store, default_pack, "cardiff", workshop)
    controls = VideoControls(player)
    qtbot.addWidget(controls)
    controller.attach_controls(controls)

    with qtbot.waitSignal(player.state_changed, timeout=TIMEOUT, check_params_cb=is_playing):
        controller.show_step(step, "AI answering 101 calls")
    assert controls.next_label.text() == "Next: AI answering 101 calls"
    assert controls.title.text() == "Video: Call handling"
    assert controls.subtitles.isVisibleTo(controls)  # call_handling.srt sits beside it
    [row] = video_plays(store, "cardiff", workshop)
    assert (row["video_id"], row["step_id"], row["ended_at"]) == (
        "call_handling", "w2-call101-video", None)
    qtbot.waitUntil(lambda: player.current_position() >= 1.0, timeout=5000)
    with qtbot.assertNotEmitted(controller.finished_step):
        controller.show_step(None)  # the facilitator moves on mid-video
    [row] = video_plays(store, "cardiff", workshop)
    assert row["completed"] == 0 and row["ended_at"] is not None
    assert 0.9 <= row["stopped_at_seconds"] < 6.0
    assert player.state == "stopped"

    advanced: list[str] = []
    controller.auto_advance_requested.connect(advanced.append)
    with qtbot.waitSignal(controller.finished_step, timeout=TIMEOUT) as blocker:
        controller.show_step(step, "AI answering 101 calls")
        player.set_rate(4.0)
    assert blocker.args == ["w2-call101-video"]
    assert advanced == ["w2-call101-video"]
    plays = video_plays(store, "cardiff", workshop)
    assert len(plays) == 2
    assert (plays[1]["completed"], plays[1]["stopped_at_seconds"]) == (1, None)
    assert plays[1]["ended_at"] is not None and plays[1]["revision"] == 2
    assert plays[1]["origin_site"] == "cardiff"


def test_unavailable_backend_says_why_and_the_workshop_carries_on(
        qtbot, store, default_pack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(detect.BACKEND_ENV, "none")
    player = Player()
    surface = VideoSurface(player)
    controls = VideoControls(player)
    qtbot.addWidget(surface)
    qtbot.addWidget(controls)
    assert surface.showing_message and surface.view is None
    assert surface.message.text() == player.reason != ""
    assert not controls.play_button.isEnabled()
    assert controls.status.text() == player.reason
    workshop, step = _step(default_pack, "w2-call101-video")
    controller = VideoStepController(player, store, default_pack, "cardiff", workshop)
    controller.show_step(step, "Next thing")
    controller.show_step(None)
    assert video_plays(store) == []


def test_surface_shows_a_playback_error_in_words(qtbot, player, tmp_path: Path) -> None:
    surface = VideoSurface(player)
    qtbot.addWidget(surface)
    assert not surface.showing_message and surface.view is not None
    bad = tmp_path / "broken_clip.mp4"
    bad.write_text("not a video")
    player.load(bad)
    with qtbot.waitSignal(player.error, timeout=TIMEOUT):
        player.play()
    assert surface.showing_message and "broken_clip.mp4" in surface.message.text()


# -- a real screen: Xvfb, the app's audience window playing a video step, a screenshot ---

_SHOW_AND_SHOOT = r"""
import json, subprocess, sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from facilitator.app import FacilitatorApp
from facilitator.core import venue
from facilitator.core.pack import load_pack
from facilitator.core.paths import resolve
from facilitator.core.store import Store
from facilitator.ui.console.video import VideoSurface
shot, db = sys.argv[1], sys.argv[2]
app = QApplication([])
pack = load_pack(Path("sessions/ai-in-policing"))
with Store(db) as store:
    venue.save(store, pack, venue.VenueSettings("cardiff", 2, ("Table 1", "Table 2")))
# The real app on the day: console, audience window, the video step's film in it.
day = FacilitatorApp(resolve(db, None), ask_venue=False, show_audience=False)
day.window.setGeometry(0, 0, 900, 620)
day.window.show()
day.audience.setGeometry(120, 80, 880, 540)
day.audience.show()
index = next(i for i, step in enumerate(day.model.runner.steps) if step.kind == "video")
result = {}
def shoot():
    surface = day.audience.findChild(VideoSurface)
    view = surface.view
    corner = view.mapToGlobal(view.rect().topLeft())
    player = day.video.player
    result.update(backend=player.backend_name, reason=player.reason, x=corner.x(),
                  y=corner.y(), w=view.width(), h=view.height(), state=player.state,
                  page=day.audience.current_page())
    subprocess.run(["import", "-window", "root", shot], check=True, timeout=20)
    app.quit()
def on_position(seconds):
    if seconds >= 1.0 and "x" not in result:
        QTimer.singleShot(250, shoot)
def start():
    day.video.player.position_changed.connect(on_position)
    day.model.jump(index)
    day.model.start()
def wait_for_video():
    if day.video is None:
        QTimer.singleShot(50, wait_for_video)
    else:
        start()
QTimer.singleShot(300, wait_for_video)
QTimer.singleShot(20000, app.quit)
app.exec()
day.window.close()
print(json.dumps(result), flush=True)
"""


@pytest.mark.skipif(not (shutil.which("xvfb-run") and shutil.which("Xvfb")
                         and shutil.which("import")),
                    reason="needs xvfb-run, Xvfb and ImageMagick's import")
def test_screenshot_under_xvfb_shows_the_video_playing(qapp, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    env = dict(os.environ)
    runtime = tempfile.mkdtemp(prefix="xdg-", dir=tmp_path)
    os.chmod(runtime, 0o700)
    env.update(QT_QPA_PLATFORM="xcb", XDG_RUNTIME_DIR=runtime,
               FACILITATOR_VLC_ARGS="--aout=dummy", PYTHONPATH=str(REPO))
    env.pop("FACILITATOR_VIDEO_BACKEND", None)
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1024x640x24", sys.executable, "-c",
         _SHOW_AND_SHOOT, str(shot), str(tmp_path / "day.db")],
        env=env, capture_output=True, text=True, timeout=90, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["backend"] == "vlc" and result["state"] == "playing", result
    assert result["page"] == "video"
    assert shot.is_file()
    saved = REPO / "shots" / "video_playing.png"
    saved.parent.mkdir(exist_ok=True)
    shutil.copyfile(shot, saved)

    image = QImage(str(shot))
    assert not image.isNull()
    x, y, w, h = result["x"], result["y"], result["w"], result["h"]
    assert w > 300 and h > 200
    colours = {image.pixelColor(x + i * w // 40, y + j * h // 40).rgb()
               for i in range(1, 40) for j in range(1, 40)}
    assert len(colours) > 3, "the video area is one flat colour: nothing was drawn"
    # Neither Qt's black background nor the window's white: the clip's own picture.
    centre = image.pixelColor(x + w // 2, y + h // 4)
    assert centre not in (QColor("black"), QColor("white"))
