"""results_1m: ``results`` (overall) over 1,000,000 ballots in SQLite, next to the bare
SQL GROUP BY of the same ballots by ranking, in the same run. ``results`` counts one
workshop (the latest with ballots, never pooled: DESIGN §5), so the floor groups the
same workshop's ballots out of the same million rows.

The fixture database is built once and cached in the temp folder (keyed by schema
version): three sites, workshops 2–4, a roster of 180 whose W3 ballots are known,
the rest anonymous kiosk ballots, rankings skewed as real ones are.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sqlite3
import time
from pathlib import Path

from bench.common import REPO, cache_dir, line, median, scaled

# The test suite runs it small (bench.common.scaled): it checks the script, not a time.
BALLOTS = scaled(1_000_000, 20_000)
RUNS = 5


def _fixture() -> Path:
    from facilitator.core.migrations import SCHEMA_VERSION
    from facilitator.core.store import Store

    path = cache_dir() / f"results_1m-{BALLOTS}-s{SCHEMA_VERSION}.db"
    if path.exists():
        try:
            with sqlite3.connect(path) as conn:
                if conn.execute("SELECT COUNT(*) FROM ballots").fetchone()[0] == BALLOTS:
                    return path
        except sqlite3.Error:
            pass
    building = path.with_suffix(f".building-{os.getpid()}")
    with Store(building, device_id="bench") as store:
        store.close()
    _fill(building)
    os.replace(building, path)
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    return path


def _fill(path: Path) -> None:
    from facilitator.core.ballots import ballot_id, ranking_text
    from facilitator.core.pack import load_pack
    from facilitator.core.records import now_iso
    from facilitator.core.roster import participant_id

    pack = load_pack(REPO / "sessions" / "ai-in-policing")
    ids = list(pack.use_case_ids)
    rng = random.Random(2026)
    orders = [ranking_text(p) for p in itertools.permutations(ids)]
    weights = [rng.random() ** 4 for _ in orders]  # a few rankings are far more common
    stamp = now_iso()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    people = []
    for site in pack.sites:
        for i in range(60):
            code = f"{site.id[:3].upper()}-{i:03d}"
            pid = participant_id(site.id, code)
            people.append((pid, site.id))
            conn.execute(
                "INSERT INTO participants (id, origin_site, device_id, created_at, updated_at,"
                " site, code, gender, trust_police, origin_device) "
                "VALUES (?, ?, 'bench', ?, ?, ?, ?, ?, ?, 'bench')",
                [pid, site.id, stamp, stamp, site.id, code, rng.choice(["man", "woman"]),
                 rng.choice(["low", "neutral", "high"])])
    rows = []
    for pid, site in people:
        rows.append((ballot_id(pid, 3), site, site, 3, pid,
                     rng.choices(orders, weights)[0], "import"))
    sites = [s.id for s in pack.sites]
    chosen = rng.choices(orders, weights, k=BALLOTS - len(rows))
    for n, ranking in enumerate(chosen):
        site = sites[n % 3]
        rows.append((f"bench-{n:07d}", site, site, 2 + n % 3, None, ranking, "kiosk"))
    conn.executemany(
        "INSERT INTO ballots (id, origin_site, device_id, created_at, updated_at, site,"
        " workshop, participant_id, ranking, source, cast_at, origin_device) "
        f"VALUES (?, ?, 'bench', '{stamp}', '{stamp}', ?, ?, ?, ?, ?, '{stamp}', 'bench')",
        rows)
    conn.commit()
    conn.close()


def run() -> list[str]:
    from facilitator.core.analysis import results
    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store

    path = _fixture()
    pack = load_pack(REPO / "sessions" / "ai-in-policing")
    app_times, floor_times = [], []
    with Store(path, device_id="bench") as store:
        bare = sqlite3.connect(path)
        try:
            # Warm the page cache once for both.
            bare.execute("SELECT ranking, COUNT(*) FROM ballots GROUP BY ranking").fetchall()
            for _ in range(RUNS):
                start = time.perf_counter()
                rows = bare.execute("SELECT ranking, COUNT(*) FROM ballots WHERE workshop = 4 "
                                    "GROUP BY ranking").fetchall()
                floor_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                out = results(store, pack)
                app_times.append(time.perf_counter() - start)
        finally:
            bare.close()
    assert out["workshop"] == 4
    assert out["groups"][0]["n"] == sum(count for _r, count in rows)
    assert json.dumps(out)
    return [line("results_1m", median(app_times), median(floor_times), "s")]


if __name__ == "__main__":
    for out in run():
        print(out)
