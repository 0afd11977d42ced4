"""The participant's language at a kiosk: Cymraeg or English, chosen at the start.

The app's language is the facilitator's; a kiosk speaks the language the person in
front of it chose. Kiosk widgets mix in ``ChosenLanguage``: their ``self.tr("…")`` then
answers in ``self.lang`` from the same Welsh dictionary (i18n/cy.po), and lupdate still
finds every string as an ordinary ``tr()``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from facilitator.core import i18n
from facilitator.ui.common.language import ChosenLanguage  # noqa: F401 - re-exported
from facilitator.ui.common.palette import INK, MUTED
from facilitator.ui.kiosk.kiosk_style import _font
from facilitator.ui.kiosk.pin_gate import KioskButton


def _chooser(choose: Callable[[str], None], lang: str) -> Callable[[], None]:
    def chosen() -> None:  # takes nothing from clicked(bool)
        choose(lang)
    return chosen


def language_page(choose: Callable[[str], None]) -> QWidget:
    """Two large buttons, Cymraeg first, each in its own language, with a bilingual
    heading: the start of every ballot at a kiosk."""
    page = QWidget()
    page.setObjectName("kiosk_language")
    layout = QVBoxLayout(page)
    layout.setContentsMargins(48, 32, 48, 32)
    layout.addStretch(2)
    for text, px, colour in (("Dewiswch eich iaith", 60, INK), ("Choose your language", 44, MUTED)):
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setFont(_font(label, px, colour == INK))
        label.setStyleSheet(f"color: {colour};")
        layout.addWidget(label)
    layout.addSpacing(48)
    row = QHBoxLayout()
    row.setSpacing(48)
    row.addStretch(1)
    for lang in i18n.LANGUAGES:
        button = KioskButton(i18n.LANGUAGE_NAMES[lang])  # Enter presses it too
        button.setObjectName("primary")
        button.setProperty("lang", lang)
        button.setFont(_font(button, 44, True))
        button.setMinimumSize(380, 150)
        button.setAccessibleName(i18n.LANGUAGE_NAMES[lang])
        button.clicked.connect(_chooser(choose, lang))
        row.addWidget(button)
    row.addStretch(1)
    layout.addLayout(row)
    layout.addStretch(3)
    return page


def language_buttons(page: QWidget) -> dict[str, QPushButton]:
    return {str(b.property("lang")): b for b in page.findChildren(QPushButton)}
