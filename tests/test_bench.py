"""The benchmark runner works and prints DESIGN §8's line format (timings are not judged)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^BENCH (\w+) app=(\S+) floor=(\S+) ratio=(\S+) unit=(\w+)$")
# DESIGN §8: gui_stall's floor is 0 and its ratio is left out.
STALL = re.compile(r"^BENCH gui_stall app=(\S+) floor=0 unit=s$")


def test_python_m_bench_prints_one_line_per_figure(tmp_path):
    # Small sizes: this checks that every benchmark runs and prints, not how fast.
    env = {**os.environ, "FACILITATOR_BENCH_QUICK": "1",
           "FACILITATOR_BENCH_CACHE": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "bench/run_all.py"], capture_output=True,
                            text=True, cwd=REPO, timeout=300, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH")]
    names = set()
    for line in lines:
        stall = STALL.match(line)
        if stall:
            assert float(stall.group(1)) >= 0
            names.add("gui_stall")
            continue
        match = LINE.match(line)
        assert match, line
        name, app, floor, ratio, _unit = match.groups()
        assert float(app) > 0 and float(floor) > 0
        assert abs(float(ratio) - float(app) / float(floor)) < 0.01 * float(ratio) + 0.002
        names.add(name)
    assert {"cold_start", "play_latency", "note_save_p50", "note_save_p99", "results_1m",
            "merge_3x100k", "export_1000", "export_10000", "gui_stall",
            "phone_ballots_60"} <= names
