"""Languages without Qt: the Welsh dictionary, the chosen language, and lookups for reports.

The Welsh lives in ``i18n/cy.po``, keyed by the English source text (a ``msgctxt``
entry overrides it for one Qt context). The app's Qt translator and the reports read the
same file, so a term is the same on the screen, in the pack and in a PDF.

Which language: ``--lang`` (cli), else ``$FACILITATOR_LANG``, else the choice remembered
from Settings → Language, else the system locale (Welsh when it says ``cy``), else
English.

Code outside Qt marks its words with ``translate("Context", "English text")`` (the
current language) or ``Words(lang).translate("Context", "English text")`` (a given one,
e.g. a kiosk the participant switched to Welsh). Both spellings are found by
``pyside6-lupdate``, so ``scripts/update-translations`` and the completeness test see
them like any ``tr()``. Keep the text a plain literal: format after translating
(``translate("Report", "Site: {site}").format(site=name)``).
"""

from __future__ import annotations

import ast
import locale
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from facilitator.core import paths

ENGLISH = "en"
WELSH = "cy"
LANGUAGES = (WELSH, ENGLISH)  # Welsh first, as the Welsh Language Standards expect
LANGUAGE_NAMES = {WELSH: "Cymraeg", ENGLISH: "English"}
LANG_ENV = "FACILITATOR_LANG"
CHOICE_FILE = "language"
PO_NAME = "cy.po"

# Qt's Welsh numerus forms (linguist numerus.cpp, welshRules): =0 | =1 | 2..5 | =6 | other.
WELSH_PLURAL_FORMS = 5
WELSH_PLURAL_RULE = ("nplurals=5; plural=(n==0 ? 0 : n==1 ? 1 : (n>=2 && n<=5) ? 2 : "
                     "n==6 ? 3 : 4);")


def welsh_plural_index(n: int) -> int:
    if n == 0:
        return 0
    if n == 1:
        return 1
    if 2 <= n <= 5:
        return 2
    if n == 6:
        return 3
    return 4


class LanguageError(ValueError):
    pass


def normalise(lang: str) -> str:
    """``cy``/``cy_GB``/``Cymraeg``/``Welsh`` → ``cy``; ``en…``/``English`` → ``en``."""
    value = lang.strip().casefold().replace("-", "_")
    if value in ("cy", "cymraeg", "welsh") or value.startswith("cy_"):
        return WELSH
    if value in ("en", "english", "saesneg") or value.startswith("en_"):
        return ENGLISH
    raise LanguageError(f"unknown language {lang!r} (use cy or en)")


# -- which language ------------------------------------------------------------------


def system_language(env: Mapping[str, str] | None = None) -> str:
    """Welsh when the system locale says so (LC_ALL, LC_MESSAGES, LANG, LANGUAGE, or the
    platform's own), otherwise English."""
    env = os.environ if env is None else env
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return WELSH if value.casefold().startswith("cy") else ENGLISH
    first = env.get("LANGUAGE", "").split(":")[0]
    if first:
        return WELSH if first.casefold().startswith("cy") else ENGLISH
    try:
        name = locale.getlocale()[0] or ""
    except ValueError:
        name = ""
    return WELSH if name.casefold().startswith(("cy", "welsh")) else ENGLISH


def _choice_path() -> Path:
    return paths.config_dir() / CHOICE_FILE


def remembered_choice() -> str | None:
    """The language chosen in Settings → Language on this laptop, if any."""
    try:
        return normalise(_choice_path().read_text(encoding="utf-8"))
    except (OSError, LanguageError, UnicodeDecodeError):
        return None


def remember_choice(lang: str) -> None:
    path = _choice_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{CHOICE_FILE}.{os.getpid()}.tmp")
    tmp.write_text(normalise(lang) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def chosen(flag: str | None = None, env: Mapping[str, str] | None = None) -> str | None:
    """--lang, then $FACILITATOR_LANG, then the remembered choice; None when nobody chose."""
    env = os.environ if env is None else env
    if flag:
        try:
            return normalise(flag)
        except LanguageError as exc:
            raise LanguageError(f"--lang: {exc}") from None
    if env.get(LANG_ENV):
        try:
            return normalise(env[LANG_ENV])
        except LanguageError as exc:
            raise LanguageError(f"{LANG_ENV}: {exc}") from None
    return remembered_choice()


AUDIENCE_FILE = "audience-language"
AUDIENCE_MODES = ("cy", "en", "both")


def remembered_audience_mode() -> str | None:
    """The audience screen's language chosen on this laptop: cy, en or both."""
    try:
        mode = (paths.config_dir() / AUDIENCE_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return mode if mode in AUDIENCE_MODES else None


def remember_audience_mode(mode: str) -> None:
    if mode not in AUDIENCE_MODES:
        raise LanguageError(f"unknown audience language {mode!r} (use cy, en or both)")
    path = paths.config_dir() / AUDIENCE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{AUDIENCE_FILE}.{os.getpid()}.tmp")
    tmp.write_text(mode + "\n", encoding="utf-8")
    os.replace(tmp, path)


def resolve(flag: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """--lang, then $FACILITATOR_LANG, then the remembered choice, then the system."""
    return chosen(flag, env) or system_language(env)


_current = ENGLISH
_explicit = False


def set_language(lang: str, explicit: bool = True) -> None:
    """The run's language; ``explicit`` False when it only came from the system locale."""
    global _current, _explicit
    _current = normalise(lang)
    _explicit = explicit


def explicit() -> bool:
    return _explicit


def language() -> str:
    """The language of this run (set by the cli from --lang and the rest)."""
    return _current


# -- the dictionary --------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    context: str | None
    source: str
    translation: str
    plurals: tuple[str, ...] = ()
    fuzzy: bool = False
    line: int = 0

    @property
    def finished(self) -> bool:
        if self.fuzzy:
            return False
        if self.plurals:
            return len(self.plurals) == WELSH_PLURAL_FORMS and all(self.plurals)
        return bool(self.translation)


class PoError(ValueError):
    pass


def _unquote(text: str, file: str, line: int) -> str:
    inner = text[1:-1]
    if len(text) >= 2 and text[0] == text[-1] == '"' and "\\" not in inner \
            and '"' not in inner:
        return inner  # most lines: no escapes to read (and no Python parser to start)
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError) as exc:
        raise PoError(f"{file}:{line}: not a quoted string: {text}") from exc
    if not isinstance(value, str):
        raise PoError(f"{file}:{line}: not a quoted string: {text}")
    return value


_KEY_RE = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def parse_po(text: str, file: str = PO_NAME) -> list[Entry]:
    """Entries of a PO file (the subset we write: msgctxt, msgid, msgid_plural, msgstr[n])."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    plurals: dict[int, str] = {}
    fuzzy = False
    start = 0
    current: tuple[str, int | None] | None = None

    def flush() -> None:
        nonlocal fields, plurals, fuzzy, current
        if "msgid" in fields and fields["msgid"]:
            forms = tuple(plurals[i] for i in sorted(plurals))
            if "msgid_plural" in fields and sorted(plurals) != list(range(len(plurals))):
                raise PoError(f"{file}:{start}: plural forms must be msgstr[0], msgstr[1], …")
            entries.append(Entry(
                context=fields.get("msgctxt"), source=fields["msgid"],
                translation=fields.get("msgstr", forms[0] if forms else ""),
                plurals=forms if "msgid_plural" in fields else (), fuzzy=fuzzy, line=start))
        fields, plurals, fuzzy, current = {}, {}, False, None

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#"):
            if current is not None and current[0] != "msgctxt" and "msgid" in fields:
                flush()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if line.startswith('"'):
            if current is None:
                raise PoError(f"{file}:{number}: a continued string with nothing before it")
            value = _unquote(line, file, number)
            key, index = current
            if index is None:
                fields[key] += value
            else:
                plurals[index] += value
            continue
        match = _KEY_RE.match(line)
        if not match:
            raise PoError(f"{file}:{number}: cannot read: {line[:60]}")
        key, index_text, quoted = match.groups()
        if key in ("msgctxt", "msgid") and ("msgid" in fields):
            flush()
        if not fields and not plurals:
            start = number
        value = _unquote(quoted, file, number)
        if index_text is not None:
            plurals[int(index_text)] = value
            current = ("msgstr", int(index_text))
        else:
            fields[key] = value
            current = (key, None)
    flush()
    return entries


class Catalog:
    """The Welsh for English source texts; a context-specific entry wins over the plain one."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self._by_key: dict[tuple[str | None, str], Entry] = {}
        for entry in entries:
            self._by_key[(entry.context, entry.source)] = entry

    def entry(self, context: str | None, source: str) -> Entry | None:
        if context:
            found = self._by_key.get((context, source))
            if found is not None:
                return found
        return self._by_key.get((None, source))

    def lookup(self, context: str | None, source: str, n: int = -1) -> str | None:
        """The finished Welsh, or None (the caller then keeps the English)."""
        entry = self.entry(context, source)
        if entry is None or not entry.finished:
            return None
        if entry.plurals:
            return entry.plurals[welsh_plural_index(n if n >= 0 else 0)]
        return entry.translation


def po_path() -> Path:
    """``i18n/cy.po`` beside ``sessions/`` (a checkout) or in the wheel's ``_data``."""
    return paths.sessions_dir().parent / "i18n" / PO_NAME


def qm_path() -> Path:
    """The compiled Qt translation, built by ``scripts/update-translations --compile``."""
    return po_path().parent / "build" / "facilitator_cy.qm"


@lru_cache(maxsize=4)
def _catalog_at(path: str, mtime: float) -> Catalog:
    return Catalog(parse_po(Path(path).read_text(encoding="utf-8"), file=path))


def catalog(path: Path | None = None) -> Catalog:
    """The Welsh dictionary (read once per change of the file)."""
    file = path or po_path()
    try:
        mtime = file.stat().st_mtime
    except OSError:
        return Catalog([])
    return _catalog_at(str(file), mtime)


# -- looking words up ------------------------------------------------------------------


class Words:
    """Translations into one language, whatever the run's language is."""

    def __init__(self, lang: str) -> None:
        self.lang = normalise(lang)

    def translate(self, context: str, text: str, disambiguation: str | None = None,
                  n: int = -1) -> str:
        if self.lang == ENGLISH:
            return _english_plural(text, n)
        found = catalog().lookup(context, text, n)
        if found is None:
            return _english_plural(text, n)
        return found.replace("%n", str(n)) if n >= 0 else found


def _english_plural(text: str, n: int) -> str:
    return text.replace("%n", str(n)) if n >= 0 else text


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``text`` in the run's language (English when no Welsh is known)."""
    return Words(_current).translate(context, text, disambiguation, n)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - Qt's marker
    """Marks ``text`` for translation where it is defined (lupdate finds it); translate
    it where it is shown: ``translate(context, value)``."""
    return text


def both(context: str, text: str) -> dict[str, str]:
    """The same words in every language, Welsh first."""
    return {lang: Words(lang).translate(context, text) for lang in LANGUAGES}
