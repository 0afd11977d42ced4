"""gui_stall: the longest GUI-thread stall while an export and a merge run in the app.

The real main window (offscreen) starts a site export through File → Export's
controller and a merge through the Merge window, both on worker threads, while a
timer on the GUI thread ticks every 5 ms; the figure is the longest gap between
ticks beyond the timer's own period. Its floor is 0 (DESIGN §8): no ratio.

    python bench/gui_stall.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import apply_headless_env, scaled  # noqa: E402

TICK_MS = 5


def measure() -> float:
    apply_headless_env()
    os.environ.setdefault("FACILITATOR_CONFIG_DIR",
                          tempfile.mkdtemp(prefix="facilitator-bench-config-"))
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from facilitator.app import prepare_process, settle_heap

    prepare_process()  # as the real app does before its first window
    from bench.export_pdf import fixture
    from bench.merge_3x100k import fixtures
    from facilitator.core.pack import load_pack
    from facilitator.core.paths import default_pack_dir, resolve
    from facilitator.core.store import Store
    from facilitator.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    pack = load_pack(default_pack_dir())
    sources = fixtures(scaled(20_000, 500))
    export_db = fixture(scaled(1000, 50))
    with tempfile.TemporaryDirectory(prefix="facilitator-bench-stall-") as tmp:
        db = Path(tmp) / "venue.db"
        db.write_bytes(export_db.read_bytes())
        store = Store(db, device_id="bench-console")
        window = MainWindow(store, pack, resolve(str(db), str(pack.path)))
        window.show()
        controller = window.files.exports
        controller.ask_path = lambda _t, _s: str(Path(tmp) / "export.pdf")
        controller.review = lambda hits: True
        window.files.show_merge_window()
        merging = window.files.merge_window
        done = {"export": False, "merge": False}
        controller.exported.connect(lambda _p: done.__setitem__("export", True))
        controller.failed.connect(lambda _m: done.__setitem__("export", True))
        merging.merged.connect(lambda _r: done.__setitem__("merge", True))
        merging.refused.connect(lambda _m: done.__setitem__("merge", True))
        merging.previewed.connect(lambda _r: merging.apply())

        # Let the window finish what it builds after its first paint: the figure is
        # about exports and merges, cold start has its own benchmark.
        settle = time.monotonic() + 1.5
        while time.monotonic() < settle:
            app.processEvents()
            time.sleep(0.005)
        settle_heap()  # as the app does once its window is up

        clock = QElapsedTimer()
        clock.start()
        last = [clock.elapsed()]
        worst = [0]

        def tick() -> None:
            now = clock.elapsed()
            worst[0] = max(worst[0], now - last[0] - TICK_MS)
            last[0] = now

        timer = QTimer()
        timer.setInterval(TICK_MS)
        timer.timeout.connect(tick)
        timer.start()
        window.files.export_site_action.trigger()
        merging.add_files(sources)
        deadline = time.monotonic() + 600
        while not all(done.values()) and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.001)
        timer.stop()
        window.tasks.setParent(None)
        merging.close()
        window.close()
        store.close()
    return max(worst[0], 0) / 1000.0


def run() -> list[str]:
    stall = measure()
    # DESIGN §8: the floor of a stall is 0, so no ratio is printed.
    return [f"BENCH gui_stall app={stall:.6g} floor=0 unit=s"]


if __name__ == "__main__":
    for text in run():
        print(text)
