"""Undo the last merge (issue 16): CLI and File → Undo last merge, as users meet them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from facilitator.cli import main as cli_main
from facilitator.core.backup import snapshot_dir
from facilitator.core.errors import StoreError
from facilitator.core.merge import merge
from facilitator.core.store import Store
from facilitator.core.undo import last_merge, snapshot_path, undo_last_merge
from facilitator.ui.exchange import merge_window as merge_window_module
from facilitator.ui.exchange.merge_window import MergeWindow

SITE = "cardiff"


def laptop(path: Path, device: str, notes: int = 2, code: str = "CDF-01") -> Path:
    with Store(path, device_id=device) as store:
        store.set_setting("site", SITE)
        store.create("participants", {"site": SITE, "code": code, "gender": "woman",
                                      "ethnicity": "secret-ethnicity"})
        for i in range(notes):
            store.create("notes", {"site": SITE, "workshop": 2, "kind": "quote",
                                   "text": f"{device} #{i}",
                                   "noted_at": "2026-05-01T10:00:00Z"})
    return path


def merged_tables(store: Store) -> dict[str, list[tuple]]:
    return {t: sorted(tuple(r) for r in store.db.execute(f"SELECT * FROM [{t}]"))
            for t in [*store.specs, "conflicts"]}


def test_cli_undo_last_puts_the_database_back_and_the_log_says_so(tmp_path, capsys):
    db = laptop(tmp_path / "lead.db", "device-lead", notes=1)
    table = laptop(tmp_path / "table.db", "device-table", notes=3, code="CDF-02")
    with Store(db) as store:
        before = merged_tables(store)
    assert cli_main(["--db", str(db), "merge", str(table)]) == 0
    assert "merge --undo-last" in capsys.readouterr().out
    kept = snapshot_path(db)
    assert kept.parent == snapshot_dir(db) and kept.is_file()
    assert cli_main(["--db", str(db), "merge", "--undo-last"]) == 0
    out = capsys.readouterr().out
    assert "put back as it was before the last merge" in out and str(table) in out
    with Store(db) as store:
        assert merged_tables(store) == before
        log = store.rows("merge_log")
        assert [r["kind"] for r in log] == ["database", "undo"]
        assert log[0]["file"] == str(table) and str(table) in log[1]["file"]
    assert not kept.exists()  # one undo per merge; the copy goes with it
    assert cli_main(["--db", str(db), "merge", "--undo-last"]) == 1
    assert "no merge to undo" in capsys.readouterr().err


def test_an_undo_is_refused_when_work_was_saved_after_the_merge(tmp_path):
    db = laptop(tmp_path / "lead.db", "device-lead", notes=1)
    table = laptop(tmp_path / "table.db", "device-table", notes=2, code="CDF-02")
    with Store(db, device_id="device-lead") as store:
        merge(store, [table])
        store.create("notes", {"site": SITE, "workshop": 2, "kind": "note",
                               "text": "typed after the merge",
                               "noted_at": "2026-05-01T11:00:00Z"})
        with pytest.raises(StoreError, match="changed after the last merge"):
            undo_last_merge(store)
        assert store.count("notes", "text = 'typed after the merge'") == 1


def test_a_merge_copy_never_outlives_an_erasure(tmp_path):
    db = laptop(tmp_path / "lead.db", "device-lead", notes=1)
    table = laptop(tmp_path / "table.db", "device-table", notes=2, code="CDF-02")
    with Store(db, device_id="device-lead") as store:
        merge(store, [table])
        copy = snapshot_path(db)
        assert b"secret-ethnicity" in copy.read_bytes()
        person = store.rows("participants", "code = 'CDF-01'")[0]
        store.edit("participants", person["id"], {"erased": 1})
        assert not copy.exists()
        assert last_merge(store) is None
        with pytest.raises(StoreError, match="no merge to undo"):
            undo_last_merge(store)


def test_a_refused_or_previewed_merge_keeps_the_last_undo(tmp_path):
    db = laptop(tmp_path / "lead.db", "device-lead", notes=1)
    first = laptop(tmp_path / "first.db", "device-first", notes=1, code="CDF-03")
    with Store(db, device_id="device-lead") as store:
        merge(store, [first])
        merge(store, [first], dry_run=True)
        bad = tmp_path / "bad.bundle"
        bad.write_bytes(b"\x1f\x8b not really gzip")
        with pytest.raises(Exception):  # noqa: B017 - refused, whatever the wording
            merge(store, [bad])
        info = last_merge(store)
        assert info is not None and info["files"] == [str(first)]
        assert undo_last_merge(store) == [str(first)]
        assert store.count("notes") == 1


def test_undo_last_merge_in_the_merge_window_asks_first(qtbot, tmp_path, monkeypatch):
    db = laptop(tmp_path / "lead.db", "device-lead", notes=1)
    table = laptop(tmp_path / "table3.db", "table-3", notes=4, code="CDF-04")
    store = Store(db, device_id="device-lead")
    try:
        window = MergeWindow(store, site_names={SITE: "Cardiff"})
        qtbot.addWidget(window)
        window.show()
        assert not window.undo_button.isEnabled()
        with qtbot.waitSignal(window.previewed, timeout=20000):
            window.add_files([table])
        with qtbot.waitSignal(window.merged, timeout=20000):
            qtbot.mouseClick(window.merge_button, Qt.MouseButton.LeftButton)
        assert store.count("notes") == 5 and window.undo_button.isEnabled()

        asked: list[str] = []

        def answer(button):
            def question(_parent, _title, text, *_args):
                asked.append(text)
                return button
            return question

        monkeypatch.setattr(merge_window_module.QMessageBox, "question",
                            answer(QMessageBox.StandardButton.Cancel))
        qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
        assert "table3.db" in asked[-1] and store.count("notes") == 5  # cancelled

        monkeypatch.setattr(merge_window_module.QMessageBox, "question",
                            answer(QMessageBox.StandardButton.Yes))
        with qtbot.waitSignal(window.undone, timeout=20000):
            qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
        assert store.count("notes") == 1
        assert "undone" in window.status.text() and not window.undo_button.isEnabled()
        assert json.loads(json.dumps(store.rows("merge_log")))[-1]["kind"] == "undo"
    finally:
        store.close()
