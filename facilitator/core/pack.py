"""Session packs: the programme a workshop runs, loaded from ``pack.toml`` and validated.

A pack is a folder ``sessions/<name>/`` holding ``pack.toml``. Every problem is
reported with the file and the key path (``workshops[2].steps[4].use_case``) or, for
TOML syntax, the line.

Bilingual packs (schema 2): beside any text ``title`` a pack may give ``title_cy``, its
Welsh (lists too: ``benefits_cy``, one item per English item); the codebook's Welsh
labels are ``[codebook.labels_cy]``; a variable's Welsh category names are
``category_labels_cy``. The English stays the pack's key (ids, theme ids, matching);
``pack.localised("cy")`` is the same pack with Welsh texts in the English places.
Packs without Welsh (schema 1) load as before and show English. docs/session-packs.md.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from facilitator.core import paths
from facilitator.core.errors import SessionPackError
from facilitator.core.records import natural_id

PACK_FILE = "pack.toml"
PACK_SCHEMA_VERSION = 2

STEP_KINDS = (
    "welcome", "presentation", "video", "discussion", "ranking",
    "advice", "prioritise", "break", "plenary",
)
WORKSHOP_MODES = ("online", "in_person")
USE_CASE_LEVELS = ("basic", "complex")
NOT_RECORDED = "not recorded"
ADVICE_GROUP = "advice"
ROSTER_VARIABLES = (
    "gender", "age_band", "ethnicity", "area", "seg", "lgbtqia", "trust_police", "ai_opinion",
)
# Keys that may carry a Welsh twin ``<key>_cy``.
TRANSLATABLE = frozenset({
    "title", "description", "name", "definition", "benefits", "risks", "example", "prompt",
    "facilitator_notes", "speaker", "role", "topic", "label",
})
WELSH_SUFFIX = "_cy"
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    description: str = ""
    tables: tuple[str, ...] = ()
    # Other names a spreadsheet may use for the site (e.g. Welsh: Caerdydd).
    aliases: tuple[str, ...] = ()
    # Welsh texts by field name (bilingual packs); see SessionPack.localised.
    cy: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class AgendaStep:
    id: str
    kind: str
    title: str
    minutes: float
    prompt: str = ""
    use_case: str | None = None
    video: str | None = None
    auto_advance: bool = False
    facilitator_notes: str = ""
    # Welsh texts by field name (bilingual packs); see SessionPack.localised.
    cy: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Workshop:
    number: int
    title: str
    mode: str
    description: str = ""
    steps: tuple[AgendaStep, ...] = ()
    cy: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def in_person(self) -> bool:
        return self.mode == "in_person"

    @property
    def planned_minutes(self) -> float:
        return sum(step.minutes for step in self.steps)


@dataclass(frozen=True)
class UseCase:
    id: str
    level: str
    title: str
    definition: str
    benefits: tuple[str, ...]
    risks: tuple[str, ...]
    example: str
    # Welsh texts by field name (bilingual packs); see SessionPack.localised.
    cy: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Video:
    id: str
    file: str
    title: str
    speaker: str
    role: str
    topic: str
    sha256: str
    duration: float
    # Welsh texts by field name (bilingual packs); see SessionPack.localised.
    cy: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Theme:
    id: str
    key: str
    label: str
    group: str  # a use case id, or "advice"
    # Welsh texts by field name (bilingual packs); see SessionPack.localised.
    cy: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Variable:
    """A roster variable: its categories and the spellings that map onto them."""

    id: str
    label: str
    categories: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)
    scores: Mapping[int, str] = field(default_factory=dict)
    cy: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # Category names to show, by language (the categories themselves are the data).
    category_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict,
                                                              compare=False)

    def category_label(self, category: str, lang: str = "en") -> str:
        return self.category_labels.get(lang, {}).get(category, category)


@dataclass(frozen=True)
class DerivedVariable:
    """A yes/no variable computed from roster variables, e.g. ethnic minority."""

    id: str
    label: str
    # variable -> ("in" | "not_in", categories)
    rules: Mapping[str, tuple[str, tuple[str, ...]]]
    cy: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def applies(self, participant: Mapping[str, Any]) -> bool:
        for var, (op, values) in self.rules.items():
            value = str(participant.get(var, NOT_RECORDED))
            inside = value in values
            if (op == "in") != inside:
                return False
        return True


@dataclass(frozen=True)
class SessionPack:
    id: str
    title: str
    description: str
    path: Path
    sites: tuple[Site, ...]
    workshops: tuple[Workshop, ...]
    use_cases: tuple[UseCase, ...]
    videos: tuple[Video, ...]
    themes: tuple[Theme, ...]
    variables: tuple[Variable, ...]
    derived: tuple[DerivedVariable, ...]
    quotas: Mapping[str, Mapping[str, Mapping[str, int]]]
    suppression_threshold: int = 5
    # Dot voting on advice: dots per participant, and at most this many on one item.
    dot_allowance: int = 3
    dot_cap: int = 2
    cy: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # The language of the texts: "en", or "cy" for a pack.localised("cy") copy.
    lang: str = "en"
    # A localised copy's pack as written (so it can go back to English).
    written: SessionPack | None = field(default=None, compare=False, repr=False)

    @property
    def file(self) -> Path:
        return self.path / PACK_FILE

    def site(self, id_or_name: str) -> Site:
        wanted = id_or_name.strip().casefold()
        for site in self.sites:
            if wanted in (site.id.casefold(), site.name.casefold(),
                          *(a.casefold() for a in site.aliases)):
                return site
        known = ", ".join(s.name for s in self.sites)
        raise SessionPackError(f"unknown site {id_or_name!r} (this pack has {known})",
                               field="site")

    def workshop(self, number: int) -> Workshop:
        for workshop in self.workshops:
            if workshop.number == number:
                return workshop
        raise SessionPackError(f"unknown workshop {number}", field="workshop")

    def use_case(self, use_case_id: str) -> UseCase:
        for use_case in self.use_cases:
            if use_case.id == use_case_id:
                return use_case
        raise SessionPackError(f"unknown use case {use_case_id!r}", field="use_case")

    def video(self, video_id: str) -> Video:
        for video in self.videos:
            if video.id == video_id:
                return video
        raise SessionPackError(f"unknown video {video_id!r}", field="video")

    def variable(self, variable_id: str) -> Variable:
        for variable in self.variables:
            if variable.id == variable_id:
                return variable
        raise SessionPackError(f"unknown roster variable {variable_id!r}", field=variable_id)

    def video_path(self, video: Video) -> Path:
        """A video's file: the pack's own ``videos/`` folder first, then ``assets/videos``."""
        local = self.path / "videos" / video.file
        return local if local.exists() else paths.videos_dir() / video.file

    def themes_for(self, group: str) -> tuple[Theme, ...]:
        return tuple(t for t in self.themes if t.group == group)

    @property
    def use_case_ids(self) -> tuple[str, ...]:
        return tuple(u.id for u in self.use_cases)

    @property
    def has_welsh(self) -> bool:
        return bool((self.written or self).cy) or any(u.cy for u in (self.written or self).use_cases)

    def localised(self, lang: str) -> SessionPack:
        """This pack with its texts in ``lang`` ("cy" or "en"): ids, theme ids, theme keys,
        categories and quotas stay the English ones, so data matches either way. A text
        with no Welsh keeps its English. A site keeps its English name as an alias."""
        if lang == self.lang:
            return self
        if lang != "cy":
            return self.written or self

        def welsh(item: Any, **extra: Any) -> Any:
            return replace(item, **{**dict(item.cy), **extra})

        sites = tuple(
            welsh(s, aliases=tuple(dict.fromkeys(
                a for a in (*s.aliases, s.name) if a.casefold() != s.cy.get("name", s.name).casefold())))
            for s in self.sites)
        workshops = tuple(welsh(w, steps=tuple(welsh(step) for step in w.steps))
                          for w in self.workshops)
        return replace(
            self, **dict(self.cy), lang="cy", written=self, sites=sites, workshops=workshops,
            use_cases=tuple(welsh(u) for u in self.use_cases),
            videos=tuple(welsh(v) for v in self.videos),
            themes=tuple(welsh(t) for t in self.themes),
            variables=tuple(welsh(v) for v in self.variables),
            derived=tuple(welsh(d) for d in self.derived))

    def english_theme_key(self, theme_id_: str) -> str | None:
        """The English key of a codebook theme, whatever language the labels are in."""
        for theme in self.themes:
            if theme.id == theme_id_:
                return theme.key
        return None


def theme_key(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.casefold()).strip("_")


def theme_id(group: str, label: str) -> str:
    return natural_id("theme", group, label)


# -- loading -----------------------------------------------------------------------------


class _Reader:
    """Typed access to a TOML table that raises SessionPackError with the key path."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def fail(self, path: str, message: str) -> SessionPackError:
        return SessionPackError(message, file=self.file, field=path)

    def table(self, data: Any, path: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(path, "must be a table")
        return data

    def array(self, data: Mapping[str, Any], key: str, path: str,
              required: bool = True) -> list[Any]:
        if key not in data:
            if required:
                raise self.fail(_join(path, key), "is missing")
            return []
        value = data[key]
        if not isinstance(value, list):
            raise self.fail(_join(path, key), "must be a list")
        return value

    def string(self, data: Mapping[str, Any], key: str, path: str, *,
               required: bool = True, default: str = "") -> str:
        if key not in data:
            if required:
                raise self.fail(_join(path, key), "is missing")
            return default
        value = data[key]
        if not isinstance(value, str):
            raise self.fail(_join(path, key), "must be text")
        if required and not value.strip():
            raise self.fail(_join(path, key), "must not be empty")
        return value.strip()

    def strings(self, data: Mapping[str, Any], key: str, path: str,
                required: bool = True) -> tuple[str, ...]:
        items = self.array(data, key, path, required)
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{_join(path, key)}[{i}]", "must be non-empty text")
        return tuple(item.strip() for item in items)

    def ident(self, data: Mapping[str, Any], key: str, path: str) -> str:
        value = self.string(data, key, path)
        if not _ID_RE.match(value):
            raise self.fail(_join(path, key),
                            f"{value!r} is not a valid id (lower-case letters, digits, _ and -)")
        return value

    def number(self, data: Mapping[str, Any], key: str, path: str, *,
               required: bool = True, default: float = 0.0) -> float:
        if key not in data:
            if required:
                raise self.fail(_join(path, key), "is missing")
            return default
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(_join(path, key), "must be a number")
        return float(value)

    def boolean(self, data: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(_join(path, key), "must be true or false")
        return value

    def only(self, data: Mapping[str, Any], path: str, allowed: set[str]) -> None:
        allowed = allowed | {key + WELSH_SUFFIX for key in allowed & TRANSLATABLE}
        for key in data:
            if key not in allowed:
                hint = ", ".join(sorted(allowed))
                raise self.fail(_join(path, key), f"unknown key (expected one of: {hint})")


def _welsh(r: _Reader, data: Mapping[str, Any], path: str,
           english: Mapping[str, Any]) -> dict[str, Any]:
    """The ``<key>_cy`` twins present in ``data``, checked against their English."""
    found: dict[str, Any] = {}
    for key, value in english.items():
        twin = key + WELSH_SUFFIX
        if twin not in data:
            continue
        if isinstance(value, tuple):
            items = r.strings(data, twin, path, required=False)
            if len(items) != len(value):
                raise r.fail(_join(path, twin),
                             f"has {len(items)} item(s) but {key} has {len(value)}: "
                             "give one Welsh item per English item, in the same order")
            found[key] = items
        else:
            found[key] = r.string(data, twin, path, required=bool(value))
    return found


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _unique(reader: _Reader, ids: list[tuple[str, str]], what: str) -> None:
    seen: dict[str, str] = {}
    for item_id, path in ids:
        if item_id in seen:
            raise reader.fail(path, f"duplicate {what} id {item_id!r} (also at {seen[item_id]})")
        seen[item_id] = path


def load_pack(path: str | Path) -> SessionPack:
    """Load and validate a session pack folder (or its pack.toml)."""
    folder = Path(path)
    file = folder if folder.suffix == ".toml" else folder / PACK_FILE
    folder = file.parent
    if not file.exists():
        raise SessionPackError("no session pack here (pack.toml not found)", file=file)
    try:
        raw = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SessionPackError("is not UTF-8 text", file=file) from exc
    except OSError as exc:
        raise SessionPackError(f"cannot read: {exc.strerror}", file=file) from exc
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = int(match.group(1)) if match else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        if match:
            message += f" (column {match.group(2)})"
        raise SessionPackError(f"TOML syntax error: {message}", file=file, line=line) from exc
    return _build(_Reader(file), data, folder)


def _build(r: _Reader, data: dict[str, Any], folder: Path) -> SessionPack:
    r.only(data, "", {"programme", "sites", "workshops", "use_cases", "videos", "codebook",
                      "variables", "derived", "quotas"})
    prog = r.table(data.get("programme"), "programme") if "programme" in data else None
    if prog is None:
        raise r.fail("programme", "is missing")
    r.only(prog, "programme", {"id", "title", "description", "schema_version",
                               "suppression_threshold", "dot_allowance", "dot_cap"})
    version = int(r.number(prog, "schema_version", "programme", required=False,
                           default=PACK_SCHEMA_VERSION))
    if version > PACK_SCHEMA_VERSION:
        raise r.fail("programme.schema_version",
                     f"pack schema {version} is newer than this Facilitator supports "
                     f"({PACK_SCHEMA_VERSION}): update Facilitator")
    threshold = int(r.number(prog, "suppression_threshold", "programme", required=False,
                             default=5))
    if threshold < 1:
        raise r.fail("programme.suppression_threshold", "must be at least 1")
    allowance = int(r.number(prog, "dot_allowance", "programme", required=False, default=3))
    cap = int(r.number(prog, "dot_cap", "programme", required=False, default=2))
    if allowance < 1:
        raise r.fail("programme.dot_allowance", "must be at least 1")
    if not 1 <= cap <= allowance:
        raise r.fail("programme.dot_cap", f"must be from 1 to dot_allowance ({allowance})")

    sites = _sites(r, data)
    use_cases = _use_cases(r, data)
    videos = _videos(r, data)
    use_case_ids = {u.id for u in use_cases}
    video_ids = {v.id for v in videos}
    workshops = _workshops(r, data, use_case_ids, video_ids)
    themes = _codebook(r, data, use_case_ids)
    variables = _variables(r, data)
    derived = _derived(r, data, variables)
    quotas = _quotas(r, data, sites, variables, derived)
    title = r.string(prog, "title", "programme")
    description = r.string(prog, "description", "programme", required=False)
    return SessionPack(
        id=r.ident(prog, "id", "programme"),
        title=title,
        description=description,
        cy=_welsh(r, prog, "programme", {"title": title, "description": description}),
        path=folder,
        sites=sites,
        workshops=workshops,
        use_cases=use_cases,
        videos=videos,
        themes=themes,
        variables=variables,
        derived=derived,
        quotas=quotas,
        suppression_threshold=threshold,
        dot_allowance=allowance,
        dot_cap=cap,
    )


def _sites(r: _Reader, data: dict[str, Any]) -> tuple[Site, ...]:
    sites = []
    for i, raw in enumerate(r.array(data, "sites", "")):
        path = f"sites[{i}]"
        item = r.table(raw, path)
        r.only(item, path, {"id", "name", "description", "tables", "aliases"})
        site = Site(
            id=r.ident(item, "id", path),
            name=r.string(item, "name", path),
            description=r.string(item, "description", path, required=False),
            tables=r.strings(item, "tables", path, required=False),
            aliases=r.strings(item, "aliases", path, required=False),
        )
        # Table names are not translated: they make the tables' ids.
        cy = _welsh(r, item, path, {"name": site.name, "description": site.description})
        sites.append(replace(site, cy=cy))
    if not sites:
        raise r.fail("sites", "must list at least one site")
    _unique(r, [(s.id, f"sites[{i}].id") for i, s in enumerate(sites)], "site")
    _unique(r, [(name.casefold(), f"sites[{i}].{'name' if j == 0 else 'aliases'}")
                for i, s in enumerate(sites) for j, name in enumerate((s.name, *s.aliases))],
            "site name")
    return tuple(sites)


def _use_cases(r: _Reader, data: dict[str, Any]) -> tuple[UseCase, ...]:
    use_cases = []
    for i, raw in enumerate(r.array(data, "use_cases", "")):
        path = f"use_cases[{i}]"
        item = r.table(raw, path)
        r.only(item, path, {"id", "level", "title", "definition", "benefits", "risks",
                            "example"})
        level = r.string(item, "level", path)
        if level not in USE_CASE_LEVELS:
            raise r.fail(f"{path}.level", f"{level!r} must be one of {', '.join(USE_CASE_LEVELS)}")
        case = UseCase(
            id=r.ident(item, "id", path),
            level=level,
            title=r.string(item, "title", path),
            definition=r.string(item, "definition", path),
            benefits=r.strings(item, "benefits", path),
            risks=r.strings(item, "risks", path),
            example=r.string(item, "example", path),
        )
        use_cases.append(replace(case, cy=_welsh(r, item, path, {
            "title": case.title, "definition": case.definition, "benefits": case.benefits,
            "risks": case.risks, "example": case.example})))
    _unique(r, [(u.id, f"use_cases[{i}].id") for i, u in enumerate(use_cases)], "use case")
    return tuple(use_cases)


def _videos(r: _Reader, data: dict[str, Any]) -> tuple[Video, ...]:
    videos = []
    for i, raw in enumerate(r.array(data, "videos", "", required=False)):
        path = f"videos[{i}]"
        item = r.table(raw, path)
        r.only(item, path, {"id", "file", "title", "speaker", "role", "topic", "sha256",
                            "duration"})
        file = r.string(item, "file", path)
        if "/" in file or "\\" in file or file.startswith("."):
            raise r.fail(f"{path}.file", f"{file!r} must be a plain file name in assets/videos")
        sha = r.string(item, "sha256", path).lower()
        if not _SHA_RE.match(sha):
            raise r.fail(f"{path}.sha256", "must be 64 hexadecimal digits")
        duration = r.number(item, "duration", path)
        if duration <= 0:
            raise r.fail(f"{path}.duration", "must be more than 0 seconds")
        video = Video(
            id=r.ident(item, "id", path), file=file, title=r.string(item, "title", path),
            speaker=r.string(item, "speaker", path, required=False),
            role=r.string(item, "role", path, required=False),
            topic=r.string(item, "topic", path, required=False),
            sha256=sha, duration=duration,
        )
        videos.append(replace(video, cy=_welsh(r, item, path, {
            "title": video.title, "speaker": video.speaker, "role": video.role,
            "topic": video.topic})))
    _unique(r, [(v.id, f"videos[{i}].id") for i, v in enumerate(videos)], "video")
    return tuple(videos)


def _workshops(r: _Reader, data: dict[str, Any], use_case_ids: set[str],
               video_ids: set[str]) -> tuple[Workshop, ...]:
    workshops = []
    step_ids: list[tuple[str, str]] = []
    for i, raw in enumerate(r.array(data, "workshops", "")):
        path = f"workshops[{i}]"
        item = r.table(raw, path)
        r.only(item, path, {"number", "title", "mode", "description", "steps"})
        number_f = r.number(item, "number", path)
        if number_f != int(number_f) or number_f < 1:
            raise r.fail(f"{path}.number", "must be a whole number from 1")
        mode = r.string(item, "mode", path)
        if mode not in WORKSHOP_MODES:
            raise r.fail(f"{path}.mode", f"{mode!r} must be one of {', '.join(WORKSHOP_MODES)}")
        steps = []
        for j, raw_step in enumerate(r.array(item, "steps", path)):
            spath = f"{path}.steps[{j}]"
            step = r.table(raw_step, spath)
            r.only(step, spath, {"id", "kind", "title", "minutes", "prompt", "use_case",
                                 "video", "auto_advance", "facilitator_notes"})
            kind = r.string(step, "kind", spath)
            if kind not in STEP_KINDS:
                raise r.fail(f"{spath}.kind",
                             f"unknown step kind {kind!r} (expected one of: {', '.join(STEP_KINDS)})")
            minutes = r.number(step, "minutes", spath)
            if minutes < 0:
                raise r.fail(f"{spath}.minutes", f"must not be negative (got {minutes:g})")
            use_case = r.string(step, "use_case", spath, required=False) or None
            if use_case is not None and use_case not in use_case_ids:
                raise r.fail(f"{spath}.use_case", f"no use case with id {use_case!r}")
            video = r.string(step, "video", spath, required=False) or None
            if video is not None and video not in video_ids:
                raise r.fail(f"{spath}.video", f"no video with id {video!r} in [[videos]]")
            if kind == "video" and video is None:
                raise r.fail(f"{spath}.video", "a video step must name a video")
            step_id = r.ident(step, "id", spath)
            step_ids.append((step_id, f"{spath}.id"))
            agenda_step = AgendaStep(
                id=step_id, kind=kind, title=r.string(step, "title", spath), minutes=minutes,
                prompt=r.string(step, "prompt", spath, required=False),
                use_case=use_case, video=video,
                auto_advance=r.boolean(step, "auto_advance", spath, False),
                facilitator_notes=r.string(step, "facilitator_notes", spath, required=False),
            )
            steps.append(replace(agenda_step, cy=_welsh(r, step, spath, {
                "title": agenda_step.title, "prompt": agenda_step.prompt,
                "facilitator_notes": agenda_step.facilitator_notes})))
        workshop = Workshop(
            number=int(number_f), title=r.string(item, "title", path), mode=mode,
            description=r.string(item, "description", path, required=False),
            steps=tuple(steps),
        )
        workshops.append(replace(workshop, cy=_welsh(r, item, path, {
            "title": workshop.title, "description": workshop.description})))
    if not workshops:
        raise r.fail("workshops", "must list at least one workshop")
    _unique(r, [(str(w.number), f"workshops[{i}].number") for i, w in enumerate(workshops)],
            "workshop")
    _unique(r, step_ids, "step")
    return tuple(sorted(workshops, key=lambda w: w.number))


def _codebook(r: _Reader, data: dict[str, Any], use_case_ids: set[str]) -> tuple[Theme, ...]:
    if "codebook" not in data:
        return ()
    book = r.table(data["codebook"], "codebook")
    r.only(book, "codebook", {"advice", "use_cases", "labels_cy"})
    welsh_labels = r.table(book.get("labels_cy", {}), "codebook.labels_cy")
    themes: list[Theme] = []
    groups: list[tuple[str, tuple[str, ...], str]] = []
    per_case = r.table(book.get("use_cases", {}), "codebook.use_cases")
    for case_id in per_case:
        path = f"codebook.use_cases.{case_id}"
        if case_id not in use_case_ids:
            raise r.fail(path, f"no use case with id {case_id!r}")
        groups.append((case_id, r.strings(per_case, case_id, "codebook.use_cases"), path))
    if "advice" in book:
        groups.append((ADVICE_GROUP, r.strings(book, "advice", "codebook"), "codebook.advice"))
    for group, labels, path in groups:
        seen: set[str] = set()
        for label in labels:
            key = theme_key(label)
            if key in seen:
                raise r.fail(path, f"duplicate theme {label!r}")
            seen.add(key)
            cy = {}
            if label in welsh_labels:
                cy = {"label": r.string(welsh_labels, label, "codebook.labels_cy")}
            themes.append(Theme(id=theme_id(group, label), key=key, label=label, group=group,
                                cy=cy))
    known = {t.label for t in themes}
    for label in welsh_labels:
        if label not in known:
            raise r.fail(f"codebook.labels_cy.{label}",
                         "no theme has this English label in the codebook")
    return tuple(themes)


def _variables(r: _Reader, data: dict[str, Any]) -> tuple[Variable, ...]:
    table = r.table(data.get("variables", {}), "variables")
    variables = []
    for var_id, raw in table.items():
        path = f"variables.{var_id}"
        if var_id not in ROSTER_VARIABLES:
            raise r.fail(path, f"unknown roster variable (expected one of: "
                               f"{', '.join(ROSTER_VARIABLES)})")
        item = r.table(raw, path)
        r.only(item, path, {"label", "categories", "aliases", "scores", "category_labels_cy"})
        categories = r.strings(item, "categories", path)
        if NOT_RECORDED in categories:
            raise r.fail(f"{path}.categories",
                         f"{NOT_RECORDED!r} is always allowed; do not list it")
        known = set(categories) | {NOT_RECORDED}
        aliases = r.table(item.get("aliases", {}), f"{path}.aliases")
        for alias, target in aliases.items():
            if target not in known:
                raise r.fail(f"{path}.aliases.{alias}", f"maps to unknown category {target!r}")
        scores_raw = r.table(item.get("scores", {}), f"{path}.scores")
        scores: dict[int, str] = {}
        for score, target in scores_raw.items():
            if not score.isdigit():
                raise r.fail(f"{path}.scores.{score}", "score must be a whole number")
            if target not in known:
                raise r.fail(f"{path}.scores.{score}", f"maps to unknown category {target!r}")
            scores[int(score)] = target
        label = r.string(item, "label", path, required=False, default=var_id)
        names_cy = r.table(item.get("category_labels_cy", {}), f"{path}.category_labels_cy")
        for category in names_cy:
            if category not in known:
                raise r.fail(f"{path}.category_labels_cy.{category}",
                             f"unknown category {category!r}")
            r.string(names_cy, category, f"{path}.category_labels_cy")
        variables.append(Variable(
            id=var_id, label=label,
            categories=categories,
            aliases={k.casefold(): v for k, v in aliases.items()},
            scores=scores,
            cy=_welsh(r, item, path, {"label": label}),
            category_labels={"cy": dict(names_cy)} if names_cy else {},
        ))
    missing = [v for v in ROSTER_VARIABLES if v not in table]
    if missing:
        raise r.fail("variables", f"missing roster variables: {', '.join(missing)}")
    return tuple(sorted(variables, key=lambda v: ROSTER_VARIABLES.index(v.id)))


def _derived(r: _Reader, data: dict[str, Any],
             variables: tuple[Variable, ...]) -> tuple[DerivedVariable, ...]:
    by_id = {v.id: v for v in variables}
    derived = []
    for i, raw in enumerate(r.array(data, "derived", "", required=False)):
        path = f"derived[{i}]"
        item = r.table(raw, path)
        r.only(item, path, {"id", "label", "when"})
        var_id = r.ident(item, "id", path)
        if var_id in by_id:
            raise r.fail(f"{path}.id", f"{var_id!r} is already a roster variable")
        when = r.table(item.get("when"), f"{path}.when")
        if not when:
            raise r.fail(f"{path}.when", "must give at least one condition")
        rules: dict[str, tuple[str, tuple[str, ...]]] = {}
        for var, cond_raw in when.items():
            cpath = f"{path}.when.{var}"
            if var not in by_id:
                raise r.fail(cpath, f"unknown roster variable {var!r}")
            cond = r.table(cond_raw, cpath)
            r.only(cond, cpath, {"in", "not_in"})
            if len(cond) != 1:
                raise r.fail(cpath, "give exactly one of in or not_in")
            op = next(iter(cond))
            values = r.strings(cond, op, cpath)
            allowed = set(by_id[var].categories) | {NOT_RECORDED}
            for value in values:
                if value not in allowed:
                    raise r.fail(f"{cpath}.{op}", f"unknown category {value!r} of {var}")
            rules[var] = (op, values)
        label = r.string(item, "label", path, required=False, default=var_id)
        derived.append(DerivedVariable(id=var_id, label=label, rules=rules,
                                       cy=_welsh(r, item, path, {"label": label})))
    _unique(r, [(d.id, f"derived[{i}].id") for i, d in enumerate(derived)], "derived variable")
    return tuple(derived)


def _quotas(r: _Reader, data: dict[str, Any], sites: tuple[Site, ...],
            variables: tuple[Variable, ...],
            derived: tuple[DerivedVariable, ...]) -> dict[str, dict[str, dict[str, int]]]:
    table = r.table(data.get("quotas", {}), "quotas")
    site_ids = {s.id for s in sites}
    categories = {v.id: set(v.categories) | {NOT_RECORDED} for v in variables}
    categories.update({d.id: {"yes", "no"} for d in derived})
    quotas: dict[str, dict[str, dict[str, int]]] = {}
    for site_id, per_site in table.items():
        spath = f"quotas.{site_id}"
        if site_id not in site_ids:
            raise r.fail(spath, f"unknown site {site_id!r}")
        quotas[site_id] = {}
        for var, per_var in r.table(per_site, spath).items():
            vpath = f"{spath}.{var}"
            if var not in categories:
                raise r.fail(vpath, f"unknown variable {var!r}")
            quotas[site_id][var] = {}
            for category, target in r.table(per_var, vpath).items():
                cpath = f"{vpath}.{category}"
                if category not in categories[var]:
                    raise r.fail(cpath, f"unknown category {category!r} of {var}")
                if isinstance(target, bool) or not isinstance(target, int) or target < 0:
                    raise r.fail(cpath, "must be a whole number, 0 or more")
                quotas[site_id][var][category] = target
    return quotas
