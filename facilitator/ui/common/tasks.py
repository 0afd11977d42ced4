"""One helper for background work: progress, success, failure and cancel.

The work function runs on a worker thread and never touches widgets; it receives a
``progress(done, total)`` callback that raises ``Cancelled`` once the user cancels.
Results come back to the GUI thread through queued signals. Tests may construct
``TaskRunner(parent, synchronous=True)`` to run the same code inline.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from facilitator.core.errors import Cancelled, Progress

Work = Callable[[Progress], Any]


class Task(QObject):
    """A piece of background work.

    Signals: progressed(int done, int total), succeeded(object result),
    failed(object exception).
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Work) -> None:
        super().__init__()
        self._work = work
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def _progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self.progressed.emit(done, total)

    @Slot()
    def run(self) -> None:
        try:
            result = self._work(self._progress)
        except BaseException as exc:  # reported to the GUI, never swallowed
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)


class _Relay(QObject):
    """Lives on the GUI thread, so the task's signals reach it queued."""

    def __init__(self, runner: TaskRunner, task: Task, worker: threading.Thread,
                 dialog: QProgressDialog, on_success: Callable[[Any], None],
                 on_failure: Callable[[BaseException], None]) -> None:
        super().__init__(runner)
        self.runner, self.task, self.worker, self.dialog = runner, task, worker, dialog
        self.on_success, self.on_failure = on_success, on_failure

    @Slot(int, int)
    def progressed(self, done: int, total: int) -> None:
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, max(total, 1)))

    @Slot(object)
    def succeeded(self, result: object) -> None:
        self._close()
        self.on_success(result)

    @Slot(object)
    def failed(self, exc: object) -> None:
        self._close()
        self.on_failure(exc)  # type: ignore[arg-type]

    def _close(self) -> None:
        self.worker.join()
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()
        self.runner._finished(self)
        self.deleteLater()


class TaskRunner(QObject):
    """Starts tasks with a progress dialog that can cancel them.

    Signals: idle() when the last running task has finished.
    """

    idle = Signal()

    def __init__(self, parent: QWidget | None = None, *, synchronous: bool = False) -> None:
        super().__init__(parent)
        self._parent = parent
        self.synchronous = synchronous
        self._running: list[_Relay] = []

    def run(
        self,
        title: str,
        work: Work,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
        *,
        modal: bool = True,
    ) -> Task:
        """``modal=False`` for work the venue runs beside a live console (an export):
        the progress window can be moved aside and the console stays usable."""
        task = Task(work)
        if self.synchronous:
            task.succeeded.connect(on_success)
            task.failed.connect(on_failure)
            task.run()
            return task
        dialog = QProgressDialog(title, self.tr("Cancel"), 0, 0, self._parent)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal if modal
                                 else Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(task.cancel)
        # A Python thread, so the store can close its connection once it has ended.
        worker = threading.Thread(target=task.run, name="facilitator-task", daemon=True)
        relay = _Relay(self, task, worker, dialog, on_success, on_failure)
        task.progressed.connect(relay.progressed)
        task.succeeded.connect(relay.succeeded)
        task.failed.connect(relay.failed)
        self._running.append(relay)
        worker.start()
        return task

    def _finished(self, relay: _Relay) -> None:
        if relay in self._running:
            self._running.remove(relay)
        if not self._running:
            self.idle.emit()

    @property
    def busy(self) -> bool:
        return bool(self._running)


class _Quiet(QObject):
    """Lives on the GUI thread: a quiet task's result reaches it queued."""

    def __init__(self, parent: QObject, task: Task, then: Callable[[Any], None],
                 otherwise: Callable[[BaseException], None]) -> None:
        super().__init__(parent)
        self.task, self.then, self.otherwise = task, then, otherwise

    @Slot(object)
    def succeeded(self, result: object) -> None:
        self.deleteLater()
        self.then(result)

    @Slot(object)
    def failed(self, exc: object) -> None:
        self.deleteLater()
        self.otherwise(exc)  # type: ignore[arg-type]


def run_quietly(parent: QObject, work: Callable[[], Any], then: Callable[[Any], None],
                otherwise: Callable[[BaseException], None]) -> None:
    """Work that needs no progress window (a probe at launch) on a worker thread; its
    result reaches ``then`` (or its exception ``otherwise``) on the GUI thread, unless
    ``parent`` was deleted meanwhile."""
    task = Task(lambda _progress: work())
    relay = _Quiet(parent, task, then, otherwise)
    task.succeeded.connect(relay.succeeded)
    task.failed.connect(relay.failed)
    threading.Thread(target=task.run, name="facilitator-quiet", daemon=True).start()
