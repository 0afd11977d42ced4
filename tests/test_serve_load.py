"""Sixty phones at once on loopback, while the GUI thread keeps ticking.

Every phone fetches the page and the ballot, then all send together: no errors,
every ballot counted once, a retry with the same token adds nothing, and the results
equal pref_voting's on the same ballots. The GUI thread's longest stall while it runs
is printed (a figure to read, not a pass mark: tests do not judge timings).
"""

from __future__ import annotations

import random
import threading

from pref_voting.margin_based_methods import beat_path
from pref_voting.profiles import Profile
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from serve_support import Phone, roster

from facilitator.core import ballots
from facilitator.core.analysis import results
from facilitator.ui.common.store_signals import StoreSignals
from facilitator.ui.kiosk.phones import PhonesPanel

IDS = ("summarising_basic", "summarising_sensitive", "call_101", "call_999_transfer",
       "hotspots", "reoffending")
PHONES = 60


def test_sixty_phones_vote_at_once(qtbot, store, default_pack, tmp_path, capsys):
    codes = [f"CDF-{n:02d}" for n in range(1, PHONES + 1)]
    roster(store, default_pack, tmp_path, codes)
    rng = random.Random(21)
    rankings = [tuple(rng.sample(IDS, len(IDS))) for _ in range(PHONES)]
    # The console as in the app: Voting → Phones serves the vote, and follows the store
    # (every commit reaches the GUI thread, which refreshes the page's counts).
    store.set_setting("site", "cardiff")
    store.set_setting("workshop", "2")
    panel = PhonesPanel(store, default_pack, addresses=lambda: [("loopback", "127.0.0.1")])
    qtbot.addWidget(panel)
    panel.show()
    changes = StoreSignals(store)
    changes.changed.connect(panel.store_changed)
    seen = []
    changes.changed.connect(lambda change: seen.append(ballots.counted_ballots(store)))
    clock = QElapsedTimer()
    clock.start()
    last, worst = [clock.elapsed()], [0]

    def tick() -> None:
        now = clock.elapsed()
        worst[0] = max(worst[0], now - last[0] - 5)
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    server = panel.voting.server
    assert server is not None and server.vote.needs_code
    phones = [Phone(server, 10 + n) for n in range(PHONES)]
    statuses: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(PHONES)

    def vote(n: int) -> None:
        try:
            phone = phones[n]
            start.wait()
            phone.open_page()
            status, _ = phone.send(ranking=list(rankings[n]), code=codes[n])
            statuses.append(status)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=vote, args=(n,)) for n in range(PHONES)]
    timer.start()
    for thread in threads:
        thread.start()
    qtbot.waitUntil(lambda: not any(t.is_alive() for t in threads), timeout=120_000)
    timer.stop()
    assert errors == []
    assert statuses == [201] * PHONES
    # Wi-Fi dropped every answer: each phone sends again with its token.
    for n, phone in enumerate(phones):
        assert phone.send(ranking=list(rankings[n]), code=codes[n]) == (200, {"ok": True})
    assert server.vote.stats.recorded == PHONES
    qtbot.waitUntil(lambda: f"Ballots in: {PHONES} (from phones: {PHONES})"
                    in panel.counts_label.text(), timeout=10_000)
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)  # Stop
    qtbot.waitUntil(lambda: bool(seen) and seen[-1] == PHONES, timeout=10_000)
    assert ballots.counted_ballots(store, "cardiff", 2) == PHONES
    counted = [ballots.ranking_of(b) for b in store.rows("ballots", "deleted = 0")]
    assert sorted(counted) == sorted(rankings)
    out = results(store, default_pack, workshop=2, threshold=1)
    overall = out["groups"][0]
    profile = Profile([[IDS.index(u) for u in r] for r in counted])
    borda = profile.borda_scores()
    for i, use_case in enumerate(IDS):
        cell = overall["use_cases"][use_case]
        assert cell["borda"] == borda[i] + len(counted)
        assert cell["positions"] == [profile.num_rank(i, level) for level in range(1, 7)]
    winners = beat_path(profile, strength_function=profile.support)
    assert sorted(IDS.index(u) for u in overall["schulze"][0]) == winners
    with capsys.disabled():
        print(f"\nphone load: {PHONES} phones at once, {PHONES} ballots counted once; "
              f"GUI thread's longest stall {worst[0] / 1000:.3f} s")
    changes.detach()
    panel.shut_down()
