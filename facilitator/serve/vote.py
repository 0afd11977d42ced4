"""One open phone vote: what the page shows, and the kiosk's rules for what phones send.

A ``PhoneVote`` is a ranking (site, workshop) or a dot vote on the combined advice
(site). Phones are told what to show (``describe``, with a one-time token) and send
a ballot (``submit``), which goes through the same record paths as the kiosk's
(``core/ballots.py``, ``core/advice.py``) with ``source`` 'phone':

- one ballot per participant code: a second, different one is *held* for the
  facilitator (``core/held.py``, the kiosk's queue too), never decided by whoever
  holds the phone;
- a code entered wrongly too often from one phone (address) is slowed down (429);
- each page load gets a one-time token; a ballot sent again with the same token (a
  retry on flaky Wi-Fi) is recorded once. Tokens carry an HMAC, so they outlive a
  restart of the server, and an anonymous ballot's id derives from its token.

Every database call runs on one worker thread with its own connection; each write
takes the write lock first (as BEGIN IMMEDIATE does) inside the store's own
transaction, so listeners hear of it after it commits. Request threads never touch
SQLite, and the GUI thread never waits on a request.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import queue
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from facilitator.core import advice, ballots, held, i18n, participants
from facilitator.core.errors import FacilitatorError, StoreError
from facilitator.core.pack import SessionPack
from facilitator.core.records import natural_id
from facilitator.core.schema.advice import PRIORITIES_TABLE
from facilitator.core.store import Store

BallotKind = Literal["ranking", "dots"]
BALLOT_KINDS: tuple[BallotKind, ...] = ("ranking", "dots")
SECRET_KEY = "phones.secret"
MAX_CODE = 40
MAX_TOKEN = 80
MAX_DOT_ITEMS = 200
# Wrong codes from one phone: this many within WRONG_WINDOW seconds, then it waits
# SLOW_FIRST seconds, doubling with each further wrong code, at most SLOW_MAX.
WRONG_ALLOWED = 5
WRONG_WINDOW = 600.0
SLOW_FIRST = 30.0
SLOW_MAX = 600.0
# A page loaded this long ago and not sent counts no more as "open".
OPEN_FOR = 1800.0
MAX_TOKENS = 5000  # pages loaded and not sent, remembered at most
WORKER_TIMEOUT = 30.0

T = TypeVar("T")


class PhoneVoteError(FacilitatorError):
    """The vote cannot be served as asked (unknown site, workshop or ballot kind)."""


@dataclass(frozen=True)
class Reply:
    """An HTTP status and its JSON body."""

    status: int
    body: Mapping[str, Any]
    retry_after: int | None = None


def _error(status: int, message: str, **extra: Any) -> Reply:
    return Reply(status, {"error": message, **extra})


OK = Reply(201, {"ok": True})
HELD = Reply(202, {"held": True})


@dataclass
class VoteStats:
    """What the console shows: pages open now, ballots recorded and held this session."""

    pages_open: int = 0
    recorded: int = 0
    held: int = 0
    refused: int = 0


class _Worker:
    """One thread, one SQLite connection: every database call of the vote runs here."""

    def __init__(self, name: str) -> None:
        self._jobs: queue.Queue[tuple[Callable[[], Any], Future[Any]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            fn, future = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn())
            except BaseException as exc:  # handed to the caller
                future.set_exception(exc)

    def call(self, fn: Callable[[], T], timeout: float = WORKER_TIMEOUT) -> T:
        future: Future[T] = Future()
        self._jobs.put((fn, future))
        return future.result(timeout)

    def stop(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=WORKER_TIMEOUT)


@dataclass
class _Client:
    """What the vote remembers of one phone (by address): wrong codes, its slow-down."""

    wrong: list[float] = field(default_factory=list)
    slowed_until: float = 0.0


class PhoneVote:
    """The open vote phones take part in. Thread-safe; Qt-free.

    ``needs_code``: phones must give a participant code (default: when the site has
    anyone on the roster). ``on_change``: called (on a server thread) after anything
    the console shows changed — a page opened, a ballot recorded or held.
    """

    def __init__(self, store: Store, pack: SessionPack, *, site: str,
                 workshop: int | None = None, ballot: str = "ranking",
                 needs_code: bool | None = None, clock: Callable[[], float] = time.monotonic,
                 on_change: Callable[[], None] | None = None) -> None:
        if ballot not in BALLOT_KINDS:
            raise PhoneVoteError(f"unknown ballot {ballot!r} (expected ranking or dots)",
                                 field="ballot")
        try:
            self.site = pack.site(site).id
        except FacilitatorError as exc:
            raise PhoneVoteError(exc.message, field="site") from exc
        self.kind: BallotKind = "dots" if ballot == "dots" else "ranking"
        number = workshop
        if self.kind == "ranking":
            if number is None:
                raise PhoneVoteError("a ranking needs a workshop", field="workshop")
            try:
                number = pack.workshop(int(number)).number
            except (FacilitatorError, ValueError, TypeError) as exc:
                numbers = ", ".join(str(w.number) for w in pack.workshops)
                raise PhoneVoteError(f"unknown workshop {workshop!r} (expected {numbers})",
                                     field="workshop") from exc
        self.workshop = int(number or 0)
        self.store = store
        self.pack = pack
        self.clock = clock
        self.on_change = on_change
        self.stats = VoteStats()
        self._lock = threading.Lock()
        self._open = False
        self._clients: dict[str, _Client] = {}
        self._issued: dict[str, tuple[str, float]] = {}  # token -> (client, when)
        self._replies: dict[str, Reply] = {}  # token -> the reply it got
        self._worker = _Worker(f"phone-vote-{self.kind}")
        try:
            self._secret, self.needs_code = self._worker.call(
                lambda: (self._load_secret(), self._default_needs_code(needs_code)))
        except BaseException:
            self._worker.stop()
            raise
        self._items: list[dict[str, str]] = []
        self._items_at = -1e9

    # -- lifetime -----------------------------------------------------------------------

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.site}:{self.workshop}"

    @property
    def is_open(self) -> bool:
        return self._open

    def open(self) -> None:
        """Phones may vote. A ranking opens voting for its site and workshop too."""
        if self.kind == "ranking":
            def ensure_open() -> None:
                if ballots.voting_state(self.store, self.site, self.workshop) != "open":
                    ballots.set_voting(self.store, self.site, self.workshop, True)
            self._worker.call(ensure_open)
        self._open = True

    def close(self) -> None:
        """No more ballots (409 from now on); the worker thread ends."""
        self._open = False
        self._worker.stop()

    def _load_secret(self) -> bytes:
        secret = self.store.get_setting(SECRET_KEY)
        if not secret:
            secret = secrets.token_hex(32)
            self.store.set_setting(SECRET_KEY, secret)
        return secret.encode("ascii")

    def _default_needs_code(self, needs_code: bool | None) -> bool:
        if needs_code is not None:
            return needs_code
        row = self.store.db.execute(
            "SELECT 1 FROM participants WHERE site = ? AND deleted = 0 AND withdrawn = 0 "
            "LIMIT 1", [self.site]).fetchone()
        return row is not None

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    # -- tokens -------------------------------------------------------------------------

    def _mac(self, nonce: str) -> str:
        digest = hmac.new(self._secret, f"{self.key}|{nonce}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()[:18]).decode("ascii")

    def new_token(self, client: str) -> str:
        nonce = secrets.token_urlsafe(18)
        token = f"{nonce}.{self._mac(nonce)}"
        now = self.clock()
        with self._lock:
            self._issued[token] = (client, now)
            self._prune(now)
            self.stats.pages_open = self._pages_open(now)
        self._changed()
        return token

    def token_valid(self, token: str) -> bool:
        nonce, dot, mac = token.partition(".")
        return bool(dot and nonce and hmac.compare_digest(mac, self._mac(nonce)))

    def _prune(self, now: float) -> None:
        for token, (_client, when) in list(self._issued.items()):
            if now - when > OPEN_FOR or len(self._issued) > MAX_TOKENS:
                del self._issued[token]  # oldest first: dicts keep insertion order

    def _pages_open(self, now: float) -> int:
        return len({client for client, when in self._issued.values() if now - when <= OPEN_FOR})

    # -- what the page shows --------------------------------------------------------------

    def describe(self, client: str) -> Reply:
        """GET /api/ballot: what to show, and a fresh one-time token."""
        if not self._open:
            return _error(409, "no vote is open")
        body: dict[str, Any] = {"ballot": self.kind, "needs_code": self.needs_code,
                                "use_cases": [], "items": [], "dots": 0, "per_item": 0,
                                "lang": i18n.language()}  # the page starts in the app's
        if self.kind == "ranking":
            body["use_cases"] = [{"id": u.id, "title": u.title, "level": u.level,
                                  "title_cy": str(u.cy.get("title") or "")}
                                 for u in self.pack.use_cases]
        else:
            body["items"] = self._advice_items()
            body["dots"] = self.pack.dot_allowance
            body["per_item"] = self.pack.dot_cap
        body["token"] = self.new_token(client)
        return Reply(200, body)

    def _advice_items(self) -> list[dict[str, str]]:
        """The votable advice list, read again at most every few seconds."""
        now = self.clock()
        with self._lock:
            if now - self._items_at < 5.0:
                return self._items

        def read() -> list[dict[str, str]]:
            welsh = {item.id: item for item in advice.votable_items(
                self.store, self.pack.localised("cy"))} if self.pack.has_welsh else {}
            out = []
            for item in advice.votable_items(self.store, self.pack):
                cy = welsh.get(item.id, item)
                out.append({"id": item.id, "text": item.text, "theme": item.theme,
                            "sites": ", ".join(item.sites), "theme_cy": cy.theme,
                            "sites_cy": ", ".join(cy.sites)})
            return out

        items = self._worker.call(read)
        with self._lock:
            self._items, self._items_at = items, now
        return items

    # -- what phones send -----------------------------------------------------------------

    def submit(self, client: str, payload: Any) -> Reply:
        """POST /api/ballot. Never raises for anything a phone can send."""
        if not self._open:
            return _error(409, "no vote is open")
        if not isinstance(payload, dict):
            return _error(400, "the ballot must be a JSON object")
        token = payload.get("token")
        if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN:
            return _error(400, "the ballot has no token: reload the page")
        if not self.token_valid(token):
            return _error(400, "this page has expired: reload it")
        with self._lock:
            earlier = self._replies.get(token)
        if earlier is not None:
            # A retry: answer as before, recording nothing again.
            return Reply(200, earlier.body) if earlier.status == 201 else earlier
        choice, problem = self._choice(payload)
        if problem is not None:
            return problem
        code_raw = payload.get("code")
        if code_raw is not None and not isinstance(code_raw, str):
            return _error(400, "the code must be text")
        code = (code_raw or "").strip() if self.needs_code else ""
        if self.needs_code and not code:
            return _error(400, "a participant code is needed")
        if len(code) > MAX_CODE:
            return _error(400, "that code is too long")
        lang = payload.get("lang")
        lang = lang if lang in ballots.LANGS else None  # the page's language, if known
        slowed = self._slowed(client)
        if slowed is not None:
            return slowed
        try:
            reply = self._worker.call(lambda: self._record(client, token, code, choice, lang))
        except StoreError as exc:
            reply = _error(503, f"the laptop could not save it ({exc.message}): try again")
        except FacilitatorError as exc:
            reply = _error(400, exc.message)
        except TimeoutError:
            reply = _error(503, "the laptop is busy: try again")
        with self._lock:
            if reply.status in (200, 201, 202):
                self._replies[token] = reply
                self._issued.pop(token, None)
                if reply.status == 201:
                    self.stats.recorded += 1
                elif reply.status == 202:
                    self.stats.held += 1
            else:
                self.stats.refused += 1
            self.stats.pages_open = self._pages_open(self.clock())
        self._changed()
        return reply

    def _choice(self, payload: Mapping[str, Any]) -> tuple[Any, Reply | None]:
        if self.kind == "ranking":
            ranking = payload.get("ranking")
            if not isinstance(ranking, list) or not all(isinstance(u, str) for u in ranking):
                return None, _error(400, "a ranking is a list of use case ids")
            if len(ranking) > len(self.pack.use_cases):
                return None, _error(400, "too many use cases in the ranking")
            return list(ranking), None
        dots = payload.get("dots")
        if not isinstance(dots, dict) or len(dots) > MAX_DOT_ITEMS:
            return None, _error(400, "dots are an object of item ids and numbers")
        for item, count in dots.items():
            if isinstance(count, bool) or not isinstance(count, int) or len(item) > 100:
                return None, _error(400, "dots are whole numbers")
        return dict(dots), None

    def _slowed(self, client: str) -> Reply | None:
        now = self.clock()
        with self._lock:
            state = self._clients.get(client)
            if state is None or state.slowed_until <= now:
                return None
            wait = int(state.slowed_until - now + 0.999)
        return Reply(429, {"error": "too many wrong codes: wait, then try again",
                           "retry_after": wait}, retry_after=wait)

    def _wrong_code(self, client: str) -> None:
        now = self.clock()
        with self._lock:
            state = self._clients.setdefault(client, _Client())
            state.wrong = [t for t in state.wrong if now - t <= WRONG_WINDOW] + [now]
            over = len(state.wrong) - WRONG_ALLOWED
            if over >= 0:
                state.slowed_until = now + min(SLOW_MAX, SLOW_FIRST * 2 ** over)

    # -- on the worker thread -------------------------------------------------------------

    def _claim_write_lock(self) -> None:
        """Inside the store's transaction, take the write lock first (BEGIN IMMEDIATE's
        effect): a writer elsewhere makes this wait its busy timeout, never fail at once."""
        self.store.db.execute("UPDATE settings SET value = value WHERE 0")

    def _sheet_label(self, token: str) -> str:
        return f"phone:{token}"

    def _already_recorded(self, token: str, anonymous_id: str) -> bool:
        if self.kind == "ranking":
            return self.store.get("ballots", anonymous_id) is not None
        sheet = advice.paper_sheet_id(self.site, self._sheet_label(token))
        # Deleted rows too: a sheet the facilitator withdrew stays withdrawn.
        return bool(self.store.rows(PRIORITIES_TABLE, "sheet = ?", [sheet]))

    def _record(self, client: str, token: str, code: str, choice: Any,
                lang: str | None = None) -> Reply:
        store = self.store
        participant_id: str | None = None
        if code:
            person = participants.by_code(store, self.site, code)
            if person is None:
                self._wrong_code(client)
                return _error(403, "that code is not on the list for this site")
            if int(person["withdrawn"]) or int(person["erased"]):
                return _error(403, "that code can no longer vote")
            participant_id = str(person["id"])
            code = str(person["code"])
        anonymous_id = natural_id("phone_ballot", token)
        if participant_id is None and self._already_recorded(token, anonymous_id):
            return Reply(200, OK.body)  # sent again after the server restarted
        try:
            with store.transaction(cause="phone"):
                self._claim_write_lock()
                if self.kind == "ranking":
                    ballots.cast_ballot(
                        store, self.pack, site=self.site, workshop=self.workshop,
                        ranking=choice, participant_id=participant_id, source="phone",
                        record_id=None if participant_id else anonymous_id, lang=lang)
                else:
                    advice.cast_dots(store, self.pack, site=self.site, allocations=choice,
                                     participant_id=participant_id, source="phone",
                                     sheet=self._sheet_label(token), lang=lang)
        except (ballots.DuplicateBallotError, advice.DuplicateSheetError):
            assert participant_id is not None
            held.hold(store, record_id=held.held_id(token), kind=self.kind, site=self.site,
                      workshop=self.workshop, participant_id=participant_id, code=code,
                      choice=choice, source="phone", lang=lang)
            return HELD
        except ballots.VotingClosedError:
            return _error(409, "voting has closed")
        return OK
