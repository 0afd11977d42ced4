"""The main window: menus, status bar, and the pages later capabilities fill.

It receives the store, the pack and the resolved paths from the composition root
(``facilitator.app``) and never reaches for globals.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, Qt, QTime, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenuBar,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from facilitator import __version__
from facilitator.core.errors import Cancelled, ImportReport
from facilitator.core.pack import SessionPack
from facilitator.core.paths import ResolvedPaths
from facilitator.core.store import Change, Store
from facilitator.ui.common.errors import show_error
from facilitator.ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from facilitator.core.roster import UnknownValue
    from facilitator.ui.advice.advice_combine import AdviceMenu
    from facilitator.ui.console.audience import AudienceWindow
    from facilitator.ui.exchange.export_actions import ExportController
    from facilitator.ui.venue.participants import ParticipantsPanel


class MainWindow(QMainWindow):
    """The facilitator's window.

    Signals: database_requested(str path) — the user chose another database file;
    the composition root reopens the app on it. data_changed() — an import or edit
    changed the store.
    """

    database_requested = Signal(str)
    venue_setup_requested = Signal()
    audience_requested = Signal()
    language_requested = Signal(str)  # "cy" or "en", from Settings → Language
    audience_language_requested = Signal(str)  # "cy", "en" or "both", from View
    data_changed = Signal()
    closing = Signal()

    def __init__(self, store: Store, pack: SessionPack, resolved: ResolvedPaths, *,
                 tasks: TaskRunner | None = None, rehearsal: bool = False,
                 opening: bool = False) -> None:
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
        self._fitted = False
        self.resize(1280, 800)
        self.fit_to_screen()  # a 1366×768 laptop (or 125 % scaling) must see it all

        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.setCentralWidget(self.pages)
        # The participants page is not on the first screen either: its tab is there at
        # once, its table is filled right after the first paint (or when first asked for).
        self._participants: ParticipantsPanel | None = None
        self.participants_page = QWidget()
        QVBoxLayout(self.participants_page).setContentsMargins(0, 0, 0, 0)
        self.add_page("participants", self.participants_page, self.tr("Participants"))
        # Voting pages are not on the first screen: built once the window is up.
        self.vote_pages_built = False
        self._results_audience: AudienceWindow | None = None
        # A zero timer queued before show() would run before the first paint.
        from facilitator.ui.common.deferred import after_first_paint

        after_first_paint(self, self._build_participants, fallback_ms=300)
        after_first_paint(self, self.ensure_vote_pages, fallback_ms=300)
        # Emoji and symbols DejaVu lacks: a shipped fallback font (not needed to paint).
        from facilitator.ui.common.fonts import register_fallback_fonts

        after_first_paint(self, register_fallback_fonts, fallback_ms=300)

        # Until the day is built (right after the first paint) or the venue is set up,
        # the console's place holds "Opening the workshop…" or the set-up page.
        self.setup_page = self._build_opening_page() if opening else self._build_setup_page()
        self.add_page("console", self.setup_page, self.tr("Console"), first=True)

        self._build_menus()
        self._build_status_bar()

    @property
    def participants(self) -> ParticipantsPanel:
        """The participants page's panel (built after the first paint, or when asked)."""
        if self._participants is None:
            from facilitator.ui.venue.participants import ParticipantsPanel

            panel = ParticipantsPanel(self.store, self.pack)
            panel.import_requested.connect(self.import_roster_dialog)
            self.data_changed.connect(panel.refresh)
            layout = self.participants_page.layout()
            assert layout is not None
            layout.addWidget(panel)
            self._participants = panel
        return self._participants

    def _build_participants(self) -> None:
        if not self.store.closed:  # the window outlived its database (reopened on another)
            _ = self.participants

    def _build_opening_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        text = QLabel(self.tr("Opening the workshop…"))
        text.setObjectName("opening_label")
        text.setStyleSheet("font-size: 22px;")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(text)
        return page

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
        merging = getattr(self, "merge_window", None)
        if self.tasks.busy or (merging is not None and merging.busy):
            self.statusBar().showMessage(self.tr("Please wait: an import, merge or backup is "
                                                 "still running."), 5000)
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

    def add_page(self, key: str, widget: QWidget, title: str, *, first: bool = False,
                 position: int | None = None) -> None:
        widget.setObjectName(f"page_{key}")
        if first:
            self.pages.insertTab(0, widget, title)
            self.pages.setCurrentIndex(0)
        elif position is not None:
            self.pages.insertTab(position, widget, title)
        else:
            self.pages.addTab(widget, title)

    def set_note_taker(self, panel: QWidget) -> None:
        """A table laptop shows only the capture panel: no console, no other pages."""
        index = self.pages.indexOf(self.setup_page)
        if index >= 0:
            self.pages.removeTab(index)
            self.setup_page.deleteLater()
        self.add_page("note_taker", panel, self.tr("Capture notes"), first=True)
        self.pages.tabBar().hide()
        self.view_menu.menuAction().setVisible(False)
        panel.setFocus()
        self.refresh_status()

    def show_page(self, key: str) -> None:
        for i in range(self.pages.count()):
            if self.pages.widget(i).objectName() == f"page_{key}":
                self.pages.setCurrentIndex(i)

    # -- votes: check-in, kiosk, paper ballots, results, quotas ---------------------------

    def ensure_vote_pages(self) -> None:
        """Check-in, voting, paper ballots, results and quotas pages (built once)."""
        if self.vote_pages_built:
            return
        from facilitator.ui.kiosk.ballot_entry import BallotEntryPanel
        from facilitator.ui.kiosk.kiosk_control import KioskControlPanel
        from facilitator.ui.kiosk.phones import PhonesPanel
        from facilitator.ui.results.quotas_view import QuotasPanel
        from facilitator.ui.results.results_view import ResultsPanel
        from facilitator.ui.venue.checkin import CheckInPanel

        if self.store.closed:
            return  # the window outlived its database (reopened on another)
        self.vote_pages_built = True
        self.checkin = CheckInPanel(self.store, self.pack)
        self.kiosk_controls = KioskControlPanel(self.store, self.pack)
        self.ballot_entry = BallotEntryPanel(self.store, self.pack)
        self.results = ResultsPanel(self.store, self.pack)
        self.quotas = QuotasPanel(self.store, self.pack)
        self.phones = PhonesPanel(self.store, self.pack)
        self.kiosk_controls.voting_changed.connect(self.phones.voting_changed)
        for key, widget, title in (
                ("checkin", self.checkin, self.tr("Check-in")),
                ("kiosk", self.kiosk_controls, self.tr("Voting")),
                ("phones", self.phones, self.tr("Phones")),
                ("ballot_entry", self.ballot_entry, self.tr("Paper ballots")),
                ("results", self.results, self.tr("Results")),
                ("quotas", self.quotas, self.tr("Quotas"))):
            self.add_page(key, widget, title)
        self.closing.connect(self.kiosk_controls.shut_down)
        self.closing.connect(self.phones.shut_down)
        self.data_changed.connect(lambda: self.refresh_vote_pages(
            Change(frozenset({"participants", "ballots"}), "import")))
        if self._results_audience is not None:
            self.results.attach_audience(self._results_audience)
            self.phones.attach_audience(self._results_audience)

    def set_results_audience(self, audience: AudienceWindow | None) -> None:
        """The audience window the results page may reveal its chart on, and phone
        voting its QR code (None: none)."""
        self._results_audience = audience
        if self.vote_pages_built:
            self.results.attach_audience(audience)
            self.phones.attach_audience(audience)

    @property
    def advice(self) -> AdviceMenu:
        """The Advice menu (combine, dot kiosk, priorities, exchange file), built once."""
        if self._advice is None:
            from facilitator.ui.advice.advice_combine import AdviceMenu

            self._advice = AdviceMenu(self)
            self._advice.data_changed.connect(self.data_changed)
            self._advice.menu.addSeparator()
            self._advice.menu.addAction(self.show_priorities_action)
        return self._advice

    def refresh_vote_pages(self, change: Change) -> None:
        """Views follow the store (connect StoreSignals.changed here)."""
        if self._advice is not None:
            self._advice.store_changed(change)
        if not self.vote_pages_built:
            return
        for page in (self.checkin, self.ballot_entry, self.results, self.quotas,
                     self.kiosk_controls, self.phones):
            page.store_changed(change)
        if change.tables & {"participants"} and self._participants is not None:
            self._participants.refresh()

    def _build_vote_menu(self, bar: QMenuBar) -> None:
        self.voting_menu = bar.addMenu(self.tr("V&oting"))
        self.voting_menu.addAction(self._action(self.tr("Ballot &kiosk…"),
                                                lambda: self.show_vote_page("kiosk"),
                                                "Ctrl+Shift+K"))
        self.voting_menu.addAction(self._action(self.tr("&Check-in"), self.show_checkin,
                                                "Ctrl+Shift+I"))
        self.voting_menu.addAction(self._action(self.tr("Enter &paper ballots"),
                                                lambda: self.show_vote_page("ballot_entry")))
        self.voting_menu.addAction(self._action(self.tr("&Results"),
                                                lambda: self.show_vote_page("results"),
                                                "Ctrl+Shift+R"))
        self.voting_menu.addAction(self._action(self.tr("&Quotas"),
                                                lambda: self.show_vote_page("quotas")))
        # After the others: tests and muscle memory know the first five by place.
        self.voting_menu.addAction(self._action(self.tr("&Phones…"),
                                                lambda: self.show_vote_page("phones")))
        self.voting_menu.addSeparator()
        self.print_sheet_action = self._action(self.tr("Print &ballot sheet…"),
                                               self.print_ballot_sheet_dialog)
        self.voting_menu.addAction(self.print_sheet_action)
        self.import_ballots_action = self._action(self.tr("&Ballots (CSV)…"),
                                                  self.import_ballots_dialog)
        self.import_menu.addAction(self.import_ballots_action)

    def show_vote_page(self, key: str) -> None:
        self.ensure_vote_pages()
        self.show_page(key)

    def show_checkin(self) -> None:
        self.show_vote_page("checkin")
        self.checkin.focus_search()

    def print_ballot_sheet_dialog(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        from facilitator.core.roster import list_participants

        site = self.store.site
        people = len([p for p in list_participants(self.store, site or None)
                      if not p["withdrawn"]])
        copies, ok = QInputDialog.getInt(
            self, self.tr("Print ballot sheets"),
            self.tr("How many sheets? Each is numbered (1, 2, 3…) for keying; the use "
                    "cases are in the same order as the entry grid."),
            max(people, 1) if people else 20, 1, 2000)
        if not ok:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save ballot sheets"),
            str(Path(self._documents_dir()) / "ballot-sheets.pdf"),
            self.tr("PDF files (*.pdf)"))
        if path:
            self.print_ballot_sheet(Path(path), copies)

    def print_ballot_sheet(self, path: Path, copies: int) -> None:
        """Write the numbered sheets in the background."""
        from facilitator.export.ballot_sheet import write_ballot_sheet

        site = next((s for s in self.pack.sites if s.id == self.store.site), None)
        workshop = self.store.get_setting("workshop")
        pack = self.pack
        self.tasks.run(
            self.tr("Writing ballot sheets…"),
            lambda progress: write_ballot_sheet(
                pack, path, site_name=site.name if site else "",
                workshop=int(workshop) if workshop and workshop.isdigit() else None,
                copies=copies, progress=progress),
            self._ballot_sheet_written, self._task_failed)

    def _ballot_sheet_written(self, path: Path) -> None:
        self.last_ballot_sheet = path
        self.statusBar().showMessage(self.tr("Ballot sheets written to {path}").format(
            path=path), 15000)

    def import_ballots_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import ballots"), self._documents_dir(),
            self.tr("CSV files (*.csv);;All files (*)"))
        if path:
            self.import_ballots_file(Path(path))

    def import_ballots_file(self, path: Path, replace: bool = False) -> None:
        """Rankings from a CSV, all-or-nothing, in the background."""
        from facilitator.core.ballots import import_ballots

        store, pack = self.store, self.pack
        self.tasks.run(
            self.tr("Importing ballots…"),
            lambda progress: import_ballots(store, pack, path, replace=replace,
                                            progress=progress),
            self._ballots_imported, self._task_failed)

    def _ballots_imported(self, report: ImportReport) -> None:
        self.last_import = report
        self.data_changed.emit()
        message = self.tr("{file}: {added} ballots added, {updated} replaced, "
                          "{unchanged} unchanged").format(
            file=Path(report.file).name, added=report.added, updated=report.updated,
            unchanged=report.unchanged)
        self.statusBar().showMessage(message, 10000)
        if report.warnings:
            QMessageBox.information(self, self.tr("Ballots imported"),
                                    message + "\n\n" + "\n".join(report.warnings))

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
        self.import_notes_action = self._action(self.tr("&Notes, quotes and advice (CSV)…"),
                                                self.import_notes_dialog)
        self.import_menu.addAction(self.import_notes_action)
        self.import_exchange_action = self._action(
            self.tr("&Advice exchange file or site export (PDF)…"), self.import_exchange_dialog)
        self.import_menu.addAction(self.import_exchange_action)
        self.export_menu = self.file_menu.addMenu(self.tr("&Export"))
        self.export_site_action = self._action(
            self.tr("&Site data file — confidential, for the team (PDF)…"),
            lambda: self.exports.export_site(), "Ctrl+E")
        self.export_menu.addAction(self.export_site_action)
        self.export_merged_action = self._action(
            self.tr("&Publication report — no data, for publishing (PDF)…"),
            lambda: self.exports.export_merged())
        self.export_menu.addAction(self.export_merged_action)
        self.export_word_action = self._action(
            self.tr("Publication report to &edit — no data (Word)…"),
            lambda: self.exports.export_word())
        self.export_menu.addAction(self.export_word_action)
        self.export_menu.addSeparator()
        self.export_workbook_action = self._action(
            self.tr("Analysis &workbook — for the team's analysts (Excel)…"),
            lambda: self.exports.export_analysis(".xlsx"))
        self.export_menu.addAction(self.export_workbook_action)
        self.export_qda_action = self._action(
            self.tr("&QDA project — for NVivo, ATLAS.ti, MAXQDA (REFI-QDA)…"),
            lambda: self.exports.export_analysis(".qdpx"))
        self.export_menu.addAction(self.export_qda_action)
        self.export_menu.addSeparator()
        self.export_notes_action = self._action(self.tr("&Notes as CSV…"),
                                                self.export_notes_dialog)
        self.export_menu.addAction(self.export_notes_action)
        self.export_menu.setEnabled(True)
        self.name_badges_action = self._action(self.tr("Name &badges (kept on this "
                                                       "laptop)…"),
                                               lambda: self.exports.edit_name_badges())
        self.export_menu.addAction(self.name_badges_action)
        self.merge_action = self._action(self.tr("&Merge other laptops' data…"),
                                         self.show_merge_window, "Ctrl+Shift+M")
        self.file_menu.addAction(self.merge_action)
        self.undo_merge_action = self._action(self.tr("&Undo last merge…"),
                                              self.undo_last_merge)
        self.file_menu.addAction(self.undo_merge_action)
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
        self.view_menu.addAction(self._action(self.tr("Capture &notes"),
                                              lambda: self.show_page("capture"), "Ctrl+Shift+N"))
        self.view_menu.addAction(self._action(self.tr("&Audience window"),
                                              self.audience_requested, "Ctrl+Shift+A"))
        self.full_screen_action = self._action(self.tr("&Full screen"), self.toggle_full_screen,
                                               QKeySequence.StandardKey.FullScreen)
        self.view_menu.addAction(self.full_screen_action)
        from facilitator.ui.common.language import AudienceLanguageMenu, audience_mode

        self.audience_language_menu = AudienceLanguageMenu(self.view_menu, self, audience_mode())
        self.audience_language_menu.chosen.connect(self.audience_language_requested)

        self._build_vote_menu(bar)
        self.show_priorities_action = self._action(
            self.tr("Show the &priorities on the audience screen"), lambda: None,
            "Ctrl+Shift+P")
        self.show_priorities_action.setCheckable(True)
        self.show_priorities_action.setEnabled(False)  # until a day is running
        # Works without the menu being built (the shortcut lives on the window).
        self.addAction(self.show_priorities_action)
        # The Advice menu's module is not needed for the first paint: built after it.
        self._advice: AdviceMenu | None = None
        from facilitator.ui.common.deferred import after_first_paint

        after_first_paint(self, lambda: self.advice, fallback_ms=300)

        self.settings_menu = bar.addMenu(self.tr("&Settings"))
        self.settings_menu.addAction(self._action(self.tr("&Venue, workshop and tables…"),
                                                  self.venue_setup_requested))
        from facilitator.ui.common.language import LanguageMenu

        self.language_menu = LanguageMenu(self.settings_menu, self)
        self.language_menu.chosen.connect(self.language_requested)

        self.help_menu = bar.addMenu(self.tr("&Help"))
        self.shortcuts_action = self._action(self.tr("&Keyboard shortcuts"),
                                             self.show_shortcuts, QKeySequence("F1"))
        self.help_menu.addAction(self.shortcuts_action)
        self.help_menu.addAction(self._action(self.tr("Where is my data?"), self.show_data_location))
        self.open_log_action = self._action(self.tr("Open &log folder"), self.open_log_folder)
        self.help_menu.addAction(self.open_log_action)
        self.help_menu.addAction(self._action(self.tr("&About Facilitator"), self.show_about))

    @property
    def exports(self) -> ExportController:
        """Built on first use: exports are not on the first screen."""
        controller = getattr(self, "_exports", None)
        if controller is None:
            from facilitator.ui.exchange.export_actions import ExportController

            controller = ExportController(self, self.store, self.pack, self.tasks,
                                          documents=self._documents_dir)
            controller.exported.connect(lambda path: self.statusBar().showMessage(
                self.tr("Written: {path}").format(path=path), 15000))
            self._exports = controller
        return controller

    def import_exchange_dialog(self) -> None:
        """An exchange file or export PDF merges like any other laptop's data: the Merge
        window previews it first."""
        names, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Advice exchange files or site exports"), self._documents_dir(),
            self.tr("PDF files (*.pdf)"))
        if names:
            self.import_exchange_files([Path(n) for n in names])

    def import_exchange_files(self, files: list[Path]) -> None:
        self.show_merge_window()
        self.merge_window.add_files(files)

    def show_merge_window(self) -> None:
        """A window of its own, not modal: the console keeps running during a merge."""
        from facilitator.ui.exchange.merge_window import MergeWindow

        window = getattr(self, "merge_window", None)
        if window is None or window.store is not self.store:
            window = MergeWindow(self.store, self,
                                 site_names={site.id: site.name for site in self.pack.sites})
            self.merge_window = window
        window.show()
        window.raise_()
        window.activateWindow()

    def undo_last_merge(self) -> None:
        """File → Undo last merge: confirmed, then the database is as before it."""
        from facilitator.ui.exchange.merge_window import ask_undo_last_merge

        merging = getattr(self, "merge_window", None)
        if merging is not None and merging.busy:
            return
        ask_undo_last_merge(self, self.store, lambda message: (
            self.statusBar().showMessage(message, 15000), self.data_changed.emit()))

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

    def fit_to_screen(self) -> None:
        """Keep the window on its screen: no larger than the space the desktop leaves,
        its title bar and status bar in view."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()
        width = min(self.width(), max(area.width() - frame.width(), 320))
        height = min(self.height(), max(area.height() - frame.height(), 240))
        self.resize(width, height)
        x = min(max(self.x(), area.left()), area.right() - self.frameGeometry().width() + 1)
        y = min(max(self.y(), area.top()), area.bottom() - self.frameGeometry().height() + 1)
        self.move(max(x, area.left()), max(y, area.top()))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            self.fit_to_screen()

    def show_shortcuts(self) -> None:
        from facilitator.ui.common.shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self.menuBar(), self)
        self.shortcuts_dialog = dialog
        dialog.show()

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
        """Ask once about each value no rule knows, then import in the background.

        The store is untouched if anything is wrong or the questions are cancelled.
        """
        from facilitator.core.roster import unknown_values

        store, pack = self.store, self.pack
        self.tasks.run(
            self.tr("Reading participants…"),
            lambda progress: unknown_values(store, pack, path),
            lambda unknowns: self._import_roster_answered(path, unknowns),
            self._task_failed,
        )

    def _import_roster_answered(self, path: Path, unknowns: list[UnknownValue]) -> None:
        from facilitator.ui.venue.value_map_dialog import ValueMapDialog

        mappings: dict[tuple[str, str], str] = {}
        if unknowns:
            dialog = ValueMapDialog(self.pack, unknowns, path.name, self)
            if not dialog.exec():
                self.statusBar().showMessage(self.tr("Import cancelled; nothing was "
                                                     "changed."), 10000)
                return
            mappings = dialog.mappings()
        from facilitator.core.roster import import_roster

        store, pack = self.store, self.pack
        self.tasks.run(
            self.tr("Importing participants…"),
            lambda progress: import_roster(store, pack, path, progress, mappings=mappings),
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

    def import_notes_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import notes, quotes and advice"), self._documents_dir(),
            self.tr("CSV files (*.csv);;All files (*)"))
        if path:
            self.import_notes_file(Path(path))

    def import_notes_file(self, path: Path) -> None:
        """Import notes in the background, all-or-nothing."""
        from facilitator.core.notes_csv import import_notes

        store, pack = self.store, self.pack
        self.tasks.run(self.tr("Importing notes…"),
                       lambda progress: import_notes(store, pack, path, progress),
                       self._notes_imported, self._task_failed)

    def _notes_imported(self, report: ImportReport) -> None:
        self.last_import = report
        self.data_changed.emit()
        message = self.tr("{file}: {added} notes added, {unchanged} already there").format(
            file=Path(report.file).name, added=report.added, unchanged=report.unchanged)
        self.statusBar().showMessage(message, 10000)
        if report.warnings:
            QMessageBox.information(self, self.tr("Notes imported"),
                                    message + "\n\n" + "\n".join(report.warnings))

    def export_notes_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export notes as CSV"),
            str(Path(self._documents_dir()) / f"notes-{self.store.site or 'all'}.csv"),
            self.tr("CSV files (*.csv)"))
        if path:
            self.export_notes_file(Path(path))

    def export_notes_file(self, path: Path) -> None:
        """This site's notes in the import format (UTF-8 with BOM), in the background."""
        from facilitator.core.notes_csv import export_notes

        store, pack, site = self.store, self.pack, self.store.site or None
        self.tasks.run(self.tr("Exporting notes…"),
                       lambda progress: export_notes(store, pack, path, site, progress),
                       lambda count: self.statusBar().showMessage(
                           self.tr("{count} notes written to {path}").format(count=count,
                                                                             path=path), 15000),
                       self._task_failed)

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
        from facilitator.core import backup

        store = self.store
        self.tasks.run(self.tr("Backing up…"), lambda progress: backup.backup_to(store, folder),
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

    def open_log_folder(self) -> None:
        """Show the folder with the app's log file (what to send when something went wrong)."""
        from facilitator.core import paths

        folder = paths.log_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            show_error(self, exc)
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            QMessageBox.information(self, self.tr("Open log folder"),
                                    self.tr("The log is in this folder:") + "\n" + str(folder))

    def show_about(self) -> None:
        QMessageBox.about(
            self, self.tr("About Facilitator"),
            self.tr("<h3>Facilitator {version}</h3>"
                    "<p>Runs in-person public-dialogue workshops offline: the agenda on a "
                    "projector, expert videos, table notes, rankings and reports.</p>"
                    "<p>Programme: {title}</p>").format(version=__version__,
                                                         title=self.pack.title))
