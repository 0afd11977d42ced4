"""Votes on the command line: ``import ballots``, ``results``, ``quotas``, roster ``--map``.

Thin over core (ballots, analysis, quotas, roster): the GUI calls the same functions.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from facilitator.core import paths
from facilitator.core.errors import CsvImportError, FacilitatorError, ImportReport


def add_import_parser(import_subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = import_subparsers.add_parser(
        "ballots", help="rankings typed in or exported from an online survey")
    parser.add_argument("file")
    parser.add_argument("--replace", action="store_true",
                        help="replace a participant's different earlier ballot (a new "
                             "revision of it)")
    parser.add_argument("--json", action="store_true")


def add_roster_options(roster_parser: argparse.ArgumentParser) -> None:
    roster_parser.add_argument(
        "--map", action="append", default=[], metavar="VAR:VALUE=CATEGORY",
        help="the category a value no spelling rule knows means, e.g. "
             "'ethnicity:Cymraeg=white' (repeatable; remembered for the next import)")


def add_parsers(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    results = subparsers.add_parser("results", help="ranking results overall and by group")
    results.add_argument("--by", metavar="VAR",
                         help="site, workshop, or any roster or derived variable")
    results.add_argument("--workshop", type=int, metavar="N",
                         help="this workshop's ballots (default: the latest with ballots)")
    results.add_argument("--json", action="store_true")
    quotas = subparsers.add_parser("quotas", help="quota vs actual per site and variable")
    quotas.add_argument("--site", metavar="SITE", help="only this site (id or name)")
    quotas.add_argument("--json", action="store_true")


# -- roster --map ------------------------------------------------------------------------


def parse_maps(texts: Sequence[str] | None) -> dict[tuple[str, str], str]:
    """``VAR:VALUE=CATEGORY`` options as {(variable, value): category}."""
    mappings: dict[tuple[str, str], str] = {}
    for text in texts or ():
        variable, colon, rest = text.partition(":")
        value, equals, category = rest.rpartition("=")
        if not colon or not equals or not variable.strip() or not category.strip():
            raise FacilitatorError(f"--map {text!r}: expected VAR:VALUE=CATEGORY, e.g. "
                                   f"area:Seaside town=suburban", field="--map")
        mappings[(variable.strip(), value.strip())] = category.strip()
    return mappings


def import_roster_with_maps(store: Any, pack: Any, args: argparse.Namespace) -> ImportReport:
    """The roster import with ``--map`` answers; hints at ``--map`` for unknown values."""
    from facilitator.core.roster import import_roster

    try:
        return import_roster(store, pack, args.file,
                             mappings=parse_maps(getattr(args, "map", None)))
    except CsvImportError as exc:
        variables = {v.id for v in pack.variables}
        unknown = sorted({(p.field, p.message.split("'")[1] if "'" in p.message else "")
                          for p in exc.problems
                          if p.field in variables and p.message.startswith("unknown value")})
        if unknown:
            variable, value = unknown[0]
            print(f"facilitator: hint: say what a value means with --map, e.g. "
                  f"--map '{variable}:{value}=CATEGORY' (remembered for next time)",
                  file=sys.stderr)
        raise


# -- import ballots ----------------------------------------------------------------------


def cmd_import_ballots(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.core.ballots import import_ballots
    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store

    pack = load_pack(resolved.pack)
    with Store(resolved.db) as store:
        report = import_ballots(store, pack, args.file, replace=args.replace)
    from facilitator.commands.common import print_import

    return print_import(args, report, noun="ballots", updated="replaced")


# -- results -----------------------------------------------------------------------------


def cmd_results(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.core.analysis import results
    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store

    pack = load_pack(resolved.pack)
    with Store(resolved.db) as store:
        out = results(store, pack, by=args.by, workshop=args.workshop,
                      threshold=pack.suppression_threshold, before_after=True)
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    titles = {u.id: u.title for u in pack.use_cases}
    sites = {s.id: s.name for s in pack.sites}
    if out["workshop"] is None:
        print("No ballots yet.")
        return 0
    heading = f"Workshop {out['workshop']}"
    if out["latest"]:
        heading += " (the latest workshop with ballots"
        others = [str(w) for w in out["workshops"] if w != out["workshop"]]
        heading += f"; also ranked in workshop {', '.join(others)}: --workshop N)" \
            if others else ")"
    print(heading)
    print()
    for group in out["groups"]:
        name = "Overall" if group["by"] == "overall" else f"{group['by']} = {group['value']}"
        counted = (f"n={group['n']} ballots, {group['participants']} of them from "
                   f"participants on the roster")
        if group["suppressed"]:
            print(f"{name} ({counted}): fewer than {pack.suppression_threshold} "
                  f"ballots, not shown")
            continue
        print(f"{name} ({counted}): mean rank (1 = most acceptable), Borda, Schulze tier")
        tier_of = {u: i + 1 for i, tier in enumerate(group["schulze"]) for u in tier}
        cells = sorted(group["use_cases"].items(), key=lambda kv: kv[1]["mean_rank"])
        width = max(len(t) for t in titles.values())
        for use_case, cell in cells:
            print(f"  {titles[use_case]:<{width}}  {cell['mean_rank']:.2f}  "
                  f"{cell['borda']:>6}  {tier_of[use_case]}")
        print()
    for shift in out["before_after"]:
        where = sites.get(shift["site"], shift["site"])
        print(f"{where}: before and after, workshop {shift['before']} "
              f"({shift['n_before']} ballots) to workshop {shift['after']} "
              f"({shift['n_after']} ballots), {shift['paired']} participants in both")
        if shift["suppressed"]:
            print(f"  fewer than {pack.suppression_threshold} ballots in a round, not shown")
            print()
            continue
        width = max(len(t) for t in titles.values())
        print(f"  {'':<{width}}  before  after  moved up  moved down")
        for use_case, cell in shift["use_cases"].items():
            print(f"  {titles[use_case]:<{width}}  {cell['mean_rank_before']:>6.2f}  "
                  f"{cell['mean_rank_after']:>5.2f}  {cell['moved_up']:>8}  "
                  f"{cell['moved_down']:>10}")
        print()
    return 0


# -- quotas ------------------------------------------------------------------------------


def cmd_quotas(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.core.pack import load_pack
    from facilitator.core.quotas import quotas
    from facilitator.core.store import Store

    pack = load_pack(resolved.pack)
    with Store(resolved.db) as store:
        out = quotas(store, pack, args.site)
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    labels = {v.id: v.label for v in pack.variables}
    labels.update({d.id: d.label for d in pack.derived})
    for site, variables in out["sites"].items():
        print(site)
        for variable, categories in variables.items():
            print(f"  {labels.get(variable, variable)}")
            for category, cell in categories.items():
                quota, actual = cell["quota"], cell["actual"]
                if quota is None and not actual:
                    continue
                note = ""
                if quota is not None:
                    note = "  short by " + str(quota - actual) if actual < quota else "  met"
                target = "-" if quota is None else str(quota)
                print(f"    {category:<14} quota {target:>3}  actual {actual:>3}{note}")
        print()
    return 0
