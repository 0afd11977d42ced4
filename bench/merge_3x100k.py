"""merge_3x100k: three sources of 100,000 records each merged into one database.

app   = ``core.merge.merge(target, [a, b, c])``: verification (copy, integrity check,
        schema check) and the record laws, one transaction.
floor = the same three files into an empty database of the same schema with a bare
        ``ATTACH`` + ``INSERT OR IGNORE … SELECT`` per table, one transaction.
Same files, same run. The sources are built once and cached (see bench/common.py);
each run merges into fresh targets.

    python bench/merge_3x100k.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import cache_dir, line, scaled  # noqa: E402

SOURCES = 3
FIXTURE_VERSION = 1


def _build_source(path: Path, index: int, records: int) -> None:
    from facilitator.core.records import natural_id
    from facilitator.core.store import Store

    site = ("cardiff", "durham", "london")[index % 3]
    device = f"bench-device-{index}"
    tmp = path.with_suffix(".building")
    for stale in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
        stale.unlink(missing_ok=True)
    store = Store(tmp, device_id=device)
    stamp = "2026-05-01T10:00:00.000000Z"
    envelope = {"origin_site": site, "origin_device": device, "device_id": device,
                "created_at": stamp, "updated_at": stamp, "revision": 1, "deleted": 0,
                "rehearsal": 0}
    participants = records // 50
    people = [{**envelope, "id": natural_id("participant", site, f"P{i:05d}"), "site": site,
               "code": f"P{i:05d}", "gender": "woman" if i % 2 else "man"}
              for i in range(participants)]
    notes = [{**envelope, "id": f"{device}-note-{i:07d}", "site": site, "workshop": 2,
              "kind": "quote" if i % 3 == 0 else "note",
              "text": f"Table talk {i}: ŵ and ŷ, 999 calls, “quotes”", "themes": "[]",
              "noted_at": stamp}
             for i in range(records - participants)]
    # Fixture only: a bulk insert, not the app's path (that is what is measured).
    with store.db.atomic():
        store.db["participants"].insert_all(people, batch_size=5000)
        store.db["notes"].insert_all(notes, batch_size=5000)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    tmp.replace(path)


def fixtures(records: int) -> list[Path]:
    from facilitator.core.migrations import SCHEMA_VERSION

    folder = cache_dir() / f"merge-{records}-s{SCHEMA_VERSION}-v{FIXTURE_VERSION}"
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / f"source{i}.db" for i in range(SOURCES)]
    for i, path in enumerate(files):
        if not path.exists():
            _build_source(path, i, records)
    return files


def _merge_app(target: Path, files: list[Path]) -> float:
    from facilitator.core.merge import merge
    from facilitator.core.store import Store

    store = Store(target, device_id="bench-target")
    start = time.perf_counter()
    merge(store, files)
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed


def _merge_floor(target: Path, files: list[Path]) -> float:
    from facilitator.core.store import Store

    store = Store(target, device_id="bench-floor")
    conn = store.db.conn
    tables = list(store.specs)
    start = time.perf_counter()
    for i, path in enumerate(files):
        conn.execute(f"ATTACH DATABASE ? AS src{i}", [str(path)])
    conn.execute("BEGIN")
    for i in range(len(files)):
        for table in tables:
            conn.execute(f"INSERT OR IGNORE INTO main.[{table}] SELECT * FROM src{i}.[{table}]")
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    for i in range(len(files)):
        conn.execute(f"DETACH DATABASE src{i}")
    store.close()
    return elapsed


def run() -> list[str]:
    import os

    records = scaled(100_000, 1_000)
    files = fixtures(records)
    config = tempfile.mkdtemp(prefix="facilitator-bench-config-")
    os.environ.setdefault("FACILITATOR_CONFIG_DIR", config)
    with tempfile.TemporaryDirectory(prefix="facilitator-bench-merge-") as tmp:
        floor = _merge_floor(Path(tmp) / "floor.db", files)
        app = _merge_app(Path(tmp) / "app.db", files)
    return [line("merge_3x100k", app, floor, "s")]


if __name__ == "__main__":
    for out in run():
        print(out)
