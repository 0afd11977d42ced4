"""cold_start: process launch to first paint of the main window on the default pack,
next to a bare QMainWindow launched the same way, in the same run.

The venue is set up (site, workshop, tables), so the app opens as on the day and as
`facilitator` launches it (``defer_day``): the main window (menus, status bar, tabs,
"Opening the workshop…") paints first; the console, the runner, the audience window and
the participants page are built straight after that paint, and sqlite-utils loads only
when something first writes.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time

from bench.common import REPO, cache_dir, headless_env, line, median

RUNS = 5

_CHILD = r"""
import os, sys, time
t0 = float(sys.argv[1])
kind = sys.argv[2]
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(f"PAINT {time.time() - t0:.6f}", flush=True)
            os._exit(0)
        return False

app = QApplication(sys.argv[:1])
if kind == "app":
    from facilitator.app import build_main_window, prepare_process
    prepare_process()
    from facilitator.core.paths import resolve
    window = build_main_window(resolve(sys.argv[3], None))
else:
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.resize(1280, 800)
paint = FirstPaint()
window.installEventFilter(paint)
window.show()
QTimer.singleShot(20000, lambda: os._exit(3))
app.exec()
"""


def _launch(kind: str, db: str) -> float:
    env = headless_env()
    env["PYTHONPATH"] = str(REPO)
    # As an installed app runs: from compiled bytecode (kept in the bench cache, not
    # beside the sources), which the warm-up launch writes.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache_dir() / "pycache")
    start = time.time()
    result = subprocess.run([sys.executable, "-c", _CHILD, repr(start), kind, db],
                            capture_output=True, text=True, env=env, timeout=60, cwd=REPO)
    for out in result.stdout.splitlines():
        if out.startswith("PAINT "):
            return float(out.split()[1])
    raise RuntimeError(f"{kind}: no paint (rc {result.returncode}): {result.stderr[-500:]}")


def _set_up_venue(db: str) -> None:
    from facilitator.core import venue
    from facilitator.core.pack import load_pack
    from facilitator.core.paths import default_pack_dir
    from facilitator.core.store import Store

    pack = load_pack(default_pack_dir())
    with Store(db) as store:
        venue.save(store, pack, venue.VenueSettings(pack.sites[0].id, 2, ("Table 1", "Table 2")))


def run() -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        db = f"{folder}/bench.db"
        _set_up_venue(db)
        _launch("app", db)  # warm the OS file cache once
        app_times, bare_times = [], []
        for _ in range(RUNS):
            bare_times.append(_launch("bare", db))
            app_times.append(_launch("app", db))
    return [line("cold_start", median(app_times), median(bare_times), "s")]


if __name__ == "__main__":
    for out in run():
        print(out)
