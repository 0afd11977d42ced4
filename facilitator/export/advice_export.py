"""The advice exchange file: a printable list of advice that carries its data.

``facilitator export --site SITE --advice-only -o FILE.pdf`` writes one site's advice
(its advice notes, the combinations made there and the dots cast there); without a
site it writes the hub's list: every site's advice and every combination. The PDF
lists the advice by theme with each item's short id (what a paper priorities sheet
names), and carries the records as the same data bundle a site export does
(``core/bundle.py``), so ``facilitator merge FILE.pdf`` reads it on any laptop and
the same integrity checks refuse a damaged or tampered file.

The same privacy gate as a site export runs first, over the advice that would be
printed (combination wording included); the file is written atomically.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from facilitator import __version__
from facilitator.core import advice, privacy
from facilitator.core.bundle import build_bundle
from facilitator.core.errors import Progress
from facilitator.core.pack import SessionPack
from facilitator.core.records import Record
from facilitator.core.schema.advice import COMBINATIONS_TABLE, PRIORITIES_TABLE
from facilitator.core.schema.exports import CONFIRMATIONS_TABLE
from facilitator.core.store import Store
from facilitator.export import pdf_report
from facilitator.export.site_export import (
    ExportResult,
    PrivacyHitsError,
    attach_bundle,
    write_atomic,
)

EXCHANGE_KIND = "advice-exchange"
THEMES_TABLE = "themes_custom"


def _withdrawn(store: Store) -> set[str]:
    return {str(r["id"]) for r in store.rows("participants", "withdrawn = 1 OR erased = 1")}


def exchange_records(store: Store, site: str | None) -> dict[str, list[Record]]:
    """The records an exchange file carries, by table (every version state: deleted too).

    Nothing from a withdrawn participant: neither their advice nor their dots.
    """
    gone = _withdrawn(store)
    where, params = ("kind = 'advice'", [])
    if site is not None:
        where, params = "kind = 'advice' AND site = ?", [site]
    notes = [r for r in store.rows("notes", where, params, order_by="id")
             if r["participant_id"] not in gone]
    site_where, site_params = ("site = ?", [site]) if site is not None else ("", [])
    combos = store.rows(COMBINATIONS_TABLE, site_where, site_params, order_by="id")
    dots = [r for r in store.rows(PRIORITIES_TABLE, site_where, site_params, order_by="id")
            if r["participant_id"] not in gone]
    ids = {str(r["id"]) for r in [*notes, *combos]}
    confirmations = [r for r in store.rows(CONFIRMATIONS_TABLE, order_by="id")
                     if str(r["note_id"]) in ids]
    themes = store.rows(THEMES_TABLE, "use_case = ?", ["advice"], order_by="id")
    return {"notes": notes, COMBINATIONS_TABLE: combos, PRIORITIES_TABLE: dots,
            CONFIRMATIONS_TABLE: confirmations, THEMES_TABLE: themes}


def exchange_bundle(store: Store, records: dict[str, list[Record]],
                    extra: dict[str, Any]) -> bytes:
    """The bundle of just ``records`` (and their kept lost versions), built by the same
    ``build_bundle`` as a site export, from a private copy holding only them."""
    wanted = {table: {str(r["id"]) for r in rows} for table, rows in records.items()}
    from facilitator.core.backup import private_temp

    with private_temp(store.path, "exchange") as tmp, \
            Store(Path(tmp) / "exchange.db", device_id=store.device_id) as copy:
        with copy.transaction():
            for row in store.rows("devices"):
                copy.put_version("devices", row)
            for table, rows in records.items():
                for row in rows:
                    copy.put_version(table, row)
            for table, record in store.lost_versions():
                if str(record.get("id")) in wanted.get(table, set()):
                    copy.put_version(table, record)
        return build_bundle(copy, tables=tuple(records), extra=extra)


def exchange_hits(store: Store, pack: SessionPack, site: str | None,
                  records: dict[str, list[Record]]) -> list[privacy.PrivacyHit]:
    """The privacy gate (``core/privacy.py``) over every string the exchange file prints:
    each item's wording (combinations included), theme labels, site names, the title."""
    from facilitator.export.report import printed_texts

    items = printed_items(store, pack, records)
    return privacy.check_printed(store, [
        privacy.Printed(pack.title, "programme title"),
        privacy.Printed(_title(pack, site), "title"), *printed_texts(items)])


def advice_privacy_gate(store: Store, pack: SessionPack, site: str | None,
                        records: dict[str, list[Record]], accept_flagged: bool) -> int:
    """The site export's gate, over the advice this file prints; returns hits accepted."""
    hits = exchange_hits(store, pack, site, records)
    if hits and not accept_flagged:
        raise PrivacyHitsError(hits, [privacy.describe(h) for h in hits])
    return len(hits)


def printed_items(store: Store, pack: SessionPack,
                  records: dict[str, list[Record]]) -> list[advice.AdviceItem]:
    """The advice items the exchange file lists."""
    note_ids = {str(r["id"]) for r in records["notes"] if not int(r["deleted"])}
    combo_ids = {str(r["id"]) for r in records[COMBINATIONS_TABLE] if not int(r["deleted"])}
    return [i for i in advice.advice_items(store, pack)
            if i.id in note_ids or i.id in combo_ids]


def _title(pack: SessionPack, site: str | None) -> str:
    return "Advice exchange: " + (pack.site(site).name if site else "all sites (hub list)")


def render_exchange(store: Store, pack: SessionPack, site: str | None,
                    records: dict[str, list[Record]]) -> bytes:
    """The printable list: advice by theme, each with its short id, sites and dots."""
    s = pdf_report.styles()
    items = printed_items(store, pack, records)
    title = _title(pack, site)
    story: list[Flowable] = [
        Paragraph(pdf_report.safe(pdf_report.DATA_FILE_BANNER), s["warning"]),
        Paragraph(pdf_report.safe(pack.title), s["title"]),
        Paragraph(pdf_report.safe(title), s["subtitle"]),
        Paragraph(pdf_report.safe(
            f"{sum(1 for i in items if i.votable)} items to prioritise "
            f"({sum(1 for i in items if not i.is_combination)} drafted, "
            f"{sum(1 for i in items if i.is_combination)} combined), grouped by theme, "
            "most dots first; a combined item's originals are listed under it. Each item's "
            "id (the first 8 characters are enough) is what a priorities sheet names. "
            f"Each participant has {pack.dot_allowance} dots, at most {pack.dot_cap} on "
            "one item. This PDF carries its data (facilitator-data.jsonl.gz): open it "
            "with Facilitator's Merge, or: facilitator merge FILE.pdf"), s["small"]),
        Spacer(1, 6),
    ]
    if not items:
        story.append(Paragraph("No advice was recorded.", s["body"]))
    theme = None
    for item in items:
        if item.theme != theme:
            theme = item.theme
            story.append(Paragraph(pdf_report.safe(theme), s["h2"]))
        story.append(KeepTogether(_item_block(item, s)))
    out = io.BytesIO()

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(pdf_report.FONT, 7.5)
        canvas.setFillColor(pdf_report.MUTED)
        canvas.drawString(18 * mm, 10 * mm, f"{pack.title} — {title}"[:110])
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"page {doc.page}")
        canvas.restoreState()

    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    story += [Spacer(1, 10), Paragraph(pdf_report.safe(
        f"Made {made} by Facilitator {__version__}."), s["small"])]
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=18 * mm, title=title,
                            author="Facilitator", subject=pack.title)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def _item_block(item: advice.AdviceItem, s: dict[str, Any]) -> list[Flowable]:
    arrow = "&nbsp;&nbsp;&nbsp;&nbsp;↳ " if item.combined_into else ""
    indent = "&nbsp;" * 9 if item.combined_into else ""
    dots = ""
    if item.dots:
        dots = f" · {item.dots} dot{'s' if item.dots != 1 else ''} from {item.voters} " \
               f"voter{'s' if item.voters != 1 else ''}"
    where = ", ".join(item.sites) or "–"
    if item.is_combination:
        meta = f"[{item.short_id}] combined from {len(item.combined_from)} items · {where}"
    elif item.combined_into:
        meta = f"[{item.short_id}] {where} · combined into [{item.combined_into[:8]}]"
    else:
        meta = f"[{item.short_id}] {where}"
    text = pdf_report.safe(item.text)
    body = f"<b>{text}</b>" if item.is_combination else text
    small = f"<font color='#4A545F' size='8'>{pdf_report.safe(meta + dots)}</font>"
    return [Paragraph(f"{arrow}{body}<br/>{indent}{small}", s["quote"])]


def export_advice(store: Store, pack: SessionPack, site: str | None, path: str | Path, *,
                  accept_flagged: bool = False, progress: Progress | None = None
                  ) -> ExportResult:
    """``facilitator export [--site SITE] --advice-only -o FILE.pdf``."""
    site_id = pack.site(site).id if site else None
    records = exchange_records(store, site_id)
    accepted = advice_privacy_gate(store, pack, site_id, records, accept_flagged)
    if progress is not None:
        progress(1, 4)
    pdf = render_exchange(store, pack, site_id, records)
    if progress is not None:
        progress(2, 4)
    extra = {"kind": EXCHANGE_KIND, "site": site_id}
    bundle = exchange_bundle(store, records, extra)
    final = attach_bundle(pdf, bundle)
    if progress is not None:
        progress(3, 4)
    target = write_atomic(path, final)
    if progress is not None:
        progress(4, 4)
    return ExportResult(target, len(final), {t: len(r) for t, r in records.items()},
                        accepted_hits=accepted)


__all__ = ["EXCHANGE_KIND", "exchange_records", "export_advice"]
