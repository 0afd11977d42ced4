"""handoff_xlsx_10000, handoff_docx_10000, handoff_qdpx_10000: the analysts' hand-offs
of a database with that many quotes, against the bare library doing the same work.

app   = ``export/handoff.write_handoff`` / ``export/report.write_report``: gather from
        the store, the privacy gate over every printed string, lay out, write atomically.
floor = the bare library writing the same quotes in the same run: openpyxl a sheet of
        the same rows and columns; python-docx one styled paragraph and an attribution
        run per quote; ElementTree + zipfile one text source with a coded selection per
        quote. No store, no gate.

    python bench/handoffs.py
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import line, scaled  # noqa: E402

WORDS = ("police", "trust", "Caerdydd", "ŵyn", "999 calls", "data", "bias", "fair",
         "“quoted”", "officers", "rural", "estate", "machine", "human", "voice")


def _text(i: int) -> str:
    return " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(12 + i % 20))


def build(path: Path, quotes: int) -> list[tuple[str, str, str]]:
    """A database of ``quotes`` quotes over three sites; returns (text, where, theme)."""
    from facilitator.core.pack import load_pack
    from facilitator.core.paths import default_pack_dir
    from facilitator.core.store import Store

    pack = load_pack(default_pack_dir())
    themes = [t for t in pack.themes if t.group != "advice"]
    names = {"cardiff": "Cardiff", "durham": "Durham", "london": "London"}
    out = []
    with Store(path, device_id="bench-handoff") as store, store.transaction():
        for i in range(quotes):
            theme = themes[i % len(themes)]
            site = ("cardiff", "durham", "london")[i % 3]
            store.create("notes", {
                "site": site, "workshop": 2 + 2 * (i % 2), "kind": "quote",
                "text": _text(i), "use_case": theme.group, "themes": f'["{theme.id}"]',
                "table_name": f"Table {i % 4 + 1}",
                "noted_at": f"2026-05-{1 + i % 28:02d}T10:{i % 60:02d}:00Z"})
            out.append((_text(i), f"{names[site]}, Workshop {2 + 2 * (i % 2)}", theme.label))
    return out


def floor_xlsx(rows: list[tuple[str, str, str]], columns: int, target: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for i, (text, where, theme) in enumerate(rows):
        flags = [1 if k == i % (columns - 4) else None for k in range(columns - 4)]
        values = [str(i), where, text, theme, *flags]
        sheet.append(values)
    book.save(target)


def floor_docx(rows: list[tuple[str, str, str]], target: Path) -> None:
    from docx import Document

    document = Document()
    style = document.styles["Quote"].style_id
    for text, where, theme in rows:
        paragraph = document.add_paragraph()
        paragraph._p.style = style
        paragraph.add_run(f"“{text}”")
        paragraph.add_run(f" — {where} · {theme}")
    document.save(target)


def floor_qdpx(rows: list[tuple[str, str, str]], target: Path) -> None:
    ns = "urn:QDA-XML:project:1.0"
    root = ET.Element(f"{{{ns}}}Project", {"name": "bench"})
    sources = ET.SubElement(root, f"{{{ns}}}Sources")
    source = ET.SubElement(sources, f"{{{ns}}}TextSource", {
        "guid": "00000000-0000-0000-0000-000000000001",
        "plainTextPath": "internal://00000000-0000-0000-0000-000000000001.txt"})
    parts, length = [], 0
    for i, (text, where, _theme) in enumerate(rows):
        head = f"[{where}]\n"
        parts.append(head + text + "\n\n")
        start = length + len(head)
        length += len(parts[-1])
        selection = ET.SubElement(source, f"{{{ns}}}PlainTextSelection", {
            "guid": f"00000000-0000-0000-0000-{i:012d}", "startPosition": str(start),
            "endPosition": str(start + len(text))})
        coding = ET.SubElement(selection, f"{{{ns}}}Coding",
                               {"guid": f"00000000-0000-0001-0000-{i:012d}"})
        ET.SubElement(coding, f"{{{ns}}}CodeRef",
                      {"targetGUID": "00000000-0000-0002-0000-000000000001"})
    out = io.BytesIO()
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", out.getvalue())
        archive.writestr("sources/00000000-0000-0000-0000-000000000001.txt",
                         "".join(parts).encode("utf-8"))


def run() -> list[str]:
    from facilitator.core.pack import load_pack
    from facilitator.core.paths import default_pack_dir
    from facilitator.core.store import Store
    from facilitator.export.handoff import write_handoff

    quotes = scaled(10_000, 60)
    pack = load_pack(default_pack_dir())
    lines = []
    with tempfile.TemporaryDirectory(prefix="facilitator-bench-handoff-") as tmp:
        folder = Path(tmp)
        os.environ.setdefault("FACILITATOR_CONFIG_DIR", str(folder / "config"))
        rows = build(folder / "bench.db", quotes)
        columns = 15 + len({t.label.casefold() for t in pack.themes})
        floors = {".xlsx": lambda t: floor_xlsx(rows, columns, t),
                  ".docx": lambda t: floor_docx(rows, t),
                  ".qdpx": lambda t: floor_qdpx(rows, t)}
        with Store(folder / "bench.db") as store:
            for ext, floor in floors.items():
                started = time.perf_counter()
                write_handoff(store, pack, folder / f"app{ext}", accept_flagged=True)
                app = time.perf_counter() - started
                started = time.perf_counter()
                floor(folder / f"floor{ext}")
                bare = time.perf_counter() - started
                lines.append(line(f"handoff_{ext[1:]}_10000", app, bare, "s"))
    return lines


if __name__ == "__main__":
    for out in run():
        print(out)
