"""Every video play, for the report's "agenda as run".

A play is created when the video starts playing and edited once when it ends or is
stopped: ``ended_at``, ``completed`` and, when stopped early, ``stopped_at_seconds``.
A row left without ``ended_at`` means the app closed while the video played.
"""

from __future__ import annotations

from facilitator.core.records import Record, now_iso
from facilitator.core.store import Store

TABLE = "video_plays"


class VideoPlayLog:
    """Records plays for one site and workshop through the Store."""

    def __init__(self, store: Store, site: str, workshop: int) -> None:
        self.store = store
        self.site = site
        self.workshop = workshop

    def started(self, video_id: str, step_id: str | None = None) -> str:
        """A play began; returns its id for ``finished``."""
        record = self.store.create(TABLE, {
            "site": self.site,
            "workshop": self.workshop,
            "step_id": step_id,
            "video_id": video_id,
            "started_at": now_iso(),
            "ended_at": None,
            "completed": 0,
            "stopped_at_seconds": None,
        })
        return str(record["id"])

    def finished(self, play_id: str, *, completed: bool,
                 stopped_at: float | None = None) -> Record:
        """The play ended: played to the end (completed) or stopped at ``stopped_at`` s."""
        return self.store.edit(TABLE, play_id, {
            "ended_at": now_iso(),
            "completed": 1 if completed else 0,
            "stopped_at_seconds": None if completed else round(float(stopped_at or 0.0), 2),
        })


def video_plays(store: Store, site: str | None = None,
                workshop: int | None = None) -> list[Record]:
    """Plays in the order they started, optionally for one site and workshop."""
    clauses: list[str] = ["deleted = 0"]
    params: list[object] = []
    if site is not None:
        clauses.append("site = ?")
        params.append(site)
    if workshop is not None:
        clauses.append("workshop = ?")
        params.append(workshop)
    return store.rows(TABLE, " AND ".join(clauses), params, order_by="started_at, id")
