"""Qt-free core: domain types, session packs, storage, votes, merge.

Nothing under this package may import PySide6; tests/test_core_is_qt_free.py checks it.
"""
