"""libvlc detection: every way python-vlc fails, produced for real in a child process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from facilitator.media import detect

NOT_INSTALLED = "VLC is not installed — install VLC from videolan.org, or skip this step"


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("FACILITATOR_VIDEO_BACKEND", None)
    env.update(extra)
    return env


def _sitecustomize(folder: Path, body: str) -> dict[str, str]:
    """A child interpreter that runs ``body`` first (sitecustomize on PYTHONPATH)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(textwrap.dedent(body))
    return _env(PYTHONPATH=os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")]))


def _no_libvlc(tmp_path: Path) -> dict[str, str]:
    # What a laptop without VLC looks like to ctypes: find_library("vlc") finds nothing.
    # python-vlc then loads the Python binary itself (CDLL(None)), so import vlc works
    # and the first libvlc call raises NameError.
    return _sitecustomize(tmp_path / "no_libvlc", """
        import ctypes.util
        _find = ctypes.util.find_library
        ctypes.util.find_library = lambda name: None if "vlc" in name else _find(name)
    """)


def test_vlc_works_on_this_machine() -> None:
    status = detect.probe_vlc(_env())
    assert status.ok, status.reason
    assert status.version.startswith("3.")
    assert detect.detect_vlc().ok  # cached for the process
    assert detect.detect_vlc() is detect.detect_vlc()


def test_headless_flags_when_offscreen() -> None:
    assert "--vout=dummy" in detect.vlc_args({"QT_QPA_PLATFORM": "offscreen"})
    assert "--aout=dummy" in detect.vlc_args({"QT_QPA_PLATFORM": "offscreen"})
    assert "--vout=dummy" not in detect.vlc_args({"QT_QPA_PLATFORM": "xcb"})
    assert "--no-audio" in detect.vlc_args({"FACILITATOR_VLC_ARGS": "--no-audio"})


def test_bogus_lib_path_exits_python_vlc_but_not_us() -> None:
    env = _env(PYTHON_VLC_LIB_PATH="/nonexistent/libvlc.so")
    # The failure is real: python-vlc ends the process that imports it.
    bare = subprocess.run([sys.executable, "-c", "import vlc; print('survived')"], env=env,
                          capture_output=True, text=True, timeout=30)
    assert bare.returncode == 1 and "survived" not in bare.stdout
    status = detect.probe_vlc(env)
    assert not status.ok
    assert status.code == "lib_path"
    assert "PYTHON_VLC_LIB_PATH" in status.reason and "/nonexistent/libvlc.so" in status.reason


def test_libvlc_absent_import_succeeds_first_call_fails(tmp_path: Path) -> None:
    env = _no_libvlc(tmp_path)
    bare = subprocess.run(
        [sys.executable, "-c", "import vlc; print('imported', flush=True); vlc.Instance()"],
        env=env, capture_output=True, text=True, timeout=30)
    assert "imported" in bare.stdout
    assert bare.returncode != 0 and "NameError" in bare.stderr
    status = detect.probe_vlc(env)
    assert (status.ok, status.code, status.reason) == (False, "absent", NOT_INSTALLED)


def _libvlc_files() -> list[Path]:
    """The real libvlc and libvlccore files this machine loads."""
    script = ("import vlc; vlc.libvlc_get_version(); "
              "print('\\n'.join(sorted({l.split()[-1] for l in open('/proc/self/maps') "
              "if 'libvlc' in l})))")
    done = subprocess.run([sys.executable, "-c", script], env=_env(), capture_output=True,
                          text=True, timeout=30, check=True)
    return [Path(line) for line in done.stdout.splitlines() if line.strip()]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and .so names")
def test_plugins_missing_instance_is_none(tmp_path: Path) -> None:
    # A libvlc whose plugin folder (<libdir>/vlc/plugins) is empty, as when the
    # libvlc package is installed without its plugins.
    lib = tmp_path / "lib"
    (lib / "vlc" / "plugins").mkdir(parents=True)
    files = _libvlc_files()
    assert any(f.name.startswith("libvlccore") for f in files), files
    for file in files:
        soname = file.name.split(".so")[0] + ".so." + file.name.split(".so.")[1].split(".")[0]
        shutil.copyfile(file, lib / soname)
    env = _env(PYTHON_VLC_LIB_PATH=str(lib / "libvlc.so.5"), LD_LIBRARY_PATH=str(lib))
    bare = subprocess.run(
        [sys.executable, "-c", "import vlc; print(vlc.Instance(['--quiet']) is None)"],
        env=env, capture_output=True, text=True, timeout=30)
    assert bare.stdout.strip() == "True"
    status = detect.probe_vlc(env)
    assert not status.ok and status.code == "plugins"
    assert "plugins are missing" in status.reason
    assert status.version.startswith("3.")


def test_empty_vlc_plugin_path_is_harmless_here(tmp_path: Path) -> None:
    # VLC 3 still loads its own plugin folder; VLC_PLUGIN_PATH only adds to it.
    (tmp_path / "empty").mkdir()
    assert detect.probe_vlc(_env(VLC_PLUGIN_PATH=str(tmp_path / "empty"))).ok


def test_probe_that_hangs_times_out(tmp_path: Path) -> None:
    env = _sitecustomize(tmp_path / "slow", "import time; time.sleep(30)\n")
    status = detect.probe_vlc(env, timeout=1.0)
    assert not status.ok and status.code == "timeout"
    assert "did not start" in status.reason


def test_probe_that_crashes_is_reported(tmp_path: Path) -> None:
    env = _sitecustomize(tmp_path / "crash", "import os, signal\n"
                                             "os.kill(os.getpid(), signal.SIGSEGV)\n")
    status = detect.probe_vlc(env)
    assert not status.ok and status.code == "crashed"
    assert "crashed" in status.reason


_CHOOSE = """
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from facilitator.media.player import Player
from facilitator.media.detect import choose_backend
player = Player()
print(json.dumps({"choice": choose_backend().name, "backend": player.backend_name,
                  "available": player.available, "reason": player.reason}))
"""


def _app_choice(env: dict[str, str]) -> dict[str, object]:
    env = {**env, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", _CHOOSE], env=env, capture_output=True,
                          text=True, timeout=60, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_app_falls_back_to_qt_when_libvlc_cannot_load() -> None:
    result = _app_choice(_env(PYTHON_VLC_LIB_PATH="/nonexistent/libvlc.so"))
    assert result["backend"] == "qt" and result["available"] is True
    assert "PYTHON_VLC_LIB_PATH" in str(result["reason"])


def test_app_says_why_when_neither_backend_works(tmp_path: Path) -> None:
    env = _no_libvlc(tmp_path)
    # And QtMultimedia is missing too.
    with open(tmp_path / "no_libvlc" / "sitecustomize.py", "a") as handle:
        handle.write(textwrap.dedent("""
            import sys
            class _NoQtMultimedia:
                def find_spec(self, name, path=None, target=None):
                    if name.startswith("PySide6.QtMultimedia"):
                        raise ImportError("QtMultimedia is not installed")
            sys.meta_path.insert(0, _NoQtMultimedia())
        """))
    result = _app_choice(env)
    assert result == {"choice": "none", "backend": "none", "available": False,
                      "reason": NOT_INSTALLED}


def test_backend_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(detect.BACKEND_ENV, "none")
    choice = detect.choose_backend()
    assert choice.name == "none" and detect.BACKEND_ENV in choice.reason
