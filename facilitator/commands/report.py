"""``facilitator report -o FILE`` (DESIGN §5): the format follows FILE's extension.

``.pdf`` the publication report; ``.qdpx`` a REFI-QDA project and ``.qdc`` its
codebook (``export/report_qdpx.py``) — all behind the privacy gate.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from facilitator.core import paths


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = sub.add_parser(
        "report", help="the report or an analysis file; the format follows -o's extension",
        description="Write the publication report (.pdf) or an analysis file for the "
                    "team's analysts (.qdpx REFI-QDA project, .qdc codebook) from --db. "
                    "Stops and lists possible personal data unless --accept-flagged.")
    report.add_argument("--site", metavar="SITE", help="one site only (id or name)")
    report.add_argument("--workshop", metavar="N", type=int, help="one workshop only")
    report.add_argument("-o", "--output", required=True, metavar="FILE")
    report.add_argument("--accept-flagged", action="store_true",
                        help="write although the privacy check flagged text (each hit has "
                             "been checked by a person)")
    report.add_argument("--json", action="store_true")


def cmd_report(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.commands.common import print_privacy_hits
    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store
    from facilitator.export.site_export import PrivacyHitsError

    pack = load_pack(resolved.pack)
    target = Path(args.output)
    sites = [pack.site(args.site)] if args.site else None
    with Store(resolved.db) as store:
        try:
            if target.suffix.lower() == ".pdf":
                path = _publication_pdf(store, pack, target, sites, args.accept_flagged)
                size, kind = path.stat().st_size, "report"
            else:
                from facilitator.export.handoff import write_handoff

                written = write_handoff(store, pack, target, sites=sites,
                                        workshop=args.workshop,
                                        accept_flagged=args.accept_flagged)
                path, size, kind = written.path, written.bytes, written.format
        except PrivacyHitsError as exc:
            return print_privacy_hits(args, exc)
    if args.json:
        print(json.dumps({"ok": True, "file": str(path), "format": kind, "bytes": size}))
    else:
        print(f"{path}: {kind} written ({max(1, size // 1024)} KB)")
    return 0


def _publication_pdf(store, pack, target: Path, sites,  # type: ignore[no-untyped-def]
                     accept_flagged: bool) -> Path:
    """The cross-site report as a PDF with no data attached (a report carries none)."""
    from facilitator.core.files import write_atomic
    from facilitator.export import pdf_report
    from facilitator.export.report_data import gather
    from facilitator.export.site_export import MERGED_RESULTS_BY, privacy_gate

    privacy_gate(store, pack, sites[0].id if sites else None, accept_flagged)
    chosen = sites or [s for s in pack.sites if store.count("notes", "site = ?", [s.id])
                       or store.count("participants", "site = ?", [s.id])] or list(pack.sites)
    data = gather(store, pack, chosen, results_by=MERGED_RESULTS_BY, cross_site=True)
    return write_atomic(target, pdf_report.render(data, cross_site=True))
