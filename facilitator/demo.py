"""``facilitator demo -o DIR``: the whole pipeline on labelled synthetic data.

Three synthetic venues (Cardiff, Durham, London) are built in ``DIR`` — never in the
user's database — through the same CSV imports a real programme uses (roster, notes
and ballots), each venue exports its site PDF, and a lead's database merges the
three PDFs and writes the cross-site report. Every text says it is synthetic, and
every database is marked so its reports say so on the cover. No Qt.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

from facilitator.core.errors import ExportError, Progress
from facilitator.core.merge import merge
from facilitator.core.pack import SessionPack
from facilitator.core.store import Store

SYNTHETIC_KEY = "synthetic_demo"
SITES = (("cardiff", "CDF", 20), ("durham", "DUR", 18), ("london", "LDN", 20))
QUOTES = {
    "summarising_basic": (
        "Summarising files saves officers hours; that time should go back on the street.",
        "Searching old records by person and place makes sense — if the records are right.",
    ),
    "summarising_sensitive": (
        "Going through someone's messages and movements feels like a step too far.",
        "Who decides what goes into my digital footprint, and who checks it?",
    ),
    "call_101": (
        "If it answers 101 calls faster, fine — but I'd want a person for anything serious.",
        "Mae angen i'r system ddeall acenion Cymraeg hefyd, nid dim ond Saesneg.",
    ),
    "call_999_transfer": (
        "When you ring 999 you want a human voice, not a machine weighing your distress.",
        "Background noise isn't an emergency detector — some of us live on busy roads.",
    ),
    "hotspots": (
        "Heat maps just send more police to the same estates. That's not fair on us.",
        "Rural crime never shows on a map like that; we'd be forgotten again.",
    ),
    "reoffending": (
        "A risk score for reoffending follows you for life — what about rehabilitation?",
        "I'd trust it more if they told us how it was tested, and on whom.",
    ),
}
NOTES = (
    "Table agreed efficiency matters but worried about bias in old data.",
    "Several people raised languages and accents — Welsh speakers especially.",
    "Discussion of transparency: publish what the tools are used for.",
    "Concern about under-policing areas the model never flags.",
)
ADVICE = (
    ("Oversight and accountability", "An independent body should audit every AI tool "
     "before and after it is used."),
    ("Accuracy and bias", "Test tools on local data and publish the error rates by group."),
    ("Transparency in implementation", "Tell the public which AI tools each force uses, "
     "and why."),
)


@dataclass
class DemoResult:
    folder: Path
    site_pdfs: list[Path] = field(default_factory=list)
    merged_db: Path | None = None
    merged_pdf: Path | None = None


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def site_csvs(pack: SessionPack, folder: Path, site_id: str, prefix: str, people: int,
              seed: int) -> tuple[Path, Path, Path]:
    """The roster, notes and ballots CSVs of one synthetic venue, as a user would have."""
    rng = random.Random(seed)
    site = pack.site(site_id)
    codes = [f"{prefix}-S{i:02d}" for i in range(1, people + 1)]
    roster = []
    for i, code in enumerate(codes):
        roster.append([code, site.name, rng.choice(["Man", "Woman"]),
                       rng.choice(["18-24", "25-34", "35-44", "45-54", "55+", "65+"]),
                       rng.choice(["White British", "Mixed race", "Black British",
                                   "Asian/Asian British", "White"]),
                       rng.choice(["Urban", "Small town/Suburban", "Village/Rural"]),
                       rng.choice(["AB", "C1", "C2", "D", "E"]),
                       rng.choice(["Straight", "Gay", "Bisexual", "Prefer not to say"]),
                       str(rng.randint(1, 5)), str(rng.randint(1, 5)),
                       "no" if i % 9 == 4 else "yes"])
    roster_csv = _write_csv(folder / f"{site_id}-roster.csv",
                            ["code", "site", "gender", "age_band", "ethnicity", "area", "seg",
                             "lgbtqia", "trust_police", "ai_opinion", "quote_consent"], roster)

    ids = list(pack.use_case_ids)
    themes = {u: [t.label for t in pack.themes_for(u)] for u in ids}
    advice_themes = [t.label for t in pack.themes_for("advice")]
    notes = []
    for n in range(people * 2):
        use_case = ids[n % len(ids)]
        workshop = 2 if pack.use_case(use_case).level == "basic" else 4
        table = f"Table {n % 4 + 1}"
        tagged = ";".join(rng.sample(themes[use_case], k=min(2, len(themes[use_case]))))
        stamp = f"2026-0{workshop + 3}-1{n % 9} 1{n % 6}:{n % 60:02d}:00"
        if n % 2 == 0:
            notes.append([site.name, str(workshop), table, "quote",
                          f"[synthetic] {rng.choice(QUOTES.get(use_case, NOTES))}", use_case,
                          tagged,
                          rng.choice(codes), stamp])
        else:
            notes.append([site.name, str(workshop), table, "note",
                          f"[synthetic] {rng.choice(NOTES)}", use_case, tagged, "", stamp])
    for theme, text in ADVICE:
        if theme in advice_themes:
            notes.append([site.name, "4", "Table 1", "advice", f"[synthetic] {text}", "",
                          theme, "", "2026-07-14 15:00:00"])
    notes_csv = _write_csv(folder / f"{site_id}-notes.csv",
                           ["site", "workshop", "table", "kind", "text", "use_case", "themes",
                            "participant", "created_at"], notes)

    # Rankings with a shared tendency, so sites differ a little but agree broadly.
    appeal = {u: rng.random() for u in ids}
    appeal.update({"summarising_basic": 2.0, "call_101": 1.6, "reoffending": -1.0})
    ballots = []
    for code in codes:
        scored = sorted(ids, key=lambda u: -(appeal[u] + rng.gauss(0, 1.0)))
        ranks = {u: str(scored.index(u) + 1) for u in ids}
        ballots.append([code, site.name, "3", *[ranks[u] for u in ids]])
    # Cardiff ranks again at the end of Workshop 4, after the oversight videos: the
    # reports show both rounds and the shift, never the two pooled.
    if site_id == "cardiff":
        appeal.update({"reoffending": -1.6, "call_999_transfer": appeal["call_999_transfer"]
                       - 0.4})
        for code in codes[:14]:
            scored = sorted(ids, key=lambda u: -(appeal[u] + rng.gauss(0, 0.8)))
            ranks = {u: str(scored.index(u) + 1) for u in ids}
            ballots.append([code, site.name, "4", *[ranks[u] for u in ids]])
    ballots_csv = _write_csv(folder / f"{site_id}-ballots.csv",
                             ["participant", "site", "workshop", *ids], ballots)
    return roster_csv, notes_csv, ballots_csv


def prioritise(store: Store, pack: SessionPack, folder: Path, seed: int) -> Path:
    """The hub combines each theme's advice from the three sites into one item, then
    participants' dots arrive as a paper-keyed priorities CSV (DESIGN §5)."""
    from facilitator.core.advice import advice_items, combine, import_priorities

    by_theme: dict[str, list[str]] = {}
    for item in advice_items(store, pack):
        if not item.is_combination and item.combined_into is None:
            by_theme.setdefault(item.theme, []).append(item.id)
    for theme, ids in by_theme.items():
        if len(ids) > 1:
            text = next(t for th, t in ADVICE if th == theme)
            combine(store, pack, ids, f"[synthetic] {text} (all three sites)")
    items = [item for item in advice_items(store, pack) if item.votable]
    rng = random.Random(seed)
    rows = []
    for person in store.rows("participants", "withdrawn = 0", order_by="site, code"):
        chosen = rng.sample(items, k=min(2, len(items)))
        for item, dots in zip(chosen, (2, 1), strict=False):
            rows.append([str(person["code"]), pack.site(str(person["site"])).name,
                         item.short_id, str(dots)])
    path = _write_csv(folder / "priorities.csv", ["participant", "site", "item", "dots"], rows)
    import_priorities(store, pack, path)
    return path


def run_demo(pack: SessionPack, folder: str | Path, *, progress: Progress | None = None,
             seed: int = 2026) -> DemoResult:
    from facilitator.core.ballots import import_ballots
    from facilitator.core.notes_csv import import_notes
    from facilitator.core.roster import import_roster
    from facilitator.export.site_export import export_merged, export_site

    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".facilitator-demo-probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ExportError(f"cannot write the demonstration here: {exc.strerror}",
                          file=out) from exc
    result = DemoResult(out)
    steps = len(SITES) + 1
    for i, (site_id, prefix, people) in enumerate(SITES):
        if progress is not None:
            progress(i, steps)
        db = out / f"{site_id}.db"
        for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            stale.unlink(missing_ok=True)
        roster_csv, notes_csv, ballots_csv = site_csvs(pack, out, site_id, prefix, people,
                                                       seed + i)
        with Store(db, device_id=f"00000000-0000-4000-8000-00000000000{i + 1}") as store:
            store.set_setting("site", site_id)
            store.set_setting(SYNTHETIC_KEY, "1")
            store.create("devices", {"label": f"{pack.site(site_id).name} console",
                                     "site": site_id}, record_id=store.device_id)
            import_roster(store, pack, roster_csv)
            import_notes(store, pack, notes_csv)
            import_ballots(store, pack, ballots_csv)
            pdf = out / f"{site_id}-site-export.pdf"
            export_site(store, pack, site_id, pdf, accept_flagged=True)
            result.site_pdfs.append(pdf)
    if progress is not None:
        progress(len(SITES), steps)
    merged_db = out / "merged.db"
    for stale in (merged_db, merged_db.with_name("merged.db-wal"),
                  merged_db.with_name("merged.db-shm")):
        stale.unlink(missing_ok=True)
    with Store(merged_db, device_id="00000000-0000-4000-8000-0000000000aa") as lead:
        lead.set_setting(SYNTHETIC_KEY, "1")
        merge(lead, result.site_pdfs)
        prioritise(lead, pack, out, seed)
        merged_pdf = out / "cross-site-report.pdf"
        export_merged(lead, pack, merged_pdf)
    result.merged_db, result.merged_pdf = merged_db, merged_pdf
    if progress is not None:
        progress(steps, steps)
    return result
