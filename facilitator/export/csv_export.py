"""``--csv DIR``: notes, ballots, participants and the advice list as Excel-friendly CSV
(DESIGN §5).

UTF-8 with a BOM, in exactly the formats the imports read, so each file can be
imported back. Participants by pseudonymous code only; withdrawn and erased
participants, and their ballots, are left out; a quote from someone who said no to
quotes is withheld (``core/notes_csv.py``). Each file is written atomically.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from facilitator.core.ballots import COUNTED_B_SQL
from facilitator.core.csvread import neutralise_row
from facilitator.core.notes_csv import export_table
from facilitator.core.pack import ROSTER_VARIABLES, SessionPack
from facilitator.core.roster import ROSTER_COLUMNS
from facilitator.core.store import Store
from facilitator.export.site_export import write_atomic


def _csv_bytes(header: tuple[str, ...] | list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    # Never a formula in Excel (CSV injection): core/csvread.neutralise, undone on import.
    writer.writerows(neutralise_row(row) for row in rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def participant_rows(store: Store, pack: SessionPack) -> list[list[str]]:
    names = {s.id: s.name for s in pack.sites}
    out = []
    for row in store.rows("participants", "deleted = 0 AND withdrawn = 0 AND erased = 0",
                          order_by="site, code"):
        out.append([str(row["code"]), names.get(str(row["site"]), str(row["site"])),
                    *[str(row[v]) for v in ROSTER_VARIABLES],
                    "yes" if int(row["quote_consent"]) else "no"])
    return out


def ballot_rows(store: Store, pack: SessionPack) -> list[list[str]]:
    names = {s.id: s.name for s in pack.sites}
    ids = pack.use_case_ids
    out = []
    for row in store.db.query(
            "SELECT b.site, b.workshop, b.ranking, p.code FROM ballots b LEFT JOIN "
            f"participants p ON p.id = b.participant_id WHERE {COUNTED_B_SQL} "
            "ORDER BY b.site, b.workshop, p.code, b.id"):
        ranking = json.loads(row["ranking"])
        ranks = {u: str(ranking.index(u) + 1) for u in ranking}
        out.append([str(row["code"] or ""), names.get(str(row["site"]), str(row["site"])),
                    str(row["workshop"]), *[ranks.get(u, "") for u in ids]])
    return out


CsvFiles = list[tuple[str, list[str], list[list[str]]]]
ADVICE_COLUMNS = ("item", "text", "theme", "sites", "combined_from", "combined_into", "dots",
                  "voters")


def advice_rows(store: Store, pack: SessionPack) -> list[list[str]]:
    """The advice list as ``advice list`` prints it, combinations included: the ids a
    priorities CSV names, the combined wording, the dots."""
    from facilitator.core.advice import advice_items

    return [[item.id, item.text, item.theme, ";".join(item.sites),
             ";".join(item.combined_from), item.combined_into or "", str(item.dots),
             str(item.voters)] for item in advice_items(store, pack)]


def _notes_table(store: Store, pack: SessionPack) -> tuple[list[str], list[list[str]]]:
    header, rows = export_table(store, pack)
    return list(header), rows


def csv_tables(store: Store, pack: SessionPack) -> CsvFiles:
    """(file name, header, rows) of each CSV file ``--csv`` writes."""
    return [
        ("participants.csv", list(ROSTER_COLUMNS), participant_rows(store, pack)),
        ("notes.csv", *_notes_table(store, pack)),
        ("ballots.csv", ["participant", "site", "workshop", *pack.use_case_ids],
         ballot_rows(store, pack)),
        ("advice.csv", list(ADVICE_COLUMNS), advice_rows(store, pack)),
    ]


def csv_hits(store: Store, files: CsvFiles) -> list[Any]:
    """The privacy gate over every cell the CSV files print (``core/privacy.py``)."""
    from facilitator.core import privacy

    printed = [privacy.Printed(cell, f"{header[i]} in {name}" if i < len(header) else name)
               for name, header, rows in files for row in rows
               for i, cell in enumerate(row)]
    return privacy.check_printed(store, printed)


def write_csvs(store: Store, pack: SessionPack, folder: str | Path, *,
               accept_flagged: bool = False, files: CsvFiles | None = None) -> list[Path]:
    """The three CSV files in ``folder``; returns their paths. Nothing is written when
    the privacy gate finds text to check (PrivacyHitsError), unless accepted."""
    from facilitator.core import privacy
    from facilitator.export.site_export import PrivacyHitsError

    tables = csv_tables(store, pack) if files is None else files
    hits = csv_hits(store, tables)
    if hits and not accept_flagged:
        raise PrivacyHitsError(hits, [privacy.describe(h) for h in hits])
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    return [write_atomic(out / name, _csv_bytes(header, rows)) for name, header, rows in tables]
