"""The main window (a shell the later issues fill)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from facilitator.core.pack import SessionPack
from facilitator.core.paths import ResolvedPaths
from facilitator.core.store import Store


class MainWindow(QMainWindow):
    def __init__(self, store: Store, pack: SessionPack, resolved: ResolvedPaths) -> None:
        super().__init__()
        self.store = store
        self.pack = pack
        self.resolved = resolved
        self.setWindowTitle(self.tr("Facilitator — {title}").format(title=pack.title))
        self.setCentralWidget(QLabel(pack.title))
