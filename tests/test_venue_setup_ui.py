"""Venue set-up as a facilitator does it: the site is chosen, never assumed; a PIN is
set for the kiosks; changing workshop in the middle of a running day asks first."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QPushButton
from test_app import configure, make_app  # noqa: F401 - the fixture

from facilitator.core import venue
from facilitator.core.store import Store
from facilitator.ui.venue.venue_dialog import VenueSetupDialog


def ok_button(dialog: VenueSetupDialog) -> QPushButton:
    box = dialog.findChild(QDialogButtonBox)
    return box.button(QDialogButtonBox.StandardButton.Ok)


def test_the_site_must_be_chosen_and_a_pin_set(qtbot, default_pack):
    dialog = VenueSetupDialog(default_pack)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.site_combo.currentData() is None  # no site is assumed (it was Cardiff)
    assert dialog.table_names() == ()
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "Choose the site" in dialog.error_label.text()
    # The keyboard picks Durham in the list.
    dialog.site_combo.setFocus()
    qtbot.keyClick(dialog.site_combo, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.site_combo, Qt.Key.Key_Down)
    assert dialog.site_combo.currentData() == "durham"
    assert dialog.table_names() == default_pack.site("durham").tables
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "PIN" in dialog.error_label.text()
    qtbot.keyClicks(dialog.pin_edit, "12")
    qtbot.keyClicks(dialog.pin_again, "12")
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "4 to 8 digits" in dialog.error_label.text()
    dialog.pin_edit.clear()
    dialog.pin_again.clear()
    qtbot.keyClicks(dialog.pin_edit, "4827")
    qtbot.keyClicks(dialog.pin_again, "4828")
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "differ" in dialog.error_label.text()
    dialog.pin_again.clear()
    qtbot.keyClicks(dialog.pin_again, "4827")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.settings().site_id == "durham" and dialog.pin() == "4827"


def test_a_pin_set_before_may_be_left_blank(qtbot, default_pack):
    current = venue.VenueSettings("london", 2, ("North", "South"))
    dialog = VenueSetupDialog(default_pack, current, pin_set=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.site_combo.currentData() == "london"
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.pin() is None


def test_the_pin_is_kept_as_a_hash_and_checked(store):
    venue.set_pin(store, " 4827 ")
    assert "4827" not in (store.get_setting(venue.PIN_KEY) or "")
    assert venue.check_pin(store, "4827") and not venue.check_pin(store, "4828")
    assert not venue.check_pin(store, "")
    store.set_setting(venue.PIN_KEY, "garbage")
    assert not venue.check_pin(store, "4827")


def _answer_venue_then(qtbot, workshop: int, answer: QMessageBox.StandardButton,
                       seen: list[str]) -> None:
    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, VenueSetupDialog)
        dialog.workshop_combo.setCurrentIndex(dialog.workshop_combo.findData(workshop))
        QTimer.singleShot(50, reply)
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    def reply() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), "changing workshop mid-day did not ask"
        seen.append(box.text())
        qtbot.mouseClick(box.button(answer), Qt.MouseButton.LeftButton)

    QTimer.singleShot(50, fill)


def test_changing_workshop_while_the_day_runs_asks_first(make_app, qtbot,  # noqa: F811
                                                         tmp_path, default_pack):
    db = tmp_path / "venue.db"
    configure(db, default_pack, site="durham", workshop=2)
    with Store(db) as store:
        venue.set_pin(store, "4827")
    app = make_app(db=db)
    with qtbot.waitActive(app.window):
        app.window.show()
        app.window.activateWindow()
    qtbot.keyClick(app.console, Qt.Key.Key_Space)
    assert app.model.status.state == "running"
    seen: list[str] = []
    _answer_venue_then(qtbot, 4, QMessageBox.StandardButton.Cancel, seen)
    app.venue_setup()
    assert seen and "running" in seen[0]
    assert venue.load(app.store).workshop == 2 and app.model.workshop.number == 2
    _answer_venue_then(qtbot, 4, QMessageBox.StandardButton.Yes, seen)
    app.venue_setup()
    assert venue.load(app.store).workshop == 4 and app.model.workshop.number == 4
