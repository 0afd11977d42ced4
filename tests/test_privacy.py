"""The privacy gate before exports (DESIGN §4): what it finds, what it must not, and
that confirmations merge while the name-badge list never leaves the laptop."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.core import notes, participants, privacy
from facilitator.core.bundle import build_bundle, write_bundle
from facilitator.core.errors import SessionPackError
from facilitator.core.merge import merge
from facilitator.core.notes import Attribution
from facilitator.core.notes_csv import export_notes
from facilitator.core.privacy import find_personal_data
from facilitator.core.store import Store

CARDIFF = Attribution("cardiff", 2, table_name="Table 3")
DURHAM = Attribution("durham", 4, table_name="Table 1")


def kinds(text: str, names: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(f.kind, f.matched) for f in find_personal_data(text, names)]


# -- examples as note-takers type them -------------------------------------------------


@pytest.mark.parametrize("text", [
    "I rang 999 calls twice and then 101",
    "call 999 and 101, or 111 if it's health",
    "I'm 45 and I've lived here since 1990s, moved in 2019",
    "We met at 10:30 and again 14:05; it cost £1,500 and 12% said no",
    "ranked 1 2 3 4 5 6 with 18 of 20 agreeing",
    "0 out of 10, honestly. 3 tables, 60 people, 58 came back",
    "A force answering 101 calls within 8 seconds; 999 in 10 seconds",
    "the M25 and the A470 through Merthyr, CF10 is the postcode area",
    "Caerdydd: dwi'n byw yn y ddinas ers 20 mlynedd",
    "dates like 01/02/2019 and 01 02 2019 and 2019-2020",
    "an email-like thing: @policing, user@ nothing",
])
def test_ordinary_quotes_are_not_flagged(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("my number is 07700 900 123", [("phone", "07700 900 123")]),
    ("ring 07700900123 after six", [("phone", "07700900123")]),
    ("mobile: +44 7700 900123.", [("phone", "+44 7700 900123")]),
    ("office +44 (0)20 7946 0018 or (029) 2018 0123",
     [("phone", "+44 (0)20 7946 0018"), ("phone", "(029) 2018 0123")]),
    ("the helpline (0808 157 0192) and 0800-123-4567",
     [("phone", "0808 157 0192"), ("phone", "0800-123-4567")]),
    ("01632 960123 or 0161 496 0000 or 0191 498 0000", [
        ("phone", "01632 960123"), ("phone", "0161 496 0000"), ("phone", "0191 498 0000")]),
    ("email me at siân.jones@example.co.uk.", [("email", "siân.jones@example.co.uk")]),
    ("I live at CF10 3AT", [("postcode", "CF10 3AT")]),
    ("cf103at, sw1a 1aa and DH1 3LE", [
        ("postcode", "cf103at"), ("postcode", "sw1a 1aa"), ("postcode", "DH1 3LE")]),
    ("I rang 999 calls twice and then 101 from 07700 900123",
     [("phone", "07700 900123")]),
])
def test_personal_data_in_quotes_is_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


def test_names_are_whole_words_any_case_any_accent() -> None:
    badges = ("Siân", "Dafydd", "Gwenllïan", "Rhys")
    text = "sian said Dafydd's idea was good; GWENLLÏAN agreed. Rhysiog is a place."
    assert kinds(text, badges) == [("name", "sian"), ("name", "Dafydd"),
                                   ("name", "GWENLLÏAN")]
    # Typed with a combining diaeresis (NFD), the whole name is the match.
    decomposed = "Gwenlli\u0308an spoke"
    assert kinds(decomposed, badges) == [("name", "Gwenlli\u0308an")]
    assert kinds("Caerdydd", badges) == []


def test_a_name_inside_an_email_address_is_one_hit() -> None:
    assert kinds("write to sian.jones@example.co.uk", ("Siân", "Jones")) == [
        ("email", "sian.jones@example.co.uk")]


# -- laws -------------------------------------------------------------------------------

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def _n(count: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=count, max_size=count)


@st.composite
def uk_phones(draw: st.DrawFn) -> str:
    """A UK number written as people write them."""
    sep = draw(st.sampled_from([" ", "-", " - ", ""]))
    kind = draw(st.sampled_from(["mobile", "london", "cardiff", "area5", "area4", "free",
                                 "03"]))
    if kind == "mobile":
        head, rest = "07" + draw(_n(3)), [draw(_n(6))]
        if draw(st.booleans()):
            rest = [rest[0][:3], rest[0][3:]]
    elif kind in ("london", "cardiff"):
        head, rest = ("020" if kind == "london" else "029"), [draw(_n(4)), draw(_n(4))]
    elif kind == "area5":
        head = "01" + draw(_n(3))
        rest = [draw(st.sampled_from([draw(_n(6)), draw(_n(5))]))]
    elif kind == "area4":
        head, rest = "01" + draw(_n(1)) + "1", [draw(_n(3)), draw(_n(4))]
    elif kind == "free":
        head = draw(st.sampled_from(["0800", "0808"]))
        rest = [draw(_n(3)), draw(st.sampled_from([draw(_n(3)), draw(_n(4))]))]
    else:
        head, rest = "03" + draw(_n(2)), [draw(_n(3)), draw(_n(4))]
    form = draw(st.sampled_from(["national", "brackets", "plus", "plus0"]))
    if form == "brackets":
        return f"({head}) " + sep.join(rest)
    if form == "plus":
        return "+44 " + head[1:] + " " + " ".join(rest)
    if form == "plus0":
        return "+44 (0)" + head[1:] + " " + " ".join(rest)
    return sep.join([head, *rest])


@st.composite
def uk_postcodes(draw: st.DrawFn) -> str:
    """A full postcode of any of the six shapes, in the letters Royal Mail uses."""
    first = st.sampled_from("ABCDEFGHIJKLMNOPRSTUWYZ")
    second = st.sampled_from("ABCDEFGHKLMNOPQRSTUVWXY")
    unit = st.sampled_from("ABDEFGHJLNPQRSTUWXYZ")
    shapes = {
        "A9": [first, digits], "A99": [first, digits, digits],
        "AA9": [first, second, digits], "AA99": [first, second, digits, digits],
        "A9A": [first, digits, st.sampled_from("ABCDEFGHJKPSTUW")],
        "AA9A": [first, second, digits, st.sampled_from("ABEHMNPRVWXY")],
    }
    outward = "".join(draw(part) for part in shapes[draw(st.sampled_from(sorted(shapes)))])
    inward = draw(digits) + draw(unit) + draw(unit)
    code = outward + draw(st.sampled_from([" ", ""])) + inward
    return draw(st.sampled_from([code, code.lower(), code.upper()]))


emails = st.builds(
    lambda local, dom, tld: f"{local}@{dom}.{tld}",
    st.from_regex(r"[a-zâêîôûŵŷäëïöüáéíóú][a-z0-9._+-]{0,15}[a-z0-9]", fullmatch=True)
    .filter(lambda s: ".." not in s),
    st.from_regex(r"[a-z][a-z0-9-]{0,12}[a-z0-9](\.[a-z]{2,6}){0,2}", fullmatch=True),
    st.sampled_from(["uk", "com", "cymru", "org", "wales"]),
)

WORDS = ["I", "think", "the", "police", "should", "call", "101", "999", "111", "calls",
         "Caerdydd", "ŵyr", "dŷ", "AI", "it's", "45", "2019", "people", "M25", "A470",
         "CF10", "10:30", "£1,500", "30%", "rank", "1", "2", "3", "—", "“fine”", "ok,"]
filler = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(before=filler, phone=uk_phones(), after=filler)
def test_any_uk_phone_number_in_any_text_is_found(before: str, phone: str, after: str) -> None:
    text = f"{before} {phone} {after}"
    found = [f for f in find_personal_data(text) if f.kind == "phone"]
    start = len(before) + 1
    assert any(f.start == start and f.matched == phone for f in found), (text, found)


@settings(max_examples=300)
@given(before=filler, code=uk_postcodes(), after=filler)
def test_any_full_postcode_in_any_text_is_found(before: str, code: str, after: str) -> None:
    text = f"{before} {code}{draw_punct(after)}"
    found = find_personal_data(text)
    assert ("postcode", code) in [(f.kind, f.matched) for f in found], (text, found)


def draw_punct(after: str) -> str:
    return f". {after}" if after else ""


@settings(max_examples=300)
@given(before=filler, email=emails, after=filler)
def test_any_email_address_in_any_text_is_found(before: str, email: str, after: str) -> None:
    text = f"{before} {email}, {after}"
    assert ("email", email) in [(f.kind, f.matched) for f in find_personal_data(text)]


ordinary_numbers = st.one_of(
    st.sampled_from(["101", "999", "111", "999 and 101", "101 calls", "999 calls"]),
    st.integers(16, 99).map(lambda n: f"I'm {n}"),
    st.integers(1900, 2030).map(str),
    st.integers(190, 202).map(lambda n: f"{n}0s"),
    st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f"{t[0]:02d}:{t[1]:02d}"),
    st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f"{t[0]}.{t[1]:02d}pm"),
    st.integers(0, 10_000_000).map(lambda n: f"£{n:,}"),
    st.integers(0, 100_000).map(lambda n: f"£{n / 100:.2f}"),
    st.integers(0, 100).map(lambda n: f"{n}%"),
    st.permutations([1, 2, 3, 4, 5, 6]).map(lambda p: "ranked " + " ".join(map(str, p))),
    st.integers(0, 5000).map(lambda n: f"{n} people"),
    st.integers(1, 31).map(lambda d: f"{d:02d}/{d % 12 + 1:02d}/2024"),
)


@settings(max_examples=400)
@given(st.lists(st.one_of(ordinary_numbers, st.sampled_from(WORDS)), min_size=1,
                max_size=20))
def test_ordinary_numbers_are_never_flagged(parts: list[str]) -> None:
    text = " ".join(parts)
    assert find_personal_data(text) == [], text


# -- the gate over a store --------------------------------------------------------------


def _person(store: Store, code: str, *, consent: bool = True) -> str:
    record = store.create("participants", {"site": "cardiff", "code": code,
                                           "quote_consent": 1 if consent else 0})
    return str(record["id"])


def test_scan_reads_what_an_export_would_print(store: Store, default_pack) -> None:
    shown = notes.save_note(store, CARDIFF, "quote", "Ring me on 07700 900123, I'm 45")
    notes.save_note(store, CARDIFF, "note", "Nothing here about 101 calls")
    gone = notes.save_note(store, CARDIFF, "note", "deleted: a@b.com")
    notes.delete_note(store, str(gone["id"]))
    leaver = _person(store, "CDF-01")
    notes.save_note(store, CARDIFF, "quote", "I'm at CF10 3AT", participant_id=leaver)
    participants.withdraw(store, leaver)
    no_quotes = _person(store, "CDF-02", consent=False)
    notes.save_note(store, CARDIFF, "quote", "mail x@example.com", participant_id=no_quotes)
    advice = notes.save_note(store, CARDIFF, "note", "their advice: text 07700 900456",
                             participant_id=no_quotes)
    durham = notes.save_note(store, DURHAM, "advice", "Write to DH1 3LE")

    hits = privacy.scan(store, default_pack)
    assert [(h.note_id, h.kind, h.matched) for h in hits] == [
        (shown["id"], "phone", "07700 900123"),
        (advice["id"], "phone", "07700 900456"),
        (durham["id"], "postcode", "DH1 3LE"),
    ]
    first = hits[0]
    assert first.span == (11, 23) and first.text[slice(*first.span)] == "07700 900123"
    assert (first.site, first.site_name, first.workshop, first.table, first.note_kind,
            first.revision) == ("cardiff", "Cardiff", 2, "Table 3", "quote", 1)
    assert privacy.describe(first) == (
        f"note {str(shown['id'])[:8]}… (Cardiff, Workshop 2, Table 3): "
        "phone number “07700 900123”")
    by_name = privacy.scan(store, default_pack, site="Durham")
    assert [h.note_id for h in by_name] == [durham["id"]]
    assert privacy.scan(store, default_pack, site="caerdydd") == hits[:2]
    with pytest.raises(SessionPackError):
        privacy.scan(store, default_pack, site="Swansea")


def test_rehearsal_notes_are_scanned_too(tmp_path: Path, default_pack) -> None:
    with Store(tmp_path / "practice.db") as practice:
        practice.set_setting("is_rehearsal_db", "1")
        notes.save_note(practice, CARDIFF, "note", "07700 900123")
        assert practice.rows("notes")[0]["rehearsal"] == 1
        assert [h.matched for h in privacy.scan(practice, default_pack)] == ["07700 900123"]


def test_a_confirmed_hit_stays_confirmed_until_the_edit_makes_a_new_match(
        store: Store, default_pack) -> None:
    note = notes.save_note(store, CARDIFF, "quote",
                           "The non-emergency line is 0300 123 2040, try it")
    [hit] = privacy.scan(store, default_pack)
    record = privacy.confirm(store, hit)
    assert privacy.confirm(store, hit)["id"] == record["id"]  # idempotent
    assert store.count("privacy_confirmations") == 1
    assert record["site"] == "cardiff" and record["note_revision"] == 1
    assert privacy.scan(store, default_pack) == []
    # Reworded, the same number is still the confirmed match …
    notes.edit_note(store, str(note["id"]), {"text": "Line: 0300 123 2040 (non-emergency)"})
    assert privacy.scan(store, default_pack) == []
    # … but a different number is new and is reported.
    notes.edit_note(store, str(note["id"]),
                    {"text": "Line: 0300 123 2040, mine is 07700 900123"})
    assert [h.matched for h in privacy.scan(store, default_pack)] == ["07700 900123"]
    assert [h.revision for h in privacy.scan_note(store, default_pack, str(note["id"]))] == [3]


def test_name_badges_are_local_and_matched(store: Store, default_pack) -> None:
    assert privacy.name_badges(store) == []
    saved = privacy.set_name_badges(store, [" Siân ", "", "Dafydd", "sian", "Gwenllïan\n"])
    assert saved == ["Siân", "Dafydd", "Gwenllïan"] == privacy.name_badges(store)
    notes.save_note(store, CARDIFF, "quote", "Sian said the AI can't hear accents")
    assert [(h.kind, h.matched) for h in privacy.scan(store, default_pack)] == [
        ("name", "Sian")]
    privacy.set_name_badges(store, [])
    assert privacy.scan(store, default_pack) == []


def test_the_name_badge_list_never_leaves_the_laptop(store: Store, default_pack,
                                                      tmp_path: Path) -> None:
    badges = ["Gwenllïan", "Angharad", "Dafydd"]
    privacy.set_name_badges(store, badges)
    notes.save_note(store, CARDIFF, "quote", "I'd want a human on 101, not a machine")
    note = notes.save_note(store, CARDIFF, "note", "Office: 029 2018 0123")
    [hit] = privacy.scan(store, default_pack)
    privacy.confirm(store, hit)

    bundle = gzip.decompress(build_bundle(store)).decode("utf-8")
    site_bundle = gzip.decompress(build_bundle(store, sites=("cardiff",))).decode("utf-8")
    csv_path = tmp_path / "notes.csv"
    export_notes(store, default_pack, csv_path)
    csv_text = csv_path.read_text(encoding="utf-8-sig")
    for text in (bundle, site_bundle, csv_text):
        assert "I'd want a human on 101" in text  # the export is not empty
        for name in [*badges, privacy.NAME_BADGES_KEY]:
            assert name.casefold() not in text.casefold()
    # The confirmation travels in the site's bundle; the badge list does not.
    assert '"privacy_confirmations"' in site_bundle and str(note["id"]) in site_bundle

    # Merging the laptop's database file or its bundle elsewhere: confirmed there too.
    bundle_path = write_bundle(store, tmp_path / "cardiff.jsonl.gz")
    for source in (bundle_path, store.path):
        with Store(tmp_path / f"lead-{Path(source).suffix}.db") as lead:
            merge(lead, [source])
            assert lead.count("privacy_confirmations") == 1
            assert privacy.scan(lead, default_pack) == []
            assert privacy.name_badges(lead) == []
