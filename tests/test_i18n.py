"""The Welsh dictionary without Qt: reading cy.po, plural forms, the pack's Welsh."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from facilitator.core import i18n
from facilitator.core.errors import SessionPackError
from facilitator.core.pack import load_pack

REPO = Path(__file__).resolve().parent.parent

PO = r'''msgid ""
msgstr ""
"Language: cy\n"

# a comment
msgid "Next"
msgstr "Nesaf"

msgctxt "KioskWindow"
msgid "Next"
msgstr "Ymlaen"

msgid "A long "
"text"
msgstr "Testun "
"hir"

#, fuzzy
msgid "Guess"
msgstr "Dyfalu"

msgid "%n ballots"
msgid_plural "%n ballots"
msgstr[0] "%n pleidlais (0)"
msgstr[1] "%n bleidlais"
msgstr[2] "%n pleidlais (2-5)"
msgstr[3] "%n pleidlais (6)"
msgstr[4] "%n pleidlais"

msgid "Empty"
msgstr ""
'''


def test_po_entries_contexts_plurals_and_unfinished():
    catalog = i18n.Catalog(i18n.parse_po(PO))
    assert catalog.lookup("MainWindow", "Next") == "Nesaf"
    assert catalog.lookup("KioskWindow", "Next") == "Ymlaen"  # the override wins there
    assert catalog.lookup(None, "A long text") == "Testun hir"
    assert catalog.lookup(None, "Guess") is None  # fuzzy is unfinished: English stays
    assert catalog.lookup(None, "Empty") is None
    assert [catalog.lookup(None, "%n ballots", n) for n in (0, 1, 3, 6, 7, 100)] == [
        "%n pleidlais (0)", "%n bleidlais", "%n pleidlais (2-5)", "%n pleidlais (6)",
        "%n pleidlais", "%n pleidlais"]


def test_a_broken_po_names_the_line():
    with pytest.raises(i18n.PoError, match=r"cy.po:2"):
        i18n.parse_po('msgid "x"\nmsgstr "unterminated\n')


def test_words_in_either_language_whatever_the_run_uses():
    assert i18n.Words("cy").translate("Anything", "&File") == "&Ffeil"
    assert i18n.Words("en").translate("Anything", "&File") == "&File"
    assert i18n.Words("cy").translate("Anything", "Not in the dictionary") == \
        "Not in the dictionary"
    i18n.set_language("cy")
    assert i18n.translate("Report", "&File") == "&Ffeil"
    assert i18n.both("Report", "&File") == {"cy": "&Ffeil", "en": "&File"}
    assert list(i18n.both("Report", "&File")) == ["cy", "en"]  # Welsh first


@pytest.mark.skipif(shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent))
                    is None, reason="pyside6-lrelease not installed")
def test_our_plural_order_is_qts(tmp_path, qapp):
    """The five forms we write are the ones Qt picks for 0, 1, 2-5, 6 and the rest."""
    from PySide6.QtCore import QTranslator

    forms = "".join(f"<numerusform>form{i} %n</numerusform>" for i in range(5))
    (tmp_path / "p.ts").write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="cy">'
        '<context><name>P</name><message numerus="yes"><source>%n things</source>'
        f'<translation>{forms}</translation></message></context></TS>', encoding="utf-8")
    lrelease = str(Path(sys.executable).parent / "pyside6-lrelease")
    subprocess.run([lrelease, str(tmp_path / "p.ts"), "-qm", str(tmp_path / "p.qm")],
                   check=True, capture_output=True)
    translator = QTranslator(qapp)
    assert translator.load(str(tmp_path / "p.qm"))
    for n in (0, 1, 2, 3, 5, 6, 7, 11, 100):
        qt = translator.translate("P", "%n things", None, n)
        assert qt == f"form{i18n.welsh_plural_index(n)} %n", n


def test_the_pack_is_bilingual_and_keeps_its_keys(default_pack):
    welsh = default_pack.localised("cy")
    assert welsh.lang == "cy" and default_pack.lang == "en"
    assert welsh.site("cardiff").name == "Caerdydd"
    assert welsh.site("Cardiff").id == "cardiff"  # the English name still finds it
    for en, cy in zip(default_pack.use_cases, welsh.use_cases, strict=True):
        assert en.id == cy.id
        for key in ("title", "definition", "example"):
            assert getattr(cy, key) and getattr(cy, key) != getattr(en, key), (en.id, key)
        assert len(cy.benefits) == len(en.benefits) and cy.benefits != en.benefits
        assert len(cy.risks) == len(en.risks) and cy.risks != en.risks
    for en_w, cy_w in zip(default_pack.workshops, welsh.workshops, strict=True):
        assert cy_w.title != en_w.title
        for en_s, cy_s in zip(en_w.steps, cy_w.steps, strict=True):
            assert cy_s.id == en_s.id and cy_s.title != en_s.title or en_s.title == "Durham"
            if en_s.prompt:
                assert cy_s.prompt != en_s.prompt, en_s.id
    for en_t, cy_t in zip(default_pack.themes, welsh.themes, strict=True):
        assert (cy_t.id, cy_t.key, cy_t.group) == (en_t.id, en_t.key, en_t.group)
        assert cy_t.label != en_t.label
    assert [v.categories for v in welsh.variables] == [v.categories for v in default_pack.variables]
    gender = welsh.variable("gender")
    assert gender.label == "Rhywedd" and gender.category_label("woman", "cy") == "menyw"
    assert gender.category_label("woman") == "woman"
    assert welsh.quotas == default_pack.quotas


def test_an_old_pack_without_welsh_still_loads():
    """The pack as written before Welsh (schema 1), kept as it was."""
    pack = load_pack(REPO / "tests" / "data" / "pack-schema1")
    assert not pack.has_welsh
    welsh = pack.localised("cy")
    assert welsh.use_cases[0].title == pack.use_cases[0].title  # English, not nothing
    assert welsh.site("cardiff").name == "Cardiff"
    assert [t.id for t in welsh.themes] == [t.id for t in load_pack(REPO / "sessions" /
                                                                       "ai-in-policing").themes]


def test_welsh_lists_must_match_the_english(pack_copy):
    file = pack_copy / "pack.toml"
    text = file.read_text(encoding="utf-8")
    start = text.index("benefits_cy = [")
    end = text.index("]", start)
    file.write_text(text[:start] + 'benefits_cy = ["Un yn unig"' + text[end:], encoding="utf-8")
    with pytest.raises(SessionPackError, match=r"use_cases\[0\]\.benefits_cy.*1 item"):
        load_pack(pack_copy)


def test_a_welsh_label_for_an_unknown_theme_is_refused(pack_copy):
    file = pack_copy / "pack.toml"
    text = file.read_text(encoding="utf-8")
    text = text.replace("[codebook.labels_cy]\n", '[codebook.labels_cy]\n"Nope" = "Na"\n')
    file.write_text(text, encoding="utf-8")
    with pytest.raises(SessionPackError, match="labels_cy.Nope"):
        load_pack(pack_copy)


def test_a_welsh_pack_still_matches_english_theme_labels(store, default_pack):
    from facilitator.core.themes import match_theme

    welsh = default_pack.localised("cy")
    english = match_theme(store, default_pack, "Privacy", "summarising_basic")
    assert english is not None
    assert match_theme(store, welsh, "Privacy", "summarising_basic").id == english.id
    assert match_theme(store, welsh, "preifatrwydd", "summarising_basic").id == english.id
