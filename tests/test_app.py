"""The composition root: first launch, venue set-up, the day's console, rehearsal, resume."""

from __future__ import annotations

import pytest
from fakes import FakeClock
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from facilitator.app import FacilitatorApp
from facilitator.core import venue
from facilitator.core.paths import resolve
from facilitator.core.store import Store
from facilitator.ui.console.video import VideoControls, VideoSurface
from facilitator.ui.venue.venue_dialog import VenueSetupDialog


@pytest.fixture
def make_app(qtbot, tmp_path):
    apps = []

    def make(clock=None, db=None):
        app = FacilitatorApp(resolve(str(db or tmp_path / "venue.db"), None), ask_venue=False,
                             show_audience=False, clock=clock or FakeClock())
        qtbot.addWidget(app.window)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.shut_down()


def configure(db, pack, site="durham", workshop=2):
    with Store(db) as store:
        venue.save(store, pack, venue.VenueSettings(site, workshop, ("Table 1", "Table 2")))


def tab_titles(app) -> list[str]:
    return [app.window.pages.tabText(i) for i in range(app.window.pages.count())]


def test_first_launch_offers_venue_set_up(make_app):
    app = make_app()
    assert app.console is None and app.model is None
    assert tab_titles(app) == ["Console", "Participants"]
    assert app.window.pages.currentWidget() is app.window.setup_page
    assert app.window.status.site_label.text() == "Venue not set up yet"


def test_setting_up_the_venue_through_the_dialog_builds_the_day(make_app, qtbot, tmp_path):
    app = make_app()

    def fill_and_accept():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, VenueSetupDialog)
        dialog.site_combo.setCurrentIndex(dialog.site_combo.findData("london"))
        dialog.workshop_combo.setCurrentIndex(dialog.workshop_combo.findData(4))
        dialog.pin_edit.setText("4827")
        dialog.pin_again.setText("4827")
        dialog.accept()

    QTimer.singleShot(50, fill_and_accept)
    app.venue_setup()
    assert app.console is not None and app.model is not None
    assert app.window.status.site_label.text() == "London · Workshop 4"
    assert app.model.workshop.number == 4
    with Store(tmp_path / "venue.db") as store:
        assert venue.load(store).site_id == "london"


def test_the_day_resumes_after_the_app_is_closed(make_app, qtbot, tmp_path, default_pack):
    db = tmp_path / "venue.db"
    configure(db, default_pack)
    clock = FakeClock()
    app = make_app(clock, db)
    with qtbot.waitActive(app.window):
        app.window.show()
        app.window.activateWindow()
    qtbot.keyClick(app.console, Qt.Key.Key_Space)  # start
    assert app.model.status.state == "running"
    qtbot.keyClick(app.console, Qt.Key.Key_Right)  # next step
    assert app.model.status.state == "running" and app.model.status.index == 1
    clock.now += 125
    app.model.tick()
    step = app.model.status.step
    app.window.close()  # closing stops timers and closes the store
    assert app.store is None
    clock.now += 60
    again = make_app(clock, db)
    status = again.model.status
    assert status.step == step and status.state == "running"
    assert status.step_elapsed == pytest.approx(185, abs=1)


def test_rehearsal_uses_a_separate_marked_database(make_app, tmp_path, default_pack):
    db = tmp_path / "venue.db"
    configure(db, default_pack)
    with Store(db) as store:
        venue.set_rehearsal(store, True)
    app = make_app(db=db)
    assert app.rehearsal and app.store.path == venue.rehearsal_db_path(db)
    assert app.window.windowTitle().startswith("REHEARSAL")
    assert app.audience.view.rehearsal_strip.isVisibleTo(app.audience)
    app.model.start()
    with Store(db) as real:
        assert real.count("step_events") == 0  # practice never touches the real day


def test_switching_database_rebuilds_everything(make_app, tmp_path, default_pack):
    app = make_app()
    other = tmp_path / "other.db"
    configure(other, default_pack, site="cardiff")
    app.switch_database(str(other))
    assert app.store.path == other and app.console is not None
    assert app.window.status.site_label.text().startswith("Cardiff")
    assert str(other) in app.window.status.db_label.text()


def test_back_up_to_a_folder(make_app, qtbot, tmp_path, default_pack):
    db = tmp_path / "venue.db"
    configure(db, default_pack)
    app = make_app(db=db)
    usb = tmp_path / "usb"
    usb.mkdir()
    app.window.files.backup_to(usb)
    qtbot.waitUntil(lambda: app.window.files.last_backup is not None, timeout=10000)
    copy = app.window.files.last_backup
    assert copy.parent == usb and copy.exists()
    with Store(copy) as restored:
        assert venue.load(restored).site_id == "durham"


def test_a_video_step_plays_on_the_audience_window_and_advances(make_app, qtbot, tmp_path,
                                                                 default_pack):
    db = tmp_path / "venue.db"
    configure(db, default_pack, site="cardiff", workshop=2)
    app = make_app(db=db)
    steps = app.model.runner.steps
    index = next(i for i, s in enumerate(steps) if s.kind == "video")
    assert steps[index].auto_advance
    qtbot.waitUntil(lambda: app.video is not None, timeout=10000)
    player = app.video.player
    assert player.available, player.reason
    app.model.jump(index)
    assert player.state in ("idle", "stopped")  # nothing plays before the day runs
    with qtbot.waitSignal(player.state_changed, timeout=15000,
                          check_params_cb=lambda state: state == "playing"):
        app.model.start()
    player.set_rate(4.0)
    # Pausing the agenda pauses the video; resuming resumes it.
    with qtbot.waitSignal(player.state_changed, timeout=10000,
                          check_params_cb=lambda state: state == "paused"):
        app.model.toggle()
    with qtbot.waitSignal(player.state_changed, timeout=10000,
                          check_params_cb=lambda state: state == "playing"):
        app.model.toggle()
    qtbot.waitUntil(lambda: app.model.status.index == index + 1, timeout=20000)
    plays = app.store.rows("video_plays")
    assert len(plays) == 1 and plays[0]["completed"] == 1
    assert plays[0]["video_id"] == steps[index].video and plays[0]["step_id"] == steps[index].id


def test_without_a_player_the_room_sees_the_title_and_the_console_the_reason(
        make_app, qtbot, tmp_path, default_pack, monkeypatch):
    monkeypatch.setenv("FACILITATOR_VIDEO_BACKEND", "none")
    db = tmp_path / "venue.db"
    configure(db, default_pack, site="cardiff", workshop=2)
    app = make_app(db=db)
    qtbot.waitUntil(lambda: app.video is not None, timeout=10000)
    steps = app.model.runner.steps
    index = next(i for i, s in enumerate(steps) if s.kind == "video")
    video = default_pack.video(steps[index].video)
    app.model.jump(index)
    app.model.start()
    surface = app.audience.findChild(VideoSurface)
    controls = app.console.findChild(VideoControls)
    assert surface.showing_message
    assert surface.message.text() == f"Film: {video.title}"
    assert "FACILITATOR_VIDEO_BACKEND" not in surface.message.text()
    reason = app.video.player.reason
    assert "skip this step" in reason and controls.status.text() == reason
    assert app.model.status.state == "running"  # the workshop carries on
    app.model.next()
    assert app.model.status.index == index + 1


def test_snapshots_are_taken_at_step_changes_and_failures_are_shown(make_app, qtbot, tmp_path,
                                                                   default_pack):
    db = tmp_path / "venue.db"
    configure(db, default_pack)
    app = make_app(db=db)
    with qtbot.waitSignal(app.model.snapshot_taken, timeout=10000) as taken:
        app.model.start()
    snapshot = taken.args[0]
    with Store(snapshot) as copy:
        assert copy.count("step_events") == 1
    assert "Snapshot saved" in app.window.status.snapshot_label.text()
    # A snapshot folder that cannot be written (a file stands in its way).
    blocker = tmp_path / "blocked"
    blocker.write_text("not a folder")
    app.model.snapshot_folder = blocker / "snapshots"
    with qtbot.waitSignal(app.model.snapshot_failed, timeout=10000):
        app.model.next()
    assert "Snapshot failed" in app.window.status.snapshot_label.text()
    assert app.model.status.index == 1  # the day carries on


def test_closing_during_a_running_workshop_asks_first(make_app, qtbot, tmp_path, default_pack):
    db = tmp_path / "venue.db"
    configure(db, default_pack)
    app = make_app(db=db)
    app.window.close_warning = app.close_warning  # as the real app sets it
    assert app.close_warning() is None  # nothing running yet: no question
    app.model.start()
    warning = app.close_warning()
    assert "running" in warning and app.model.status.step.title in warning

    def answer(button):
        box = QApplication.activeModalWidget()
        assert warning in box.text()
        box.button(button).click()

    from PySide6.QtWidgets import QMessageBox

    QTimer.singleShot(50, lambda: answer(QMessageBox.StandardButton.Cancel))
    assert not app.window.close()
    assert app.store is not None  # still open
    QTimer.singleShot(50, lambda: answer(QMessageBox.StandardButton.Close))
    assert app.window.close()
    assert app.store is None


def test_switching_database_mid_workshop_does_not_ask_to_close(make_app, tmp_path,
                                                               default_pack):
    db = tmp_path / "venue.db"
    configure(db, default_pack)
    app = make_app(db=db)
    app.window.close_warning = app.close_warning
    app.model.start()
    app.switch_database(str(db))  # reopening the same, running day: no modal question
    assert app.model.status.state == "running"
    assert app.window.close_warning is not None


def test_launch_paints_the_window_first_then_builds_the_day(qtbot, tmp_path, default_pack):
    """As `facilitator` launches: menus, status bar and "Opening the workshop…" paint at
    once; the console, the audience screen and the participants page follow."""
    from PySide6.QtWidgets import QLabel

    from facilitator.ui.venue.participants import ParticipantsPanel

    db = tmp_path / "venue.db"
    configure(db, default_pack, site="cardiff", workshop=2)
    app = FacilitatorApp(resolve(str(db), None), ask_venue=False, show_audience=False,
                         clock=FakeClock(), defer_day=True)
    qtbot.addWidget(app.window)
    try:
        window = app.window
        assert app.console is None and app.audience is None
        opening = window.findChild(QLabel, "opening_label")
        assert opening is not None and opening.text() == "Opening the workshop…"
        assert window.findChild(ParticipantsPanel) is None
        assert window.status.site_label.text() == "Cardiff · Workshop 2"
        window.show()
        qtbot.waitUntil(lambda: app.console is not None, timeout=5000)
        assert window.pages.currentWidget() is app.console
        assert app.audience is not None
        titles = [window.pages.tabText(i) for i in range(window.pages.count())]
        assert titles[0] == "Console" and "Participants" in titles
        qtbot.waitUntil(lambda: window.findChild(QLabel, "opening_label") is None, timeout=5000)
        qtbot.waitUntil(lambda: window.findChild(ParticipantsPanel) is not None, timeout=5000)
        # The day works as if built at once: Space starts the agenda from the console.
        qtbot.keyClick(app.console, Qt.Key.Key_Space)
        assert app.model.status.state == "running"
    finally:
        app.shut_down()


def test_a_day_that_cannot_open_after_the_first_paint_says_why(qtbot, tmp_path, default_pack,
                                                               monkeypatch):
    from facilitator.core.errors import StoreError

    db = tmp_path / "venue.db"
    configure(db, default_pack)
    shown = []
    monkeypatch.setattr("facilitator.ui.common.errors.show_error",
                        lambda parent, exc: shown.append(str(exc)))

    def broken(self):
        raise StoreError("the agenda could not be read", file=db)

    monkeypatch.setattr(FacilitatorApp, "_build_day", broken)
    app = FacilitatorApp(resolve(str(db), None), ask_venue=False, show_audience=False,
                         clock=FakeClock(), defer_day=True)
    qtbot.addWidget(app.window)
    try:
        app.window.show()
        qtbot.waitUntil(lambda: bool(shown), timeout=5000)
        assert "the agenda could not be read" in shown[0]
        assert app.window.isVisible()
    finally:
        app.shut_down()


def test_finding_the_video_player_leaves_the_console_free(make_app, qtbot, tmp_path,
                                                          default_pack, monkeypatch):
    """libvlc is probed in a child process, seconds on a cold laptop: not on the GUI
    thread. The console answers keys while it runs; the video arrives after."""
    import threading

    from facilitator.media import detect

    release = threading.Event()
    on_gui_thread: list[bool] = []
    real = detect.choose_backend

    def slow_probe(refresh: bool = False) -> detect.BackendChoice:
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        release.wait(20)
        return real(refresh)

    monkeypatch.setattr(detect, "choose_backend", slow_probe)
    db = tmp_path / "venue.db"
    configure(db, default_pack, site="cardiff", workshop=2)
    app = make_app(db=db)
    app.window.show()
    qtbot.waitUntil(lambda: bool(on_gui_thread), timeout=10_000)
    assert on_gui_thread == [False]
    qtbot.keyClick(app.console, Qt.Key.Key_Space)
    assert app.model.status.state == "running" and app.video is None
    release.set()
    qtbot.waitUntil(lambda: app.video is not None, timeout=20_000)
    assert app.video.player.available, app.video.player.reason


def test_once_open_the_app_keeps_its_start_out_of_full_garbage_collections(
        qtbot, tmp_path, default_pack, monkeypatch):
    """A full collection walks every object and holds the GIL: the ~85,000 built to open
    the app are frozen once it is up, and thawed when its windows are torn down."""
    import gc

    import facilitator.app as app_module

    monkeypatch.setattr(app_module, "SETTLE_MS", 50)
    db = tmp_path / "venue.db"
    configure(db, default_pack)
    app = FacilitatorApp(resolve(str(db), None), ask_venue=False, show_audience=False,
                         clock=FakeClock(), defer_day=True)
    qtbot.addWidget(app.window)
    try:
        assert gc.get_freeze_count() == 0
        app.show()
        qtbot.waitUntil(lambda: gc.get_freeze_count() > 10_000, timeout=10_000)
        assert app.console is not None
    finally:
        app.shut_down()
    assert gc.get_freeze_count() == 0
