"""``facilitator report`` (DESIGN §5): the publication report, thin over export/report.py.

The format follows the output's extension; the privacy gate stops the command with
exit 1 and every hit listed unless ``--accept-flagged``.
"""

from __future__ import annotations

import argparse
import json

from facilitator.core import paths


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = sub.add_parser(
        "report", help="the publication report (no data attached)",
        description="Write the publication report from --db: for people outside the "
                    "dialogue team. It carries no data file, no participant-level "
                    "records, no internal ids and no file paths. The format follows "
                    "FILE's extension (.pdf). Stops and lists possible personal data "
                    "unless --accept-flagged.")
    report.add_argument("--site", metavar="SITE",
                        help="one site's report (its id or name); default: every site")
    report.add_argument("--workshop", metavar="N", type=int,
                        help="one workshop only; default: all")
    report.add_argument("-o", "--output", required=True, metavar="FILE")
    report.add_argument("--accept-flagged", action="store_true",
                        help="write it although the privacy check flagged text (each "
                             "hit has been checked by a person)")
    report.add_argument("--json", action="store_true")


def cmd_report(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store
    from facilitator.export.report import write_report, writer_for
    from facilitator.export.site_export import PrivacyHitsError

    writer_for(args.output)  # an unknown format fails before anything is opened
    pack = load_pack(resolved.pack)
    with Store(resolved.db) as store:
        try:
            result = write_report(store, pack, args.output, site=args.site,
                                  workshop=args.workshop,
                                  lang=getattr(args, "lang", None),
                                  accept_flagged=args.accept_flagged)
        except PrivacyHitsError as exc:
            from facilitator.commands.common import print_privacy_hits

            return print_privacy_hits(args, exc)
    if args.json:
        print(json.dumps({"ok": True, "file": str(result.path), "bytes": result.bytes,
                          "format": result.format.lstrip("."),
                          "accepted_hits": result.accepted_hits}))
    else:
        print(f"{result.path}: publication report written ({max(1, result.bytes // 1024)} KB)")
    return 0
