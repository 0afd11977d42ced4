"""A laptop screen: every window fits and works at 1366×768 and at 125 % scaling; Help →
Keyboard shortcuts lists every shortcut."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import QApplication

HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize("screen,scale", [((1366, 768), "1"), ((1366, 768), "1.25"),
                                          ((1920, 1080), "1")])
def test_every_window_fits_the_screen(tmp_path: Path, screen, scale) -> None:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "laptop", "x": 0, "y": 0, "width": screen[0], "height": screen[1],
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
           "QT_SCALE_FACTOR": scale, "PYTHONPATH": str(HERE.parent)}
    # 60 px for a taskbar and a title bar: the smallest window must still fit beside them.
    result = subprocess.run([sys.executable, str(HERE / "laptop_probe.py"), "60"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["problems"] == [], report


def test_help_lists_every_keyboard_shortcut(qtbot, tmp_path: Path, default_pack) -> None:
    from fakes import FakeClock

    from facilitator.app import FacilitatorApp
    from facilitator.core import venue
    from facilitator.core.paths import resolve
    from facilitator.core.store import Store

    db = tmp_path / "venue.db"
    with Store(db) as store:
        venue.save(store, default_pack, venue.VenueSettings("cardiff", 2, ("Table 1",)))
    app = FacilitatorApp(resolve(str(db), None), ask_venue=False, show_audience=False,
                         clock=FakeClock())
    window = app.window
    qtbot.addWidget(window)
    try:
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        qtbot.waitUntil(lambda: app.notes is not None and window._advice is not None,
                        timeout=5000)
        window.ensure_vote_pages()
        qtbot.keyClick(window, Qt.Key.Key_F1)
        dialog = window.help.shortcuts_dialog
        assert dialog.isVisible()
        text = dialog.text()
        # Every menu item's shortcut, and every key bound on the console and capture panel.
        keys = set()
        for action in window.findChildren(QAction):
            if not action.shortcut().isEmpty() and action.isVisible():
                keys.add(action.shortcut().toString())
        for shortcut in window.findChildren(QShortcut):
            keys.add(shortcut.key().toString())
        keys.discard("")
        spelled = {"Right": "→", "Left": "←", "Alt+Right": "Alt+→", "Alt+Left": "Alt+←",
                   "Return": "Enter", "Ctrl+Return": "Ctrl+Enter", "PgUp": "Page Up",
                   "PgDown": "Page Down", "Alt+PgUp": "Alt+Page Up",
                   "Alt+PgDown": "Alt+Page Down"}
        spelled.update({f"Ctrl+{n}": "Ctrl+1 … Ctrl+9" for n in range(1, 10)})
        missing = sorted(k for k in keys if spelled.get(k, k) not in text)
        assert missing == [], (missing, text)
        for word in ("Ctrl+;", "Ctrl+'", "Ctrl+Shift+L", "Ctrl+Shift+X", "F11"):
            assert word in text
        dialog.close()
    finally:
        app.shut_down()
        QApplication.processEvents()
