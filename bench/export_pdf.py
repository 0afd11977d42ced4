"""export_1000, export_10000: a site export PDF with that many quotes.

app   = ``export_site``: gather the report, lay it out, bundle the site's records,
        embed them, write the file atomically.
floor = bare reportlab: the same quotes as escaped Paragraphs in the same font,
        one SimpleDocTemplate, written to a file.
Same content, same run. The databases are built once and cached (bench/common.py).

    python bench/export_pdf.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import cache_dir, line, scaled  # noqa: E402

FIXTURE_VERSION = 1
WORDS = ("police", "trust", "Caerdydd", "ŵyn", "999 calls", "data", "bias", "fair",
         "“quoted”", "officers", "rural", "estate", "machine", "human", "voice")


def _quote(i: int) -> str:
    return " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(12 + i % 20))


def fixture(quotes: int) -> Path:
    from facilitator.core.migrations import SCHEMA_VERSION
    from facilitator.core.store import Store

    path = cache_dir() / f"export-{quotes}-s{SCHEMA_VERSION}-v{FIXTURE_VERSION}.db"
    if path.exists():
        return path
    building = path.with_suffix(".building")
    for stale in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        stale.unlink(missing_ok=True)
    store = Store(building, device_id="bench-export")
    store.set_setting("site", "cardiff")
    stamp = "2026-05-10T10:00:00.000000Z"
    envelope = {"origin_site": "cardiff", "origin_device": "bench-export",
                "device_id": "bench-export", "created_at": stamp, "updated_at": stamp,
                "revision": 1, "deleted": 0, "rehearsal": 0}
    cases = ("summarising_basic", "summarising_sensitive", "call_101", "call_999_transfer",
             "hotspots", "reoffending")
    rows = [{**envelope, "id": f"q{i:06d}", "site": "cardiff", "workshop": 2 + 2 * (i % 2),
             "kind": "quote", "text": _quote(i), "use_case": cases[i % 6], "themes": "[]",
             "noted_at": stamp, "table_name": f"Table {i % 4 + 1}"}
            for i in range(quotes)]
    with store.db.atomic():  # fixture only; the export is what is measured
        store.db["notes"].insert_all(rows, batch_size=5000)
    store.close()
    building.replace(path)
    return path


def _floor(texts: list[str], target: Path) -> float:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from facilitator.export.pdf_report import styles

    style = styles()["quote"]
    start = time.perf_counter()
    story = [Paragraph(escape(t), style) for t in texts]
    SimpleDocTemplate(str(target), pagesize=A4).build(story)
    return time.perf_counter() - start


def _app(db: Path, target: Path) -> float:
    from facilitator.core.pack import load_pack
    from facilitator.core.paths import default_pack_dir
    from facilitator.core.store import Store
    from facilitator.export.site_export import export_site

    pack = load_pack(default_pack_dir())
    with Store(db, device_id="bench-export") as store:
        start = time.perf_counter()
        export_site(store, pack, "cardiff", target, accept_flagged=True)
        return time.perf_counter() - start


def run() -> list[str]:
    os.environ.setdefault("FACILITATOR_CONFIG_DIR",
                          tempfile.mkdtemp(prefix="facilitator-bench-config-"))
    out = []
    for name, full, small in (("export_1000", 1000, 50), ("export_10000", 10000, 200)):
        quotes = scaled(full, small)
        db = fixture(quotes)
        texts = [_quote(i) for i in range(quotes)]
        with tempfile.TemporaryDirectory(prefix="facilitator-bench-export-") as tmp:
            floor = _floor(texts, Path(tmp) / "floor.pdf")
            app = _app(db, Path(tmp) / "app.pdf")
        out.append(line(name, app, floor, "s"))
    return out


if __name__ == "__main__":
    for text in run():
        print(text)
