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
    assert "Publish each force's list of AI tools <b>&</b>" in text  # painted as plain text
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


def test_twelve_items_all_reach_the_room_a_page_at_a_time(qtbot, default_pack):
    from facilitator.ui.console.audience import AdviceLine

    lines = [AdviceLine("Oversight and accountability" if i < 6 else "Accuracy and bias",
                        f"Item {i + 1}: " + "an independent body with the power to stop a "
                        "tool, reporting every year to the public and to Parliament " * 2,
                        "Cardiff, Durham, London", 12 - i) for i in range(12)]
    for width, height in ((1920, 1080), (1366, 768)):
        view = AudienceView(default_pack)
        qtbot.addWidget(view)
        view.resize(width, height)
        with qtbot.waitExposed(view):
            view.show()
        view.set_advice(lines)
        view.set_advice_shown(True)
        slide = view.advice_list
        assert slide.width() > 0.9 * width
        pages = len(slide.pages)
        shown = "\n".join(slide.page_text(p) for p in range(pages))
        for i in range(12):
            assert f"Item {i + 1}:" in shown, (width, i)  # none cut off, none missing
        # Each page fits the slide: nothing painted below its foot.
        _x, top, list_width, list_height = slide._geometry()
        for page in slide.pages:
            used = sum(slide.entry_height(e, list_width) for e in page)
            assert used <= list_height + 1 or len(page) == 1
        assert pages > 1 and "Page 1 of" in slide.footer()
        assert slide.timer.isActive()  # the pages turn by themselves
        slide.next_page()
        assert "Page 2 of" in slide.footer()
        view.close()


def test_a_short_list_stays_on_one_page(qtbot, default_pack):
    from facilitator.ui.console.audience import AdviceLine

    view = AudienceView(default_pack)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    view.set_advice([AdviceLine("Oversight", f"Short item {i}", "Cardiff", i) for i in range(4)])
    view.set_advice_shown(True)
    assert len(view.advice_list.pages) == 1 and not view.advice_list.timer.isActive()
    assert "Page" not in view.advice_list.footer()
