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
import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

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
# Real bundles compress JSON lines perhaps 5 to 20 times; far more is a bomb.
MAX_RATIO = 200
MIN_LIMIT = 64 * 1024**2
READ_CHUNK = 1 << 20
_LINE = re.compile(rb"[^\n]+")


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


class BundleStream:
    """A bundle read from a binary stream in chunks, within every limit.

    Decompression is streamed: at most one chunk and one line are in memory, the
    output may not exceed ``MAX_UNCOMPRESSED`` nor ``MAX_RATIO`` times the compressed
    size (a gzip bomb is refused after a bounded amount of work), and a line may not
    exceed ``MAX_LINE``. The manifest (line 1) is read on construction; ``lines()``
    yields every later non-empty line with its number and checks the checksum at the
    end, so a caller must not apply anything before the iteration has finished.
    """

    def __init__(self, handle: BinaryIO, name: str, compressed_size: int | None = None) -> None:
        self.handle, self.name = handle, name
        self.limit = MAX_UNCOMPRESSED
        if compressed_size is not None:
            self.limit = min(MAX_UNCOMPRESSED, max(compressed_size * MAX_RATIO, MIN_LIMIT))
        self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._out = 0
        self._digest = hashlib.sha256()
        self._chunks = self._decompressed()
        self._rest = b""
        head = self._first_line()
        self.manifest = _manifest(_json_object(head, name, 1), name)
        self.counts: dict[str, int] = {}
        self.lost = 0

    def _too_large(self) -> MergeError:
        return MergeError("the data is larger than any Facilitator export can be",
                          file=self.name)

    def _decompressed(self) -> Iterator[bytes]:
        decoder = self._decoder
        try:
            while True:
                raw = self.handle.read(READ_CHUNK)
                if not raw:
                    break
                data = decoder.decompress(raw, READ_CHUNK)
                while True:
                    self._out += len(data)
                    if self._out > self.limit:
                        raise self._too_large()
                    if data:
                        yield data
                    if not decoder.unconsumed_tail:
                        break
                    data = decoder.decompress(decoder.unconsumed_tail, READ_CHUNK)
                if decoder.eof:
                    if decoder.unused_data or self.handle.read(1):
                        raise MergeError("the data is damaged (bytes after its end)",
                                         file=self.name)
                    break
            tail = decoder.flush()
            self._out += len(tail)
            if self._out > self.limit:
                raise self._too_large()
            if tail:
                yield tail
        except zlib.error as exc:
            raise MergeError("the data is damaged (not a complete Facilitator bundle)",
                             file=self.name) from exc
        except OSError as exc:
            raise MergeError(f"cannot read the file: {exc.strerror or exc}",
                             file=self.name) from exc
        if not decoder.eof:
            raise MergeError("the data is cut short (the file was truncated)", file=self.name)

    def _first_line(self) -> bytes:
        buffer = b""
        for chunk in self._chunks:
            buffer += chunk
            head, sep, rest = buffer.partition(b"\n")
            if sep:
                self._rest = rest
                self._digest.update(rest)
                return head
            if len(buffer) > MAX_LINE:
                raise MergeError("a record is impossibly large", file=self.name, line=1)
        raise MergeError("the data has no records (the file was truncated)", file=self.name)

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """(line number, bytes) of every non-empty line after the manifest."""
        number = 1
        buffer = self._rest
        self._rest = b""
        for chunk in self._chunks:
            self._digest.update(chunk)
            buffer += chunk
            end = buffer.rfind(b"\n")
            if end < 0:
                if len(buffer) > MAX_LINE:
                    raise MergeError("a record is impossibly large", file=self.name,
                                     line=number + 1)
                continue
            # Non-empty lines only, found in C: a flood of blank lines costs nothing.
            last = 0
            for match in _LINE.finditer(buffer, 0, end):
                number += buffer.count(b"\n", last, match.start())
                last = match.start()
                number += 1
                part = match.group()
                if len(part) > MAX_LINE:
                    raise MergeError("a record is impossibly large", file=self.name,
                                     line=number)
                yield number, part
                number -= 1
            number += buffer.count(b"\n", last, end + 1)
            buffer = buffer[end + 1:]
            if len(buffer) > MAX_LINE:
                raise MergeError("a record is impossibly large", file=self.name,
                                 line=number + 1)
        parts = buffer.split(b"\n")
        for part in parts:
            number += 1
            if part:
                yield number, part
        if self._digest.hexdigest() != self.manifest.data_sha256:
            raise MergeError("the data does not match its checksum: the file was changed or "
                             "damaged after it was exported", file=self.name)

    def check_counts(self, counts: Mapping[str, int], lost: int) -> None:
        """Refuse a bundle whose records are not the ones its manifest lists."""
        listed = {k: v for k, v in self.manifest.counts.items() if v}
        if {k: v for k, v in counts.items() if v} != listed or lost != self.manifest.lost:
            raise MergeError("the data holds other records than its manifest lists",
                             file=self.name)


@dataclass
class Bundle:
    """A verified bundle held in memory: manifest checked, checksum matched, counts matched."""

    name: str
    manifest: Manifest
    lines: list[tuple[int, bytes]]

    def versions(self) -> Iterator[tuple[str, Record, bool]]:
        """(table, record, lost) for every line, in file order."""
        for number, raw in self.lines:
            yield _version(raw, self.name, number)


def _version(raw: bytes, name: str, number: int) -> tuple[str, Record, bool]:
    item = _json_object(raw, name, number)
    table, record = item.get("table"), item.get("record")
    if not isinstance(table, str) or not isinstance(record, dict):
        raise MergeError("a line is not a table record", file=name, line=number)
    return table, record, bool(item.get("lost"))


def _json_object(raw: bytes, name: str, number: int) -> dict[str, Any]:
    if len(raw) > MAX_LINE:
        raise MergeError("a record is impossibly large", file=name, line=number)
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise MergeError("a line is not valid JSON", file=name, line=number) from exc
    if not isinstance(value, dict):
        raise MergeError("a line is not a JSON object", file=name, line=number)
    return value


def _manifest(meta: Mapping[str, Any], name: str) -> Manifest:
    if meta.get("format") != BUNDLE_FORMAT:
        raise MergeError("this is not Facilitator data", file=name)
    version, schema = meta.get("format_version"), meta.get("schema_version")
    if type(version) is not int or type(schema) is not int or version < 1 or \
            version > BUNDLE_FORMAT_VERSION:
        raise MergeError("a newer Facilitator made this file: update Facilitator to read it",
                         file=name)
    if schema > SCHEMA_VERSION:
        raise MergeError(
            f"a newer Facilitator made this file (schema {schema}, this one "
            f"knows up to {SCHEMA_VERSION}): update Facilitator to read it", file=name)
    try:
        counts = {str(k): int(v) for k, v in dict(meta["counts"]).items()}
        devices = tuple((str(d["id"]), str(d.get("label", ""))) for d in meta["devices"])
        manifest = Manifest(
            schema_version=schema, app_version=str(meta["app_version"]),
            created_at=str(meta["created_at"]), sites=tuple(str(s) for s in meta["sites"]),
            devices=devices, rehearsal=bool(meta["rehearsal"]), counts=counts,
            lost=int(meta["lost"]), data_sha256=str(meta["data_sha256"]),
            extra=dict(meta.get("extra") or {}),
        )
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise MergeError("the data's manifest is incomplete", file=name, line=1) from exc
    if any(v < 0 or v > 1 << 40 for v in counts.values()) or not 0 <= manifest.lost < 1 << 40:
        raise MergeError("the data's manifest is incomplete", file=name, line=1)
    return manifest


def read_bundle(raw: bytes, name: str) -> Bundle:
    """Verify bundle bytes held in memory: format, schema version, checksum, counts."""
    stream = BundleStream(io.BytesIO(raw), name, len(raw))
    lines = list(stream.lines())
    counts: dict[str, int] = {}
    lost = 0
    for number, line in lines:
        table, _record, is_lost = _version(line, name, number)
        if is_lost:
            lost += 1
        else:
            counts[table] = counts.get(table, 0) + 1
    stream.check_counts(counts, lost)
    return Bundle(name, stream.manifest, lines)
