"""What several subcommands print the same way: an import's report, privacy hits."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from facilitator.core.errors import ImportReport


def print_import(args: argparse.Namespace, report: ImportReport, *, noun: str = "rows",
                 updated: str | None = None, unchanged: str = "already there") -> int:
    """Warnings on stderr; the report as JSON (``--json``) or one line. Returns 0.

    ``updated`` names what an import that can change records did to them ("updated",
    "replaced"); without it, the report has no updated count.
    """
    for warning in report.warnings:
        print(f"facilitator: warning: {warning}", file=sys.stderr)
    if args.json:
        out: dict[str, Any] = {"ok": True, "file": report.file, "rows": report.rows,
                               "added": report.added}
        if updated is not None:
            out["updated"] = report.updated
        out.update({"unchanged": report.unchanged, "warnings": report.warnings,
                    "lines_read": report.lines, "rows_taken": report.taken})
        print(json.dumps(out))
    else:
        changed = f"{report.updated} {updated}, " if updated is not None else ""
        if report.read:
            print(f"{report.file}: {report.read}")
        print(f"{report.file}: {report.rows} {noun}: {report.added} added, {changed}"
              f"{report.unchanged} {unchanged}")
    return 0


def print_privacy_hits(args: argparse.Namespace, exc: Any) -> int:
    """An export stopped by the privacy gate: every hit on stderr. Returns 1."""
    if args.json:
        print(json.dumps({"ok": False, "error": exc.message, "hits": exc.lines}))
    print(f"facilitator: {exc.message}", file=sys.stderr)
    for line in exc.lines:
        print(f"facilitator: {line}", file=sys.stderr)
    return 1
