"""``--csv DIR``: notes, ballots and participants as Excel-friendly CSV (DESIGN §5).

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

from facilitator.core.ballots import COUNTED_B_SQL
from facilitator.core.notes_csv import export_table
from facilitator.core.pack import ROSTER_VARIABLES, SessionPack
from facilitator.core.roster import ROSTER_COLUMNS
from facilitator.core.store import Store
from facilitator.export.site_export import write_atomic


def _csv_bytes(header: tuple[str, ...] | list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
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


def write_csvs(store: Store, pack: SessionPack, folder: str | Path) -> list[Path]:
    """The three CSV files in ``folder``; returns their paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    files = [
        write_atomic(out / "participants.csv",
                     _csv_bytes(ROSTER_COLUMNS, participant_rows(store, pack))),
        write_atomic(out / "notes.csv", _csv_bytes(*export_table(store, pack))),
        write_atomic(out / "ballots.csv",
                     _csv_bytes(["participant", "site", "workshop", *pack.use_case_ids],
                                ballot_rows(store, pack))),
    ]
    return files
