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
    return _counted(store, by_sql=by_sql, by_params=by_params, known_only=known_only,
                    workshop=workshop, site=site)[0]


def _counted(store: Store, *, by_sql: str | None = None, by_params: Sequence[str] = (),
             known_only: bool = False, workshop: int | None = None,
             site: str | None = None) -> tuple[dict[str | None, dict[str, int]],
                                               dict[str | None, int]]:
    """(signature counts, ballots from roster participants) per group, in one scan.

    A participant has at most one counted ballot per workshop (its id derives from
    both), so within one workshop the known ballots are the participants who ranked.
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
    sql = (f"SELECT {by_sql or 'NULL'} AS grp, b.ranking, COUNT(*), COUNT(b.participant_id) "
           f"FROM {source} WHERE {' AND '.join(where)} GROUP BY 1, 2")
    out: dict[str | None, dict[str, int]] = {}
    known: dict[str | None, int] = {}
    for group, signature, count, voters in store.db.execute(sql, params).fetchall():
        key = None if group is None else str(group)
        out.setdefault(key, {})[str(signature)] = int(count)
        known[key] = known.get(key, 0) + int(voters)
    return out, known


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


def rounds_by_site(store: Store, pack: SessionPack) -> dict[str, list[int]]:
    """site id → the workshops in which it has counted ballots, in order.

    One indexed probe per site and workshop (EXISTS stops at the first counted
    ballot), not a scan of every ballot.
    """
    out: dict[str, list[int]] = {}
    for site in pack.sites:
        for workshop in pack.workshops:
            if store.db.execute(
                    f"SELECT EXISTS (SELECT 1 FROM ballots b WHERE b.site = ? AND "
                    f"b.workshop = ? AND {COUNTED_B_SQL})",
                    [site.id, workshop.number]).fetchone()[0]:
                out.setdefault(site.id, []).append(workshop.number)
    return out


def ranking_rounds(store: Store, pack: SessionPack, site: str | None = None) -> list[int]:
    """The workshops with counted ballots (of ``site``, a site id), in order."""
    by_site = rounds_by_site(store, pack)
    if site is not None:
        return by_site.get(site, [])
    return sorted({w for rounds in by_site.values() for w in rounds})


def latest_round(store: Store, pack: SessionPack, site: str | None = None) -> int | None:
    """The latest workshop with counted ballots: what a report shows by default."""
    rounds = ranking_rounds(store, pack, site)
    return rounds[-1] if rounds else None


def _check_workshop(pack: SessionPack, workshop: int | None) -> int | None:
    if workshop is None:
        return None
    try:
        return pack.workshop(int(workshop)).number
    except (SessionPackError, ValueError, TypeError) as exc:
        numbers = ", ".join(str(w.number) for w in pack.workshops)
        raise FacilitatorError(f"unknown workshop {workshop!r} (expected {numbers})",
                               field="workshop") from exc


def results(store: Store, pack: SessionPack, *, by: str | None = None,
            workshop: int | None = None, threshold: int = 5,
            before_after: bool = False) -> dict[str, Any]:
    """``results --json`` (DESIGN §5): one workshop, the overall group first, then one
    per category; ``"workshop"`` says which (``workshop``, else the latest with
    ballots; None when nothing was cast). Ballots of two workshops are never pooled.

    Counted: the latest version of each ballot, not deleted, not a pending keying,
    not of a withdrawn participant. Anonymous ballots count overall and per site,
    not in roster-variable groups. Each group also says how many of its ballots came
    from participants on the roster (``participants``); the rest are anonymous.
    ``before_after`` adds each site's shift between the workshops it ranked in.
    """
    chosen = _check_workshop(pack, workshop)
    rounds = ranking_rounds(store, pack)
    if chosen is None:
        chosen = rounds[-1] if rounds else None
    groups = [g for g, _r in result_groups(store, pack, by=by, workshop=chosen,
                                            threshold=threshold)]
    return {"workshop": chosen, "latest": workshop is None, "workshops": rounds,
            "groups": groups,
            "before_after": [s.as_json() for s in site_shifts(store, pack,
                                                                threshold=threshold)]
            if before_after else []}


def result_groups(store: Store, pack: SessionPack, *, by: str | None = None,
                  workshop: int | None = None,
                  threshold: int = 5) -> list[tuple[dict[str, Any], GroupResult | None]]:
    """Each group's JSON and its full analysis (None when suppressed), for the views.

    One workshop at a time: ``workshop``, else the latest with ballots. Grouping
    ``by="workshop"`` is the exception: each group is then one workshop's ballots.
    """
    ids = pack.use_case_ids
    chosen = _check_workshop(pack, workshop)
    if chosen is None:
        chosen = latest_round(store, pack)
    filter_ = chosen if chosen is not None else -1  # no ballots: count nothing
    counts, known = _counted(store, workshop=filter_)
    overall, voters = counts.get(None, {}), known.get(None, 0)
    groups: list[tuple[dict[str, Any], GroupResult | None]] = []
    groups.append(_group(ids, "overall", None, overall, threshold, voters))
    if by is None or by == "overall":
        return groups
    values = grouping_values(pack, by)
    expression, params, known_only = _group_expression(pack, by)
    within = None if by == "workshop" else filter_
    counted, known = _counted(store, by_sql=expression, by_params=params,
                              known_only=known_only, workshop=within)
    for key, label in values:
        groups.append(_group(ids, by, label, counted.get(key, {}), threshold,
                             known.get(key, 0)))
    # A category the pack no longer lists (an older roster) is still shown, not dropped.
    for key in sorted(k for k in counted if k is not None and k not in dict(values)):
        groups.append(_group(ids, by, key, counted[key], threshold, known.get(key, 0)))
    return groups


# -- before and after: a group that ranked in more than one workshop -------------------


@dataclass(frozen=True)
class UseCaseShift:
    """One use case between two rounds. ``moved_up`` counts paired participants who
    ranked it more acceptable (a smaller rank) in the later round."""

    use_case: str
    mean_before: float
    mean_after: float
    moved_up: int
    moved_down: int
    unchanged: int

    @property
    def change(self) -> float:
        return self.mean_after - self.mean_before


@dataclass(frozen=True)
class RoundShift:
    """A site's (or everyone's, ``site`` None) rankings in two workshops.

    Means are over each round's counted ballots; movements over the participants
    (known by code) who ranked in both rounds, ``paired`` of them.
    """

    site: str | None
    before: int
    after: int
    ballots_before: int
    ballots_after: int
    paired: int
    shifts: tuple[UseCaseShift, ...]
    suppressed: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "site": self.site, "before": self.before, "after": self.after,
            "n_before": self.ballots_before, "n_after": self.ballots_after,
            "paired": self.paired, "suppressed": self.suppressed,
            "use_cases": {} if self.suppressed else {
                s.use_case: {"mean_rank_before": s.mean_before,
                             "mean_rank_after": s.mean_after, "moved_up": s.moved_up,
                             "moved_down": s.moved_down, "unchanged": s.unchanged}
                for s in self.shifts},
        }


def round_shift(store: Store, pack: SessionPack, *, before: int, after: int,
                site: str | None = None, threshold: int = 5) -> RoundShift:
    """How a group's rankings moved from workshop ``before`` to ``after``."""
    ids = pack.use_case_ids
    where = f"{COUNTED_B_SQL} AND b.workshop IN (?, ?)"
    params: list[Any] = [int(before), int(after)]
    if site is not None:
        where += " AND b.site = ?"
        params.append(site)
    sums = {w: dict.fromkeys(ids, 0) for w in (before, after)}
    counts = {before: 0, after: 0}
    # Means by ranking signature (at most 720 per round); pairs only for known voters.
    for workshop, ranking, count in store.db.execute(
            f"SELECT b.workshop, b.ranking, COUNT(*) FROM ballots b WHERE {where} "
            "GROUP BY 1, 2", params).fetchall():
        w = int(workshop)
        counts[w] += int(count)
        for place, use_case in enumerate(json.loads(ranking), start=1):
            if use_case in sums[w]:
                sums[w][use_case] += place * int(count)
    places: dict[int, dict[str, dict[str, int]]] = {before: {}, after: {}}
    for workshop, pid, ranking in store.db.execute(
            f"SELECT b.workshop, b.participant_id, b.ranking FROM ballots b WHERE {where} "
            "AND b.participant_id IS NOT NULL", params).fetchall():
        places[int(workshop)][str(pid)] = {
            u: i for i, u in enumerate(json.loads(ranking), start=1)}
    paired = sorted(set(places[before]) & set(places[after]))
    shifts = []
    for use_case in ids:
        up = sum(1 for p in paired if places[after][p][use_case] < places[before][p][use_case])
        down = sum(1 for p in paired
                   if places[after][p][use_case] > places[before][p][use_case])
        shifts.append(UseCaseShift(
            use_case,
            sums[before][use_case] / counts[before] if counts[before] else 0.0,
            sums[after][use_case] / counts[after] if counts[after] else 0.0,
            up, down, len(paired) - up - down))
    small = min(counts[before], counts[after]) < max(threshold, 1)
    return RoundShift(site, int(before), int(after), counts[before], counts[after],
                      len(paired), tuple(shifts), small)


def site_shifts(store: Store, pack: SessionPack, *, sites: Sequence[str] | None = None,
                threshold: int = 5) -> list[RoundShift]:
    """Every site that ranked in more than one workshop: one shift per pair of
    consecutive rounds, in site then workshop order."""
    out = []
    by_site = rounds_by_site(store, pack)
    for site in pack.sites:
        if sites is not None and site.id not in sites:
            continue
        rounds = by_site.get(site.id, [])
        for before, after in zip(rounds, rounds[1:], strict=False):
            out.append(round_shift(store, pack, before=before, after=after, site=site.id,
                                   threshold=threshold))
    return out


def _group(ids: tuple[str, ...], by: str, value: str | None, signatures: Mapping[str, int],
           threshold: int, voters: int = 0) -> tuple[dict[str, Any], GroupResult | None]:
    n = sum(signatures.values())
    result = None if n < max(threshold, 1) else _summarise(signatures, ids)
    return {**group_json(by, value, result, n, threshold), "participants": voters}, result
