"""The interface language: Qt translators for Welsh, Welsh dates, and the Language menu.

Two translators serve Welsh. The compiled ``i18n/build/facilitator_cy.qm`` (built at
set-up) answers first; beneath it a translator reading ``i18n/cy.po`` itself answers for
any source text by its English alone, whatever Qt context asks (a module-level ``tr``
helper, a class renamed since the build, a ``.qm`` not built yet). Qt's own buttons
(OK, Cancel, Yes, No…) come from the ``QPlatformTheme`` entries of the same file.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QTranslator, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from facilitator.core import i18n

WELSH_LOCALE = QLocale(QLocale.Language.Welsh, QLocale.Country.UnitedKingdom)


QT_CONTEXT = re.compile(r"^Q[A-Z]")  # QMessageBox, QPlatformTheme… (not QuotasPanel)


class CatalogTranslator(QTranslator):
    """Answers from cy.po by English source text; the Qt context only picks an override."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.catalog = i18n.catalog()

    def isEmpty(self) -> bool:  # noqa: N802 - Qt override
        return not self.catalog.entries

    def language(self) -> str:
        return "cy"

    def translate(self, context: str, source: str, disambiguation: str | None = None,  # noqa: D102
                  n: int = -1) -> str | None:
        # None (a null QString) says "not mine": Qt asks the next translator or keeps
        # the English. An empty string would be taken as the translation.
        if QT_CONTEXT.match(context or ""):
            # Qt's own classes get only the entries written for them (QPlatformTheme…):
            # an app string that happens to match Qt's English must not leak into Qt.
            entry = self.catalog.entry(context, source)
            if entry is None or entry.context != context:
                return None
        return self.catalog.lookup(context, source, n)


class ChosenLanguage:
    """Mixed into a widget: its ``self.tr("…")`` answers in ``self.lang`` (a kiosk's
    participant's choice, one half of a bilingual audience screen) instead of the app's
    language; ``""`` means the app's. Same dictionary, and lupdate still sees a tr()."""

    lang: str = ""

    def tr(self, text: str, disambiguation: str | None = None, n: int = -1) -> str:
        words = i18n.Words(self.lang or _current)
        return words.translate(type(self).__name__, text, disambiguation, n)


_installed: list[QTranslator] = []
_current = i18n.ENGLISH


def system_language() -> str:
    """The system's language as Qt sees it (Windows and macOS set no LANG)."""
    for name in QLocale.system().uiLanguages():
        if name.casefold().startswith("cy"):
            return i18n.WELSH
        return i18n.ENGLISH
    return i18n.system_language()


def install(lang: str) -> str:
    """Make ``lang`` the interface language of this process (widgets built from now on)."""
    global _current
    lang = i18n.normalise(lang)
    app = QCoreApplication.instance()
    for translator in _installed:
        if app is not None:
            QCoreApplication.removeTranslator(translator)
    _installed.clear()
    if lang == i18n.WELSH and app is not None:
        fallback = CatalogTranslator(app)
        QCoreApplication.installTranslator(fallback)
        _installed.append(fallback)
        compiled = QTranslator(app)
        if compiled.load(str(i18n.qm_path())):
            QCoreApplication.installTranslator(compiled)  # asked first
            _installed.append(compiled)
        QLocale.setDefault(WELSH_LOCALE)
    else:
        QLocale.setDefault(QLocale.system())
    i18n.set_language(lang)
    _current = lang
    return lang


def current() -> str:
    return _current


def audience_mode() -> str:
    """The audience screen's language: as chosen on this laptop, else the app's."""
    return i18n.remembered_audience_mode() or _current


def locale_for(lang: str) -> QLocale:
    """Dates and times in ``lang``: ``QLocale("cy_GB")`` says "Dydd Sadwrn, 14 Mawrth"."""
    if i18n.normalise(lang) == i18n.WELSH:
        return WELSH_LOCALE
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


class AudienceLanguageMenu(QObject):
    """View → Audience language: Cymraeg, English, or both side by side (Welsh first).

    ``chosen(str)`` carries ``cy``, ``en`` or ``both``."""

    chosen = Signal(str)

    def __init__(self, menu: QMenu, parent: QWidget, current: str) -> None:
        super().__init__(parent)
        self.menu = menu.addMenu(self.tr("Audience &language"))
        self.group = QActionGroup(self)
        self.actions: dict[str, QAction] = {}
        names = {"cy": "Cymraeg", "en": "English",
                 "both": self.tr("Cymraeg and English, side by side")}
        for mode in i18n.AUDIENCE_MODES:
            action = QAction(names[mode], self)
            action.setCheckable(True)
            action.setChecked(mode == current)
            action.setData(mode)
            self.group.addAction(action)
            self.menu.addAction(action)
            self.actions[mode] = action
        self.group.triggered.connect(lambda action: self.chosen.emit(str(action.data())))

    def set_current(self, mode: str) -> None:
        if mode in self.actions:
            self.actions[mode].setChecked(True)


class LanguageMenu(QObject):
    """Settings → Language: Cymraeg / English, the current one ticked.

    ``chosen(str)`` carries ``cy`` or ``en`` when the user picks the other language.
    The names stay in their own language, so anyone can find theirs.
    """

    chosen = Signal(str)

    def __init__(self, menu: QMenu, parent: QWidget) -> None:
        super().__init__(parent)
        self.menu = menu.addMenu(self.tr("&Language"))
        self.group = QActionGroup(self)
        self.actions: dict[str, QAction] = {}
        for lang in i18n.LANGUAGES:
            action = QAction(i18n.LANGUAGE_NAMES[lang], self)
            action.setCheckable(True)
            action.setChecked(lang == _current)
            action.setData(lang)
            self.group.addAction(action)
            self.menu.addAction(action)
            self.actions[lang] = action
        self.group.triggered.connect(self._triggered)

    def _triggered(self, action: QAction) -> None:
        lang = str(action.data())
        if lang != _current:
            self.chosen.emit(lang)
