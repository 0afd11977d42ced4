"""Cymraeg in the app: Settings → Language, --lang, Qt's own buttons, Welsh dates."""

from __future__ import annotations

import pytest
from fakes import FakeClock
from PySide6.QtCore import QDate, QLocale, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar, QMessageBox

from facilitator.app import FacilitatorApp
from facilitator.core import i18n, venue
from facilitator.core.paths import resolve
from facilitator.core.store import Store
from facilitator.ui.common import language


def menu_texts(menu: QMenu | QMenuBar) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def choose(qtbot, window, *path: str) -> None:
    """Open the menus as a user does: click the menu bar, then each item."""
    bar = window.menuBar()
    action = next(a for a in bar.actions() if a.text() == path[0])
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(action).center())
    menu = action.menu()
    qtbot.waitUntil(menu.isVisible)
    for text in path[1:]:
        item = next((a for a in menu.actions() if a.text() == text), None)
        assert item is not None, f"{text!r} not in {menu_texts(menu)}"
        qtbot.mouseMove(menu, menu.actionGeometry(item).center())
        qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(item).center())
        if item.menu() is not None:
            menu = item.menu()
            qtbot.waitUntil(menu.isVisible)


@pytest.fixture
def make_app(qtbot, tmp_path):
    apps = []

    def make(db=None, clock=None):
        app = FacilitatorApp(resolve(str(db or tmp_path / "venue.db"), None), ask_venue=False,
                             show_audience=False, clock=clock or FakeClock())
        qtbot.addWidget(app.window)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.shut_down()


def configure(db, pack, site="cardiff", workshop=2):
    with Store(db) as store:
        venue.save(store, pack, venue.VenueSettings(site, workshop, ("Table 1", "Table 2")))


def test_settings_language_switches_to_welsh_and_keeps_the_running_day(
        make_app, qtbot, tmp_path, default_pack):
    db = tmp_path / "venue.db"
    configure(db, default_pack)
    app = make_app(db)
    with qtbot.waitActive(app.window):
        app.window.show()
        app.window.activateWindow()
    qtbot.keyClick(app.console, Qt.Key.Key_Space)  # start the day
    qtbot.keyClick(app.console, Qt.Key.Key_Right)  # the second step
    step = app.model.status.step.id
    assert app.model.status.state == "running"
    assert "&File" in menu_texts(app.window.menuBar())

    choose(qtbot, app.window, "&Settings", "&Language", "Cymraeg")

    qtbot.waitUntil(lambda: "&Ffeil" in menu_texts(app.window.menuBar()))
    assert language.current() == "cy" and i18n.remembered_choice() == "cy"
    # The day carries on: same step, still running, and the console speaks Welsh.
    assert app.model.status.step.id == step and app.model.status.state == "running"
    assert app.pack.lang == "cy"
    assert app.window.site_label.text() == "Caerdydd · Gweithdy 2"

    # And back: the remembered choice follows.
    choose(qtbot, app.window, "&Gosodiadau", "&Iaith", "English")
    qtbot.waitUntil(lambda: "&File" in menu_texts(app.window.menuBar()))
    assert i18n.remembered_choice() == "en" and app.model.status.step.id == step


def test_qt_own_buttons_and_dates_are_welsh(qtbot):
    language.install("cy")
    box = QMessageBox(QMessageBox.Icon.Question, "Teitl", "Testun",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                      | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    texts = sorted(b.text() for b in box.buttons())
    assert texts == ["&Ie", "&Na", "Canslo"]

    clicked = []

    def press_no():
        widget = QApplication.activeModalWidget()
        button = next(b for b in widget.buttons() if b.text() == "&Na")
        clicked.append(button.text())
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, press_no)
    assert box.exec() == QMessageBox.StandardButton.No and clicked == ["&Na"]
    assert QLocale().toString(QDate(2026, 3, 14), QLocale.FormatType.LongFormat) == \
        "Dydd Sadwrn, 14 Mawrth 2026"
    language.install("en")
    assert QLocale().toString(QDate(2026, 3, 14), "MMMM") == "March"


def test_lang_flag_env_and_remembered_choice(monkeypatch):
    from facilitator import cli

    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert i18n.resolve() == "en"
    monkeypatch.setenv("LANG", "cy_GB.UTF-8")
    assert i18n.resolve() == "cy"  # the system's language
    i18n.remember_choice("en")
    assert i18n.resolve() == "en"  # the choice made in Settings wins over the system
    monkeypatch.setenv("FACILITATOR_LANG", "cy")
    assert i18n.resolve() == "cy"
    assert i18n.resolve("en") == "en"  # --lang wins over everything
    monkeypatch.setenv("FACILITATOR_LANG", "fr")
    with pytest.raises(i18n.LanguageError, match="FACILITATOR_LANG"):
        i18n.resolve()
    monkeypatch.delenv("FACILITATOR_LANG")
    assert cli.main(["--lang", "cy", "--version"]) == 0
    assert i18n.language() == "cy"


def test_a_wrong_lang_is_a_clear_error(capsys):
    from facilitator import cli

    assert cli.main(["check", "--lang", "fr"]) == 1
    err = capsys.readouterr().err
    assert "--lang" in err and "cy or en" in err and "Traceback" not in err
