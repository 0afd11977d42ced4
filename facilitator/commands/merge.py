"""``facilitator merge FILE …``: merge other laptops' databases, bundles or export PDFs.

A thin layer over ``core/merge.py``; DESIGN §5. Without ``-o`` only the database
changes. ``--dry-run`` prints what each file would add, change and conflict.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from facilitator.core import paths
from facilitator.core.errors import MergeError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    merge = sub.add_parser(
        "merge", help="merge other laptops' databases or exports into --db",
        description="Merge Facilitator database files, data bundles or export PDFs into "
                    "the database. Safe to repeat: merging a file twice adds nothing.")
    merge.add_argument("files", nargs="+", metavar="FILE")
    merge.add_argument("--dry-run", action="store_true",
                       help="show what each file would add, change and conflict; "
                            "change nothing")
    merge.add_argument("--include-rehearsal", action="store_true",
                       help="also take rehearsal (practice) data, which is refused otherwise")
    merge.add_argument("-o", "--output", metavar="FILE.pdf",
                       help="also write the cross-site publication report of everything "
                            "in --db (the same file as: facilitator report -o FILE)")
    merge.add_argument("--csv", metavar="DIR",
                       help="also write notes, ballots and participants as CSV in DIR")
    merge.add_argument("--accept-flagged", action="store_true",
                       help="write -o and --csv although the privacy check flagged text "
                            "(each hit has been checked by a person)")
    merge.add_argument("--json", action="store_true")


def cmd_merge(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.core.merge import merge
    from facilitator.core.store import Store
    from facilitator.export.site_export import PrivacyHitsError

    if args.output:
        from facilitator.export.report import writer_for

        writer_for(args.output)  # an unknown format fails before anything is merged
    with Store(resolved.db) as store:
        if any(resolved.db.resolve() == Path(name).resolve() for name in args.files):
            raise MergeError("this is the database being merged into", file=resolved.db)
        report = merge(store, args.files, dry_run=args.dry_run,
                       allow_rehearsal=args.include_rehearsal)
        try:
            written = [] if args.dry_run else _outputs(store, args, resolved)
        except PrivacyHitsError as exc:
            from facilitator.commands.common import print_privacy_hits

            print("facilitator: the files were merged into the database; the report "
                  "was not written", file=sys.stderr)
            return print_privacy_hits(args, exc)
    if args.json:
        print(json.dumps({"ok": True, **report.to_json(),
                          "written": [str(p) for p in written]}))
        return 0
    verb = "would add" if report.dry_run else "added"
    names = _site_names(resolved)
    for outcome in report.outcomes:
        info = outcome.info
        sites = ", ".join(names.get(s, s) for s in info.sites) or "no site"
        laptops = ", ".join(label or device[:8] for device, label in info.devices) or "none"
        again = " (seen before)" if outcome.seen_before else ""
        print(f"{info.path}: {info.kind}, {sites}, laptops {laptops}: {info.records} records; "
              f"{verb} {outcome.added}, changed {outcome.updated}, already present "
              f"{outcome.unchanged}, conflicts {outcome.kept}{again}")
    for path in written:
        print(f"wrote {path}")
    if report.dry_run:
        print("dry run: nothing was changed", file=sys.stderr)
    return 0


def _site_names(resolved: paths.ResolvedPaths) -> dict[str, str]:
    from facilitator.core.errors import FacilitatorError
    from facilitator.core.pack import load_pack

    try:
        return {site.id: site.name for site in load_pack(resolved.pack).sites}
    except FacilitatorError:
        return {}


def _outputs(store, args: argparse.Namespace,  # type: ignore[no-untyped-def]
             resolved: paths.ResolvedPaths) -> list[Path]:
    """The cross-site report (-o) and the CSV files (--csv) of the merged database."""
    if not args.output and not args.csv:
        return []
    from facilitator.core import privacy
    from facilitator.core.pack import load_pack
    from facilitator.export.csv_export import csv_hits, csv_tables, write_csvs
    from facilitator.export.site_export import PrivacyHitsError, export_merged

    pack = load_pack(resolved.pack)
    written: list[Path] = []
    tables = csv_tables(store, pack) if args.csv else []
    if tables and not args.accept_flagged:
        # Checked before the report is written, so a hit stops both.
        hits = csv_hits(store, tables)
        if hits:
            raise PrivacyHitsError(hits, [privacy.describe(h) for h in hits])
    if args.output:
        written.append(export_merged(store, pack, args.output,
                                     accept_flagged=args.accept_flagged).path)
    if args.csv:
        written.extend(write_csvs(store, pack, args.csv, accept_flagged=args.accept_flagged,
                                  files=tables))
    return written

