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
from facilitator.core.errors import FacilitatorError, MergeError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    merge = sub.add_parser(
        "merge", help="merge other laptops' databases or exports into --db",
        description="Merge Facilitator database files, data bundles or export PDFs into "
                    "the database. Safe to repeat: merging a file twice adds nothing.")
    merge.add_argument("files", nargs="*", metavar="FILE")
    merge.add_argument("--undo-last", action="store_true",
                       help="put --db back exactly as it was before the last merge")
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
    from facilitator.core.files import same_file
    from facilitator.core.merge import merge
    from facilitator.core.store import Store

    if args.undo_last:
        if args.files or args.dry_run or args.output or args.csv:
            raise MergeError("--undo-last takes no files or outputs")
        return _undo_last(args, resolved)
    if not args.files:
        raise MergeError("give at least one file to merge (or --undo-last)")
    if args.output:
        from facilitator.export.report import writer_for

        writer_for(args.output)  # an unknown format fails before anything is merged
    from facilitator.export.site_export import PrivacyHitsError

    with Store(resolved.db) as store:
        if any(same_file(resolved.db, name) for name in args.files):
            raise MergeError("this is the database being merged into", file=resolved.db)
        report = merge(store, args.files, dry_run=args.dry_run,
                       allow_rehearsal=args.include_rehearsal)
        if not args.json:
            _print_report(report, resolved)
        written: list[Path] = []
        failure: FacilitatorError | None = None
        if not args.dry_run:
            try:
                _outputs(store, args, resolved, written)
            except PrivacyHitsError as exc:
                from facilitator.commands.common import print_privacy_hits

                print("facilitator: the files were merged into the database; the report "
                      "was not written", file=sys.stderr)
                return print_privacy_hits(args, exc)
            except FacilitatorError as exc:
                failure = exc
    if args.json:
        out: dict[str, object] = {"ok": failure is None, **report.to_json(),
                                  "written": [str(p) for p in written]}
        if failure is not None:
            out["error"] = str(failure)
        print(json.dumps(out))
    for path in written:
        if not args.json:
            print(f"wrote {path}")
    if report.dry_run:
        print("dry run: nothing was changed", file=sys.stderr)
    if failure is not None:
        # Honest after partial work: the merge is committed whatever the outputs did.
        print(f"facilitator: the merge is done and kept in {resolved.db}, but {failure}",
              file=sys.stderr)
        done = {str(p) for p in written}
        missing = [str(w) for w in (args.output, args.csv) if w and not any(
            Path(d) == Path(w) or Path(d).parent == Path(w) for d in done)]
        print(f"facilitator: written: {', '.join(sorted(done)) or 'nothing'}; "
              f"not written: {', '.join(missing) or 'nothing'}", file=sys.stderr)
        return 1
    return 0


def _print_report(report, resolved: paths.ResolvedPaths) -> None:  # type: ignore[no-untyped-def]
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
    if not report.dry_run:
        print("the merge can be undone with: facilitator merge --undo-last")


def _undo_last(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.core.store import Store
    from facilitator.core.undo import undo_last_merge

    with Store(resolved.db) as store:
        files = undo_last_merge(store)
    if args.json:
        print(json.dumps({"ok": True, "undone": files}))
    else:
        print(f"{resolved.db}: put back as it was before the last merge "
              f"({', '.join(files) or 'no files'}); the merge log notes the undo")
    return 0


def _site_names(resolved: paths.ResolvedPaths) -> dict[str, str]:
    from facilitator.core.errors import FacilitatorError
    from facilitator.core.pack import load_pack

    try:
        return {site.id: site.name for site in load_pack(resolved.pack).sites}
    except FacilitatorError:
        return {}


def _outputs(store, args: argparse.Namespace,  # type: ignore[no-untyped-def]
             resolved: paths.ResolvedPaths, written: list[Path]) -> None:
    """The cross-site report (-o) and the CSV files (--csv) of the merged database,
    each appended to ``written`` once it is complete."""
    if not args.output and not args.csv:
        return
    from facilitator.core import privacy
    from facilitator.core.pack import load_pack
    from facilitator.export.csv_export import csv_hits, csv_tables, write_csvs
    from facilitator.export.site_export import PrivacyHitsError, export_merged

    pack = load_pack(resolved.pack)
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

