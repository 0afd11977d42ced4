"""Codebook themes: the pack's, plus ad-hoc ones added on the spot.

A theme belongs to a group: a use case id, ``advice`` for advice themes, or ``""``
for notes with no use case. Ids derive from (group, label), so an ad-hoc theme two
laptops add with the same label is one theme, and one whose label matches a pack
theme is that theme.
"""

from __future__ import annotations

from dataclasses import dataclass

from facilitator.core.errors import FacilitatorError
from facilitator.core.pack import ADVICE_GROUP, SessionPack, theme_id, theme_key
from facilitator.core.records import Record
from facilitator.core.store import Store

TABLE = "themes_custom"
MAX_LABEL = 60
GENERAL_GROUP = ""


@dataclass(frozen=True)
class ThemeChoice:
    """A theme a note can be tagged with."""

    id: str
    label: str
    group: str
    custom: bool = False


def group_for(kind: str, use_case: str | None) -> str:
    """The codebook a note draws on: advice themes for advice, else its use case's."""
    if kind == "advice":
        return ADVICE_GROUP
    return use_case or GENERAL_GROUP


def custom_themes(store: Store, group: str | None = None) -> list[ThemeChoice]:
    where, params = "deleted = 0", []
    if group is not None:
        where += " AND use_case = ?"
        params.append(group)
    rows = store.rows(TABLE, where, params, order_by="created_at, label")
    return [ThemeChoice(str(r["id"]), str(r["label"]), str(r["use_case"]), True) for r in rows]


def themes_for(store: Store, pack: SessionPack, group: str) -> list[ThemeChoice]:
    """The group's codebook in pack order, then its ad-hoc themes in the order added."""
    themes = [ThemeChoice(t.id, t.label, t.group) for t in pack.themes_for(group)]
    known = {t.id for t in themes}
    themes += [t for t in custom_themes(store, group) if t.id not in known]
    return themes


def all_themes(store: Store, pack: SessionPack) -> list[ThemeChoice]:
    """Every theme: the whole codebook, then every ad-hoc theme."""
    themes = [ThemeChoice(t.id, t.label, t.group) for t in pack.themes]
    known = {t.id for t in themes}
    themes += [t for t in custom_themes(store) if t.id not in known]
    return themes


def labels(store: Store, pack: SessionPack) -> dict[str, str]:
    """Theme id -> label, for showing a note's themes."""
    return {t.id: t.label for t in all_themes(store, pack)}


def clean_label(label: str) -> str:
    text = " ".join(label.split())
    if not text:
        raise FacilitatorError("a theme needs a name", field="themes")
    if ";" in text:
        raise FacilitatorError(f"theme {text!r}: ';' separates themes in CSV files, so a "
                               "theme name cannot contain it", field="themes")
    if len(text) > MAX_LABEL:
        raise FacilitatorError(f"theme {text[:20]!r}…: at most {MAX_LABEL} characters",
                               field="themes")
    return text


def add_custom_theme(store: Store, pack: SessionPack, group: str, label: str) -> ThemeChoice:
    """Add an ad-hoc theme to ``group`` (or return the theme of that name already there)."""
    text = clean_label(label)
    for theme in themes_for(store, pack, group):
        if theme.label.casefold() == text.casefold():
            return theme
    record_id = theme_id(group, text)
    current = store.get(TABLE, record_id)
    if current is None:
        record: Record = store.create(TABLE, {"use_case": group, "label": text})
    elif int(current["deleted"]):
        record = store.edit(TABLE, record_id, {"deleted": 0})
    else:
        record = current
    return ThemeChoice(str(record["id"]), str(record["label"]), group, True)


def match_theme(store: Store, pack: SessionPack, text: str, group: str,
                choices: list[ThemeChoice] | None = None) -> ThemeChoice | None:
    """A theme named by label, key or id: the group's codebook first, then all of it."""
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        return None
    everything = choices if choices is not None else all_themes(store, pack)
    local = [t for t in everything if t.group == group]
    rest = [t for t in everything if t.group != group]
    if group != ADVICE_GROUP:
        rest = [t for t in rest if t.group != ADVICE_GROUP] + [
            t for t in rest if t.group == ADVICE_GROUP]
    # A Welsh pack's themes still answer to their English label (a CSV typed in English).
    english_key = {t.id: t.key for t in pack.themes}
    wanted_key = theme_key(wanted)
    for pool in (local, rest):
        for theme in pool:
            if wanted in (theme.label.casefold(), theme.id.casefold(), theme_key(theme.label)) \
                    or english_key.get(theme.id) == wanted_key:
                return theme
    return None

