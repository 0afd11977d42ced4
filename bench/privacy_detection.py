"""The privacy gate's detection: recall and false positives on the labelled lists in
``tests/privacy_corpus.py``, and its speed against a bare regular-expression scan.

Prints ``PRIVACY recall=… false_positives=…`` (the quality figures, issue 15), every
miss and every false alarm by name, then ``BENCH privacy_scan …``: the gate's
``find_personal_data`` over the corpus against a bare scan of the same strings with
three plain regular expressions (an e-mail, a run of 10–11 digits, a postcode) — the
floor, which finds less.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO, quick


def corpus() -> tuple[list[tuple[str, str]], list[str]]:
    spec = importlib.util.spec_from_file_location(
        "privacy_corpus", REPO / "tests" / "privacy_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.PERSONAL), list(module.ORDINARY)


def measure() -> dict[str, object]:
    """Recall (personal strings where the right kind was found) and false positives
    (ordinary strings where anything was found)."""
    from facilitator.core.privacy import find_personal_data

    personal, ordinary = corpus()
    missed = [(text, kind) for text, kind in personal
              if kind not in {f.kind for f in find_personal_data(text)}]
    alarms = [(text, [(f.kind, f.matched) for f in find_personal_data(text)])
              for text in ordinary]
    alarms = [(text, found) for text, found in alarms if found]
    return {"personal": len(personal), "ordinary": len(ordinary),
            "found": len(personal) - len(missed), "missed": missed,
            "false_positives": alarms}


_BARE = [re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), re.compile(r"\d{10,11}"),
         re.compile(r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", re.I)]


def run() -> list[str]:
    from facilitator.core.privacy import find_personal_data

    figures = measure()
    lines = [f"PRIVACY recall={figures['found']}/{figures['personal']} "
             f"({figures['found'] / figures['personal']:.3f}) "  # type: ignore[operator]
             f"false_positives={len(figures['false_positives'])}/"  # type: ignore[arg-type]
             f"{figures['ordinary']}"]
    lines += [f"PRIVACY missed {kind}: {text!r}" for text, kind in figures["missed"]]  # type: ignore[attr-defined]
    lines += [f"PRIVACY false alarm: {text!r} {found}"
              for text, found in figures["false_positives"]]  # type: ignore[attr-defined]
    personal, ordinary = corpus()
    texts = [t for t, _k in personal] + ordinary
    rounds = 20 if quick() else 400
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            find_personal_data(text)
    app = (time.perf_counter() - start) / (rounds * len(texts)) * 1e6
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            for pattern in _BARE:
                pattern.findall(text)
    floor = (time.perf_counter() - start) / (rounds * len(texts)) * 1e6
    lines.append(f"BENCH privacy_scan app={app:.2f} floor={floor:.2f} "
                 f"ratio={app / floor:.2f} unit=us")
    return lines


if __name__ == "__main__":
    for line in run():
        print(line)
