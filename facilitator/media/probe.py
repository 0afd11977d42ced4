"""Whether a video can be played here: ``facilitator check``'s per-video decode test.

An MP4's box structure is checked first (a cut-off file is caught there, by name).
Then the file is decoded by the backend the app would use (VLC, else QtMultimedia), in
a child process (the app's own ``_probe`` subcommand, ``media/child.py``), so a damaged
file or a broken libvlc cannot take the caller down. The child decodes the opening,
jumps to the last seconds and plays to the end, and reports the length the backend
found, which must be within a second of the manifest's.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from facilitator.core import paths
from facilitator.core.errors import SessionPackError
from facilitator.core.pack import SessionPack, Video
from facilitator.core.videos import mp4_duration
from facilitator.media import child, detect
from facilitator.media.backend import tr

DURATION_TOLERANCE = 1.0
PROBE_TIMEOUT = 60.0
MP4_SUFFIXES = (".mp4", ".m4v", ".mov")

def decode_in_subprocess(file: Path, backend: str,
                         timeout: float = PROBE_TIMEOUT) -> dict[str, object]:
    """Decode ``file`` with ``backend`` ("vlc" or "qt") in a child process."""
    env = paths.app_environment(dict(os.environ))
    path = str(Path(file).absolute())
    if backend == "qt":
        env["QT_QPA_PLATFORM"] = "offscreen"
        command = [*paths.app_command(), child.COMMAND, "qt-decode", path]
    else:
        # The probe never shows a picture, whatever the screen.
        args = [a for a in detect.vlc_args(env) if not a.startswith(("--vout", "--aout"))]
        command = [*paths.app_command(), child.COMMAND, "vlc-decode", path,
                   json.dumps(args + ["--vout=dummy", "--aout=dummy"])]
    try:
        done = subprocess.run(command, env=env, capture_output=True, encoding="utf-8",
                              errors="replace",
                              timeout=timeout, stdin=subprocess.DEVNULL, check=False,
                              creationflags=detect.NO_WINDOW)
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
