"""Recruitment quotas against who actually took part (DESIGN §2, §5 ``quotas --json``).

Actual counts a site's participants, not withdrawn, who attended at least one
in-person workshop, or all of them when the site never recorded attendance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from facilitator.core.errors import SessionPackError
from facilitator.core.pack import NOT_RECORDED, SessionPack, Site
from facilitator.core.records import Record
from facilitator.core.store import Store


def counted_participants(store: Store, pack: SessionPack, site_id: str) -> list[Record]:
    """The participants a site's actual figures count (see module docstring)."""
    in_person = [w.number for w in pack.workshops if w.in_person]
    recorded = store.db.execute(
        "SELECT COUNT(*) FROM attendance WHERE site = ? AND deleted = 0",
        [site_id]).fetchone()[0]
    base = ("SELECT * FROM participants p WHERE p.site = ? AND p.deleted = 0 "
            "AND p.withdrawn = 0 AND p.erased = 0")
    params: list[Any] = [site_id]
    if recorded and in_person:
        marks = ", ".join("?" for _ in in_person)
        base += (" AND EXISTS (SELECT 1 FROM attendance a WHERE a.participant_id = p.id "
                 f"AND a.deleted = 0 AND a.attended = 1 AND a.workshop IN ({marks}))")
        params.extend(in_person)
    elif recorded:
        base += " AND 0"  # attendance recorded, but the pack has no in-person workshop
    return list(store.db.query(base + " ORDER BY p.code", params))


def site_quotas(store: Store, pack: SessionPack, site: Site) -> dict[str, dict[str, Any]]:
    """variable → category → {"quota": int | None, "actual": int} for one site."""
    people = counted_participants(store, pack, site.id)
    targets: Mapping[str, Mapping[str, int]] = pack.quotas.get(site.id, {})
    out: dict[str, dict[str, Any]] = {}
    for variable in pack.variables:
        categories = (*variable.categories, NOT_RECORDED)
        wanted = targets.get(variable.id, {})
        out[variable.id] = {
            c: {"quota": wanted.get(c),
                "actual": sum(1 for p in people if p[variable.id] == c)}
            for c in categories}
    for derived in pack.derived:
        wanted = targets.get(derived.id, {})
        yes = sum(1 for p in people if derived.applies(p))
        out[derived.id] = {
            "yes": {"quota": wanted.get("yes"), "actual": yes},
            "no": {"quota": wanted.get("no"), "actual": len(people) - yes},
        }
    return out


def quotas(store: Store, pack: SessionPack, site: str | None = None) -> dict[str, Any]:
    """``quotas --json``: {"sites": {site name: {variable: {category: {quota, actual}}}}}.

    ``site`` (id or name, any case) limits it to one site; SessionPackError if unknown.
    """
    sites = pack.sites if site is None else (pack.site(site),)
    if not sites:
        raise SessionPackError("this pack has no sites", field="site")
    return {"sites": {s.name: site_quotas(store, pack, s) for s in sites}}


def shortfalls(report: Mapping[str, Any]) -> list[tuple[str, str, str, int, int]]:
    """(site, variable, category, quota, actual) wherever actual is below the quota."""
    found = []
    for site_name, variables in report["sites"].items():
        for variable, categories in variables.items():
            for category, cell in categories.items():
                if cell["quota"] is not None and cell["actual"] < cell["quota"]:
                    found.append((site_name, variable, category, cell["quota"],
                                  cell["actual"]))
    return found
