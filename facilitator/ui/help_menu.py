"""The main window's Help menu: keyboard shortcuts, where the data is, the log folder
and the About box."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox

from facilitator import __version__
from facilitator.core.pack import SessionPack
from facilitator.core.paths import ResolvedPaths
from facilitator.core.store import Store
from facilitator.ui.common.actions import menu_action
from facilitator.ui.common.errors import show_error

if TYPE_CHECKING:
    from facilitator.ui.common.shortcuts_dialog import ShortcutsDialog


class HelpMenu(QObject):
    """Builds the Help menu on ``window``'s menu bar and answers its items."""

    def __init__(self, window: QMainWindow, store: Store, pack: SessionPack,
                 resolved: ResolvedPaths) -> None:
        super().__init__(window)
        self.window = window
        self.store, self.pack, self.resolved = store, pack, resolved
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self.menu = menu = window.menuBar().addMenu(self.tr("&Help"))
        self.shortcuts_action = menu_action(self.window, self.tr("&Keyboard shortcuts"),
                                            self.show_shortcuts, QKeySequence("F1"))
        menu.addAction(self.shortcuts_action)
        menu.addAction(menu_action(self.window, self.tr("Where is my data?"), self.show_data_location))
        self.open_log_action = menu_action(self.window, self.tr("Open &log folder"), self.open_log_folder)
        menu.addAction(self.open_log_action)
        menu.addAction(menu_action(self.window, self.tr("&About Facilitator"), self.show_about))

    def show_shortcuts(self) -> None:
        from facilitator.ui.common.shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self.window.menuBar(), self.window)
        self.shortcuts_dialog = dialog
        dialog.show()

    def data_location_text(self) -> str:
        return self.tr(
            "<p><b>Database:</b> {db}<br><small>(from {db_source})</small></p>"
            "<p><b>Data folder:</b> {folder}</p>"
            "<p><b>Session pack:</b> {pack}<br><small>(from {pack_source})</small></p>"
            "<p>Snapshots and backups are kept in the data folder. Participants are "
            "stored by pseudonymous code only.</p>"
        ).format(db=self.store.path, db_source=self.resolved.db_source,
                 folder=self.store.path.parent, pack=self.pack.path,
                 pack_source=self.resolved.pack_source)

    def show_data_location(self) -> None:
        box = QMessageBox(self.window)
        box.setWindowTitle(self.tr("Where is my data?"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(self.data_location_text())
        open_button = box.addButton(self.tr("Open data folder"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is open_button:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.store.path.parent)))

    def open_log_folder(self) -> None:
        """Show the folder with the app's log file (what to send when something went wrong)."""
        from facilitator.core import paths

        folder = paths.log_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            show_error(self.window, exc)
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            QMessageBox.information(self.window, self.tr("Open log folder"),
                                    self.tr("The log is in this folder:") + "\n" + str(folder))

    def show_about(self) -> None:
        QMessageBox.about(
            self.window, self.tr("About Facilitator"),
            self.tr("<h3>Facilitator {version}</h3>"
                    "<p>Runs in-person public-dialogue workshops offline: the agenda on a "
                    "projector, expert videos, table notes, rankings and reports.</p>"
                    "<p>Programme: {title}</p>").format(version=__version__,
                                                         title=self.pack.title))
