"""A database as the hand-off tests need it: consenting, refusing, withdrawn and erased
participants, every kind of note, a hostile quote, a starred one, an ad-hoc theme."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from facilitator.core import participants, themes
from facilitator.core.notes import Attribution, save_note, set_starred
from facilitator.core.pack import SessionPack
from facilitator.core.store import Store

HOSTILE = ("<b>bold?</b> & <w:t>x</w:t> ]]> \x00\x07\x1b[31m \u0085 "
           "Ŵyn a ŷd 🏴\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f 😀 "
           "=HYPERLINK(\"x\") \ufffe end " + "hir iawn " * 5_000)  # ~45k characters
HOSTILE_CLEAN_START = "<b>bold?</b> & <w:t>x</w:t> ]]>"


def theme(pack: SessionPack, group: str, label: str) -> str:
    return next(t.id for t in pack.themes if t.group == group and t.label == label)


def build(path: Path, pack: SessionPack) -> dict[str, str]:
    """Fill ``path``; returns the words that must (``ok_*``) and must not (``no_*``) show."""
    words: dict[str, str] = {}
    with Store(path, device_id="laptop-a") as store:
        people = {}
        for code, site, extra in (
                ("CDF-01", "cardiff", {"gender": "woman", "age_band": "25-34",
                                       "trust_police": "low", "ethnicity": "black"}),
                ("CDF-02", "cardiff", {"quote_consent": 0, "gender": "man"}),
                ("CDF-03", "cardiff", {"gender": "man"}),
                ("CDF-04", "cardiff", {"gender": "woman"}),
                ("DUR-01", "durham", {"age_band": "65+"})):
            people[code] = store.create("participants", {"site": site, "code": code, **extra})
        here = Attribution("cardiff", 2, None, "Table 1", "w2-call101-discussion", "call_101")
        efficiency = theme(pack, "call_101", "Efficiency")
        accents = theme(pack, "call_101", "Languages and accents")
        ad_hoc = themes.add_custom_theme(store, pack, "call_101", "Ŵelsh speakers")
        q1 = save_note(store, here, "quote", "It answered in 8 seconds, better than now.",
                       [efficiency], people["CDF-01"]["id"], noted_at="2026-05-09T09:05:00Z")
        set_starred(store, q1["id"], True)
        words["ok_quote"] = q1["text"]
        # Longer than a note can be typed: as a merge from elsewhere would bring it.
        store.create("notes", {"site": "cardiff", "workshop": 2, "kind": "quote",
                               "text": HOSTILE, "use_case": "call_101",
                               "table_name": "Table 1",
                               "themes": f'["{accents}", "{ad_hoc.id}"]',
                               "noted_at": "2026-05-09T09:06:00Z"})
        words["ok_hostile"] = HOSTILE_CLEAN_START
        save_note(store, here, "quote", "Refuser says: my secret words about 101.",
                  [efficiency], people["CDF-02"]["id"], noted_at="2026-05-09T09:07:00Z")
        words["no_refused"] = "my secret words about 101"
        save_note(store, here, "note", "Table thinks accents matter in Wales.", [accents],
                  noted_at="2026-01-15T12:00:00Z")  # winter: GMT
        words["ok_note"] = "Table thinks accents matter in Wales."
        gone = save_note(store, here, "quote", "Withdrawn person's words: zebra crossing.",
                         [efficiency], people["CDF-03"]["id"], noted_at="2026-05-09T09:08:00Z")
        words["no_withdrawn"] = "zebra crossing"
        erased = save_note(store, here, "note", "Erased person's words: giraffe neck.",
                           [], people["CDF-04"]["id"], noted_at="2026-05-09T09:09:00Z")
        words["no_erased"] = "giraffe neck"
        deleted = save_note(store, here, "note", "Deleted note: walrus tusk.", [],
                            noted_at="2026-05-09T09:10:00Z")
        words["no_deleted"] = "walrus tusk"
        store.edit("notes", deleted["id"], {"deleted": 1})
        participants.withdraw(store, people["CDF-03"]["id"])
        participants.erase(store, people["CDF-04"]["id"])
        durham = Attribution("durham", 4, None, None, None, None)
        advice = save_note(store, durham, "advice", "Publish every algorithm's audit.",
                           [theme(pack, "advice", "Oversight and accountability")],
                           people["DUR-01"]["id"], noted_at="2026-06-01T13:30:00Z")
        words["ok_advice"] = advice["text"]
        assert gone["id"] and erased["id"]
    return words


def build_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic three-site demo, merged (``facilitator demo``): conftest's
    session fixture ``demo_db`` builds it once for every hand-off test."""
    from facilitator.core.pack import load_pack
    from facilitator.core.paths import default_pack_dir
    from facilitator.demo import run_demo

    folder = tmp_path_factory.mktemp("handoff-demo")
    old = os.environ.get("FACILITATOR_CONFIG_DIR")
    os.environ["FACILITATOR_CONFIG_DIR"] = str(tmp_path_factory.mktemp("config"))
    try:
        run_demo(load_pack(default_pack_dir()), folder)
    finally:
        if old is None:
            os.environ.pop("FACILITATOR_CONFIG_DIR", None)
        else:
            os.environ["FACILITATOR_CONFIG_DIR"] = old
    return folder / "merged.db"
