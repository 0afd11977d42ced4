"""``facilitator export`` and ``facilitator demo`` (DESIGN §5): thin over facilitator/export."""

from __future__ import annotations

import argparse
import json

from facilitator.core import paths


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    export = sub.add_parser(
        "export", help="a site's report as a PDF that carries its data",
        description="Write the site report PDF, with the site's records embedded for "
                    "merging. Stops and lists possible personal data unless "
                    "--accept-flagged.")
    export.add_argument("--site", metavar="SITE", help="the site's id or name")
    export.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    export.add_argument("--accept-flagged", action="store_true",
                        help="export although the privacy check flagged text (each hit "
                             "has been checked by a person)")
    export.add_argument("--advice-only", action="store_true",
                        help="the advice exchange file: the advice by theme with its data, for "
                             "other venues and the hub (no --site: all sites and combinations)")
    export.add_argument("--json", action="store_true")
    demo = sub.add_parser("demo", help="the whole pipeline on labelled synthetic data",
                          description="Build three synthetic venues in DIR through the "
                                      "CSV imports, export their site PDFs and merge them "
                                      "into a cross-site report. Never touches --db.")
    demo.add_argument("-o", "--output", required=True, metavar="DIR")
    demo.add_argument("--json", action="store_true")


def cmd_export(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.core.errors import FacilitatorError
    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store
    from facilitator.export.site_export import PrivacyHitsError, export_site

    if args.advice_only:
        from facilitator.commands.advice import cmd_export_advice

        return cmd_export_advice(args, resolved)
    if not args.site:
        raise FacilitatorError("say which site to export with --site SITE", field="--site")
    from facilitator.core import i18n

    # Headings in --lang; the pack's titles too (the records stay as they are).
    pack = load_pack(resolved.pack).localised(i18n.language())
    with Store(resolved.db) as store:
        try:
            result = export_site(store, pack, args.site, args.output,
                                 accept_flagged=args.accept_flagged)
        except PrivacyHitsError as exc:
            from facilitator.commands.common import print_privacy_hits

            return print_privacy_hits(args, exc)
    if args.json:
        print(json.dumps({"ok": True, "file": str(result.path), "bytes": result.bytes,
                          "accepted_hits": result.accepted_hits}))
    else:
        print(f"{result.path}: site report written ({result.bytes // 1024} KB)")
    return 0


def cmd_demo(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.core.pack import load_pack
    from facilitator.demo import run_demo

    result = run_demo(load_pack(resolved.pack), args.output)
    files = [*result.site_pdfs, result.merged_pdf]
    if args.json:
        print(json.dumps({"ok": True, "folder": str(result.folder),
                          "files": [str(f) for f in files]}))
    else:
        print(f"synthetic demonstration data in {result.folder}:")
        for f in files:
            print(f"  {f}")
    return 0
