"""The main window: pages, menus and status bar, each menu's work in a part of its own.

It receives the store, the pack and the resolved paths from the composition root
(``facilitator.app``) and never reaches for globals. Its parts, built here and given
what they need:

- ``files`` (``ui.exchange.file_flows.FileFlows``): the File menu — databases,
  imports, exports, merge and backup;
- ``votes`` (``ui.vote_pages.VotePages``): the Voting menu and its pages, built after
  the first paint;
- ``advice`` (``ui.advice.advice_combine.AdviceMenu``): the Advice menu, built after
  the first paint;
- ``help`` (``ui.help_menu.HelpMenu``): the Help menu;
- ``status`` (``WindowStatus``, below): the venue, database and snapshot in the status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths, Qt, QTime, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from facilitator.core.pack import SessionPack
from facilitator.core.paths import ResolvedPaths
from facilitator.core.store import Change, Store
from facilitator.ui.common.actions import menu_action
from facilitator.ui.common.tasks import TaskRunner
from facilitator.ui.exchange.file_flows import FileFlows
from facilitator.ui.help_menu import HelpMenu
from facilitator.ui.vote_pages import VotePages

if TYPE_CHECKING:
    from facilitator.ui.advice.advice_combine import AdviceMenu
    from facilitator.ui.console.audience import AudienceWindow
    from facilitator.ui.kiosk.phones import PhonesPanel
    from facilitator.ui.venue.participants import ParticipantsPanel


class WindowStatus(QObject):
    """The status bar's standing text: the venue and workshop, the database file, the
    last rolling snapshot (or why it failed), and a badge on a rehearsal."""

    def __init__(self, window: QMainWindow, store: Store, pack: SessionPack, *,
                 rehearsal: bool) -> None:
        super().__init__(window)
        self.store, self.pack = store, pack
        self.site_label = QLabel()
        self.db_label = QLabel()
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = window.statusBar()
        if rehearsal:
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
        self.refresh()

    def refresh(self) -> None:
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


class MainWindow(QMainWindow):
    """The facilitator's window.

    Signals: database_requested(str path) — the user chose another database file;
    the composition root reopens the app on it. venue_setup_requested(),
    audience_requested(), language_requested(str), audience_language_requested(str) —
    asked of the composition root from the menus. data_changed() — an import or edit
    changed the store. closing() — the window is closing (nothing runs any more).
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
        # Until the day is built (right after the first paint) or the venue is set up,
        # the console's place holds "Opening the workshop…" or the set-up page.
        self.setup_page = self._build_opening_page() if opening else self._build_setup_page()
        self.add_page("console", self.setup_page, self.tr("Console"), first=True)

        self._build_menus()
        self.status = WindowStatus(self, store, pack, rehearsal=rehearsal)

        # Voting pages and the Advice menu are not on the first screen: built once the
        # window is up. (A zero timer queued before show() would run before the first paint.)
        from facilitator.ui.common.deferred import after_first_paint

        after_first_paint(self, self._build_participants, fallback_ms=300)
        after_first_paint(self, self.ensure_vote_pages, fallback_ms=300)
        # Emoji and symbols DejaVu lacks: a shipped fallback font (not needed to paint).
        from facilitator.ui.common.fonts import register_fallback_fonts

        after_first_paint(self, register_fallback_fonts, fallback_ms=300)
        after_first_paint(self, lambda: self.advice, fallback_ms=300)

    @property
    def participants(self) -> ParticipantsPanel:
        """The participants page's panel (built after the first paint, or when asked)."""
        if self._participants is None:
            from facilitator.ui.venue.participants import ParticipantsPanel

            panel = ParticipantsPanel(self.store, self.pack)
            panel.import_requested.connect(self.files.import_roster_dialog)
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

    def _build_menus(self) -> None:
        documents = self._documents_dir
        self.files = FileFlows(self, self.store, self.pack, self.resolved, self.tasks,
                               documents=documents)
        self.files.data_changed.connect(self.data_changed)
        self.files.database_requested.connect(self.database_requested)
        self.file_menu = self.files.menu

        self.view_menu = self.menuBar().addMenu(self.tr("&View"))
        for text, slot, keys in (
                (self.tr("&Console"), lambda: self.show_page("console"), None),
                (self.tr("&Participants"), lambda: self.show_page("participants"), None),
                (self.tr("Capture &notes"), lambda: self.show_page("capture"), "Ctrl+Shift+N"),
                (self.tr("&Audience window"), self.audience_requested, "Ctrl+Shift+A")):
            self.view_menu.addAction(menu_action(self, text, slot, keys))
        self.full_screen_action = menu_action(self, self.tr("&Full screen"), self.toggle_full_screen,
                                              QKeySequence.StandardKey.FullScreen)
        self.view_menu.addAction(self.full_screen_action)
        from facilitator.ui.common.language import AudienceLanguageMenu, audience_mode

        self.audience_language_menu = AudienceLanguageMenu(self.view_menu, self, audience_mode())
        self.audience_language_menu.chosen.connect(self.audience_language_requested)

        self.votes = VotePages(self, self.store, self.pack, self.tasks, documents=documents)
        self.voting_menu = self.votes.menu
        self.show_priorities_action = menu_action(
            self, self.tr("Show the &priorities on the audience screen"), lambda: None,
            "Ctrl+Shift+P")
        self.show_priorities_action.setCheckable(True)
        self.show_priorities_action.setEnabled(False)  # until a day is running
        # Works without the menu being built (the shortcut lives on the window).
        self.addAction(self.show_priorities_action)
        # The Advice menu's module is not needed for the first paint: built after it.
        self._advice: AdviceMenu | None = None

        self.settings_menu = self.menuBar().addMenu(self.tr("&Settings"))
        self.settings_menu.addAction(menu_action(self, self.tr("&Venue, workshop and tables…"),
                                                 self.venue_setup_requested))
        from facilitator.ui.common.language import LanguageMenu

        self.language_menu = LanguageMenu(self.settings_menu, self)
        self.language_menu.chosen.connect(self.language_requested)

        self.help = HelpMenu(self, self.store, self.pack, self.resolved)
        self.help_menu = self.help.menu

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

    def show_page(self, key: str) -> None:
        for i in range(self.pages.count()):
            if self.pages.widget(i).objectName() == f"page_{key}":
                self.pages.setCurrentIndex(i)

    def set_console(self, console: QWidget) -> None:
        """Replace the set-up page with the day's console."""
        self._replace_setup_page("console", console, self.tr("Console"))
        console.setFocus()
        self.refresh_status()

    def set_note_taker(self, panel: QWidget) -> None:
        """A table laptop shows only the capture panel: no console, no other pages."""
        self._replace_setup_page("note_taker", panel, self.tr("Capture notes"))
        self.pages.tabBar().hide()
        self.view_menu.menuAction().setVisible(False)
        panel.setFocus()
        self.refresh_status()

    def _replace_setup_page(self, key: str, widget: QWidget, title: str) -> None:
        index = self.pages.indexOf(self.setup_page)
        if index >= 0:
            self.pages.removeTab(index)
            self.setup_page.deleteLater()
        self.add_page(key, widget, title, first=True)

    # -- what the composition root drives ----------------------------------------------

    def ensure_vote_pages(self) -> None:
        """Check-in, voting, paper ballots, results and quotas pages (built once)."""
        self.votes.ensure()

    @property
    def vote_pages_built(self) -> bool:
        return self.votes.built

    @property
    def phones(self) -> PhonesPanel | None:
        """Phone voting, once built: the composition root stops it when the day ends."""
        return self.votes.phones if self.votes.built else None

    def set_results_audience(self, audience: AudienceWindow | None) -> None:
        """The audience window the results page may reveal its chart on, and phone
        voting its QR code (None: none)."""
        self.votes.attach_audience(audience)

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
        if not self.votes.built:
            return
        self.votes.store_changed(change)
        if change.tables & {"participants"} and self._participants is not None:
            self._participants.refresh()

    def refresh_status(self) -> None:
        self.status.refresh()

    def show_snapshot(self, path: str) -> None:
        self.status.show_snapshot(path)

    def show_snapshot_problem(self, problem: str) -> None:
        self.status.show_snapshot_problem(problem)

    # -- the window itself ---------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.files.busy:
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

    def toggle_full_screen(self) -> None:
        self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)

    def _documents_dir(self) -> str:
        return QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
