"""Composition root: builds the QApplication, the store, the services and the windows."""

from __future__ import annotations

import os
import sys

from typing import TYPE_CHECKING

from facilitator.core import paths

if TYPE_CHECKING:
    from facilitator.ui.main_window import MainWindow

NO_DISPLAY_MESSAGE = (
    "facilitator: no display available. Run it on a desktop session, or set "
    "QT_QPA_PLATFORM=offscreen for headless use, or start it under xvfb-run."
)


def prepare_process() -> None:
    """Keep sqlite-utils from importing pandas and numpy, which it only uses if present.

    The app never needs them and they cost most of a second at launch on a laptop
    where a data-science stack happens to be installed. Only the GUI process does this.
    """
    for optional in ("pandas", "numpy"):
        sys.modules.setdefault(optional, None)  # type: ignore[arg-type]


def display_available() -> bool:
    """Qt aborts the process when it cannot open a display; detect that first."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def build_main_window(resolved: paths.ResolvedPaths) -> MainWindow:
    """Build the store, services and windows for one database; raises FacilitatorError."""
    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store
    from facilitator.ui.main_window import MainWindow

    pack = load_pack(resolved.pack)
    store = Store(resolved.db)
    window = MainWindow(store, pack, resolved)
    return window


def run_gui(resolved: paths.ResolvedPaths) -> int:
    if not display_available():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return 1
    prepare_process()
    from PySide6.QtWidgets import QApplication

    from facilitator.core.errors import FacilitatorError
    from facilitator.ui.errors import show_error

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Facilitator")
    app.setOrganizationName("Facilitator")
    try:
        window = build_main_window(resolved)
    except FacilitatorError as exc:
        show_error(None, exc)
        return 1
    window.show()
    code = app.exec()
    window.store.close()
    return int(code)
