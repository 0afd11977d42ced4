"""The frozen bundle (scripts/build-bundle): the app runs as its own probe child.

These run against a built bundle: $FACILITATOR_BUNDLE, else dist/facilitator in the
repo. Without one they are skipped, saying so; CI builds the bundle and runs them
(scripts/ci-bundle), from outside the repo, with no system time zones and a cp1252
console.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _bundle() -> Path | None:
    given = os.environ.get("FACILITATOR_BUNDLE")
    folder = Path(given) if given else REPO / "dist" / "facilitator"
    for name in ("facilitator-cli.exe", "facilitator-cli", "facilitator"):
        exe = folder / name
        if exe.is_file() and os.access(exe, os.X_OK):
            return exe
    return None


EXE = _bundle()
# The folder that holds everything: the executable's, or Contents/ of a macOS .app.
ROOT = None if EXE is None else (EXE.parent.parent if EXE.parent.name == "MacOS" else EXE.parent)
pytestmark = pytest.mark.skipif(
    EXE is None, reason="no built bundle: run scripts/build-bundle (CI does, in "
                        "scripts/ci-bundle) or set FACILITATOR_BUNDLE")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A laptop without Python: no venv, no PYTHONPATH, no system zones, cp1252 output."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "VIRTUAL_ENV", "FACILITATOR_"))}
    env.update({"PYTHONTZPATH": "", "PYTHONIOENCODING": "cp1252", "HOME": str(tmp_path / "home"),
                "FACILITATOR_DATA_DIR": str(tmp_path / "data"), "QT_QPA_PLATFORM": "offscreen"})
    env.update(extra)
    return env


def _run(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[bytes]:
    assert EXE is not None
    return subprocess.run([str(EXE), *args], capture_output=True, env=_env(tmp_path, **extra),
                          cwd=tmp_path, timeout=300)


def _last_json(done: subprocess.CompletedProcess[bytes]) -> dict[str, object]:
    text = done.stdout.decode("utf-8")
    try:
        value = json.loads(text)  # check --json: one indented document
    except ValueError:
        value = json.loads(text.splitlines()[-1])  # a probe: its one line, last
    assert isinstance(value, dict)
    return value


def _clip() -> Path:
    assert EXE is not None
    found = list(ROOT.rglob("call_handling.mp4"))  # type: ignore[union-attr]
    assert found, "the placeholder videos are not in the bundle"
    return found[0]


def test_the_bundle_is_frozen_and_carries_no_python_of_the_build_machine(tmp_path) -> None:
    assert EXE is not None
    assert not str(EXE).startswith(sys.prefix)
    done = _run(tmp_path, "--version")
    assert done.returncode == 0 and done.stdout.startswith(b"facilitator ")


def test_probe_subcommand_frozen(tmp_path) -> None:
    """The bundle's own executable is the probe child: libvlc found (bundled or not)."""
    args = json.dumps(["--quiet", "--vout=dummy", "--aout=dummy"])
    status = _last_json(_run(tmp_path, "_probe", "vlc", args))
    assert "ok" in status and "code" in status
    bundled_vlc = any(ROOT.rglob("vlc/plugins"))  # type: ignore[union-attr]
    if bundled_vlc:
        assert status["ok"] is True, status
        played = _last_json(_run(tmp_path, "_probe", "vlc-decode", str(_clip()), args))
        assert played["ok"] is True and abs(float(played["duration"]) - 6.0) < 1.0, played
        if sys.platform.startswith("linux"):
            # Every plugin VLC loaded came from inside the bundle.
            dirs = played["plugin_dirs"]
            assert dirs and all(Path(d).is_relative_to(ROOT) for d in dirs), dirs
    qt = _last_json(_run(tmp_path, "_probe", "qt-decode", str(_clip())))
    assert qt["ok"] is True and abs(float(qt["duration"]) - 6.0) < 1.0, qt


def test_check_and_demo_frozen_without_zones_on_cp1252(tmp_path) -> None:
    check = _run(tmp_path, "check", "--json", "--db", str(tmp_path / "venue.db"))
    report = _last_json(check)
    assert report["ok"] is True, check.stdout.decode("utf-8")
    player = next(c for c in report["checks"] if c["name"] == "player")  # type: ignore[union-attr]
    bundled_vlc = any(ROOT.rglob("vlc/plugins"))  # type: ignore[union-attr]
    assert ("VLC" in player["detail"] and "bundled" in player["detail"]) if bundled_vlc else (
        "Qt Multimedia" in player["detail"])
    text = _run(tmp_path, "check", "--no-play", "--db", str(tmp_path / "venue.db"))
    assert text.returncode == 0 and "ŵ" in text.stdout.decode("utf-8")
    demo = _run(tmp_path, "demo", "-o", str(tmp_path / "demo"))
    assert demo.returncode == 0, demo.stderr.decode("utf-8", "replace")
    pdfs = sorted((tmp_path / "demo").glob("*.pdf"))
    assert len(pdfs) == 4 and all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    advice = _run(tmp_path, "advice", "list", "--db", str(tmp_path / "demo" / "merged.db"))
    assert advice.returncode == 0 and "↳" in advice.stdout.decode("utf-8")


def test_rehash_frozen_writes_outside_the_bundle(tmp_path) -> None:
    assert EXE is not None

    def tree() -> str:
        digest = hashlib.sha256()
        for file in sorted(ROOT.rglob("*")):  # type: ignore[union-attr]
            if file.is_file() and file.suffix in (".toml", ".mp4", ".srt", ".ttf"):
                digest.update(str(file).encode() + file.read_bytes())
        return digest.hexdigest()

    before = tree()
    videos = tmp_path / "data" / "packs" / "ai-in-policing" / "videos"
    assert _run(tmp_path, "videos", "rehash").returncode == 0
    (videos / "call_handling.mp4").write_bytes(_clip().with_name("summarising_data.mp4")
                                               .read_bytes())
    done = _run(tmp_path, "videos", "rehash")
    assert done.returncode == 0 and b"call_handling: sha256" in done.stdout
    assert "call_handling.mp4" in (videos.parent / "pack.toml").read_text()
    assert tree() == before


def test_log_written_frozen(tmp_path) -> None:
    assert _run(tmp_path, "check", "--no-play", "--db", str(tmp_path / "v.db")).returncode == 0
    log = (tmp_path / "data" / "logs" / "facilitator.log").read_text(encoding="utf-8")
    assert "(frozen bundle)" in log and "check finished with exit code 0" in log
