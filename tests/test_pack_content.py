"""The shipped AI-in-policing pack says what the programme was (DESIGN §2) and its clips play."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess

import pytest

from facilitator.core.pack import ADVICE_GROUP, NOT_RECORDED, SessionPack
from facilitator.core.preflight import sha256_of
from facilitator.core.videos import mp4_duration

BASIC = ("summarising_basic", "call_101", "hotspots")
COMPLEX = ("summarising_sensitive", "call_999_transfer", "reoffending")
ADVICE_THEMES = [
    "Oversight and accountability", "Accuracy and bias", "Transparency in implementation",
    "Other: internal police operations", "Other: public-facing", "Other: broader",
]
MAX_CLIP_BYTES = 200 * 1024


def _steps(pack: SessionPack, number: int, kind: str | None = None):
    return [s for s in pack.workshop(number).steps if kind is None or s.kind == kind]


# -- programme shape -------------------------------------------------------------------


def test_four_workshops_online_and_in_person(default_pack: SessionPack) -> None:
    modes = {w.number: w.mode for w in default_pack.workshops}
    assert modes == {1: "online", 2: "in_person", 3: "online", 4: "in_person"}
    assert [s.id for s in default_pack.sites] == ["cardiff", "durham", "london"]
    for site in default_pack.sites:
        assert len(site.tables) >= 3
        assert len(set(site.tables)) == len(site.tables)


@pytest.mark.parametrize("number", [2, 4])
def test_in_person_days_are_five_hours(default_pack: SessionPack, number: int) -> None:
    workshop = default_pack.workshop(number)
    assert 280 <= workshop.planned_minutes <= 320, workshop.planned_minutes
    kinds = [s.kind for s in workshop.steps]
    assert kinds[0] == "welcome"
    assert kinds.count("break") >= 2, "a five-hour day needs breaks and lunch"
    assert any("lunch" in s.title.casefold() for s in workshop.steps)
    assert "plenary" in kinds, "sites share by video link"
    assert "close" in workshop.steps[-1].title.casefold()


def test_online_weeks_describe_their_activities(default_pack: SessionPack) -> None:
    for number in (1, 3):
        steps = _steps(default_pack, number)
        assert len(steps) >= 4
        assert all(s.title and s.minutes > 0 for s in steps)


def test_step_ids_unique_across_the_pack(default_pack: SessionPack) -> None:
    ids = [s.id for w in default_pack.workshops for s in w.steps]
    assert len(ids) == len(set(ids))
    for w in default_pack.workshops:
        assert all(s.id.startswith(f"w{w.number}-") for s in w.steps)


def test_w1_baseline_includes_the_chief_scientific_advisor(default_pack: SessionPack) -> None:
    videos = [default_pack.video(s.video) for s in _steps(default_pack, 1, "video")]
    assert any("Chief Scientific" in v.speaker for v in videos)
    text = " ".join(s.title for s in _steps(default_pack, 1)).casefold()
    assert "policing" in text and "artificial intelligence" in text


def test_w2_covers_each_basic_use_case(default_pack: SessionPack) -> None:
    steps = _steps(default_pack, 2)
    for case in BASIC:
        discussions = [s for s in steps if s.kind == "discussion" and s.use_case == case]
        assert len(discussions) == 1, case
        assert discussions[0].prompt.endswith("?"), "a discussion asks a question"
        # A video or presentation on the same use case comes before its discussion.
        before = steps[:steps.index(discussions[0])]
        assert any(s.use_case == case and s.kind in ("video", "presentation") for s in before)
    videos = {s.video for s in steps if s.kind == "video"}
    assert videos == {"summarising_data", "call_handling", "predictive_policing"}
    assert not any(s.use_case in COMPLEX for s in steps)


def test_video_steps_name_a_video_and_advance_by_themselves(
        default_pack: SessionPack) -> None:
    video_steps = [s for w in default_pack.workshops for s in w.steps if s.kind == "video"]
    assert video_steps
    for step in video_steps:
        assert step.video is not None
        assert step.auto_advance, step.id
        video = default_pack.video(step.video)
        assert step.minutes >= math.ceil(video.duration / 60)
        assert 5 <= step.minutes <= 15, "planned for the real expert video"
    used = {s.video for s in video_steps}
    assert used == {v.id for v in default_pack.videos}, "every manifest video is shown"


def test_w3_covers_complex_cases_and_ends_with_ranking(default_pack: SessionPack) -> None:
    steps = _steps(default_pack, 3)
    for case in COMPLEX:
        assert any(s.kind == "discussion" and s.use_case == case for s in steps), case
    assert steps[-1].kind == "ranking"
    assert "six" in steps[-1].title.casefold()
    assert [s.kind for s in steps].count("ranking") == 1


def test_w4_videos_advice_and_prioritising(default_pack: SessionPack) -> None:
    steps = _steps(default_pack, 4)
    kinds = [s.kind for s in steps]
    assert "advice" in kinds and "prioritise" in kinds
    assert kinds.index("advice") < kinds.index("plenary") < kinds.index("prioritise")
    videos = [default_pack.video(s.video) for s in steps if s.kind == "video"]
    assert [v.id for v in videos] == ["young_people_community", "accuracy_bias_accountability"]
    assert all(v.speaker == "Oversight group member" for v in videos)
    assert "community" in videos[0].title.casefold()
    assert "bias" in videos[1].title.casefold() and "accountability" in videos[1].title.casefold()
    # The oversight videos come before the advice is generated.
    assert kinds.index("video") < kinds.index("advice")


# -- use cases and codebook --------------------------------------------------------------


def test_six_use_cases_with_full_cards(default_pack: SessionPack) -> None:
    levels = {u.id: u.level for u in default_pack.use_cases}
    assert levels == {**dict.fromkeys(BASIC, "basic"), **dict.fromkeys(COMPLEX, "complex")}
    for case in default_pack.use_cases:
        assert 60 <= len(case.definition) <= 200, f"{case.id}: 2-3 projector lines"
        assert 3 <= len(case.benefits) <= 4, case.id
        assert 3 <= len(case.risks) <= 4, case.id
        assert all(len(item) <= 80 for item in case.benefits + case.risks), case.id
        assert case.example
    assert "POLE" in default_pack.use_case("summarising_basic").example
    assert "8 seconds" in default_pack.use_case("call_101").example
    assert "PredPol" in default_pack.use_case("hotspots").example
    assert "COMPAS" in default_pack.use_case("reoffending").example
    assert "999" in default_pack.use_case("call_999_transfer").definition


def test_every_use_case_has_codebook_themes(default_pack: SessionPack) -> None:
    for case in default_pack.use_case_ids:
        labels = [t.label for t in default_pack.themes_for(case)]
        assert 4 <= len(labels) <= 7, f"{case}: {labels}"
    call = {t.label for t in default_pack.themes_for("call_101")}
    assert {"Trust in familiarity", "Efficiency", "Languages and accents",
            "Lack of human nuance", "Officer wellbeing", "Non-emergency"} <= call
    hotspots = {t.label for t in default_pack.themes_for("hotspots")}
    assert {"Stigmatisation", "Impact on local area", "Type of crime",
            "Under-policing of non-hot-spots", "Crime prevention", "Bias and racism"} <= hotspots
    reoffending = {t.label for t in default_pack.themes_for("reoffending")}
    assert {"Limiting rehabilitation", "Bias and racism", "Transparency",
            "Accountability"} <= reoffending
    assert "Privacy" in {t.label for t in default_pack.themes_for("summarising_sensitive")}


def test_advice_themes(default_pack: SessionPack) -> None:
    assert [t.label for t in default_pack.themes_for(ADVICE_GROUP)] == ADVICE_THEMES


# -- quotas ------------------------------------------------------------------------------


def test_quotas_name_only_known_categories(default_pack: SessionPack) -> None:
    known = {v.id: set(v.categories) | {NOT_RECORDED} for v in default_pack.variables}
    known.update({d.id: {"yes", "no"} for d in default_pack.derived})
    assert set(default_pack.quotas) == {"cardiff", "durham", "london"}
    for per_site in default_pack.quotas.values():
        for var, per_var in per_site.items():
            assert set(per_var) <= known[var], var


def test_quotas_match_the_recruitment_spec(default_pack: SessionPack) -> None:
    q = default_pack.quotas
    for site in ("cardiff", "durham", "london"):
        assert q[site]["gender"] == {"man": 8, "woman": 8}
        assert q[site]["seg"] == {"AB": 4, "C1C2": 7, "DE": 4}
        assert q[site]["lgbtqia"] == {"yes": 2}
        assert q[site]["trust_police"] == {"low": 6, "high": 6}
        assert q[site]["ai_opinion"] == {"negative": 5, "neutral": 5, "positive": 5}
        assert q[site]["area"].get("suburban") == 4
    assert [q[s]["age_band"]["65+"] for s in ("cardiff", "durham", "london")] == [4, 3, 3]
    assert [q[s]["age_band"]["25-34"] for s in ("cardiff", "durham", "london")] == [3, 2, 3]
    assert [q[s]["ethnic_minority"]["yes"] for s in ("cardiff", "durham", "london")] == [5, 3, 10]
    assert q["cardiff"]["black_men"] == {"yes": 2}
    assert q["london"]["black_men"] == {"yes": 3}
    assert "black_men" not in q["durham"]
    assert q["durham"]["area"]["rural"] == 10 and q["london"]["area"]["urban"] == 15
    assert "rural" not in q["london"]["area"]
    assert default_pack.variable("age_band").aliases["55+"] == "55-64"


# -- the placeholder clips ------------------------------------------------------------------


def _ffprobe(path) -> dict:
    if shutil.which("ffprobe") is None:
        pytest.skip("ffprobe is not installed (apt install ffmpeg) so clips cannot be probed")
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries",
         "format=duration:stream=codec_type,codec_name,pix_fmt", "-of", "json", str(path)],
        capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, f"{path}: ffprobe failed: {result.stderr}"
    return json.loads(result.stdout)


def test_every_clip_exists_and_matches_the_manifest(default_pack: SessionPack) -> None:
    for video in default_pack.videos:
        file = default_pack.video_path(video)
        assert file.is_file(), file
        assert file.stat().st_size < MAX_CLIP_BYTES, f"{file}: {file.stat().st_size} bytes"
        assert sha256_of(file) == video.sha256, f"{file}: run 'facilitator videos rehash'"
        assert mp4_duration(file) == pytest.approx(video.duration, abs=0.01)


def test_every_clip_decodes_with_h264_video_and_aac_audio(default_pack: SessionPack) -> None:
    for video in default_pack.videos:
        file = default_pack.video_path(video)
        info = _ffprobe(file)
        assert abs(float(info["format"]["duration"]) - video.duration) < 1.0, file
        streams = {(s["codec_type"], s["codec_name"]) for s in info["streams"]}
        assert ("video", "h264") in streams, f"{file}: {streams}"
        assert ("audio", "aac") in streams, f"{file}: {streams}"
        assert all(s.get("pix_fmt", "yuv420p") == "yuv420p" for s in info["streams"])
        if shutil.which("ffmpeg"):
            decoded = subprocess.run(["ffmpeg", "-v", "error", "-i", str(file), "-f", "null", "-"],
                                     capture_output=True, text=True, timeout=30, check=False)
            assert decoded.returncode == 0 and not decoded.stderr.strip(), decoded.stderr


def test_a_sidecar_subtitle_file_ships(default_pack: SessionPack) -> None:
    sidecars = [default_pack.video_path(v).with_suffix(".srt") for v in default_pack.videos]
    present = [s for s in sidecars if s.is_file()]
    assert present, "at least one clip has subtitles, so the subtitle path is exercised"
    for srt in present:
        text = srt.read_text(encoding="utf-8")
        cues = re.findall(r"^\d+\n(\d\d:\d\d:\d\d,\d{3}) --> (\d\d:\d\d:\d\d,\d{3})\n.+",
                          text, re.MULTILINE)
        assert len(cues) >= 2, srt
