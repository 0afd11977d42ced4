"""Composition root: builds the QApplication, the store, the services and the windows.

Nothing else reaches for globals: the main window, console, audience window, runner
and video pieces are built here and connected to one another.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from facilitator.core import paths

if TYPE_CHECKING:
    from facilitator.core.pack import SessionPack
    from facilitator.core.store import Store
    from facilitator.ui.main_window import MainWindow

NO_DISPLAY_MESSAGE = (
    "facilitator: no display available. Run it on a desktop session, or set "
    "QT_QPA_PLATFORM=offscreen for headless use, or start it under xvfb-run."
)


SWITCH_INTERVAL = 0.001


def prepare_process() -> None:
    """Keep sqlite-utils from importing pandas and numpy, which it only uses if present.

    The app never needs them and they cost most of a second at launch on a laptop
    where a data-science stack happens to be installed. Only the GUI process does this.
    """
    for optional in ("pandas", "numpy"):
        sys.modules.setdefault(optional, None)  # type: ignore[arg-type]
    # An export or merge thread holds the GIL in turns; the GUI thread takes it back
    # after 1 ms instead of Python's 5 ms, so a slot full of Qt calls stays quick
    # (bench/gui_stall.py).
    sys.setswitchinterval(SWITCH_INTERVAL)


SETTLE_MS = 3000  # after the window opens: the day and the pages after it are built by then


def settle_heap() -> None:
    """Keep what was built to open the app (modules, the pack, windows: ~85,000 objects)
    out of the garbage collector's full passes. A full pass walks every tracked object
    while holding the GIL, a 37 ms stall of the GUI thread on the development laptop
    each time one falls during a merge or an export (bench/gui_stall.py)."""
    import gc

    gc.freeze()


def unsettle_heap() -> None:
    """Before the windows are torn down (another database, language or venue): what
    ``settle_heap`` kept may become garbage, and must be collectable again."""
    import gc

    gc.unfreeze()


def display_available() -> bool:
    """Qt aborts the process when it cannot open a display; detect that first."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class FacilitatorApp:
    """Owns one open database and every window and service built on it.

    ``ask_venue``: on first launch, ask for site, workshop and tables (off in tests
    that drive the set-up themselves).
    """

    def __init__(self, resolved: paths.ResolvedPaths, *, ask_venue: bool = True,
                 show_audience: bool = True, clock: Callable[[], float] = time.time,
                 defer_day: bool = False) -> None:
        from facilitator.core.pack import load_pack
        from facilitator.ui.common import language

        self.resolved = resolved
        self.ask_venue = ask_venue
        self.show_audience = show_audience
        self.clock = clock
        # As the app launches: the window paints first (menus, status bar, "Opening the
        # workshop…") and the day's console and audience screen follow straight after.
        self.defer_day = defer_day
        # The pack as written (English keys, both languages) and in the interface language.
        self.base_pack: SessionPack = load_pack(resolved.pack)
        self.pack: SessionPack = self.base_pack.localised(language.current())
        self.window: MainWindow | None = None
        self.store: Store | None = None
        self.rehearsal = False
        self.model = None
        self.audience = None
        self.console = None
        self.video = None
        self.changes = None
        self.notes = None
        self.open()

    # -- building ---------------------------------------------------------------------

    def open(self) -> MainWindow:
        from facilitator.core import venue
        from facilitator.ui.common.store_signals import StoreSignals
        from facilitator.ui.main_window import MainWindow

        self.store, self.rehearsal = venue.open_for_day(self.resolved.db)
        configured = venue.is_configured(self.store)
        window = MainWindow(self.store, self.pack, self.resolved, rehearsal=self.rehearsal,
                            opening=configured and self.defer_day)
        self.changes = StoreSignals(self.store, window)
        self.changes.changed.connect(window.refresh_vote_pages)
        window.database_requested.connect(self.switch_database)
        window.venue_setup_requested.connect(self.venue_setup)
        window.audience_requested.connect(self.raise_audience)
        window.language_requested.connect(self.switch_language)
        window.audience_language_requested.connect(self.set_audience_language)
        window.show_priorities_action.toggled.connect(self.show_priorities)
        window.closing.connect(self.shut_down)
        self.window = window
        if configured and self.defer_day:
            from facilitator.ui.common.deferred import after_first_paint

            store = self.store
            after_first_paint(window, lambda: self._build_deferred_day(store))
        elif configured:
            self._build_day()
        return window

    def _build_deferred_day(self, store: Store) -> None:
        """The day, built once the window has painted (unless it was reopened meanwhile)."""
        from facilitator.core.errors import FacilitatorError
        from facilitator.ui.common.errors import show_error

        if self.store is not store or store.closed or self.model is not None:
            return
        try:
            self._build_day()
        except FacilitatorError as exc:
            show_error(self.window, exc)
            return
        if self.window is not None:
            # Show the console now: the pages built after the first paint (voting,
            # advice, capture, video) would otherwise hold its paint back.
            self.window.repaint()

    def _build_day(self) -> None:

        from facilitator.core import backup, venue
        from facilitator.core.agenda import AgendaRunner
        from facilitator.ui.console.audience import AudienceWindow
        from facilitator.ui.console.console import ConsolePanel
        from facilitator.ui.console.runner_model import RunnerModel

        assert self.store is not None and self.window is not None
        settings = venue.load(self.store)
        assert settings is not None
        if venue.note_taker_mode(self.store):
            self._build_note_taker(settings.site_id, settings.workshop)
            return
        runner = AgendaRunner(self.store, self.pack, settings.site_id, settings.workshop,
                              clock=self.clock)
        self.model = RunnerModel(runner, snapshot_folder=backup.snapshot_dir(self.store.path))
        self.model.snapshot_taken.connect(self.window.show_snapshot)
        self.model.snapshot_failed.connect(self.window.show_snapshot_problem)
        self.model.state_changed.connect(self._day_state)
        from facilitator.ui.common.language import audience_mode

        self.audience = AudienceWindow(self.pack, rehearsal=self.rehearsal, mode=audience_mode())
        self.console = ConsolePanel(self.model, self.store, self.pack, self.audience,
                                    self.rehearsal)
        self.window.set_console(self.console)
        # The results page reveals its chart on the projector only when asked.
        self.window.set_results_audience(self.audience)
        self.console.follow_store(self.changes)
        # The combined advice on the audience screen: the list while people vote, the
        # priorities when the facilitator reveals them (Advice menu).
        from facilitator.ui.common.deferred import after_first_paint

        after_first_paint(self.window, self._push_advice)
        self.changes.changed.connect(self._advice_changed)
        action = self.window.show_priorities_action
        action.setEnabled(True)
        audience = self.audience
        audience.display_changed.connect(lambda: action.setChecked(audience.advice_shown()))
        # Finding libvlc takes a subprocess; paint the console first, then add video.
        # (A zero timer queued before show() would run before the first paint.)
        model = self.model
        after_first_paint(self.window, lambda: self._build_video(model, settings.site_id,
                                                                 settings.workshop))

        # Capture, notes and advice pages are not on the first screen: build them after.
        after_first_paint(self.window, lambda: self._build_notes(model, settings.site_id,
                                                                 settings.workshop))
        if self.show_audience:
            self.audience.follow_screens(True)
            self.audience.show()

    def _day_state(self, state: str) -> None:
        """The day's agenda finished: phone voting ends with it."""
        phones = getattr(self.window, "phones", None)
        if state == "finished" and phones is not None:
            phones.stop()

    def _build_video(self, model: object, site_id: str, workshop: int) -> None:
        """Video pieces plug into the audience window and the console of ``model``'s day.

        Which player works is found off the GUI thread: finding libvlc starts a child
        process, which takes seconds on a laptop whose VLC plugin cache is cold.
        """
        from facilitator.media import detect
        from facilitator.ui.common.tasks import run_quietly

        if model is not self.model or self.model is None or self.window is None:
            return  # that day was torn down (or rebuilt) before this ran

        def unknown(exc: BaseException) -> None:
            self._attach_video(model, site_id, workshop, detect.BackendChoice("none", str(exc)))

        run_quietly(self.window, detect.choose_backend,
                    lambda choice: self._attach_video(model, site_id, workshop, choice),
                    unknown)

    def _attach_video(self, model: object, site_id: str, workshop: int,
                      choice: Any) -> None:
        from facilitator.media.player import Player
        from facilitator.ui.console.video import VideoControls, VideoStepController, VideoSurface
        from facilitator.ui.console.video_link import VideoAgendaLink

        if model is not self.model or self.model is None:
            return  # that day was torn down (or rebuilt) while the probe ran
        assert self.store is not None and self.audience is not None
        assert self.console is not None
        player = Player(choice=choice)
        surface = VideoSurface(player, audience=True)
        self.audience.set_video_widget(surface)
        controls = VideoControls(player)
        self.console.set_video_controls(controls)
        controller = VideoStepController(player, self.store, self.pack, site_id, workshop)
        controller.attach_controls(controls)
        controller.video_title_changed.connect(surface.set_caption)
        self.video = VideoAgendaLink(self.model, controller, player)

    ADVICE_TABLES = frozenset({"notes", "advice_combinations", "priorities", "participants"})

    def _advice_changed(self, change: object) -> None:
        if self.ADVICE_TABLES & getattr(change, "tables", frozenset()):
            self._push_advice()

    def _push_advice(self) -> None:
        """Hand the audience screen and the console's preview the votable advice."""
        from facilitator.core.advice import votable_items
        from facilitator.ui.console.audience import AdviceLine

        if self.store is None or self.audience is None:
            return
        lines = [AdviceLine(item.theme, item.text, ", ".join(item.sites), item.dots)
                 for item in votable_items(self.store, self.pack)]
        self.audience.set_advice(lines)
        if self.console is not None:
            self.console.preview.set_advice(lines)

    def show_priorities(self, on: bool) -> None:
        if self.audience is not None:
            self.audience.set_advice_shown(on)

    def _build_notes(self, model: object, site_id: str, workshop: int) -> None:
        """The capture panel (following the agenda), the notes view and the advice view."""
        from facilitator.ui.capture.notes_pages import NotesPages

        if model is not self.model or self.model is None:
            return  # that day was torn down (or rebuilt) before this ran
        assert self.store is not None and self.window is not None
        self.notes = NotesPages(self.store, self.pack, site_id, workshop, self.changes,
                                self.window, runner=self.model)

    def _build_note_taker(self, site_id: str, workshop: int) -> None:
        """A table laptop: only the capture panel and its "now discussing" selector."""
        from facilitator.ui.capture.notes_pages import NotesPages

        assert self.store is not None and self.window is not None
        self.notes = NotesPages(self.store, self.pack, site_id, workshop, self.changes,
                                self.window, note_taker=True)

    # -- user requests ---------------------------------------------------------------

    def venue_setup(self) -> None:
        from facilitator.core import venue
        from facilitator.core.store import Store
        from facilitator.ui.common.errors import show_error
        from facilitator.ui.venue.venue_dialog import VenueSetupDialog

        assert self.store is not None and self.window is not None
        dialog = VenueSetupDialog(self.pack, venue.load(self.store), rehearsal=self.rehearsal,
                                  parent=self.window, laptop=venue.laptop(self.store),
                                  note_taker=venue.note_taker_mode(self.store),
                                  pin_set=venue.has_pin(self.store))
        if not dialog.exec():
            return
        settings, rehearsal = dialog.settings(), dialog.rehearsal()
        if not self._may_change_day(settings):
            return
        # A rehearsal practises the same day, so both databases get the same venue.
        targets = [self.resolved.db]
        if rehearsal:
            targets.append(venue.rehearsal_db_path(self.resolved.db))
        try:
            for path in targets:
                with Store(path) as target:
                    clean = venue.save(target, self.pack, settings)
                    table = dialog.laptop_table_name()
                    venue.save_laptop(target, dialog.laptop_label(),
                                      venue.table_id(clean.site_id, table) if table else None)
                    venue.set_note_taker_mode(target, dialog.note_taker())
                    if dialog.pin() is not None:
                        venue.set_pin(target, dialog.pin() or "")
            with Store(self.resolved.db) as real:
                venue.set_rehearsal(real, rehearsal)
        except Exception as exc:  # shown to the user; the app stays open
            show_error(self.window, exc)
            return
        self._reopen()

    def _may_change_day(self, settings: Any) -> bool:
        """Moving to another site or workshop while the day runs stops it: ask first."""
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtWidgets import QMessageBox

        from facilitator.core import venue

        assert self.store is not None
        current = venue.load(self.store)
        status = self.model.status if self.model is not None else None
        if current is None or status is None or status.state not in ("running", "paused"):
            return True
        if (current.site_id, current.workshop) == (settings.site_id, settings.workshop):
            return True
        answer = QMessageBox.question(
            self.window, QCoreApplication.translate("FacilitatorApp", "Change the workshop?"),
            QCoreApplication.translate(
                "FacilitatorApp",
                "{workshop} is running ({step}). Switch this laptop to {new}? The console "
                "moves to the new day; what was captured so far is kept, and you can come "
                "back to this day later.").format(
                workshop=self.pack.workshop(current.workshop).title,
                step=status.step.title if status.step else "",
                new=" · ".join((self.pack.site(settings.site_id).name,
                                self.pack.workshop(settings.workshop).title))),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def switch_database(self, path: str) -> None:
        from pathlib import Path

        from facilitator.core.errors import FacilitatorError
        from facilitator.core.store import Store
        from facilitator.ui.common.errors import show_error

        try:
            # Tried before today's database is closed: a file that cannot be opened (on a
            # network share, not a database, too new) is refused and the day carries on.
            Store(path).close()
        except FacilitatorError as exc:
            show_error(self.window, exc)
            return
        self.resolved = replace(self.resolved, db=Path(path), db_source="File menu")
        self._reopen()

    def switch_language(self, lang: str) -> None:
        """Settings → Language: remembered, and the windows rebuilt in that language.

        The running day carries on: the agenda's step and timer are in the database, the
        note being typed is saved first (as when the venue changes), and the audience
        screen comes back on the same page.
        """
        from facilitator.core import i18n
        from facilitator.ui.common import language

        lang = i18n.normalise(lang)
        # A read-only settings folder: the choice lasts for this run only.
        with contextlib.suppress(OSError):
            i18n.remember_choice(lang)
        language.install(lang)
        self.pack = self.base_pack.localised(lang)
        self._reopen()

    def set_audience_language(self, mode: str) -> None:
        """View → Audience language: Welsh, English or both side by side; remembered."""
        from facilitator.core import i18n

        with contextlib.suppress(OSError):
            i18n.remember_audience_mode(mode)
        if self.audience is not None:
            self.audience.set_language_mode(mode)

    def raise_audience(self) -> None:
        if self.audience is not None:
            self.audience.show()
            self.audience.raise_()

    def _reopen(self) -> None:
        old = self.window
        self.shut_down()
        window = self.open()
        if old is not None:
            window.restoreGeometry(old.saveGeometry())
            window.close_warning = old.close_warning
            # The old window goes quietly: its day is already closed.
            old.close_warning = None
            old.closing.disconnect(self.shut_down)
            old.close()
            old.deleteLater()
        self._present(window)

    def _present(self, window: MainWindow) -> None:
        """Show the window; once it is up, what was built to open it is settled."""
        from PySide6.QtCore import QTimer

        window.show()
        QTimer.singleShot(SETTLE_MS, window, settle_heap)

    def shut_down(self) -> None:
        """Stop the day's timers and video, close the audience window and the store."""
        unsettle_heap()
        phones = getattr(self.window, "phones", None)
        if phones is not None:
            phones.shut_down()  # phones stop voting before the database closes
        if self.notes is not None:
            self.notes.shut_down()  # the draft being typed reaches the disk first
        if self.changes is not None:
            self.changes.detach()
        if self.video is not None:
            self.video.shut_down()
        if self.model is not None:
            self.model.stop()
        if self.audience is not None:
            if self.window is not None:
                self.window.set_results_audience(None)
            self.audience.close()
            self.audience.deleteLater()
        if self.store is not None:
            self.store.close()
        self.model = self.audience = self.console = self.video = None
        self.notes = self.changes = None
        self.store = None

    def close_warning(self) -> str | None:
        """What to say before the window closes in the middle of a workshop."""
        if self.model is None or self.model.status.state != "running":
            return None
        from PySide6.QtCore import QCoreApplication

        step = self.model.status.step
        return QCoreApplication.translate(
            "FacilitatorApp",
            "The workshop is running ({step}). Facilitator remembers where it is: when "
            "you open it again the timer carries on from the same step.").format(
                step=step.title if step else "")

    def show(self) -> None:
        from PySide6.QtCore import QTimer

        from facilitator.core import venue

        assert self.window is not None and self.store is not None
        self.window.close_warning = self.close_warning
        self._present(self.window)
        if self.ask_venue and not venue.is_configured(self.store):
            QTimer.singleShot(0, self.venue_setup)


def build_main_window(resolved: paths.ResolvedPaths) -> MainWindow:
    """The main window as the app builds it (used by the cold-start benchmark)."""
    app = FacilitatorApp(resolved, ask_venue=False, show_audience=False, defer_day=True)
    assert app.window is not None
    _KEEP_ALIVE.append(app)
    return app.window


_KEEP_ALIVE: list[FacilitatorApp] = []


def run_gui(resolved: paths.ResolvedPaths) -> int:
    if not display_available():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return 1
    prepare_process()
    from facilitator.ui.common import qtlog

    qtlog.install()  # Qt's warnings into the log file: a windowed build has no console
    from PySide6.QtWidgets import QApplication

    from facilitator.core.errors import FacilitatorError
    from facilitator.ui.common.errors import show_error

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    qt_app.setApplicationName("Facilitator")
    qt_app.setOrganizationName("Facilitator")
    from facilitator.core import i18n
    from facilitator.ui.common import language

    # --lang, $FACILITATOR_LANG or the remembered choice; else the system's language as
    # Qt sees it (Windows and macOS set no LANG).
    language.install(i18n.language() if i18n.explicit() else language.system_language())
    try:
        app = FacilitatorApp(resolved, defer_day=True)
    except FacilitatorError as exc:
        show_error(None, exc)
        return 1
    app.show()
    code = qt_app.exec()
    app.shut_down()
    return int(code)
