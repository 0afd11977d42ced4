"""The phone-voting server: the standard library's threaded HTTP server in a thread.

It binds only while a vote is open (``start`` … ``stop``) and speaks DESIGN §5's
contract: ``GET /`` the page, ``GET /api/ballot`` what to show and a token, ``POST
/api/ballot`` a ballot. Nothing else: no results, no participant list, no admin
action (404). Bodies over ``MAX_BODY`` are refused unread (413), malformed JSON is
400, and anything while no vote is open 409. A slow or silent client is dropped
after ``TIMEOUT`` seconds. Qt-free: the console and ``facilitator serve`` share it.
"""

from __future__ import annotations

import errno
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from facilitator.core.errors import FacilitatorError
from facilitator.serve.page import page_bytes
from facilitator.serve.vote import PhoneVote, Reply

MAX_BODY = 8 * 1024
TIMEOUT = 10.0
# Measured: the default backlog of 5 makes a burst of phones wait on SYN retries.
BACKLOG = 128

SECURITY_HEADERS = (
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
)
PAGE_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
               "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'none'")


class ServeError(FacilitatorError):
    """The server cannot start (the address is in use, not this laptop's…)."""


class _Server(ThreadingHTTPServer):
    request_queue_size = BACKLOG
    daemon_threads = True
    block_on_close = False
    vote: PhoneVote


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = TIMEOUT
    protocol_version = "HTTP/1.1"
    server_version = "Facilitator"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass  # phones' addresses are not written anywhere

    # -- responses -------------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str,
              extra: tuple[tuple[str, str], ...] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (*SECURITY_HEADERS, *extra):
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, reply: Reply) -> None:
        extra: tuple[tuple[str, str], ...] = ()
        if reply.retry_after is not None:
            extra = (("Retry-After", str(reply.retry_after)),)
        body = json.dumps(reply.body, ensure_ascii=False).encode("utf-8")
        self._send(reply.status, body, "application/json; charset=utf-8", extra)

    def _fail(self, status: int, message: str, close: bool = False) -> None:
        if close:
            self.close_connection = True
        extra = (("Connection", "close"),) if close else ()
        body = json.dumps({"error": message}).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8", extra)

    @property
    def _client(self) -> str:
        return str(self.client_address[0])

    def _path(self) -> str:
        return urlsplit(self.path).path

    # -- methods ---------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = self._path()
        vote = self.server.vote
        if path == "/":
            if not vote.is_open:
                self._fail(409, "no vote is open")
                return
            self._send(200, page_bytes(), "text/html; charset=utf-8",
                       (("Content-Security-Policy", PAGE_POLICY),))
        elif path == "/api/ballot":
            self._json(vote.describe(self._client))
        else:
            self._fail(404, "not found")

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        self.do_GET()

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        if self._path() != "/api/ballot":
            self._fail(404, "not found", close=True)
            return
        if self.headers.get("Transfer-Encoding"):
            self._fail(411, "send the ballot with a Content-Length", close=True)
            return
        length_text = self.headers.get("Content-Length", "")
        if not length_text.strip().isdigit():
            self._fail(400, "the ballot has no Content-Length", close=True)
            return
        length = int(length_text)
        if length > MAX_BODY:
            self._fail(413, "too large", close=True)  # unread: the connection closes
            return
        origin = self.headers.get("Origin")
        if origin and urlsplit(origin).netloc != self.headers.get("Host", ""):
            self._fail(403, "ballots come from the voting page only", close=True)
            return
        body = self.rfile.read(length)
        if len(body) < length:
            return  # the phone went away mid-ballot
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            self._fail(400, "malformed JSON")
            return
        self._json(self.server.vote.submit(self._client, payload))

    def _not_here(self) -> None:
        self._fail(404, "not found", close=True)

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_here  # noqa: N815


class PhoneServer:
    """Serves one ``PhoneVote`` from a background thread until ``stop``.

    ``host`` '0.0.0.0' listens on every network of the laptop; ``port`` 0 picks a
    free one (``port`` tells which).
    """

    def __init__(self, vote: PhoneVote, host: str = "0.0.0.0", port: int = 0) -> None:
        self.vote = vote
        self.host = host
        self.requested_port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            return 0
        return int(self._server.server_address[1])

    def url(self, address: str | None = None) -> str:
        """The address phones open (``address``: the laptop's LAN address to show)."""
        host = address or (self.host if self.host not in ("0.0.0.0", "") else "127.0.0.1")
        return f"http://{host}:{self.port}/"

    def start(self) -> None:
        if self._server is not None:
            return
        try:
            server = _Server((self.host, self.requested_port), _Handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                reason = (f"port {self.requested_port} is in use (another program, or "
                          "another Facilitator): choose another port")
            elif exc.errno == errno.EADDRNOTAVAIL:
                reason = f"{self.host} is not an address of this laptop"
            else:
                reason = exc.strerror or str(exc)
            raise ServeError(f"cannot listen on {self.host}:{self.requested_port}: {reason}"
                             ) from exc
        server.vote = self.vote
        self.vote.open()
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={
            "poll_interval": 0.05}, name="phone-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop listening and close the vote (the port is free when this returns)."""
        server, self._server = self._server, None
        self.vote.close()
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None

