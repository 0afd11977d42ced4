"""What a venue laptop without Python needs: probes through the app itself, UTF-8 on a
cp1252 console, tzdata instead of the system's zones, a writable pack outside the
installation, os.replace that waits out Excel, a log file, Help → Open log folder."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from media_clips import QT_MULTIMEDIA_NOISE

from facilitator.core import files, paths
from facilitator.core.errors import ExportError
from facilitator.core.pack import load_pack

REPO = Path(__file__).resolve().parent.parent
VIDEOS = REPO / "assets" / "videos"
CLIP = VIDEOS / "call_handling.mp4"
# What a Windows venue laptop looks like to Python: no system time-zone data, and
# output redirected through a cp1252 console encoding.
WINDOWS_LIKE = {"PYTHONTZPATH": "", "PYTHONIOENCODING": "cp1252"}


def _run(args: list[str], tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, **extra}
    return subprocess.run([sys.executable, "-m", "facilitator", *args], capture_output=True,
                          env=env, cwd=tmp_path, timeout=240)


# -- probes through the app's own hidden subcommand -------------------------------------


def test_no_app_code_starts_python_with_dash_c() -> None:
    offenders = []
    for source in (REPO / "facilitator").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        if re.search(r"sys\.executable\s*,\s*['\"]-c['\"]", text):
            offenders.append(str(source.relative_to(REPO)))
        if "sys.executable" in text and source.name != "paths.py":
            offenders.append(f"{source.relative_to(REPO)} (sys.executable)")
    assert offenders == []


def test_probe_subcommand_unfrozen(tmp_path: Path) -> None:
    """`facilitator _probe` is what detect and probe start; it answers one JSON line."""
    args = json.dumps(["--quiet", "--vout=dummy", "--aout=dummy"])
    found = _run(["_probe", "vlc", args], tmp_path)
    assert found.returncode == 0, found.stderr
    status = json.loads(found.stdout.decode().splitlines()[-1])
    assert status["ok"] is True and status["version"].startswith("3."), status
    decoded = _run(["_probe", "vlc-decode", str(CLIP), args], tmp_path)
    result = json.loads(decoded.stdout.decode().splitlines()[-1])
    assert result["ok"] is True and abs(result["duration"] - 6.0) < 1.0, result
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(CLIP.read_bytes()[:4000])
    broken = json.loads(_run(["_probe", "vlc-decode", str(bad), args], tmp_path)
                        .stdout.decode().splitlines()[-1])
    assert broken["ok"] is False
    usage = _run(["_probe", "nonsense"], tmp_path)
    assert usage.returncode == 2 and b"usage" in usage.stderr


def test_probe_subcommand_is_hidden(tmp_path: Path) -> None:
    helped = _run(["--help"], tmp_path)
    assert helped.returncode == 0 and b"_probe" not in helped.stdout


def test_app_command_frozen_finds_the_console_twin(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert paths.app_command() == [sys.executable, "-m", "facilitator"]
    gui = tmp_path / "Facilitator"
    gui.write_text("")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(gui))
    assert paths.app_command() == [str(gui)]  # one executable: it is the app itself
    (tmp_path / "facilitator-cli").write_text("")
    assert paths.app_command() == [str(tmp_path / "facilitator-cli")]
    env = paths.app_environment({"PYTHONPATH": "x"})
    assert env["PYTHONPATH"] == "x"  # frozen: nothing to put on a path


@pytest.mark.qt_log_ignore(*QT_MULTIMEDIA_NOISE)
def test_frozen_without_bundled_vlc_uses_qt(monkeypatch: pytest.MonkeyPatch) -> None:
    from facilitator.media import detect

    monkeypatch.delenv(detect.BACKEND_ENV, raising=False)
    monkeypatch.delenv(detect.BUNDLED_VLC_ENV, raising=False)
    unfrozen = paths.app_command()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(paths, "app_command", lambda: unfrozen)  # this test's "bundle"
    assert detect.choose_backend(refresh=True).name == "qt"
    monkeypatch.setenv(detect.BACKEND_ENV, "vlc")
    assert detect.choose_backend(refresh=True).name == "vlc"
    monkeypatch.delenv(detect.BACKEND_ENV)
    monkeypatch.setenv(detect.BUNDLED_VLC_ENV, "/bundle/vlc")
    assert detect.choose_backend(refresh=True).name == "vlc"


# -- a Windows-like console and no system time zones -------------------------------------


def test_the_environment_really_has_no_system_zones(tmp_path: Path) -> None:
    probe = subprocess.run([sys.executable, "-c", "import zoneinfo; print(zoneinfo.TZPATH)"],
                           capture_output=True, text=True, env={**os.environ, **WINDOWS_LIKE})
    assert probe.stdout.strip() == "()"


def test_check_on_a_cp1252_console_without_zones(tmp_path: Path) -> None:
    done = _run(["check", "--no-play", "--db", str(tmp_path / "venue.db")], tmp_path,
                **WINDOWS_LIKE)
    out = done.stdout.decode("utf-8")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "ŵ" in out and "Traceback" not in done.stderr.decode("utf-8", "replace")
    assert re.search(r"ok\s+player\s+(VLC 3\.[^(\n]+\(installed\)|Qt Multimedia)", out), out


def test_demo_and_advice_list_on_a_cp1252_console_without_zones(tmp_path: Path) -> None:
    out_dir = tmp_path / "demo"
    done = _run(["demo", "-o", str(out_dir)], tmp_path, **WINDOWS_LIKE)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    pdfs = sorted(p.name for p in out_dir.glob("*.pdf"))
    assert "cross-site-report.pdf" in pdfs and len(pdfs) == 4
    advice = _run(["advice", "list", "--db", str(out_dir / "merged.db")], tmp_path,
                  **WINDOWS_LIKE)
    assert advice.returncode == 0, advice.stderr.decode("utf-8", "replace")
    assert "↳" in advice.stdout.decode("utf-8")


def test_tzdata_and_the_gui_entry_are_declared() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert any(d.startswith("tzdata") for d in project["project"]["dependencies"])
    assert project["project"]["gui-scripts"]["facilitator-gui"] == "facilitator.cli:gui_main"
    assert any(str(d).startswith("pyinstaller") for d in project["dependency-groups"]["build"])
    assert not any("pyinstaller" in d.casefold() for d in project["project"]["dependencies"])
    from facilitator.cli import gui_main

    assert callable(gui_main)


# -- the pack and its videos live in the user's data folder ------------------------------


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def test_default_pack_is_a_copy_in_the_data_folder(_isolated_data_dir: Path) -> None:
    resolved = paths.resolve(None, None)
    assert resolved.pack == _isolated_data_dir / "packs" / "ai-in-policing"
    assert (resolved.pack / "videos").is_dir()
    shipped = paths.default_pack_dir() / "pack.toml"
    assert (resolved.pack / "pack.toml").read_bytes() == shipped.read_bytes()
    pack = load_pack(resolved.pack)
    # No real video dropped in yet: the shipped placeholder is used.
    assert pack.video_path(pack.videos[0]).parent == paths.videos_dir()


def test_a_changed_copy_is_kept_and_an_untouched_one_follows_upgrades(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = tmp_path / "install" / "ai-in-policing"
    shipped.mkdir(parents=True)
    (shipped / "pack.toml").write_text((paths.default_pack_dir() / "pack.toml").read_text())
    monkeypatch.setattr(paths, "default_pack_dir", lambda: shipped)
    copy = paths.writable_default_pack()
    (shipped / "pack.toml").write_text((shipped / "pack.toml").read_text() + "\n# v2\n")
    assert paths.writable_default_pack() == copy
    assert (copy / "pack.toml").read_text().endswith("# v2\n")  # untouched: upgraded
    (copy / "pack.toml").write_text((copy / "pack.toml").read_text() + "# rehashed\n")
    (shipped / "pack.toml").write_text((shipped / "pack.toml").read_text() + "# v3\n")
    paths.writable_default_pack()
    assert (copy / "pack.toml").read_text().endswith("# rehashed\n")  # changed: kept


def test_unwritable_data_folder_falls_back_to_the_shipped_pack(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(blocker))
    assert paths.writable_default_pack() == paths.default_pack_dir()


def test_rehash_writes_in_the_data_folder_never_into_the_installation(tmp_path: Path) -> None:
    """Installed from a wheel: the real video goes into the data folder, and rehash
    updates the data folder's manifest; the installed files stay byte for byte."""
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
         str(REPO)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("facilitator-*.whl"))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(site), str(wheel)], check=True, capture_output=True, timeout=300)
    data = tmp_path / "userdata"
    env = {**os.environ, "PYTHONPATH": str(site), "FACILITATOR_DATA_DIR": str(data)}
    before = _tree(site)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "facilitator", *args], capture_output=True,
                              text=True, env=env, cwd=tmp_path, timeout=240)

    assert run("videos", "rehash").stdout.strip().endswith("0 manifest entries updated")
    # The programme team drops the real file in (here: another clip under this name).
    real = data / "packs" / "ai-in-policing" / "videos" / "call_handling.mp4"
    real.write_bytes((VIDEOS / "summarising_data.mp4").read_bytes())
    stale = run("check", "--json", "--no-play", "--db", str(tmp_path / "v.db"))
    assert json.loads(stale.stdout)["ok"] is False
    done = run("videos", "rehash")
    assert done.returncode == 0, done.stderr
    assert "call_handling: sha256" in done.stdout
    after = run("check", "--json", "--no-play", "--db", str(tmp_path / "v.db"))
    report = json.loads(after.stdout)
    assert report["ok"], after.stdout
    video = next(c for c in report["checks"] if c["name"] == "video:call_handling")
    assert str(real) in video["detail"]
    assert _tree(site) == before
    refused = run("videos", "rehash", "--pack",
                  str(site / "facilitator" / "_data" / "sessions" / "ai-in-policing"))
    assert refused.returncode == 1 and "installed app" in refused.stderr
    assert _tree(site) == before


# -- os.replace against a file held open, as Windows does it -----------------------------


class WindowsHolds:
    """os.replace as on Windows: refused while another program holds the target open.

    ``hold(path)`` opens the file the way Excel does; the program lets go after
    ``release_after`` waits (the test's sleep), or never when that is None.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, release_after: int | None) -> None:
        self.real_replace = os.replace
        self.handles: dict[str, object] = {}
        self.release_after = release_after
        self.waits: list[float] = []
        self.refusals = 0
        monkeypatch.setattr(files.os, "replace", self.replace)
        monkeypatch.setattr(files, "_sleep", self.sleep)

    def hold(self, path: Path) -> None:
        self.handles[str(path)] = open(path, "rb")  # noqa: SIM115 - held on purpose

    def replace(self, src: object, dst: object) -> None:
        if str(dst) in self.handles:
            self.refusals += 1
            error = PermissionError(errno.EACCES, "The process cannot access the file because "
                                    "it is being used by another process", str(dst))
            error.winerror = 32  # type: ignore[attr-defined]  # ERROR_SHARING_VIOLATION
            raise error
        self.real_replace(src, dst)  # type: ignore[arg-type]

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.release_after is not None and len(self.waits) >= self.release_after:
            for handle in self.handles.values():
                handle.close()  # type: ignore[attr-defined]
            self.handles.clear()

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()  # type: ignore[attr-defined]


def test_replace_waits_until_excel_lets_go(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "notes.csv"
    target.write_text("old")
    windows = WindowsHolds(monkeypatch, release_after=2)
    windows.hold(target)
    files.write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert windows.refusals == 2 and windows.waits == [0.25, 0.5]
    assert list(target.parent.iterdir()) == [target]


def test_replace_says_which_program_to_close(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for name, program in (("report.pdf", "Acrobat"), ("notes.csv", "Excel"),
                          ("report.docx", "Word")):
        target = tmp_path / name
        target.write_bytes(b"old")
        windows = WindowsHolds(monkeypatch, release_after=None)
        windows.hold(target)
        with pytest.raises(ExportError) as caught:
            files.write_atomic(target, b"new")
        windows.close()
        message = str(caught.value)
        assert f"{name} is open in {program}" in message and "close it" in message
        assert "cannot be written to" not in message
        assert windows.refusals == files.REPLACE_ATTEMPTS
        assert target.read_bytes() == b"old"
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_folder_that_refuses_writes_is_not_retried(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def refuse(src: object, dst: object) -> None:
        calls.append(dst)
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(files.os, "replace", refuse)
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old")
    with pytest.raises(ExportError, match="this folder cannot be written to"):
        files.write_atomic(target, b"new")
    assert len(calls) == 1


# -- the log file ----------------------------------------------------------------------


def test_every_command_is_logged_and_no_participant_words(tmp_path: Path,
                                                          _isolated_data_dir: Path) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("site,workshop,table,kind,text\nCardiff,9,T1,note,Jane Doe said secret words\n")
    failed = _run(["import", "notes", str(bad), "--db", str(tmp_path / "v.db")], tmp_path)
    assert failed.returncode == 1
    ok = _run(["check", "--no-play", "--db", str(tmp_path / "v.db")], tmp_path)
    assert ok.returncode == 0
    log = (_isolated_data_dir / "logs" / "facilitator.log").read_text(encoding="utf-8")
    assert "import on" in log and "import failed: CsvImportError" in log
    assert "check on" in log and "check finished with exit code 0" in log
    assert re.search(r"video backend: (vlc|qt)", log)
    assert "secret" not in log and "Jane" not in log


def test_log_folder_follows_the_platform_and_its_override(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv(paths.DATA_DIR_ENV)
    assert paths.log_dir() == Path(platformdirs.user_log_dir("facilitator", appauthor=False))
    monkeypatch.setenv(paths.LOG_DIR_ENV, str(tmp_path / "logs"))
    assert paths.log_dir() == tmp_path / "logs"


def test_an_unexpected_error_lands_in_the_log_with_its_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from facilitator import cli

    def broken(args: object, resolved: object) -> int:
        raise RuntimeError("something nobody expected")

    monkeypatch.setitem(cli.COMMANDS, "check", broken)
    monkeypatch.setenv(paths.LOG_DIR_ENV, str(tmp_path / "logs"))
    with pytest.raises(RuntimeError):
        cli.main(["check", "--db", str(tmp_path / "v.db")])
    text = (tmp_path / "logs" / "facilitator.log").read_text(encoding="utf-8")
    assert "check stopped on an unexpected error" in text
    assert "Traceback" in text and "something nobody expected" in text


def test_help_open_log_folder(qtbot, tmp_path: Path, default_pack,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QDesktopServices

    from facilitator.core.store import Store
    from facilitator.ui.main_window import MainWindow

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    monkeypatch.setenv(paths.LOG_DIR_ENV, str(tmp_path / "the logs"))
    store = Store(tmp_path / "venue.db")
    window = MainWindow(store, default_pack, paths.resolve(str(store.path), None))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    bar = window.menuBar()
    help_title = window.help_menu.menuAction()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(help_title).center())
    qtbot.waitUntil(window.help_menu.isVisible)
    rect = window.help_menu.actionGeometry(window.help.open_log_action)
    assert window.help.open_log_action.text().replace("&", "") == "Open log folder"
    qtbot.mouseClick(window.help_menu, Qt.MouseButton.LeftButton,
                     pos=QPoint(rect.center()))
    qtbot.waitUntil(lambda: opened != [])
    assert opened == [str(tmp_path / "the logs")]
    assert (tmp_path / "the logs").is_dir()
    window.tasks.setParent(None)
    store.close()


def test_qt_warnings_reach_the_log_file(tmp_path: Path) -> None:
    """A windowed build has no console: Qt's own warnings must land in the log."""
    script = ("from facilitator import applog\n"
              "from facilitator.ui.common import qtlog\n"
              "from PySide6.QtCore import qWarning\n"
              "applog.setup('gui')\n"
              "qtlog.install()\n"
              "qWarning('QXcbConnection: could not connect to display')\n")
    env = {**os.environ, "FACILITATOR_LOG_DIR": str(tmp_path / "logs")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "could not connect to display" in done.stderr  # still on the console too
    log = (tmp_path / "logs" / "facilitator.log").read_text(encoding="utf-8")
    assert "WARNING" in log and "facilitator.qt: QXcbConnection: could not connect" in log
