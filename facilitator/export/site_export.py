"""Write a site export or the cross-site report: a PDF that carries its data.

The readable report (``pdf_report``) and the site's records as a data bundle
(``core/bundle.py``, docs/record-laws.md) travel as one file: the bundle is a
standard PDF file attachment named ``facilitator-data.jsonl.gz``. Nobody has to keep
two files together, and ``facilitator merge`` reads it back.

Before anything is written, the privacy gate (``core/privacy.py``) scans the text
the report would print; unless the caller accepts the hits, the export stops and
lists them. The file is written atomically: a temporary file beside the target,
flushed to disk, then renamed, so a full disk or a pulled USB stick leaves no
partial file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from facilitator.core.bundle import BUNDLE_NAME, build_bundle
from facilitator.core.errors import FacilitatorError, Progress
from facilitator.core.files import write_atomic
from facilitator.core.pack import SessionPack, Site
from facilitator.core.store import Store
from facilitator.export import pdf_report
from facilitator.export.report_data import gather

MERGED_RESULTS_BY = ("site", "trust_police", "ai_opinion")


class PrivacyHitsError(FacilitatorError):
    """The export found possible personal data; it wrote nothing."""

    def __init__(self, hits: Sequence[Any], lines: Sequence[str]) -> None:
        self.hits = list(hits)
        self.lines = list(lines)
        count = len(self.hits)
        super().__init__(
            f"{count} possible piece{'s' if count != 1 else ''} of personal data in the "
            "text to export; nothing was written. Edit the notes, or confirm each is not "
            "personal data (--accept-flagged)")

    def __str__(self) -> str:
        return "\n".join([super().__str__(), *self.lines])


@dataclass
class ExportResult:
    path: Path
    bytes: int
    records: dict[str, int] = field(default_factory=dict)
    accepted_hits: int = 0


def attach_bundle(pdf: bytes, bundle: bytes) -> bytes:
    """The PDF with the bundle embedded as a standard file attachment."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_attachment(BUNDLE_NAME, bundle)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def site_hits(store: Store, pack: SessionPack, site: str) -> list[Any]:
    """The unconfirmed privacy hits in every string the site export's pages print
    (notes, quotes, advice, theme labels, table names, laptop labels, agenda…)."""
    from facilitator.core import privacy
    from facilitator.export.report import report_texts

    data = gather(store, pack, [pack.site(site)])
    return privacy.check_printed(store, report_texts(data))


def privacy_gate(store: Store, pack: SessionPack, site: str | None,
                 accept_flagged: bool) -> int:
    """Stop the export with every hit listed, unless accepted. Returns hits accepted.

    ``site`` None: the cross-site report's text (``export/report.py``)."""
    from facilitator.core import privacy

    if site is None:
        from facilitator.export.report import report_content, report_hits

        hits = report_hits(store, report_content(store, pack))
    else:
        hits = site_hits(store, pack, site)
    if hits and not accept_flagged:
        raise PrivacyHitsError(hits, [privacy.describe(h) for h in hits])
    return len(hits)


def _site_dates_note(data: Any) -> dict[str, Any]:
    return {"dates": list(data.dates) if data.dates else None}


def export_site(store: Store, pack: SessionPack, site: str, path: str | Path, *,
                accept_flagged: bool = False, progress: Progress | None = None
                ) -> ExportResult:
    """``facilitator export --site SITE -o FILE.pdf``: the site report with its data."""
    from facilitator.core import privacy
    from facilitator.export.report import report_texts

    chosen: Site = pack.site(site)
    data = gather(store, pack, [chosen])
    hits = privacy.check_printed(store, report_texts(data))
    if hits and not accept_flagged:
        raise PrivacyHitsError(hits, [privacy.describe(h) for h in hits])
    accepted = len(hits)
    from facilitator.export.data_file import minimise

    # Nothing the record laws do not need: withdrawn or erased people as tombstones.
    bundle = minimise(build_bundle(store, sites=(chosen.id,),
                                   extra={"kind": "site-export", "site": chosen.id,
                                          **_site_dates_note(data)}))
    # The bundle is embedded as reportlab writes the pages: no second pass over the PDF.
    final = pdf_report.render(data, cross_site=False, progress=progress,
                              attachments={BUNDLE_NAME: bundle})
    del bundle
    if progress is not None:
        progress(9, 10)
    target = write_atomic(path, final)
    if progress is not None:
        progress(10, 10)
    return ExportResult(target, len(final), accepted_hits=accepted)


def export_merged(store: Store, pack: SessionPack, path: str | Path, *,
                  accept_flagged: bool = False, progress: Progress | None = None
                  ) -> ExportResult:
    """``merge -o``: the cross-site publication report over everything in the database
    (``export/report.py``): the same file ``facilitator report`` writes, no data."""
    from facilitator.export.report import write_report

    result = write_report(store, pack, path, accept_flagged=accept_flagged,
                          progress=progress)
    return ExportResult(result.path, result.bytes, accepted_hits=result.accepted_hits)
