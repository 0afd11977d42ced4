"""The agenda runner for Qt: a ticking timer, signals, and snapshots while the day runs."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from facilitator.core.agenda import AgendaRunner, RunnerStatus
from facilitator.core.backup import DEFAULT_KEEP, SnapshotSchedule, snapshot
from facilitator.core.errors import FacilitatorError
from facilitator.core.pack import SessionPack, Workshop

TICK_MS = 250


class RunnerModel(QObject):
    """Wraps an ``AgendaRunner``; the console and the audience window both watch it.

    Signals:
        changed(): the status moved on (every tick and after every transition).
        step_changed(int): the current step is now this index.
        state_changed(str): "not_started" | "running" | "paused" | "finished".
        snapshot_taken(str): a snapshot was written to this path.
        snapshot_failed(str): a snapshot could not be written (the message says why).
    """

    changed = Signal()
    step_changed = Signal(int)
    state_changed = Signal(str)
    snapshot_taken = Signal(str)
    snapshot_failed = Signal(str)
    _snapshot_done = Signal(str, str)  # (path, problem) from the worker thread

    def __init__(self, runner: AgendaRunner, snapshot_folder: Path | None = None,
                 keep: int = DEFAULT_KEEP, schedule: SnapshotSchedule | None = None,
                 tick_ms: int = TICK_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.snapshot_folder = snapshot_folder
        self.keep = keep
        self.schedule = schedule or SnapshotSchedule(clock=runner.clock)
        self._status = runner.status()
        self._index = runner.current_index
        self._state = runner.state
        self._snapshot_pending = False
        self._snapshot_again = False
        self._snapshot_thread: threading.Thread | None = None
        self._snapshot_done.connect(self._on_snapshot_done)
        self.last_snapshot: Path | None = None
        runner.add_listener(self._on_transition)
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    # -- reading ------------------------------------------------------------------------

    @property
    def status(self) -> RunnerStatus:
        """The latest snapshot of the day (refreshed on every tick and transition)."""
        return self._status

    @property
    def pack(self) -> SessionPack:
        return self.runner.pack

    @property
    def workshop(self) -> Workshop:
        return self.runner.workshop

    @property
    def site_id(self) -> str:
        return self.runner.site_id

    # -- actions (connect buttons and shortcuts here) ---------------------------------

    def start(self) -> None:
        self.runner.start()

    def pause(self) -> None:
        self.runner.pause()

    def resume(self) -> None:
        self.runner.resume()

    def toggle(self) -> None:
        self.runner.toggle()

    def next(self) -> None:
        self.runner.next()

    def previous(self) -> None:
        self.runner.previous()

    def jump(self, index: int) -> None:
        self.runner.jump(index)

    def skip(self) -> None:
        self.runner.skip()

    def add_minutes(self, minutes: float) -> None:
        self.runner.add_minutes(minutes)

    def stop(self) -> None:
        """Stop ticking (before the app closes)."""
        self.timer.stop()
        self.runner.remove_listener(self._on_transition)
        self.wait_for_snapshot()

    # -- ticking ------------------------------------------------------------------------

    def tick(self) -> None:
        self.runner.tick()  # may auto-advance, which calls _on_transition
        status = self.runner.status()
        # Views show whole seconds: tell them only when a second has passed.
        if int(status.now) != int(self._status.now) or status.state != self._status.state:
            self._status = status
            self.changed.emit()
        else:
            self._status = status
        if self.runner.state in ("running", "paused") and self.schedule.is_due():
            self.request_snapshot()

    def refresh(self) -> None:
        self._status = self.runner.status()
        self.changed.emit()

    def _on_transition(self, event: str) -> None:
        self._status = self.runner.status()
        index, state = self.runner.current_index, self.runner.state
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)
        if index != self._index or event in ("started", "finished", "reset"):
            self._index = index
            self.step_changed.emit(index)
        if event in ("started", "finished"):
            self.request_snapshot()
        self.changed.emit()

    # -- snapshots ----------------------------------------------------------------------

    def request_snapshot(self) -> None:
        """Take a snapshot soon, on a worker thread; requests in one burst coalesce."""
        if self.snapshot_folder is None:
            return
        self.schedule.mark_done()
        if self._snapshot_thread is not None and self._snapshot_thread.is_alive():
            self._snapshot_again = True  # one more when the running one finishes
            return
        if self._snapshot_pending:
            return
        self._snapshot_pending = True
        QTimer.singleShot(0, self, self._take_snapshot)

    def _take_snapshot(self) -> None:
        self._snapshot_pending = False
        folder = self.snapshot_folder
        if folder is None:
            return
        store, keep = self.runner.store, self.keep

        def work() -> None:  # never touches widgets; reports through a queued signal
            try:
                path = snapshot(store, folder, keep=keep)
            except FacilitatorError as exc:
                self._snapshot_done.emit("", str(exc))
            else:
                self._snapshot_done.emit(str(path), "")

        self._snapshot_thread = threading.Thread(target=work, name="facilitator-snapshot",
                                                 daemon=True)
        self._snapshot_thread.start()

    @Slot(str, str)
    def _on_snapshot_done(self, path: str, problem: str) -> None:
        if problem:
            self.snapshot_failed.emit(problem)
        else:
            self.last_snapshot = Path(path)
            self.snapshot_taken.emit(path)
        if self._snapshot_again:
            self._snapshot_again = False
            self._snapshot_thread = None
            self.request_snapshot()

    def wait_for_snapshot(self, timeout: float = 30.0) -> None:
        """Let a running snapshot finish (before the store closes)."""
        if self._snapshot_thread is not None:
            self._snapshot_thread.join(timeout)
