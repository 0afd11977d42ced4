"""The Qt binding must survive a five-hour day of calls that return None or a bool.

PySide6 6.12.0 on Python 3.11 leaks a reference to None/True/False per call and the
process aborts after a few thousand; the console updates its labels every second.
"""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for _ in range(50_000):
    label.setText("x")          # returns None
    label.isVisible()           # returns a bool
print("survived")
"""


def test_many_none_and_bool_returns_do_not_abort_the_process():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-1000:]
    assert "survived" in result.stdout
