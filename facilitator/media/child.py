"""The hidden ``facilitator _probe`` subcommand: video checks run in a child process.

python-vlc and a damaged file can take a process down (``sys.exit`` inside
``import vlc``, a crash in a decoder), so the app runs these in a child: the app's own
executable started again (``paths.app_command()``), which works the same frozen and
unfrozen. Each probe prints exactly one JSON line on stdout and exits 0.

    facilitator _probe vlc ARGS_JSON              does libvlc load and make a player?
    facilitator _probe vlc-decode FILE ARGS_JSON  decode FILE's start and end with VLC
    facilitator _probe qt-decode FILE             the same with QtMultimedia (offscreen)

Imports stay inside the functions: ``vlc`` must be imported here, not by the parent.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

COMMAND = "_probe"


class _Done(Exception):
    def __init__(self, values: dict[str, Any]) -> None:
        super().__init__()
        self.values = values


def _report(**values: Any) -> None:
    raise _Done(values)


def detect_vlc(args: list[str]) -> None:
    """Whether libvlc loads, what version, and whether it makes an instance and a player."""
    try:
        import vlc
    except SystemExit:  # python-vlc exits when PYTHON_VLC_LIB_PATH is bogus
        _report(ok=False, code="lib_path")
    except BaseException as exc:
        _report(ok=False, code="import", error=repr(exc))
    try:
        version = vlc.libvlc_get_version()
    except NameError as exc:  # import succeeded without libvlc; the first call fails
        _report(ok=False, code="absent", error=repr(exc))
    except BaseException as exc:
        _report(ok=False, code="broken", error=repr(exc))
    text = version.decode(errors="replace")
    instance = vlc.Instance(args)
    if instance is None:
        _report(ok=False, code="plugins", version=text)
    player = instance.media_player_new()
    if player is None:
        _report(ok=False, code="plugins", version=text)
    player.release()
    instance.release()
    _report(ok=True, code="ok", version=text)


def decode_vlc(path: str, args: list[str]) -> None:
    """Play the opening at 4x, jump to the last seconds, play to the end; report the length."""
    import threading
    import time

    import vlc

    instance = vlc.Instance(args)
    if instance is None:
        _report(ok=False, error="no libvlc instance")
    player = instance.media_player_new()
    media = instance.media_new_path(path)
    player.set_media(media)
    playing, done, failed = threading.Event(), threading.Event(), threading.Event()
    manager = player.event_manager()
    manager.event_attach(vlc.EventType.MediaPlayerPlaying, lambda e: playing.set())
    manager.event_attach(vlc.EventType.MediaPlayerEndReached, lambda e: done.set())
    manager.event_attach(vlc.EventType.MediaPlayerEncounteredError, lambda e: failed.set())

    def decoded() -> tuple[int, int]:
        stats = vlc.MediaStats()
        media.get_stats(stats)
        return stats.decoded_video + stats.decoded_audio, stats.decoded_video

    def wait(predicate: Any, seconds: float) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if failed.is_set() or predicate():
                return True
            time.sleep(0.02)
        return False

    player.set_rate(4.0)
    player.play()
    wait(playing.is_set, 15)
    if failed.is_set():
        _report(ok=False, error="not a video this player can decode")
    wait(lambda: decoded()[0] > 0 or done.is_set(), 10)
    length = player.get_length() / 1000
    start_frames, _start_video = decoded()
    if failed.is_set() or start_frames == 0:
        _report(ok=False, error="nothing in it could be decoded", duration=length)
    if not done.is_set() and length > 3:
        player.set_time(int((length - 2.5) * 1000))
    wait(done.is_set, 20)
    end_frames, end_video = decoded()
    if failed.is_set():
        _report(ok=False, error="decoding failed part-way", duration=length)
    if not done.is_set():
        _report(ok=False, error="playback did not reach the end", duration=length)
    player.stop()
    _report(ok=True, duration=length, start=start_frames, end=end_frames, video=end_video,
            plugin_dirs=_loaded_plugin_dirs())


def _loaded_plugin_dirs() -> list[str]:
    """Linux: the folders VLC's loaded plugins came from (a bundle must use its own)."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            files = {line.split(None, 5)[-1].strip() for line in maps if "_plugin." in line}
    except OSError:
        return []
    from pathlib import Path

    return sorted({str(Path(f).parent.parent) for f in files if f.startswith("/")})


def decode_qt(path: str) -> None:
    """The same test through QtMultimedia, offscreen, frames counted through a video sink."""
    from PySide6.QtCore import QTimer, QUrl
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtMultimedia import QMediaPlayer, QVideoSink

    app = QGuiApplication([])
    result: dict[str, Any] = {"ok": False, "error": "timed out"}
    player = QMediaPlayer()
    sink = QVideoSink()
    player.setVideoSink(sink)
    frames = [0]
    sought = [False]
    sink.videoFrameChanged.connect(lambda f: frames.__setitem__(0, frames[0] + 1))

    def finish(**values: Any) -> None:
        result.clear()
        result.update(values)
        app.quit()

    def status(s: QMediaPlayer.MediaStatus) -> None:
        states = QMediaPlayer.MediaStatus
        if s == states.InvalidMedia:
            finish(ok=False, error="not a video this player can decode")
        elif s == states.LoadedMedia and not player.isPlaying():
            player.setPlaybackRate(4.0)
            player.play()
        elif s == states.EndOfMedia:
            if frames[0] == 0:
                finish(ok=False, error="nothing in it could be decoded",
                       duration=player.duration() / 1000)
            else:
                finish(ok=True, duration=player.duration() / 1000, end=frames[0])

    def position(_ms: int) -> None:
        length = player.duration()
        if not sought[0] and frames[0] > 0 and length > 3000:
            sought[0] = True
            player.setPosition(length - 2500)

    player.mediaStatusChanged.connect(status)
    player.positionChanged.connect(position)
    player.errorOccurred.connect(lambda e, text: finish(ok=False, error=text or str(e)))
    player.setSource(QUrl.fromLocalFile(path))
    QTimer.singleShot(45000, app.quit)
    app.exec()
    _report(**result)


def main(argv: Sequence[str]) -> int:
    """Run one probe; print its one JSON line. Exit 0 whatever the probe found."""
    args = list(argv)
    try:
        if args[:1] == ["vlc"] and len(args) == 2:
            detect_vlc(json.loads(args[1]))
        elif args[:1] == ["vlc-decode"] and len(args) == 3:
            decode_vlc(args[1], json.loads(args[2]))
        elif args[:1] == ["qt-decode"] and len(args) == 2:
            decode_qt(args[1])
        else:
            print(f"usage: facilitator {COMMAND} vlc ARGS_JSON | vlc-decode FILE ARGS_JSON"
                  " | qt-decode FILE", file=sys.stderr)
            return 2
    except _Done as done:
        print(json.dumps(done.values), flush=True)
        return 0
    print(json.dumps({"ok": False, "error": "the probe reported nothing"}), flush=True)
    return 0
