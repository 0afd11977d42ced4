"""Qt's own warnings into the app's log file, as well as to the console (if any).

A windowed build on Windows or macOS has no console, so without this Qt's messages
(a missing platform plugin, a video output that failed) would vanish. The app's log is
set up by ``facilitator.applog``; this only forwards Qt's messages to it.
"""

from __future__ import annotations

import contextlib
import logging
import sys

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("facilitator.qt")
_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    log.log(_LEVELS.get(kind, logging.WARNING), "%s", message)
    if kind != QtMsgType.QtDebugMsg and sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):  # a closed or broken stderr
            print(message, file=sys.stderr, flush=True)


def install() -> None:
    """Send Qt's messages to the log (and stderr, as Qt itself would)."""
    qInstallMessageHandler(_handler)
