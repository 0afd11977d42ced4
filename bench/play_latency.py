"""play_latency: Player.play() until the "playing" signal, next to bare python-vlc.

app   = the app's Player (VLC backend): play() → state_changed("playing"), which goes
        through a libvlc callback, a queued Qt signal and the GUI thread's event loop.
floor = bare python-vlc: MediaPlayer.play() → the MediaPlayerPlaying event callback.
Same clip, same headless flags (--vout=dummy --aout=dummy), same run, interleaved.

    python bench/play_latency.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

RUNS = 5
TIMEOUT = 15.0
REPO = Path(__file__).resolve().parent.parent


def _headless_env() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if not runtime or not os.path.isdir(runtime):
        runtime = tempfile.mkdtemp(prefix="facilitator-xdg-")
        os.chmod(runtime, 0o700)
        os.environ["XDG_RUNTIME_DIR"] = runtime
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))


def _clip() -> Path:
    from facilitator.core.pack import load_pack
    from facilitator.core.paths import default_pack_dir

    pack = load_pack(default_pack_dir())
    for video in pack.videos:
        path = pack.video_path(video)
        if path.is_file():
            return path
    raise RuntimeError("play_latency: no video file in the default pack")


def _app_once(player, clip: Path) -> float:
    from PySide6.QtCore import QEventLoop, QTimer

    player.load(clip)
    loop = QEventLoop()
    reached: list[float] = []

    def on_state(state: str) -> None:
        if state == "playing" and not reached:
            reached.append(time.perf_counter())
            loop.quit()

    player.state_changed.connect(on_state)
    QTimer.singleShot(int(TIMEOUT * 1000), loop.quit)
    start = time.perf_counter()
    player.play()
    if not reached:
        loop.exec()
    player.state_changed.disconnect(on_state)
    player.stop()
    if not reached:
        raise RuntimeError("the app's player never reached playing")
    return reached[0] - start


def _floor_once(vlc, instance, clip: Path) -> float:
    media_player = instance.media_player_new()
    media_player.set_media(instance.media_new_path(str(clip)))
    playing = threading.Event()
    stamp: list[float] = []

    def on_playing(_event) -> None:
        stamp.append(time.perf_counter())
        playing.set()

    media_player.event_manager().event_attach(vlc.EventType.MediaPlayerPlaying, on_playing)
    start = time.perf_counter()
    media_player.play()
    if not playing.wait(TIMEOUT):
        raise RuntimeError("bare python-vlc never reached playing")
    media_player.event_manager().event_detach(vlc.EventType.MediaPlayerPlaying)
    media_player.stop()
    media_player.release()
    return stamp[0] - start


def run() -> list[str]:
    """Measure and return the BENCH line (one)."""
    _headless_env()
    from PySide6.QtWidgets import QApplication

    from facilitator.media import detect

    status = detect.detect_vlc()
    if not status.ok:
        raise RuntimeError(f"play_latency: VLC is not usable here: {status.reason}")
    import vlc

    app = QApplication.instance() or QApplication([])
    from facilitator.media.player import Player

    clip = _clip()
    player = Player("vlc")
    instance = vlc.Instance(detect.vlc_args())
    app_times: list[float] = []
    floor_times: list[float] = []
    try:
        # One warm-up each (plugin cache, codec load), then interleaved runs.
        _app_once(player, clip)
        _floor_once(vlc, instance, clip)
        for _ in range(RUNS):
            app_times.append(_app_once(player, clip))
            floor_times.append(_floor_once(vlc, instance, clip))
    finally:
        player.close()
        instance.release()
    del app
    from bench.common import line

    return [line("play_latency", statistics.median(app_times), statistics.median(floor_times),
                 "s")]


if __name__ == "__main__":
    for line in run():
        print(line, flush=True)
