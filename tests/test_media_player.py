"""The Player facade plays the pack's placeholder clips through real backends, headless:
real libvlc with --vout=dummy --aout=dummy, and QtMultimedia offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from media_clips import (
    CLIP_SECONDS,
    QT_MULTIMEDIA_NOISE,
    WITH_SUBTITLES,
    WITHOUT_SUBTITLES,
    is_paused,
    is_playing,
)

from facilitator.media import detect
from facilitator.media.player import Player
from facilitator.media.subtitles import parse_srt, sidecar_subtitles

TIMEOUT = 15_000

qt_noise = pytest.mark.qt_log_ignore(*QT_MULTIMEDIA_NOISE)


@pytest.fixture
def make_player(qapp) -> Iterator:
    players: list[Player] = []

    def make(backend: str | None) -> Player:
        player = Player(backend)
        players.append(player)
        return player

    yield make
    for player in players:
        player.close()


def _play_to_end(qtbot, player: Player, clip: Path, subtitles: Path | None = None) -> None:
    player.load(clip, subtitles)
    player.set_rate(4.0)
    with qtbot.waitSignal(player.state_changed, timeout=TIMEOUT, check_params_cb=is_playing):
        player.play()
    assert player.state == "playing"
    with qtbot.waitSignal(player.ended, timeout=TIMEOUT):
        pass
    assert player.state == "ended"
    assert player.duration == pytest.approx(CLIP_SECONDS, abs=0.5)
    assert player.position == pytest.approx(player.duration, abs=0.5)


def test_vlc_backend_is_real_and_headless(make_player) -> None:
    player = make_player("vlc")
    assert player.backend_name == "vlc" and player.available and player.reason == ""
    assert detect.headless()


def test_vlc_plays_to_the_end(qtbot, make_player) -> None:
    player = make_player("vlc")
    states: list[str] = []
    player.state_changed.connect(states.append)
    _play_to_end(qtbot, player, WITHOUT_SUBTITLES)
    assert states[-2:] == ["playing", "ended"]
    # Played again after the end: from the start.
    with qtbot.waitSignal(player.state_changed, timeout=TIMEOUT, check_params_cb=is_playing):
        player.play()
    assert player.current_position() < 2.0


def test_vlc_pause_skip_restart_volume(qtbot, make_player) -> None:
    player = make_player("vlc")
    player.load(WITHOUT_SUBTITLES)
    with qtbot.waitSignal(player.state_changed, timeout=TIMEOUT, check_params_cb=is_playing):
        player.play()
    with qtbot.waitSignal(player.state_changed, timeout=TIMEOUT, check_params_cb=is_paused):
        player.toggle()
    player.skip(3.0)
    assert player.current_position() == pytest.approx(3.0, abs=0.6)
    player.skip(-10.0)
    assert player.current_position() == pytest.approx(0.0, abs=0.6)
    player.set_volume(40)
    player.set_muted(True)
    assert (player.volume, player.muted) == (40, True)
    with qtbot.waitSignal(player.state_changed, timeout=TIMEOUT, check_params_cb=is_playing):
        player.toggle()
    player.seek(4.0)
    player.restart()
    assert player.current_position() < 1.5
    player.stop()
    assert player.state == "stopped"


def test_vlc_sidecar_subtitles_on_by_default_with_toggle(qtbot, make_player) -> None:
    srt = sidecar_subtitles(WITH_SUBTITLES)
    assert srt is not None and srt.suffix == ".srt"
    assert sidecar_subtitles(WITHOUT_SUBTITLES) is None
    player = make_player("vlc")
    with qtbot.waitSignal(player.subtitles_available_changed, timeout=10_000):
        player.load(WITH_SUBTITLES, srt)
    assert player.has_subtitles and player.subtitles_enabled
    with qtbot.waitSignal(player.state_changed, timeout=TIMEOUT, check_params_cb=is_playing):
        player.play()
    qtbot.waitUntil(lambda: player.backend.subtitle_track() != -1, timeout=5000)
    player.set_subtitles_enabled(False)
    assert player.backend.subtitle_track() == -1
    player.set_subtitles_enabled(True)
    assert player.backend.subtitle_track() != -1


def test_vlc_reports_an_undecodable_file_by_name(qtbot, make_player, tmp_path: Path) -> None:
    bad = tmp_path / "not_a_video.mp4"
    bad.write_text("this is a text file\n")
    player = make_player("vlc")
    player.load(bad)
    with qtbot.waitSignal(player.error, timeout=TIMEOUT) as blocker:
        player.play()
    assert "not_a_video.mp4" in blocker.args[0]
    assert player.state == "error"


@qt_noise
def test_qt_backend_plays_to_the_end(qtbot, make_player) -> None:
    player = make_player("qt")
    assert player.backend_name == "qt"
    _play_to_end(qtbot, player, WITHOUT_SUBTITLES)


@qt_noise
def test_qt_backend_pause_seek_and_subtitles(qtbot, make_player) -> None:
    player = make_player("qt")
    player.load(WITH_SUBTITLES, sidecar_subtitles(WITH_SUBTITLES))
    with qtbot.waitSignal(player.state_changed, timeout=TIMEOUT, check_params_cb=is_playing):
        player.play()
    # The first cue runs from 0.5 s to 3.0 s.
    qtbot.waitUntil(lambda: player.backend.subtitle_text().startswith("Placeholder"),
                    timeout=5000)
    player.set_subtitles_enabled(False)
    assert player.backend.subtitle_text() == ""
    player.set_subtitles_enabled(True)
    with qtbot.waitSignal(player.state_changed, timeout=TIMEOUT, check_params_cb=is_paused):
        player.pause()
    player.seek(4.0)
    qtbot.waitUntil(lambda: abs(player.current_position() - 4.0) < 0.6, timeout=5000)
    player.set_rate(4.0)
    with qtbot.waitSignal(player.ended, timeout=TIMEOUT):
        player.play()


@qt_noise
def test_qt_backend_reports_an_undecodable_file_by_name(qtbot, make_player,
                                                      tmp_path: Path) -> None:
    bad = tmp_path / "not_a_video.mp4"
    bad.write_text("this is a text file\n")
    player = make_player("qt")
    with qtbot.waitSignal(player.error, timeout=TIMEOUT) as blocker:
        player.load(bad)
        player.play()
    assert "not_a_video.mp4" in blocker.args[0]


def test_unavailable_player_says_why_and_does_nothing(make_player, monkeypatch) -> None:
    monkeypatch.setenv(detect.BACKEND_ENV, "none")
    player = make_player(None)
    assert not player.available and player.state == "unavailable"
    assert player.reason
    player.load(WITHOUT_SUBTITLES)
    player.play()
    player.skip(10)
    assert player.state == "unavailable"


@qt_noise
def test_switching_backend_announces_availability(qtbot, make_player) -> None:
    player = make_player("qt")
    with qtbot.waitSignal(player.available_changed, timeout=10_000) as blocker:
        player.switch_backend("none")
    assert blocker.args == [False]
    with qtbot.waitSignal(player.backend_changed, timeout=10_000):
        player.switch_backend("vlc")
    assert player.available and player.backend_name == "vlc"


def test_srt_parsing() -> None:
    cues = parse_srt("\ufeff1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Hello</i>\r\nthere\r\n\r\n"
                     "2\n00:00:03.000 --> 00:00:04,000\nBye\n\nbroken block\n")
    assert [(c.start, c.end, c.text) for c in cues] == [
        (1.0, 2.5, "Hello\nthere"), (3.0, 4.0, "Bye")]
