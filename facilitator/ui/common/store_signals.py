"""The store's change callback as a Qt signal, delivered on the GUI thread.

Core stays Qt-free: ``Store.add_listener`` takes a plain callback, called on
whichever thread committed (a merge worker, an import). This object turns each
call into ``changed(Change)`` queued to the thread it lives on, so views refresh
after a save, an import or a merge without polling.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot

from facilitator.core.store import Change, Store


class StoreSignals(QObject):
    """Signals: changed(Change) — after each commit, with the tables it touched."""

    changed = Signal(object)
    _relay = Signal(object)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        # Queued even when the commit happened on this thread: a listener never runs
        # inside the transaction's caller, so a slow view cannot delay a save.
        self._relay.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        store.add_listener(self._on_change)
        self.destroyed.connect(lambda *_: store.remove_listener(self._on_change))

    def _on_change(self, change: Change) -> None:
        self._relay.emit(change)

    @Slot(object)
    def _deliver(self, change: Change) -> None:
        self.changed.emit(change)

    def detach(self) -> None:
        self.store.remove_listener(self._on_change)
