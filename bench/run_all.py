"""Run every benchmark in bench/ and print their BENCH lines.

Each benchmark runs in a fresh Python process of its own, so no figure carries what an
earlier one left in memory (a heap of an export's objects makes the garbage collector's
full passes, and so another benchmark's stalls, longer than any user's would be).
"""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
import traceback
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REPO = Path(__file__).resolve().parent.parent
SKIP = {"common", "run_all", "__main__"}


def run_one(module: str) -> int:
    """Print one benchmark's lines (in this process)."""
    import importlib

    try:
        for out in importlib.import_module(f"bench.{module}").run():
            print(out, flush=True)
    except Exception:
        print(f"BENCH-ERROR {module}", file=sys.stderr)
        traceback.print_exc()
        return 1
    return 0


def main() -> int:
    import bench

    failed = 0
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH"))
                                         if p)}
    for module in sorted(m.name for m in pkgutil.iter_modules(bench.__path__)):
        if module in SKIP:
            continue
        code = subprocess.run(
            [sys.executable, "-c", "import sys; from bench.run_all import run_one; "
                                   f"sys.exit(run_one({module!r}))"],
            cwd=REPO, env=env, check=False).returncode
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
