"""The main window: menus, status bar, and the pages later capabilities fill.

It receives the store, the pack and the resolved paths from the composition root
(``facilitator.app``) and never reaches for globals.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTime, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from facilitator import __version__
from facilitator.core.backup import backup_to
from facilitator.core.errors import Cancelled, ImportReport
from facilitator.core.pack import SessionPack
from facilitator.core.paths import ResolvedPaths
from facilitator.core.roster import import_roster
from facilitator.core.store import Store
from facilitator.ui.errors import show_error
from facilitator.ui.participants import ParticipantsPanel
from facilitator.ui.tasks import TaskRunner


class MainWindow(QMainWindow):
    """The facilitator's window.

    Signals: database_requested(str path) — the user chose another database file;
    the composition root reopens the app on it. data_changed() — an import or edit
    changed the store.
    """

    database_requested = Signal(str)
    venue_setup_requested = Signal()
    audience_requested = Signal()
    data_changed = Signal()
    closing = Signal()

    def __init__(self, store: Store, pack: SessionPack, resolved: ResolvedPaths, *,
                 tasks: TaskRunner | None = None, rehearsal: bool = False) -> None:
        super().__init__()
        self.store = store
        self.pack = pack
        self.resolved = resolved
        self.rehearsal = rehearsal
        self.tasks = tasks or TaskRunner(self)
        self.last_import: ImportReport | None = None
        self.last_backup: Path | None = None
        # Set by the app when closing should be confirmed: returns a warning, or None.
        self.close_warning: Callable[[], str | None] | None = None
        title = self.tr("Facilitator — {title}").format(title=pack.title)
        if rehearsal:
            title = self.tr("REHEARSAL — {title}").format(title=title)
        self.setWindowTitle(title)
        self.resize(1280, 800)

        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.setCentralWidget(self.pages)
        self.participants = ParticipantsPanel(store, pack)
        self.participants.import_requested.connect(self.import_roster_dialog)
        self.data_changed.connect(self.participants.refresh)
        self.add_page("participants", self.participants, self.tr("Participants"))

        self.setup_page = self._build_setup_page()
        # Until the venue is set up, the console's place holds the set-up page.
        self.add_page("console", self.setup_page, self.tr("Console"), first=True)

        self._build_menus()
        self._build_status_bar()

    def _build_setup_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        title = QLabel(self.tr("This laptop is not set up for a venue yet"))
        title.setStyleSheet("font-size: 22px; font-weight: bold;")
        text = QLabel(self.tr("Choose the site, today's workshop and the table names. "
                              "The console, timers and the audience screen start from there."))
        text.setWordWrap(True)
        button = QPushButton(self.tr("Set up this venue…"))
        button.setObjectName("setup_button")
        button.clicked.connect(self.venue_setup_requested)
        for widget in (title, text):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(widget)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        return page

    def set_console(self, console: QWidget) -> None:
        """Replace the set-up page with the day's console."""
        index = self.pages.indexOf(self.setup_page)
        if index >= 0:
            self.pages.removeTab(index)
            self.setup_page.deleteLater()
        self.add_page("console", console, self.tr("Console"), first=True)
        console.setFocus()
        self.refresh_status()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.tasks.busy:
            self.statusBar().showMessage(self.tr("Please wait: an import or backup is still "
                                                 "running."), 5000)
            event.ignore()
            return
        warning = self.close_warning() if self.close_warning is not None else None
        if warning and QMessageBox.question(
                self, self.tr("Close Facilitator?"), warning,
                QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel) != QMessageBox.StandardButton.Close:
            event.ignore()
            return
        self.closing.emit()
        super().closeEvent(event)

    # -- pages -------------------------------------------------------------------------

    def add_page(self, key: str, widget: QWidget, title: str, *, first: bool = False) -> None:
        widget.setObjectName(f"page_{key}")
        if first:
            self.pages.insertTab(0, widget, title)
            self.pages.setCurrentIndex(0)
        else:
            self.pages.addTab(widget, title)

    def show_page(self, key: str) -> None:
        for i in range(self.pages.count()):
            if self.pages.widget(i).objectName() == f"page_{key}":
                self.pages.setCurrentIndex(i)

    # -- menus ------------------------------------------------------------------------

    def _action(self, text: str, slot: object, shortcut: QKeySequence | str | None = None,
                ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu(self.tr("&File"))
        self.file_menu.addAction(self._action(self.tr("&New database…"), self.new_database,
                                              QKeySequence.StandardKey.New))
        self.file_menu.addAction(self._action(self.tr("&Open database…"), self.open_database,
                                              QKeySequence.StandardKey.Open))
        self.file_menu.addSeparator()
        self.import_menu = self.file_menu.addMenu(self.tr("&Import"))
        self.import_roster_action = self._action(self.tr("&Participants (roster CSV)…"),
                                                 self.import_roster_dialog)
        self.import_menu.addAction(self.import_roster_action)
        self.export_menu = self.file_menu.addMenu(self.tr("&Export"))
        self.export_menu.setEnabled(False)
        self.export_menu.setToolTip(self.tr("Exports arrive with the report feature"))
        self.file_menu.addSeparator()
        self.backup_action = self._action(self.tr("&Back up to…"), self.backup_dialog,
                                          "Ctrl+Shift+B")
        self.file_menu.addAction(self.backup_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self._action(self.tr("&Quit"), self.close,
                                              QKeySequence.StandardKey.Quit))

        self.view_menu = bar.addMenu(self.tr("&View"))
        self.view_menu.addAction(self._action(self.tr("&Console"),
                                              lambda: self.show_page("console")))
        self.view_menu.addAction(self._action(self.tr("&Participants"),
                                              lambda: self.show_page("participants")))
        self.view_menu.addAction(self._action(self.tr("&Audience window"),
                                              self.audience_requested, "Ctrl+Shift+A"))
        self.full_screen_action = self._action(self.tr("&Full screen"), self.toggle_full_screen,
                                               QKeySequence.StandardKey.FullScreen)
        self.view_menu.addAction(self.full_screen_action)

        self.settings_menu = bar.addMenu(self.tr("&Settings"))
        self.settings_menu.addAction(self._action(self.tr("&Venue, workshop and tables…"),
                                                  self.venue_setup_requested))

        self.help_menu = bar.addMenu(self.tr("&Help"))
        self.help_menu.addAction(self._action(self.tr("Where is my data?"), self.show_data_location))
        self.help_menu.addAction(self._action(self.tr("&About Facilitator"), self.show_about))

    def _build_status_bar(self) -> None:
        self.site_label = QLabel()
        self.db_label = QLabel()
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = self.statusBar()
        if self.rehearsal:
            badge = QLabel(self.tr(" REHEARSAL — practice data only "))
            badge.setObjectName("rehearsal_badge")
            badge.setStyleSheet("background:#E69F00; color:#000; font-weight:bold; "
                                "padding:2px 6px; border-radius:3px;")
            bar.addWidget(badge)
        bar.addWidget(self.site_label)
        self.snapshot_label = QLabel()
        self.snapshot_label.setObjectName("snapshot_label")
        bar.addPermanentWidget(self.snapshot_label)
        bar.addPermanentWidget(self.db_label)
        self.refresh_status()

    def refresh_status(self) -> None:
        site_id = self.store.site
        workshop = self.store.get_setting("workshop")
        site_name = next((s.name for s in self.pack.sites if s.id == site_id), "")
        if site_name and workshop:
            text = self.tr("{site} · Workshop {number}").format(site=site_name, number=workshop)
        elif site_name:
            text = site_name
        else:
            text = self.tr("Venue not set up yet")
        self.site_label.setText(text)
        self.db_label.setText(self.tr("Database: {path}").format(path=self.store.path))

    def show_snapshot(self, path: str) -> None:
        """A rolling snapshot was written: say when, quietly."""
        self.snapshot_label.setStyleSheet("")
        self.snapshot_label.setToolTip(path)
        self.snapshot_label.setText(self.tr("Snapshot saved {time}").format(
            time=QTime.currentTime().toString("HH:mm")))

    def show_snapshot_problem(self, problem: str) -> None:
        """A snapshot failed (e.g. the disk is full): keep it in view until the next one."""
        self.snapshot_label.setStyleSheet("color: #000; background: #E69F00; padding: 0 6px;")
        self.snapshot_label.setToolTip(problem)
        self.snapshot_label.setText(self.tr("⚠ Snapshot failed: {problem}").format(
            problem=problem))

    # -- actions ----------------------------------------------------------------------

    def toggle_full_screen(self) -> None:
        self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)

    def _documents_dir(self) -> str:
        return QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)

    def import_roster_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import participants"), self._documents_dir(),
            self.tr("CSV files (*.csv);;All files (*)"))
        if path:
            self.import_roster_file(Path(path))

    def import_roster_file(self, path: Path) -> None:
        """Import in the background; the store is untouched if anything is wrong."""
        store, pack = self.store, self.pack
        self.tasks.run(
            self.tr("Importing participants…"),
            lambda progress: import_roster(store, pack, path, progress),
            self._roster_imported,
            self._task_failed,
        )

    def _roster_imported(self, report: ImportReport) -> None:
        self.last_import = report
        self.data_changed.emit()
        message = self.tr("{file}: {added} added, {updated} updated, {unchanged} unchanged").format(
            file=Path(report.file).name, added=report.added, updated=report.updated,
            unchanged=report.unchanged)
        self.statusBar().showMessage(message, 10000)
        if report.warnings:
            QMessageBox.information(self, self.tr("Participants imported"),
                                    message + "\n\n" + "\n".join(report.warnings))

    def _task_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.statusBar().showMessage(self.tr("Cancelled; nothing was changed."), 10000)
            return
        show_error(self, exc)

    def backup_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Back up to (choose the USB stick or a folder)"), self._documents_dir())
        if folder:
            self.backup_to(Path(folder))

    def backup_to(self, folder: Path) -> None:
        """Copy a consistent snapshot of the database to ``folder`` in the background."""
        store = self.store
        self.tasks.run(self.tr("Backing up…"), lambda progress: backup_to(store, folder),
                       self._backed_up, self._task_failed)

    def _backed_up(self, target: Path) -> None:
        self.last_backup = target
        self.statusBar().showMessage(self.tr("Backed up to {path}").format(path=target), 15000)

    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("New database"), str(self.resolved.data_dir),
            self.tr("Facilitator databases (*.db)"))
        if path:
            if not path.endswith(".db"):
                path += ".db"
            self.database_requested.emit(path)

    def open_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open database"), str(self.resolved.data_dir),
            self.tr("Facilitator databases (*.db);;All files (*)"))
        if path:
            self.database_requested.emit(path)

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
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Where is my data?"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(self.data_location_text())
        open_button = box.addButton(self.tr("Open data folder"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is open_button:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.store.path.parent)))

    def show_about(self) -> None:
        QMessageBox.about(
            self, self.tr("About Facilitator"),
            self.tr("<h3>Facilitator {version}</h3>"
                    "<p>Runs in-person public-dialogue workshops offline: the agenda on a "
                    "projector, expert videos, table notes, rankings and reports.</p>"
                    "<p>Programme: {title}</p>").format(version=__version__,
                                                         title=self.pack.title))
