"""The agenda runner: timing rules, warnings, add-time, skip, ahead/behind, crash-resume."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from fakes import T0, FakeClock

from facilitator.core.agenda import AgendaRunner, warning_level
from facilitator.core.pack import AgendaStep, SessionPack, Workshop
from facilitator.core.store import Store


def day_pack(pack: SessionPack) -> SessionPack:
    """The default pack with a known workshop 2 agenda (the real one is still being written)."""
    case = pack.use_cases[0].id
    steps = (
        AgendaStep("t-welcome", "welcome", "Welcome", 10),
        AgendaStep("t-discuss", "discussion", "Discussion", 20, prompt="Is this acceptable?",
                   use_case=case, facilitator_notes="Watch table 3"),
        AgendaStep("t-video", "presentation", "Short film", 5, auto_advance=True),
        AgendaStep("t-break", "break", "Lunch", 30),
        AgendaStep("t-plenary", "plenary", "Plenary", 15),
    )
    workshop = Workshop(2, "Workshop 2", "in_person", steps=steps)
    others = tuple(w for w in pack.workshops if w.number != 2)
    return dataclasses.replace(pack, workshops=(*others, workshop))


@pytest.fixture
def pack(default_pack: SessionPack) -> SessionPack:
    return day_pack(default_pack)


@pytest.fixture
def runner(store: Store, pack: SessionPack, clock: FakeClock) -> AgendaRunner:
    return AgendaRunner(store, pack, "cardiff", 2, clock=clock)


def test_starts_not_started_at_the_first_step(runner: AgendaRunner) -> None:
    status = runner.status()
    assert runner.state == "not_started"
    assert runner.current_index == 0
    assert status.step_elapsed == 0
    assert status.step_planned == 600
    assert status.day_planned == 80 * 60
    assert status.day_delta == 0
    assert status.next_step is not None and status.next_step.id == "t-discuss"


def test_elapsed_counts_only_while_running(runner: AgendaRunner, clock: FakeClock) -> None:
    runner.start()
    clock.advance(120)
    assert runner.status().step_elapsed == 120
    runner.pause()
    clock.advance(300)
    status = runner.status()
    assert runner.state == "paused"
    assert status.step_elapsed == 120
    assert status.step_remaining == 480
    runner.resume()
    clock.advance(30)
    assert runner.status().step_elapsed == 150


def test_toggle_starts_pauses_and_resumes(runner: AgendaRunner) -> None:
    runner.toggle()
    assert runner.state == "running"
    runner.toggle()
    assert runner.state == "paused"
    runner.toggle()
    assert runner.state == "running"


@pytest.mark.parametrize(("elapsed", "level"), [
    (0, "normal"), (479, "normal"),       # 20 min step: amber when 4:00 or less is left
    (960, "amber"), (1139, "amber"),      # red when 1:00 (5 %) or less is left
    (1140, "red"), (1200, "red"),         # exactly zero left is still red
    (1201, "overrun"),
])
def test_warning_thresholds(runner: AgendaRunner, clock: FakeClock, elapsed: float,
                            level: str) -> None:
    runner.jump(1)
    runner.start()
    clock.advance(elapsed)
    status = runner.status()
    assert status.warning == level
    assert status.overrun == max(0, elapsed - 1200)


def test_warning_level_edges() -> None:
    assert warning_level(100, 79.9) == "normal"
    assert warning_level(100, 80) == "amber"
    assert warning_level(100, 95) == "red"
    assert warning_level(100, 100.5) == "overrun"
    assert warning_level(0, 500) == "normal"  # an untimed step never warns


def test_overrun_by_how_much(runner: AgendaRunner, clock: FakeClock) -> None:
    runner.start()
    clock.advance(600 + 130)
    status = runner.status()
    assert status.warning == "overrun"
    assert status.overrun == 130
    assert status.step_remaining == 0


def test_add_minutes_extends_the_step_and_clears_the_warning(
        runner: AgendaRunner, clock: FakeClock) -> None:
    runner.start()
    clock.advance(590)
    assert runner.status().warning == "red"
    runner.add_minutes(5)
    status = runner.status()
    assert status.step_planned == 900
    assert status.step_added == 300
    assert status.warning == "normal"
    runner.add_minutes(1)
    assert runner.status().step_remaining == 900 + 60 - 590
    # The day now projects six minutes behind plan.
    assert runner.status().day_delta == pytest.approx(360)


def test_ahead_and_behind(runner: AgendaRunner, clock: FakeClock) -> None:
    runner.start()
    clock.advance(7 * 60)  # welcome took 7 of its 10 minutes
    runner.next()
    status = runner.status()
    assert status.day_delta == pytest.approx(-180)
    assert status.ahead and not status.behind
    clock.advance(26 * 60)  # discussion overruns its 20 minutes by 6
    status = runner.status()
    assert status.overrun == 360
    assert status.day_delta == pytest.approx(180)
    assert status.behind
    assert status.day_elapsed == 33 * 60


def test_pauses_make_the_day_late(runner: AgendaRunner, clock: FakeClock) -> None:
    runner.start()
    runner.pause()
    clock.advance(240)
    status = runner.status()
    assert status.step_elapsed == 0
    assert status.day_delta == pytest.approx(240)


def test_next_records_actual_times_and_finishes_the_day(
        runner: AgendaRunner, clock: FakeClock) -> None:
    runner.start()
    for minutes in (12, 18, 5, 30, 16):
        clock.advance(minutes * 60)
        runner.next()
    status = runner.status()
    assert runner.state == "finished"
    assert status.actual_minutes == (12, 18, 5, 30, 16)
    assert status.outcomes == ("done",) * 5
    assert status.day_delta == pytest.approx(60)  # 81 minutes against a plan of 80
    runner.next()  # nothing after the end
    assert runner.state == "finished"


def test_previous_returns_to_the_step_and_its_time_carries_on(
        runner: AgendaRunner, clock: FakeClock) -> None:
    runner.start()
    clock.advance(100)
    runner.next()
    clock.advance(5)
    runner.previous()
    assert runner.current_index == 0
    clock.advance(10)
    status = runner.status()
    assert status.step_elapsed == 110
    assert status.actual_seconds[1] == 5
    assert status.outcomes[:2] == ("current", "pending")


def test_skip_marks_the_step_and_moves_on(runner: AgendaRunner, clock: FakeClock) -> None:
    runner.start()
    clock.advance(60)
    runner.skip()
    status = runner.status()
    assert runner.current_index == 1
    assert runner.state == "running"
    assert status.outcomes[0] == "skipped"
    # Skipping nine unused minutes of welcome puts the day nine minutes ahead.
    assert status.day_delta == pytest.approx(-540)


def test_skip_before_the_start_moves_the_starting_step(runner: AgendaRunner) -> None:
    runner.skip()
    assert runner.state == "not_started"
    assert runner.current_index == 1
    runner.start()
    assert runner.status().outcomes[:2] == ("skipped", "current")


def test_jump_before_and_during_the_day(runner: AgendaRunner, clock: FakeClock) -> None:
    runner.jump(3)
    assert runner.current_index == 3 and runner.state == "not_started"
    runner.jump(0)
    runner.start()
    clock.advance(60)
    runner.jump(4)
    status = runner.status()
    assert runner.current_index == 4
    assert status.outcomes == ("done", "passed", "passed", "passed", "current")
    with pytest.raises(IndexError):
        runner.jump(9)


def test_auto_advance_on_tick_starts_next_step_at_the_zero_moment(
        runner: AgendaRunner, clock: FakeClock) -> None:
    runner.jump(2)
    runner.start()
    clock.advance(299)
    assert runner.tick() is False
    clock.advance(31)  # the tick comes 30 s after the film's five minutes ran out
    assert runner.tick() is True
    status = runner.status()
    assert runner.current_index == 3
    assert status.step_elapsed == 30
    assert status.actual_seconds[2] == 300


def test_manual_steps_do_not_auto_advance(runner: AgendaRunner, clock: FakeClock) -> None:
    runner.start()
    clock.advance(3600)
    assert runner.tick() is False
    assert runner.current_index == 0


def test_schedule_and_break_end(runner: AgendaRunner, clock: FakeClock) -> None:
    runner.start()
    clock.advance(60)
    status = runner.status()
    starts = {s.index: s.start - T0 for s in status.schedule}
    assert starts == {0: 0, 1: 600, 2: 1800, 3: 2100, 4: 3900}
    assert status.scheduled(3).end - T0 == 3900
    assert status.day_planned_end == T0 + 80 * 60


def test_listeners_hear_every_transition(runner: AgendaRunner, clock: FakeClock) -> None:
    heard: list[str] = []
    runner.add_listener(heard.append)
    runner.start()
    runner.pause()
    runner.resume()
    runner.add_minutes(1)
    runner.next()
    assert heard == ["started", "paused", "resumed", "added", "ended", "started"]


def test_every_transition_is_stored(runner: AgendaRunner, store: Store,
                                    clock: FakeClock) -> None:
    runner.start()
    clock.advance(10)
    runner.pause()
    runner.resume()
    runner.add_minutes(5)
    runner.next()
    rows = store.rows("step_events", order_by="seq")
    assert [(r["event"], r["step_id"]) for r in rows] == [
        ("started", "t-welcome"), ("paused", "t-welcome"), ("resumed", "t-welcome"),
        ("added", "t-welcome"), ("ended", "t-welcome"), ("started", "t-discuss")]
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[3]["seconds"] == 300
    assert {r["site"] for r in rows} == {"cardiff"}
    assert {r["workshop"] for r in rows} == {2}


def test_crash_while_running_resumes_with_time_kept_running(
        tmp_path: Path, pack: SessionPack, clock: FakeClock) -> None:
    path = tmp_path / "day.db"
    store = Store(path)
    runner = AgendaRunner(store, pack, "cardiff", 2, clock=clock)
    runner.start()
    clock.advance(300)
    runner.next()
    clock.advance(100)
    runner.add_minutes(1)
    clock.advance(20)
    store.close()  # the laptop crashes here, mid-step
    clock.advance(600)  # ten minutes later it is back
    reopened = Store(path)
    again = AgendaRunner(reopened, pack, "cardiff", 2, clock=clock)
    status = again.status()
    assert again.state == "running"
    assert again.current_index == 1
    assert status.step_elapsed == 720
    assert status.step_planned == 1260
    assert status.actual_seconds[0] == 300
    again.pause()
    assert [r["seq"] for r in reopened.rows("step_events", order_by="seq")][-1] == 5
    reopened.close()


def test_closed_while_paused_resumes_paused(store: Store, pack: SessionPack,
                                             clock: FakeClock) -> None:
    runner = AgendaRunner(store, pack, "cardiff", 2, clock=clock)
    runner.start()
    clock.advance(45)
    runner.skip()
    clock.advance(50)
    runner.pause()
    clock.advance(3600)
    again = AgendaRunner(store, pack, "cardiff", 2, clock=clock)
    status = again.status()
    assert (again.state, again.current_index, status.step_elapsed) == ("paused", 1, 50)
    assert status.outcomes[0] == "skipped"


def test_replay_ignores_deleted_events_and_other_days(store: Store, pack: SessionPack,
                                                      clock: FakeClock) -> None:
    runner = AgendaRunner(store, pack, "cardiff", 2, clock=clock)
    runner.start()
    clock.advance(30)
    runner.next()
    last = store.rows("step_events", order_by="seq DESC")
    store.mark_deleted("step_events", last[0]["id"])  # un-start step 2
    store.mark_deleted("step_events", last[1]["id"])  # un-end step 1
    again = AgendaRunner(store, pack, "cardiff", 2, clock=clock)
    assert (again.current_index, again.state) == (0, "running")
    assert AgendaRunner(store, pack, "durham", 2, clock=clock).state == "not_started"
    # New events continue the sequence past the deleted ones.
    again.pause()
    assert store.rows("step_events", order_by="seq DESC")[0]["seq"] == 4


def test_reset_starts_the_day_again(runner: AgendaRunner, store: Store) -> None:
    runner.start()
    runner.next()
    runner.reset()
    assert (runner.state, runner.current_index) == ("not_started", 0)
    assert store.count("step_events", "deleted = 0") == 0
    assert AgendaRunner(store, runner.pack, "cardiff", 2).state == "not_started"


def test_finished_day_survives_a_restart(runner: AgendaRunner, store: Store,
                                         pack: SessionPack, clock: FakeClock) -> None:
    runner.jump(4)
    runner.start()
    clock.advance(900)
    runner.next()
    clock.advance(500)
    again = AgendaRunner(store, pack, "cardiff", 2, clock=clock)
    status = again.status()
    assert again.state == "finished"
    assert status.day_elapsed == 900
    again.previous()
    assert again.state == "running" and again.current_index == 4
