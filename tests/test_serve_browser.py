"""The phone page in a real headless browser: Debian's chromium driven by Playwright.

A phone-sized touch screen (390×844) loads the page from the real server, taps the
six cards into places, confirms, and the ballot is in the database. Screenshots go
to /work/shots/i21/ when that folder exists (they are looked at, not compared).
"""

from __future__ import annotations

import json

import pytest
from serve_support import SHOTS, chromium, roster, serving

from facilitator.core import advice, ballots, participants

BROWSER = chromium()
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="Debian's chromium is not installed (scripts/bootstrap.sh test "
                            "installs chromium and chromium-headless-shell)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True, device_scale_factor=1, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # The browser logs every 4xx answer; a refused code is one the page expects.
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error"
            and not msg.text.startswith("Failed to load resource") else None)
    yield page
    context.close()
    assert errors == []


def shot(page, name: str, full_page: bool = False) -> None:
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def test_ranking_six_cards_by_tapping_on_a_phone(phone, store, default_pack, tmp_path):
    roster(store, default_pack, tmp_path, ["CDF-01", "CDF-02"])
    with serving(store, default_pack) as server:
        page = phone
        page.goto(server.url())
        page.wait_for_selector("#cards .card")
        assert page.locator("h1").inner_text() == "Rank the six uses of AI in policing"
        shot(page, "ranking-empty")
        assert page.locator("#submit").get_attribute("aria-disabled") == "true"
        # Submit before all six are placed explains what is missing (aria-disabled
        # keeps it focusable and tappable, so it can say so).
        page.tap("#submit", force=True)
        assert "none placed yet" in page.locator("#status").inner_text()
        page.fill("#code", "cdf-01")
        wanted = []
        for _ in range(6):
            first = page.locator("#cards .card").first
            wanted.append(first.get_attribute("data-id"))
            first.tap()
            if len(wanted) == 3:
                shot(page, "ranking-half")
        assert page.locator("#cards").count() == 0
        assert page.locator("#status").inner_text().startswith("All six placed")
        # Take place 2 out, put it back last: the order closes up.
        page.locator("#places li >> nth=1").locator("button.slot").tap()
        page.locator("#cards .card").first.tap()
        wanted = wanted[:1] + wanted[2:] + wanted[1:2]
        shot(page, "ranking-full", full_page=True)
        page.tap("#submit")
        page.wait_for_selector("#review")
        assert page.locator("h1").inner_text() == "Is this your order?"
        titles = {u.id: u.title for u in default_pack.use_cases}
        assert page.locator("#review li").count() == 6
        for i, use_case in enumerate(wanted):
            assert titles[use_case] in page.locator("#review li").nth(i).inner_text()
        assert "Participant code: cdf-01" in page.content()
        shot(page, "ranking-confirm")
        page.tap("#cast")
        page.wait_for_selector("text=Thank you — your vote is recorded")
        shot(page, "ranking-thanks")
        # Nothing of anyone's vote is on the page afterwards.
        assert not any(titles[u] in page.content() for u in wanted)
    pid = participants.by_code(store, "cardiff", "CDF-01")["id"]
    ballot = ballots.ballot_for(store, pid, 2)
    assert ballot is not None and ballot["source"] == "phone"
    assert json.loads(ballot["ranking"]) == wanted


def test_the_page_in_welsh_and_a_wrong_code(phone, store, default_pack, tmp_path):
    roster(store, default_pack, tmp_path, ["CDF-01"])
    with serving(store, default_pack) as server:
        page = phone
        page.goto(server.url())
        page.wait_for_selector("#cards .card")
        page.tap("#lang")
        assert page.evaluate("document.documentElement.lang") == "cy"
        assert page.locator("h1").inner_text() == (
            "Rhestrwch y chwe achos defnydd o AI ym maes plismona")
        assert page.locator("#lang").inner_text() == "English"
        welsh = {u.id: u.cy["title"] for u in default_pack.use_cases}
        first = page.locator("#cards .card").first
        assert welsh[first.get_attribute("data-id")] in first.inner_text()
        page.fill("#code", "CDF-99")
        for _ in range(2):
            page.locator("#cards .card").first.tap()
        shot(page, "ranking-welsh")
        for _ in range(4):
            page.locator("#cards .card").first.tap()
        page.tap("#submit")
        page.wait_for_selector("#review")
        assert page.locator("h1").inner_text() == "Ai dyma’ch trefn chi?"
        shot(page, "ranking-welsh-confirm")
        page.tap("#cast")
        page.wait_for_selector("#code")
        assert "Nid yw’r cod hwnnw ar y rhestr" in page.locator("#status").inner_text()
        shot(page, "ranking-welsh-wrong-code")
        # The choice of language survives a reload.
        page.reload()
        page.wait_for_selector("#cards .card")
        assert page.locator("#lang").inner_text() == "English"
    assert ballots.counted_ballots(store) == 0


def test_dots_on_a_phone(phone, store, default_pack):
    from test_serve import advice_list

    combo, watchdog, bias, _ = advice_list(store, default_pack)
    with serving(store, default_pack, ballot="dots") as server:
        page = phone
        page.goto(server.url())
        page.wait_for_selector(".item")
        assert page.locator("h1").inner_text() == "Which advice matters most to you?"
        assert page.locator(".item").count() == 3
        plus = page.locator(f'.item[data-id="{combo}"] .plus')
        plus.tap()
        plus.tap()
        assert plus.get_attribute("aria-disabled") == "true"  # at most 2 on one item
        page.locator(f'.item[data-id="{bias}"] .plus').tap()
        page.locator(f'.item[data-id="{watchdog}"] .plus').tap(force=True)  # none left
        assert page.locator(f'.item[data-id="{watchdog}"] .pips small').inner_text() == "no dots"
        shot(page, "dots", full_page=True)
        page.tap("#submit")
        page.wait_for_selector("#review")
        shot(page, "dots-confirm")
        page.tap("#cast")
        page.wait_for_selector("text=Thank you — your dots are recorded.")
        page.tap("#lang")
        shot(page, "dots-thanks-welsh")
        assert page.locator("h1").inner_text() == "Diolch — mae eich dotiau wedi’u cofnodi."
    listed = {i.id: i.dots for i in advice.advice_items(store, default_pack)}
    assert (listed[combo], listed[bias], listed[watchdog]) == (2, 1, 0)


def test_a_closed_vote_says_so(phone, store, default_pack):
    with serving(store, default_pack) as server:
        page = phone
        page.goto(server.url())
        page.wait_for_selector("#cards .card")
        for _ in range(6):
            page.locator("#cards .card").first.tap()
        page.tap("#submit")
        ballots.set_voting(store, "cardiff", 2, False)
        page.tap("#cast")
        page.wait_for_selector("text=Voting has closed")
        shot(page, "closed")
    assert ballots.counted_ballots(store) == 0


def test_the_page_starts_in_the_apps_language(phone, store, default_pack):
    from facilitator.core import i18n

    before, was_explicit = i18n.language(), i18n.explicit()
    i18n.set_language("cy", explicit=False)
    try:
        with serving(store, default_pack) as server:
            phone.goto(server.url())
            phone.wait_for_selector("#cards .card")
            assert phone.evaluate("document.documentElement.lang") == "cy"
            assert phone.locator("#lang").inner_text() == "English"
    finally:
        i18n.set_language(before, explicit=was_explicit)
