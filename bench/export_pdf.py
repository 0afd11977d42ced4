"""export_1000, export_10000: a site export PDF with that many quotes.

app   = ``export_site``: gather the report, pass the privacy gate, build the document
        (themes, quotes under them, appendix, method, rankings), lay it out with its
        outline, contents and "page N of M", bundle the site's records, embed them,
        write the file atomically.
floor = bare reportlab doing the same layout work: the same quotes as Paragraphs with
        the same markup (escaped text, the attribution in a smaller grey run), the
        same font, style, margins and footer, the same bundle embedded as a file
        attachment, written to a file.
Same content, same run. The databases are built once and cached (bench/common.py).

    python bench/export_pdf.py            # export_1000, export_10000
    python bench/export_pdf.py --growth   # also 20k and 50k: time per quote, peak memory
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

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


def _attribution(i: int) -> str:
    return f"Cardiff, Workshop {2 + 2 * (i % 2)} (Table {i % 4 + 1})"


def _floor(texts: list[str], bundle: bytes, target: Path) -> tuple[float, float]:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from facilitator.export.pdf_report import FONT, safe, styles

    style = styles()["quote"]

    class Attaching(Canvas):  # the bare way to embed a file with reportlab
        def save(self) -> None:
            doc = self._doc
            stream = PDFStream(PDFDictionary({"Type": PDFName("EmbeddedFile")}), bundle,
                               filters=[])
            spec = PDFDictionary({"Type": PDFName("Filespec"), "F": PDFString("data.gz"),
                                  "EF": PDFDictionary({"F": doc.Reference(stream)})})
            doc.Catalog.Names = PDFDictionary({"EmbeddedFiles": PDFDictionary(
                {"Names": PDFArray([PDFString("data.gz"), doc.Reference(spec)])})})
            super().save()

    def footer(canvas, doc):  # type: ignore[no-untyped-def]
        canvas.setFont(FONT, 8)
        canvas.drawString(18 * mm, 10 * mm, "AI in policing — Site report: Cardiff")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"page {doc.page}")

    start, cpu = time.perf_counter(), time.process_time()
    story = [Paragraph(f"{safe(f'“{t}”')} <font color='#4A545F' size='8'>"
                       f"{safe('— ' + _attribution(i))}</font>", style)
             for i, t in enumerate(texts)]
    SimpleDocTemplate(str(target), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                      topMargin=16 * mm, bottomMargin=18 * mm).build(
        story, onFirstPage=footer, onLaterPages=footer, canvasmaker=Attaching)
    return time.perf_counter() - start, time.process_time() - cpu


def _bundle(db: Path) -> bytes:
    from facilitator.core.bundle import build_bundle
    from facilitator.core.store import Store

    with Store(db, device_id="bench-export") as store:
        return build_bundle(store, sites=("cardiff",))


def _app(db: Path, target: Path) -> tuple[float, float]:
    from facilitator.core.pack import load_pack
    from facilitator.core.paths import default_pack_dir
    from facilitator.core.store import Store
    from facilitator.export.site_export import export_site

    pack = load_pack(default_pack_dir())
    with Store(db, device_id="bench-export") as store:
        start, cpu = time.perf_counter(), time.process_time()
        export_site(store, pack, "cardiff", target, accept_flagged=True)
        return time.perf_counter() - start, time.process_time() - cpu


def _measure(quotes: int, runs: int = 2) -> tuple[tuple[float, float], tuple[float, float],
                                                   int]:
    """((app wall, cpu), (floor wall, cpu), app's PDF bytes) for one size.

    App and floor alternate and each keeps its best run: the machine is shared, and
    the least disturbed run is the fairest comparison; CPU seconds are printed too."""
    db = fixture(quotes)
    texts = [_quote(i) for i in range(quotes)]
    bundle = _bundle(db)
    apps, floors = [], []
    with tempfile.TemporaryDirectory(prefix="facilitator-bench-export-") as tmp:
        for _ in range(runs):
            floors.append(_floor(texts, bundle, Path(tmp) / "floor.pdf"))
            apps.append(_app(db, Path(tmp) / "app.pdf"))
        size = (Path(tmp) / "app.pdf").stat().st_size
    return min(apps), min(floors), size


def _lines(name: str, app: tuple[float, float], floor: tuple[float, float]) -> list[str]:
    return [line(name, app[0], floor[0], "s"),
            f"CPU {name} app={app[1]:.6g} floor={floor[1]:.6g} ratio={app[1] / floor[1]:.3f}"]


def _peak(quotes: int, which: str) -> int:
    """Peak resident memory (KB) of a fresh process doing one export of that size."""
    import subprocess

    out = subprocess.run([sys.executable, __file__, "--peak", which, str(quotes)],
                         capture_output=True, text=True, check=True, env={**os.environ})
    return int(out.stdout.strip().splitlines()[-1])


def _peak_child(which: str, quotes: int) -> int:
    import resource

    db = fixture(quotes)
    target = Path(tempfile.mkdtemp(prefix="facilitator-bench-export-")) / "x.pdf"
    if which == "app":
        _app(db, target)
    else:
        _floor([_quote(i) for i in range(quotes)], _bundle(db), target)
    target.unlink()
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def growth() -> list[str]:
    """Time per quote and peak memory at 10k, 20k and 50k quotes (not part of run_all)."""
    out = []
    for quotes in (10_000, 20_000, 50_000):
        app, floor, size = _measure(quotes, runs=1)
        out += _lines(f"export_{quotes}", app, floor)
        out.append(f"GROWTH export_{quotes} app_cpu_ms_per_quote={1000 * app[1] / quotes:.3f} "
                   f"floor_cpu_ms_per_quote={1000 * floor[1] / quotes:.3f} "
                   f"pdf_kb={size // 1024} "
                   f"app_peak_rss_kb={_peak(quotes, 'app')} "
                   f"floor_peak_rss_kb={_peak(quotes, 'floor')}")
    return out


def run() -> list[str]:
    os.environ.setdefault("FACILITATOR_CONFIG_DIR",
                          tempfile.mkdtemp(prefix="facilitator-bench-config-"))
    out = []
    for name, full, small in (("export_1000", 1000, 50), ("export_10000", 10000, 200)):
        app, floor, _size = _measure(scaled(full, small), runs=scaled(2, 1))
        out += _lines(name, app, floor)
    return out


if __name__ == "__main__":
    os.environ.setdefault("FACILITATOR_CONFIG_DIR",
                          tempfile.mkdtemp(prefix="facilitator-bench-config-"))
    if "--peak" in sys.argv:
        print(_peak_child(sys.argv[2], int(sys.argv[3])))
    else:
        for text in (growth() if "--growth" in sys.argv else run()):
            print(text)
