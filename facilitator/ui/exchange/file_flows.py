"""The main window's File menu: databases, imports (roster, notes, ballots, exchange
files), exports, merging other laptops' data and backups — each file question asked
on the GUI thread, the work run in the background.

The exports themselves are ``ExportController``'s (built on first use); merging is
the ``MergeWindow``'s. Core modules are imported when a flow runs, not at start.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from facilitator.core.errors import ImportReport
from facilitator.core.pack import SessionPack
from facilitator.core.paths import ResolvedPaths
from facilitator.core.store import Store
from facilitator.ui.common.actions import menu_action
from facilitator.ui.common.errors import show_task_failure
from facilitator.ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from facilitator.core.roster import UnknownValue
    from facilitator.ui.exchange.export_actions import ExportController
    from facilitator.ui.exchange.merge_window import MergeWindow


class FileFlows(QObject):
    """Builds the File menu on ``window``'s menu bar and runs what it offers.

    Signals: data_changed() — an import or an undone merge changed the store;
    database_requested(str path) — the user chose another database file.
    """

    data_changed = Signal()
    database_requested = Signal(str)

    def __init__(self, window: QMainWindow, store: Store, pack: SessionPack,
                 resolved: ResolvedPaths, tasks: TaskRunner, *,
                 documents: Callable[[], str]) -> None:
        super().__init__(window)
        self.window = window
        self.store, self.pack, self.resolved, self.tasks = store, pack, resolved, tasks
        self.documents = documents
        self.last_import: ImportReport | None = None
        self.last_backup: Path | None = None
        self.merge_window: MergeWindow | None = None
        self._exports: ExportController | None = None
        self._build_menu()

    @property
    def busy(self) -> bool:
        """An import, export, backup or merge is still running."""
        return self.tasks.busy or (self.merge_window is not None and self.merge_window.busy)

    # -- the menu ---------------------------------------------------------------------

    def _build_menu(self) -> None:
        self.menu = menu = self.window.menuBar().addMenu(self.tr("&File"))
        menu.addAction(menu_action(self.window, self.tr("&New database…"), self.new_database,
                                   QKeySequence.StandardKey.New))
        menu.addAction(menu_action(self.window, self.tr("&Open database…"), self.open_database,
                                   QKeySequence.StandardKey.Open))
        menu.addSeparator()
        self.import_menu = menu.addMenu(self.tr("&Import"))
        self.import_roster_action = menu_action(self.window, self.tr("&Participants (roster CSV)…"),
                                                self.import_roster_dialog)
        self.import_notes_action = menu_action(self.window, self.tr("&Notes, quotes and advice (CSV)…"),
                                               self.import_notes_dialog)
        self.import_exchange_action = menu_action(
            self.window, self.tr("&Advice exchange file or site export (PDF)…"), self.import_exchange_dialog)
        self.import_ballots_action = menu_action(self.window, self.tr("&Ballots (CSV)…"),
                                                 self.import_ballots_dialog)
        for action in (self.import_roster_action, self.import_notes_action,
                       self.import_exchange_action, self.import_ballots_action):
            self.import_menu.addAction(action)
        self._build_export_menu()
        self.merge_action = menu_action(self.window, self.tr("&Merge other laptops' data…"),
                                        self.show_merge_window, "Ctrl+Shift+M")
        menu.addAction(self.merge_action)
        self.undo_merge_action = menu_action(self.window, self.tr("&Undo last merge…"),
                                             self.undo_last_merge)
        menu.addAction(self.undo_merge_action)
        menu.addSeparator()
        self.backup_action = menu_action(self.window, self.tr("&Back up to…"), self.backup_dialog,
                                         "Ctrl+Shift+B")
        menu.addAction(self.backup_action)
        menu.addSeparator()
        menu.addAction(menu_action(self.window, self.tr("&Quit"), self.window.close,
                                   QKeySequence.StandardKey.Quit))

    def _build_export_menu(self) -> None:
        self.export_menu = menu = self.menu.addMenu(self.tr("&Export"))
        self.export_site_action = menu_action(
            self.window, self.tr("&Site data file — confidential, for the team (PDF)…"),
            lambda: self.exports.export_site(), "Ctrl+E")
        self.export_merged_action = menu_action(
            self.window, self.tr("&Publication report — no data, for publishing (PDF)…"),
            lambda: self.exports.export_merged())
        self.export_word_action = menu_action(
            self.window, self.tr("Publication report to &edit — no data (Word)…"),
            lambda: self.exports.export_word())
        for action in (self.export_site_action, self.export_merged_action,
                       self.export_word_action):
            menu.addAction(action)
        menu.addSeparator()
        self.export_workbook_action = menu_action(
            self.window, self.tr("Analysis &workbook — for the team's analysts (Excel)…"),
            lambda: self.exports.export_analysis(".xlsx"))
        self.export_qda_action = menu_action(
            self.window, self.tr("&QDA project — for NVivo, ATLAS.ti, MAXQDA (REFI-QDA)…"),
            lambda: self.exports.export_analysis(".qdpx"))
        menu.addAction(self.export_workbook_action)
        menu.addAction(self.export_qda_action)
        menu.addSeparator()
        self.export_notes_action = menu_action(self.window, self.tr("&Notes as CSV…"),
                                               self.export_notes_dialog)
        menu.addAction(self.export_notes_action)
        self.name_badges_action = menu_action(
            self.window, self.tr("Name &badges (kept on this laptop)…"),
            lambda: self.exports.edit_name_badges())
        menu.addAction(self.name_badges_action)

    @property
    def exports(self) -> ExportController:
        """Built on first use: exports are not on the first screen."""
        if self._exports is None:
            from facilitator.ui.exchange.export_actions import ExportController

            controller = ExportController(self.window, self.store, self.pack, self.tasks,
                                          documents=self.documents)
            controller.exported.connect(lambda path: self._say(
                self.tr("Written: {path}").format(path=path), 15000))
            self._exports = controller
        return self._exports

    def _say(self, message: str, timeout_ms: int) -> None:
        self.window.statusBar().showMessage(message, timeout_ms)

    def _failed(self, exc: BaseException) -> None:
        show_task_failure(self.window, exc)

    # -- databases --------------------------------------------------------------------

    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("New database"), str(self.resolved.data_dir),
            self.tr("Facilitator databases (*.db)"))
        if path:
            if not path.endswith(".db"):
                path += ".db"
            self.database_requested.emit(path)

    def open_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("Open database"), str(self.resolved.data_dir),
            self.tr("Facilitator databases (*.db);;All files (*)"))
        if path:
            self.database_requested.emit(path)

    # -- imports ----------------------------------------------------------------------

    def _ask_csv(self, title: str) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self.window, title, self.documents(),
                                              self.tr("CSV files (*.csv);;All files (*)"))
        return Path(path) if path else None

    def _imported(self, report: ImportReport, message: str, title: str) -> None:
        self.last_import = report
        self.data_changed.emit()
        self._say(message, 10000)
        if report.warnings:
            QMessageBox.information(self.window, title,
                                    message + "\n\n" + "\n".join(report.warnings))

    def import_roster_dialog(self) -> None:
        path = self._ask_csv(self.tr("Import participants"))
        if path:
            self.import_roster_file(path)

    def import_roster_file(self, path: Path) -> None:
        """Ask once about each value no rule knows, then import in the background.

        The store is untouched if anything is wrong or the questions are cancelled.
        """
        from facilitator.core.roster import unknown_values

        store, pack = self.store, self.pack
        self.tasks.run(
            self.tr("Reading participants…"),
            lambda progress: unknown_values(store, pack, path),
            lambda unknowns: self._import_roster_answered(path, unknowns),
            self._failed,
        )

    def _import_roster_answered(self, path: Path, unknowns: list[UnknownValue]) -> None:
        from facilitator.core.roster import import_roster
        from facilitator.ui.venue.value_map_dialog import ValueMapDialog

        mappings: dict[tuple[str, str], str] = {}
        if unknowns:
            dialog = ValueMapDialog(self.pack, unknowns, path.name, self.window)
            if not dialog.exec():
                self._say(self.tr("Import cancelled; nothing was changed."), 10000)
                return
            mappings = dialog.mappings()
        store, pack = self.store, self.pack
        self.tasks.run(
            self.tr("Importing participants…"),
            lambda progress: import_roster(store, pack, path, progress, mappings=mappings),
            self._roster_imported,
            self._failed,
        )

    def _roster_imported(self, report: ImportReport) -> None:
        message = self.tr("{file}: {added} added, {updated} updated, {unchanged} unchanged").format(
            file=Path(report.file).name, added=report.added, updated=report.updated,
            unchanged=report.unchanged)
        self._imported(report, message, self.tr("Participants imported"))

    def import_notes_dialog(self) -> None:
        path = self._ask_csv(self.tr("Import notes, quotes and advice"))
        if path:
            self.import_notes_file(path)

    def import_notes_file(self, path: Path) -> None:
        """Import notes in the background, all-or-nothing."""
        from facilitator.core.notes_csv import import_notes

        store, pack = self.store, self.pack
        self.tasks.run(self.tr("Importing notes…"),
                       lambda progress: import_notes(store, pack, path, progress),
                       self._notes_imported, self._failed)

    def _notes_imported(self, report: ImportReport) -> None:
        message = self.tr("{file}: {added} notes added, {unchanged} already there").format(
            file=Path(report.file).name, added=report.added, unchanged=report.unchanged)
        self._imported(report, message, self.tr("Notes imported"))

    def import_ballots_dialog(self) -> None:
        path = self._ask_csv(self.tr("Import ballots"))
        if path:
            self.import_ballots_file(path)

    def import_ballots_file(self, path: Path, replace: bool = False) -> None:
        """Rankings from a CSV, all-or-nothing, in the background."""
        from facilitator.core.ballots import import_ballots

        store, pack = self.store, self.pack
        self.tasks.run(
            self.tr("Importing ballots…"),
            lambda progress: import_ballots(store, pack, path, replace=replace,
                                            progress=progress),
            self._ballots_imported, self._failed)

    def _ballots_imported(self, report: ImportReport) -> None:
        message = self.tr("{file}: {added} ballots added, {updated} replaced, "
                          "{unchanged} unchanged").format(
            file=Path(report.file).name, added=report.added, updated=report.updated,
            unchanged=report.unchanged)
        self._imported(report, message, self.tr("Ballots imported"))

    def import_exchange_dialog(self) -> None:
        """An exchange file or export PDF merges like any other laptop's data: the Merge
        window previews it first."""
        names, _ = QFileDialog.getOpenFileNames(
            self.window, self.tr("Advice exchange files or site exports"), self.documents(),
            self.tr("PDF files (*.pdf)"))
        if names:
            self.import_exchange_files([Path(n) for n in names])

    def import_exchange_files(self, files: list[Path]) -> None:
        self.show_merge_window().add_files(files)

    # -- exports and backups ----------------------------------------------------------

    def export_notes_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("Export notes as CSV"),
            str(Path(self.documents()) / f"notes-{self.store.site or 'all'}.csv"),
            self.tr("CSV files (*.csv)"))
        if path:
            self.export_notes_file(Path(path))

    def export_notes_file(self, path: Path) -> None:
        """This site's notes in the import format (UTF-8 with BOM), in the background."""
        from facilitator.core.notes_csv import export_notes

        store, pack, site = self.store, self.pack, self.store.site or None
        self.tasks.run(self.tr("Exporting notes…"),
                       lambda progress: export_notes(store, pack, path, site, progress),
                       lambda count: self._say(
                           self.tr("{count} notes written to {path}").format(count=count,
                                                                             path=path), 15000),
                       self._failed)

    def backup_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.window, self.tr("Back up to (choose the USB stick or a folder)"),
            self.documents())
        if folder:
            self.backup_to(Path(folder))

    def backup_to(self, folder: Path) -> None:
        """Copy a consistent snapshot of the database to ``folder`` in the background."""
        from facilitator.core.backup import backup_to

        store = self.store
        self.tasks.run(self.tr("Backing up…"), lambda progress: backup_to(store, folder),
                       self._backed_up, self._failed)

    def _backed_up(self, target: Path) -> None:
        self.last_backup = target
        self._say(self.tr("Backed up to {path}").format(path=target), 15000)

    # -- merging ----------------------------------------------------------------------

    def show_merge_window(self) -> MergeWindow:
        """A window of its own, not modal: the console keeps running during a merge."""
        from facilitator.ui.exchange.merge_window import MergeWindow

        window = self.merge_window
        if window is None or window.store is not self.store:
            window = MergeWindow(self.store, self.window,
                                 site_names={site.id: site.name for site in self.pack.sites})
            self.merge_window = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def undo_last_merge(self) -> None:
        """File → Undo last merge: confirmed, then the database is put back as before it
        in the background; the status bar says what is happening, then the outcome."""
        from facilitator.ui.exchange.merge_window import ask_undo_last_merge

        if self.busy:
            # An import or merge still writing would be lost, or would lose the undo.
            self._say(self.tr("Another task is still running: undo the merge when it "
                              "has finished."), 15000)
            return
        ask_undo_last_merge(self.window, self.store, self.tasks, self._merge_undone,
                            lambda: self._say(self.tr("Undoing the last merge…"), 0))

    def _merge_undone(self, message: str) -> None:
        self._say(message, 15000)
        self.data_changed.emit()
