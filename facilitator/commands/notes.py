"""``facilitator import notes FILE.csv``: notes, quotes and advice typed elsewhere."""

from __future__ import annotations

import argparse
import json
import sys

from facilitator.core import paths


def add_import_parser(import_subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = import_subparsers.add_parser(
        "notes", help="notes, quotes and advice typed elsewhere (e.g. an online community)")
    parser.add_argument("file")
    parser.add_argument("--json", action="store_true")


def cmd_import_notes(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.core.notes_csv import import_notes
    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store

    pack = load_pack(resolved.pack)
    with Store(resolved.db) as store:
        report = import_notes(store, pack, args.file)
    for warning in report.warnings:
        print(f"facilitator: warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps({"ok": True, "file": report.file, "rows": report.rows,
                          "added": report.added, "unchanged": report.unchanged,
                          "warnings": report.warnings}))
    else:
        print(f"{report.file}: {report.rows} rows: {report.added} added, "
              f"{report.unchanged} already there")
    return 0
