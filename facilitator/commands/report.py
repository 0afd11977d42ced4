"""``facilitator report -o FILE`` (DESIGN §5): the format follows FILE's extension.

``.pdf`` the publication report (``export/report.py``: no data attached, no
participant-level records, no ids or paths); ``.docx`` the report as a Word document,
``.xlsx`` the analysis workbook, ``.qdpx`` a REFI-QDA project and ``.qdc`` its
codebook (``export/handoff.py``) — all behind the privacy gate: the command stops
with exit 1 and every hit listed unless ``--accept-flagged``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from facilitator.core import paths


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = sub.add_parser(
        "report", help="the publication report or an analysis file; the format follows "
                       "-o's extension",
        description="Write the publication report (.pdf, .docx: for people outside the "
                    "dialogue team; no data file, no participant-level records, no "
                    "internal ids, no file paths) or an analysis file for the team's "
                    "analysts (.xlsx workbook, .qdpx REFI-QDA project, .qdc codebook) "
                    "from --db. Stops and lists possible personal data unless "
                    "--accept-flagged.")
    report.add_argument("--site", metavar="SITE",
                        help="one site only (its id or name); default: every site")
    report.add_argument("--workshop", metavar="N", type=int,
                        help="one workshop only; default: all")
    report.add_argument("-o", "--output", required=True, metavar="FILE")
    report.add_argument("--accept-flagged", action="store_true",
                        help="write although the privacy check flagged text (each hit has "
                             "been checked by a person)")
    report.add_argument("--json", action="store_true")


def cmd_report(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.commands.common import print_privacy_hits
    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store
    from facilitator.export.report import WRITERS
    from facilitator.export.site_export import PrivacyHitsError

    target = Path(args.output)
    pdf = target.suffix.lower() in WRITERS  # a publication report: .pdf or .docx
    if not pdf:
        from facilitator.export.handoff import FORMATS
        from facilitator.export.report import ReportFormatError

        if target.suffix.lower() not in FORMATS:
            known = ", ".join(sorted({*WRITERS, *FORMATS}))
            what = f"the extension {target.suffix}" if target.suffix else "no extension"
            raise ReportFormatError(f"{what} names no report format: end the file name "
                                    f"with one of {known}", file=str(target), field="-o")
    from facilitator.core import i18n

    # Titles, definitions and theme labels in the report's language (--lang).
    pack = load_pack(resolved.pack).localised(i18n.language())
    with Store(resolved.db) as store:
        try:
            if pdf:
                from facilitator.export.report import write_report

                result = write_report(store, pack, target, site=args.site,
                                      workshop=args.workshop,
                                      lang=getattr(args, "lang", None),
                                      accept_flagged=args.accept_flagged)
                kind = "publication report" + (" (Word)" if result.format == ".docx" else "")
                path, size = result.path, result.bytes
                accepted = result.accepted_hits
            else:
                from facilitator.export.handoff import write_handoff

                sites = [pack.site(args.site)] if args.site else None
                written = write_handoff(store, pack, target, sites=sites,
                                        workshop=args.workshop,
                                        accept_flagged=args.accept_flagged)
                path, size, kind = written.path, written.bytes, written.format
                accepted = written.accepted_hits
        except PrivacyHitsError as exc:
            return print_privacy_hits(args, exc)
    if args.json:
        print(json.dumps({"ok": True, "file": str(path), "format": kind, "bytes": size,
                          "accepted_hits": accepted}))
    else:
        print(f"{path}: {kind} written ({max(1, size // 1024)} KB)")
    return 0
