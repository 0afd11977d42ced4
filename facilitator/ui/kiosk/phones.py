"""Phone voting's console side: Voting → Phones, and the join slide for the room.

``PhoneVoting`` owns the server (``facilitator/serve``) for one vote and turns its
news (from server threads) into a queued ``changed`` signal. ``PhonesPanel`` is the
facilitator's page: which ballot, which network, start and stop, the address, how
many phones have the page open, ballots in, and the ballots held for a decision.
``PhoneJoinSlide`` is what the audience screen shows: the QR code (segno's matrix,
painted) and the address in large type.

Database work of a request happens on the server's own thread and connection; the
GUI thread only hears that something changed, and coalesces that into one refresh.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from PySide6.QtCore import QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from facilitator.core import advice, ballots, held
from facilitator.core.errors import FacilitatorError
from facilitator.core.pack import SessionPack
from facilitator.core.store import Store
from facilitator.serve.server import PhoneServer, ServeError
from facilitator.serve.vote import PhoneVote
from facilitator.ui.common.errors import show_error
from facilitator.ui.common.palette import BACKGROUND, INK, MUTED, SKY
from facilitator.ui.kiosk.held_view import HeldBallotsView

PREFERRED_PORT = 8765


def network_addresses() -> list[tuple[str, str]]:
    """(interface name, IPv4 address) of each network phones could reach this laptop
    on: up, running, not loopback, not link-local; private addresses first."""
    from PySide6.QtNetwork import QAbstractSocket, QNetworkInterface

    flags = QNetworkInterface.InterfaceFlag
    found: list[tuple[str, str]] = []
    for interface in QNetworkInterface.allInterfaces():
        state = interface.flags()
        if not (state & flags.IsUp and state & flags.IsRunning) or state & flags.IsLoopBack:
            continue
        for entry in interface.addressEntries():
            ip = entry.ip()
            if ip.protocol() != QAbstractSocket.NetworkLayerProtocol.IPv4Protocol:
                continue
            address = ipaddress.IPv4Address(ip.toString())
            if address.is_loopback or address.is_link_local or address.is_unspecified:
                continue
            found.append((interface.humanReadableName(), str(address)))
    return sorted(found, key=lambda pair: not ipaddress.IPv4Address(pair[1]).is_private)


class PhoneVoting(QObject):
    """The phone server of one open vote. Signals: changed() — started, stopped, a page
    opened, a ballot recorded or held (always delivered on the GUI thread)."""

    changed = Signal()
    _poke = Signal()

    def __init__(self, store: Store, pack: SessionPack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.pack = pack
        self.server: PhoneServer | None = None
        self._poke.connect(self.changed, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        return self.server is not None

    @property
    def vote(self) -> PhoneVote | None:
        return self.server.vote if self.server is not None else None

    def start(self, *, site: str, workshop: int | None, kind: str, host: str = "0.0.0.0",
              port: int = PREFERRED_PORT, needs_code: bool | None = None) -> PhoneServer:
        """Serve the vote (the port after ``port`` if it is taken). Raises FacilitatorError."""
        self.stop()
        vote = PhoneVote(self.store, self.pack, site=site, workshop=workshop, ballot=kind,
                         needs_code=needs_code, on_change=self._poke.emit)
        last_error: ServeError | None = None
        for candidate in ([port, *range(port + 1, port + 10), 0] if port else [0]):
            server = PhoneServer(vote, host, candidate)
            try:
                server.start()
            except ServeError as exc:
                last_error = exc
                continue
            self.server = server
            self.changed.emit()
            return server
        vote.close()
        assert last_error is not None
        raise last_error

    def stop(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            server.stop()
            self.changed.emit()


class PhoneJoinSlide(QWidget):
    """The room's "vote on your phone" slide: the QR code and the address, large."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url = ""
        self._matrix: list[list[bool]] = []
        self.setObjectName("phoneJoinSlide")
        self.setMinimumSize(320, 180)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(1280, 720)

    def set_url(self, url: str) -> None:
        import segno

        self.url = url
        self._matrix = [[bool(cell) for cell in row]
                        for row in segno.make(url, error="m").matrix_iter(border=4)] if url else []
        self.update()

    def matrix(self) -> list[list[bool]]:
        return self._matrix

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(BACKGROUND))
        w, h = float(self.width()), float(self.height())
        margin = min(w, h) * 0.05
        side = min(h - 2 * margin, w * 0.45)
        qr = QRectF(w - margin - side, (h - side) / 2, side, side)
        painter.fillRect(qr, QColor("#FFFFFF"))
        if self._matrix:
            cells = len(self._matrix)
            size = side / cells
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#000000"))
            for y, row in enumerate(self._matrix):
                for x, dark in enumerate(row):
                    if dark:
                        painter.drawRect(QRectF(qr.x() + x * size, qr.y() + y * size,
                                                size + 0.5, size + 0.5))
        text = QRectF(margin, margin, qr.x() - 2 * margin, h - 2 * margin)
        scale = min(w / 1440, h / 1080)

        def font(px: float, bold: bool = False) -> QFont:
            f = QFont(self.font())
            f.setPixelSize(max(8, round(px * scale)))
            f.setBold(bold)
            return f

        flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
        blocks = [
            (self.tr("Vote on your phone"), font(84, True), INK),
            (self.tr("1. Join the venue's Wi-Fi (or this laptop's hotspot)."), font(44), INK),
            (self.tr("2. Scan the code with the camera, or type this address:"), font(44), INK),
            (self.url.removeprefix("http://").rstrip("/"), font(72, True), SKY),
            (self.tr("No app and no internet needed. Your vote is not shown to anyone."),
             font(34), MUTED),
        ]
        top = text.y() + text.height() * 0.08
        for words, f, colour in blocks:
            painter.setFont(f)
            painter.setPen(QColor(colour))
            bound = painter.boundingRect(QRectF(text.x(), top, text.width(), h), flags, words)
            painter.drawText(QRectF(text.x(), top, text.width(), bound.height()), flags, words)
            top += bound.height() + 28 * scale
        painter.end()


class PhonesPanel(QWidget):
    """Voting → Phones: start and stop phone voting for this laptop's site and workshop.

    Signals: audience_slide(bool) — show (or stop showing) the join slide on the
    audience screen.
    """

    audience_slide = Signal(bool)

    def __init__(self, store: Store, pack: SessionPack, parent: QWidget | None = None,
                 *, addresses: Any = network_addresses) -> None:
        super().__init__(parent)
        self.store = store
        self.pack = pack
        self._addresses = addresses
        self._audience: Any = None
        self.voting = PhoneVoting(store, pack, self)
        self.voting.changed.connect(self._schedule_refresh)
        self.join_slide = PhoneJoinSlide()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)  # a burst of ballots: one refresh
        self._refresh_timer.timeout.connect(self.refresh)
        self.setObjectName("phones_panel")
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Phone voting"))
        font = QFont(heading.font())
        font.setPixelSize(22)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        explain = QLabel(self.tr(
            "Participants vote on their own phones over this laptop's network: no internet "
            "and no app to install. Their phones must be on the same Wi-Fi as this laptop, "
            "or on its hotspot. The same rules as the kiosk: one ballot per participant "
            "code, and a second ballot from the same code waits here for your decision."))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        form = QFormLayout()
        self.place_label = QLabel()
        form.addRow(self.tr("Vote for:"), self.place_label)
        self.kind_box = QComboBox()
        self.kind_box.addItem(self.tr("Ranking of the six use cases"), "ranking")
        self.kind_box.addItem(self.tr("Dots on the combined advice"), "dots")
        form.addRow(self.tr("&Ballot:"), self.kind_box)
        self.network_box = QComboBox()
        form.addRow(self.tr("&Network:"), self.network_box)
        self.codes_box = QCheckBox(self.tr("Phones ask for the participant &code"))
        form.addRow("", self.codes_box)
        self.show_box = QCheckBox(self.tr("Show the address and QR code on the &audience "
                                          "screen"))
        self.show_box.setChecked(True)
        self.show_box.toggled.connect(self._audience_toggled)
        form.addRow("", self.show_box)
        layout.addLayout(form)
        self.no_network = QLabel(self.tr(
            "This laptop has no network that phones could reach: turn on the laptop's "
            "hotspot, or join the venue Wi-Fi, then press Look again."))
        self.no_network.setWordWrap(True)
        self.no_network.setObjectName("no_network")
        self.no_network.setStyleSheet("color: #000; background: #E69F00; padding: 8px; "
                                      "font-weight: bold;")
        layout.addWidget(self.no_network)
        buttons = QHBoxLayout()
        self.start_button = QPushButton(self.tr("&Start phone voting"))
        self.start_button.setObjectName("start_phones")
        self.start_button.clicked.connect(self.toggle)
        self.rescan_button = QPushButton(self.tr("&Look again for networks"))
        self.rescan_button.clicked.connect(self.find_networks)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.rescan_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.address_label = QLabel()
        self.address_label.setObjectName("phones_address")
        self.address_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        big = QFont(self.address_label.font())
        big.setPixelSize(30)
        big.setBold(True)
        self.address_label.setFont(big)
        layout.addWidget(self.address_label)
        self.counts_label = QLabel()
        self.counts_label.setObjectName("phones_counts")
        counts_font = QFont(self.counts_label.font())
        counts_font.setPixelSize(18)
        counts_font.setBold(True)
        self.counts_label.setFont(counts_font)
        self.counts_label.setWordWrap(True)
        layout.addWidget(self.counts_label)
        # Second ballots wait in the kiosk's queue (core.held): rankings are decided in
        # its view (here or on the Voting page), sheets of dots in the list below.
        self.held_rankings = HeldBallotsView(store, pack)
        layout.addWidget(self.held_rankings)
        self.held_dots_label = QLabel(self.tr("Second sheets of dots held for your "
                                              "decision (the code had voted before):"))
        self.held_dots_label.setWordWrap(True)
        layout.addWidget(self.held_dots_label)
        self.held_list = QListWidget()
        self.held_list.setObjectName("held_dot_sheets")
        layout.addWidget(self.held_list)
        decide = QHBoxLayout()
        self.accept_button = QPushButton(self.tr("Count the new dots"))
        self.accept_button.clicked.connect(self.accept_held)
        self.keep_button = QPushButton(self.tr("Keep the earlier dots"))
        self.keep_button.clicked.connect(self.keep_held)
        decide.addWidget(self.accept_button)
        decide.addWidget(self.keep_button)
        decide.addStretch(1)
        layout.addLayout(decide)
        layout.addStretch(1)
        self.held_list.currentRowChanged.connect(lambda _row: self._update_decide())
        self.codes_box.setChecked(self._has_roster())
        self.find_networks()
        self.network_box.currentIndexChanged.connect(lambda _i: self.refresh())

    # -- what to serve -------------------------------------------------------------------

    @property
    def site(self) -> str:
        return self.store.site

    @property
    def workshop(self) -> int | None:
        value = self.store.get_setting("workshop") or ""
        return int(value) if value.isdigit() else None

    @property
    def kind(self) -> str:
        return str(self.kind_box.currentData())

    def find_networks(self) -> None:
        chosen = self.network_box.currentData()
        self.network_box.clear()
        for name, address in self._addresses():
            self.network_box.addItem(f"{address}  ({name})", address)
        if chosen is not None:
            self.network_box.setCurrentIndex(max(0, self.network_box.findData(chosen)))
        none = self.network_box.count() == 0
        self.no_network.setVisible(none)
        self.network_box.setEnabled(not none)
        self.refresh()

    def url(self) -> str:
        server = self.voting.server
        if server is None:
            return ""
        return server.url(self.network_box.currentData() or None)

    # -- start and stop ------------------------------------------------------------------

    def toggle(self) -> None:
        if self.voting.running:
            self.stop()
        else:
            self.start()

    def start(self) -> bool:
        if not self.site:
            QMessageBox.information(self, self.tr("Phone voting"), self.tr(
                "Set up the venue first (Settings → Venue): phones vote for its site."))
            return False
        if self.network_box.count() == 0:
            self.find_networks()
            if self.network_box.count() == 0:
                QMessageBox.warning(self, self.tr("Phone voting"), self.no_network.text())
                return False
        try:
            # Listen on the chosen network only: not on every network the laptop is on.
            self.voting.start(site=self.site, workshop=self.workshop, kind=self.kind,
                              host=str(self.network_box.currentData()),
                              needs_code=self.codes_box.isChecked())
        except FacilitatorError as exc:
            show_error(self, exc)
            return False
        self.join_slide.set_url(self.url())
        if self.show_box.isChecked():
            self.audience_slide.emit(True)
        self.refresh()
        return True

    def stop(self) -> None:
        if self.voting.running:
            self.voting.stop()
            self.audience_slide.emit(False)
        self.refresh()

    def voting_changed(self, site: str, workshop: int, is_open: bool) -> None:
        """The kiosk page opened or closed voting: a closed ranking stops the phones."""
        vote = self.voting.vote
        if (not is_open and vote is not None and vote.kind == "ranking"
                and (vote.site, vote.workshop) == (site, workshop)):
            self.stop()

    def shut_down(self) -> None:
        """The day ends (the window closes or another database opens)."""
        self._refresh_timer.stop()
        self.voting.stop()

    def _audience_toggled(self, on: bool) -> None:
        if self.voting.running:
            self.audience_slide.emit(on)

    def attach_audience(self, audience: Any) -> None:
        """The audience window shows the join slide while phone voting is on (None: none)."""
        if self._audience is not None:
            self.audience_slide.disconnect(self._audience.set_phones_shown)
            self._audience.set_phones_shown(False)
            self._audience.set_phones_widget(None)
        self._audience = audience
        if audience is not None:
            audience.set_phones_widget(self.join_slide)
            self.audience_slide.connect(audience.set_phones_shown)
            audience.set_phones_shown(self.voting.running and self.show_box.isChecked())

    # -- what the console shows ----------------------------------------------------------

    def _schedule_refresh(self) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _ballots_in(self, site: str, workshop: int, kind: str) -> int:
        if kind == "ranking":
            return ballots.counted_ballots(self.store, site, workshop)
        return advice.tallies(self.store).sheets_by_site.get(site, 0)

    def refresh(self) -> None:
        if self.store.closed:
            return
        running = self.voting.running
        vote = self.voting.vote
        site_name = next((s.name for s in self.pack.sites if s.id == self.site), "")
        workshop = self.workshop
        self.place_label.setText(
            self.tr("{site} · Workshop {n}").format(site=site_name, n=workshop)
            if site_name and workshop else site_name or self.tr("the venue is not set up"))
        for widget in (self.kind_box, self.codes_box, self.network_box, self.rescan_button):
            widget.setEnabled(not running and (widget is not self.network_box
                                               or self.network_box.count() > 0))
        self.start_button.setText(self.tr("&Stop phone voting") if running
                                  else self.tr("&Start phone voting"))
        if vote is not None:
            url = self.url()
            if url != self.join_slide.url:
                self.join_slide.set_url(url)
            self.address_label.setText(url)
            counts = self.tr("Phones with the page open: {open} · Ballots in: {total} "
                             "(from phones: {phones}) · Waiting for you: {held}").format(
                open=vote.stats.pages_open,
                total=self._ballots_in(vote.site, vote.workshop, vote.kind),
                phones=vote.stats.recorded, held=self._waiting(vote))
            self.counts_label.setText(counts)
        else:
            self.address_label.setText(self.tr("Phone voting is off."))
            self.counts_label.setText("")
        self._fill_held()

    def _waiting(self, vote: PhoneVote) -> int:
        return len([h for h in held.pending(self.store, vote.site) if h.kind == vote.kind
                    and (vote.kind == "dots" or h.workshop == vote.workshop)])

    def _has_roster(self) -> bool:
        row = self.store.db.execute(
            "SELECT 1 FROM participants WHERE site = ? AND deleted = 0 AND withdrawn = 0 "
            "LIMIT 1", [self.site]).fetchone()
        return row is not None

    def _fill_held(self) -> None:
        workshop = self.workshop
        if self.site and workshop is not None:
            self.held_rankings.show_for(self.site, workshop)
        chosen = self.held_list.currentItem()
        chosen_id = chosen.data(Qt.ItemDataRole.UserRole) if chosen else None
        self.held_list.clear()
        waiting = [h for h in held.pending(self.store, self.site) if h.kind == "dots"]
        texts = ({i.id: i.text for i in advice.advice_items(self.store, self.pack)}
                 if waiting else {})
        for sheet in waiting:
            what = "; ".join(f"{advice.short_text(texts.get(i, i), 40)}: {d}"
                             for i, d in dict(sheet.choice).items())
            item = QListWidgetItem(self.tr("{code}: {choice}").format(code=sheet.code,
                                                                     choice=what))
            item.setData(Qt.ItemDataRole.UserRole, sheet.id)
            self.held_list.addItem(item)
            if sheet.id == chosen_id:
                self.held_list.setCurrentItem(item)
        if self.held_list.currentItem() is None and self.held_list.count():
            self.held_list.setCurrentRow(0)
        for widget in (self.held_dots_label, self.held_list, self.accept_button,
                       self.keep_button):
            widget.setVisible(bool(waiting))
        self._update_decide()

    def _update_decide(self) -> None:
        chosen = self.held_list.currentItem() is not None
        self.accept_button.setEnabled(chosen)
        self.keep_button.setEnabled(chosen)

    def _chosen_held(self) -> str | None:
        item = self.held_list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def accept_held(self) -> None:
        self._decide(replace=True)

    def keep_held(self) -> None:
        self._decide(replace=False)

    def _decide(self, *, replace: bool) -> None:
        record_id = self._chosen_held()
        if record_id is None:
            return
        try:
            if replace:
                held.accept(self.store, self.pack, record_id)
            else:
                held.keep_earlier(self.store, record_id)
        except FacilitatorError as exc:
            show_error(self, exc)
        self.refresh()

    def store_changed(self, change: object) -> None:
        self.held_rankings.store_changed(change)  # type: ignore[arg-type]
        self._schedule_refresh()
