"""File → Export as a user meets it: privacy review first, then the PDF in the background."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from facilitator.core import privacy
from facilitator.core.paths import resolve
from facilitator.core.store import Store
from facilitator.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path, default_pack):
    store = Store(tmp_path / "venue.db", device_id="console")
    store.set_setting("site", "cardiff")
    store.set_setting("workshop", "2")
    store.create("notes", {"site": "cardiff", "workshop": 2, "kind": "quote",
                           "text": "Text me on 07700 900123 — I rang 999 twice",
                           "use_case": "call_101", "noted_at": "2026-05-01T10:00:00Z"})
    win = MainWindow(store, default_pack, resolve(str(store.path), str(default_pack.path)))
    qtbot.addWidget(win)
    yield win
    win.tasks.setParent(None)
    store.close()


def test_export_asks_about_each_hit_then_writes_in_the_background(window, qtbot, tmp_path):
    out = tmp_path / "usb" / "cardiff.pdf"
    out.parent.mkdir()
    seen = []

    def review(hits):
        seen.extend(hits)
        for hit in hits:
            privacy.confirm(window.store, hit)
        return True

    controller = window.files.exports
    controller.ask_path = lambda _title, suggested: str(out)
    controller.review = review
    labels = [a.text().replace("&", "") for a in window.files.export_menu.actions()]
    # The two kinds of file are named differently (DESIGN §4).
    assert "Site data file — confidential, for the team (PDF)…" in labels
    assert "Publication report — no data, for publishing (PDF)…" in labels
    with qtbot.waitSignal(controller.exported, timeout=30000) as done:
        window.files.export_site_action.trigger()
    assert done.args == [str(out)]
    assert [h.matched for h in seen] == ["07700 900123"]
    assert "07700 900123" in " ".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Written:" in window.statusBar().currentMessage()


def test_declining_the_review_writes_nothing(window, qtbot, tmp_path):
    out = tmp_path / "cardiff.pdf"
    controller = window.files.exports
    controller.ask_path = lambda _title, suggested: str(out)
    asked = []
    controller.review = lambda hits: asked.append(len(hits)) or False
    window.files.export_site_action.trigger()
    qtbot.waitUntil(lambda: asked == [1] and not window.tasks.busy, timeout=20000)
    assert not out.exists()
