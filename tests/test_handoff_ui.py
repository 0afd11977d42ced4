"""File → Export → Word, Excel and QDA files as a lead meets them: the privacy review
first, then the file written in the background, readable by its own reader."""

from __future__ import annotations

import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from facilitator.core import privacy
from facilitator.core.paths import resolve
from facilitator.core.store import Store
from facilitator.ui.main_window import MainWindow

QUOTE = "Text me on 07700 900123 — I rang 999 twice"


@pytest.fixture
def window(qtbot, tmp_path, default_pack):
    store = Store(tmp_path / "venue.db", device_id="console")
    store.set_setting("site", "cardiff")
    store.set_setting("workshop", "2")
    store.create("participants", {"site": "cardiff", "code": "CDF-07"})
    store.create("notes", {"site": "cardiff", "workshop": 2, "kind": "quote", "text": QUOTE,
                           "use_case": "call_101", "noted_at": "2026-05-01T10:00:00Z"})
    win = MainWindow(store, default_pack, resolve(str(store.path), str(default_pack.path)))
    qtbot.addWidget(win)
    yield win
    win.tasks.setParent(None)
    store.close()


def confirm_all(window, seen):
    def review(hits):
        seen.extend(hits)
        for hit in hits:
            privacy.confirm(window.store, hit)
        return True
    return review


@pytest.mark.parametrize("action, suffix", [("export_workbook_action", ".xlsx"),
                                            ("export_qda_action", ".qdpx"),
                                            ("export_word_action", ".docx")])
def test_each_handoff_asks_about_each_hit_then_writes(window, qtbot, tmp_path, action,
                                                      suffix):
    out = tmp_path / f"handoff{suffix}"
    asked = []
    seen: list = []
    controller = window.files.exports
    controller.ask_path = lambda title, suggested: asked.append(suggested) or str(out)
    controller.review = confirm_all(window, seen)
    with qtbot.waitSignal(controller.exported, timeout=60000) as done:
        getattr(window.files, action).trigger()
    assert done.args == [str(out)]
    assert asked[0].endswith(suffix)
    assert [h.matched for h in seen] == ["07700 900123"]
    if suffix == ".xlsx":
        texts = [c.value for c in load_workbook(out)["Notes"]["M"]]
        assert QUOTE in texts
        codes = [c.value for c in load_workbook(out)["Participants"]["A"]]
        assert "CDF-07" in codes
    elif suffix == ".qdpx":
        with zipfile.ZipFile(out) as archive:
            assert any(QUOTE in archive.read(n).decode() for n in archive.namelist()
                       if n.startswith("sources/"))
    else:
        assert any(QUOTE in p.text for p in Document(str(out)).paragraphs)
    labels = [a.text().replace("&", "") for a in window.files.export_menu.actions()]
    assert "Analysis workbook — for the team's analysts (Excel)…" in labels
    assert "QDA project — for NVivo, ATLAS.ti, MAXQDA (REFI-QDA)…" in labels


def test_declining_the_review_writes_no_analysis_file(window, qtbot, tmp_path):
    out = tmp_path / "analysis.xlsx"
    controller = window.files.exports
    controller.ask_path = lambda _title, suggested: str(out)
    asked = []
    controller.review = lambda hits: asked.append(len(hits)) or False
    window.files.export_workbook_action.trigger()
    qtbot.waitUntil(lambda: asked == [1], timeout=30000)
    assert not out.exists()
