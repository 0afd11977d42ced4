"""The facilitator's PIN, asked for inside a kiosk before it is locked, unlocked or
left; and, on the console, a PIN set before a kiosk is first opened.

A kiosk belongs to participants: whoever stands at it cannot leave it, lock it or
decide anything on the facilitator's behalf without the PIN.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from facilitator.core import venue
from facilitator.core.errors import SettingsError
from facilitator.core.store import Store
from facilitator.ui.common.palette import INK, MUTED, YELLOW


def _font(px: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(px)
    font.setBold(bold)
    return font


class KioskButton(QPushButton):
    """A kiosk button: Enter and Return press it as well as Space (Qt's own buttons
    answer only Space outside a dialog)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.isEnabled() \
                and not event.isAutoRepeat():
            self.click()
            return
        super().keyPressEvent(event)


class PinGate(QWidget):
    """A kiosk page asking for the facilitator's PIN.

    Signals: accepted() — the right PIN; cancelled() — Cancel or Esc.
    """

    accepted = Signal()
    cancelled = Signal()
    MAX_TRIES = 5  # then the gate says to use the console instead

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setObjectName("pin_gate")
        self._tries = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addStretch(2)
        self.heading = QLabel(self.tr("Facilitator only"))
        self.heading.setFont(_font(56, True))
        self.purpose = QLabel("")
        self.purpose.setFont(_font(30))
        self.purpose.setWordWrap(True)
        self.purpose.setStyleSheet(f"color: {MUTED};")
        self.edit = QLineEdit()
        self.edit.setObjectName("pin")
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setFont(_font(36))
        self.edit.setMaxLength(venue.PIN_DIGITS[1])
        self.edit.setMaximumWidth(360)
        self.edit.setPlaceholderText(self.tr("PIN"))
        self.edit.returnPressed.connect(self.check)
        self.problem = QLabel("")
        self.problem.setObjectName("pin_problem")
        self.problem.setFont(_font(28, True))
        self.problem.setStyleSheet(f"color: {YELLOW};")
        self.problem.setWordWrap(True)
        buttons = QHBoxLayout()
        self.cancel_button = KioskButton(self.tr("Cancel"))
        self.cancel_button.setFont(_font(28))
        self.cancel_button.clicked.connect(self.cancel)
        self.ok_button = KioskButton(self.tr("OK"))
        self.ok_button.setObjectName("primary")
        self.ok_button.setFont(_font(30, True))
        self.ok_button.clicked.connect(self.check)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok_button)
        buttons.addStretch(1)
        for widget in (self.heading, self.purpose, self.edit, self.problem):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addStretch(3)
        self.heading.setStyleSheet(f"color: {INK};")
        self.setFocusProxy(self.edit)

    def ask(self, purpose: str) -> None:
        self.purpose.setText(purpose)
        self.edit.clear()
        self.problem.clear()
        if not venue.has_pin(self.store):
            self.problem.setText(self.tr("No facilitator PIN is set on this laptop: close "
                                         "this from the Voting page of the console."))
        self.edit.setFocus()

    def check(self) -> None:
        if self._tries >= self.MAX_TRIES:
            self.problem.setText(self.tr("Too many wrong PINs: use the console's Voting "
                                         "page."))
            self.edit.clear()
            return
        if venue.check_pin(self.store, self.edit.text()):
            self._tries = 0
            self.edit.clear()
            self.accepted.emit()
            return
        self._tries += 1
        self.edit.clear()
        self.problem.setText(self.tr("That is not the facilitator's PIN."))
        self.edit.setFocus()

    def cancel(self) -> None:
        self.edit.clear()
        self.problem.clear()
        self.cancelled.emit()

    def reset_tries(self) -> None:
        """The console unlocked or reopened the kiosk: the count starts again."""
        self._tries = 0

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return
        super().keyPressEvent(event)


def tr(text: str) -> str:
    return QCoreApplication.translate("PinGate", text)


def ensure_pin(parent: QWidget, store: Store) -> bool:
    """Before a kiosk opens: a facilitator PIN exists, or the facilitator sets one now."""
    if venue.has_pin(store):
        return True
    QMessageBox.information(parent, tr("Set a facilitator PIN"), tr(
        "Kiosks belong to participants: leaving or locking one asks for the facilitator's "
        "PIN. Set one now (4 to 8 digits); you can change it with the venue set-up."))
    while True:
        pin, ok = QInputDialog.getText(parent, tr("Facilitator PIN"),
                                       tr("New PIN (4 to 8 digits):"),
                                       QLineEdit.EchoMode.Password)
        if not ok:
            return False
        again, ok = QInputDialog.getText(parent, tr("Facilitator PIN"),
                                         tr("The same PIN again:"),
                                         QLineEdit.EchoMode.Password)
        if not ok:
            return False
        if pin != again:
            QMessageBox.warning(parent, tr("Facilitator PIN"),
                                tr("The two PINs differ. Try again."))
            continue
        try:
            venue.set_pin(store, pin)
        except SettingsError as exc:
            QMessageBox.warning(parent, tr("Facilitator PIN"), exc.message)
            continue
        return True
