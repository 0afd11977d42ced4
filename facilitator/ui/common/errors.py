"""One place that turns core errors into dialogs."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from facilitator.core.errors import Cancelled, CsvImportError, FacilitatorError


def tr(text: str) -> str:
    return QCoreApplication.translate("Errors", text)


def error_text(exc: BaseException) -> tuple[str, str]:
    """(summary, details) for a dialog."""
    if isinstance(exc, CsvImportError):
        details = "\n".join(str(p) for p in exc.problems)
        return (tr("Nothing was imported from {file}: {count} problem(s).")
                .format(file=exc.file, count=len(exc.problems)), details)
    if isinstance(exc, FacilitatorError):
        where = exc.location()
        return (exc.message, tr("Where: {where}").format(where=where) if where else "")
    return (str(exc), "")


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    summary, details = error_text(exc)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("Facilitator"))
    box.setText(summary)
    if details:
        box.setInformativeText(details if len(details) < 600 else details[:600] + "…")
        box.setDetailedText(details)
    box.exec()


def show_task_failure(window: QMainWindow, exc: BaseException) -> None:
    """A background task ended without its result: a cancel is said quietly in the
    status bar (nothing changed), anything else in a dialog."""
    if isinstance(exc, Cancelled):
        window.statusBar().showMessage(tr("Cancelled; nothing was changed."), 10000)
        return
    show_error(window, exc)
