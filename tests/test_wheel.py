"""Installed from a wheel, the app still finds its session pack, videos and font."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_wheel_carries_sessions_and_assets(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
         str(REPO)], capture_output=True, text=True, timeout=300)
    if build.returncode != 0:
        pytest.fail(f"wheel build failed: {build.stderr[-2000:]}")
    wheel = next((tmp_path / "dist").glob("facilitator-*.whl"))
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = ("import facilitator.core.paths as p, json;"
            "from facilitator.core import i18n;"
            "print(json.dumps([str(p.sessions_dir()), str(p.assets_dir()),"
            " str(i18n.po_path()), i18n.Words('cy').translate('MainWindow', '&File')]))")
    where = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, cwd=tmp_path, check=True)
    sessions, assets, po, file_menu = json.loads(where.stdout)
    # The Welsh dictionary travels in the wheel too.
    assert po.startswith(str(target)) and file_menu == "&Ffeil"
    assert sessions.startswith(str(target)) and assets.startswith(str(target))
    check = subprocess.run([sys.executable, "-m", "facilitator", "check", "--json", "--no-play",
                            "--db", str(tmp_path / "x.db")], capture_output=True, text=True,
                           env=env, cwd=tmp_path, timeout=120)
    report = json.loads(check.stdout)
    assert report["ok"], check.stdout
    assert all(str(target) in c["detail"] for c in report["checks"]
               if c["name"].startswith("video:") or c["name"] == "font")
