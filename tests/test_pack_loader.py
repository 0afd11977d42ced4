"""Session-pack loading: the default pack, and malformed packs with clear messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from facilitator.core.errors import SessionPackError
from facilitator.core.pack import STEP_KINDS, load_pack


def test_default_pack_loads(default_pack):
    assert default_pack.id == "ai-in-policing"
    assert [s.name for s in default_pack.sites] == ["Cardiff", "Durham", "London"]
    assert [w.number for w in default_pack.workshops] == [1, 2, 3, 4]
    assert default_pack.use_case_ids == (
        "summarising_basic", "summarising_sensitive", "call_101", "call_999_transfer",
        "hotspots", "reoffending")
    assert default_pack.site("LONDON").id == "london"
    assert default_pack.site("cardiff").name == "Cardiff"
    for step in (s for w in default_pack.workshops for s in w.steps):
        assert step.kind in STEP_KINDS


def edit(pack_dir: Path, old: str, new: str, count: int = 1) -> None:
    file = pack_dir / "pack.toml"
    text = file.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in pack"
    file.write_text(text.replace(old, new, count), encoding="utf-8")


def load_error(pack_dir: Path) -> SessionPackError:
    with pytest.raises(SessionPackError) as info:
        load_pack(pack_dir)
    return info.value


def first_step_kind(pack_dir: Path) -> str:
    return re.search(r'kind = "(\w+)"', (pack_dir / "pack.toml").read_text()).group(1)


def test_toml_syntax_error_names_file_and_line(pack_copy):
    file = pack_copy / "pack.toml"
    lines = file.read_text().splitlines()
    lines.insert(4, "this line is = = not toml")
    file.write_text("\n".join(lines))
    error = load_error(pack_copy)
    assert error.file == str(file) and error.line == 5
    assert f"{file}:5" in str(error) and "TOML" in str(error)


def test_unknown_step_kind(pack_copy):
    kind = first_step_kind(pack_copy)
    edit(pack_copy, f'kind = "{kind}"', 'kind = "karaoke"')
    error = load_error(pack_copy)
    assert re.fullmatch(r"workshops\[0\]\.steps\[\d+\]\.kind", error.field)
    assert "karaoke" in error.message and "discussion" in error.message


def test_step_pointing_at_a_missing_use_case(pack_copy):
    edit(pack_copy, 'use_case = "call_101"', 'use_case = "call_102"')
    error = load_error(pack_copy)
    assert error.field.endswith(".use_case") and "call_102" in error.message


def test_step_pointing_at_a_missing_video(pack_copy):
    text = (pack_copy / "pack.toml").read_text()
    video = re.search(r'^\s*video = "([\w-]+)"', text, re.M)
    if video is None:  # a pack without video steps: add one
        edit(pack_copy, 'kind = "discussion"', 'kind = "discussion"\n  video = "nope"')
    else:
        edit(pack_copy, f'video = "{video.group(1)}"', 'video = "nope"')
    error = load_error(pack_copy)
    assert error.field.endswith(".video") and "nope" in error.message


def test_duplicate_use_case_ids(pack_copy):
    edit(pack_copy, 'id = "reoffending"', 'id = "hotspots"')
    error = load_error(pack_copy)
    assert error.field == "use_cases[5].id" and "duplicate" in error.message
    assert "use_cases[4].id" in error.message


def test_duplicate_step_ids(pack_copy):
    ids = re.findall(r'id = "(w\d-[\w-]+)"', (pack_copy / "pack.toml").read_text())
    edit(pack_copy, f'id = "{ids[1]}"', f'id = "{ids[0]}"')
    error = load_error(pack_copy)
    assert "duplicate step id" in error.message


def test_negative_minutes(pack_copy):
    minutes = re.search(r"minutes = (\d+)", (pack_copy / "pack.toml").read_text()).group(0)
    edit(pack_copy, minutes, "minutes = -5")
    error = load_error(pack_copy)
    assert error.field.endswith(".minutes") and "negative" in error.message


def test_quota_for_an_unknown_category(pack_copy):
    edit(pack_copy, "rural = 6,", "countryside = 6,")
    error = load_error(pack_copy)
    assert error.field == "quotas.cardiff.area.countryside"
    assert "unknown category" in error.message


def test_quota_for_an_unknown_site(pack_copy):
    edit(pack_copy, "[quotas.durham]", "[quotas.durhm]")
    error = load_error(pack_copy)
    assert error.field == "quotas.durhm" and "unknown site" in error.message


def test_unknown_key_is_a_typo(pack_copy):
    edit(pack_copy, "[[use_cases]]\nid =", "[[use_cases]]\ndefinitoin = 'x'\nid =")
    error = load_error(pack_copy)
    assert error.field == "use_cases[0].definitoin" and "unknown key" in error.message


def test_alias_to_an_unknown_category(pack_copy):
    edit(pack_copy, 'male = "man"', 'male = "men"')
    error = load_error(pack_copy)
    assert error.field == "variables.gender.aliases.male"


def test_derived_variable_on_an_unknown_variable(pack_copy):
    edit(pack_copy, "when = { ethnicity = { not_in",
         "when = { ethnicty = { not_in")
    error = load_error(pack_copy)
    assert error.field == "derived[0].when.ethnicty"


def test_missing_required_field(pack_copy):
    edit(pack_copy, 'title = "AI in policing: a national public dialogue"\n', "")
    error = load_error(pack_copy)
    assert error.field == "programme.title" and "missing" in error.message


def test_wrong_type(pack_copy):
    minutes = re.search(r"minutes = (\d+)", (pack_copy / "pack.toml").read_text()).group(0)
    edit(pack_copy, minutes, 'minutes = "twenty"')
    error = load_error(pack_copy)
    assert error.field.endswith(".minutes") and "number" in error.message


def test_missing_pack_file(tmp_path):
    error = load_error(tmp_path / "nowhere")
    assert "pack.toml" in str(error)


def test_video_step_must_name_a_video(pack_copy):
    kind = first_step_kind(pack_copy)
    edit(pack_copy, f'kind = "{kind}"', 'kind = "video"')
    text = (pack_copy / "pack.toml").read_text()
    first_step = text.index('kind = "video"')
    block = text[first_step: text.index("[[", first_step)]
    if "video =" in block:
        pytest.skip("first step already names a video")
    error = load_error(pack_copy)
    assert error.field.endswith(".video")


def test_not_utf8(pack_copy):
    (pack_copy / "pack.toml").write_bytes(b"[programme]\nid = \"x\xff\"\n")
    error = load_error(pack_copy)
    assert "UTF-8" in error.message
