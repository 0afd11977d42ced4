"""Composition root: builds the QApplication, the store, the services and the windows."""

from __future__ import annotations

import os
import sys

from facilitator.core import paths

NO_DISPLAY_MESSAGE = (
    "facilitator: no display available. Run it on a desktop session, or set "
    "QT_QPA_PLATFORM=offscreen for headless use, or start it under xvfb-run."
)


def display_available() -> bool:
    """Qt aborts the process when it cannot open a display; detect that first."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_gui(resolved: paths.ResolvedPaths) -> int:
    if not display_available():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return 1
    from PySide6.QtWidgets import QApplication

    from facilitator.core.errors import FacilitatorError
    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store
    from facilitator.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Facilitator")
    app.setOrganizationName("Facilitator")
    try:
        pack = load_pack(resolved.pack)
        store = Store(resolved.db)
    except FacilitatorError as exc:
        from facilitator.ui.errors import show_error

        show_error(None, exc)
        return 1
    window = MainWindow(store, pack, resolved)
    window.show()
    code = app.exec()
    store.close()
    return int(code)
