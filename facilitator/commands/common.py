"""What several subcommands print the same way: an import's report, privacy hits."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from facilitator.core.errors import ImportReport


def print_import(args: argparse.Namespace, report: ImportReport) -> int:
    """Warnings on stderr; the report as JSON (``--json``) or one line. Returns 0."""
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


def print_privacy_hits(args: argparse.Namespace, exc: Any) -> int:
    """An export stopped by the privacy gate: every hit on stderr. Returns 1."""
    if args.json:
        print(json.dumps({"ok": False, "error": exc.message, "hits": exc.lines}))
    print(f"facilitator: {exc.message}", file=sys.stderr)
    for line in exc.lines:
        print(f"facilitator: {line}", file=sys.stderr)
    return 1
