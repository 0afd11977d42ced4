"""Dot votes on advice: validation (all or nothing), one sheet per participant,
tallies per site and overall, and the priorities CSV import."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_advice import BIAS, OVERSIGHT, TRANSPARENCY, advice_note, participant

from facilitator.core import advice
from facilitator.core.advice import DotVoteError, DuplicateSheetError
from facilitator.core.errors import CsvImportError
from facilitator.core.store import Store


@pytest.fixture
def board(store, default_pack):
    """Three items open for voting at a hub: a combination and two originals."""
    store.set_setting("site", "cardiff")
    a = advice_note(store, "cardiff", "Register every tool", TRANSPARENCY)
    b = advice_note(store, "london", "Publish what tools do", TRANSPARENCY)
    combo = advice.combine(store, default_pack, [a, b], "A public register of AI tools")["id"]
    oversight = advice_note(store, "durham", "An independent watchdog", OVERSIGHT)
    bias = advice_note(store, "london", "Bias tests before use", BIAS)
    people = {code: participant(store, site, code) for site, code in
              [("cardiff", "CDF-01"), ("cardiff", "CDF-02"), ("durham", "DUR-01"),
               ("london", "LDN-01")]}
    return store, default_pack, {"combo": combo, "a": a, "oversight": oversight,
                                 "bias": bias}, people


def write_csv(path: Path, rows: list[str], bom: bool = True) -> Path:
    text = "participant,site,item,dots\n" + "\n".join(rows) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", "\r\n").encode())
    return path


def closed_bytes(store: Store) -> bytes:
    store.close()
    return store.path.read_bytes()


def test_dots_are_cast_and_tallied_per_site_and_overall(board):
    store, pack, items, people = board
    advice.cast_dots(store, pack, site="cardiff", participant_id=people["CDF-01"],
                     allocations={items["combo"]: 2, items["oversight"]: 1})
    advice.cast_dots(store, pack, site="Caerdydd", allocations={items["combo"]: 1})
    advice.cast_dots(store, pack, site="durham", participant_id=people["DUR-01"],
                     allocations={items["oversight"]: 2, items["bias"]: 1}, source="paper",
                     sheet="7")
    counts = advice.tallies(store)
    assert counts.overall[items["combo"]] == advice.ItemTally(3, 2)
    assert counts.overall[items["oversight"]] == advice.ItemTally(3, 2)
    assert counts.by_site["cardiff"][items["combo"]] == advice.ItemTally(3, 2)
    assert counts.by_site["durham"] == {items["oversight"]: advice.ItemTally(2, 1),
                                        items["bias"]: advice.ItemTally(1, 1)}
    assert counts.sheets == 3 and counts.sheets_by_site == {"cardiff": 2, "durham": 1}
    listed = {i["id"]: i for i in advice.list_json(store, pack)["items"]}
    assert (listed[items["combo"]]["dots"], listed[items["combo"]]["voters"]) == (3, 2)
    only_durham = {i.id: i for i in advice.advice_items(store, pack, site="durham")}
    assert only_durham[items["combo"]].dots == 0 and only_durham[items["oversight"]].dots == 2
    # Priority order within a theme: most dots first.
    order = [i["id"] for i in advice.list_json(store, pack)["items"]]
    assert order.index(items["oversight"]) < order.index(items["bias"])


@pytest.mark.parametrize("allocation, words", [
    ({"combo": 2, "oversight": 2}, "4 dots in all: each person has 3"),
    ({"combo": 3}, "at most 2 on one item"),
    ({"combo": 1, "nonsense": 1}, "not an advice item on the list"),
    ({"a": 1}, "vote for the combined item"),
    ({}, "no dots placed"),
    ({"combo": -1}, "cannot be negative"),
])
def test_a_bad_sheet_is_refused_whole(board, allocation, words):
    store, pack, items, people = board
    ids = {items.get(k, "00000000-0000-0000-0000-000000000000"): v
           for k, v in allocation.items()}
    before = store.count("priorities")
    with pytest.raises(DotVoteError, match=words):
        advice.cast_dots(store, pack, site="cardiff", participant_id=people["CDF-01"],
                         allocations=ids)
    assert store.count("priorities") == before


def test_one_sheet_per_participant(board):
    store, pack, items, people = board
    first = {items["combo"]: 2, items["bias"]: 1}
    rows = advice.cast_dots(store, pack, site="cardiff", participant_id=people["CDF-02"],
                            allocations=first)
    # The same dots again change nothing.
    again = advice.cast_dots(store, pack, site="cardiff", participant_id=people["CDF-02"],
                             allocations=dict(first))
    assert {r["id"] for r in again} == {r["id"] for r in rows}
    with pytest.raises(DuplicateSheetError, match="CDF-02 already has different dots"):
        advice.cast_dots(store, pack, site="cardiff", participant_id=people["CDF-02"],
                         allocations={items["oversight"]: 1})
    assert advice.tallies(store).sheets == 1
    # Replacing on request: the old sheet is flagged deleted, nothing is removed.
    advice.cast_dots(store, pack, site="cardiff", participant_id=people["CDF-02"],
                     allocations={items["oversight"]: 1}, replace=True)
    assert store.count("priorities") == 3
    assert advice.tallies(store).overall == {items["oversight"]: advice.ItemTally(1, 1)}
    # Someone on another site's roster, or withdrawn, is refused.
    with pytest.raises(DotVoteError, match="on the Durham roster, not Cardiff"):
        advice.cast_dots(store, pack, site="cardiff", participant_id=people["DUR-01"],
                         allocations={items["bias"]: 1})
    store.edit("participants", people["CDF-02"], {"withdrawn": 1})
    assert advice.tallies(store).overall == {}


def test_two_laptops_sheets_for_one_participant_count_once_in_any_merge_order(
        tmp_path, default_pack):
    from facilitator.core.merge import merge

    one_path, two_path = tmp_path / "one.db", tmp_path / "two.db"
    with Store(one_path, device_id="device-one") as one:
        one.set_setting("site", "durham")
        ids = [advice_note(one, "durham", text, OVERSIGHT) for text in ("Watchdog", "Audits")]
        pid = participant(one, "durham", "DUR-09")
    with Store(two_path, device_id="device-two") as two:
        merge(two, [one_path])
    # Each laptop takes a sheet from DUR-09 before hearing of the other's.
    with Store(one_path, device_id="device-one") as one:
        advice.cast_dots(one, default_pack, site="durham", participant_id=pid,
                         allocations={ids[0]: 1})
    with Store(two_path, device_id="device-two") as two:
        advice.cast_dots(two, default_pack, site="durham", participant_id=pid,
                         allocations={ids[1]: 2})
    results = []
    for i, order in enumerate(([one_path, two_path], [two_path, one_path])):
        with Store(tmp_path / f"hub{i}.db", device_id="device-hub") as hub:
            for path in order:
                merge(hub, [path])
            results.append(advice.tallies(hub))
    assert results[0] == results[1]
    assert results[0].sheets == 1
    assert sum(t.dots for t in results[0].overall.values()) == 2  # the later sheet


def test_importing_priorities_from_paper(board, tmp_path):
    store, pack, items, people = board
    path = write_csv(tmp_path / "dots.csv", [
        f"CDF-01,Caerdydd,{items['combo'][:8]},2",
        f"CDF-01,Cardiff,{items['bias']},1",
        f"DUR-01,Durham,{items['oversight'][:8].upper()},2",
        f",London,{items['bias'][:8]},1",
        f",London,{items['bias'][:8]},1",
    ])
    report = advice.import_priorities(store, pack, path)
    assert (report.added, report.unchanged) == (5, 0)
    counts = advice.tallies(store)
    assert counts.overall[items["bias"]] == advice.ItemTally(3, 3)  # two anonymous sheets
    assert counts.overall[items["combo"]] == advice.ItemTally(2, 1)
    again = advice.import_priorities(store, pack, path)
    assert (again.added, again.unchanged) == (0, 5)
    assert store.count("priorities") == 5


def test_a_bad_priorities_file_lists_every_bad_row_and_changes_nothing(board, tmp_path):
    store, pack, items, people = board
    advice.cast_dots(store, pack, site="cardiff", participant_id=people["CDF-02"],
                     allocations={items["bias"]: 1})
    path = write_csv(tmp_path / "bad.csv", [
        f"CDF-01,Cardiff,{items['combo']},2",      # 2
        f"CDF-01,Cardiff,{items['oversight']},2",  # 3: four dots in all
        f"DUR-01,Durham,{items['bias']},3",        # 4: three on one item
        f"DUR-01,Durham,{items['a']},1",           # 5: combined original
        "LDN-01,London,0000dead,1",               # 6: unknown item
        f"CDF-02,Cardiff,{items['combo']},1",      # 7: second sheet
        f"ZZZ-99,Cardiff,{items['combo']},1",      # 8: not on the roster
        f",Narnia,{items['combo']},1",             # 9: unknown site
        f"LDN-01,London,{items['bias']},two",      # 10: not a number
        f"LDN-01,London,{items['bias']},2",        # 11
        f"LDN-01,London,{items['bias']},1",        # 12: three on one item over rows
    ])
    before = closed_bytes(store)
    with Store(store.path) as again, pytest.raises(CsvImportError) as info:
        advice.import_priorities(again, pack, path)
    lines = {p.line: p for p in info.value.problems}
    assert set(lines) == {3, 4, 5, 6, 7, 8, 9, 10, 12}
    assert "4 dots in all" in lines[3].message
    assert "at most 2 on one item" in lines[4].message
    assert "vote for the combined item" in lines[5].message
    assert "no advice item" in lines[6].message
    assert "one sheet per participant" in lines[7].message
    assert "not on the Cardiff roster" in lines[8].message
    assert "unknown site 'Narnia'" in lines[9].message
    assert "3 dots on" in lines[12].message
    assert str(path) in str(info.value)
    assert store.path.read_bytes() == before


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sheets=st.lists(st.tuples(st.sampled_from(["cardiff", "durham", "london"]),
                                 st.dictionaries(st.integers(0, 3), st.integers(0, 3),
                                                 max_size=4)),
                       max_size=8))
def test_tallies_equal_a_plain_count_of_the_accepted_sheets(tmp_path_factory, default_pack,
                                                            sheets):
    folder = tmp_path_factory.mktemp("tally")
    with Store(folder / "hub.db", device_id="device-hub") as store:
        ids = [advice_note(store, "london", f"Item {i}", OVERSIGHT) for i in range(4)]
        expected_overall: dict[str, list[int]] = {}
        expected_site: dict[tuple[str, str], int] = {}
        for site, dots in sheets:
            allocation = {ids[i]: d for i, d in dots.items()}
            total = sum(allocation.values())
            ok = 0 < total <= default_pack.dot_allowance and all(
                d <= default_pack.dot_cap for d in allocation.values())
            try:
                advice.cast_dots(store, default_pack, site=site, allocations=allocation)
            except DotVoteError:
                assert not ok
                continue
            assert ok
            for item, d in allocation.items():
                if d:
                    cell = expected_overall.setdefault(item, [0, 0])
                    cell[0] += d
                    cell[1] += 1
                    expected_site[(site, item)] = expected_site.get((site, item), 0) + d
        counts = advice.tallies(store)
        assert {k: (v.dots, v.voters) for k, v in counts.overall.items()} == {
            k: tuple(v) for k, v in expected_overall.items()}
        assert {(s, i): t.dots for s, bucket in counts.by_site.items()
                for i, t in bucket.items()} == expected_site
