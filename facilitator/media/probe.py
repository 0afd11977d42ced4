"""Whether a video can be played here: ``facilitator check``'s per-video decode test.

An MP4's box structure is checked first (a cut-off file is caught there, by name).
Then the file is decoded by the backend the app would use (VLC, else QtMultimedia), in
a child process, so a damaged file or a broken libvlc cannot take the caller down. The
child decodes the opening, jumps to the last seconds and plays to the end, and reports
the length the backend found, which must be within a second of the manifest's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from facilitator.core.errors import SessionPackError
from facilitator.core.pack import SessionPack, Video
from facilitator.core.videos import mp4_duration
from facilitator.media import detect
from facilitator.media.backend import tr

DURATION_TOLERANCE = 1.0
PROBE_TIMEOUT = 60.0
MP4_SUFFIXES = (".mp4", ".m4v", ".mov")

# argv: file, libvlc options (JSON). Prints one JSON line.
_VLC_SCRIPT = r"""
import json, sys, threading, time
path, args = sys.argv[1], json.loads(sys.argv[2])
def report(**values):
    print(json.dumps(values), flush=True)
    sys.exit(0)
import vlc
instance = vlc.Instance(args)
if instance is None:
    report(ok=False, error="no libvlc instance")
player = instance.media_player_new()
media = instance.media_new_path(path)
player.set_media(media)
playing, done, failed = threading.Event(), threading.Event(), threading.Event()
manager = player.event_manager()
manager.event_attach(vlc.EventType.MediaPlayerPlaying, lambda e: playing.set())
manager.event_attach(vlc.EventType.MediaPlayerEndReached, lambda e: done.set())
manager.event_attach(vlc.EventType.MediaPlayerEncounteredError, lambda e: failed.set())
def decoded():
    stats = vlc.MediaStats()
    media.get_stats(stats)
    return stats.decoded_video + stats.decoded_audio, stats.decoded_video
def wait(predicate, seconds):
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
    report(ok=False, error="not a video this player can decode")
wait(lambda: decoded()[0] > 0 or done.is_set(), 10)
length = player.get_length() / 1000
start_frames, start_video = decoded()
if failed.is_set() or start_frames == 0:
    report(ok=False, error="nothing in it could be decoded", duration=length)
if not done.is_set() and length > 3:
    player.set_time(int((length - 2.5) * 1000))
wait(done.is_set, 20)
end_frames, end_video = decoded()
if failed.is_set():
    report(ok=False, error="decoding failed part-way", duration=length)
if not done.is_set():
    report(ok=False, error="playback did not reach the end", duration=length)
player.stop()
report(ok=True, duration=length, start=start_frames, end=end_frames, video=end_video)
"""

# argv: file. Prints one JSON line. Runs QtMultimedia offscreen.
_QT_SCRIPT = r"""
import json, sys
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtMultimedia import QMediaPlayer, QVideoSink
app = QGuiApplication([])
result = {"ok": False, "error": "timed out"}
player = QMediaPlayer()
sink = QVideoSink()
player.setVideoSink(sink)
frames = [0]
sought = [False]
sink.videoFrameChanged.connect(lambda f: frames.__setitem__(0, frames[0] + 1))
def finish(**values):
    result.clear(); result.update(values); app.quit()
def status(s):
    S = QMediaPlayer.MediaStatus
    if s == S.InvalidMedia:
        finish(ok=False, error="not a video this player can decode")
    elif s == S.LoadedMedia and not player.isPlaying():
        player.setPlaybackRate(4.0); player.play()
    elif s == S.EndOfMedia:
        if frames[0] == 0:
            finish(ok=False, error="nothing in it could be decoded",
                   duration=player.duration() / 1000)
        else:
            finish(ok=True, duration=player.duration() / 1000, end=frames[0])
def position(ms):
    length = player.duration()
    if not sought[0] and frames[0] > 0 and length > 3000:
        sought[0] = True
        player.setPosition(length - 2500)
player.mediaStatusChanged.connect(status)
player.positionChanged.connect(position)
player.errorOccurred.connect(lambda e, text: finish(ok=False, error=text or str(e)))
player.setSource(QUrl.fromLocalFile(sys.argv[1]))
QTimer.singleShot(45000, app.quit)
app.exec()
print(json.dumps(result), flush=True)
"""


def decode_in_subprocess(file: Path, backend: str,
                         timeout: float = PROBE_TIMEOUT) -> dict[str, object]:
    """Decode ``file`` with ``backend`` ("vlc" or "qt") in a child process."""
    env = dict(os.environ)
    if backend == "qt":
        env["QT_QPA_PLATFORM"] = "offscreen"
        command = [sys.executable, "-c", _QT_SCRIPT, str(file)]
    else:
        # The probe never shows a picture, whatever the screen.
        args = [a for a in detect.vlc_args(env) if not a.startswith(("--vout", "--aout"))]
        command = [sys.executable, "-c", _VLC_SCRIPT, str(file),
                   json.dumps(args + ["--vout=dummy", "--aout=dummy"])]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"decoding took longer than {timeout:.0f} s"}
    for line in reversed(done.stdout.splitlines()):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    how = (f"signal {-done.returncode}" if done.returncode < 0
           else f"exit code {done.returncode}")
    return {"ok": False, "error": f"the decoder stopped unexpectedly ({how})"}


def probe_video_playable(pack: SessionPack, video: Video, file: Path) -> str | None:
    """None when ``file`` plays here, else the reason in words, naming the file.

    Never raises: a check that crashes would stop the app from starting.
    """
    file = Path(file)
    try:
        return _probe(video, file)
    except Exception as exc:  # the caller is a pre-flight check: report, never crash
        return tr("{file}: could not be checked ({error})").format(file=file.name, error=exc)


def _probe(video: Video, file: Path) -> str | None:
    name = file.name
    if not file.is_file():
        return tr("{file} is missing").format(file=name)
    if file.stat().st_size == 0:
        return tr("{file} is empty").format(file=name)
    if file.suffix.casefold() in MP4_SUFFIXES:
        try:
            mp4_duration(file)
        except SessionPackError as exc:
            return tr("{file} is damaged or not a video: {problem}").format(
                file=name, problem=exc.message)
    choice = detect.choose_backend()
    if choice.name == "none":
        return tr("{file} cannot be played on this laptop: {reason}").format(
            file=name, reason=choice.reason)
    result = decode_in_subprocess(file, choice.name)
    engine = "VLC" if choice.name == "vlc" else "Qt Multimedia"
    if not result.get("ok"):
        return tr("{file} could not be played by {engine}: {problem}").format(
            file=name, engine=engine, problem=result.get("error", "unknown problem"))
    duration = float(result.get("duration") or 0.0)  # type: ignore[arg-type]
    if abs(duration - video.duration) > DURATION_TOLERANCE:
        return tr("{file} lasts {actual:.1f} s but the manifest says {expected:.1f} s — "
                  "is it the right file?").format(file=name, actual=duration,
                                                  expected=video.duration)
    return None
