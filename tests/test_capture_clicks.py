"""The capture panel driven by the mouse as well as the keys: every button a note-taker
can click does what its label says, and a recovered draft comes back whole."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu, QToolButton
from test_capture import CTRL, make_panel, saved, set_up, step_index, type_text

from facilitator.core import notes, venue
from facilitator.core.store import Store


def click_menu_item(qtbot, chip: QToolButton, text: str) -> None:
    """Click the chip, then the item of the menu that pops up (as a mouse does)."""
    def pick() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu), "the chip's menu did not open"
        action = next(a for a in menu.actions() if a.text() == text)
        qtbot.mouseClick(menu, Qt.MouseButton.LeftButton,
                         pos=menu.actionGeometry(action).center())

    QTimer.singleShot(50, pick)
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)


def test_the_kind_buttons_clicked_with_the_mouse_save_that_kind(qtbot, store, default_pack):
    set_up(store, default_pack)
    panel = make_panel(qtbot, store, default_pack)
    panel.follow_step(step_index(default_pack, "w2-call101-discussion"))
    for kind, words in (("quote", "I would not trust it"), ("advice", "Publish the audits"),
                        ("note", "Table agreed on speed"), ("quote", "It is a lottery")):
        qtbot.mouseClick(panel.kind_buttons[kind], Qt.MouseButton.LeftButton)
        assert panel.kind == kind
        assert panel.edit.hasFocus()  # the click gives the box its keys back
        type_text(panel.edit, words)
        qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
        assert panel.problem_label.isHidden(), panel.problem_label.text()
        assert saved(store)[0]["text"] == words and saved(store)[0]["kind"] == kind
    assert [n["kind"] for n in saved(store)] == ["quote", "note", "advice", "quote"]


def test_clicking_the_checked_kind_again_keeps_it(qtbot, store, default_pack):
    set_up(store, default_pack)
    panel = make_panel(qtbot, store, default_pack)
    qtbot.mouseClick(panel.kind_buttons["quote"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.kind_buttons["quote"], Qt.MouseButton.LeftButton)
    assert panel.kind == "quote" and panel.kind_buttons["quote"].isChecked()


def test_ctrl_semicolon_toggles_advice(qtbot, store, default_pack):
    set_up(store, default_pack)
    panel = make_panel(qtbot, store, default_pack)
    panel.follow_step(step_index(default_pack, "w2-call101-discussion"))
    qtbot.keyClick(panel.edit, Qt.Key.Key_Semicolon, CTRL)
    assert panel.kind == "advice" and panel.kind_buttons["advice"].isChecked()
    type_text(panel.edit, "An independent panel")
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    assert saved(store)[0]["kind"] == "advice"
    qtbot.keyClick(panel.edit, Qt.Key.Key_Semicolon, CTRL)
    qtbot.keyClick(panel.edit, Qt.Key.Key_Semicolon, CTRL)
    assert panel.kind == "note"


def test_chips_and_menus_clicked_with_the_mouse(qtbot, store, default_pack):
    set_up(store, default_pack)
    panel = make_panel(qtbot, store, default_pack)
    panel.follow_step(step_index(default_pack, "w2-call101-discussion"))
    click_menu_item(qtbot, panel.table_chip, "Table 1")
    assert panel.table_chip.text() == "Table 1"
    click_menu_item(qtbot, panel.use_case_chip, default_pack.use_case("hotspots").title)
    assert panel.use_case == "hotspots"
    theme = panel._theme_buttons[0]
    qtbot.mouseClick(theme, Qt.MouseButton.LeftButton)
    assert theme.isChecked()
    type_text(panel.edit, "maps of estates")
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    row = saved(store)[0]
    assert (row["table_name"], row["use_case"]) == ("Table 1", "hotspots")
    assert notes.themes_of(row) == [theme.property("theme_id")]


def test_the_agenda_moving_on_keeps_a_kind_chosen_by_hand(qtbot, store, default_pack):
    set_up(store, default_pack)
    panel = make_panel(qtbot, store, default_pack)
    panel.follow_step(step_index(default_pack, "w2-call101-discussion"))
    type_text(panel.edit, "Nobody answers at night")
    qtbot.mouseClick(panel.kind_buttons["quote"], Qt.MouseButton.LeftButton)
    panel.follow_step(step_index(default_pack, "w2-summarising-discussion"))
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    assert saved(store)[0]["kind"] == "quote"
    assert panel.kind == "note"  # the next note starts from the step's own kind


def test_a_recovered_draft_keeps_its_kind_table_themes_and_participant(qtbot, store,
                                                                       default_pack,
                                                                       tmp_path: Path):
    set_up(store, default_pack)
    panel = make_panel(qtbot, store, default_pack)
    discussion = step_index(default_pack, "w2-call101-discussion")
    panel.follow_step(discussion)
    click_menu_item(qtbot, panel.table_chip, "Table 2")
    qtbot.mouseClick(panel.kind_buttons["quote"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel._theme_buttons[1], Qt.MouseButton.LeftButton)
    theme = panel._theme_buttons[1].property("theme_id")
    qtbot.keyClick(panel.edit, Qt.Key.Key_P, CTRL)
    qtbot.keyClicks(panel.participant_edit, "CDF-01")
    panel.focus_text()
    type_text(panel.edit, "I'd rather talk to a person")
    with qtbot.waitSignal(panel.draft_saved, timeout=10_000):
        pass
    # The laptop restarts: the app builds the panel, then follows the running agenda.
    with Store(tmp_path / "test.db") as again:
        tables = venue.tables(again, "cardiff")
        fresh = make_panel(qtbot, again, default_pack)
        fresh.follow_step(discussion)
        assert fresh.recovered_banner.isVisible()
        assert fresh.kind == "quote" and fresh.kind_buttons["quote"].isChecked()
        assert fresh.table_chip.text() == "Table 2"
        assert fresh.selected == [theme]
        assert fresh.participant_edit.text() == "CDF-01"
        qtbot.keyClick(fresh.edit, Qt.Key.Key_Return)
        row = saved(again)[0]
        assert (row["kind"], row["table_id"]) == ("quote", tables[1].id)
        assert notes.themes_of(row) == [theme]
        assert row["participant_id"] is not None
        # Later notes keep the table too.
        type_text(fresh.edit, "and so say all of us")
        qtbot.keyClick(fresh.edit, Qt.Key.Key_Return)
        assert saved(again)[0]["table_id"] == tables[1].id
        assert saved(again)[0]["kind"] == "note"


def test_no_lambda_default_is_filled_by_a_signal():
    """Guard the whole tree: a ``lambda x=...`` connected to a signal that sends
    arguments gets them in its defaults (clicked(bool) made the kind True)."""
    import ast

    root = Path(__file__).resolve().parent.parent / "facilitator"
    found = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            # Any lambda with defaults handed to a call as a slot (connect, a button or
            # action helper, a shortcut binder); sort keys are keyword arguments.
            if isinstance(node, ast.Call):
                for arg in node.args:
                    if isinstance(arg, ast.Lambda) and arg.args.defaults:
                        found.append(f"{path.name}:{node.lineno}")
    assert found == []
