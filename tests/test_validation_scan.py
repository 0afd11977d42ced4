"""The cheap scan over every incoming version misses nothing (core/incoming.py).

``quick_test`` is what every version of a merge passes through; only the versions it
flags are looked at with every rule (``problem_sql``). So for any value of any type,
in a column a hostile file declared with any affinity and collation, a version that
breaks a rule, or carries a time to normalise, must be flagged. Values are written
raw (the declarations are put in afterwards), as a crafted file can hold them.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.core import incoming
from facilitator.core.migrations import table_specs
from facilitator.core.records import natural_id
from facilitator.core.schema.rules import Rule, rules_for

TABLES = ("notes", "ballots", "participants", "priorities", "step_events")
GOOD_TIME = "2026-05-01T10:00:00.000000Z"


def good_value(rule: Rule) -> Any:
    if rule.nullable:
        return None
    if rule.kind == "text":
        return rule.choices[0] if rule.choices else "a"
    if rule.kind == "time":
        return GOOD_TIME
    if rule.kind == "json":
        return '["a"]' if rule.shape == "ranking" else "[]"
    return rule.min if rule.min is not None else 0


times = st.sampled_from([
    GOOD_TIME, "2026-05-01T10:00:00Z", "2026-05-01 10:00:00", "2026-02-31T10:00:00.000000Z",
    "2026-05-01T24:00:00.000000Z", "2026-05-01t10:00:00.000000z", "2026-13-01T10:00:00.000000Z",
    "2026-05-01T10:00:00.00000aZ", "2024-02-29T23:59:59.999999Z", "2026-04-31T00:00:00.000000Z",
    "2026-05-01T10:00:00.000000Z ", "0000-00-00T00:00:00.000000Z", ""])
values = st.one_of(
    st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False), st.sampled_from([0.0, 1.0, -1.0, 2.0**62]),
    st.text(max_size=30), st.sampled_from(["", " ", "NOTE", "Quote", "note ", "[]", "[] ",
                                           '["a","a"]', '["a"]', "[1]", '{"a": 1}', "[",
                                           '[""]', "x" * 201, "x" * 20_001]),
    times, st.binary(max_size=12), st.sampled_from([b"note", GOOD_TIME.encode(), b"[]"]))
declarations = st.tuples(st.sampled_from(["", "TEXT", "INTEGER", "REAL", "NUMERIC", "BLOB"]),
                         st.sampled_from(["", "COLLATE NOCASE", "COLLATE RTRIM"]))


def crafted(table: str, column: str, value: Any, declared: tuple[str, str],
            same_times: bool) -> sqlite3.Connection:
    """One version of ``table`` with ``value`` in ``column``, the rest valid, in a table
    whose ``column`` is declared as ``declared`` (affinity, collation)."""
    rules = rules_for(table)
    spec = table_specs()[table]
    columns = incoming.columns_of(table)
    row = {c: good_value(rules[c]) for c in columns}
    if not same_times:
        row["updated_at"] = "2026-05-02T11:00:00.000000Z"
    row[column] = value
    if column == "created_at" and same_times:
        row["updated_at"] = value
    if spec.natural_key and column not in spec.natural_key[1:]:
        kind, *keys = spec.natural_key
        row["id"] = natural_id(kind, *(str(row[k] or "") for k in keys))
    conn = sqlite3.connect(":memory:", isolation_level=None)
    incoming.register(conn)
    names = ", ".join(f"[{c}]" for c in columns)
    conn.execute(f"CREATE TABLE t ({names})")
    conn.execute(f"INSERT INTO t VALUES ({', '.join('?' for _ in columns)})",
                 [row[c] for c in columns])
    typed = ", ".join(f"[{c}] {' '.join(declared)}" if c == column else f"[{c}]"
                      for c in columns)
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = 't'",
                 [f"CREATE TABLE t ({typed})"])
    conn.execute(f"PRAGMA schema_version={version + 1}")
    conn.execute("PRAGMA writable_schema=OFF")
    return conn


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), table=st.sampled_from(TABLES), value=values, declared=declarations,
       same_times=st.booleans())
def test_every_bad_value_is_flagged_by_the_cheap_scan(data, table, value, declared,
                                                       same_times):
    column = data.draw(st.sampled_from(incoming.columns_of(table)))
    spec = table_specs()[table]
    conn = crafted(table, column, value, declared, same_times)
    flagged, problem = conn.execute(
        f"SELECT ({incoming.quick_test(table, spec)}), "
        f"{incoming.problem_sql(table, spec)} FROM t").fetchone()
    assert problem is None or flagged, (column, value, declared, problem)


def test_a_good_version_is_not_flagged():
    for table in TABLES:
        spec = table_specs()[table]
        conn = crafted(table, "id", "x", ("TEXT", ""), True)
        if spec.natural_key:
            continue  # its id is the natural one only when its key is set
        assert conn.execute(f"SELECT ({incoming.quick_test(table, spec)}) "
                            "FROM t").fetchone()[0] == 0, table


def test_a_declared_collation_cannot_pass_a_wrong_value():
    """A file that declares ``entry`` COLLATE NOCASE still cannot pass 'SINGLE' for
    'single', nor an id that matches its natural key only case-blind."""
    conn = crafted("ballots", "entry", "SINGLE", ("TEXT", "COLLATE NOCASE"), True)
    spec = table_specs()["ballots"]
    found = conn.execute(f"SELECT {incoming.problem_sql('ballots', spec)} FROM t").fetchone()
    assert found[0] is not None and found[0].startswith("entry")
    spec = table_specs()["participants"]
    conn = crafted("participants", "id", "X", ("TEXT", "COLLATE NOCASE"), True)
    good = conn.execute("SELECT facilitator_natural_id('participant', site, code) FROM t"
                        ).fetchone()[0]
    conn.execute("UPDATE t SET id = ?", [good.upper()])
    assert good.upper() != good
    assert conn.execute(f"SELECT ({incoming.quick_test('participants', spec)}), "
                        f"{incoming.problem_sql('participants', spec)} FROM t"
                        ).fetchone()[0] == 1
