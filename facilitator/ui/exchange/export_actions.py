"""File → Export: the site data file, the publication report (PDF or Word) and the
analysis files (Excel workbook, REFI-QDA project), off the GUI thread.

Two kinds of file, never confused (DESIGN §4): the *site data file* (a PDF carrying
the site's records, confidential research data for the dialogue team) and the
*publication report* (no data, for people outside the team). Each export first runs
the privacy gate over every string the file prints, in the background; if it finds
possible personal data, the review dialog lets the user edit each note or confirm it
is not personal data, then the export runs in the background with a progress window
that is not modal, so the console keeps running beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from facilitator.core.errors import Cancelled, Progress
from facilitator.core.pack import SessionPack
from facilitator.core.store import Store
from facilitator.ui.common.errors import show_error
from facilitator.ui.common.tasks import TaskRunner


class ExportController(QObject):
    """Runs exports for one window's store.

    Signals: exported(str path) — a PDF was written; failed(str message).
    """

    exported = Signal(str)
    failed = Signal(str)

    def __init__(self, parent: QWidget, store: Store, pack: SessionPack,
                 tasks: TaskRunner, *, documents: Callable[[], str] | None = None) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.store, self.pack, self.tasks = store, pack, tasks
        self.documents = documents or (lambda: str(Path.home()))
        # Tests answer the file and review questions instead of a person.
        self.ask_path: Callable[[str, str], str | None] = self._ask_path
        self.review: Callable[[list[Any]], bool] = self._review

    # -- questions -----------------------------------------------------------------------

    def _ask_path(self, title: str, suggested: str) -> str | None:
        suffix = Path(suggested).suffix.lower() or ".pdf"
        filters = {".pdf": self.tr("PDF files (*.pdf)"),
                   ".docx": self.tr("Word documents (*.docx)"),
                   ".xlsx": self.tr("Excel workbooks (*.xlsx)"),
                   ".qdpx": self.tr("REFI-QDA projects (*.qdpx)")}
        name, _ = QFileDialog.getSaveFileName(
            self.parent_widget, title, str(Path(self.documents()) / suggested),
            filters.get(suffix, filters[".pdf"]))
        if not name:
            return None
        return name if name.lower().endswith(suffix) else name + suffix

    def _review(self, hits: list[Any]) -> bool:
        from facilitator.ui.exchange.privacy_dialog import PrivacyReviewDialog

        dialog = PrivacyReviewDialog(self.store, self.pack, hits, self.parent_widget)
        return dialog.exec() == QDialog.DialogCode.Accepted

    # -- site report -----------------------------------------------------------------------

    def export_site(self, site_id: str | None = None) -> None:
        site = self.pack.site(site_id or self.store.site or self.pack.sites[0].id)
        suggested = f"{site.id}-site-data-{date.today().isoformat()}.pdf"
        path = self.ask_path(self.tr(
            "Site data file — confidential research data for the dialogue team, "
            "not for publication"), suggested)
        if path is None:
            return
        self._gate(site.id, lambda: self._run_site(site.id, Path(path)))

    def export_merged(self) -> None:
        suggested = f"publication-report-{date.today().isoformat()}.pdf"
        path = self.ask_path(self.tr(
            "Publication report — for people outside the team; it carries no data"),
            suggested)
        if path is None:
            return
        self._gate(None, lambda: self._run_merged(Path(path)))

    def export_word(self) -> None:
        """The publication report as a Word document, for the team to edit."""
        suggested = f"publication-report-{date.today().isoformat()}.docx"
        path = self.ask_path(self.tr(
            "Publication report to edit in Word — for people outside the team; it "
            "carries no data"), suggested)
        if path is None:
            return
        self._gate(None, lambda: self._run_merged(Path(path)))

    def export_analysis(self, suffix: str) -> None:
        """An analysis file for the team's analysts: ``.xlsx`` (workbook) or ``.qdpx``
        (REFI-QDA project for NVivo, ATLAS.ti, MAXQDA, QualCoder)."""
        stem = "analysis-workbook" if suffix == ".xlsx" else "qda-project"
        path = self.ask_path(self.tr(
            "Analysis file — pseudonymous codes with roster variables, for the dialogue "
            "team's analysts, not for publication"), f"{stem}-{date.today().isoformat()}"
                                                     f"{suffix}")
        if path is None:
            return

        def hits() -> list[Any]:
            from facilitator.export.handoff import handoff_hits

            return handoff_hits(self.store, self.pack, suffix)

        self._gate(None, lambda: self._run_analysis(Path(path)), hits=hits)

    def _run_analysis(self, path: Path) -> None:
        def work(progress: Progress) -> Any:
            from facilitator.export.handoff import write_handoff

            progress(0, 1)
            # Every hit has been edited away or confirmed in the review.
            return write_handoff(self.store, self.pack, path, accept_flagged=True)

        self.tasks.run(self.tr("Writing the analysis file…"), work, self._done,
                       self._failed, modal=False)

    # Imports happen inside the work functions: on the worker thread, not the GUI's
    # (reportlab and pypdf take a noticeable moment to import the first time).

    def _gate(self, site: str | None, then: Callable[[], None], *,
              hits: Callable[[], list[Any]] | None = None) -> None:
        def work(progress: Progress) -> list[Any]:
            from facilitator.export.report import report_content, report_hits
            from facilitator.export.site_export import site_hits

            progress(0, 1)
            # Every string the file will print: notes, advice, theme labels, tables…
            if hits is not None:
                return hits()
            if site is None:
                return report_hits(self.store, report_content(self.store, self.pack))
            return site_hits(self.store, self.pack, site)

        def scanned(hits: list[Any]) -> None:
            if hits and not self.review(hits):
                return
            then()

        self.tasks.run(self.tr("Checking the text for personal data…"), work, scanned,
                       self._failed, modal=False)

    def _run_site(self, site: str, path: Path) -> None:
        def work(progress: Progress) -> Any:
            from facilitator.export.site_export import export_site

            # Every hit has been edited away or confirmed in the review.
            return export_site(self.store, self.pack, site, path, accept_flagged=True,
                               progress=progress)

        self.tasks.run(self.tr("Writing the site data file…"), work, self._done,
                       self._failed, modal=False)

    def _run_merged(self, path: Path) -> None:
        def work(progress: Progress) -> Any:
            from facilitator.export.site_export import export_merged

            # Every hit has been edited away or confirmed in the review.
            return export_merged(self.store, self.pack, path, accept_flagged=True,
                                 progress=progress)

        self.tasks.run(self.tr("Writing the publication report…"), work, self._done,
                       self._failed, modal=False)

    def _done(self, result: Any) -> None:
        self.exported.emit(str(result.path))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.failed.emit(self.tr("Export cancelled: nothing was written."))
            return
        self.failed.emit(str(exc))
        show_error(self.parent_widget, exc)

    # -- name badges -----------------------------------------------------------------------

    def edit_name_badges(self) -> None:
        from facilitator.ui.exchange.privacy_dialog import NameBadgesDialog

        NameBadgesDialog(self.store, self.parent_widget).exec()
