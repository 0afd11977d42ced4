"""Menu actions, made one way for every menu of the main window."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def menu_action(window: QWidget, text: str, slot: Callable[[], object],
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                ) -> QAction:
    """An action parented to ``window``, as all its menus' actions are: the shortcut
    works wherever the window has focus, and the Help list of shortcuts finds it."""
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    return action
