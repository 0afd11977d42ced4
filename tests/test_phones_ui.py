"""Voting → Phones on the console, driven as the facilitator would: pick the ballot,
press Start, watch phones arrive, decide a second ballot, close voting; the audience
screen shows the QR code and the address while phones vote."""

from __future__ import annotations

import json

import pytest
import segno
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from serve_support import SHOTS, Phone, roster

from facilitator.core import ballots, held
from facilitator.core.paths import resolve
from facilitator.ui.console.audience import AudienceWindow
from facilitator.ui.kiosk.kiosk_control import KioskControlPanel
from facilitator.ui.kiosk.phones import PhonesPanel, network_addresses
from facilitator.ui.main_window import MainWindow

IDS = ["summarising_basic", "summarising_sensitive", "call_101", "call_999_transfer",
       "hotspots", "reoffending"]
LOOPBACK = [("test network", "127.0.0.1")]


@pytest.fixture
def panel(qtbot, store, default_pack):
    store.set_setting("site", "cardiff")
    store.set_setting("workshop", "2")
    widget = PhonesPanel(store, default_pack, addresses=lambda: LOOPBACK)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    yield widget
    widget.shut_down()


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def phone_for(panel: PhonesPanel, number: int) -> Phone:
    server = panel.voting.server
    assert server is not None
    return Phone(server, number)


def test_start_shows_the_address_and_counts_phones(qtbot, panel, store, default_pack,
                                                   tmp_path):
    roster(store, default_pack, tmp_path, ["CDF-01"])
    panel.codes_box.setChecked(True)
    audience = AudienceWindow(default_pack)
    qtbot.addWidget(audience)
    audience.resize(1280, 720)
    panel.attach_audience(audience)
    assert panel.place_label.text() == "Cardiff · Workshop 2"
    click(qtbot, panel.start_button)
    assert panel.voting.running
    url = panel.url()
    assert url.startswith("http://127.0.0.1:") and panel.address_label.text() == url
    assert panel.start_button.text() == "&Stop phone voting"
    assert not panel.kind_box.isEnabled()  # the ballot cannot change mid-vote
    assert ballots.voting_state(store, "cardiff", 2) == "open"
    # The room sees how to join: the QR code of exactly this address.
    assert audience.current_page() == "phones"
    expected = [[bool(c) for c in row] for row in segno.make(url, error="m").matrix_iter(border=4)]
    assert panel.join_slide.matrix() == expected
    phone = phone_for(panel, 31)
    phone.open_page()
    qtbot.waitUntil(lambda: "page open: 1 " in panel.counts_label.text(), timeout=5000)
    assert phone.send(ranking=IDS, code="CDF-01")[0] == 201
    qtbot.waitUntil(lambda: "Ballots in: 1 (from phones: 1)" in panel.counts_label.text(),
                    timeout=5000)
    assert "page open: 0 " in panel.counts_label.text()
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        panel.grab().save(str(SHOTS / "console-phones.png"))
        audience.show()
        qtbot.waitExposed(audience)
        audience.grab().save(str(SHOTS / "audience-qr.png"))
    click(qtbot, panel.start_button)  # Stop
    assert not panel.voting.running and audience.current_page() != "phones"
    assert panel.address_label.text() == "Phone voting is off."
    panel.attach_audience(None)


def test_a_second_ballot_is_decided_on_the_phones_page(qtbot, panel, store, default_pack,
                                                       tmp_path):
    roster(store, default_pack, tmp_path, ["CDF-01"])
    panel.codes_box.setChecked(True)
    click(qtbot, panel.start_button)
    first, second = phone_for(panel, 32), phone_for(panel, 33)
    first.open_page()
    assert first.send(ranking=IDS, code="CDF-01")[0] == 201
    second.open_page()
    assert second.send(ranking=IDS[::-1], code="CDF-01") == (202, {"held": True})
    qtbot.waitUntil(lambda: "Waiting for you: 1" in panel.counts_label.text(), timeout=5000)
    qtbot.waitUntil(lambda: len(panel.held_rankings.rows) == 1, timeout=5000)
    row = next(iter(panel.held_rankings.rows.values()))
    click(qtbot, row.findChild(type(panel.start_button), "held_replace"))
    assert held.pending(store) == []
    counted = store.rows("ballots", "deleted = 0")
    assert len(counted) == 1 and json.loads(counted[0]["ranking"]) == IDS[::-1]


def test_closing_voting_on_the_kiosk_page_stops_the_phones(qtbot, panel, store, default_pack,
                                                           monkeypatch):
    kiosk = KioskControlPanel(store, default_pack)
    qtbot.addWidget(kiosk)
    kiosk.voting_changed.connect(panel.voting_changed)
    click(qtbot, panel.start_button)
    port = panel.voting.server.port
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    click(qtbot, kiosk.voting_button)  # Close voting
    assert ballots.voting_state(store, "cardiff", 2) == "closed"
    assert not panel.voting.running
    import socket
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_no_network_is_said_plainly(qtbot, store, default_pack, monkeypatch):
    store.set_setting("site", "cardiff")
    store.set_setting("workshop", "2")
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warned.append(text))
    panel = PhonesPanel(store, default_pack, addresses=lambda: [])
    qtbot.addWidget(panel)
    panel.show()
    assert panel.no_network.isVisible()
    assert "turn on the laptop's hotspot, or join the venue Wi-Fi" in panel.no_network.text()
    click(qtbot, panel.start_button)
    assert not panel.voting.running and warned and "hotspot" in warned[0]


def test_dots_from_phones_on_the_console(qtbot, panel, store, default_pack):
    from test_serve import advice_list

    combo, _watchdog, bias, _ = advice_list(store, default_pack)
    panel.kind_box.setCurrentIndex(panel.kind_box.findData("dots"))
    click(qtbot, panel.start_button)
    phone = phone_for(panel, 34)
    assert phone.open_page()["ballot"] == "dots"
    assert phone.send(dots={combo: 2, bias: 1})[0] == 201
    qtbot.waitUntil(lambda: "Ballots in: 1 (from phones: 1)" in panel.counts_label.text(),
                    timeout=5000)


def test_the_laptops_addresses_come_from_qt():
    found = network_addresses()
    assert all(not address.startswith(("127.", "169.254.")) for _name, address in found)


def test_voting_menu_has_phones(qtbot, store, default_pack):
    window = MainWindow(store, default_pack, resolve(str(store.path), str(default_pack.path)))
    qtbot.addWidget(window)
    action = next(a for a in window.voting_menu.actions() if a.text() == "&Phones…")
    action.trigger()
    assert window.pages.currentWidget() is window.votes.phones
    window.tasks.setParent(None)
    window.votes.phones.shut_down()


def test_in_the_app_the_room_sees_the_qr_code_and_the_day_ending_stops_phones(
        qtbot, tmp_path, default_pack):
    from fakes import FakeClock

    from facilitator.app import FacilitatorApp
    from facilitator.core import venue
    from facilitator.core.store import Store

    db = tmp_path / "venue.db"
    with Store(db) as setup:
        venue.save(setup, default_pack, venue.VenueSettings("cardiff", 2, ("Table 1",)))
    app = FacilitatorApp(resolve(str(db), None), ask_venue=False, show_audience=False,
                         clock=FakeClock())
    qtbot.addWidget(app.window)
    try:
        window = app.window
        qtbot.waitUntil(lambda: window.vote_pages_built, timeout=5000)
        next(a for a in window.voting_menu.actions() if a.text() == "&Phones…").trigger()
        phones = window.votes.phones
        assert window.pages.currentWidget() is phones
        phones._addresses = lambda: LOOPBACK
        phones.find_networks()
        click(qtbot, phones.start_button)
        assert phones.voting.running
        assert app.audience.current_page() == "phones"
        assert app.console.preview.current_page() == "phones"  # the console's preview too
        port = phones.voting.server.port
    finally:
        app.shut_down()
    assert not window.phones.voting.running
    import socket
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
