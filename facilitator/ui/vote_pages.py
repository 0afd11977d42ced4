"""The main window's Voting menu and the pages it opens: check-in, the ballot kiosk's
controls, phones, paper ballots, results and quotas, plus the printed ballot sheet.

None of these pages is on the first screen: they are built once, after the first paint
or when first asked for, and their modules are imported then.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from facilitator.core.pack import SessionPack
from facilitator.core.store import Change, Store
from facilitator.ui.common.actions import menu_action
from facilitator.ui.common.errors import show_task_failure
from facilitator.ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from facilitator.ui.console.audience import AudienceWindow
    from facilitator.ui.kiosk.ballot_entry import BallotEntryPanel
    from facilitator.ui.kiosk.kiosk_control import KioskControlPanel
    from facilitator.ui.kiosk.phones import PhonesPanel
    from facilitator.ui.main_window import MainWindow
    from facilitator.ui.results.quotas_view import QuotasPanel
    from facilitator.ui.results.results_view import ResultsPanel
    from facilitator.ui.venue.checkin import CheckInPanel


class VotePages(QObject):
    """Builds the Voting menu on ``window``'s menu bar; adds the voting pages to the
    window's pages once (``ensure``) and keeps them following the store."""

    def __init__(self, window: MainWindow, store: Store, pack: SessionPack,
                 tasks: TaskRunner, *, documents: Callable[[], str]) -> None:
        super().__init__(window)
        self.window = window
        self.store, self.pack, self.tasks = store, pack, tasks
        self.documents = documents
        self.built = False
        self.audience: AudienceWindow | None = None
        self.last_ballot_sheet: Path | None = None
        self.checkin: CheckInPanel
        self.kiosk_controls: KioskControlPanel
        self.ballot_entry: BallotEntryPanel
        self.results: ResultsPanel
        self.quotas: QuotasPanel
        self.phones: PhonesPanel
        self._build_menu()

    def _build_menu(self) -> None:
        self.menu = menu = self.window.menuBar().addMenu(self.tr("V&oting"))
        menu.addAction(menu_action(self.window, self.tr("Ballot &kiosk…"), lambda: self.show_page("kiosk"),
                                   "Ctrl+Shift+K"))
        menu.addAction(menu_action(self.window, self.tr("&Check-in"), self.show_checkin, "Ctrl+Shift+I"))
        menu.addAction(menu_action(self.window, self.tr("Enter &paper ballots"),
                                   lambda: self.show_page("ballot_entry")))
        menu.addAction(menu_action(self.window, self.tr("&Results"), lambda: self.show_page("results"),
                                   "Ctrl+Shift+R"))
        menu.addAction(menu_action(self.window, self.tr("&Quotas"), lambda: self.show_page("quotas")))
        # After the others: tests and muscle memory know the first five by place.
        menu.addAction(menu_action(self.window, self.tr("&Phones…"), lambda: self.show_page("phones")))
        menu.addSeparator()
        self.print_sheet_action = menu_action(self.window, self.tr("Print &ballot sheet…"),
                                              self.print_ballot_sheet_dialog)
        menu.addAction(self.print_sheet_action)

    # -- the pages --------------------------------------------------------------------

    def ensure(self) -> None:
        """Check-in, voting, paper ballots, results and quotas pages (built once)."""
        if self.built:
            return
        from facilitator.ui.kiosk.ballot_entry import BallotEntryPanel
        from facilitator.ui.kiosk.kiosk_control import KioskControlPanel
        from facilitator.ui.kiosk.phones import PhonesPanel
        from facilitator.ui.results.quotas_view import QuotasPanel
        from facilitator.ui.results.results_view import ResultsPanel
        from facilitator.ui.venue.checkin import CheckInPanel

        if self.store.closed:
            return  # the window outlived its database (reopened on another)
        self.built = True
        store, pack, window = self.store, self.pack, self.window
        self.checkin = CheckInPanel(store, pack)
        self.kiosk_controls = KioskControlPanel(store, pack)
        self.ballot_entry = BallotEntryPanel(store, pack)
        self.results = ResultsPanel(store, pack)
        self.quotas = QuotasPanel(store, pack)
        self.phones = PhonesPanel(store, pack)
        self.kiosk_controls.voting_changed.connect(self.phones.voting_changed)
        for key, widget, title in (
                ("checkin", self.checkin, self.tr("Check-in")),
                ("kiosk", self.kiosk_controls, self.tr("Voting")),
                ("phones", self.phones, self.tr("Phones")),
                ("ballot_entry", self.ballot_entry, self.tr("Paper ballots")),
                ("results", self.results, self.tr("Results")),
                ("quotas", self.quotas, self.tr("Quotas"))):
            window.add_page(key, widget, title)
        window.closing.connect(self.kiosk_controls.shut_down)
        window.closing.connect(self.phones.shut_down)
        window.data_changed.connect(lambda: window.refresh_vote_pages(
            Change(frozenset({"participants", "ballots"}), "import")))
        if self.audience is not None:
            self.results.attach_audience(self.audience)
            self.phones.attach_audience(self.audience)

    def attach_audience(self, audience: AudienceWindow | None) -> None:
        """The audience window the results page may reveal its chart on, and phone
        voting its QR code (None: none)."""
        self.audience = audience
        if self.built:
            self.results.attach_audience(audience)
            self.phones.attach_audience(audience)

    def store_changed(self, change: Change) -> None:
        if not self.built:
            return
        for page in (self.checkin, self.ballot_entry, self.results, self.quotas,
                     self.kiosk_controls, self.phones):
            page.store_changed(change)

    def show_page(self, key: str) -> None:
        self.ensure()
        self.window.show_page(key)

    def show_checkin(self) -> None:
        self.show_page("checkin")
        self.checkin.focus_search()

    # -- the printed ballot sheet -----------------------------------------------------

    def print_ballot_sheet_dialog(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        from facilitator.core.roster import list_participants

        site = self.store.site
        people = len([p for p in list_participants(self.store, site or None)
                      if not p["withdrawn"]])
        copies, ok = QInputDialog.getInt(
            self.window, self.tr("Print ballot sheets"),
            self.tr("How many sheets? Each is numbered (1, 2, 3…) for keying; the use "
                    "cases are in the same order as the entry grid."),
            max(people, 1) if people else 20, 1, 2000)
        if not ok:
            return
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("Save ballot sheets"),
            str(Path(self.documents()) / "ballot-sheets.pdf"),
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
            self._ballot_sheet_written, lambda exc: show_task_failure(self.window, exc))

    def _ballot_sheet_written(self, path: Path) -> None:
        self.last_ballot_sheet = path
        self.window.statusBar().showMessage(self.tr("Ballot sheets written to {path}").format(
            path=path), 15000)
