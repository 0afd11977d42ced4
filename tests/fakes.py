"""Test doubles for things the real app takes from the outside world (only the clock)."""

from __future__ import annotations

T0 = 1_750_000_000.0  # a fixed moment; the fake clock starts here


class FakeClock:
    """An injectable clock: tests advance time instead of sleeping."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
