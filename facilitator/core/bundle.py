"""The data bundle: a Facilitator database's records as one self-checking file.

Format (docs/record-laws.md, "The bundle"): gzip-compressed UTF-8 JSON lines. Line 1
is the manifest (format, app and schema versions, sites, laptops, rehearsal, record
counts per table, and the SHA-256 of every byte after the manifest line); each
further line is ``{"table": T, "record": {...}}`` or, for a kept non-winning version,
``{"table": T, "record": {...}, "lost": true}``. It is read with the standard library
only, within size limits, and never executed: a hostile file can at worst be refused.

A site export PDF carries the bundle as the file attachment ``BUNDLE_NAME``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from facilitator import __version__
from facilitator.core.errors import MergeError
from facilitator.core.files import write_atomic
from facilitator.core.migrations import SCHEMA_VERSION
from facilitator.core.records import Record, now_iso
from facilitator.core.store import Store

BUNDLE_FORMAT = "facilitator-bundle"
BUNDLE_FORMAT_VERSION = 1
BUNDLE_NAME = "facilitator-data.jsonl.gz"
MAX_UNCOMPRESSED = 2 * 1024**3
MAX_LINE = 16 * 1024**2


@dataclass(frozen=True)
class Manifest:
    """What a bundle says it holds; ``data_sha256`` covers every line after it."""

    schema_version: int
    app_version: str
    created_at: str
    sites: tuple[str, ...]
    devices: tuple[tuple[str, str], ...]  # (device id, laptop label)
    rehearsal: bool
    counts: Mapping[str, int]
    lost: int
    data_sha256: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": BUNDLE_FORMAT,
            "format_version": BUNDLE_FORMAT_VERSION,
            "app_version": self.app_version,
            "schema_version": self.schema_version,
            "created_at": self.created_at,
            "sites": list(self.sites),
            "devices": [{"id": d, "label": label} for d, label in self.devices],
            "rehearsal": self.rehearsal,
            "counts": dict(self.counts),
            "lost": self.lost,
            "data_sha256": self.data_sha256,
            **({"extra": dict(self.extra)} if self.extra else {}),
        }


def _site_filter(store: Store, table: str, sites: tuple[str, ...] | None) -> tuple[str, list[str]]:
    if sites is None:
        return "", []
    column = "site" if "site" in store.columns(table) else "origin_site"
    marks = ", ".join("?" for _ in sites)
    return f"{column} IN ({marks})", list(sites)


def build_bundle(store: Store, *, sites: tuple[str, ...] | None = None,
                 tables: tuple[str, ...] | None = None,
                 extra: Mapping[str, Any] | None = None) -> bytes:
    """Every record of ``tables`` (default: all merged tables), for ``sites`` (default
    all), with the kept non-winning versions, as bundle bytes."""
    names = [t for t in (tables or tuple(store.specs)) if t in store.specs]
    data = io.BytesIO()
    counts: dict[str, int] = {}
    lost = 0
    ids: dict[str, set[str]] = {}
    seen_sites: set[str] = set()
    devices: set[str] = set()
    rehearsal = False

    def line(obj: dict[str, Any]) -> None:
        data.write(json.dumps(obj, ensure_ascii=False, sort_keys=True,
                              separators=(",", ":")).encode("utf-8"))
        data.write(b"\n")

    for table in names:
        where, params = _site_filter(store, table, sites)
        rows = store.rows(table, where, params, order_by="id")
        counts[table] = len(rows)
        ids[table] = {str(r["id"]) for r in rows}
        for row in rows:
            line({"table": table, "record": row})
            if row.get("site"):
                seen_sites.add(str(row["site"]))
            devices.update({str(row["origin_device"]), str(row["device_id"])})
            rehearsal = rehearsal or bool(row.get("rehearsal"))
    for table, record in store.lost_versions():
        if table in ids and str(record.get("id")) in ids[table]:
            line({"table": table, "record": record, "lost": True})
            lost += 1
    payload = data.getvalue()
    labels = {str(r["id"]): str(r["label"]) for r in store.rows("devices")}
    manifest = Manifest(
        schema_version=SCHEMA_VERSION, app_version=__version__, created_at=now_iso(),
        sites=tuple(sorted(seen_sites)),
        devices=tuple(sorted((d, labels.get(d, "")) for d in devices if d)),
        rehearsal=rehearsal, counts=counts, lost=lost,
        data_sha256=hashlib.sha256(payload).hexdigest(), extra=dict(extra or {}),
    )
    head = json.dumps(manifest.to_json(), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")
    # mtime=0: the same records give the same bytes.
    return gzip.compress(head + b"\n" + payload, compresslevel=6, mtime=0)


def write_bundle(store: Store, path: str | Path, **options: Any) -> Path:
    return write_atomic(path, build_bundle(store, **options))


def _gunzip(raw: bytes, name: str) -> bytes:
    """Decompress within MAX_UNCOMPRESSED; a bomb or a truncated stream is refused."""
    out = io.BytesIO()
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        view = memoryview(raw)
        for start in range(0, len(raw), 1 << 20):
            out.write(decoder.decompress(view[start:start + (1 << 20)],
                                         MAX_UNCOMPRESSED + 1 - out.tell()))
            if out.tell() > MAX_UNCOMPRESSED or decoder.unconsumed_tail:
                raise MergeError("the data is larger than any Facilitator export can be",
                                 file=name)
        out.write(decoder.flush())
    except zlib.error as exc:
        raise MergeError("the data is damaged (not a complete Facilitator bundle)",
                         file=name) from exc
    if not decoder.eof:
        raise MergeError("the data is cut short (the file was truncated)", file=name)
    return out.getvalue()


@dataclass
class Bundle:
    """A verified bundle: manifest checked, checksum matched, counts matched."""

    name: str
    manifest: Manifest
    payload: bytes

    def versions(self) -> Iterator[tuple[str, Record, bool]]:
        """(table, record, lost) for every line, in file order."""
        for number, raw in enumerate(self.payload.splitlines(), start=2):
            if not raw:
                continue
            item = _json_object(raw, self.name, number)
            table, record = item.get("table"), item.get("record")
            if not isinstance(table, str) or not isinstance(record, dict):
                raise MergeError("a line is not a table record", file=self.name, line=number)
            yield table, record, bool(item.get("lost"))


def _json_object(raw: bytes, name: str, number: int) -> dict[str, Any]:
    if len(raw) > MAX_LINE:
        raise MergeError("a record is impossibly large", file=name, line=number)
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MergeError("a line is not valid JSON", file=name, line=number) from exc
    if not isinstance(value, dict):
        raise MergeError("a line is not a JSON object", file=name, line=number)
    return value


def read_bundle(raw: bytes, name: str) -> Bundle:
    """Verify bundle bytes: format, schema version, checksum, counts. Raises MergeError."""
    text = _gunzip(raw, name)
    head, sep, payload = text.partition(b"\n")
    if not sep:
        raise MergeError("the data has no records (the file was truncated)", file=name)
    meta = _json_object(head, name, 1)
    if meta.get("format") != BUNDLE_FORMAT:
        raise MergeError("this is not Facilitator data", file=name)
    if not isinstance(meta.get("format_version"), int) or meta["format_version"] > \
            BUNDLE_FORMAT_VERSION or not isinstance(meta.get("schema_version"), int):
        raise MergeError("a newer Facilitator made this file: update Facilitator to read it",
                         file=name)
    if meta["schema_version"] > SCHEMA_VERSION:
        raise MergeError(
            f"a newer Facilitator made this file (schema {meta['schema_version']}, this one "
            f"knows up to {SCHEMA_VERSION}): update Facilitator to read it", file=name)
    if hashlib.sha256(payload).hexdigest() != meta.get("data_sha256"):
        raise MergeError("the data does not match its checksum: the file was changed or "
                         "damaged after it was exported", file=name)
    try:
        counts = {str(k): int(v) for k, v in dict(meta["counts"]).items()}
        devices = tuple((str(d["id"]), str(d.get("label", ""))) for d in meta["devices"])
        manifest = Manifest(
            schema_version=int(meta["schema_version"]), app_version=str(meta["app_version"]),
            created_at=str(meta["created_at"]), sites=tuple(str(s) for s in meta["sites"]),
            devices=devices, rehearsal=bool(meta["rehearsal"]), counts=counts,
            lost=int(meta["lost"]), data_sha256=str(meta["data_sha256"]),
            extra=dict(meta.get("extra") or {}),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MergeError("the data's manifest is incomplete", file=name, line=1) from exc
    bundle = Bundle(name, manifest, payload)
    found: dict[str, int] = {}
    lost = 0
    for table, _record, is_lost in bundle.versions():
        if is_lost:
            lost += 1
        else:
            found[table] = found.get(table, 0) + 1
    if {k: v for k, v in found.items() if v} != {k: v for k, v in counts.items() if v} or \
            lost != manifest.lost:
        raise MergeError("the data holds other records than its manifest lists",
                         file=name)
    return bundle
