"""Finding a participant by the exact code a person types."""

from __future__ import annotations

from facilitator.core import participants


def test_by_code_is_exact_any_case_and_not_limited_by_search(store):
    for i in range(participants.SEARCH_LIMIT + 5):
        store.create("participants", {"site": "cardiff", "code": f"CDF-1{i:03d}"})
    store.create("participants", {"site": "cardiff", "code": "CDF-1"})
    assert participants.by_code(store, "cardiff", "cdf-1")["code"] == "CDF-1"
    assert participants.by_code(store, "cardiff", "CDF-10") is None  # no prefix matches
    assert participants.by_code(store, "durham", "CDF-1") is None  # another site's list
    gone = participants.by_code(store, "cardiff", "CDF-1002")
    store.mark_deleted("participants", gone["id"])
    assert participants.by_code(store, "cardiff", "CDF-1002") is None
