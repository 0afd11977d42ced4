"""Held ballots on the console: a code voted a second time (at the kiosk or, later, by
phone) and the facilitator decides, with the participant, which ballot counts.

The queue itself is ``core.held`` (Qt-free): the kiosk and the phones both feed it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from facilitator.core import ballots, held
from facilitator.core.errors import FacilitatorError
from facilitator.core.pack import SessionPack
from facilitator.core.store import Change, Store
from facilitator.ui.capture.notes_view import local_time
from facilitator.ui.common.errors import show_error


def _ranking_text(pack: SessionPack, ranking: tuple[str, ...]) -> str:
    titles = {u.id: u.title for u in pack.use_cases}
    return "   ".join(f"{i + 1}. {titles.get(uc, uc)}" for i, uc in enumerate(ranking))


class HeldBallotsView(QWidget):
    """The held ballots of one site and workshop, each with its two decisions.

    Signals: decided(str held id, bool replaced).
    """

    decided = Signal(str, bool)

    def __init__(self, store: Store, pack: SessionPack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.pack = pack
        self.site = ""
        self.workshop = 0
        self.setObjectName("held_ballots")
        self.rows: dict[str, QFrame] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel("")
        self.heading.setObjectName("held_heading")
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold; font-size: 15px;")
        self._layout.addWidget(self.heading)
        self.list_box = QVBoxLayout()
        self._layout.addLayout(self.list_box)

    def show_for(self, site: str, workshop: int) -> None:
        self.site, self.workshop = site, workshop
        self.refresh()

    def store_changed(self, change: Change) -> None:
        if change.tables & {held.CHANGE, "ballots"}:
            self.refresh()

    def refresh(self) -> None:
        for frame in self.rows.values():
            self.list_box.removeWidget(frame)
            frame.setParent(None)  # gone from the window now, not at the next event loop
            frame.deleteLater()
        self.rows = {}
        if self.store.closed or not self.site:
            return
        waiting = [h for h in held.pending(self.store, self.site)
                   if h.kind == "ranking" and h.workshop == self.workshop]
        self.heading.setText(
            self.tr("%n ballot(s) held for your decision: the code had voted before. "
                    "Ask the participant which one should count.", "", len(waiting))
            if waiting else "")
        self.heading.setVisible(bool(waiting))
        for ballot in waiting:
            frame = self._row(ballot)
            self.rows[ballot.id] = frame
            self.list_box.addWidget(frame)
            frame.show()

    def _row(self, ballot: held.HeldBallot) -> QFrame:
        frame = QFrame()
        frame.setObjectName("held_row")
        frame.setStyleSheet("QFrame#held_row { background: #FFF3D6; border-left: 5px solid "
                            "#E69F00; } QFrame#held_row QLabel { color: #000000; }")
        column = QVBoxLayout(frame)
        counted = ballots.ballot_for(self.store, ballot.participant_id, ballot.workshop)
        who = QLabel(self.tr("{code} voted again at {time}").format(
            code=ballot.code, time=local_time(ballot.received_at, "%H:%M")))
        who.setStyleSheet("font-weight: bold;")
        earlier = QLabel(self.tr("Counted now: {ranking}").format(
            ranking=_ranking_text(self.pack, ballots.ranking_of(counted)) if counted
            else self.tr("(none)")))
        new = QLabel(self.tr("Held: {ranking}").format(
            ranking=_ranking_text(self.pack, tuple(ballot.choice))))
        for label in (who, earlier, new):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            column.addWidget(label)
        buttons = QHBoxLayout()
        replace = QPushButton(self.tr("Count the new ballot"))
        replace.setObjectName("held_replace")
        keep = QPushButton(self.tr("Keep the earlier ballot"))
        keep.setObjectName("held_keep")
        replace.clicked.connect(self._decider(ballot.id, True))
        keep.clicked.connect(self._decider(ballot.id, False))
        buttons.addWidget(replace)
        buttons.addWidget(keep)
        buttons.addStretch(1)
        column.addLayout(buttons)
        return frame

    def _decider(self, held_id: str, replace: bool):  # type: ignore[no-untyped-def]
        def decide() -> None:
            self.decide(held_id, replace)
        return decide

    def decide(self, held_id: str, replace: bool) -> None:
        try:
            if replace:
                held.accept(self.store, self.pack, held_id)
            else:
                held.keep_earlier(self.store, held_id)
        except FacilitatorError as exc:
            show_error(self, exc)
        self.refresh()
        self.decided.emit(held_id, replace)
