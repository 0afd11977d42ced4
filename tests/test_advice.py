"""Advice across sites: the list, and combining, editing, splitting and undoing
combinations without ever losing an original (real SQLite files, the real pack)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.core import advice
from facilitator.core.advice import AdviceError
from facilitator.core.errors import SessionPackError
from facilitator.core.notes import Attribution, delete_note, save_note
from facilitator.core.pack import ADVICE_GROUP, load_pack, theme_id
from facilitator.core.store import Store

OVERSIGHT = "Oversight and accountability"
BIAS = "Accuracy and bias"
TRANSPARENCY = "Transparency in implementation"


def advice_note(store: Store, site: str, text: str, theme: str | None = None,
                participant_id: str | None = None, table: str = "Table 1") -> str:
    themes = [theme_id(ADVICE_GROUP, theme)] if theme else []
    record = save_note(store, Attribution(site, 4, table_name=table), "advice", text,
                       themes, participant_id)
    return str(record["id"])


def participant(store: Store, site: str, code: str) -> str:
    return str(store.create("participants", {"site": site, "code": code})["id"])


def by_id(store: Store, pack) -> dict[str, advice.AdviceItem]:
    return {item.id: item for item in advice.advice_items(store, pack)}


@pytest.fixture
def hub(store, default_pack):
    """The lead's laptop with advice from the three sites."""
    store.set_setting("site", "london")
    ids = {
        "cdf_register": advice_note(store, "cardiff", "Publish a register of every AI tool "
                                    "in use, in Welsh and English (Caerdydd)", TRANSPARENCY),
        "dur_tell": advice_note(store, "durham", "Tell people which tools their force uses",
                                TRANSPARENCY),
        "ldn_publish": advice_note(store, "london", "Publish what each tool is for",
                                   TRANSPARENCY),
        "cdf_oversight": advice_note(store, "cardiff", "An independent body with powers to "
                                     "stop a tool", OVERSIGHT),
        "ldn_bias": advice_note(store, "london", "Test for bias before 999 calls are "
                                "triaged by AI", BIAS),
        "dur_plain": advice_note(store, "durham", "Keep a human in every decision"),
    }
    return store, default_pack, ids


def test_the_list_shows_every_item_with_its_site_and_theme(hub):
    store, pack, ids = hub
    items = advice.advice_items(store, pack)
    assert {i.id for i in items} == set(ids.values())
    found = by_id(store, pack)
    assert found[ids["cdf_register"]].sites == ("Cardiff",)
    assert found[ids["cdf_register"]].theme == TRANSPARENCY
    assert found[ids["dur_plain"]].theme == advice.NO_THEME
    # Grouped by advice theme in codebook order; no theme last.
    themes = [i.theme for i in items]
    assert themes == [OVERSIGHT, BIAS, TRANSPARENCY, TRANSPARENCY, TRANSPARENCY,
                      advice.NO_THEME]


def test_combining_keeps_every_original_and_links_each_site(hub):
    store, pack, ids = hub
    originals = [ids["cdf_register"], ids["dur_tell"], ids["ldn_publish"]]
    combo = advice.combine(store, pack, [o[:8] for o in originals],
                           "Publish a register of the AI tools each force uses")
    listing = advice.list_json(store, pack)["items"]
    by = {item["id"]: item for item in listing}
    assert by[combo["id"]]["combined_from"] == originals
    assert by[combo["id"]]["sites"] == ["Cardiff", "Durham", "London"]
    assert by[combo["id"]]["theme"] == TRANSPARENCY  # the originals' commonest
    for original in originals:
        assert by[original]["combined_into"] == combo["id"]
        assert store.get("notes", original)["revision"] == 1  # untouched
    # The combination comes first in its theme, its originals right after it.
    position = [item["id"] for item in listing]
    start = position.index(combo["id"])
    assert set(position[start + 1:start + 4]) == set(originals)
    assert "combined_into" not in by[ids["cdf_oversight"]]
    votable = {i.id for i in advice.votable_items(store, pack)}
    assert combo["id"] in votable and not votable & set(originals)


def test_edit_split_and_undo_keep_every_original(hub):
    store, pack, ids = hub
    originals = [ids["cdf_register"], ids["dur_tell"], ids["ldn_publish"]]
    combo = advice.combine(store, pack, originals, "Publish a register", theme=OVERSIGHT)
    assert combo["theme"] == theme_id(ADVICE_GROUP, OVERSIGHT)
    edited = advice.edit_combination(store, pack, combo["id"],
                                     text="Publish a public register of AI tools",
                                     theme="transparency in implementation")
    assert edited["revision"] == 2
    assert by_id(store, pack)[combo["id"]].theme == TRANSPARENCY
    # Split one original off by editing the members.
    advice.edit_combination(store, pack, combo["id"], combined_from=originals[:2])
    found = by_id(store, pack)
    assert found[originals[2]].combined_into is None
    assert found[combo["id"]].combined_from == tuple(originals[:2])
    # Undo: the combination is flagged, never removed; the originals stand again.
    advice.split(store, combo["id"])
    row = store.get(advice.COMBINATIONS_TABLE, combo["id"])
    assert row["deleted"] == 1 and row["revision"] == 4
    found = by_id(store, pack)
    assert combo["id"] not in found
    assert all(found[o].combined_into is None for o in originals)
    assert set(found) == set(ids.values())
    # Undo the undo.
    advice.restore(store, pack, combo["id"])
    assert by_id(store, pack)[originals[0]].combined_into == combo["id"]


def test_combining_refuses_what_would_lose_track(hub):
    store, pack, ids = hub
    combo = advice.combine(store, pack, [ids["cdf_register"], ids["dur_tell"]], "Register")
    with pytest.raises(AdviceError, match="already combined into"):
        advice.combine(store, pack, [ids["cdf_register"], ids["ldn_publish"]], "Again")
    with pytest.raises(AdviceError, match="itself a combined item"):
        advice.combine(store, pack, [combo["id"], ids["ldn_publish"]], "Nested")
    with pytest.raises(AdviceError, match="at least two"):
        advice.combine(store, pack, [ids["ldn_publish"], ids["ldn_publish"][:8]], "One")
    with pytest.raises(AdviceError, match="no advice item"):
        advice.combine(store, pack, [ids["ldn_publish"], "deadbeef"], "Unknown")
    with pytest.raises(AdviceError, match="needs wording"):
        advice.combine(store, pack, [ids["ldn_publish"], ids["ldn_bias"]], "   ")
    with pytest.raises(AdviceError, match="unknown advice theme"):
        advice.combine(store, pack, [ids["ldn_publish"], ids["ldn_bias"]], "x",
                       theme="Crime prevention")
    # A split combination's originals taken by another: restoring it is refused.
    advice.split(store, combo["id"])
    advice.combine(store, pack, [ids["cdf_register"], ids["ldn_publish"]], "Other")
    with pytest.raises(AdviceError, match="has since been combined"):
        advice.restore(store, pack, combo["id"])
    assert store.count("notes", "kind = 'advice'") == len(ids)


def test_withdrawn_participants_and_deleted_items_leave_the_list(hub):
    store, pack, ids = hub
    person = participant(store, "durham", "DUR-04")
    theirs = advice_note(store, "durham", "My own advice", OVERSIGHT, person)
    assert theirs in by_id(store, pack)
    store.edit("participants", person, {"withdrawn": 1})
    assert theirs not in by_id(store, pack)
    delete_note(store, ids["dur_plain"])
    assert ids["dur_plain"] not in by_id(store, pack)
    assert store.get("notes", ids["dur_plain"]) is not None  # a flag, not a removal


def test_an_item_id_prefix_must_be_unambiguous(hub):
    store, pack, ids = hub
    items = advice.advice_items(store, pack)
    assert advice.resolve_item(items, ids["ldn_bias"][:8].upper()).id == ids["ldn_bias"]
    with pytest.raises(AdviceError):
        advice.resolve_item(items, ids["ldn_bias"][:3])


def test_the_pack_sets_the_dot_allowance_and_cap(pack_copy):
    assert (load_pack(pack_copy).dot_allowance, load_pack(pack_copy).dot_cap) == (3, 2)
    toml = pack_copy / "pack.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("suppression_threshold = 5",
                                 "suppression_threshold = 5\ndot_allowance = 5\ndot_cap = 3"),
                    encoding="utf-8")
    pack = load_pack(pack_copy)
    assert (pack.dot_allowance, pack.dot_cap) == (5, 3)
    toml.write_text(text.replace("suppression_threshold = 5",
                                 "suppression_threshold = 5\ndot_cap = 4"), encoding="utf-8")
    with pytest.raises(SessionPackError, match="dot_cap"):
        load_pack(pack_copy)


# -- a law: whatever the combine / edit / split / restore history, nothing is lost -------

operation = st.one_of(
    st.tuples(st.just("combine"), st.lists(st.integers(0, 5), min_size=2, max_size=4,
                                           unique=True)),
    st.tuples(st.just("edit"), st.integers(0, 9)),
    st.tuples(st.just("split"), st.integers(0, 9)),
    st.tuples(st.just("restore"), st.integers(0, 9)),
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=st.lists(operation, min_size=1, max_size=12))
def test_no_history_of_combining_loses_an_original(tmp_path_factory, default_pack, history):
    folder = tmp_path_factory.mktemp("combine")
    with Store(folder / "hub.db", device_id="device-hub") as store:
        originals = [advice_note(store, site, f"Advice {i} from {site} — ŵ", theme)
                     for i, (site, theme) in enumerate([
                         ("cardiff", OVERSIGHT), ("durham", OVERSIGHT), ("london", BIAS),
                         ("cardiff", BIAS), ("durham", None), ("london", TRANSPARENCY)])]
        made: list[str] = []
        for step, arg in history:
            try:
                if step == "combine":
                    made.append(advice.combine(store, default_pack,
                                               [originals[i] for i in arg], "Combined")["id"])
                elif made and step == "edit":
                    advice.edit_combination(store, default_pack, made[arg % len(made)],
                                            text=f"Reworded {arg}")
                elif made and step == "split":
                    advice.split(store, made[arg % len(made)])
                elif made and step == "restore":
                    advice.restore(store, default_pack, made[arg % len(made)])
            except AdviceError:
                pass  # refused as a whole
            listing = advice.list_json(store, default_pack)["items"]
            listed = {item["id"]: item for item in listing}
            # Every original is listed exactly once, free or inside a standing combination.
            assert sorted(i for i in listed if i in originals) == sorted(originals)
            assert len(listing) == len(listed)
            for original in originals:
                holder = listed[original].get("combined_into")
                if holder is not None:
                    assert original in listed[holder]["combined_from"]
            # No original is in two standing combinations.
            members = [m for item in listing for m in item["combined_from"]]
            assert len(members) == len(set(members))
            assert all(store.get("notes", o)["revision"] == 1 for o in originals)
        # Every combination ever made is still a row (split is a flag).
        assert store.count(advice.COMBINATIONS_TABLE) == len(made)
        assert all(json.loads(r["combined_from"]) for r in
                   store.rows(advice.COMBINATIONS_TABLE))
