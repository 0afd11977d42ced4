"""Run every benchmark in bench/ and print their BENCH lines."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SKIP = {"common", "run_all", "__main__"}


def main() -> int:
    import bench

    failed = 0
    for module in sorted(m.name for m in pkgutil.iter_modules(bench.__path__)):
        if module in SKIP:
            continue
        try:
            for out in importlib.import_module(f"bench.{module}").run():
                print(out, flush=True)
        except Exception:
            failed += 1
            print(f"BENCH-ERROR {module}", file=sys.stderr)
            traceback.print_exc()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
