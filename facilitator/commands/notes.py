"""``facilitator import notes FILE.csv``: notes, quotes and advice typed elsewhere."""

from __future__ import annotations

import argparse

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
    from facilitator.commands.common import print_import

    return print_import(args, report)
