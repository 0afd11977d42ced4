"""Phone voting over HTTP: DESIGN §5's contract, the kiosk's rules, hostile requests.

Real server on loopback, real SQLite file; phones are http.client connections from
their own loopback addresses.
"""

from __future__ import annotations

import json
import random
import socket

import pytest
from serve_support import Phone, database_bytes, roster, serving

from facilitator.core import advice, ballots, held, participants
from facilitator.core.analysis import results
from facilitator.serve import vote as vote_module

IDS = ["summarising_basic", "summarising_sensitive", "call_101", "call_999_transfer",
       "hotspots", "reoffending"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def shuffled(seed: int) -> list[str]:
    order = list(IDS)
    random.Random(seed).shuffle(order)
    return order


# -- the contract ------------------------------------------------------------------------


def test_anonymous_ranking_from_a_phone_is_recorded_with_its_origin(store, default_pack):
    with serving(store, default_pack) as server:
        assert ballots.voting_state(store, "cardiff", 2) == "open"
        phone = Phone(server)
        shown = phone.open_page()
        assert shown["ballot"] == "ranking" and shown["needs_code"] is False
        assert [u["id"] for u in shown["use_cases"]] == IDS
        assert shown["use_cases"][2]["title"] == "AI answering 101 calls"
        status, body = phone.send(ranking=shuffled(1))
        assert (status, body) == (201, {"ok": True})
    rows = store.rows("ballots")
    assert len(rows) == 1
    assert rows[0]["source"] == "phone" and rows[0]["participant_id"] is None
    assert json.loads(rows[0]["ranking"]) == shuffled(1)
    assert rows[0]["origin_device"] == store.device_id  # the laptop that took it


def test_a_retry_with_the_same_token_records_once_even_after_a_restart(store, default_pack):
    with serving(store, default_pack) as server:
        phone = Phone(server)
        phone.open_page()
        assert phone.send(ranking=shuffled(2))[0] == 201
        assert phone.send(ranking=shuffled(2)) == (200, {"ok": True})
        assert phone.send(ranking=shuffled(3)) == (200, {"ok": True})  # answered as before
    assert ballots.counted_ballots(store) == 1
    # The laptop restarted the vote; the phone's Wi-Fi dropped the first answer.
    with serving(store, default_pack) as server:
        again = Phone(server)
        again.port = server.port
        again.token = phone.token
        assert again.send(ranking=shuffled(2)) == (200, {"ok": True})
    assert ballots.counted_ballots(store) == 1


def test_nothing_is_served_when_the_vote_ends(store, default_pack):
    with serving(store, default_pack) as server:
        port = server.port
        phone = Phone(server)
        phone.open_page()
        ballots.set_voting(store, "cardiff", 2, False)  # the facilitator closes voting
        assert phone.send(ranking=shuffled(4)) == (409, {"error": "voting has closed"})
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass  # unbound: nothing listens once the vote is over
    assert ballots.counted_ballots(store) == 0


# -- codes, held ballots and the slow-down ----------------------------------------------------


def test_codes_are_asked_when_the_site_has_a_roster(store, default_pack, tmp_path):
    roster(store, default_pack, tmp_path, ["CDF-01", "CDF-02"])
    with serving(store, default_pack) as server:
        phone = Phone(server)
        assert phone.open_page()["needs_code"] is True
        assert phone.send(ranking=shuffled(5))[0] == 400  # no code
        status, body = phone.send(ranking=shuffled(5), code="cdf-01")  # any case
        assert status == 201
    ballot = ballots.ballot_for(store, participants.by_code(store, "cardiff", "CDF-01")["id"], 2)
    assert ballot is not None and ballot["source"] == "phone"


def test_a_second_ballot_for_a_code_is_held_for_the_facilitator(store, default_pack, tmp_path):
    roster(store, default_pack, tmp_path, ["CDF-01"])
    pid = participants.by_code(store, "cardiff", "CDF-01")["id"]
    with serving(store, default_pack) as server:
        first, second = Phone(server, 2), Phone(server, 3)
        first.open_page()
        assert first.send(ranking=shuffled(6), code="CDF-01")[0] == 201
        second.open_page()
        assert second.send(ranking=shuffled(6), code="CDF-01")[0] == 201  # the same: no question
        second.open_page()
        before = database_bytes(store)
        assert second.send(ranking=shuffled(7), code="CDF-01") == (202, {"held": True})
        assert second.send(ranking=shuffled(7), code="CDF-01") == (202, {"held": True})
        assert server.vote.stats.held == 1
    assert database_bytes(store) != before  # the queue is kept
    waiting = held.pending(store, "cardiff")
    assert len(waiting) == 1 and waiting[0].code == "CDF-01" and waiting[0].kind == "ranking"
    assert list(waiting[0].choice) == shuffled(7) and waiting[0].source == "phone"
    assert ballots.ranking_of(ballots.ballot_for(store, pid, 2)) == tuple(shuffled(6))
    # Decided after voting closed: the decision still counts it, and voting stays closed.
    ballots.set_voting(store, "cardiff", 2, False)
    held.accept(store, default_pack, waiting[0].id)
    assert ballots.voting_state(store, "cardiff", 2) == "closed"
    counted = ballots.ballot_for(store, pid, 2)
    assert ballots.ranking_of(counted) == tuple(shuffled(7)) and counted["source"] == "phone"
    assert held.pending(store) == [] and ballots.counted_ballots(store) == 1


def test_keeping_the_earlier_ballot_drops_the_held_one(store, default_pack, tmp_path):
    roster(store, default_pack, tmp_path, ["CDF-01"])
    pid = participants.by_code(store, "cardiff", "CDF-01")["id"]
    with serving(store, default_pack) as server:
        phone = Phone(server)
        phone.open_page()
        phone.send(ranking=shuffled(8), code="CDF-01")
        phone.open_page()
        assert phone.send(ranking=shuffled(9), code="CDF-01")[0] == 202
    held.keep_earlier(store, held.pending(store)[0].id)
    assert held.pending(store) == []
    assert ballots.ranking_of(ballots.ballot_for(store, pid, 2)) == tuple(shuffled(8))


def test_wrong_codes_from_one_phone_are_slowed_down(store, default_pack, tmp_path):
    roster(store, default_pack, tmp_path, ["CDF-01", "CDF-02"])
    clock = Clock()
    with serving(store, default_pack, clock=clock) as server:
        guesser, neighbour = Phone(server, 7), Phone(server, 8)
        guesser.open_page()
        for attempt in range(vote_module.WRONG_ALLOWED):
            status, body = guesser.send(ranking=shuffled(10), code=f"CDF-9{attempt}")
            assert status == 403, body
        status, body, response = guesser.request(
            "POST", "/api/ballot", json.dumps({"token": guesser.token, "code": "CDF-01",
                                               "ranking": shuffled(10)}).encode())
        assert status == 429 and int(response.getheader("Retry-After")) > 0
        assert body["retry_after"] == int(vote_module.SLOW_FIRST)
        neighbour.open_page()  # another phone is not slowed
        assert neighbour.send(ranking=shuffled(11), code="CDF-02")[0] == 201
        clock.now += vote_module.SLOW_FIRST + 1
        assert guesser.send(ranking=shuffled(10), code="CDF-01")[0] == 201
        # Wrong again straight away: the wait doubles.
        guesser.open_page()
        assert guesser.send(ranking=shuffled(10), code="CDF-77")[0] == 403
        assert guesser.send(ranking=shuffled(10), code="CDF-01") == (
            429, {"error": "too many wrong codes: wait, then try again",
                  "retry_after": int(2 * vote_module.SLOW_FIRST)})


def test_a_withdrawn_code_cannot_vote(store, default_pack, tmp_path):
    roster(store, default_pack, tmp_path, ["CDF-01", "CDF-02"])
    participants.withdraw(store, participants.by_code(store, "cardiff", "CDF-01")["id"])
    with serving(store, default_pack) as server:
        phone = Phone(server)
        phone.open_page()
        assert phone.send(ranking=shuffled(12), code="CDF-01")[0] == 403
    assert ballots.counted_ballots(store) == 0


# -- dots ------------------------------------------------------------------------------------


def advice_list(store, pack):
    from test_advice import BIAS, OVERSIGHT, TRANSPARENCY, advice_note

    a = advice_note(store, "cardiff", "Publish a register of every AI tool in use",
                    TRANSPARENCY)
    b = advice_note(store, "durham", "Tell rural communities which tools are used",
                    TRANSPARENCY)
    combo = advice.combine(store, pack, [a, b],
                           "A public register of AI tools, in Welsh and English")["id"]
    watchdog = advice_note(store, "london", "An independent watchdog with powers to stop "
                           "a tool", OVERSIGHT)
    bias = advice_note(store, "cardiff", "Test 999 call triage for accents first", BIAS)
    return combo, watchdog, bias, (a, b)


def test_dots_from_a_phone(store, default_pack):
    combo, watchdog, bias, originals = advice_list(store, default_pack)
    with serving(store, default_pack, ballot="dots") as server:
        phone = Phone(server)
        shown = phone.open_page()
        assert shown["ballot"] == "dots" and (shown["dots"], shown["per_item"]) == (3, 2)
        assert {i["id"] for i in shown["items"]} == {combo, watchdog, bias}  # votable only
        assert phone.send(dots={combo: 3})[0] == 400  # over the cap on one item
        assert phone.send(dots={originals[0]: 1, combo: 2})[0] == 400  # combined away
        assert phone.send(dots={combo: 2, bias: 1}) == (201, {"ok": True})
        assert phone.send(dots={combo: 2, bias: 1}) == (200, {"ok": True})
    listed = {i.id: i for i in advice.advice_items(store, default_pack)}
    assert (listed[combo].dots, listed[bias].dots, listed[watchdog].dots) == (2, 1, 0)
    assert {r["source"] for r in store.rows("priorities")} == {"phone"}


def test_a_second_sheet_of_dots_for_a_code_is_held(store, default_pack, tmp_path):
    combo, watchdog, bias, _ = advice_list(store, default_pack)
    roster(store, default_pack, tmp_path, ["CDF-01"])
    pid = participants.by_code(store, "cardiff", "CDF-01")["id"]
    with serving(store, default_pack, ballot="dots") as server:
        phone = Phone(server)
        phone.open_page()
        assert phone.send(dots={combo: 2, bias: 1}, code="CDF-01")[0] == 201
        phone.open_page()
        assert phone.send(dots={watchdog: 2, bias: 1}, code="CDF-01")[0] == 202
    assert list(advice.participant_sheets(store, pid).values()) == [{bias: 1, combo: 2}]
    waiting = held.pending(store, "cardiff")
    assert [(h.kind, h.code, dict(h.choice)) for h in waiting] == [
        ("dots", "CDF-01", {watchdog: 2, bias: 1})]
    held.accept(store, default_pack, waiting[0].id)
    assert list(advice.participant_sheets(store, pid).values()) == [{bias: 1, watchdog: 2}]
    assert held.pending(store) == []


# -- hostile and careless requests leave the database as it was ---------------------------------


def raw_request(server, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(data)
        chunks = []
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def test_hostile_requests_change_nothing(store, default_pack, tmp_path):
    roster(store, default_pack, tmp_path, ["CDF-01"])
    with serving(store, default_pack) as server:
        phone = Phone(server, 9)
        phone.open_page()
        assert phone.send(ranking=shuffled(13), code="CDF-01")[0] == 201
        replayed = phone.token
        other = Phone(server, 10)
        other.open_page()
        before = database_bytes(store)
        token = other.token
        good = {"token": token, "code": "CDF-01", "ranking": shuffled(14)}

        def post(body: bytes, headers: dict[str, str] | None = None) -> int:
            status, data, _ = other.request("POST", "/api/ballot", body, headers)
            assert status in (400, 403, 404, 409, 411, 413, 200), (status, data)
            if status != 200:
                assert isinstance(data, dict) and set(data) == {"error"}
            return status

        huge = json.dumps({**good, "pad": "x" * 100_000}).encode()
        assert post(huge) == 413
        assert raw_request(server, b"POST /api/ballot HTTP/1.1\r\nHost: x\r\n"
                                   b"Content-Length: 999999999\r\n\r\n").startswith(
            b"HTTP/1.1 413")
        assert raw_request(server, b"POST /api/ballot HTTP/1.1\r\nHost: x\r\n"
                                   b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n").startswith(
            b"HTTP/1.1 411")
        assert raw_request(server, b"POST /api/ballot HTTP/1.1\r\nHost: x\r\n\r\n").startswith(
            b"HTTP/1.1 400")
        for body in (b"{", b"[]", b"null", b"\xff\xfe", b'"text"', b"{}", b"1e999",
                     json.dumps({**good, "token": "forged.token"}).encode(),
                     json.dumps({**good, "token": 7}).encode(),
                     json.dumps({**good, "token": "x" * 500}).encode(),
                     json.dumps({**good, "ranking": "hotspots"}).encode(),
                     json.dumps({**good, "ranking": IDS[:5]}).encode(),
                     json.dumps({**good, "ranking": [IDS[0]] * 6}).encode(),
                     json.dumps({**good, "ranking": IDS + ["<script>"]}).encode(),
                     json.dumps({**good, "ranking": [1, 2, 3, 4, 5, 6]}).encode(),
                     json.dumps({**good, "dots": {"x": 1}, "ranking": None}).encode(),
                     json.dumps({**good, "code": 42}).encode(),
                     json.dumps({**good, "code": "C" * 500}).encode(),
                     json.dumps({**good, "code": None}).encode()):
            assert post(body) == 400, body
        assert post(json.dumps(good).encode(), {"Origin": "http://evil.example"}) == 403
        # Replayed: the same token again, even with another ranking, records nothing.
        replay = json.dumps({"token": replayed, "code": "CDF-01", "ranking": shuffled(15)})
        assert post(replay.encode()) == 200
        for method, path in (("GET", "/admin"), ("GET", "/api/results"),
                             ("GET", "/api/participants"), ("GET", "/../../etc/passwd"),
                             ("GET", "/api/ballot/1"), ("POST", "/"), ("POST", "/api"),
                             ("PUT", "/api/ballot"), ("DELETE", "/api/ballot"),
                             ("GET", "/favicon.ico")):
            status, data, _ = other.request(method, path)
            assert status == 404 and data == {"error": "not found"}, (method, path)
        ballots.set_voting(store, "cardiff", 2, False)
        closed_before = database_bytes(store)
        assert post(json.dumps(good).encode()) == 409
        assert database_bytes(store) == closed_before
        ballots.set_voting(store, "cardiff", 2, True)
        after = database_bytes(store)
    assert after == before
    assert ballots.counted_ballots(store) == 1


def test_a_vote_closed_on_the_server_answers_409(store, default_pack):
    with serving(store, default_pack) as server:
        phone = Phone(server)
        phone.open_page()
        server.vote._open = False  # the moment between closing and unbinding
        before = database_bytes(store)
        assert phone.send(ranking=shuffled(16))[0] == 409
        status, _, _ = phone.request("GET", "/api/ballot")
        assert status == 409
        assert database_bytes(store) == before


def test_the_page_is_self_contained(store, default_pack):
    with serving(store, default_pack) as server:
        status, page, response = Phone(server).request("GET", "/")
    assert status == 200
    text = page.decode("utf-8")
    policy = response.getheader("Content-Security-Policy")
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    for outside in ("http://", "https://", "//cdn", "@import", "src=\"http", "url("):
        assert outside not in text, outside
    assert "crypto.randomUUID" not in text  # not a secure context on a LAN address
    assert "Rhestrwch y chwe achos defnydd" in text  # the Welsh string table


# -- phone ballots are ballots like any other ----------------------------------------------------


def test_results_and_withdrawal_treat_phone_ballots_like_kiosk_ones(store, default_pack,
                                                                    tmp_path):
    roster(store, default_pack, tmp_path, ["CDF-01", "CDF-02", "CDF-03"])
    with serving(store, default_pack) as server:
        for number, code in enumerate(("CDF-01", "CDF-02"), start=20):
            phone = Phone(server, number)
            phone.open_page()
            assert phone.send(ranking=shuffled(number), code=code)[0] == 201
    kiosk_pid = participants.by_code(store, "cardiff", "CDF-03")["id"]
    ballots.cast_ballot(store, default_pack, site="cardiff", workshop=2,
                        ranking=shuffled(30), participant_id=kiosk_pid, source="kiosk")
    out = results(store, default_pack, workshop=2, threshold=1)
    assert out["groups"][0]["n"] == 3
    participants.withdraw(store, participants.by_code(store, "cardiff", "CDF-01")["id"])
    assert results(store, default_pack, workshop=2, threshold=1)["groups"][0]["n"] == 2
    sources = {r["source"] for r in store.rows("ballots")}
    assert sources == {"phone", "kiosk"}


def test_phone_ballots_merge_like_any_other(store, default_pack, tmp_path):
    """A console laptop's phone ballots and dots reach the hub's database by merge, and
    merging them twice adds nothing (the record laws, unchanged for phones)."""
    from facilitator.core.merge import merge
    from facilitator.core.store import Store

    combo, _watchdog, bias, _ = advice_list(store, default_pack)
    with serving(store, default_pack) as server:
        phone = Phone(server)
        phone.open_page()
        assert phone.send(ranking=shuffled(40))[0] == 201
    with serving(store, default_pack, ballot="dots") as server:
        phone = Phone(server)
        phone.open_page()
        assert phone.send(dots={combo: 2, bias: 1})[0] == 201
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with Store(tmp_path / "hub.db", device_id="hub") as hub:
        merge(hub, [store.path])
        merge(hub, [store.path])
        assert [(r["source"], json.loads(r["ranking"])) for r in hub.rows("ballots")] == [
            ("phone", shuffled(40))]
        assert sorted((r["source"], r["dots"]) for r in hub.rows("priorities")) == [
            ("phone", 1), ("phone", 2)]
        assert hub.get_setting("phones.secret") is None  # local settings stay local
