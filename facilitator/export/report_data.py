"""What a report says, gathered from the store with no Qt and no layout.

Both the site export and the cross-site report are built from these records, so
the privacy rules are applied in one place (DESIGN §4):

- notes, quotes and advice of withdrawn participants are left out everywhere;
- a quote of a participant who said no to quotes counts in theme counts but its
  words are never printed (``Quote.withheld``);
- rehearsal records are left out of a real database's report;
- participants appear only as counts (quota tables), never by code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from facilitator.core import analysis, quotas
from facilitator.core.agenda import AgendaRunner, epoch_from_iso
from facilitator.core.i18n import QT_TRANSLATE_NOOP, translate
from facilitator.core.pack import SessionPack, Site
from facilitator.core.records import Record, canonical_time
from facilitator.core.store import Store
from facilitator.core.themes import labels as theme_labels

ADVICE = "advice"
OUTCOME_WORDS = {"done": QT_TRANSLATE_NOOP("Report", "done"),
                 "skipped": QT_TRANSLATE_NOOP("Report", "skipped"),
                 "current": QT_TRANSLATE_NOOP("Report", "in progress"),
                 "pending": QT_TRANSLATE_NOOP("Report", "not reached"),
                 "passed": QT_TRANSLATE_NOOP("Report", "passed over")}


def local_time(epoch: float) -> str:
    """A moment as the people in the room saw it (UK time), for reports."""
    try:
        from zoneinfo import ZoneInfo

        zone: Any = ZoneInfo("Europe/London")
    except Exception:  # no time-zone database on this machine: say UTC plainly
        return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return datetime.fromtimestamp(epoch, zone).strftime("%Y-%m-%d %H:%M %Z")
OTHER_THEME = "(no theme)"


@dataclass(frozen=True)
class Quote:
    """A note, quote or advice item as a report prints it."""

    id: str
    kind: str
    text: str
    site: str  # the site's name
    workshop: int
    table: str
    use_case: str | None
    themes: tuple[str, ...]  # labels
    starred: bool
    withheld: bool  # a quote of a participant who said no to quotes
    noted_at: str
    participant: str | None = None  # internal id, for segment counts; never printed

    @property
    def attribution(self) -> str:
        where = f"{self.site}, Workshop {self.workshop}"
        return f"{where} ({self.table})" if self.table else where


@dataclass(frozen=True)
class StepRow:
    title: str
    planned_minutes: float
    actual_minutes: float | None
    outcome: str


@dataclass(frozen=True)
class DayRun:
    """One laptop's run of one workshop day."""

    site: str
    workshop: int
    laptop: str
    started: str | None
    steps: tuple[StepRow, ...]
    videos: tuple[tuple[str, str, bool], ...]  # (title, started at, completed)


@dataclass(frozen=True)
class TurnoutRow:
    """One site's participants from recruitment to the last workshop.

    ``attended`` per workshop counts check-ins at in-person workshops, and for an
    online workshop the participants with an attributed ballot or note (its imported
    record of taking part); ``all_workshops`` took part in every workshop that has
    such a record at the site.
    """

    site: str
    recruited: int
    withdrawn: int
    attended: dict[int, int]
    all_workshops: int


@dataclass
class ReportData:
    programme: str
    sites: list[Site]
    laptops: list[tuple[str, str]]  # (id, label)
    dates: tuple[str, str] | None
    quotas: dict[str, Any]
    attendance: dict[str, dict[int, int]]  # site name -> workshop -> attended
    participants: dict[str, int]  # site name -> counted participants
    # (grouping, workshop, groups): one workshop at a time, never pooled
    results: list[tuple[str, int, list[tuple[dict[str, Any], analysis.GroupResult | None]]]]
    quotes: list[Quote]
    days: list[DayRun]
    rehearsal: bool
    synthetic: bool = False
    use_case_titles: dict[str, str] = field(default_factory=dict)
    variable_labels: dict[str, str] = field(default_factory=dict)
    advice: list[Any] = field(default_factory=list)  # core.advice.AdviceItem, listed order
    merge_log: list[Record] = field(default_factory=list)
    conflicts: list[Record] = field(default_factory=list)
    shifts: list[analysis.RoundShift] = field(default_factory=list)
    pack: SessionPack | None = None
    workshop_dates: dict[int, tuple[str, str]] = field(default_factory=dict)
    turnout: list[TurnoutRow] = field(default_factory=list)
    # participant id -> roster variable (and derived variable) -> category
    people: dict[str, dict[str, str]] = field(default_factory=dict)
    site_names: dict[str, str] = field(default_factory=dict)  # site id -> name
    roster: dict[str, int] = field(default_factory=dict)  # site name -> on the roster


def laptop_labels(store: Store) -> dict[str, str]:
    return {str(r["id"]): str(r["label"]) for r in store.rows("devices", "deleted = 0")}


def laptop_name(labels: dict[str, str], device: str) -> str:
    return labels.get(device) or f"Laptop {device[:8]}"


def _day(iso: str) -> str:
    return canonical_time(iso)[:10]


def gather(store: Store, pack: SessionPack, sites: Sequence[Site], *,
           results_by: Sequence[str] = ("site",), cross_site: bool = False) -> ReportData:
    """Everything a report of ``sites`` prints."""
    site_ids = [s.id for s in sites]
    names = {s.id: s.name for s in pack.sites}
    marks = ", ".join("?" for _ in site_ids)
    real_only = "" if store.rehearsal else " AND n.rehearsal = 0"
    rows = list(store.db.query(
        f"SELECT n.* FROM notes n WHERE n.site IN ({marks}) AND n.deleted = 0{real_only} "
        "AND NOT EXISTS (SELECT 1 FROM participants p WHERE p.id = n.participant_id "
        "AND p.withdrawn = 1) ORDER BY n.starred DESC, n.noted_at, n.id", site_ids))
    consent = {str(r["id"]): int(r["quote_consent"])
               for r in store.rows("participants", "quote_consent = 0")}
    tables = {str(r["id"]): str(r["name"]) for r in store.rows("venue_tables")}
    labels = theme_labels(store, pack)
    quotes = []
    for row in rows:
        theme_ids = json.loads(row["themes"] or "[]")
        table = str(row.get("table_name") or tables.get(str(row["table_id"] or ""), "") or "")
        quotes.append(Quote(
            id=str(row["id"]), kind=str(row["kind"]), text=str(row["text"]),
            site=names.get(str(row["site"]), str(row["site"])), workshop=int(row["workshop"]),
            table=table, use_case=row["use_case"],
            themes=tuple(labels.get(t, t) for t in theme_ids),
            starred=bool(row.get("starred")),
            withheld=row["kind"] == "quote" and str(row["participant_id"] or "") in consent,
            noted_at=str(row["noted_at"]),
            participant=str(row["participant_id"]) if row["participant_id"] else None))

    device_labels = laptop_labels(store)
    days: list[DayRun] = []
    devices: set[str] = set()
    for site_id, workshop, device in store.db.execute(
            f"SELECT DISTINCT site, workshop, origin_device FROM step_events WHERE site IN "
            f"({marks}) AND deleted = 0 ORDER BY site, workshop, origin_device", site_ids):
        devices.add(str(device))
        days.append(_day_run(store, pack, names, device_labels, str(site_id), int(workshop),
                             str(device)))
    for (device,) in store.db.execute(
            f"SELECT DISTINCT origin_device FROM notes WHERE site IN ({marks})", site_ids):
        devices.add(str(device))

    stamps = [q.noted_at for q in quotes] + [
        str(r[0]) for r in store.db.execute(
            f"SELECT at FROM step_events WHERE site IN ({marks}) AND deleted = 0", site_ids)]
    dates = (_day(min(stamps)), _day(max(stamps))) if stamps else None

    attendance: dict[str, dict[int, int]] = {}
    for site_id, workshop, count in store.db.execute(
            f"SELECT site, workshop, COUNT(*) FROM attendance WHERE site IN ({marks}) AND "
            "deleted = 0 AND attended = 1 GROUP BY site, workshop", site_ids):
        attendance.setdefault(names[str(site_id)], {})[int(workshop)] = int(count)
    quota_report = {"sites": {s.name: quotas.site_quotas(store, pack, s) for s in sites}}
    participants = {s.name: len(quotas.counted_participants(store, pack, s.id)) for s in sites}

    results: list[tuple[str, int, list[tuple[dict[str, Any],
                                             analysis.GroupResult | None]]]] = []
    threshold = pack.suppression_threshold
    if cross_site:
        for workshop in analysis.ranking_rounds(store, pack):
            for by in ("overall", *results_by):
                groups = analysis.result_groups(store, pack,
                                                by=None if by == "overall" else by,
                                                workshop=workshop, threshold=threshold)
                results.append((by, workshop, groups if by == "overall" else groups[1:]))
    else:
        for workshop in analysis.ranking_rounds(store, pack, site_ids[0]):
            groups = analysis.result_groups(store, pack, by="site", workshop=workshop,
                                            threshold=threshold)
            mine = [g for g in groups[1:] if g[0]["value"] in {s.name for s in sites}]
            results.append(("site", workshop, mine))
    shifts = analysis.site_shifts(store, pack, sites=site_ids, threshold=threshold)

    from facilitator.core.advice import advice_items

    if cross_site:
        advice = advice_items(store, pack)
    else:
        # A site's report: its own advice and what was combined from it, with the
        # dots cast at that site.
        advice = [item for item in advice_items(store, pack, site=site_ids[0])
                  if set(item.site_ids) & set(site_ids)]
    if not store.rehearsal:
        rehearsal_ids = {str(r[0]) for r in store.db.execute(
            "SELECT id FROM notes WHERE kind = 'advice' AND rehearsal = 1")}
        advice = [item for item in advice if item.id not in rehearsal_ids]

    return ReportData(
        programme=pack.title, sites=list(sites), advice=advice,
        laptops=sorted(((d, laptop_name(device_labels, d)) for d in devices if d),
                       key=lambda item: item[1]),
        dates=dates, quotas=quota_report, attendance=attendance, participants=participants,
        results=results, quotes=quotes, days=days,
        rehearsal=store.rehearsal or store.count("notes", "rehearsal = 1") > 0,
        synthetic=store.get_setting("synthetic_demo") == "1",
        use_case_titles={u.id: u.title for u in pack.use_cases},
        variable_labels={"site": "Site", **{v.id: v.label for v in pack.variables},
                         **{d.id: d.label for d in pack.derived}},
        merge_log=store.rows("merge_log", order_by="id") if cross_site else [],
        conflicts=store.conflicts() if cross_site else [],
        shifts=shifts, site_names=names, pack=pack,
        workshop_dates=_workshop_dates(store, site_ids),
        turnout=[_turnout(store, pack, site) for site in sites],
        people=_people(store, pack, site_ids),
    )


def _workshop_dates(store: Store, site_ids: Sequence[str]) -> dict[int, tuple[str, str]]:
    """workshop → (first day, last day) seen in its notes and its agenda as run."""
    marks = ", ".join("?" for _ in site_ids)
    out: dict[int, tuple[str, str]] = {}
    for table, column in (("notes", "noted_at"), ("step_events", "at")):
        for workshop, first, last in store.db.execute(
                f"SELECT workshop, MIN({column}), MAX({column}) FROM {table} WHERE site IN "
                f"({marks}) AND deleted = 0 GROUP BY workshop", list(site_ids)):
            days = (_day(str(first)), _day(str(last)))
            have = out.get(int(workshop))
            out[int(workshop)] = days if have is None else (min(have[0], days[0]),
                                                            max(have[1], days[1]))
    return out


def _turnout(store: Store, pack: SessionPack, site: Site) -> TurnoutRow:
    people = {str(r["id"]): r for r in store.rows("participants", "site = ? AND deleted = 0",
                                                  [site.id])}
    active = {pid for pid, r in people.items()
              if not int(r["withdrawn"]) and not int(r["erased"])}
    took_part: dict[int, set[str]] = {}
    for workshop, pid in store.db.execute(
            "SELECT workshop, participant_id FROM attendance WHERE site = ? AND deleted = 0 "
            "AND attended = 1", [site.id]):
        took_part.setdefault(int(workshop), set()).add(str(pid))
    online = {w.number for w in pack.workshops if not w.in_person}
    for table in ("ballots", "notes"):
        for workshop, pid in store.db.execute(
                f"SELECT DISTINCT workshop, participant_id FROM {table} WHERE site = ? AND "
                "deleted = 0 AND participant_id IS NOT NULL", [site.id]):
            if int(workshop) in online:
                took_part.setdefault(int(workshop), set()).add(str(pid))
    attended = {w: len(pids & active) for w, pids in sorted(took_part.items())}
    every = set(active)
    for pids in took_part.values():
        every &= pids
    return TurnoutRow(site.name, len(people), len(people) - len(active), attended,
                      len(every) if took_part else 0)


def _people(store: Store, pack: SessionPack, site_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    from facilitator.core.pack import NOT_RECORDED

    marks = ", ".join("?" for _ in site_ids)
    out: dict[str, dict[str, str]] = {}
    for row in store.db.query(
            f"SELECT * FROM participants WHERE site IN ({marks}) AND deleted = 0 "
            "AND withdrawn = 0 AND erased = 0", list(site_ids)):
        values = {v.id: str(row.get(v.id) or NOT_RECORDED) for v in pack.variables}
        for derived in pack.derived:
            values[derived.id] = "yes" if derived.applies(values) else "no"
        out[str(row["id"])] = values
    return out


def _day_run(store: Store, pack: SessionPack, names: dict[str, str], labels: dict[str, str],
             site_id: str, workshop: int, device: str) -> DayRun:
    events = store.rows("step_events", "origin_device = ? AND site = ? AND workshop = ? "
                        "AND deleted = 0", [device, site_id, workshop], order_by="seq")
    last = max(epoch_from_iso(canonical_time(e["at"])) for e in events) if events else 0.0
    try:
        runner = AgendaRunner(store, pack, site_id, workshop, clock=lambda: last,
                              device_id=device)
    except Exception:  # a pack without that workshop any more: report the laptop only
        return DayRun(names.get(site_id, site_id), workshop, laptop_name(labels, device),
                      None, (), ())
    status = runner.status()
    steps = tuple(
        StepRow(step.title, step.minutes, status.actual_minutes[i],
                translate("Report", OUTCOME_WORDS.get(status.outcomes[i], status.outcomes[i])))
        for i, step in enumerate(runner.workshop.steps))
    started = local_time(status.day_started_at) if status.day_started_at else None
    titles = {v.id: v.title for v in pack.videos}
    videos = tuple(
        (titles.get(str(r["video_id"]), str(r["video_id"])),
         local_time(epoch_from_iso(canonical_time(r["started_at"]))), bool(r["completed"]))
        for r in store.rows("video_plays", "origin_device = ? AND site = ? AND workshop = ? "
                            "AND deleted = 0", [device, site_id, workshop],
                            order_by="started_at"))
    return DayRun(names.get(site_id, site_id), workshop, laptop_name(labels, device), started,
                  steps, videos)
