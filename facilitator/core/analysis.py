"""Ranking analysis (DESIGN §6): mean rank, Borda, positions, pairwise, Schulze tiers.

Ballots are aggregated in SQL by their ranking signature (the stored JSON text, at
most 6! = 720 distinct values per group), so a million ballots cost about one GROUP
BY; everything after that is Python over the signatures.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from facilitator.core.ballots import COUNTED_B_SQL
from facilitator.core.errors import FacilitatorError, SessionPackError
from facilitator.core.pack import NOT_RECORDED, ROSTER_VARIABLES, DerivedVariable, SessionPack
from facilitator.core.store import Store

Rankings = Sequence[Sequence[str]] | Mapping[tuple[str, ...], int]


@dataclass(frozen=True)
class GroupResult:
    """The analysis of one group of ballots.

    ``pairwise[a][b]`` is how many ballots rank a above b; ``schulze`` the tiers,
    best first, each in the order of ``use_case_ids``.
    """

    use_case_ids: tuple[str, ...]
    n: int
    mean_rank: dict[str, float]
    borda: dict[str, int]
    positions: dict[str, list[int]]
    pairwise: dict[str, dict[str, int]]
    schulze: list[list[str]]
    path_strength: dict[str, dict[str, int]] = field(repr=False)

    def beats(self, a: str, b: str) -> bool:
        """Schulze: the strongest path from a to b is stronger than from b to a."""
        return self.path_strength[a][b] > self.path_strength[b][a]

    def mean_rank_order(self) -> list[str]:
        return sorted(self.use_case_ids, key=lambda u: (self.mean_rank[u],
                                                          self.use_case_ids.index(u)))

    def borda_order(self) -> list[str]:
        return sorted(self.use_case_ids, key=lambda u: (-self.borda[u],
                                                          self.use_case_ids.index(u)))

    def disagreements(self) -> list[tuple[str, str]]:
        """Pairs (a, b) where a has the better mean rank but Schulze puts b above a."""
        pairs = []
        for a in self.use_case_ids:
            for b in self.use_case_ids:
                if self.mean_rank[a] < self.mean_rank[b] and self.beats(b, a):
                    pairs.append((a, b))
        return pairs

    def as_json(self) -> dict[str, Any]:
        return {u: {"mean_rank": self.mean_rank[u], "borda": self.borda[u],
                    "positions": list(self.positions[u])} for u in self.use_case_ids}


def _counts(rankings: Rankings) -> dict[tuple[str, ...], int]:
    if isinstance(rankings, Mapping):
        return {tuple(k): int(v) for k, v in rankings.items() if int(v) > 0}
    counts: dict[tuple[str, ...], int] = {}
    for ranking in rankings:
        key = tuple(ranking)
        counts[key] = counts.get(key, 0) + 1
    return counts


def rank_summary(rankings: Rankings, use_case_ids: Sequence[str]) -> GroupResult:
    """Analyse complete rankings (lists of ids, most acceptable first, or counts by
    ranking). Raises FacilitatorError for a ranking that is not a full order."""
    ids = tuple(use_case_ids)
    k = len(ids)
    counts = _counts(rankings)
    positions = {u: [0] * k for u in ids}
    pairwise = {a: dict.fromkeys(ids, 0) for a in ids}
    n = 0
    for ranking, count in counts.items():
        if len(ranking) != k or set(ranking) != set(ids):
            raise FacilitatorError(f"not a complete ranking of {', '.join(ids)}: "
                                   f"{list(ranking)}", field="ranking")
        n += count
        for place, use_case in enumerate(ranking):
            positions[use_case][place] += count
            for below in ranking[place + 1:]:
                pairwise[use_case][below] += count
    mean_rank = {u: (sum((p + 1) * c for p, c in enumerate(positions[u])) / n if n else 0.0)
                 for u in ids}
    borda = {u: sum((k - p) * c for p, c in enumerate(positions[u])) for u in ids}
    strength = _strongest_paths(ids, pairwise)
    return GroupResult(ids, n, mean_rank, borda, positions, pairwise,
                       _tiers(ids, strength), strength)


def _strongest_paths(ids: tuple[str, ...],
                     pairwise: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Winning votes: a link a→b has strength d[a][b] when more prefer a to b, else
    none (0); then the widest path between every pair (Floyd–Warshall)."""
    p = {a: {b: (pairwise[a][b] if a != b and pairwise[a][b] > pairwise[b][a] else 0)
             for b in ids} for a in ids}
    for i in ids:
        for j in ids:
            if j == i:
                continue
            for m in ids:
                if m in (i, j):
                    continue
                p[j][m] = max(p[j][m], min(p[j][i], p[i][m]))
    return p


def _tiers(ids: tuple[str, ...], strength: Mapping[str, Mapping[str, int]]) -> list[list[str]]:
    """First tier: every use case no remaining one beats; remove it; repeat."""
    remaining = list(ids)
    tiers = []
    while remaining:
        tier = [a for a in remaining
                if not any(strength[b][a] > strength[a][b] for b in remaining if b != a)]
        if not tier:  # cannot happen: the Schulze relation is acyclic
            tier = list(remaining)
        tiers.append(tier)
        remaining = [a for a in remaining if a not in tier]
    return tiers


# -- results from the store ------------------------------------------------------------


def grouping_values(pack: SessionPack, by: str) -> list[tuple[str, str]]:
    """(key in the SQL grouping, value as reported) for every category of ``by``."""
    if by == "site":
        return [(s.id, s.name) for s in pack.sites]
    if by == "workshop":
        return [(str(w.number), str(w.number)) for w in pack.workshops]
    for variable in pack.variables:
        if variable.id == by:
            return [(c, c) for c in (*variable.categories, NOT_RECORDED)]
    for derived in pack.derived:
        if derived.id == by:
            return [("yes", "yes"), ("no", "no")]
    raise _unknown_by(pack, by)


def _unknown_by(pack: SessionPack, by: str) -> FacilitatorError:
    known = ["site", "workshop", *(v.id for v in pack.variables),
             *(d.id for d in pack.derived)]
    return FacilitatorError(f"cannot group by {by!r} (expected one of: {', '.join(known)})",
                            field="by")


def derived_sql(derived: DerivedVariable) -> tuple[str, list[str]]:
    """A SQL expression over ``p`` giving 'yes' or 'no' for a derived variable."""
    clauses = []
    params: list[str] = []
    for var, (op, values) in derived.rules.items():
        if var not in ROSTER_VARIABLES:
            raise SessionPackError(f"unknown roster variable {var!r}", field=derived.id)
        marks = ", ".join("?" for _ in values)
        clauses.append(f"p.[{var}] {'IN' if op == 'in' else 'NOT IN'} ({marks})")
        params.extend(values)
    return f"CASE WHEN {' AND '.join(clauses)} THEN 'yes' ELSE 'no' END", params


def _group_expression(pack: SessionPack, by: str) -> tuple[str, list[str], bool]:
    """(SQL expression, params, needs a known participant) for grouping ``by``."""
    if by == "site":
        return "b.site", [], False
    if by == "workshop":
        return "CAST(b.workshop AS TEXT)", [], False
    if by in ROSTER_VARIABLES and any(v.id == by for v in pack.variables):
        return f"p.[{by}]", [], True
    for derived in pack.derived:
        if derived.id == by:
            expression, params = derived_sql(derived)
            return expression, params, True
    raise _unknown_by(pack, by)


def signature_counts(store: Store, *, by_sql: str | None = None,
                     by_params: Sequence[str] = (), known_only: bool = False,
                     workshop: int | None = None,
                     site: str | None = None) -> dict[str | None, dict[str, int]]:
    """group key → ranking signature → count, over the ballots that count.

    ``by_sql`` groups by an expression over ``b`` (ballots) and, with ``known_only``,
    ``p`` (the participant: only ballots of people on the roster).
    """
    where = [COUNTED_B_SQL]
    params: list[Any] = list(by_params)
    source = "ballots b"
    if known_only:
        source += " JOIN participants p ON p.id = b.participant_id"
    if workshop is not None:
        where.append("b.workshop = ?")
        params.append(int(workshop))
    if site is not None:
        where.append("b.site = ?")
        params.append(site)
    if by_sql:
        sql = (f"SELECT {by_sql} AS grp, b.ranking, COUNT(*) FROM {source} "
               f"WHERE {' AND '.join(where)} GROUP BY 1, 2")
    else:
        sql = (f"SELECT NULL, b.ranking, COUNT(*) FROM {source} "
               f"WHERE {' AND '.join(where)} GROUP BY b.ranking")
    out: dict[str | None, dict[str, int]] = {}
    for group, signature, count in store.db.execute(sql, params).fetchall():
        out.setdefault(None if group is None else str(group), {})[str(signature)] = int(count)
    return out


def _summarise(signatures: Mapping[str, int], ids: tuple[str, ...]) -> GroupResult:
    return rank_summary({tuple(json.loads(sig)): c for sig, c in signatures.items()}, ids)


def group_json(by: str, value: str | None, result: GroupResult | None, n: int,
               threshold: int) -> dict[str, Any]:
    suppressed = n < max(threshold, 1)
    return {
        "by": by, "value": value, "n": n, "suppressed": suppressed,
        "use_cases": {} if suppressed or result is None else result.as_json(),
        "schulze": [] if suppressed or result is None else [list(t) for t in result.schulze],
    }


def results(store: Store, pack: SessionPack, *, by: str | None = None,
            workshop: int | None = None, threshold: int = 5) -> dict[str, Any]:
    """``results --json`` (DESIGN §5): the overall group first, then one per category.

    Counted: the latest version of each ballot, not deleted, not a pending keying,
    not of a withdrawn participant. Anonymous ballots count overall and per site,
    not in roster-variable groups.
    """
    return {"groups": [g for g, _r in result_groups(store, pack, by=by, workshop=workshop,
                                                       threshold=threshold)]}


def result_groups(store: Store, pack: SessionPack, *, by: str | None = None,
                  workshop: int | None = None,
                  threshold: int = 5) -> list[tuple[dict[str, Any], GroupResult | None]]:
    """Each group's JSON and its full analysis (None when suppressed), for the views."""
    ids = pack.use_case_ids
    if workshop is not None:
        try:
            pack.workshop(int(workshop))
        except (SessionPackError, ValueError) as exc:
            raise FacilitatorError(f"unknown workshop {workshop!r}", field="workshop") from exc
    overall = signature_counts(store, workshop=workshop).get(None, {})
    groups: list[tuple[dict[str, Any], GroupResult | None]] = []
    groups.append(_group(ids, "overall", None, overall, threshold))
    if by is None or by == "overall":
        return groups
    values = grouping_values(pack, by)
    expression, params, known_only = _group_expression(pack, by)
    counted = signature_counts(store, by_sql=expression, by_params=params,
                               known_only=known_only, workshop=workshop)
    for key, label in values:
        groups.append(_group(ids, by, label, counted.get(key, {}), threshold))
    # A category the pack no longer lists (an older roster) is still shown, not dropped.
    for key in sorted(k for k in counted if k is not None and k not in dict(values)):
        groups.append(_group(ids, by, key, counted[key], threshold))
    return groups


def _group(ids: tuple[str, ...], by: str, value: str | None, signatures: Mapping[str, int],
           threshold: int) -> tuple[dict[str, Any], GroupResult | None]:
    n = sum(signatures.values())
    result = None if n < max(threshold, 1) else _summarise(signatures, ids)
    return group_json(by, value, result, n, threshold), result
