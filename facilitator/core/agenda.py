"""The agenda runner: a state machine over one workshop day's steps.

Every transition is written to ``step_events`` as it happens, and the runner is
rebuilt from those events when it is constructed, so a crash or a restart returns
to the same step with the same elapsed time. A crash while running means time kept
running: the restored step counts on up to the clock's "now".

Time comes from an injectable clock (seconds since the epoch) so tests never sleep.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from facilitator.core.pack import AgendaStep, SessionPack, Workshop
from facilitator.core.records import Record
from facilitator.core.store import Store

Clock = Callable[[], float]
RunnerState = Literal["not_started", "running", "paused", "finished"]
WarningLevel = Literal["normal", "amber", "red", "overrun"]
StepOutcome = Literal["pending", "current", "done", "skipped", "passed"]

# SessionLab's thresholds: amber with 20 % of the step's time left, red at 5 %.
AMBER_FRACTION = 0.20
RED_FRACTION = 0.05

EVENTS = ("selected", "started", "paused", "resumed", "ended", "skipped", "added",
          "finished")
TABLE = "step_events"


def iso_from_epoch(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def epoch_from_iso(text: str) -> float:
    stamp = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return stamp.timestamp()


def warning_level(planned: float, elapsed: float) -> WarningLevel:
    """Warning for a step allowed ``planned`` seconds that has run ``elapsed``.

    An untimed step (planned 0) never warns.
    """
    if planned <= 0:
        return "normal"
    remaining = planned - elapsed
    if remaining < 0:
        return "overrun"
    if remaining <= planned * RED_FRACTION:
        return "red"
    if remaining <= planned * AMBER_FRACTION:
        return "amber"
    return "normal"


@dataclass(frozen=True)
class ScheduledStep:
    """Where a step of the rest of the day falls, projected from now (epoch seconds)."""

    index: int
    start: float
    end: float


@dataclass(frozen=True)
class RunnerStatus:
    """An immutable snapshot of the day, taken at ``now``. Durations in seconds.

    ``day_delta`` is positive when the day is behind plan, negative when ahead.
    """

    now: float
    state: RunnerState
    index: int
    step: AgendaStep | None
    next_step: AgendaStep | None
    step_planned: float
    step_added: float
    step_elapsed: float
    step_remaining: float
    warning: WarningLevel
    overrun: float
    day_planned: float
    day_elapsed: float
    day_delta: float
    day_started_at: float | None
    day_planned_end: float | None
    day_projected_end: float
    actual_seconds: tuple[float | None, ...]
    outcomes: tuple[StepOutcome, ...]
    schedule: tuple[ScheduledStep, ...]

    @property
    def actual_minutes(self) -> tuple[float | None, ...]:
        return tuple(None if s is None else s / 60 for s in self.actual_seconds)

    @property
    def behind(self) -> bool:
        return self.day_delta > 0

    @property
    def ahead(self) -> bool:
        return self.day_delta < 0

    def scheduled(self, index: int) -> ScheduledStep | None:
        for item in self.schedule:
            if item.index == index:
                return item
        return None


Listener = Callable[[str], None]


class AgendaRunner:
    """Runs one workshop's agenda at one site, persisting every transition."""

    def __init__(self, store: Store, pack: SessionPack, site_id: str, workshop_number: int,
                 clock: Clock = time.time, *, device_id: str | None = None) -> None:
        """``device_id`` replays another laptop's run of the day, to report it; a
        runner of another laptop must not record (docs/record-laws.md)."""
        self.store = store
        self.device_id = device_id or store.device_id
        self.pack = pack
        self.site_id = site_id
        self.workshop: Workshop = pack.workshop(workshop_number)
        self.clock = clock
        self._steps: tuple[AgendaStep, ...] = self.workshop.steps
        self._by_id = {step.id: i for i, step in enumerate(self._steps)}
        self._listeners: list[Listener] = []
        self._reset_memory()
        self._seq = 0
        self._replay()

    # -- state kept in memory (rebuilt from events) ------------------------------------

    def _reset_memory(self) -> None:
        self._state: RunnerState = "not_started"
        self._index = 0
        self._run_start: float | None = None  # when the current run of the step began
        self._elapsed: dict[int, float] = {}  # finished runs of each step
        self._added: dict[int, float] = {}
        self._skipped: set[int] = set()
        self._done: set[int] = set()
        self._day_start: float | None = None
        self._finished_at: float | None = None

    def _replay(self) -> None:
        # Each laptop replays only its own run of the day (docs/record-laws.md): a
        # table laptop's merged events never move the console's agenda.
        rows = self.events()
        all_seq = self.store.conn.execute(
            f"SELECT MAX(seq) FROM {TABLE} WHERE origin_device = ? AND site = ? "
            "AND workshop = ?",
            [self.device_id, self.site_id, self.workshop.number]).fetchone()[0]
        self._seq = int(all_seq or 0)
        for row in rows:
            index = self._by_id.get(str(row["step_id"]))
            if index is None:
                continue  # the pack lost this step since; nothing to restore for it
            self._apply(str(row["event"]), index, epoch_from_iso(str(row["at"])),
                        float(row["seconds"] or 0))

    def _apply(self, event: str, index: int, at: float, seconds: float) -> None:
        """The one transition function, shared by live use and by replay."""
        if event == "selected":
            self._index = index
        elif event == "started":
            self._index = index
            self._state = "running"
            self._run_start = at
            self._skipped.discard(index)
            self._done.discard(index)
            self._finished_at = None
            if self._day_start is None:
                self._day_start = at
        elif event == "paused":
            self._close_run(at)
            self._state = "paused"
        elif event == "resumed":
            self._state = "running"
            self._run_start = at
        elif event == "ended":
            self._close_run(at)
            self._done.add(index)
        elif event == "skipped":
            self._close_run(at)
            self._skipped.add(index)
            self._done.discard(index)
            if self._state == "not_started":
                self._index = min(index + 1, len(self._steps) - 1)
        elif event == "added":
            self._added[index] = self._added.get(index, 0.0) + seconds
        elif event == "finished":
            self._close_run(at)
            self._state = "finished"
            self._finished_at = at

    def _close_run(self, at: float) -> None:
        if self._run_start is not None:
            self._elapsed[self._index] = (self._elapsed.get(self._index, 0.0)
                                          + max(0.0, at - self._run_start))
            self._run_start = None

    def _record(self, events: list[tuple[str, int, float]], at: float | None = None) -> None:
        """Write events (name, step index, seconds) in one transaction, then apply them."""
        if self.device_id != self.store.device_id:
            raise RuntimeError("a replay of another laptop's day cannot record events")
        when = self.clock() if at is None else at
        stamp = iso_from_epoch(when)
        with self.store.transaction():
            for event, index, seconds in events:
                self._seq += 1
                self.store.create(TABLE, {
                    "site": self.site_id,
                    "workshop": self.workshop.number,
                    "step_id": self._steps[index].id,
                    "event": event,
                    "at": stamp,
                    "seconds": seconds,
                    "seq": self._seq,
                })
        for event, index, seconds in events:
            self._apply(event, index, when, seconds)
        for event, _index, _seconds in events:
            self._notify(event)

    # -- listeners ---------------------------------------------------------------------

    def add_listener(self, callback: Listener) -> None:
        """``callback(event_name)`` after every transition."""
        self._listeners.append(callback)

    def remove_listener(self, callback: Listener) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    def _notify(self, event: str) -> None:
        for callback in list(self._listeners):
            callback(event)

    # -- read-only properties --------------------------------------------------------

    @property
    def steps(self) -> tuple[AgendaStep, ...]:
        return self._steps

    @property
    def current_index(self) -> int:
        return self._index

    @property
    def current_step(self) -> AgendaStep | None:
        return self._steps[self._index] if self._steps else None

    @property
    def next_step(self) -> AgendaStep | None:
        if self._state == "finished" or self._index + 1 >= len(self._steps):
            return None
        return self._steps[self._index + 1]

    @property
    def state(self) -> RunnerState:
        return self._state

    def step_elapsed(self, index: int | None = None, now: float | None = None) -> float:
        index = self._index if index is None else index
        total = self._elapsed.get(index, 0.0)
        if index == self._index and self._run_start is not None:
            now = self.clock() if now is None else now
            total += max(0.0, now - self._run_start)
        return total

    def step_planned(self, index: int | None = None) -> float:
        """The step's allowance in seconds: its minutes plus any time added."""
        index = self._index if index is None else index
        return self._steps[index].minutes * 60 + self._added.get(index, 0.0)

    # -- transitions -----------------------------------------------------------------

    def start(self) -> None:
        if not self._steps:
            return
        if self._state == "not_started":
            self._record([("started", self._index, 0.0)])
        elif self._state == "paused":
            self.resume()

    def pause(self) -> None:
        if self._state == "running":
            now = self.clock()
            self._record([("paused", self._index, self.step_elapsed(now=now))], at=now)

    def resume(self) -> None:
        if self._state == "paused":
            self._record([("resumed", self._index, self.step_elapsed())])

    def toggle(self) -> None:
        """Space: start, pause or resume."""
        if self._state == "running":
            self.pause()
        elif self._state in ("not_started", "paused"):
            self.start()

    def next(self) -> None:
        """End this step and start the next; after the last step the day is finished."""
        if not self._steps or self._state == "finished":
            return
        if self._state == "not_started":
            if self._index + 1 < len(self._steps):
                self._record([("selected", self._index + 1, 0.0)])
            return
        self._leave_to(self._index + 1, "ended")

    def previous(self) -> None:
        """Back to the step before (its time carries on from where it stopped)."""
        if not self._steps:
            return
        if self._state == "not_started":
            if self._index > 0:
                self._record([("selected", self._index - 1, 0.0)])
            return
        if self._state == "finished":
            self._record([("started", self._index, self.step_elapsed(self._index))])
            return
        if self._index > 0:
            self._leave_to(self._index - 1, "ended")

    def jump(self, index: int) -> None:
        if not 0 <= index < len(self._steps):
            raise IndexError(f"no step {index} (the day has {len(self._steps)})")
        if self._state == "not_started":
            if index != self._index:
                self._record([("selected", index, 0.0)])
            return
        if self._state == "finished":
            self._record([("started", index, self.step_elapsed(index))])
            return
        if index != self._index:
            self._leave_to(index, "ended")

    def skip(self) -> None:
        """Mark this step skipped and move on (before the day starts, just move on)."""
        if not self._steps or self._state == "finished":
            return
        if self._state == "not_started":
            self._record([("skipped", self._index, 0.0)])
            return
        self._leave_to(self._index + 1, "skipped")

    def add_minutes(self, minutes: float) -> None:
        """Give the current step more time (+1, +5)."""
        if not self._steps or self._state == "finished" or minutes == 0:
            return
        self._record([("added", self._index, float(minutes) * 60)])

    def _leave_to(self, target: int, how: str, at: float | None = None) -> None:
        now = self.clock() if at is None else at
        current = self._index
        spent = self.step_elapsed(current, now)
        if target >= len(self._steps):
            self._record([(how, current, spent), ("finished", current, 0.0)], at=now)
        else:
            self._record([(how, current, spent),
                          ("started", target, self.step_elapsed(target, now))], at=now)

    def tick(self) -> bool:
        """Called often by the UI: auto-advance steps whose time ran out. Cheap.

        The next step starts at the moment the previous one reached zero, not when
        the tick noticed, so a late tick (or a restart) loses no time.
        """
        moved = False
        guard = len(self._steps) + 1
        while self._state == "running" and guard > 0:
            guard -= 1
            step = self._steps[self._index]
            if not step.auto_advance:
                break
            planned = self.step_planned()
            if planned <= 0 or self._run_start is None:
                break
            now = self.clock()
            remaining = planned - self.step_elapsed(now=now)
            if remaining > 0:
                break
            zero_at = now + remaining
            self._leave_to(self._index + 1, "ended", at=zero_at)
            moved = True
        return moved

    # -- the snapshot ------------------------------------------------------------------

    def status(self) -> RunnerStatus:
        now = self.clock()
        n = len(self._steps)
        index = self._index
        step = self.current_step
        running_or_paused = self._state in ("running", "paused")
        planned = self.step_planned() if step else 0.0
        elapsed = self.step_elapsed(now=now) if step else 0.0
        if self._state == "finished":
            warning: WarningLevel = "normal"
            overrun = 0.0
        else:
            warning = warning_level(planned, elapsed) if running_or_paused else "normal"
            overrun = max(0.0, elapsed - planned) if planned > 0 else 0.0
        remaining = max(0.0, planned - elapsed)

        day_planned = sum(s.minutes for s in self._steps) * 60
        # Projected: finish this step (at least its allowance), then the rest as planned.
        schedule: list[ScheduledStep] = []
        if self._state == "finished":
            projected_end = self._finished_at if self._finished_at is not None else now
        else:
            cursor = now
            if step is not None:
                current_start = now - elapsed
                current_end = now + remaining
                schedule.append(ScheduledStep(index, current_start, current_end))
                cursor = current_end
            for i in range(index + 1, n):
                end = cursor + self._steps[i].minutes * 60
                schedule.append(ScheduledStep(i, cursor, end))
                cursor = end
            projected_end = cursor
        if self._day_start is None:
            day_elapsed = 0.0
            planned_end = None
            delta = sum(self._added.values())
        else:
            stop = self._finished_at if self._state == "finished" else now
            day_elapsed = max(0.0, (stop or now) - self._day_start)
            planned_end = self._day_start + day_planned
            delta = projected_end - planned_end

        actual: list[float | None] = []
        outcomes: list[StepOutcome] = []
        for i in range(n):
            seconds = self.step_elapsed(i, now)
            ran = i in self._elapsed or (i == index and self._run_start is not None)
            actual.append(seconds if ran else None)
            finished = self._state == "finished"
            if i == index and not finished:
                outcomes.append("current")
            elif i > index and not finished:
                outcomes.append("pending")
            elif i in self._skipped:
                outcomes.append("skipped")
            elif i in self._done:
                outcomes.append("done")
            else:
                outcomes.append("passed")

        return RunnerStatus(
            now=now, state=self._state, index=index, step=step,
            next_step=self.next_step,
            step_planned=planned, step_added=self._added.get(index, 0.0),
            step_elapsed=elapsed, step_remaining=remaining,
            warning=warning, overrun=overrun,
            day_planned=day_planned, day_elapsed=day_elapsed, day_delta=delta,
            day_started_at=self._day_start, day_planned_end=planned_end,
            day_projected_end=projected_end,
            actual_seconds=tuple(actual), outcomes=tuple(outcomes),
            schedule=tuple(schedule),
        )

    # -- housekeeping ------------------------------------------------------------------

    def events(self) -> list[Record]:
        """This laptop's transitions of the day, oldest first (deleted ones left out)."""
        return self.store.rows(
            TABLE, "origin_device = ? AND site = ? AND workshop = ? AND deleted = 0",
            [self.device_id, self.site_id, self.workshop.number], order_by="seq")

    def reset(self) -> None:
        """Start the day again (rehearsal): earlier events are flagged deleted, not dropped."""
        with self.store.transaction():
            for row in self.events():
                self.store.mark_deleted(TABLE, str(row["id"]))
        self._reset_memory()
        self._notify("reset")
