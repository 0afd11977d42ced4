"""Run in a subprocess with a given screen size and scale: builds the whole app on a
configured day, shows every page, and prints what does not fit the screen as JSON."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakes import FakeClock  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main() -> None:
    qapp = QApplication.instance() or QApplication([])
    from facilitator.app import FacilitatorApp
    from facilitator.core import venue
    from facilitator.core.pack import load_pack
    from facilitator.core.paths import resolve
    from facilitator.core.store import Store
    from facilitator.ui.common.shortcuts_dialog import ShortcutsDialog
    from facilitator.ui.venue.venue_dialog import VenueSetupDialog

    repo = Path(__file__).resolve().parent.parent
    pack = load_pack(repo / "sessions" / "ai-in-policing")
    folder = Path(tempfile.mkdtemp())
    db = folder / "venue.db"
    with Store(db) as store:
        venue.save(store, pack, venue.VenueSettings("cardiff", 2, ("Table 1", "Table 2")))
        store.set_setting("workshop", "2")
    app = FacilitatorApp(resolve(str(db), None), ask_venue=False, show_audience=False,
                         clock=FakeClock())
    window = app.window
    window.resize(1280, 800)  # what it asked for before it knew the screen
    window.show()
    for _ in range(30):
        qapp.processEvents()
    window.ensure_vote_pages()
    area = window.screen().availableGeometry()
    # A real desktop keeps a taskbar (and the window its title bar): the smallest size
    # must leave room for both.
    room_h = area.height() - (int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    problems: list[str] = []

    def check(name: str, frame_w: int, frame_h: int, min_w: int, min_h: int) -> None:
        if min_w > area.width() or min_h > room_h:
            problems.append(f"{name}: needs at least {min_w}×{min_h}, screen {area.width()}"
                            f"×{room_h} beside a taskbar")
        if frame_w > area.width() or frame_h > area.height():
            problems.append(f"{name}: is {frame_w}×{frame_h}, screen {area.width()}×"
                            f"{area.height()}")

    for i in range(window.pages.count()):
        window.pages.setCurrentIndex(i)
        qapp.processEvents()
        hint = window.minimumSizeHint()
        check(f"main window on {window.pages.tabText(i)}", window.frameGeometry().width(),
              window.frameGeometry().height(), hint.width(), hint.height())
    window.votes.results.on_air.show()
    window.votes.results.reveal_button.setText(window.tr("&Hide from audience screen"))
    window.show_page("results")
    qapp.processEvents()
    hint = window.minimumSizeHint()
    check("main window with results revealed", window.width(), window.height(),
          hint.width(), hint.height())
    inside = area.contains(window.frameGeometry().topLeft()) and \
        window.geometry().bottom() <= area.bottom()
    if not inside:
        problems.append(f"main window at {window.frameGeometry().getRect()} runs off the "
                        f"screen {area.getRect()} (status bar hidden)")
    dialog = VenueSetupDialog(pack, pin_set=False)
    dialog.adjustSize()
    check("venue set-up", dialog.width(), dialog.height(), dialog.minimumSizeHint().width(),
          dialog.minimumSizeHint().height())
    shortcuts = ShortcutsDialog(window.menuBar(), window)
    check("keyboard shortcuts", shortcuts.width(), shortcuts.height(),
          shortcuts.minimumSizeHint().width(), shortcuts.minimumSizeHint().height())
    audience = app.audience
    audience.place()
    check("audience window", audience.frameGeometry().width(),
          audience.frameGeometry().height(), audience.minimumSizeHint().width(),
          audience.minimumSizeHint().height())
    print(json.dumps({"screen": [area.width(), area.height()], "problems": problems}))
    app.shut_down()


if __name__ == "__main__":
    main()
