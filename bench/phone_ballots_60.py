"""phone_ballots_60: sixty phones send their rankings at once, first request to last commit.

App: ``facilitator serve``'s server (``facilitator/serve``) on loopback; each phone
(a thread) fetches the ballot and its token, then posts a ranking, all released
together; the clock runs from the first request to the last ballot committed (each
reply is sent after its commit). Floor: a bare standard-library ThreadingHTTPServer
doing the same work with nothing of the app around it: a token per GET, and per POST
the JSON parsed and one row of the real ``ballots`` table inserted and committed on
one shared connection (WAL, synchronous=FULL, BEGIN IMMEDIATE, as the store does).

    python bench/phone_ballots_60.py
"""

from __future__ import annotations

import http.client
import json
import random
import secrets
import sqlite3
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import line, median, scaled  # noqa: E402

PHONES = 60
IDS = ("summarising_basic", "summarising_sensitive", "call_101", "call_999_transfer",
       "hotspots", "reoffending")


def _phones(port: int, rankings: list[list[str]]) -> float:
    """Release every phone together; seconds from the first request to the last reply."""
    barrier = threading.Barrier(len(rankings) + 1)
    first: list[float] = []
    done: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def phone(ranking: list[str]) -> None:
        barrier.wait()
        with lock:
            if not first:
                first.append(time.perf_counter())
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/api/ballot")
            token = json.loads(conn.getresponse().read())["token"]
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            body = json.dumps({"token": token, "code": None, "ranking": ranking})
            conn.request("POST", "/api/ballot", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status != 201:
                failures.append(str(response.status))
        except OSError as exc:
            failures.append(str(exc))
        with lock:
            done.append(time.perf_counter())

    threads = [threading.Thread(target=phone, args=(r,)) for r in rankings]
    for thread in threads:
        thread.start()
    barrier.wait()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} phones failed: {failures[:3]}")
    return max(done) - first[0]


def _app(folder: Path, rankings: list[list[str]]) -> float:
    from facilitator.core import ballots
    from facilitator.core.pack import load_pack
    from facilitator.core.paths import default_pack_dir
    from facilitator.core.store import Store
    from facilitator.serve.server import PhoneServer
    from facilitator.serve.vote import PhoneVote

    pack = load_pack(default_pack_dir())
    with Store(folder / "app.db", device_id="bench-console") as store:
        vote = PhoneVote(store, pack, site="cardiff", workshop=2, ballot="ranking",
                         needs_code=False)
        server = PhoneServer(vote, "127.0.0.1", 0)
        server.start()
        try:
            seconds = _phones(server.port, rankings)
        finally:
            server.stop()
        assert ballots.counted_ballots(store, "cardiff", 2) == len(rankings)
    return seconds


class _BareServer(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True
    conn: sqlite3.Connection
    lock: threading.Lock


class _BareHandler(BaseHTTPRequestHandler):
    server: _BareServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._reply(200, {"token": secrets.token_urlsafe(18)})

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
        with self.server.lock:  # one connection, one writer at a time
            self._insert(self.server.conn, payload, stamp)
        self._reply(201, {"ok": True})

    @staticmethod
    def _insert(conn: sqlite3.Connection, payload: dict[str, Any], stamp: str) -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO ballots (id, origin_site, device_id, created_at, updated_at, "
            "revision, deleted, origin_device, rehearsal, site, workshop, participant_id, "
            "ranking, source, entry, sheet, cast_at) "
            "VALUES (?, 'cardiff', 'bench', ?, ?, 1, 0, 'bench', 0, 'cardiff', 2, NULL, ?, "
            "'phone', 'single', NULL, ?)",
            [payload["token"], stamp, stamp, json.dumps(payload["ranking"]), stamp])
        conn.execute("COMMIT")


def _floor(folder: Path, rankings: list[list[str]]) -> float:
    from facilitator.core.store import Store

    database = folder / "floor.db"
    Store(database, device_id="bench-floor").close()  # the real schema, nothing else
    server = _BareServer(("127.0.0.1", 0), _BareHandler)
    server.conn = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    server.conn.execute("PRAGMA journal_mode=WAL")
    server.conn.execute("PRAGMA synchronous=FULL")
    server.lock = threading.Lock()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        seconds = _phones(int(server.server_address[1]), rankings)
    finally:
        server.shutdown()
        server.server_close()
        server.conn.close()
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT COUNT(*) FROM ballots").fetchone()[0] == len(rankings)
    return seconds


def measure() -> tuple[float, float]:
    rng = random.Random(60)
    rankings = [rng.sample(IDS, len(IDS)) for _ in range(PHONES)]
    apps, floors = [], []
    for _round in range(scaled(5, 1)):
        with tempfile.TemporaryDirectory(prefix="facilitator-bench-phones-") as tmp:
            folder = Path(tmp)
            floors.append(_floor(folder, rankings))
            apps.append(_app(folder, rankings))
    return median(apps), median(floors)


def run() -> list[str]:
    app, floor = measure()
    return [line("phone_ballots_60", app, floor, "s")]


if __name__ == "__main__":
    for text in run():
        print(text)
