"""File → Merge…: bring other laptops' files into this database, preview first.

A window of its own, never modal, so the console keeps running at the venue while a
merge is previewed or applied. Files are opened, verified and previewed on a worker
thread (``core/merge.py``, a dry run that rolls back); the merge itself runs there
too, with a progress bar and Cancel in this window. The laws are in
docs/record-laws.md.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.core.errors import Cancelled, FacilitatorError
from facilitator.core.merge import MergeReport, merge
from facilitator.core.store import Store
from facilitator.core.undo import last_merge, undo_last_merge
from facilitator.ui.common.errors import error_text
from facilitator.ui.common.tasks import Task, TaskRunner

COLUMNS = ("file", "kind", "sites", "laptops", "records", "new", "changed", "present",
           "conflicts")


class MergeWindow(QWidget):
    """Choose files, see what each would bring, merge them.

    Signals: previewed(object MergeReport), merged(object MergeReport),
    refused(str message) — a file was refused or the merge failed; undone(str message)
    after Undo last merge (done or refused).
    """

    previewed = Signal(object)
    merged = Signal(object)
    refused = Signal(str)
    undone = Signal(str)  # the last merge was undone (or the undo refused): the message

    def __init__(self, store: Store, parent: QWidget | None = None, *,
                 site_names: dict[str, str] | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.store = store
        self.site_names = dict(site_names or {})
        self.files: list[Path] = []
        self.job: Task | None = None
        self.worker: threading.Thread | None = None
        self.report: MergeReport | None = None
        self.tasks = TaskRunner(self)  # the undo's progress and Cancel
        self.setWindowTitle(self.tr("Merge other laptops' data"))
        self.resize(980, 460)

        intro = QLabel(self.tr(
            "Add the database files, data bundles or export PDFs of other laptops or "
            "venues. Each file is checked and previewed first; nothing changes until you "
            "press Merge. Merging the same file again is safe: it adds nothing."))
        intro.setWordWrap(True)
        self.add_button = QPushButton(self.tr("&Add files…"))
        self.add_button.clicked.connect(self.choose_files)
        self.clear_button = QPushButton(self.tr("C&lear list"))
        self.clear_button.clicked.connect(self.clear_files)
        self.rehearsal_box = QCheckBox(self.tr("Include &rehearsal (practice) data"))
        self.rehearsal_box.toggled.connect(self.preview)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([
            self.tr("File"), self.tr("Kind"), self.tr("Sites"), self.tr("Laptops"),
            self.tr("Records"), self.tr("New"), self.tr("Changed"),
            self.tr("Already here"), self.tr("Conflicts")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

        self.status = QLabel(self.tr("No files yet."))
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(self.tr("&Cancel"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.merge_button = QPushButton(self.tr("&Merge"))
        self.merge_button.setDefault(True)
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self.apply)
        self.undo_button = QPushButton(self.tr("&Undo last merge…"))
        self.undo_button.setToolTip(self.tr("Put the database back exactly as it was "
                                            "before the last merge"))
        self.undo_button.setEnabled(last_merge(store) is not None)
        self.undo_button.clicked.connect(self.undo_last)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.close)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Cancel), self, self.cancel)

        top = QHBoxLayout()
        top.addWidget(self.add_button)
        top.addWidget(self.clear_button)
        top.addStretch(1)
        top.addWidget(self.rehearsal_box)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.cancel_button)
        bottom.addStretch(0)
        bottom.addWidget(self.undo_button)
        bottom.addWidget(self.merge_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)

    # -- files ---------------------------------------------------------------------------

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Files to merge"), str(Path.home()),
            self.tr("Facilitator data (*.pdf *.db *.bundle *.gz);;All files (*)"))
        if names:
            self.add_files([Path(n) for n in names])

    def add_files(self, files: list[Path]) -> None:
        for path in files:
            if path not in self.files:
                self.files.append(path)
        self.preview()

    def clear_files(self) -> None:
        if self.busy:
            return
        self.files = []
        self.report = None
        self._fill_table()
        self.status.setText(self.tr("No files yet."))
        self.merge_button.setEnabled(False)

    @property
    def busy(self) -> bool:
        return self.job is not None or self.tasks.busy

    # -- preview and merge ---------------------------------------------------------------

    def preview(self) -> None:
        if self.busy or not self.files:
            return
        self.report = None
        self._fill_table()
        self.status.setText(self.tr("Checking {count} file(s)…").format(count=len(self.files)))
        self._start(dry_run=True)

    def apply(self) -> None:
        if self.busy or self.report is None:
            return
        self.status.setText(self.tr("Merging…"))
        self._start(dry_run=False)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def undo_last(self) -> None:
        if self.busy:
            return
        ask_undo_last_merge(self, self.store, self.tasks, self._undone, self._undoing)

    def _undoing(self) -> None:
        self.status.setText(self.tr("Undoing the last merge…"))
        for widget in (self.undo_button, self.merge_button):
            widget.setEnabled(False)

    def _undone(self, message: str) -> None:
        self.status.setText(message)
        self.undo_button.setEnabled(last_merge(self.store) is not None)
        self.report = None
        self.merge_button.setEnabled(False)
        self.undone.emit(message)

    def _start(self, *, dry_run: bool) -> None:
        store, files = self.store, list(self.files)
        allow = self.rehearsal_box.isChecked()
        # The background-work helper's Task; not its dialog: this window shows progress.
        job = Task(lambda progress: merge(store, files, dry_run=dry_run,
                                          allow_rehearsal=allow, progress=progress))
        queued = Qt.ConnectionType.QueuedConnection
        job.progressed.connect(self._progressed, queued)
        job.succeeded.connect(self._finished, queued)
        job.failed.connect(self._failed, queued)
        self.job = job
        self.worker = threading.Thread(target=job.run, name="facilitator-merge", daemon=True)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        for widget in (self.merge_button, self.add_button, self.clear_button,
                       self.rehearsal_box):
            widget.setEnabled(False)
        self.worker.start()

    def _stop(self) -> None:
        if self.worker is not None:
            self.worker.join()
        self.job = None
        self.worker = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        for widget in (self.add_button, self.clear_button, self.rehearsal_box):
            widget.setEnabled(True)

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    @Slot(object)
    def _finished(self, report: MergeReport) -> None:
        self._stop()
        self.report = report
        self._fill_table()
        added = sum(o.added for o in report.outcomes)
        changed = sum(o.updated for o in report.outcomes)
        conflicts = sum(o.kept for o in report.outcomes)
        again = [o.info.path.name for o in report.outcomes if o.seen_before]
        if report.dry_run:
            text = self.tr("Ready: merging would add {added} record(s), change {changed} and "
                           "keep {conflicts} conflicting version(s).").format(
                added=added, changed=changed, conflicts=conflicts)
            self.merge_button.setEnabled(True)
        else:
            text = self.tr("Merged: {added} record(s) added, {changed} changed, {conflicts} "
                           "conflicting version(s) kept.").format(
                added=added, changed=changed, conflicts=conflicts)
            self.merge_button.setEnabled(False)
        if again:
            text += " " + self.tr("Merged before: {files}.").format(files=", ".join(again))
        self.status.setText(text)
        self.undo_button.setEnabled(last_merge(self.store) is not None)
        (self.previewed if report.dry_run else self.merged).emit(report)

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self._stop()
        self.report = None
        self.merge_button.setEnabled(False)
        if isinstance(exc, Cancelled):
            message = self.tr("Cancelled: nothing was changed.")
        else:
            summary, details = error_text(exc)
            if isinstance(exc, FacilitatorError):
                message = self.tr("Refused, nothing was changed — {where}: {why}").format(
                    where=exc.location(), why=exc.message)
            else:
                message = self.tr("The merge failed, nothing was changed: {why}").format(
                    why=summary + (f" ({details})" if details else ""))
        self.status.setText(message)
        self.refused.emit(message)

    def _fill_table(self) -> None:
        outcomes = {o.info.path: o for o in (self.report.outcomes if self.report else [])}
        self.table.setRowCount(len(self.files))
        for row, path in enumerate(self.files):
            outcome = outcomes.get(path)
            if outcome is None:
                values = [path.name, "", "", "", "", "", "", "", ""]
            else:
                info = outcome.info
                laptops = ", ".join(label or device[:8] for device, label in info.devices)
                sites = ", ".join(self.site_names.get(site, site) for site in info.sites)
                values = [path.name, self._kind(info.kind), sites, laptops,
                          str(info.records), str(outcome.added), str(outcome.updated),
                          str(outcome.unchanged), str(outcome.kept)]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 0:
                    item.setToolTip(str(path))
                if column >= 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)

    def _kind(self, kind: str) -> str:
        return {"database": self.tr("database"), "bundle": self.tr("data bundle"),
                "pdf": self.tr("export PDF")}.get(kind, kind)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if self.busy:
            # The merge's transaction must finish or roll back before the window goes.
            self.cancel()
            self._stop()
        super().closeEvent(event)


def ask_undo_last_merge(parent: QWidget, store: Store, tasks: TaskRunner,
                        done: Callable[[str], object] | None = None,
                        starting: Callable[[], object] | None = None) -> Task | None:
    """File → Undo last merge: confirm, then put the database back exactly as it was
    before the last merge (``core/undo.py``) in the background, with progress and
    Cancel (the copy goes back in one transaction: cancelled, nothing changed).
    ``starting()`` is called once confirmed, ``done(message)`` with the outcome."""
    info = last_merge(store)
    report = done if done is not None else (lambda _m: None)
    title = QCoreApplication.translate("MergeWindow", "Undo last merge")
    if info is None:
        message = QCoreApplication.translate(
            "MergeWindow", "There is no merge to undo. (An erasure since the last merge "
            "removes its undo, so erased data cannot come back.)")
        QMessageBox.information(parent, title, message)
        report(message)
        return None
    files = ", ".join(Path(str(f)).name for f in info.get("files", []) or [])
    question = QCoreApplication.translate(
        "MergeWindow", "Put the database back exactly as it was before the last merge "
        "(%1)?\n\nEverything that merge brought in or changed is taken out again. If "
        "anything was saved since, nothing is changed and you are told why.")
    answer = QMessageBox.question(
        parent, QCoreApplication.translate("MergeWindow", "Undo last merge?"),
        question.replace("%1", files),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    if answer != QMessageBox.StandardButton.Yes:
        return None

    def undone(names: list[str]) -> None:
        report(QCoreApplication.translate(
            "MergeWindow", "The last merge was undone (%1): the database is as it was "
            "before it.").replace("%1", ", ".join(Path(f).name for f in names)))

    def refused(exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            report(QCoreApplication.translate(
                "MergeWindow", "Cancelled: the merge was not undone, nothing was changed."))
            return
        reason = exc.message if isinstance(exc, FacilitatorError) else error_text(exc)[0]
        message = QCoreApplication.translate(
            "MergeWindow", "The merge was not undone: %1").replace("%1", reason)
        QMessageBox.warning(parent, title, message)
        report(message)

    if starting is not None:
        starting()
    return tasks.run(
        QCoreApplication.translate(
            "MergeWindow", "Putting the database back as it was before the last merge "
            "(%1)…").replace("%1", files),
        lambda progress: undo_last_merge(store, progress), undone, refused)
