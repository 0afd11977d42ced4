"""The record envelope every merged table shares, and the two-version rule.

Every record carries a globally unique id, its origin (site, device), created and
updated times, a revision that every edit bumps, and a deleted flag. Laptop clocks
may disagree, so the revision decides first, then updated_at, then the device id.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

# Fixed namespace so two laptops derive the same id for the same natural key.
ID_NAMESPACE = uuid.UUID("6f1c3c8e-2f4b-5a7e-9d35-1f0a9b1c2d3e")

ENVELOPE_COLUMNS: dict[str, type] = {
    "id": str,
    "origin_site": str,
    "device_id": str,
    "created_at": str,
    "updated_at": str,
    "revision": int,
    "deleted": int,
}

Record = dict[str, Any]


def now_iso() -> str:
    """UTC time with microseconds, sortable as text."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def random_id() -> str:
    return str(uuid.uuid4())


def natural_id(kind: str, *parts: str) -> str:
    """Id derived from a natural key, e.g. ("participant", site, code).

    Parts are compared case-insensitively and without surrounding spaces, so
    "CDF-01" typed on one laptop and "cdf-01 " on another are the same person.
    """
    key = "\x1f".join([kind, *(p.strip().casefold() for p in parts)])
    return str(uuid.uuid5(ID_NAMESPACE, key))


def content_id(kind: str, values: Iterable[str], occurrence: int = 0) -> str:
    """Id derived from an imported row's content plus its occurrence in the file.

    Importing the same file twice gives the same ids, so it adds nothing; two
    identical rows in one file stay two records (occurrence 0 and 1).
    """
    key = "\x1f".join([kind, *values, f"#{occurrence}"])
    return str(uuid.uuid5(ID_NAMESPACE, key))


def version_key(record: Mapping[str, Any]) -> tuple[int, str, str]:
    return (int(record["revision"]), str(record["updated_at"]), str(record["device_id"]))


def pick_winner(a: Record, b: Record) -> tuple[Record, Record]:
    """Of two versions of one record return (winner, loser).

    Higher revision wins; on a tie the later updated_at; on a tie the greater
    device id, so every laptop reaches the same answer whatever the merge order.
    """
    if a["id"] != b["id"]:
        raise ValueError(f"versions of different records: {a['id']} and {b['id']}")
    return (a, b) if version_key(a) >= version_key(b) else (b, a)


def same_version(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return version_key(a) == version_key(b)
