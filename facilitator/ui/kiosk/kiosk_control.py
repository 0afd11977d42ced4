"""The facilitator's voting page in the main window: open, lock and close the kiosk."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from facilitator.core import ballots, held
from facilitator.core.pack import SessionPack
from facilitator.core.store import Change, Store
from facilitator.ui.kiosk.held_view import HeldBallotsView
from facilitator.ui.kiosk.kiosk import KioskWindow
from facilitator.ui.kiosk.kiosk_style import _font, _voting_open
from facilitator.ui.kiosk.pin_gate import ensure_pin


class KioskControlPanel(QWidget):
    """The facilitator's voting page: open the kiosk, lock it, close voting.

    Signals: kiosk_opened(KioskWindow); voting_changed(str site, int workshop, bool
    open) — voting was opened or closed here.
    """

    kiosk_opened = Signal(object)
    voting_changed = Signal(str, int, bool)

    def __init__(self, store: Store, pack: SessionPack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.pack = pack
        self.kiosk: KioskWindow | None = None
        self.setObjectName("kiosk_controls")
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Ballot kiosk"))
        heading.setFont(_font(heading, 22, True))
        layout.addWidget(heading)
        explain = QLabel(self.tr(
            "Open a full-screen kiosk where participants rank the six use cases, one after "
            "another. Each ballot starts with the cards in a new random order and shows "
            "nothing of the previous one. In the kiosk, Ctrl+Shift+L locks or unlocks it "
            "and Ctrl+Shift+X leaves it; both ask for the facilitator's PIN. A second "
            "ballot for a code that has voted is held here for your decision."))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        form = QHBoxLayout()
        self.site_box = QComboBox()
        for site in pack.sites:
            self.site_box.addItem(site.name, site.id)
        if store.site:
            self.site_box.setCurrentIndex(max(0, self.site_box.findData(store.site)))
        self.workshop_box = QComboBox()
        for workshop in pack.workshops:
            self.workshop_box.addItem(workshop.title, workshop.number)
        current = store.get_setting("workshop")
        if current and current.isdigit():
            self.workshop_box.setCurrentIndex(max(0, self.workshop_box.findData(int(current))))
        site_label = QLabel(self.tr("&Site:"))
        site_label.setBuddy(self.site_box)
        workshop_label = QLabel(self.tr("&Workshop:"))
        workshop_label.setBuddy(self.workshop_box)
        form.addWidget(site_label)
        form.addWidget(self.site_box)
        form.addWidget(workshop_label)
        form.addWidget(self.workshop_box, 1)
        layout.addLayout(form)
        self.state_label = QLabel()
        self.state_label.setObjectName("voting_state")
        self.state_label.setFont(_font(self.state_label, 18, True))
        layout.addWidget(self.state_label)
        buttons = QHBoxLayout()
        self.open_button = QPushButton(self.tr("&Open kiosk full screen"))
        self.open_button.clicked.connect(self.open_kiosk)
        self.lock_button = QPushButton(self.tr("&Lock kiosk"))
        self.lock_button.setCheckable(True)
        self.lock_button.clicked.connect(self.toggle_lock)
        self.voting_button = QPushButton()
        self.voting_button.clicked.connect(self.toggle_voting)
        for button in (self.open_button, self.lock_button, self.voting_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.held = HeldBallotsView(store, pack)
        layout.addWidget(self.held)
        layout.addStretch(1)
        self.site_box.currentIndexChanged.connect(self.refresh)
        self.workshop_box.currentIndexChanged.connect(self.refresh)
        self.refresh()

    @property
    def site(self) -> str:
        return str(self.site_box.currentData())

    @property
    def workshop(self) -> int:
        return int(self.workshop_box.currentData())

    def store_changed(self, change: Change) -> None:
        self.held.store_changed(change)

    def refresh(self, *_args: object) -> None:
        if self.store.closed:
            return
        self.held.show_for(self.site, self.workshop)
        open_now = _voting_open(self.store, self.site, self.workshop)
        self.state_label.setText(
            (self.tr("● Voting is open for {site}, workshop {n}.") if open_now
             else self.tr("■ Voting is closed for {site}, workshop {n}.")).format(
                site=self.pack.site(self.site).name, n=self.workshop))
        self.voting_button.setText(self.tr("&Close voting") if open_now
                                   else self.tr("Open &voting"))
        kiosk = self.kiosk
        self.lock_button.setEnabled(kiosk is not None)
        self.lock_button.setChecked(bool(kiosk and kiosk.locked))
        self.lock_button.setText(self.tr("&Unlock kiosk") if kiosk and kiosk.locked
                                 else self.tr("&Lock kiosk"))

    def open_kiosk(self) -> KioskWindow | None:
        """Open (or bring back) the kiosk; voting opens with it if it was closed. None if
        the facilitator declined to set a PIN."""
        if self.kiosk is not None and (self.kiosk.site, self.kiosk.workshop) != (
                self.site, self.workshop):
            self.kiosk.close()
            self.kiosk.deleteLater()
            self.kiosk = None
        if not ensure_pin(self, self.store):
            return self.kiosk
        if not _voting_open(self.store, self.site, self.workshop):
            ballots.set_voting(self.store, self.site, self.workshop, True)
            self.voting_changed.emit(self.site, self.workshop, True)
        if self.kiosk is None:
            # Owned by this page, but a window of its own (full screen).
            # Each ballot starts with the participant's Cymraeg / English choice.
            self.kiosk = KioskWindow(self.store, self.pack, self.site, self.workshop,
                                     parent=self, ask_language=True)
            self.kiosk.lock_changed.connect(self.refresh)
            self.kiosk.ballot_held.connect(self.refresh)
            self.kiosk.left.connect(self._kiosk_left)
            self.kiosk_opened.emit(self.kiosk)
        self.kiosk.voting_reopened()
        self.kiosk.show_kiosk()
        self.refresh()
        return self.kiosk

    def _kiosk_left(self) -> None:
        self.refresh()

    def toggle_lock(self) -> None:
        if self.kiosk is not None:
            self.kiosk.toggle_lock()
        self.refresh()

    def toggle_voting(self) -> None:
        open_now = _voting_open(self.store, self.site, self.workshop)
        if open_now:
            question = self.tr("Close voting for this workshop? The kiosk stops taking "
                               "ballots and shows “Voting has closed”. You can open voting "
                               "again later.")
            if any(h.workshop == self.workshop for h in held.pending(self.store, self.site)):
                question += "\n\n" + self.tr("Ballots are still held for your decision: "
                                              "decide them first, or open voting again "
                                              "later to count them.")
            answer = QMessageBox.question(self, self.tr("Close voting"), question)
            if answer != QMessageBox.StandardButton.Yes:
                return
        ballots.set_voting(self.store, self.site, self.workshop, not open_now)
        self.voting_changed.emit(self.site, self.workshop, not open_now)
        if self.kiosk is not None and (self.kiosk.site, self.kiosk.workshop) == (
                self.site, self.workshop):
            if open_now:
                self.kiosk.show_closed()
            else:
                self.kiosk.voting_reopened()
        self.refresh()

    def shut_down(self) -> None:
        if self.kiosk is not None:
            self.kiosk.close()
            self.kiosk.deleteLater()
            self.kiosk = None
