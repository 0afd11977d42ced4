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

    def make(db=None, clock=None, defer_day=False):
        app = FacilitatorApp(resolve(str(db or tmp_path / "venue.db"), None), ask_venue=False,
                             show_audience=False, clock=clock or FakeClock(),
                             defer_day=defer_day)
        apps.append(app)  # its window is replaced when the language changes: closed below
        return app

    yield make
    from shiboken6 import isValid

    for app in apps:
        window = app.window
        app.shut_down()
        if window is not None and isValid(window):
            window.close_warning = None
            window.close()


def configure(db, pack, site="cardiff", workshop=2):
    with Store(db) as store:
        venue.save(store, pack, venue.VenueSettings(site, workshop, ("Table 1", "Table 2")))


@pytest.mark.parametrize("defer_day", [False, True], ids=["built-at-once", "as-launched"])
def test_settings_language_switches_to_welsh_and_keeps_the_running_day(
        make_app, qtbot, tmp_path, default_pack, defer_day):
    db = tmp_path / "venue.db"
    configure(db, default_pack)
    app = make_app(db, defer_day=defer_day)
    with qtbot.waitActive(app.window):
        app.window.show()
        app.window.activateWindow()
    # As launched, the day's console follows the window's first paint.
    qtbot.waitUntil(lambda: app.console is not None)
    qtbot.keyClick(app.console, Qt.Key.Key_Space)  # start the day
    qtbot.keyClick(app.console, Qt.Key.Key_Right)  # the second step
    step = app.model.status.step.id
    assert app.model.status.state == "running"
    assert "&File" in menu_texts(app.window.menuBar())

    choose(qtbot, app.window, "&Settings", "&Language", "Cymraeg")

    qtbot.waitUntil(lambda: "&Ffeil" in menu_texts(app.window.menuBar()))
    qtbot.waitUntil(lambda: app.console is not None)
    assert language.current() == "cy" and i18n.remembered_choice() == "cy"
    # The day carries on: same step, still running, and the console speaks Welsh.
    assert app.model.status.step.id == step and app.model.status.state == "running"
    assert app.pack.lang == "cy"
    assert app.window.status.site_label.text() == "Caerdydd · Gweithdy 2"
    # The console, its step and the capture panel speak Welsh too.
    assert app.console.start_button.text() == "❚❚ Oedi  Bylchwr"
    assert app.console.next_button.text() == "Nesaf ▶  →"
    qtbot.waitUntil(lambda: app.notes is not None)
    assert app.notes.capture.kind_buttons["note"].text() == "Nodyn"
    assert app.notes.capture.kind_buttons["quote"].text().startswith("“Dyfyniad”")
    tabs = [app.window.pages.tabText(i) for i in range(app.window.pages.count())]
    assert "Consol" in tabs and "Cyfranogwyr" in tabs

    # And back: the remembered choice follows.
    choose(qtbot, app.window, "&Gosodiadau", "&Iaith", "English")
    qtbot.waitUntil(lambda: "&File" in menu_texts(app.window.menuBar()))
    qtbot.waitUntil(lambda: app.model is not None)
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


def test_text_without_welsh_stays_english_never_blank(qtbot):
    """A string the dictionary lacks (Qt's own, or new) keeps its English: the Welsh
    translators answer "not mine", never an empty translation."""
    from PySide6.QtCore import QCoreApplication

    language.install("cy")
    assert QCoreApplication.translate("QFileSystemModel", "%1 bytes") == "%1 bytes"
    assert QCoreApplication.translate("MainWindow", "No Welsh for this yet") == \
        "No Welsh for this yet"
    assert QCoreApplication.translate("MainWindow", "&File") == "&Ffeil"
    # An app string that matches Qt's English does not leak into Qt's own classes.
    assert QCoreApplication.translate("QMdiSubWindow", "Delete") == "Delete"


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


# -- the kiosks: the participant chooses ----------------------------------------------


def _tap_card(qtbot, board, use_case):
    qtbot.mouseClick(board, Qt.MouseButton.LeftButton, pos=board.card_rect(use_case).center().toPoint())


def test_a_ranking_ballot_cast_in_welsh_records_cy(qtbot, store, default_pack):
    from facilitator.core import ballots
    from facilitator.ui.kiosk.kiosk_control import KioskControlPanel
    from facilitator.ui.kiosk.kiosk_language import language_buttons

    venue.set_pin(store, "4321")  # the facilitator's PIN, set at venue set-up
    panel = KioskControlPanel(store, default_pack)  # the app is in English
    qtbot.addWidget(panel)
    panel.site_box.setCurrentIndex(panel.site_box.findData("cardiff"))
    panel.workshop_box.setCurrentIndex(panel.workshop_box.findData(2))
    kiosk = panel.open_kiosk()
    qtbot.addWidget(kiosk)
    assert kiosk.current_page() == "language"
    buttons = language_buttons(kiosk.pages["language"])
    assert [b.text() for b in buttons.values()] == ["Cymraeg", "English"]  # Welsh first
    qtbot.mouseClick(buttons["cy"], Qt.MouseButton.LeftButton)

    assert kiosk.current_page() == "ballot"
    assert kiosk.ballot_page.ballot_title.text() == "Rhestrwch y chwe defnydd o AI mewn plismona"
    assert kiosk.ballot_page.submit.text() == "Cyflwyno fy nhrefn"
    assert set(kiosk.board.titles.values()) == {u.title for u in default_pack.localised("cy").use_cases}
    assert "dim wedi’u gosod eto" in kiosk.ballot_page.missing.text()
    for use_case in list(kiosk.board.order):
        _tap_card(qtbot, kiosk.board, use_case)
    qtbot.mouseClick(kiosk.ballot_page.submit, Qt.MouseButton.LeftButton)
    assert kiosk.current_page() == "confirm"
    assert kiosk.confirm_page.cast_button.text() == "Ie, bwrw fy mhleidlais"
    qtbot.mouseClick(kiosk.confirm_page.cast_button, Qt.MouseButton.LeftButton)
    assert kiosk.current_page() == "thanks"
    [ballot] = store.rows("ballots")
    assert ballot["lang"] == "cy" and ballot["source"] == "kiosk"

    # The next person starts from the choice again, and may choose English.
    qtbot.mouseClick(kiosk.thanks_page.next_button, Qt.MouseButton.LeftButton)
    assert kiosk.current_page() == "language"
    qtbot.mouseClick(language_buttons(kiosk.pages["language"])["en"], Qt.MouseButton.LeftButton)
    assert kiosk.ballot_page.ballot_title.text() == "Rank the six uses of AI in policing"
    for use_case in list(kiosk.board.order):
        _tap_card(qtbot, kiosk.board, use_case)
    qtbot.mouseClick(kiosk.ballot_page.submit, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.confirm_page.cast_button, Qt.MouseButton.LeftButton)
    assert sorted(b["lang"] for b in store.rows("ballots")) == ["cy", "en"]
    assert ballots.counted_ballots(store) == 2
    panel.shut_down()


def test_dots_cast_in_welsh_record_cy(qtbot, store, default_pack):
    from facilitator.core import advice
    from facilitator.core.notes import Attribution, save_note
    from facilitator.ui.kiosk.dot_kiosk import DotVotingWindow
    from facilitator.ui.kiosk.kiosk_language import language_buttons

    theme = default_pack.themes_for("advice")[0].id
    for text in ("Cofrestr gyhoeddus o offer AI", "An independent watchdog"):
        save_note(store, Attribution("cardiff", 4, table_name="Table 1"), "advice", text,
                  [theme], None)
    window = DotVotingWindow(store, default_pack, "cardiff", ask_language=True)
    qtbot.addWidget(window)
    window.show()
    assert window.current_page() == "language"
    qtbot.mouseClick(language_buttons(window.language_page)["cy"], Qt.MouseButton.LeftButton)
    assert window.current_page() == "vote"
    assert window.submit_button.text() == "Cyflwyno fy nhotiau"
    assert "o 3 dot ar ôl" in window.remaining.text()
    # The advice stays in the words people wrote; its theme label is Welsh.
    assert {r.item.text for r in window.rows} == {"Cofrestr gyhoeddus o offer AI",
                                                  "An independent watchdog"}
    assert "Goruchwyliaeth ac atebolrwydd" in window.rows[0].meta.text()
    first, second = window.rows
    for row in (first, first, second):
        qtbot.mouseClick(row.plus, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.submit_button, Qt.MouseButton.LeftButton)
    assert window.current_page() == "thanks"
    rows = store.rows("priorities")
    assert rows and {r["lang"] for r in rows} == {"cy"}
    assert advice.tallies(store).by_site["cardiff"]


# -- the audience screen: Welsh, English or both ----------------------------------------


def test_the_audience_shows_welsh_english_or_both_welsh_first(make_app, qtbot, tmp_path,
                                                             default_pack):
    from facilitator.ui.console.audience import AudienceWindow

    db = tmp_path / "venue.db"
    configure(db, default_pack)
    app = make_app(db)
    with qtbot.waitActive(app.window):
        app.window.show()
        app.window.activateWindow()
    audience: AudienceWindow = app.audience
    qtbot.addWidget(audience)
    audience.resize(1366, 768)
    audience.show()
    assert audience.mode == "en"
    qtbot.mouseClick(app.console.start_button, Qt.MouseButton.LeftButton)  # the welcome step
    while audience.current_page() != "card":  # on to the first use-case card
        qtbot.mouseClick(app.console.next_button, Qt.MouseButton.LeftButton)
    english = audience.view.card_title.text()
    assert english == "Summarising large information sets"

    choose(qtbot, app.window, "&View", "Audience &language",
           "Cymraeg and English, side by side")
    assert audience.mode == "both" and i18n.remembered_audience_mode() == "both"
    welsh, second = audience.view, audience.second
    assert welsh.lang == "cy" and second.lang == "en"
    assert welsh.isVisible() and second.isVisible()
    assert welsh.x() < second.x()  # Welsh first, on the left
    assert welsh.card_title.text() == "Crynhoi setiau mawr o wybodaeth"
    assert second.card_title.text() == english
    assert "Manteision posibl" in [w.text() for w in welsh.findChildren(type(welsh.card_title))]
    assert welsh.card_badge.text() == "ACHOS DEFNYDD SYLFAENOL"

    choose(qtbot, app.window, "&View", "Audience &language", "Cymraeg")
    assert audience.mode == "cy" and not audience.views["en"].isVisible()
    assert audience.view.card_title.text() == "Crynhoi setiau mawr o wybodaeth"


def test_the_welsh_kiosk_fits_a_1366x768_laptop_on_every_page(qtbot, store, default_pack):
    """Welsh words are longer: the ballot, the confirmation (with the longest titles) and
    the dot kiosk still fit the laptop's screen, nothing cut off."""
    from facilitator.core import ballots
    from facilitator.ui.kiosk.dot_kiosk import DotVotingWindow
    from facilitator.ui.kiosk.kiosk import KioskWindow

    ballots.set_voting(store, "cardiff", 2, True)
    kiosk = KioskWindow(store, default_pack, "cardiff", 2, ask_language=True)
    qtbot.addWidget(kiosk)
    kiosk.resize(1366, 768)
    kiosk.show()
    kiosk.choose_language("cy")
    longest = sorted(kiosk.board.order, key=lambda u: -len(kiosk.board.titles[u]))
    for use_case in longest:
        _tap_card(qtbot, kiosk.board, use_case)
    qtbot.mouseClick(kiosk.ballot_page.submit, Qt.MouseButton.LeftButton)
    assert kiosk.current_page() == "confirm"
    for page in kiosk.pages.values():
        hint = page.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 768, (page.objectName(), hint)
    assert kiosk.minimumSizeHint().width() <= 1366 and kiosk.minimumSizeHint().height() <= 768
    dots = DotVotingWindow(store, default_pack, "cardiff", ask_language=True)
    qtbot.addWidget(dots)
    dots.choose_language("cy")
    assert dots.minimumSizeHint().width() <= 1366 and dots.minimumSizeHint().height() <= 768
