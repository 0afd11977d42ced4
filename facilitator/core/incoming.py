"""Every incoming version is checked before anything is applied (docs/record-laws.md).

A merge source is first *prepared*: its versions end up in a private SQLite file, one
table per merged table under the table's own name (a database file's private copy,
or a staging file a bundle's lines were loaded into) and ``_lost_<table>`` for the
versions it kept in ``conflicts``. Then every column of every version is checked in
SQL against the rules of ``core/schema/rules.py`` — type, NULL, size, range, allowed
values, JSON shape, the natural key — and times are brought into the canonical form.
The first bad value refuses the whole source with a MergeError naming the file, the
table, the record and the field. Nothing here writes to the target database.

JSON is parsed by SQLite, never by Python: a hostile nesting cannot exhaust Python's
stack, and a number too large for 64 bits arrives as a REAL and is refused by type.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any

import sqlite_utils

from facilitator.core.errors import MergeError
from facilitator.core.records import (
    CANONICAL_FORMAT,
    TableSpec,
    TimeFormatError,
    canonical_time,
    natural_id,
)
from facilitator.core.schema.rules import MAX_WORD, Rule, missing_rules, rules_for

# Columns a version from outside must carry (the rest take today's defaults).
REQUIRED_ENVELOPE = ("id", "origin_site", "device_id", "created_at", "updated_at",
                     "revision", "deleted")
MAX_RECORD_JSON = 16 * 1024**2


@cache
def reference_columns() -> dict[str, tuple[tuple[str, Any], ...]]:
    """Each merged table's columns and defaults in this version's schema."""
    from facilitator.core.migrations import MIGRATIONS, table_specs
    from facilitator.core.store import _literal

    db = sqlite_utils.Database(memory=True)
    for migration in MIGRATIONS:
        migration.apply(db)
    out: dict[str, tuple[tuple[str, Any], ...]] = {}
    for table in table_specs():
        rows = db.execute(f"PRAGMA table_info([{table}])").fetchall()
        out[table] = tuple((str(r[1]), _literal(r[4])) for r in rows)
    db.close()
    return out


def columns_of(table: str) -> list[str]:
    return [name for name, _ in reference_columns()[table]]


def _natural_id(kind: object, *parts: object) -> str:
    return natural_id(str(kind), *(str(p or "") for p in parts))


def connect(path: str) -> sqlite3.Connection:
    """A connection to a prepared file: nothing stored in it may run code."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA trusted_schema=OFF")
    # A private working copy: nothing in it needs to survive a crash, so no syncing.
    conn.execute("PRAGMA synchronous=OFF")
    register(conn)
    return conn


def register(conn: sqlite3.Connection) -> None:
    """The SQL functions the rules use (the natural key of a record)."""
    conn.create_function("facilitator_natural_id", -1, _natural_id, deterministic=True)


def _q(name: str) -> str:
    """A quoted name; ``schema.table`` is quoted as two parts (an attached source)."""
    if "." in name:
        schema, table = name.split(".", 1)
        return f"{_q(schema)}.{_q(table)}"
    return "[" + name.replace("]", "]]") + "]"


def _text_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _checks(column: str, rule: Rule) -> list[tuple[str, str]]:
    """(SQL true when the value is bad, why) in the order they must be tried."""
    c = _q(column)
    out: list[tuple[str, str]] = []
    if rule.nullable:
        guard = f"{c} IS NOT NULL AND "
    else:
        out.append((f"{c} IS NULL", "is missing"))
        guard = ""
    if rule.kind in ("text", "time", "json"):
        out.append((f"{guard}typeof({c}) != 'text'", "is not text"))
        out.append((f"{guard}length({c}) > {rule.max_len}",
                    f"is longer than {rule.max_len} characters"))
    if rule.kind == "text":
        if rule.nonempty:
            out.append((f"{guard}{c} = '' COLLATE BINARY", "is empty"))
        if rule.choices:
            out.append((f"{guard}{c} COLLATE BINARY NOT IN ({_choices(rule)})",
                        f"is not one of {', '.join(rule.choices)}"))
    elif rule.kind == "time":
        out.append((f"{guard}{c} = '' COLLATE BINARY", "is missing"))
    elif rule.kind == "json":
        out.append((f"{guard}NOT json_valid({c})", "is not valid JSON"))
        out.append((f"{guard}json_type({c}) != 'array'", "is not a JSON list"))
        out.append((f"{guard}json_array_length({c}) > {rule.max_items}",
                    f"has more than {rule.max_items} items"))
        out.append((f"{guard}EXISTS (SELECT 1 FROM json_each({c}) WHERE type != 'text' "
                    f"OR length(value) > {MAX_WORD} OR value = '')",
                    "holds something other than words"))
        if rule.shape == "ranking":
            out.append((f"{guard}json_array_length({c}) = 0", "is an empty list"))
            out.append((f"{guard}(SELECT count(DISTINCT value) FROM json_each({c})) "
                        f"!= json_array_length({c})", "names one item twice"))
    elif rule.kind == "int":
        out.append((f"{guard}typeof({c}) != 'integer'",
                    "is not a whole number within 64 bits"))
    elif rule.kind == "real":
        out.append((f"{guard}typeof({c}) NOT IN ('integer', 'real')", "is not a number"))
    if rule.kind in ("int", "real"):
        if rule.min is not None:
            out.append((f"{guard}{c} < {rule.min!r}", f"is below {rule.min}"))
        if rule.max is not None:
            out.append((f"{guard}{c} > {rule.max!r}", f"is above {rule.max}"))
    return out


def _choices(rule: Rule) -> str:
    return ", ".join(_text_literal(v) for v in rule.choices)


def _canonical(c: str) -> str:
    """SQL true when text ``c`` is a canonical instant: its shape (GLOB with ``?`` is
    cheap, digit classes are not), a date and time SQLite can read (so digits in
    every place), and one that exists: no hour 24, and no 31 February (a day past the
    28th is checked against the calendar; date() is costly, so only then)."""
    return (f"({c} GLOB '????-??-??T??:??:??.??????Z' AND julianday({c}) IS NOT NULL "
            f"AND substr({c}, 12, 2) < '24' AND (substr({c}, 9, 2) <= '28' OR "
            f"date(substr({c}, 1, 10), '+0 days') = substr({c}, 1, 10)))")


def canonical_sql(column: str) -> str:
    """SQL true when ``column`` (an SQL expression) is a canonical instant."""
    return _canonical(column)


def _not_text(c: str) -> str:
    """SQL true when ``c`` (not NULL) is not text: SQLite orders every number before
    any text and any text before any blob. The unary + takes away the column's
    affinity (a column declared TEXT would turn a number into text to compare it)
    and the collation is fixed, so a file's own declarations change nothing.
    The same test as ``typeof(c) != 'text'``, but it leaves the column's value where
    the scan loaded it: typeof's result frees that buffer, and SQLite then allocates it
    again for the next column, under one lock for every thread."""
    return f"+{c} < '' COLLATE BINARY OR +{c} >= x''"


def _quick(column: str, rule: Rule) -> str:
    """SQL true when the value may break its rule (or is a time to normalise): one
    cheap test per column for the scan over every version."""
    c = _q(column)
    if rule.kind == "json":
        distinct = ""
        if rule.shape == "ranking":  # an empty list spelt otherwise ('[ ]') too
            distinct = (f"WHEN json_array_length({c}) = 0 THEN 1 "
                        f"WHEN (SELECT count(DISTINCT value) FROM json_each({c})) != "
                        f"json_array_length({c}) THEN 1 ")
        empty = "0" if rule.shape != "ranking" else "1"
        test = (f"CASE WHEN {c} = '[]' COLLATE BINARY THEN {empty} WHEN {c} IS NULL OR {_not_text(c)} "
                f"THEN 1 WHEN length({c}) > {rule.max_len} THEN 1 "
                f"WHEN NOT json_valid({c}) THEN 1 "
                f"WHEN json_type({c}) != 'array' THEN 1 "
                f"WHEN json_array_length({c}) > {rule.max_items} THEN 1 "
                f"WHEN EXISTS (SELECT 1 FROM json_each({c}) WHERE type != 'text' OR "
                f"length(value) > {MAX_WORD} OR value = '') THEN 1 {distinct}ELSE 0 END")
        return f"({test})"
    if rule.kind in ("text", "time"):
        # A time's canonical shape has 27 characters: no length test needed.
        parts = [_not_text(c)] + ([f"length({c}) > {rule.max_len}"]
                                  if rule.kind == "text" else [])
        if rule.nonempty:
            parts.append(f"{c} = '' COLLATE BINARY")
        if rule.choices:
            parts.append(f"{c} COLLATE BINARY NOT IN ({_choices(rule)})")
        if rule.kind == "time":
            parts.append(f"NOT {_canonical(c)}")
        test = " OR ".join(parts)
        if rule.nullable:
            return f"({c} IS NOT NULL AND ({test}))"
        return f"({c} IS NULL OR {test})"
    if rule.kind == "int":
        test = f"typeof({c}) != 'integer' OR {c} NOT BETWEEN {rule.min!r} AND {rule.max!r}"
    else:
        test = (f"typeof({c}) NOT IN ('integer', 'real') OR {c} NOT BETWEEN "
                f"{rule.min!r} AND {rule.max!r}")
    if rule.nullable:
        return f"({c} IS NOT NULL AND ({test}))"
    return f"({test})"


def _refuse(name: str, table: str, record_id: object, column: str, why: str) -> MergeError:
    shown = str(record_id if record_id is not None else "without an id")
    if len(shown) > 80:
        shown = shown[:77] + "…"
    return MergeError(f"{table} record {shown}: {(column + ' ') if column else ''}{why}; "
                      "the file was not merged",
                      file=name)


def check_columns(present: Iterable[str], table: str, name: str) -> None:
    """A table from outside may have no column this version does not know."""
    known = set(columns_of(table))
    have = set(present)
    unknown = sorted(have - known)
    lacking = sorted(known - have)
    if lacking:
        raise MergeError(f"{table} lacks the column {lacking[0]} (the file was altered or "
                         "damaged); it was not merged", file=name, field=lacking[0])
    if unknown:
        raise MergeError(f"{table} has no column {', '.join(unknown)} (a newer or "
                         "foreign program made this file); it was not merged",
                         file=name, field=unknown[0])
    forgotten = missing_rules(table, known)
    if forgotten:  # a programming error: every column must have a rule (schema/rules.py)
        raise MergeError(f"{table}.{forgotten[0]} has no validation rule; nothing was merged",
                         field=forgotten[0])


def _natural(spec: TableSpec) -> str:
    kind, *keys = spec.natural_key
    args = ", ".join([_text_literal(kind), *(_q(k) for k in keys)])
    return f"[id] IS NOT facilitator_natural_id({args}) COLLATE BINARY"


def quick_test(table: str, spec: TableSpec) -> str:
    """SQL true for a version of ``table`` that may break a rule or carries a time to
    normalise: one cheap test per column, for a scan over every version. It may flag
    a good one (a close look finds nothing), never miss a bad one: a property test
    (tests/test_validation_scan.py) holds it to ``problem_sql``."""
    rules = rules_for(table)
    tests = []
    for column, _ in reference_columns()[table]:
        test = _quick(column, rules[column])
        if column == "updated_at":
            # A record never edited has updated_at = created_at, which its own test
            # checks: the costly test of an instant is then made once, not twice.
            test = f"([updated_at] IS NOT [created_at] COLLATE BINARY AND {test})"
        tests.append((rules[column].kind in ("int", "real"), test))
    # Numbers last: their typeof() would free the buffers the text tests load into.
    ordered = [test for _, test in sorted(tests, key=lambda t: t[0])]
    if spec.natural_key:
        ordered.append(_natural(spec))
    return " OR ".join(ordered)


def problem_sql(table: str, spec: TableSpec) -> str:
    """SQL naming the first rule a version of ``table`` breaks, as ``column`` U+001F
    ``why`` (``~time`` for a time to normalise), or NULL: every rule, tried in turn,
    for the few versions ``quick_test`` flags."""
    rules = rules_for(table)
    present = [c for c, _ in reference_columns()[table]]
    whens: list[str] = []
    for column in present:
        for condition, why in _checks(column, rules[column]):
            whens.append(f"WHEN {condition} THEN {_text_literal(column + chr(31) + why)}")
    if spec.natural_key:
        whens.append(f"WHEN {_natural(spec)} "
                     f"THEN {_text_literal('id' + chr(31) + 'natural key')}")
    for column in present:  # last: only a time that breaks no rule is normalised
        if rules[column].kind == "time":
            whens.append(f"WHEN {_q(column)} IS NOT NULL AND NOT {_canonical(_q(column))} "
                         f"THEN {_text_literal(column + chr(31) + '~time')}")
    return f"CASE {' '.join(whens)} END"


def validate(conn: sqlite3.Connection, stored: str, table: str, spec: TableSpec,
             name: str, *, lost: bool = False, unique: bool = False,
             rowids: Sequence[int] | None = None) -> None:
    """Check every version in table ``stored`` (of merged table ``table``) by its rules,
    and bring its instants into the canonical form, in place.

    One scan with one cheap test per column finds the rows that may be bad; only
    those are looked at closely, to name the first problem or to normalise a time.
    ``unique``: also refuse an id that appears twice (a staged bundle's table).
    """
    rules = rules_for(table)
    times = [c for c, _ in reference_columns()[table] if rules[c].kind == "time"]
    where, params = f"({quick_test(table, spec)})", []
    if rowids is not None:
        where += f" AND rowid IN ({', '.join('?' for _ in rowids)})"
        params = list(rowids)
    flagged = [int(r[0]) for r in conn.execute(
        f"SELECT rowid FROM {_q(stored)} WHERE {where}", params)]
    problem = problem_sql(table, spec)
    for start in range(0, len(flagged), 500):
        chunk = flagged[start:start + 500]
        rows = conn.execute(
            f"SELECT rowid, [id], {problem} FROM {_q(stored)} WHERE rowid IN "
            f"({', '.join('?' for _ in chunk)}) ORDER BY rowid", chunk).fetchall()
        for rowid, record_id, found in rows:
            if found is None:
                continue
            column, why = str(found).split(chr(31), 1)
            if why == "~time":
                _normalise_row(conn, stored, table, times, rowid, record_id, name)
                continue
            if why == "natural key":
                record = conn.execute(f"SELECT * FROM {_q(stored)} WHERE rowid = ?",
                                      [rowid])
                values = dict(zip([d[0] for d in record.description], record.fetchone(),
                                  strict=True))
                column, why = "", (
                    f"should have id {spec.expected_id(values)} for its key "
                    f"({', '.join(str(values.get(k)) for k in spec.natural_key[1:])})")
            raise _refuse(name, ("kept version of a " if lost else "") + table, record_id,
                          column, why)
    if unique:
        twice = conn.execute(f"SELECT id FROM {_q(stored)} GROUP BY id HAVING count(*) > 1 "
                             "LIMIT 1").fetchone()
        if twice is not None:
            raise _refuse(name, table, twice[0], "id", "appears twice")


def _normalise_row(conn: sqlite3.Connection, stored: str, table: str, times: list[str],
                   rowid: int, record_id: object, name: str) -> None:
    values = conn.execute(f"SELECT {', '.join(_q(c) for c in times)} FROM {_q(stored)} "
                          "WHERE rowid = ?", [rowid]).fetchone()
    fixed: dict[str, str] = {}
    for column, value in zip(times, values, strict=True):
        if value is None:
            continue
        try:
            fixed[column] = canonical_time(value)
            # The canonical shape alone is not a time (31 February): read it back.
            datetime.strptime(fixed[column], CANONICAL_FORMAT)
        except (TimeFormatError, ValueError, OverflowError) as exc:
            raise _refuse(name, table, record_id, column, "is not an ISO 8601 time") from exc
    sets = ", ".join(f"{_q(c)} = ?" for c in fixed)
    conn.execute(f"UPDATE {_q(stored)} SET {sets} WHERE rowid = ?", [*fixed.values(), rowid])


def create_stage(conn: sqlite3.Connection, stored: str, table: str) -> None:
    """A table for staged versions of ``table``: its columns, no type affinity, so a
    value keeps the type it arrived with and the rules see it as it is."""
    columns = ", ".join(_q(c) for c in columns_of(table))
    conn.execute(f"CREATE TABLE {_q(stored)} ({columns})")


def stage_json(conn: sqlite3.Connection, lines: str, table: str, stored: str,
               where: str, params: list[Any], name: str, *, line_label: str,
               lost: bool = False) -> int:
    """Copy the JSON records of ``lines`` (columns n, rec) matching ``where`` into table
    ``stored``, column by column. A record with an unknown key, a list, an object or a
    true/false anywhere, or without an envelope column, refuses the source."""
    known = columns_of(table)
    what = ("kept version of a " if lost else "") + table
    listed = ", ".join(_text_literal(c) for c in known)
    bad = conn.execute(
        f"SELECT l.n, json_extract(l.rec, '$.id'), e.key, e.type FROM {_q(lines)} l, "
        f"json_each(l.rec) e WHERE {where} AND (e.key NOT IN ({listed}) "
        "OR e.type IN ('object', 'array', 'true', 'false')) LIMIT 1", params).fetchone()
    if bad is not None:
        number, record_id, key, kind = bad
        if key not in known:
            raise MergeError(f"{what} record {record_id}: no column {key} in this "
                             "version (a newer or foreign program made this file); it was "
                             "not merged", file=name, field=str(key),
                             line=number if line_label == "line" else None)
        why = {"object": "is an object", "array": "is a list"}.get(kind, "is true/false")
        raise _refuse(name, what, record_id, str(key), why + ", not a value")
    for column in REQUIRED_ENVELOPE:
        missing = conn.execute(
            f"SELECT json_extract(rec, '$.id') FROM {_q(lines)} WHERE {where} AND "
            f"json_type(rec, '$.{column}') IS NULL LIMIT 1", params).fetchone()
        if missing is not None:
            raise _refuse(name, what, missing[0], column, "is missing")
    defaults = dict(reference_columns()[table])
    values = []
    for column in known:
        path = _text_literal(f"$.{column}")
        if column == "origin_device":
            fallback = "json_extract(rec, '$.device_id')"
        elif column == "consent_refused_at":
            # A version from before recorded consent said no with quote_consent 0: a
            # refusal dated when it was made (as Store.normalise_version reads it).
            fallback = ("CASE WHEN json_extract(rec, '$.quote_consent') IN (0, '0') "
                        "THEN json_extract(rec, '$.updated_at') END")
        else:
            default = defaults.get(column)
            fallback = "NULL" if default is None else (
                _text_literal(default) if isinstance(default, str) else repr(default))
        values.append(f"CASE WHEN json_type(rec, {path}) IS NULL THEN {fallback} "
                      f"ELSE json_extract(rec, {path}) END")
    cursor = conn.execute(
        f"INSERT INTO {_q(stored)} ({', '.join(_q(c) for c in known)}) "
        f"SELECT {', '.join(values)} FROM {_q(lines)} WHERE {where} ORDER BY n", params)
    return int(cursor.rowcount)


def check_lines(conn: sqlite3.Connection, lines: str, tables: Mapping[str, TableSpec],
                name: str, *, label: str) -> None:
    """Each line (n, tbl, rec) names a merged table and holds a JSON object record."""
    row = conn.execute(
        f"SELECT n FROM {_q(lines)} WHERE typeof(rec) != 'text' OR length(rec) > "
        f"{MAX_RECORD_JSON} OR NOT json_valid(rec) LIMIT 1").fetchone()
    if row is not None:
        raise MergeError(f"{label} {row[0]} is not a valid JSON record", file=name,
                         line=row[0] if label == "line" else None)
    row = conn.execute(f"SELECT n FROM {_q(lines)} WHERE json_type(rec) != 'object' "
                       "LIMIT 1").fetchone()
    if row is not None:
        raise MergeError(f"{label} {row[0]} is not a record", file=name,
                         line=row[0] if label == "line" else None)
    known = ", ".join(_text_literal(t) for t in tables)
    row = conn.execute(f"SELECT n, tbl FROM {_q(lines)} WHERE tbl IS NULL OR "
                       f"typeof(tbl) != 'text' OR tbl NOT IN ({known}) LIMIT 1").fetchone()
    if row is not None:
        shown = str(row[1])[:60]
        raise MergeError(f"unknown table {shown!r} ({label} {row[0]}; a newer Facilitator "
                         "made this file?)", file=name,
                         line=row[0] if label == "line" else None)
