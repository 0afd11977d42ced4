"""The facilitator's side of a ballot kiosk: locking, unlocking and leaving it, each
behind the facilitator's PIN, asked on a page of the kiosk itself. A part of KioskWindow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from facilitator.ui.kiosk.pin_gate import PinGate


class KioskPinFlow:
    """Builds the PIN page and runs what the PIN guards (a part of KioskWindow)."""

    store: Any
    stack: Any
    pages: dict[str, QWidget]
    locked: bool

    def _build_pin(self) -> None:
        self.pin_gate = PinGate(self.store)
        self.stack.addWidget(self.pin_gate)
        self.pages["pin"] = self.pin_gate
        self.pin_gate.accepted.connect(self._pin_accepted)
        self.pin_gate.cancelled.connect(self._pin_cancelled)
        self._pin_action: Callable[[], None] | None = None
        self._before_pin = "ballot"

    # -- flow ------------------------------------------------------------------------------

    def _ask_pin(self, purpose: str, action: Callable[[], None]) -> None:
        current = self.current_page()
        if current != "pin":
            self._before_pin = current
        self._pin_action = action
        self.pin_gate.ask(purpose)
        self.show_page("pin")

    def request_lock(self) -> None:
        """Ctrl+Shift+L at the kiosk: lock or unlock, behind the facilitator's PIN."""
        if self.locked:
            self._ask_pin(self.tr("Enter the PIN to unlock this screen."),
                          lambda: self.set_locked(False))
        else:
            self._ask_pin(self.tr("Enter the PIN to lock this screen."),
                          lambda: self.set_locked(True))

    def request_leave(self) -> None:
        """Ctrl+Shift+X at the kiosk: leave it, behind the facilitator's PIN."""
        self._ask_pin(self.tr("Enter the PIN to close the kiosk."), self.leave)

    def _pin_accepted(self) -> None:
        action, self._pin_action = self._pin_action, None
        self._leave_pin()
        if action is not None:
            action()

    def _pin_cancelled(self) -> None:
        self._pin_action = None
        self._leave_pin()

    def _leave_pin(self) -> None:
        if self.current_page() == "pin":
            self.stack.setCurrentWidget(self.pages[self._before_pin])
            self.show_page(self._before_pin)
