"""Schema steps of later capabilities, one module each, listed in ``core/migrations.py``.

Each module defines ``apply(db)`` (the DDL, tables built on ``RECORD_ENVELOPE_SQL``)
and ``TABLES`` (the ``TableSpec`` of every merged table it adds): that declaration is
all it takes for the merge to carry the new tables (docs/record-laws.md).
"""
