"""Work the first paint does not show, run right after it (cold start stays short)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


def after_first_paint(widget: QWidget, callback: Callable[[], None],
                      fallback_ms: int = 1500) -> None:
    """Run ``callback`` once ``widget`` has painted (or after ``fallback_ms``)."""
    done = [False]

    def fire() -> None:
        if not done[0]:
            done[0] = True
            callback()

    class _Watcher(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                widget.removeEventFilter(self)
                QTimer.singleShot(0, widget, fire)
                self.deleteLater()
            return False

    watcher = _Watcher(widget)
    widget.installEventFilter(watcher)
    # The widget is the timers' context: a widget deleted meanwhile cancels them.
    QTimer.singleShot(fallback_ms, widget, fire)
