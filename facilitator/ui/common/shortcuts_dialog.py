"""Help → Keyboard shortcuts: every key the app answers, by the screen it works on.

The menus' shortcuts are read from the menus themselves, so a new menu item is listed
without anyone remembering to; the keys that belong to a screen (console, capture,
kiosks, check-in) are listed here beside the code that binds them.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenuBar, QTextBrowser, QVBoxLayout, QWidget


def tr(text: str) -> str:
    return QCoreApplication.translate("ShortcutsDialog", text)


def screen_keys() -> list[tuple[str, list[tuple[str, str]]]]:
    """(screen, [(keys, what they do)]) for the keys bound inside screens."""
    return [
        (tr("Console (single keys work when no text box has the focus)"), [
            ("Space · Alt+Space", tr("Start, pause or resume the step")),
            ("→ · Alt+→", tr("End this step and start the next")),
            ("← · Alt+←", tr("Back to the step before")),
            ("+ · = · Alt+=", tr("One more minute for this step")),
            ("B · Alt+B", tr("Blank the audience screen, or show it again")),
        ]),
        (tr("Audience window"), [
            ("F11", tr("Full screen on or off")),
            ("Esc", tr("Leave full screen")),
        ]),
        (tr("Capture notes"), [
            ("Enter", tr("Save the note (the box clears)")),
            ("Shift+Enter", tr("A new line in the note")),
            ("Ctrl+'", tr("Verbatim quote on or off")),
            ("Ctrl+;", tr("Advice on or off")),
            ("Ctrl+1 … Ctrl+9", tr("Toggle the first nine themes")),
            ("Ctrl+T", tr("Find or add a theme")),
            ("Ctrl+P", tr("Participant code")),
            ("Esc", tr("Cancel the edit of a saved note")),
            ("Ctrl+Z · Ctrl+Shift+Z", tr("Undo or redo the last edit or delete (box empty)")),
            ("Delete", tr("Delete the selected saved note")),
            ("Alt+Page Up · Alt+Page Down", tr("Note-taker mode: the step before or after")),
        ]),
        (tr("Ballot kiosk"), [
            ("← → ↑ ↓", tr("Choose a card")),
            ("1 … 6", tr("Put the chosen card in that place")),
            ("Ctrl+↑ · Ctrl+↓", tr("Move a placed card up or down one place")),
            ("Delete · Backspace · 0", tr("Take the card out of its place")),
            ("Enter · Space", tr("Press the focused button")),
            ("Ctrl+Shift+L", tr("Lock or unlock the kiosk (facilitator's PIN)")),
            ("Ctrl+Shift+X", tr("Leave the kiosk (facilitator's PIN)")),
        ]),
        (tr("Dot voting kiosk"), [
            ("↑ ↓", tr("Choose an advice item")),
            ("+ · →", tr("Add a dot")),
            ("− · ←", tr("Take a dot off")),
            ("Enter", tr("Submit (on a button: press it)")),
            ("Ctrl+Shift+X", tr("Leave the dot kiosk (facilitator's PIN)")),
        ]),
        (tr("Check-in"), [
            ("Ctrl+F", tr("Find a participant by code")),
            ("Enter", tr("Tick the participant the code names (several: choose one)")),
            ("↓ · Space", tr("Into the list; tick or untick the selected row")),
        ]),
        (tr("Advice"), [
            ("Ctrl+Enter", tr("Combine the selected advice items")),
        ]),
        (tr("Merge window"), [
            ("Esc", tr("Cancel the merge running")),
        ]),
    ]


def menu_keys(bar: QMenuBar) -> list[tuple[str, str]]:
    """(keys, "Menu › Item") for every menu item that has a shortcut."""
    found: list[tuple[str, str]] = []

    def walk(actions: list[QAction], path: list[str]) -> None:
        for action in actions:
            name = action.text().replace("&", "").rstrip("…").strip()
            menu = action.menu()
            if menu is not None:
                walk(menu.actions(), [*path, name])
            elif not action.shortcut().isEmpty():
                found.append((action.shortcut().toString(
                    QKeySequence.SequenceFormat.NativeText), " › ".join([*path, name])))

    walk(bar.actions(), [])
    return found


def shortcuts_html(bar: QMenuBar | None) -> str:
    sections = []
    if bar is not None:
        sections.append((tr("Menus (work anywhere in the main window)"), menu_keys(bar)))
    sections.extend(screen_keys())
    parts = []
    for title, rows in sections:
        cells = "".join(f"<tr><td style='padding:2px 18px 2px 0'><b>{escape(keys)}</b></td>"
                        f"<td>{escape(what)}</td></tr>" for keys, what in rows)
        parts.append(f"<h3>{escape(title)}</h3><table>{cells}</table>")
    return "".join(parts)


class ShortcutsDialog(QDialog):
    """Lists every shortcut; scrolls on a small screen. Signals: none."""

    def __init__(self, bar: QMenuBar | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.setObjectName("shortcuts_dialog")
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setObjectName("shortcuts_text")
        self.browser.setHtml(shortcuts_html(bar))
        layout.addWidget(self.browser)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.resize(720, 600)
        screen = parent.screen() if parent is not None else None
        if screen is not None:
            area = screen.availableGeometry()
            self.resize(min(720, area.width() - 40), min(600, area.height() - 60))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)

    def text(self) -> str:
        return self.browser.toPlainText()
