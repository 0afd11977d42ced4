"""The audience window: what the room sees for each step kind, blanking, screens."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from html import escape

import pytest
from fakes import FakeClock
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QWidget

from facilitator.core.agenda import AgendaRunner
from facilitator.core.pack import AgendaStep, SessionPack, Video, Workshop
from facilitator.core.store import Store
from facilitator.ui.console.audience import (
    AudienceWindow,
    choose_screen,
    format_countdown,
    page_for,
)
from facilitator.ui.console.runner_model import RunnerModel

SECRET = "FACILITATOR ONLY: watch the quiet man at table 3"


def kinds_pack(pack: SessionPack) -> SessionPack:
    """Workshop 2 with one step of every kind the audience shows differently."""
    case = pack.use_cases[0].id
    video = pack.videos[0] if pack.videos else Video(
        "clip", "clip.mp4", "A short film", "An expert", "Role", "topic", "0" * 64, 60)
    steps = (
        AgendaStep("k-welcome", "welcome", "Welcome and ground rules", 10,
                   facilitator_notes=SECRET),
        AgendaStep("k-card", "discussion", "Table discussion", 20,
                   prompt="What would make this acceptable to you?", use_case=case,
                   facilitator_notes=SECRET),
        AgendaStep("k-prompt", "plenary", "Plenary", 15,
                   prompt="What did your table agree on?", facilitator_notes=SECRET),
        AgendaStep("k-video", "video", "Film", 2, video=video.id, facilitator_notes=SECRET),
        AgendaStep("k-break", "break", "Lunch", 30, facilitator_notes=SECRET),
        AgendaStep("k-rank", "ranking", "Ranking", 10, prompt="Rank the six use cases",
                   facilitator_notes=SECRET),
    )
    workshop = Workshop(2, "Workshop 2: basic use cases", "in_person", steps=steps)
    others = tuple(w for w in pack.workshops if w.number != 2)
    videos = pack.videos if pack.videos else (video,)
    return dataclasses.replace(pack, workshops=(*others, workshop), videos=videos)


@pytest.fixture
def pack(default_pack: SessionPack) -> SessionPack:
    return kinds_pack(default_pack)


@pytest.fixture
def model(store: Store, pack: SessionPack, clock: FakeClock, qtbot) -> RunnerModel:
    runner = AgendaRunner(store, pack, "cardiff", 2, clock=clock)
    model = RunnerModel(runner)
    yield model
    model.stop()


@pytest.fixture
def audience(pack: SessionPack, model: RunnerModel, qtbot) -> AudienceWindow:
    window = AudienceWindow(pack)
    qtbot.addWidget(window)
    window.attach(model)
    window.resize(1920, 1080)
    window.show()
    return window


def visible_text(widget: QWidget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel)
                     if label.isVisibleTo(widget))


def all_text(widget: QWidget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel))


def test_choose_screen_with_an_injected_screen_list() -> None:
    laptop, projector, third = object(), object(), object()
    assert choose_screen([], None) is None
    assert choose_screen([laptop], laptop) is None
    assert choose_screen([laptop, projector], laptop) is projector
    assert choose_screen([projector, laptop], laptop) is projector
    assert choose_screen([laptop, projector, third], laptop) is projector
    assert choose_screen([laptop, projector], projector) is laptop


def test_one_screen_means_a_normal_window(audience: AudienceWindow, qtbot) -> None:
    with qtbot.waitSignal(audience.placed) as placed:
        target = audience.place()
    assert target is None and placed.args == [False]
    assert not audience.isFullScreen()
    assert audience.isVisible()


def test_follows_screens_being_plugged_and_unplugged(audience: AudienceWindow,
                                                     qtbot) -> None:
    audience.follow_screens(True)
    app = QGuiApplication.instance()
    with qtbot.waitSignal(audience.placed):
        app.screenAdded.emit(QGuiApplication.primaryScreen())
    with qtbot.waitSignal(audience.placed):
        app.screenRemoved.emit(QGuiApplication.primaryScreen())
    audience.follow_screens(False)
    with qtbot.assertNotEmitted(audience.placed):
        app.screenAdded.emit(QGuiApplication.primaryScreen())


def test_each_step_kind_has_its_slide(audience: AudienceWindow, model: RunnerModel,
                                      pack: SessionPack, clock: FakeClock) -> None:
    view = audience.view
    assert audience.current_page() == "waiting"
    assert "Welcome" in visible_text(view)

    model.start()
    assert audience.current_page() == "title"
    assert view.title_main.text() == "Welcome and ground rules"
    assert not view.title_countdown.isVisibleTo(view)  # no countdown for a welcome

    model.next()
    case = pack.use_case(pack.workshop(2).steps[1].use_case)
    assert audience.current_page() == "card"
    assert view.card_title.text() == case.title
    assert view.card_definition.text() == case.definition
    for item in (*case.benefits, *case.risks):
        assert escape(item) in view.card_benefits.text() + view.card_risks.text()
    assert view.card_example.text() == case.example
    assert "acceptable" in view.card_prompt.text()
    assert view.card_countdown.digits.text() == "20:00"
    assert "BASIC" in view.card_badge.text() or "COMPLEX" in view.card_badge.text()

    model.next()
    assert audience.current_page() == "prompt"
    assert view.prompt_text.text() == "“What did your table agree on?”"
    clock.advance(13 * 60)
    model.refresh()
    assert view.prompt_countdown.digits.text() == "02:00"
    assert view.prompt_countdown.caption.text() == "nearly time"  # words, not colour alone

    model.next()
    assert audience.current_page() == "video"
    assert view.video_placeholder.isVisibleTo(view)

    model.next()
    assert audience.current_page() == "break"
    back = datetime.fromtimestamp(clock.now + 30 * 60).strftime("%H:%M")
    assert view.break_back.text() == f"Back at {back}"
    clock.advance(5 * 60)
    model.refresh()
    assert view.break_back.text() == f"Back at {back}"
    assert view.break_countdown.digits.text() == "25:00"

    model.next()
    assert audience.current_page() == "prompt"
    audience.set_results_shown(True)
    assert audience.current_page() == "results"
    audience.set_results_shown(False)

    model.next()
    assert audience.current_page() == "finished"
    assert "Thank you" in visible_text(view)


def test_nothing_facilitator_only_reaches_the_room(audience: AudienceWindow,
                                                  model: RunnerModel,
                                                  clock: FakeClock) -> None:
    model.start()
    for _ in range(6):
        clock.advance(40 * 60)  # overrunning every step
        model.refresh()
        text = all_text(audience)
        assert SECRET not in text
        assert "over" not in visible_text(audience.view).casefold().replace("overview", "")
        assert "behind" not in text and "ahead" not in text
        model.next()


def test_overrun_reads_times_up_in_words(audience: AudienceWindow, model: RunnerModel,
                                         clock: FakeClock) -> None:
    model.jump(2)
    model.start()
    clock.advance(16 * 60)
    model.refresh()
    countdown = audience.view.prompt_countdown
    assert (countdown.digits.text(), countdown.caption.text()) == ("00:00", "time's up")


def test_blanking_hides_everything_and_comes_back(audience: AudienceWindow,
                                                  model: RunnerModel, qtbot) -> None:
    model.start()
    model.next()
    with qtbot.waitSignal(audience.display_changed):
        audience.set_blank(True)
    assert audience.current_page() == "blank"
    model.next()  # the day moves on while blank: still blank
    assert audience.current_page() == "blank"
    audience.set_blank(False)
    assert audience.current_page() == "prompt"


def test_video_and_results_widgets_plug_in(audience: AudienceWindow,
                                           model: RunnerModel) -> None:
    surface, results = QWidget(), QWidget()
    audience.set_video_widget(surface)
    audience.set_results_widget(results)
    assert surface.window() is audience and results.window() is audience
    model.jump(3)
    model.start()
    assert audience.current_page() == "video"
    assert surface.isVisibleTo(audience)
    assert not audience.view.video_placeholder.isVisibleTo(audience)
    audience.set_video_widget(None)
    assert surface.parent() is None
    surface.deleteLater()


def test_rehearsal_is_marked(pack: SessionPack, qtbot) -> None:
    window = AudienceWindow(pack, rehearsal=True)
    qtbot.addWidget(window)
    window.show()
    assert window.view.rehearsal_strip.isVisible()
    assert "REHEARSAL" in window.view.rehearsal_strip.text()


def test_use_case_card_is_legible_from_the_back_at_1080p(default_pack: SessionPack,
                                                        store: Store, clock: FakeClock,
                                                        qtbot) -> None:
    """Every real card of the default pack keeps body text at 32 px or more."""
    for case in default_pack.use_cases:
        step = AgendaStep("c", "discussion", "Discussion", 30,
                          prompt="What would make this acceptable to you?", use_case=case.id)
        workshop = Workshop(2, "Workshop 2", "in_person", steps=(step,))
        pack = dataclasses.replace(default_pack, workshops=(workshop,))
        runner = AgendaRunner(store, pack, f"site-{case.id}", 2, clock=clock)
        runner.start()
        window = AudienceWindow(pack)
        qtbot.addWidget(window)
        window.resize(1920, 1080)
        window.show()
        window.show_status(runner.status())
        view = window.view
        assert window.current_page() == "card"
        for label in (view.card_definition, view.card_benefits, view.card_risks,
                      view.card_example):
            assert label.font().pixelSize() >= 32, (case.id, label.font().pixelSize())
        assert view.card_title.font().pixelSize() > view.card_definition.font().pixelSize()
        # Nothing is cut off: the card's content fits the screen.
        page = view.pages["card"]
        assert page.layout().totalHeightForWidth(view.stack.width()) <= view.stack.height()
        window.close()


def test_type_scales_with_the_window(pack: SessionPack, model: RunnerModel, qtbot) -> None:
    window = AudienceWindow(pack)
    qtbot.addWidget(window)
    window.attach(model)
    model.start()
    model.next()
    window.resize(960, 540)
    window.show()
    small = window.view.card_definition.font().pixelSize()
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: window.view.card_definition.font().pixelSize() > small)


def test_countdown_format_rounds_up() -> None:
    assert format_countdown(1500) == "25:00"
    assert format_countdown(0.2) == "00:01"
    assert format_countdown(0) == "00:00"
    assert format_countdown(3725) == "1:02:05"


def test_page_for_before_and_after_the_day(model: RunnerModel) -> None:
    assert page_for(model.status) == "waiting"
    model.jump(5)
    model.start()
    model.next()
    assert page_for(model.status) == "finished"


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_the_countdown_on_a_card_reads_from_the_back(size, audience: AudienceWindow,
                                                     model: RunnerModel, clock: FakeClock,
                                                     qtbot) -> None:
    audience.resize(*size)
    model.runner.start()
    model.runner.jump(1)  # the discussion card, with its countdown
    model.refresh()
    assert audience.current_page() == "card"
    qtbot.waitUntil(lambda: audience.view.height() >= size[1] - 2, timeout=10_000)
    digits = audience.view.card_countdown.digits
    assert digits.isVisible()
    # At least 8 % of the screen's height (it was 6 %), the long card notwithstanding.
    assert digits.fontInfo().pixelSize() >= 0.08 * audience.view.height()
    corner = digits.mapTo(audience, digits.rect().bottomRight())
    assert corner.x() <= size[0] and corner.y() <= size[1]
    # The last minute is red, and time's up says so in words.
    clock.advance(20 * 60 - 30)
    model.refresh()
    assert audience.view.card_countdown.caption.text() == "last minute"
    assert "#ff5a5a" in digits.styleSheet().lower()
    clock.advance(60)
    model.refresh()
    assert audience.view.card_countdown.caption.text() == "time's up"
