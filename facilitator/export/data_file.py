"""What a data file's attachment may carry (DESIGN §4; docs/exports.md, "Data files").

A data file (site export, advice exchange file) carries a bundle of the records a
merge needs. ``minimise`` rewrites a bundle so it carries nothing the record laws do
not need: a withdrawn or erased participant is only a tombstone — code, site, flags,
consent times; every demographic field "not recorded" — and no kept (lost) version of
them travels. Erased participants' notes are tombstones in the database already
(schema 9), so their words are not in the bundle either.

A hub that already holds a withdrawn participant's details keeps them there (the
tombstone merges like any version; withdrawal is sticky); nothing new leaves.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from typing import Any

from facilitator.core.migrations import ERASED_VALUES


def _gone(record: dict[str, Any]) -> bool:
    return bool(int(record.get("withdrawn") or 0) or int(record.get("erased") or 0))


def minimise(raw: bytes) -> bytes:
    """The bundle ``raw`` (as ``core/bundle.build_bundle`` makes it) with withdrawn and
    erased participants as tombstones and their kept versions left out; the manifest's
    counts and checksum are recomputed."""
    text = gzip.decompress(raw)
    head, _sep, payload = text.partition(b"\n")
    manifest = json.loads(head)
    gone = set()
    for line in payload.splitlines():
        item = json.loads(line)
        if item.get("table") == "participants" and not item.get("lost") and \
                _gone(item["record"]):
            gone.add(str(item["record"]["id"]))
    if not gone:
        return raw
    out: list[bytes] = []
    lost = 0
    for line in payload.splitlines():
        item = json.loads(line)
        record = item["record"]
        if item.get("table") == "participants" and str(record.get("id")) in gone:
            if item.get("lost"):
                continue
            record.update({k: v for k, v in ERASED_VALUES.items() if k in record})
            line = json.dumps(item, ensure_ascii=False, sort_keys=True,
                              separators=(",", ":")).encode("utf-8")
        elif item.get("lost"):
            lost += 1
        out.append(line)
    body = b"".join(line + b"\n" for line in out)
    manifest["lost"] = lost
    manifest["data_sha256"] = hashlib.sha256(body).hexdigest()
    head = json.dumps(manifest, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")
    return gzip.compress(head + b"\n" + body, compresslevel=6, mtime=0)
