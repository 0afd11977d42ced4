"""Venue settings: which site this laptop is at, which workshop runs today, the tables.

Site and workshop live in the store's local settings (never merged); tables are
``venue_tables`` records whose ids derive from (site, name), so two laptops at one
venue agree on them. Rehearsal mode uses a separate practice database beside the
real one, so a dry run never mixes with real data.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from facilitator.core.errors import SessionPackError, SettingsError
from facilitator.core.pack import SessionPack
from facilitator.core.records import natural_id
from facilitator.core.store import Store

SITE_KEY = "site"
WORKSHOP_KEY = "workshop"
REHEARSAL_KEY = "rehearsal_mode"  # in the real database: open the practice one instead
IS_REHEARSAL_DB_KEY = "is_rehearsal_db"  # in the practice database itself
MAX_TABLE_NAME = 40


@dataclass(frozen=True)
class VenueSettings:
    site_id: str
    workshop: int
    tables: tuple[str, ...]


@dataclass(frozen=True)
class TableNoteCount:
    table_id: str
    name: str
    count: int

    @property
    def short_name(self) -> str:
        """'Table 3' reads as 'T3' in the console's one-line summary."""
        match = re.fullmatch(r"\s*table\s*(\w+)\s*", self.name, re.IGNORECASE)
        return f"T{match.group(1)}" if match else self.name


def table_id(site_id: str, name: str) -> str:
    return natural_id("table", site_id, name)


def is_configured(store: Store) -> bool:
    """True once site and workshop are chosen and the site has at least one table."""
    settings = load(store)
    return settings is not None and bool(settings.tables)


def load(store: Store) -> VenueSettings | None:
    site = store.get_setting(SITE_KEY) or ""
    workshop = store.get_setting(WORKSHOP_KEY) or ""
    if not site or not workshop.isdigit():
        return None
    return VenueSettings(site, int(workshop), tuple(r.name for r in tables(store, site)))


@dataclass(frozen=True)
class VenueTable:
    id: str
    name: str
    position: int


def tables(store: Store, site_id: str) -> list[VenueTable]:
    rows = store.rows("venue_tables", "site = ? AND deleted = 0", [site_id],
                      order_by="position, name")
    return [VenueTable(str(r["id"]), str(r["name"]), int(r["position"])) for r in rows]


def validate(pack: SessionPack, settings: VenueSettings) -> VenueSettings:
    """Check against the pack; returns the settings tidied (site id, trimmed names)."""
    try:
        site = pack.site(settings.site_id)
    except SessionPackError as exc:
        raise SettingsError(exc.message, field="site") from exc
    try:
        pack.workshop(settings.workshop)
    except SessionPackError as exc:
        known = ", ".join(str(w.number) for w in pack.workshops)
        raise SettingsError(f"unknown workshop {settings.workshop} (this pack has {known})",
                            field="workshop") from exc
    names = tuple(name.strip() for name in settings.tables)
    if not names:
        raise SettingsError("give at least one table", field="tables")
    seen: set[str] = set()
    for name in names:
        if not name:
            raise SettingsError("a table name is empty", field="tables")
        if len(name) > MAX_TABLE_NAME:
            raise SettingsError(f"table name {name!r} is longer than {MAX_TABLE_NAME} "
                                "characters", field="tables")
        key = name.casefold()
        if key in seen:
            raise SettingsError(f"two tables are called {name!r}", field="tables")
        seen.add(key)
    return VenueSettings(site.id, settings.workshop, names)


def save(store: Store, pack: SessionPack, settings: VenueSettings) -> VenueSettings:
    """Validate and remember the venue; tables no longer listed are flagged deleted."""
    clean = validate(pack, settings)
    with store.transaction():
        store.set_setting(SITE_KEY, clean.site_id)
        store.set_setting(WORKSHOP_KEY, str(clean.workshop))
        wanted = {table_id(clean.site_id, name): (position, name)
                  for position, name in enumerate(clean.tables)}
        existing = {str(r["id"]): r for r in store.rows("venue_tables", "site = ?",
                                                        [clean.site_id])}
        for record_id, (position, name) in wanted.items():
            row = existing.get(record_id)
            if row is None:
                store.create("venue_tables", {"site": clean.site_id, "name": name,
                                              "position": position}, record_id=record_id)
            elif (int(row["deleted"]), int(row["position"]), str(row["name"])) != (
                    0, position, name):
                store.edit("venue_tables", record_id,
                           {"deleted": 0, "position": position, "name": name})
        for record_id, row in existing.items():
            if record_id not in wanted and not int(row["deleted"]):
                store.mark_deleted("venue_tables", record_id)
    return clean


def notes_per_table(store: Store, site_id: str, workshop: int) -> list[TableNoteCount]:
    """Non-deleted notes on this laptop per table of the site, in table order."""
    counts = {
        str(row[0]): int(row[1])
        for row in store.conn.execute(
            "SELECT table_id, COUNT(*) FROM notes WHERE site = ? AND workshop = ? "
            "AND deleted = 0 AND table_id IS NOT NULL GROUP BY table_id",
            [site_id, workshop])
    }
    return [TableNoteCount(t.id, t.name, counts.get(t.id, 0)) for t in tables(store, site_id)]


# -- rehearsal ---------------------------------------------------------------------------


def rehearsal_db_path(db_path: str | Path) -> Path:
    """The practice database beside the real one: facilitator.db -> facilitator-rehearsal.db."""
    path = Path(db_path)
    return path.with_name(f"{path.stem}-rehearsal{path.suffix or '.db'}")


def rehearsal_enabled(store: Store) -> bool:
    return store.get_setting(REHEARSAL_KEY, "0") == "1"


def set_rehearsal(store: Store, on: bool) -> None:
    """Remember, in the real database, whether the next start opens the practice one."""
    store.set_setting(REHEARSAL_KEY, "1" if on else "0")


def is_rehearsal_store(store: Store) -> bool:
    return store.get_setting(IS_REHEARSAL_DB_KEY, "0") == "1"


def open_for_day(db_path: str | Path) -> tuple[Store, bool]:
    """Open the database the day should use: the real one, or the practice one.

    Returns (store, rehearsal). The practice database starts with the real one's venue
    settings, so a rehearsal looks like the day it practises for.
    """
    real = Store(db_path)
    if not rehearsal_enabled(real):
        return real, False
    settings = load(real)
    real_tables = tables(real, settings.site_id) if settings else []
    real.close()
    practice = Store(rehearsal_db_path(db_path))
    practice.set_setting(IS_REHEARSAL_DB_KEY, "1")
    if settings is not None and load(practice) is None:
        with practice.transaction():
            practice.set_setting(SITE_KEY, settings.site_id)
            practice.set_setting(WORKSHOP_KEY, str(settings.workshop))
            for table in real_tables:
                practice.create("venue_tables", {"site": settings.site_id, "name": table.name,
                                                 "position": table.position},
                                record_id=table.id)
    return practice, True


# -- this laptop ----------------------------------------------------------------------


@dataclass(frozen=True)
class LaptopSettings:
    """This laptop's human label ("Console", "Table 3") and the table it sits at."""

    label: str
    table_id: str | None


def laptop(store: Store) -> LaptopSettings:
    row = store.get("devices", store.device_id)
    if row is None or int(row["deleted"]):
        return LaptopSettings("", None)
    return LaptopSettings(str(row["label"] or ""), row["table_id"] or None)


def save_laptop(store: Store, label: str, table: str | None) -> LaptopSettings:
    """Remember this laptop's label and table (a ``devices`` record, so merges carry it)."""
    text = " ".join(label.split())
    if len(text) > MAX_TABLE_NAME:
        raise SettingsError(f"a laptop label has at most {MAX_TABLE_NAME} characters",
                            field="label")
    site = store.site
    fields = {"label": text, "site": site, "table_id": table or None}
    current = store.get("devices", store.device_id)
    if current is None:
        store.create("devices", fields, record_id=store.device_id)
    elif any(current.get(k) != v for k, v in fields.items()) or int(current["deleted"]):
        store.edit("devices", store.device_id, {**fields, "deleted": 0})
    return LaptopSettings(text, table or None)


NOTE_TAKER_KEY = "note_taker_mode"  # local: this laptop shows only the capture panel


def note_taker_mode(store: Store) -> bool:
    return store.get_setting(NOTE_TAKER_KEY, "0") == "1"


def set_note_taker_mode(store: Store, on: bool) -> None:
    store.set_setting(NOTE_TAKER_KEY, "1" if on else "0")


# -- the facilitator's PIN ------------------------------------------------------------

PIN_KEY = "facilitator_pin"  # local: a salted hash, never the PIN itself
PIN_DIGITS = (4, 8)
_PIN_ROUNDS = 50_000


def _pin_hash(pin: str, salt: bytes, rounds: int = _PIN_ROUNDS) -> str:
    return hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, rounds).hex()


def validate_pin(pin: str) -> str:
    """A PIN is 4 to 8 digits (typed on a kiosk's keyboard or touch keypad)."""
    text = pin.strip()
    low, high = PIN_DIGITS
    if not (text.isascii() and text.isdigit() and low <= len(text) <= high):
        raise SettingsError(f"the facilitator PIN is {low} to {high} digits", field="pin")
    return text


def set_pin(store: Store, pin: str) -> None:
    """Remember the facilitator's PIN (as a salted hash) on this laptop."""
    text = validate_pin(pin)
    salt = secrets.token_bytes(16)
    store.set_setting(PIN_KEY, f"pbkdf2-sha256${_PIN_ROUNDS}${salt.hex()}${_pin_hash(text, salt)}")


def has_pin(store: Store) -> bool:
    return bool(store.get_setting(PIN_KEY))


def check_pin(store: Store, pin: str) -> bool:
    """True if ``pin`` is the facilitator's PIN (False when none is set)."""
    stored = store.get_setting(PIN_KEY) or ""
    parts = stored.split("$")
    if len(parts) != 4:
        return False
    try:
        rounds, salt = int(parts[1]), bytes.fromhex(parts[2])
    except ValueError:
        return False
    return hmac.compare_digest(_pin_hash(pin.strip(), salt, rounds), parts[3])
