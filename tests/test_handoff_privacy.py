"""Privacy law for every hand-off, as a property: whatever the mix of participants who
agreed, refused quotes, withdrew or were erased, the words of a refused quote, of a
withdrawn and of an erased participant appear in no file; every consented quote
appears in every file that carries quotes."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from facilitator.core import participants
from facilitator.core.notes import Attribution, save_note
from facilitator.core.notes_csv import export_notes
from facilitator.core.pack import load_pack
from facilitator.core.paths import default_pack_dir
from facilitator.core.store import Store
from facilitator.export.handoff import write_handoff

PACK = load_pack(default_pack_dir())
STATES = ("agreed", "refused", "withdrawn", "erased")


def file_texts(folder: Path, store: Store) -> dict[str, str]:
    """Every format written from ``store``, as the text a person could read out of it."""
    out: dict[str, str] = {}
    for suffix in (".qdpx", ".xlsx", ".docx"):
        write_handoff(store, PACK, folder / f"h{suffix}", accept_flagged=True)
    with zipfile.ZipFile(folder / "h.qdpx") as archive:
        out["qdpx"] = "".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    book = load_workbook(folder / "h.xlsx")
    out["xlsx"] = "\n".join(str(c) for sheet in book for row in sheet.iter_rows(
        values_only=True) for c in row if c is not None)
    document = Document(str(folder / "h.docx"))
    out["docx"] = "\n".join(p.text for p in document.paragraphs)
    export_notes(store, PACK, folder / "notes.csv")
    out["csv"] = "\n".join(",".join(r) for r in csv.reader(io.StringIO(
        (folder / "notes.csv").read_text("utf-8-sig"), newline="")))
    return out


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(st.tuples(st.sampled_from(STATES),
                                 st.sampled_from(("note", "quote", "advice"))),
                       min_size=1, max_size=6))
def test_no_file_holds_words_that_must_not_leave(tmp_path_factory, people):
    folder = tmp_path_factory.mktemp("law")
    expected: list[tuple[str, str, str]] = []
    with Store(folder / "p.db", device_id="laptop") as store:
        for i, (state, kind) in enumerate(people):
            person = store.create("participants", {
                "site": "london", "code": f"LDN-{i:02d}",
                "quote_consent": 0 if state == "refused" else 1})
            word = f"token{i}x{state}y{kind}"
            use_case = None if kind == "advice" else "hotspots"
            save_note(store, Attribution("london", 2, None, "Table 2", None, use_case), kind,
                      f"Words {word} said", [], person["id"],
                      noted_at=f"2026-05-0{1 + i % 9}T10:00:00Z")
            if state == "withdrawn":
                participants.withdraw(store, person["id"])
            elif state == "erased":
                participants.erase(store, person["id"])
            expected.append((state, kind, word))
        texts = file_texts(folder, store)
    for state, kind, word in expected:
        for name, text in texts.items():
            if state in ("withdrawn", "erased") or (state == "refused" and kind == "quote"):
                assert word not in text, (name, state, kind)
            elif kind == "quote":
                assert word in text, (name, state, kind)
