"""File → Merge…: preview, merge and refusal as a user meets them, in the real window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from facilitator.core.paths import resolve
from facilitator.core.store import Store
from facilitator.ui.common.store_signals import StoreSignals
from facilitator.ui.exchange.merge_window import MergeWindow
from facilitator.ui.main_window import MainWindow

SITE = "cardiff"


def table_laptop(path: Path, device: str, notes: int) -> Path:
    with Store(path, device_id=device) as store, store.transaction():
        store.set_setting("site", SITE)
        for i in range(notes):
            store.create("notes", {"site": SITE, "workshop": 2, "kind": "note",
                                   "text": f"Bore da #{i}", "noted_at": "2026-05-01T10:00:00Z"})
    return path


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "console.db", device_id="console")
    s.set_setting("site", SITE)
    yield s
    s.close()


def cell(window: MergeWindow, row: int, column: int) -> str:
    return window.table.item(row, column).text()


def test_preview_then_merge_and_views_hear_of_it(qtbot, tmp_path, store):
    window = MergeWindow(store, site_names={SITE: "Cardiff"})
    qtbot.addWidget(window)
    window.show()
    signals = StoreSignals(store)
    table = table_laptop(tmp_path / "table3.db", "table-3", notes=4)
    with qtbot.waitSignal(window.previewed, timeout=20000):
        window.add_files([table])
    assert cell(window, 0, 0) == "table3.db"
    assert window.table.item(0, 0).toolTip() == str(table)
    assert cell(window, 0, 1) == "database" and cell(window, 0, 2) == "Cardiff"
    assert cell(window, 0, 5) == "4" and cell(window, 0, 7) == "0"
    assert store.count("notes") == 0  # a preview changes nothing
    assert "would add 4" in window.status.text()
    assert window.merge_button.isEnabled()
    with qtbot.waitSignal(signals.changed, timeout=20000) as changed, \
            qtbot.waitSignal(window.merged, timeout=20000):
        qtbot.mouseClick(window.merge_button, Qt.MouseButton.LeftButton)
    assert changed.args[0].cause == "merge" and "notes" in changed.args[0].tables
    assert store.count("notes") == 4
    assert "Merged: 4 record(s) added" in window.status.text()
    assert not window.merge_button.isEnabled()
    # Merging the same file again is safe and says so.
    with qtbot.waitSignal(window.previewed, timeout=20000):
        window.preview()
    assert cell(window, 0, 5) == "0" and cell(window, 0, 7) == "4"
    assert "Merged before: table3.db" in window.status.text()
    signals.detach()


def test_a_refused_file_is_named_and_nothing_changes(qtbot, tmp_path, store):
    window = MergeWindow(store)
    qtbot.addWidget(window)
    good = table_laptop(tmp_path / "good.db", "table-1", notes=2)
    bad = tmp_path / "photo.pdf"
    bad.write_bytes(b"%PDF-1.4 not an export")
    with qtbot.waitSignal(window.refused, timeout=20000) as refused:
        window.add_files([good, bad])
    assert str(bad) in refused.args[0] and "nothing was changed" in refused.args[0]
    assert not window.merge_button.isEnabled()
    assert store.count("notes") == 0


def test_the_file_menu_opens_the_merge_window(qtbot, tmp_path, store, default_pack):
    main = MainWindow(store, default_pack, resolve(str(store.path), str(default_pack.path)))
    qtbot.addWidget(main)
    assert "Merge other laptops' data…" in [a.text().replace("&", "")
                                            for a in main.file_menu.actions()]
    main.files.merge_action.trigger()
    assert main.files.merge_window.isVisible() and not main.files.merge_window.isModal()
    main.tasks.setParent(None)


def test_cancel_stops_a_merge_and_changes_nothing(qtbot, tmp_path, store):
    window = MergeWindow(store)
    qtbot.addWidget(window)
    window.show()
    table = table_laptop(tmp_path / "big.db", "table-9", notes=8000)
    with qtbot.waitSignal(window.previewed, timeout=30000):
        window.add_files([table])
    with qtbot.waitSignal(window.refused, timeout=30000) as refused:
        qtbot.mouseClick(window.merge_button, Qt.MouseButton.LeftButton)
        assert window.cancel_button.isVisible()
        qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    assert refused.args[0] == "Cancelled: nothing was changed."
    assert store.count("notes") == 0
    assert window.add_button.isEnabled() and not window.busy


def test_file_import_takes_an_exchange_pdf_through_the_merge_preview(qtbot, tmp_path, store,
                                                                   default_pack):
    from facilitator.core.bundle import build_bundle
    from facilitator.export.pdf_report import register_fonts
    from facilitator.export.site_export import attach_bundle

    register_fonts()
    source = table_laptop(tmp_path / "durham.db", "table-2", notes=3)
    with Store(source, device_id="x") as other:
        raw = build_bundle(other)
    from reportlab.pdfgen import canvas

    page = tmp_path / "page.pdf"
    canvas.Canvas(str(page)).save()
    exchange = tmp_path / "durham-advice.pdf"
    exchange.write_bytes(attach_bundle(page.read_bytes(), raw))
    main = MainWindow(store, default_pack, resolve(str(store.path), str(default_pack.path)))
    qtbot.addWidget(main)
    assert "Advice exchange file or site export (PDF)…" in [
        a.text().replace("&", "") for a in main.files.import_menu.actions()]
    main.files.show_merge_window()
    with qtbot.waitSignal(main.files.merge_window.previewed, timeout=20000):
        main.files.import_exchange_files([exchange])
    merging = main.files.merge_window
    assert cell(merging, 0, 1) == "export PDF" and cell(merging, 0, 5) == "3"
    main.tasks.setParent(None)
