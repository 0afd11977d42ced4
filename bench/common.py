"""Shared helpers for the benchmark scripts."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def headless_env() -> dict[str, str]:
    """Environment for headless Qt/VLC runs (offscreen, private runtime dir)."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    runtime = env.get("XDG_RUNTIME_DIR")
    if not runtime or not os.path.isdir(runtime):
        runtime = tempfile.mkdtemp(prefix="facilitator-bench-")
        os.chmod(runtime, 0o700)
        env["XDG_RUNTIME_DIR"] = runtime
    return env


def apply_headless_env() -> None:
    os.environ.update(headless_env())


QUICK_ENV = "FACILITATOR_BENCH_QUICK"


def quick() -> bool:
    """The test suite runs every benchmark small, to check it works, not to time it."""
    return os.environ.get(QUICK_ENV) == "1"


def scaled(full: int, small: int) -> int:
    return small if quick() else full


def cache_dir() -> Path:
    """Where benchmarks keep fixtures they build once (large databases)."""
    path = Path(os.environ.get("FACILITATOR_BENCH_CACHE")
                or Path(tempfile.gettempdir()) / "facilitator-bench-cache")
    path.mkdir(parents=True, exist_ok=True)
    return path


def line(name: str, app: float, floor: float, unit: str) -> str:
    ratio = app / floor if floor else float("nan")
    return f"BENCH {name} app={app:.6g} floor={floor:.6g} ratio={ratio:.3f} unit={unit}"


def median(values: list[float]) -> float:
    return statistics.median(values)
