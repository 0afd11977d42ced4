"""The record envelope every merged table shares, and the rule for versions.

The laws these functions implement are written down in ``docs/record-laws.md``;
the tables they apply to in ``docs/data-model.md``.

Every record carries a globally unique id, its origin (site, the laptop that created
it), created and updated times, a revision that every edit bumps, the laptop that
made this version, a deleted flag and a rehearsal flag. Laptop clocks may disagree,
so of two versions the higher revision wins first, then the later updated time as
an instant, then the greater device id, then (only for two different versions that
claim the same key, which no honest laptop makes) the greater content hash.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

# Fixed namespace so two laptops derive the same id for the same natural key.
ID_NAMESPACE = uuid.UUID("6f1c3c8e-2f4b-5a7e-9d35-1f0a9b1c2d3e")

ENVELOPE_COLUMNS: dict[str, type] = {
    "id": str,
    "origin_site": str,
    "origin_device": str,
    "device_id": str,
    "created_at": str,
    "updated_at": str,
    "revision": int,
    "deleted": int,
    "rehearsal": int,
}

# Columns that say where and when a version was made, not what the record says:
# two versions that differ only here have identical content (no conflict).
NON_CONTENT_COLUMNS = frozenset(
    {"origin_device", "device_id", "created_at", "updated_at", "revision", "rehearsal"}
)

Record = dict[str, Any]

CANONICAL_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_CANONICAL = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


class TimeFormatError(ValueError):
    """A timestamp that is not ISO 8601."""


def now_iso() -> str:
    """UTC time with microseconds, in the one canonical format."""
    return datetime.now(UTC).strftime(CANONICAL_FORMAT)


def canonical_time(value: object, naive_zone: tzinfo = UTC) -> str:
    """Any ISO 8601 instant as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC.

    Canonical text sorts in time order, so ``…09:00:00Z`` and the later
    ``…09:00:00.900000Z`` compare as instants. A time without a zone is read in
    ``naive_zone`` (UTC for records; Europe/London for a CSV typed by a person).
    """
    if isinstance(value, datetime):
        stamp = value
    else:
        text = str(value).strip()
        if _CANONICAL.fullmatch(text):
            return text
        if not text:
            raise TimeFormatError("empty timestamp")
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            stamp = datetime.fromisoformat(text)
        except ValueError as exc:
            raise TimeFormatError(f"not an ISO 8601 time: {value!r}") from exc
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=naive_zone)
    return stamp.astimezone(UTC).strftime(CANONICAL_FORMAT)


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


@dataclass(frozen=True)
class TableSpec:
    """How one merged table behaves under the record laws (docs/record-laws.md).

    A migration that adds a table declares its spec; the merge needs nothing else.

    - ``natural_key``: (kind, column, …) when the id must be ``natural_id(kind, …)``;
      a version arriving with another id is refused, not inserted beside the first.
    - ``sticky``: flags OR-ed across every version ever seen (withdrawn, erased).
    - ``erase_flag`` / ``erased_values``: once the flag is set anywhere, these
      columns take these values in the record and no other version is kept.
    - ``time_columns``: besides the envelope's, the columns holding instants, stored
      in the canonical format (``None`` allowed).
    - ``latest``: columns merged as the MAXIMUM over every version seen, NULL lowest
      (canonical UTC times compare as text): a participant's ``consent_refused_at`` and
      ``consent_granted_at``. Like sticky flags they are not content, an edit never
      lowers them, and whatever version wins, the record carries the maxima.
    - ``derived``: columns the database computes from the others (a trigger keeps a
      participant's ``quote_consent`` = no refusal, or granted after refused). Not
      content: two versions differing only there are no conflict.
    """

    name: str
    natural_key: tuple[str, ...] = ()
    sticky: tuple[str, ...] = ()
    erase_flag: str | None = None
    erased_values: Mapping[str, Any] = field(default_factory=dict)
    time_columns: tuple[str, ...] = ()
    latest: tuple[str, ...] = ()
    derived: tuple[str, ...] = ()

    def expected_id(self, record: Mapping[str, Any]) -> str | None:
        if not self.natural_key:
            return None
        kind, *columns = self.natural_key
        return natural_id(kind, *(str(record.get(c) or "") for c in columns))

    def is_erased(self, record: Mapping[str, Any]) -> bool:
        return bool(self.erase_flag and int(record.get(self.erase_flag) or 0))

    def blank(self, record: Record) -> Record:
        """The record with its erasable fields replaced, if it is erased."""
        if self.is_erased(record):
            record.update(self.erased_values)
        return record

    def content(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """What the record says: no envelope timing, no sticky flags, no latest or
        derived columns."""
        return {k: v for k, v in record.items()
                if k not in NON_CONTENT_COLUMNS and k not in self.sticky
                and k not in self.latest and k not in self.derived}

    def latest_values(self, *versions: Mapping[str, Any]) -> dict[str, Any]:
        """Each ``latest`` column's maximum over ``versions`` (NULL lowest)."""
        out: dict[str, Any] = {}
        for column in self.latest:
            values = [v.get(column) for v in versions if v.get(column) not in (None, "")]
            out[column] = max(str(x) for x in values) if values else None
        return out

    def content_hash(self, record: Mapping[str, Any]) -> str:
        text = json.dumps(self.content(record), sort_keys=True, default=str,
                          ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def version_key(self, record: Mapping[str, Any]) -> tuple[int, str, str, str]:
        """Total order on versions: revision, instant, device, then content."""
        return (*self.stamp(record), self.content_hash(record))

    @staticmethod
    def stamp(record: Mapping[str, Any]) -> tuple[int, str, str]:
        return (int(record["revision"]), canonical_time(record["updated_at"]),
                str(record["device_id"]))

    def compare(self, a: Mapping[str, Any], b: Mapping[str, Any]) -> int:
        """-1, 0 or 1 as version ``a`` is below, the same as, or above ``b``.

        Hashes the content only when the stamps tie, which is rare.
        """
        sa, sb = self.stamp(a), self.stamp(b)
        if sa != sb:
            return 1 if sa > sb else -1
        ha, hb = self.content_hash(a), self.content_hash(b)
        return 0 if ha == hb else (1 if ha > hb else -1)


PLAIN = TableSpec("")


def version_key(record: Mapping[str, Any]) -> tuple[int, str, str, str]:
    return PLAIN.version_key(record)


def pick_winner(a: Record, b: Record, spec: TableSpec = PLAIN) -> tuple[Record, Record]:
    """Of two versions of one record return (winner, loser) under ``spec``'s order."""
    if a["id"] != b["id"]:
        raise ValueError(f"versions of different records: {a['id']} and {b['id']}")
    return (a, b) if spec.version_key(a) >= spec.version_key(b) else (b, a)


def same_version(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return version_key(a) == version_key(b)
