"""Helpers for the phone-voting tests: a running server, and phones that talk to it."""

from __future__ import annotations

import contextlib
import http.client
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from facilitator.core.pack import SessionPack
from facilitator.core.roster import import_roster
from facilitator.core.store import Store
from facilitator.serve.server import PhoneServer
from facilitator.serve.vote import PhoneVote

SHOTS = Path("/work/shots/i21")
ROSTER_HEADER = ("code,site,gender,age_band,ethnicity,area,seg,lgbtqia,trust_police,"
                 "ai_opinion\n")


def roster(store: Store, pack: SessionPack, tmp_path: Path, codes: list[str],
           site: str = "Cardiff") -> None:
    path = tmp_path / "roster.csv"
    rows = "".join(f"{code},{site},Woman,25-34,White British,Urban,AB,no,2,4\n"
                   for code in codes)
    path.write_text(ROSTER_HEADER + rows, encoding="utf-8")
    import_roster(store, pack, path)


@contextlib.contextmanager
def serving(store: Store, pack: SessionPack, **options: Any) -> Iterator[PhoneServer]:
    """A phone vote served on loopback (a free port) for the length of the block."""
    options.setdefault("site", "cardiff")
    if options.get("ballot", "ranking") == "ranking":
        options.setdefault("workshop", 2)
    vote = PhoneVote(store, pack, **options)
    server = PhoneServer(vote, "127.0.0.1", 0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Phone:
    """One phone: its own loopback address (127.0.0.N), so the server tells them apart."""

    def __init__(self, server: PhoneServer, number: int = 1) -> None:
        self.port = server.port
        self.address = f"127.0.0.{number}"
        self.token: str | None = None
        self.ballot: dict[str, Any] = {}

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, Any, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                          source_address=(self.address, 0))
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            raw = response.read()
            kind = response.getheader("Content-Type", "")
            data: Any = json.loads(raw) if "json" in kind and raw else raw
            return response.status, data, response
        finally:
            conn.close()

    def open_page(self) -> dict[str, Any]:
        status, page, _ = self.request("GET", "/")
        assert status == 200 and b"<!doctype html>" in page
        status, ballot, _ = self.request("GET", "/api/ballot")
        assert status == 200, ballot
        self.token = ballot["token"]
        self.ballot = ballot
        return ballot

    def send(self, **fields: Any) -> tuple[int, Any]:
        body = {"token": self.token, "code": None, **fields}
        status, data, _ = self.request("POST", "/api/ballot", json.dumps(body).encode(),
                                       {"Content-Type": "application/json"})
        return status, data


def database_bytes(store: Store) -> bytes:
    """The database file's bytes once the WAL is checkpointed into it."""
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Path(store.path).read_bytes()


def chromium() -> str | None:
    """Debian's headless shell (exactly the window size asked), else chromium."""
    for candidate in ("/usr/lib/chromium/chromium-headless-shell",
                      shutil.which("chromium-headless-shell"), shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None
