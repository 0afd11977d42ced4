"""Schema for the votes capability (placeholder until it lands)."""

from __future__ import annotations

import sqlite_utils

from facilitator.core.records import TableSpec

TABLES: tuple[TableSpec, ...] = ()


def apply(db: sqlite_utils.Database) -> None:
    """No tables yet."""
