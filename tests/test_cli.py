"""The command-line contract: global options, check --json, exit codes, no display."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from facilitator import __version__
from facilitator.cli import main, split_global_options

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict[str, str] | None = None,
            drop: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    for name in drop:
        full_env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "facilitator", *args], capture_output=True,
                          text=True, env=full_env, cwd=REPO, timeout=120)


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0 and __version__ in result.stdout


@pytest.mark.parametrize("argv, expected", [
    (["--db", "a.db", "check"], {"db": "a.db"}),
    (["check", "--db", "a.db"], {"db": "a.db"}),
    (["--db=a.db", "check", "--db", "b.db"], {"db": "b.db"}),
    (["--pack", "p1", "import", "roster", "x.csv", "--pack=p2"], {"pack": "p2"}),
])
def test_global_options_anywhere_last_wins(argv, expected):
    found, rest = split_global_options(argv)
    assert found == expected
    assert "--db" not in " ".join(rest) and "--pack" not in " ".join(rest)


def test_check_json_on_the_default_pack_is_all_ok(tmp_path):
    result = run_cli("check", "--json", "--db", str(tmp_path / "venue.db"))
    report = json.loads(result.stdout)
    names = [c["name"] for c in report["checks"]]
    for required in ("pack", "db", "disk", "font"):
        assert required in names
    videos = [n for n in names if n.startswith("video:")]
    assert videos, "the default pack has videos"
    assert report["ok"] is True, result.stdout
    assert result.returncode == 0
    assert (tmp_path / "venue.db").exists()


def test_check_reports_a_broken_pack_and_exits_1(tmp_path, pack_copy):
    (pack_copy / "pack.toml").write_text("[programme\n")
    result = run_cli("--pack", str(pack_copy), "check", "--json", "--no-play",
                     "--db", str(tmp_path / "x.db"))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    pack_check = next(c for c in report["checks"] if c["name"] == "pack")
    assert pack_check["ok"] is False and "pack.toml:1" in pack_check["detail"]
    assert "pack" in result.stderr


def test_check_names_a_missing_video(tmp_path, pack_copy, default_pack):
    video = default_pack.videos[0]
    (pack_copy / "videos").mkdir()
    (pack_copy / "videos" / video.file).write_bytes(b"not a video")
    result = run_cli("--pack", str(pack_copy), "check", "--json", "--no-play",
                     "--db", str(tmp_path / "x.db"))
    report = json.loads(result.stdout)
    entry = next(c for c in report["checks"] if c["name"] == f"video:{video.id}")
    assert entry["ok"] is False and video.file in entry["detail"]
    assert result.returncode == 1


def test_environment_variables_select_db_and_pack(tmp_path, pack_copy):
    db = tmp_path / "from-env.db"
    result = run_cli("check", "--json", "--no-play",
                     env={"FACILITATOR_DB": str(db), "FACILITATOR_PACK": str(pack_copy)})
    report = json.loads(result.stdout)
    assert str(db) in next(c for c in report["checks"] if c["name"] == "db")["detail"]
    assert str(pack_copy) in next(c for c in report["checks"] if c["name"] == "pack")["detail"]
    # A flag beats the environment.
    other = tmp_path / "flag.db"
    result = run_cli("check", "--json", "--no-play", "--db", str(other),
                     env={"FACILITATOR_DB": str(db)})
    assert str(other) in result.stdout


def test_default_database_lives_in_the_data_dir(_isolated_data_dir):
    result = run_cli("check", "--json", "--no-play")
    detail = next(c for c in json.loads(result.stdout)["checks"] if c["name"] == "db")["detail"]
    assert str(_isolated_data_dir / "facilitator.db") in detail


def test_no_display_prints_a_message_instead_of_aborting(tmp_path):
    result = run_cli("--db", str(tmp_path / "x.db"),
                     drop=("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    assert result.returncode == 1
    assert "no display" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_usage_exits_1_with_usage_on_stderr():
    result = run_cli("frobnicate")
    assert result.returncode == 1 and "usage" in result.stderr
    result = run_cli("import", "roster")
    assert result.returncode == 1
    result = run_cli("check", "--db")
    assert result.returncode == 1 and "--db needs a value" in result.stderr


def test_unwritable_database_fails_check(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "x.db").write_text("garbage that is not sqlite" * 50)
    assert main(["check", "--no-play", "--json", "--db", str(folder / "x.db")]) == 1
