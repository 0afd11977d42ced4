"""Advice on the command line: ``advice list``, ``advice combine``, ``advice edit``,
``advice split``, ``import priorities`` and ``export --advice-only`` (DESIGN §5).

Thin over ``core/advice.py`` and ``export/advice_export.py``: the GUI calls the same.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from facilitator.core import paths


def add_parsers(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "advice", help="advice items across sites: list, combine, edit, split",
        description="Advice drafted at every site, combined where it overlaps, with the "
                    "participants' dots.")
    actions = parser.add_subparsers(dest="action", parser_class=type(parser), required=True)
    listing = actions.add_parser("list", help="advice items with provenance and priorities")
    listing.add_argument("--site", metavar="SITE",
                         help="count only the dots cast at this site (id or name)")
    listing.add_argument("--json", action="store_true")
    combine = actions.add_parser("combine", help="one item from several",
                                 description="Combine overlapping advice items into one "
                                             "with new wording; the originals are kept.")
    combine.add_argument("ids", nargs="+", metavar="ID",
                         help="item ids as `advice list` prints them (8 characters suffice)")
    combine.add_argument("--text", required=True, help="the combined wording")
    combine.add_argument("--theme", help="an advice theme (default: the originals' commonest)")
    combine.add_argument("--json", action="store_true")
    edit = actions.add_parser("edit", help="reword or re-theme a combined item")
    edit.add_argument("id", metavar="ID")
    edit.add_argument("--text")
    edit.add_argument("--theme")
    edit.add_argument("--json", action="store_true")
    split = actions.add_parser("split", help="undo a combination (its originals stay)")
    split.add_argument("id", metavar="ID")
    split.add_argument("--json", action="store_true")


def add_import_parser(import_subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = import_subparsers.add_parser(
        "priorities", help="dot votes typed in from paper (participant,site,item,dots)")
    parser.add_argument("file")
    parser.add_argument("--json", action="store_true")


def _item_line(item: Any) -> str:
    dots = f"{item.dots:>3} dots {item.voters:>3} voters"
    where = ", ".join(item.sites) or "–"
    if item.combined_into:
        return f"    {item.short_id}  {'':>20}  ↳ {item.text}  ({where}; in {item.combined_into[:8]})"
    mark = "+" if item.is_combination else " "
    return f"  {mark}{item.short_id}  {dots}  {item.text}  ({where})"


def cmd_advice(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.core import advice
    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store

    pack = load_pack(resolved.pack)
    with Store(resolved.db) as store:
        if args.action == "list":
            site = pack.site(args.site).id if args.site else None
            if args.json:
                print(json.dumps(advice.list_json(store, pack, site=site), indent=2,
                                 ensure_ascii=False))
                return 0
            items = advice.advice_items(store, pack, site=site)
            theme = None
            for item in items:
                if item.theme != theme:
                    theme = item.theme
                    print(theme)
                print(_item_line(item))
            if not items:
                print("no advice recorded")
            return 0
        if args.action == "combine":
            record = advice.combine(store, pack, args.ids, args.text, args.theme)
        elif args.action == "edit":
            items = advice.advice_items(store, pack)
            target = advice.resolve_item(items, args.id)
            record = advice.edit_combination(store, pack, target.id, text=args.text,
                                             theme=args.theme)
        else:
            items = advice.advice_items(store, pack)
            target = advice.resolve_item(items, args.id)
            if not target.is_combination:
                raise advice.AdviceError(f"{target.short_id} is not a combined item",
                                         field="id")
            record = advice.split(store, target.id)
    done = {"combine": "combined into", "edit": "edited", "split": "split"}[args.action]
    if args.json:
        print(json.dumps({"ok": True, "id": record["id"], "revision": record["revision"],
                          "combined_from": json.loads(record["combined_from"])}))
    else:
        print(f"{done} {record['id']}")
    return 0


def cmd_import_priorities(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.core.advice import import_priorities
    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store

    pack = load_pack(resolved.pack)
    with Store(resolved.db) as store:
        report = import_priorities(store, pack, args.file)
    from facilitator.commands.common import print_import

    return print_import(args, report)


def cmd_export_advice(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    """``export [--site SITE] --advice-only -o FILE.pdf``, called from commands/export.py."""
    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store
    from facilitator.export.advice_export import export_advice
    from facilitator.export.site_export import PrivacyHitsError

    pack = load_pack(resolved.pack)
    with Store(resolved.db) as store:
        try:
            result = export_advice(store, pack, args.site, args.output,
                                   accept_flagged=args.accept_flagged)
        except PrivacyHitsError as exc:
            from facilitator.commands.common import print_privacy_hits

            return print_privacy_hits(args, exc)
    if args.json:
        print(json.dumps({"ok": True, "file": str(result.path), "bytes": result.bytes,
                          "records": result.records, "accepted_hits": result.accepted_hits}))
    else:
        print(f"{result.path}: advice exchange file written ({result.bytes // 1024} KB)")
    return 0
