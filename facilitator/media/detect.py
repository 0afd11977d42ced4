"""Which video backend works on this laptop, found out without risking the app.

python-vlc fails in ways that can take the whole process down: ``import vlc``
succeeds with no libvlc present and the first call raises NameError; a bogus
``PYTHON_VLC_LIB_PATH`` makes it call ``sys.exit(1)``; ``vlc.Instance()`` returns
None when the plugins are missing. So libvlc is tried in a child process first (the
app's own hidden ``_probe`` subcommand, ``media/child.py``, which works frozen and
unfrozen), and the app imports vlc only once that child said it works.

A frozen bundle built without libvlc uses Qt's player by default (no system VLC of
unknown version is loaded into it); ``FACILITATOR_VIDEO_BACKEND=vlc`` asks for VLC all
the same.
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from facilitator.core import paths
from facilitator.media import child

BACKEND_ENV = "FACILITATOR_VIDEO_BACKEND"  # vlc | qt | none: force a backend
BUNDLED_VLC_ENV = "FACILITATOR_BUNDLED_VLC"  # set by the bundle's runtime hook: libvlc's folder
VLC_ARGS_ENV = "FACILITATOR_VLC_ARGS"  # extra libvlc options, shell-quoted
DETECT_TIMEOUT = 20.0
HEADLESS_PLATFORMS = ("offscreen", "minimal")
log = logging.getLogger(__name__)
# A child probe of a windowed Windows app must not flash a console window.
NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)

def tr(text: str) -> str:
    return QCoreApplication.translate("Media", text)


@dataclass(frozen=True)
class VlcStatus:
    """Whether libvlc works here; ``reason`` says why not, in plain words."""

    ok: bool
    reason: str = ""
    version: str = ""
    code: str = ""  # ok, absent, lib_path, plugins, import, broken, crashed, timeout


@dataclass(frozen=True)
class BackendChoice:
    name: str  # "vlc" | "qt" | "none"
    reason: str  # why VLC (or every backend) is not used; "" when VLC is


def headless(env: Mapping[str, str] | None = None) -> bool:
    environ = os.environ if env is None else env
    return environ.get("QT_QPA_PLATFORM", "").split(":")[0] in HEADLESS_PLATFORMS


def vlc_args(env: Mapping[str, str] | None = None) -> list[str]:
    """libvlc options: quiet, no title overlay; dummy outputs when there is no screen."""
    environ = os.environ if env is None else env
    # Sidecar subtitles are added explicitly, so the toggle controls the only copy.
    args = ["--quiet", "--no-video-title-show", "--no-snapshot-preview",
            "--no-sub-autodetect-file"]
    if headless(environ):
        # Offscreen VLC without a dummy vout falls back to ASCII output and crashes.
        args += ["--vout=dummy", "--aout=dummy"]
    args += shlex.split(environ.get(VLC_ARGS_ENV, ""))
    return args


def _reason(code: str, environ: Mapping[str, str], detail: str = "") -> str:
    if code == "lib_path" and "PYTHON_VLC_LIB_PATH" not in environ:
        return tr("VLC could not be loaded: PYTHON_VLC_MODULE_PATH ({path}) is not a folder "
                  "— correct or remove that setting, or skip this step").format(
                      path=environ.get("PYTHON_VLC_MODULE_PATH", ""))
    if code == "lib_path":
        return tr("VLC could not be loaded from PYTHON_VLC_LIB_PATH ({path}) — correct or "
                  "remove that setting, or install VLC from videolan.org, or skip this step"
                  ).format(path=environ.get("PYTHON_VLC_LIB_PATH", ""))
    if code in ("absent", "import"):
        return tr("VLC is not installed — install VLC from videolan.org, or skip this step")
    if code == "plugins":
        return tr("VLC is installed but its plugins are missing — reinstall VLC from "
                  "videolan.org, or skip this step")
    if code == "timeout":
        return tr("VLC did not start within {seconds:.0f} seconds — restart the laptop or "
                  "reinstall VLC from videolan.org, or skip this step").format(
                      seconds=float(detail or DETECT_TIMEOUT))
    if code == "crashed":
        return tr("VLC crashed while starting ({detail}) — reinstall VLC from videolan.org, "
                  "or skip this step").format(detail=detail)
    return tr("VLC does not work on this laptop ({detail}) — reinstall VLC from "
              "videolan.org, or skip this step").format(detail=detail or code)


def probe_vlc(env: Mapping[str, str] | None = None,
              timeout: float = DETECT_TIMEOUT) -> VlcStatus:
    """Try libvlc in a child process with ``env`` (default: this process's environment)."""
    environ = dict(os.environ if env is None else env)
    command = [*paths.app_command(), child.COMMAND, "vlc", json.dumps(vlc_args(environ))]
    try:
        done = subprocess.run(command, env=paths.app_environment(environ),
                              capture_output=True, encoding="utf-8", errors="replace",
                              timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False,
                              creationflags=NO_WINDOW)
    except subprocess.TimeoutExpired:
        return VlcStatus(False, _reason("timeout", environ, str(timeout)), code="timeout")
    except OSError as exc:
        return VlcStatus(False, _reason("broken", environ, exc.strerror or str(exc)),
                         code="broken")
    result = None
    for line in reversed(done.stdout.splitlines()):
        try:
            result = json.loads(line)
            break
        except ValueError:
            continue
    if not isinstance(result, dict):
        if done.returncode < 0:
            detail = tr("signal {number}").format(number=-done.returncode)
        else:
            last = (done.stderr.strip().splitlines() or [""])[-1]
            detail = tr("exit code {code}").format(code=done.returncode) + (
                f": {last}" if last else "")
        return VlcStatus(False, _reason("crashed", environ, detail), code="crashed")
    code = str(result.get("code", "broken"))
    version = str(result.get("version", ""))
    if result.get("ok"):
        return VlcStatus(True, "", version=version, code="ok")
    return VlcStatus(False, _reason(code, environ, str(result.get("error", ""))),
                     version=version, code=code)


_cached: VlcStatus | None = None


def detect_vlc(refresh: bool = False) -> VlcStatus:
    """Whether libvlc works in this process's environment; probed once per process."""
    global _cached
    if _cached is None or refresh:
        _cached = probe_vlc()
    return _cached


def qt_multimedia_available() -> tuple[bool, str]:
    try:
        from PySide6.QtMultimedia import QMediaPlayer  # noqa: F401
        from PySide6.QtMultimediaWidgets import QVideoWidget  # noqa: F401
    except ImportError as exc:
        return False, str(exc)
    return True, ""


def bundled_vlc() -> bool:
    """Whether this is a frozen bundle that carries its own libvlc and plugins."""
    return bool(os.environ.get(BUNDLED_VLC_ENV))


def choose_backend(refresh: bool = False) -> BackendChoice:
    """VLC when libvlc works, else QtMultimedia, else none; with the reason in words.

    A frozen bundle without libvlc of its own starts with QtMultimedia. The choice and
    its reason go to the log.
    """
    choice = _choose(refresh)
    log.info("video backend: %s%s", choice.name, f" ({choice.reason})" if choice.reason else "")
    return choice


def _choose(refresh: bool) -> BackendChoice:
    forced = os.environ.get(BACKEND_ENV, "").strip().casefold()
    if forced == "none":
        return BackendChoice("none", tr("Video playback is switched off on this laptop "
                                        "({name}=none) — skip this step").format(
                                            name=BACKEND_ENV))
    if forced == "qt" or (paths.frozen() and not bundled_vlc() and forced != "vlc"):
        ok, _detail = qt_multimedia_available()
        if ok:
            return BackendChoice("qt", "")
    status = detect_vlc(refresh)
    if status.ok:
        return BackendChoice("vlc", "")
    ok, _detail = qt_multimedia_available()
    if ok:
        return BackendChoice("qt", status.reason)
    return BackendChoice("none", status.reason)
