"""The combined advice on the audience screen: the list while people vote, the
priorities when the facilitator reveals them."""

from __future__ import annotations

import pytest
from fakes import FakeClock

from facilitator.app import FacilitatorApp
from facilitator.core import advice, venue
from facilitator.core.paths import resolve
from facilitator.core.store import Store
from facilitator.ui.console.audience import AudienceView, page_for


def advice_note(store: Store, site: str, text: str, theme: str) -> str:
    return store.create("notes", {"site": site, "workshop": 4, "kind": "advice", "text": text,
                                  "themes": f'["{theme}"]',
                                  "noted_at": "2026-07-14T14:00:00Z"})["id"]


@pytest.fixture
def day(qtbot, tmp_path, default_pack):
    db = tmp_path / "venue.db"
    theme = default_pack.themes_for("advice")[0].id
    with Store(db) as store:
        venue.save(store, default_pack, venue.VenueSettings("cardiff", 4, ("Table 1",)))
        a = advice_note(store, "cardiff", "Audit every tool before it is used", theme)
        b = advice_note(store, "durham", "An independent body should audit the tools", theme)
        advice_note(store, "london", "Publish each force's list of AI tools <b>&</b>", theme)
        combined = advice.combine(store, default_pack, [a, b],
                                  "Independent audits before and after use")
        advice.cast_dots(store, default_pack, site="cardiff", allocations={combined["id"]: 2},
                         participant_id=None, source="paper", sheet="1")
    clock = FakeClock()
    app = FacilitatorApp(resolve(str(db), None), ask_venue=False, show_audience=False,
                         clock=clock)
    qtbot.addWidget(app.window)
    yield app, clock
    app.shut_down()


def test_the_prioritise_step_shows_the_combined_list(day, default_pack, qtbot):
    app, clock = day
    steps = [s.id for s in default_pack.workshop(4).steps]
    runner = app.model.runner
    runner.start()
    runner.jump(steps.index("w4-prioritise"))
    status = runner.status()
    assert status.step.kind == "prioritise" and page_for(status) == "advice"
    view = app.audience.view
    app.model.refresh()
    assert view.current_page() == "advice"
    # The list arrives just after the window's first paint.
    qtbot.waitUntil(lambda: "Independent audits" in view.advice_list.text(), timeout=5000)
    text = view.advice_list.text()
    assert "Independent audits before and after use" in text
    assert "Publish each force&#x27;s list of AI tools &lt;b&gt;&amp;&lt;/b&gt;" in text
    assert "Audit every tool before it is used" not in text  # combined: not votable alone
    assert "dots" not in text  # no tallies while people are still voting


def test_revealing_the_priorities_orders_by_dots(day, qtbot):
    app, _clock = day
    action = app.window.show_priorities_action
    assert action.isEnabled()
    action.trigger()
    view = app.audience.view
    assert app.audience.advice_shown() and view.current_page() == "advice"
    assert app.console.preview.advice_shown()
    qtbot.waitUntil(lambda: "2 dots" in view.advice_list.text(), timeout=5000)
    text = view.advice_list.text()
    assert text.index("Independent audits") < text.index("Publish each force")
    assert "2 dots" in text and "0 dots" in text
    action.trigger()
    assert not app.audience.advice_shown() and view.current_page() != "advice"


def test_an_empty_list_says_so(qtbot, default_pack):
    view = AudienceView(default_pack)
    qtbot.addWidget(view)
    view.set_advice([])
    view.set_advice_shown(True)
    assert view.current_page() == "advice"
    assert "will appear here" in view.advice_list.text()
