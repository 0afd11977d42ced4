"""Work the first paint does not show, run right after it (cold start stays short)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


def after_first_paint(widget: QWidget, callback: Callable[[], None],
                      fallback_ms: int = 1500) -> None:
    """Run ``callback`` once ``widget`` has painted; a widget that is not shown gets
    it after ``fallback_ms`` (a shown one keeps waiting for its first paint, however
    slow the machine: the work must not delay it)."""
    done = [False]
    painted = [False]

    def fire() -> None:
        if not done[0]:
            done[0] = True
            callback()

    def fallback() -> None:
        if done[0]:
            return
        if widget.isVisible() and not painted[0]:
            QTimer.singleShot(fallback_ms, widget, fallback)  # shown: wait for the paint
            return
        fire()

    class _Watcher(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                painted[0] = True
                widget.removeEventFilter(self)
                QTimer.singleShot(0, widget, fire)
                self.deleteLater()
            return False

    watcher = _Watcher(widget)
    widget.installEventFilter(watcher)
    # The widget is the timers' context: a widget deleted meanwhile cancels them.
    QTimer.singleShot(fallback_ms, widget, fallback)
