"""The privacy gate before any export (DESIGN §4).

``check_printed`` is THE gate: every writer — publication report (any format), data
file, CSV, advice exchange file — hands it every string it will print (notes,
quotes, advice and combined wording, theme labels, table names, laptop labels,
agenda titles…) and gets back the unconfirmed hits; rehearsal data gets no
exemption. ``check_strings`` is the same for a writer that has only strings.

``scan`` reads the notes an export would print — notes, quotes and advice that
are not deleted and not from a withdrawn participant (nor a quote
from someone who said no to quotes: that is never printed) — and reports every
e-mail address, UK phone number, full UK postcode and first name from the
name-badge list. The user edits the note or ``confirm``\\ s the hit is not personal
data; a confirmation is a merged record (``privacy_confirmations``), so it travels
with the site export and the lead does not confirm again.

The name-badge list (``set_name_badges``) is a local setting of this laptop: it is
in no merged table, so never in a bundle, an export or a merge.

Detection must not cry wolf: "101 calls", "999", ages, years, times, money,
percentages and rankings are not phone numbers; a road ("M25", "A470") or a bare
outward code ("CF10") is not a postcode.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from facilitator.core.pack import SessionPack
from facilitator.core.records import Record
from facilitator.core.schema.exports import CONFIRMATIONS_TABLE
from facilitator.core.store import Store

NAME_BADGES_KEY = "name_badges"
SCANNED_KINDS = ("note", "quote", "advice")
HIT_KINDS = ("email", "phone", "postcode", "name")
KIND_LABELS = {
    "email": "e-mail address",
    "phone": "phone number",
    "postcode": "postcode",
    "name": "first name on a name badge",
}
# When two hits overlap the more specific one is kept: a name inside an e-mail
# address is the e-mail address.
_PRIORITY = {kind: rank for rank, kind in enumerate(HIT_KINDS)}


@dataclass(frozen=True)
class Finding:
    """One piece of possible personal data in a text: its kind and where it is."""

    kind: str
    start: int
    end: int
    matched: str


@dataclass(frozen=True)
class PrivacyHit:
    """A finding in a note an export would print, with what to show the user."""

    note_id: str
    revision: int
    kind: str  # one of HIT_KINDS
    matched: str
    start: int
    end: int
    site: str  # site id
    site_name: str
    workshop: int
    table: str  # the table's name, '' when the note has none
    note_kind: str  # note, quote or advice
    text: str  # the note's full text

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def where(self) -> str:
        """'Cardiff, Workshop 2, Table 3' — the note's attribution."""
        parts = [self.site_name]
        if self.workshop > 0:  # 0: not from a workshop (e.g. combined advice)
            parts.append(f"Workshop {self.workshop}")
        if self.table:
            parts.append(self.table)
        return ", ".join(p for p in parts if p)

    def context(self, width: int = 60) -> tuple[str, str, str]:
        """(before, match, after): up to ``width`` characters of text either side."""
        before = self.text[max(0, self.start - width):self.start]
        after = self.text[self.end:self.end + width]
        if self.start > width:
            before = "…" + before.lstrip()
        if self.end + width < len(self.text):
            after = after.rstrip() + "…"
        return before, self.matched, after


# -- e-mail addresses -------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+'%-])[\w+'%-]+(?:\.[\w+'%-]+)*@(?:[\w-]+\.)+[^\W\d_]{2,}(?![\w-])")


# -- UK phone numbers -------------------------------------------------------------------

# A chain of digit groups joined by spaces or hyphens (brackets allowed round a group);
# which part of it, if any, is a phone number is decided by _phone_spans. Never after
# "1," or "1.": "£1,020" or "2.07" is money, not the start of a number.
_GROUP = r"(?:\+[ \u00a0]?)?\(?\d+\)?"
_CHAIN = re.compile(
    rf"(?<![\w+])(?<!\d[.,]){_GROUP}(?:(?:[ \t\u00a0\-‐‑–]{{0,3}}|\.(?=\d)){_GROUP})*")
_TOKEN = re.compile(r"(\+[ \u00a0]?)?(\()?(\d+)(\))?")
MAX_GROUPS = 6


@dataclass(frozen=True)
class _Group:
    digits: str
    start: int
    end: int
    plus: bool
    bracketed: bool


def _national_ok(digits: str) -> bool:
    """A UK number as dialled at home: 0 + 9 or 10 digits with a real prefix."""
    if len(digits) not in (10, 11) or digits[0] != "0":
        return False
    prefix = digits[1]
    if prefix in "237":  # 02x, 03xx, 07xxx are always eleven digits
        return len(digits) == 11
    return prefix in "18"  # 01 area codes and 0800/0808 come in ten or eleven


def _groups(chain: str, offset: int) -> list[_Group]:
    out = []
    for token in _TOKEN.finditer(chain):
        plus, opened, digits, closed = token.groups()
        out.append(_Group(digits, offset + token.start(), offset + token.end(), bool(plus),
                          bool(opened and closed)))
    return out


def _phone_digits(groups: Sequence[_Group]) -> str | None:
    """The national digits of ``groups`` if they read as one UK phone number."""
    first, rest = groups[0], list(groups[1:])
    if any(g.plus for g in rest):
        return None
    if first.plus or first.digits.startswith("0044"):
        if first.plus and not first.digits.startswith("44"):
            return None
        lead = first.digits[2:] if first.plus else first.digits[4:]
        if not lead and rest and rest[0].digits == "0" and rest[0].bracketed:
            rest = rest[1:]  # +44 (0)20 …: the trunk zero in brackets is not dialled
        if any(len(g.digits) < 2 for g in rest):
            return None
        national = "0" + lead + "".join(g.digits for g in rest)
        return national if national[1] != "0" and _national_ok(national) else None
    if first.digits[0] != "0" or len(first.digits) < 3:
        return None  # "01 02 2019" is a date; a number opens with its area or mobile code
    if any(len(g.digits) < 2 for g in rest):
        return None  # "ranked 1 2 3" never joins a number
    national = "".join(g.digits for g in groups)
    return national if _national_ok(national) else None


# One digit at a time, as someone reading a number out is noted: "0 7 7 0 0 9 0 0 1 2 3".
_SPACED = re.compile(r"(?<![\w+])(\+[ \u00a0]?)?\d(?:[ \u00a0.\-]\d){9,12}(?![\w])")


def _spaced_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _SPACED.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if match.group(1) and digits.startswith("44"):
            digits = "0" + digits[2:]
        if _national_ok(digits):
            spans.append(match.span())
    return spans


def _phone_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = _spaced_spans(text)
    for chain in _CHAIN.finditer(text):
        groups = _groups(chain.group(), chain.start())
        i = 0
        while i < len(groups):
            found = None
            for j in range(min(len(groups), i + MAX_GROUPS), i, -1):
                if _phone_digits(groups[i:j]) is not None:
                    found = j
                    break
            if found is None:
                i += 1
                continue
            start = groups[i].start
            end = groups[found - 1].end
            # A closing bracket only belongs to the number if its group opened one.
            if text[end - 1] == ")" and not groups[found - 1].bracketed:
                end -= 1
            if text[start] == "(" and not groups[i].bracketed:
                start += 1
            if all(end <= s or start >= e for s, e in spans):
                spans.append((start, end))
            i = found
    return spans


# -- UK postcodes -------------------------------------------------------------------------

# Outward code (area letters, district) + inward code (sector digit, unit letters): both
# are needed, so "M25", "A470" and a bare "CF10" are not postcodes. The letters the
# Royal Mail never uses in each position are left out.
_POSTCODE = re.compile(
    r"(?<![^\W_])(?:GIR ?0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|"
    r"[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r"[ \u00a0\t]{0,3}[0-9][ABD-HJLNP-UW-Z]{2})(?![^\W_])",
    re.IGNORECASE)

# An address spelled out so no program sees an "@": "jo dot smith at example dot com",
# "jo (at) example [dot] org", "jo at example.co.uk". The last label must be a common
# top-level domain, so "we met at noon. Then" is no address.
_TLDS = ("com|org|net|uk|gov|ac|edu|io|info|wales|cymru|scot|me|biz|co|nhs|police|ie|eu|"
         "de|fr|es|it|nl|us|ca|au|in|mail")
_LABEL = r"[^\W_][\w-]*"
_SP_AT = r"(?:\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+at\s+|\s*@\s*)"
_SP_DOT = r"(?:\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+|\.)"
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w.@]){_LABEL}(?:{_SP_DOT}{_LABEL})*{_SP_AT}{_LABEL}(?:{_SP_DOT}{_LABEL})*"
    rf"{_SP_DOT}(?:{_TLDS})(?![\w.@-])", re.IGNORECASE)


def _email_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _EMAIL.finditer(text)]
    for match in _SPELLED_EMAIL.finditer(text):
        if all(match.end() <= s or match.start() >= e for s, e in spans):
            spans.append(match.span())
    return spans


# Full-width and other Unicode digits (and signs) read as ASCII, one character for one,
# so spans stay where they were: "０７７００ ９００１２３" is a phone number too.
_WIDE = {ord("＋"): "+", ord("（"): "(", ord("）"): ")", ord("．"): ".", ord("－"): "-",
         ord("＠"): "@", ord("\u3000"): " "}


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _ascii_char(match: re.Match[str]) -> str:
    char = match.group()
    if char.isdigit():
        value = unicodedata.decimal(char, None)
        return str(value) if value is not None else char
    return _WIDE.get(ord(char), char)


def _ascii_digits(text: str) -> str:
    if text.isascii():
        return text
    return _NON_ASCII.sub(_ascii_char, text)  # only the few non-ASCII characters


# -- names --------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents: 'Siân' → 'sian', 'Gwenllïan' → 'gwenllian'."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each folded character, the index of its source char."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = fold(char)
        out.append(piece)
        origin.extend([index] * len(piece))
    return "".join(out), origin


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    folded = sorted({fold(n.strip()) for n in names if n.strip()}, key=len, reverse=True)
    if not folded:
        return None
    alternatives = "|".join(re.escape(n) for n in folded)
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


def _name_spans(text: str, pattern: re.Pattern[str] | None) -> list[tuple[int, int]]:
    if pattern is None or pattern.search(fold(text)) is None:
        return []  # the common case, without the slower character-by-character map
    folded, origin = _folded_with_map(text)
    spans = []
    for match in pattern.finditer(folded):
        start = origin[match.start()]
        end = origin[match.end() - 1] + 1
        # Combining marks typed after the last letter belong to the name.
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        spans.append((start, end))
    return spans


# -- finding -------------------------------------------------------------------------------


def find_personal_data(text: str, names: Iterable[str] = ()) -> list[Finding]:
    """Every e-mail address, UK phone number, full UK postcode and listed first name
    in ``text``, in order; of two overlapping findings the more specific is kept."""
    return _find(text, _names_pattern(names))


def _find(text: str, names: re.Pattern[str] | None) -> list[Finding]:
    candidates: list[Finding] = []
    plain = _ascii_digits(text)
    for kind, spans in (
        ("email", _email_spans(plain)),
        ("phone", _phone_spans(plain)),
        ("postcode", [m.span() for m in _POSTCODE.finditer(plain)]),
        ("name", _name_spans(text, names)),
    ):
        candidates.extend(Finding(kind, s, e, text[s:e]) for s, e in spans)
    kept: list[Finding] = []
    for finding in sorted(candidates, key=lambda f: (_PRIORITY[f.kind], f.start)):
        if all(finding.end <= other.start or finding.start >= other.end for other in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: (f.start, f.end))


# -- the name-badge list (local to this laptop) -------------------------------------------


def name_badges(store: Store) -> list[str]:
    """The venue's first names from the name badges, as last saved on this laptop."""
    value = store.get_json_setting(NAME_BADGES_KEY, [])
    return [str(n) for n in value] if isinstance(value, list) else []


def clean_names(names: Iterable[str]) -> list[str]:
    """Trimmed, NFC, without blanks or repeats (case-insensitively), in the given order."""
    seen: set[str] = set()
    out: list[str] = []
    for raw in names:
        name = unicodedata.normalize("NFC", " ".join(str(raw).split()))
        if name and fold(name) not in seen:
            seen.add(fold(name))
            out.append(name)
    return out


def set_name_badges(store: Store, names: Iterable[str]) -> list[str]:
    """Keep the name-badge list in this laptop's local settings (never merged or
    exported); an empty list clears it. Returns the list as saved."""
    cleaned = clean_names(names)
    store.set_json_setting(NAME_BADGES_KEY, cleaned)
    return cleaned


# -- scanning notes -----------------------------------------------------------------------


def _confirmed(store: Store) -> set[tuple[str, str]]:
    rows = store.db.execute(
        f"SELECT note_id, matched FROM {CONFIRMATIONS_TABLE} WHERE deleted = 0").fetchall()
    return {(str(n).strip().casefold(), str(m)) for n, m in rows}


def fingerprint(note_id: str, matched: str) -> str:
    """What a confirmation keeps of the matched text: a one-way fingerprint.

    The confirmation merges and travels in bundles; the number or address itself must
    not, or editing it out of the note would leave it in the confirmation.
    """
    key = f"{note_id.strip().casefold()}\x1f{matched.strip().casefold()}"
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def _confirmation_key(note_id: str, matched: str) -> tuple[str, str]:
    return note_id.strip().casefold(), fingerprint(note_id, matched)


def _printed_notes(store: Store, site: str | None, note_id: str | None) -> list[Record]:
    where = [
        "n.deleted = 0",  # rehearsal notes too: rehearsal data gets no exemption
        f"n.kind IN ({', '.join('?' for _ in SCANNED_KINDS)})",
        "(p.id IS NULL OR (p.withdrawn = 0 AND p.erased = 0))",
        # A quote from someone who said no to quotes is never printed verbatim.
        "NOT (n.kind = 'quote' AND COALESCE(p.quote_consent, 1) = 0)",
    ]
    params: list[Any] = list(SCANNED_KINDS)
    if site is not None:
        where.append("n.site = ?")
        params.append(site)
    if note_id is not None:
        where.append("n.id = ?")
        params.append(note_id)
    sql = (
        "SELECT n.id, n.revision, n.kind, n.text, n.site, n.workshop, n.table_name, "
        "t.name AS t_name FROM notes n "
        "LEFT JOIN participants p ON p.id = n.participant_id "
        "LEFT JOIN venue_tables t ON t.id = n.table_id "
        f"WHERE {' AND '.join(where)} ORDER BY n.site, n.workshop, n.noted_at, n.id")
    return list(store.db.query(sql, params))


def _site_id(pack: SessionPack, site: str | None) -> str | None:
    return None if site is None else pack.site(site).id


def scan(store: Store, pack: SessionPack, *, site: str | None = None) -> list[PrivacyHit]:
    """Every unconfirmed privacy hit in the text an export of ``site`` (id or name;
    None: every site) would print, in note order."""
    return _scan(store, pack, _site_id(pack, site), None)


def scan_note(store: Store, pack: SessionPack, note_id: str) -> list[PrivacyHit]:
    """The unconfirmed hits in one note as it is now (none if it would not be printed)."""
    return _scan(store, pack, None, note_id)


def _scan(store: Store, pack: SessionPack, site: str | None,
          note_id: str | None) -> list[PrivacyHit]:
    names = {s.id: s.name for s in pack.sites}
    pattern = _names_pattern(name_badges(store))
    confirmed = _confirmed(store)
    hits: list[PrivacyHit] = []
    for row in _printed_notes(store, site, note_id):
        text = str(row["text"])
        for finding in _find(text, pattern):
            if _confirmation_key(str(row["id"]), finding.matched) in confirmed:
                continue
            hits.append(PrivacyHit(
                note_id=str(row["id"]), revision=int(row["revision"]), kind=finding.kind,
                matched=finding.matched, start=finding.start, end=finding.end,
                site=str(row["site"]), site_name=names.get(str(row["site"]), str(row["site"])),
                workshop=int(row["workshop"]),
                table=str(row["table_name"] or row["t_name"] or ""),
                note_kind=str(row["kind"]), text=text))
    return hits


# -- the one gate: every string an output prints ---------------------------------------------


@dataclass(frozen=True)
class Printed:
    """One string an output (report, data file, CSV, hand-off) will print, and where it
    comes from, so a hit can be shown, confirmed once and, for a note, edited.

    ``what`` names the kind of text in plain words ("note", "quote", "advice",
    "combined advice", "theme label", "table name", "laptop label", "agenda title"…);
    ``record_id`` the record it comes from (a note id, a combination id, a theme id),
    or "" for text that belongs to no record.
    """

    text: str
    what: str = "text"
    record_id: str = ""
    site: str = ""
    site_name: str = ""
    workshop: int = 0
    table: str = ""
    revision: int = 0

    @property
    def key(self) -> str:
        """What a confirmation of a hit in this text is keyed by."""
        if self.record_id:
            return self.record_id
        digest = hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:32]
        return f"text:{digest}"


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def _machine_text(text: str) -> bool:
    """An id or a canonical time: never printed as words, never personal data."""
    return bool(_UUID.fullmatch(text) or _CANONICAL_TIME.fullmatch(text))


_CANONICAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?")


def check_printed(store: Store, printed: Iterable[Printed | str], *,
                  names: Iterable[str] | None = None) -> list[PrivacyHit]:
    """THE privacy gate: every unconfirmed hit in the strings an output will print.

    Every writer — report (PDF, DOCX, XLSX, QDPX), data file, CSV — passes every
    string it prints, as ``Printed`` (with its source) or a bare ``str``; rehearsal
    text is checked like any other. The same text from the same record is checked
    once. Returns the hits in the order given; [] means the output may be written.
    """
    pattern = _names_pattern(name_badges(store) if names is None else names)
    confirmed = _confirmed(store)
    seen: set[tuple[str, str]] = set()
    hits: list[PrivacyHit] = []
    for item in printed:
        entry = item if isinstance(item, Printed) else Printed(str(item))
        text = entry.text
        if not text or not text.strip() or _machine_text(text.strip()):
            continue
        key = entry.key
        if (key, text) in seen:
            continue
        seen.add((key, text))
        for finding in _find(text, pattern):
            if _confirmation_key(key, finding.matched) in confirmed:
                continue
            hits.append(PrivacyHit(
                note_id=key, revision=entry.revision, kind=finding.kind,
                matched=finding.matched, start=finding.start, end=finding.end,
                site=entry.site, site_name=entry.site_name, workshop=entry.workshop,
                table=entry.table, note_kind=entry.what, text=text))
    return hits


def check_strings(store: Store, strings: Iterable[str]) -> list[PrivacyHit]:
    """``check_printed`` for writers that only have the strings (one entry point)."""
    return check_printed(store, strings)


# -- confirming ------------------------------------------------------------------------------


def confirm(store: Store, hit: PrivacyHit) -> Record:
    """Record that the user checked ``hit`` and it is not personal data.

    A merged record keyed by (note, matched text): the same match in that note is not
    reported again, here or on the laptop this is merged into; a new match after an
    edit is.
    """
    fields = {"note_id": hit.note_id, "matched": fingerprint(hit.note_id, hit.matched),
              "hit_kind": hit.kind,
              "site": hit.site, "note_revision": hit.revision}
    spec = store.spec(CONFIRMATIONS_TABLE)
    record_id = spec.expected_id(fields)
    assert record_id is not None
    with store.transaction():
        current = store.get(CONFIRMATIONS_TABLE, record_id)
        if current is None:
            return store.create(CONFIRMATIONS_TABLE, fields)
        if int(current["deleted"]):
            return store.edit(CONFIRMATIONS_TABLE, record_id,
                              {"deleted": 0, "note_revision": hit.revision})
        return current


def confirmations(store: Store, note_id: str | None = None) -> list[Record]:
    """The standing confirmations, of one note or of all."""
    if note_id is None:
        return store.rows(CONFIRMATIONS_TABLE, "deleted = 0", order_by="created_at")
    return store.rows(CONFIRMATIONS_TABLE, "deleted = 0 AND note_id = ?", [note_id],
                      order_by="created_at")


def describe(hit: PrivacyHit) -> str:
    """One line for the command line:
    'note 3f2a9c1d… (Cardiff, Workshop 2, Table 3): phone number “07700 900123”'."""
    where = hit.where()
    if hit.note_kind in SCANNED_KINDS and not hit.note_id.startswith("text:"):
        source = f"note {hit.note_id[:8]}…"
    else:
        source = hit.note_kind
    return (f"{source}{f' ({where})' if where else ''}: "
            f"{hit.kind_label} “{hit.matched}”")
