"""The combine screen driven as the lead would: tick, type, combine, edit, split, undo;
and the Advice menu of the main window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QTreeWidgetItem
from test_advice import BIAS, OVERSIGHT, TRANSPARENCY, advice_note

from facilitator.core import advice, venue
from facilitator.core.paths import resolve
from facilitator.core.store import Change, Store
from facilitator.ui.advice.advice_combine import AdviceCombinePanel
from facilitator.ui.common.tasks import TaskRunner
from facilitator.ui.main_window import MainWindow

SCREENS = Path("/work/notes/screens")


@pytest.fixture
def hub(store, default_pack):
    store.set_setting("site", "london")
    ids = {
        "cdf": advice_note(store, "cardiff", "Publish a register of every AI tool in use, "
                           "in Welsh and English", TRANSPARENCY),
        "dur": advice_note(store, "durham", "Tell rural communities which tools their "
                           "force uses", TRANSPARENCY),
        "ldn": advice_note(store, "london", "Publish what each tool is for and who checks "
                           "it", TRANSPARENCY),
        "watchdog": advice_note(store, "london", "An independent watchdog with powers to "
                                "stop a tool", OVERSIGHT),
        "bias": advice_note(store, "cardiff", "Test 999 call triage for Welsh accents "
                            "before use", BIAS),
    }
    return store, default_pack, ids


@pytest.fixture
def panel(qtbot, hub):
    store, pack, _ids = hub
    widget = AdviceCombinePanel(store, pack)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def click_check(qtbot, panel: AdviceCombinePanel, item_id: str) -> None:
    """Tick an item the way a user does: select the row, press Space."""
    row = panel.find_row(item_id)
    assert row is not None
    panel.tree.setFocus()
    panel.tree.setCurrentItem(row)
    qtbot.keyClick(panel.tree, Qt.Key.Key_Space)


def type_text(widget, text: str) -> None:
    """Type any text, Welsh letters and dashes included, as key events (QTest's
    keyClicks only knows ASCII)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                     ch))


def rows(panel: AdviceCombinePanel) -> list[tuple[str, list[str]]]:
    out = []
    for i in range(panel.tree.topLevelItemCount()):
        top: QTreeWidgetItem = panel.tree.topLevelItem(i)
        out.append((top.text(0), [top.child(j).text(0) for j in range(top.childCount())]))
    return out


def test_combining_items_from_three_sites_as_a_user_would(qtbot, hub, panel):
    store, pack, ids = hub
    assert not panel.combine_button.isEnabled()
    for key in ("cdf", "dur", "ldn"):
        click_check(qtbot, panel, ids[key])
    assert panel.ticked() == sorted(panel.ticked(), key=[i.id for i in panel.items].index)
    assert set(panel.ticked()) == {ids["cdf"], ids["dur"], ids["ldn"]}
    assert panel.combine_button.isEnabled()
    assert "Ticked: 3 item(s), from Cardiff, Durham, London" in panel.selection.text()
    panel.text.setFocus()
    qtbot.keyClicks(panel.text, "Publish a register of the AI tools each force uses")
    with qtbot.waitSignal(panel.combined, timeout=10_000) as signal:
        qtbot.mouseClick(panel.combine_button, Qt.MouseButton.LeftButton)
    combo = signal.args[0]
    shown = rows(panel)
    top = next(r for r in shown if r[0].startswith("Publish a register of the AI tools"))
    assert len(top[1]) == 3 and all(c.startswith("combined from: ") for c in top[1])
    assert panel.tree.topLevelItemCount() == 3  # the combination and two free items
    item = next(i for i in advice.advice_items(store, pack) if i.id == combo)
    assert item.sites == ("Cardiff", "Durham", "London")
    assert item.theme == TRANSPARENCY
    assert panel.current_id() == combo and panel.save_button.isEnabled()
    # Edit: new wording and theme, saved as a new revision.
    panel.text.clear()
    type_text(panel.text, "A public register of AI tools — ŵ")
    panel.theme.setCurrentIndex(panel.theme.findText(OVERSIGHT))
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    row = store.get("advice_combinations", combo)
    assert row["text"] == "A public register of AI tools — ŵ" and row["revision"] == 2
    # Take one original out, then split the rest, then undo the split.
    panel.select(ids["ldn"])
    assert panel.current_kind() == "original" and panel.take_out_button.isEnabled()
    qtbot.mouseClick(panel.take_out_button, Qt.MouseButton.LeftButton)
    assert advice.advice_items(store, pack)[0].combined_from == (ids["cdf"], ids["dur"])
    panel.select(combo)
    qtbot.mouseClick(panel.split_button, Qt.MouseButton.LeftButton)
    assert panel.tree.topLevelItemCount() == 5
    assert all(not children for _text, children in rows(panel))
    assert store.get("advice_combinations", combo)["deleted"] == 1
    qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    assert panel.tree.topLevelItemCount() == 4
    assert store.count("notes", "kind = 'advice' AND revision = 1") == 5


def test_a_refused_combination_explains_itself(qtbot, hub, panel):
    _store, _pack, ids = hub
    click_check(qtbot, panel, ids["cdf"])
    click_check(qtbot, panel, ids["bias"])
    qtbot.mouseClick(panel.combine_button, Qt.MouseButton.LeftButton)
    assert "needs wording" in panel.message.text()
    assert panel.tree.topLevelItemCount() == 5


def test_the_list_follows_the_store(qtbot, hub, panel):
    store, _pack, _ids = hub
    advice_note(store, "durham", "Fund training on what the tools cannot do", OVERSIGHT)
    panel.store_changed(Change(frozenset({"notes"}), "merge"))
    assert panel.tree.topLevelItemCount() == 6
    panel.site_filter.setCurrentIndex(panel.site_filter.findText("Durham"))
    assert panel.tree.topLevelItemCount() == 2


def test_the_advice_menu_opens_the_combine_page(qtbot, tmp_path, default_pack):
    store = Store(tmp_path / "venue.db")
    store.set_setting("site", "cardiff")
    advice_note(store, "cardiff", "Keep a human in every decision", OVERSIGHT)
    window = MainWindow(store, default_pack, resolve(str(store.path), None),
                        tasks=TaskRunner(None, synchronous=True))
    qtbot.addWidget(window)
    try:
        window.show()  # the Advice menu is built once the window has painted

        def menus() -> list[str]:
            return [a.text().replace("&", "") for a in window.menuBar().actions()]

        qtbot.waitUntil(lambda: "Advice" in menus(), timeout=5000)
        assert menus().index("Advice") == menus().index("Voting") + 1
        window.advice.combine_action.trigger()
        assert window.pages.currentWidget() is window.advice.page
        assert window.advice.page.tree.topLevelItemCount() == 1
        csv = tmp_path / "dots.csv"
        item = advice.votable_items(store, default_pack)[0].id
        csv.write_text(f"participant,site,item,dots\n,Cardiff,{item[:8]},2\n",
                       encoding="utf-8")
        window.advice.import_file(csv)
        window.refresh_vote_pages(Change(frozenset({"priorities"}), "import"))
        assert window.advice.page.tree.topLevelItem(0).text(3) == "2"
        out = tmp_path / "advice.pdf"
        window.advice.export_file("cardiff", out)
        assert out.exists()
        venue.set_pin(store, "4827")  # kiosks ask for it before they open
        kiosk = window.advice.open_kiosk()
        assert kiosk is not None
        qtbot.addWidget(kiosk)
        qtbot.waitUntil(kiosk.isFullScreen, timeout=10_000)
        assert len(kiosk.rows) == 1
    finally:
        store.close()


def test_screenshot_of_the_combine_screen(qtbot, hub, panel):
    store, pack, ids = hub
    advice.combine(store, pack, [ids["cdf"], ids["dur"], ids["ldn"]],
                   "Publish a register of the AI tools each force uses, in plain "
                   "language and in Welsh")
    advice.cast_dots(store, pack, site="london", allocations={ids["watchdog"]: 2,
                                                             ids["bias"]: 1})
    panel.refresh()
    click_check(qtbot, panel, ids["bias"])
    click_check(qtbot, panel, ids["watchdog"])
    qtbot.keyClicks(panel.text, "Independent oversight, including of bias testing")
    image = panel.grab()
    assert image.width() > 0
    SCREENS.mkdir(parents=True, exist_ok=True)
    image.save(str(SCREENS / "advice-combine.png"))
