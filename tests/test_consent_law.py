"""Consent that sticks (DESIGN §4, docs/record-laws.md "Consent"; issue 15).

The law, over any interleaving of roster imports, deliberate decisions and merges on
any laptops, and any order or grouping of the final merges:

- a refusal is never undone by a "yes" from a roster (import or re-import) nor by an
  older grant; only a deliberate grant made after it (in the app or with
  ``facilitator participants consent --grant``) restores consent;
- a deliberate grant is not beaten by an older "no" (a roster's, or a refusal made
  before it);
- the merged consent is the same whatever the order, grouping and repetition of the
  merges (commutative, associative, idempotent).
"""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.cli import main as cli_main
from facilitator.core import participants
from facilitator.core.merge import merge
from facilitator.core.records import natural_id
from facilitator.core.roster import import_roster
from facilitator.core.store import Store

PID = natural_id("participant", "cardiff", "CDF-01")
LAPTOPS = 3

operation = st.one_of(
    st.tuples(st.just("roster"), st.integers(0, LAPTOPS - 1), st.booleans()),
    st.tuples(st.just("decide"), st.integers(0, LAPTOPS - 1), st.booleans()),
    st.tuples(st.just("sync"), st.integers(0, LAPTOPS - 1), st.integers(0, LAPTOPS - 1)),
)


def roster_file(folder: Path, yes: bool) -> Path:
    path = folder / f"roster-{'yes' if yes else 'no'}.csv"
    path.write_text("code,site,gender,quote_consent\n"
                    f"CDF-01,cardiff,Female,{'yes' if yes else 'no'}\n"
                    "CDF-02,cardiff,Male,yes\n", encoding="utf-8")
    return path


def consent_state(path: Path) -> tuple[object, ...] | None:
    with Store(path, device_id="reader-0000") as store:
        person = store.get("participants", PID)
        if person is None:
            return None
        return (person["consent_refused_at"], person["consent_granted_at"],
                person["quote_consent"])


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(ops=st.lists(operation, min_size=1, max_size=6), order=st.permutations(
    range(LAPTOPS)))
def test_consent_law_across_imports_decisions_and_merge_orders(
        tmp_path_factory, default_pack, ops, order) -> None:
    folder = tmp_path_factory.mktemp("consent")
    dbs = [folder / f"laptop{i}.db" for i in range(LAPTOPS)]
    stores = [Store(db, device_id=f"laptop-{i}") for i, db in enumerate(dbs)]
    # The model: deliberate decisions in the order they were made; roster "no"s.
    decisions: list[bool] = []
    roster_no = False
    try:
        for op in ops:
            if op[0] == "roster":
                _, laptop, yes = op
                import_roster(stores[laptop], default_pack, roster_file(folder, yes))
                roster_no = roster_no or not yes
            elif op[0] == "decide":
                _, laptop, grant = op
                if stores[laptop].get("participants", PID) is None:
                    continue  # not on this laptop's roster yet: nothing to decide
                participants.set_consent(stores[laptop], PID, grant)
                decisions.append(grant)
            else:
                _, source, target = op
                if source != target:
                    merge(stores[target], [dbs[source]])
    finally:
        for store in stores:
            store.close()
    expected_consent = decisions[-1] if decisions else not roster_no
    # Every order of merging the laptops into a hub gives the same consent …
    states = set()
    for n, sequence in enumerate([order, tuple(reversed(order))]):
        hub = folder / f"hub{n}.db"
        with Store(hub, device_id=f"hub-{n}") as store:
            for i in sequence:
                merge(store, [dbs[i]])
            merge(store, [dbs[sequence[0]]])  # … and merging again changes nothing
        states.add(consent_state(hub))
    # … and so does one merge of all at once (grouping).
    grouped = folder / "hub-all.db"
    with Store(grouped, device_id="hub-all") as store:
        merge(store, [dbs[i] for i in order])
    states.add(consent_state(grouped))
    assert len(states) == 1, states
    [state] = states
    if state is None:
        return  # nobody imported the roster
    assert bool(state[2]) == expected_consent, (ops, state, decisions, roster_no)


def test_a_re_import_that_says_yes_is_reported_and_changes_nothing(
        tmp_path, default_pack, capsys) -> None:
    db = tmp_path / "venue.db"
    assert cli_main(["--db", str(db), "import", "roster",
                     str(roster_file(tmp_path, yes=False))]) == 0
    capsys.readouterr()
    assert cli_main(["--db", str(db), "import", "roster",
                     str(roster_file(tmp_path, yes=True))]) == 0
    err = capsys.readouterr().err
    assert "CDF-01 said no to being quoted" in err and "--grant" in err
    with Store(db) as store:
        assert store.get("participants", PID)["quote_consent"] == 0


def test_a_grant_is_recorded_with_who_and_when_and_survives_an_older_no(
        tmp_path, default_pack, capsys) -> None:
    venue, other = tmp_path / "venue.db", tmp_path / "other.db"
    with Store(venue, device_id="console-1") as store:
        store.create("devices", {"label": "Console", "site": "cardiff"},
                     record_id="console-1")
    for db in (venue, other):
        assert cli_main(["--db", str(db), "import", "roster",
                         str(roster_file(tmp_path, yes=False))]) == 0
    with Store(venue, device_id="console-1") as store:
        participants.set_consent(store, PID, True)
    # The command line records the same act.
    code = cli_main(["--db", str(other), "participants", "consent", "CDF-01",
                     "--site", "Cardiff", "--refuse"])
    assert code == 0 and "not to be quoted" in capsys.readouterr().out
    code = cli_main(["--db", str(other), "participants", "consent", "CDF-01",
                     "--site", "Cardiff", "--grant", "--json"])
    assert code == 0 and '"quote_consent": true' in capsys.readouterr().out
    # The other laptop imports the same roster (its "no") later, then both merge.
    with Store(other, device_id="table-2") as store:
        import_roster(store, default_pack, roster_file(tmp_path, yes=False))
        merge(store, [venue])
        assert store.get("participants", PID)["quote_consent"] == 1
        history = participants.consent_history(store, PID)
        assert [d["decision"] for d in history] == ["grant", "refuse", "grant"]
        console = history[0]
        assert console["laptop"] == "Console" and console["device_id"] == "console-1"
        assert console["decided_at"]
    with Store(venue, device_id="console-1") as store:
        merge(store, [other])
        assert store.get("participants", PID)["quote_consent"] == 1
        # A refusal after the grant wins again.
        participants.set_consent(store, PID, False)
        assert store.get("participants", PID)["quote_consent"] == 0


def test_an_old_file_saying_quote_consent_0_is_a_refusal(tmp_path) -> None:
    """A version from before recorded consent (quote_consent 0, no times) refuses."""
    with Store(tmp_path / "hub.db", device_id="hub") as store:
        store.put_version("participants", {
            "id": PID, "origin_site": "cardiff", "device_id": "old", "revision": 1,
            "created_at": "2026-05-01T10:00:00Z", "updated_at": "2026-05-01T10:00:00Z",
            "deleted": 0, "site": "cardiff", "code": "CDF-01", "quote_consent": 0,
            "withdrawn": 0, "erased": 0})
        person = store.get("participants", PID)
        assert person["quote_consent"] == 0
        assert person["consent_refused_at"] == "2026-05-01T10:00:00.000000Z"
        # A newer old-style version saying 1 does not undo it.
        store.put_version("participants", {**person, "revision": 2, "quote_consent": 1,
                                           "updated_at": "2026-06-01T10:00:00Z"})
        assert store.get("participants", PID)["quote_consent"] == 0


def test_merge_orders_of_two_decisions_agree() -> None:
    # Pure check of the "latest" rule the merge applies: max over versions, NULL lowest.
    from facilitator.core.schema.privacy import tables

    spec = {s.name: s for s in tables()}["participants"]
    versions = [{"consent_refused_at": None, "consent_granted_at": None},
                {"consent_refused_at": "2026-01-01T00:00:00.000000Z",
                 "consent_granted_at": None},
                {"consent_refused_at": "1970-01-01T00:00:00.000000Z",
                 "consent_granted_at": "2026-02-01T00:00:00.000000Z"}]
    results = {tuple(spec.latest_values(*p).items())
               for p in itertools.permutations(versions)}
    assert results == {(("consent_refused_at", "2026-01-01T00:00:00.000000Z"),
                        ("consent_granted_at", "2026-02-01T00:00:00.000000Z"))}
