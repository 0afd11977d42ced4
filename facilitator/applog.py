"""The app's log: a rotating file in the platform's log folder, and a UTF-8 console.

A windowed build has no console, so this file is the only trace a venue laptop keeps
of what went wrong: every command's start and outcome, the video backend chosen and
why, and any unexpected error with its traceback. It never holds what participants
said: commands are logged by name, not with their arguments, and messages from the
app's own code name files and reasons only. Help → Open log folder shows it.

Qt-free, so the command line sets it up before anything else.
"""

from __future__ import annotations

import contextlib
import io
import logging
import logging.handlers
import platform
import sys
import threading
from pathlib import Path
from types import TracebackType

from facilitator import __version__
from facilitator.core import paths

LOG_FILE = "facilitator.log"
MAX_BYTES = 1_000_000
BACKUPS = 4
FORMAT = "%(asctime)s %(levelname)s [%(process)d %(threadName)s] %(name)s: %(message)s"

_handler: logging.handlers.RotatingFileHandler | None = None
_lock = threading.Lock()


def log_file() -> Path:
    return paths.log_dir() / LOG_FILE


def force_utf8_console() -> None:
    """Make stdout and stderr UTF-8, whatever the console or ``PYTHONIOENCODING`` says.

    On Windows output redirected to a file or pipe is cp1252, which cannot encode "ŵ"
    or "↳"; a windowed build has no streams at all (None), which is left alone.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.encoding.casefold().replace(
                "-", "").replace("_", "") != "utf8":
            with contextlib.suppress(ValueError, OSError):  # closed, or not reconfigurable
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def setup(command: str = "") -> Path | None:
    """Send the ``facilitator`` loggers to the rotating file; returns its path, or None.

    Safe to call more than once (a test calling ``main`` in-process): the file handler
    is replaced when the log folder has changed. A log folder that cannot be written
    never stops the app.
    """
    global _handler
    target = log_file()
    root = logging.getLogger("facilitator")
    with _lock:
        if _handler is not None and Path(_handler.baseFilename) != target.absolute():
            root.removeHandler(_handler)
            _handler.close()
            _handler = None
        if _handler is None:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                handler = logging.handlers.RotatingFileHandler(
                    target, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8",
                    delay=True)
            except OSError as exc:
                print(f"facilitator: cannot write the log in {target.parent}: "
                      f"{exc.strerror or exc}", file=sys.stderr)
                return None
            handler.setFormatter(logging.Formatter(FORMAT))
            root.addHandler(handler)
            root.setLevel(logging.INFO)
            _handler = handler
            # Only where nobody else (pytest-qt, a debugger) has installed a hook.
            if sys.excepthook is sys.__excepthook__:
                sys.excepthook = _excepthook
            if threading.excepthook is threading.__excepthook__:
                threading.excepthook = _thread_excepthook
    log = logging.getLogger("facilitator.start")
    log.info("facilitator %s %s on %s %s, Python %s%s", __version__, command or "gui",
             platform.system(), platform.release(), platform.python_version(),
             " (frozen bundle)" if paths.frozen() else "")
    return target


def _excepthook(kind: type[BaseException], value: BaseException,
                tb: TracebackType | None) -> None:
    if not issubclass(kind, KeyboardInterrupt):
        logging.getLogger("facilitator.crash").critical("unexpected error",
                                                        exc_info=(kind, value, tb))
    sys.__excepthook__(kind, value, tb)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None and not isinstance(args.exc_value, SystemExit):
        logging.getLogger("facilitator.crash").critical(
            "unexpected error in thread %s", getattr(args.thread, "name", "?"),
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
    threading.__excepthook__(args)
