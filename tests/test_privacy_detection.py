"""Detection measured on the labelled lists (issue 15): at least 40 personal strings
and 40 ordinary quotes full of numbers; every personal one found with its kind, no
ordinary one flagged. The figures print with ``python bench/privacy_detection.py``."""

from __future__ import annotations

import sys
from pathlib import Path

from privacy_corpus import ORDINARY, PERSONAL

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def test_the_lists_are_big_enough() -> None:
    assert len(PERSONAL) >= 40 and len(ORDINARY) >= 40
    assert {kind for _t, kind in PERSONAL} == {"phone", "email", "postcode"}


def test_recall_and_false_positives() -> None:
    from bench.privacy_detection import measure

    figures = measure()
    assert figures["missed"] == []
    assert figures["false_positives"] == []


def test_the_bench_prints_the_figures(capsys) -> None:
    from bench.privacy_detection import run

    lines = run()
    assert lines[0].startswith("PRIVACY recall=") and "false_positives=" in lines[0]
    assert lines[-1].startswith("BENCH privacy_scan app=")
