"""``facilitator check``'s per-video decode test, on the pack's real placeholder clips."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from media_clips import VIDEOS

from facilitator import cli
from facilitator.media.probe import decode_in_subprocess, probe_video_playable


@pytest.fixture
def call_handling(default_pack):
    video = default_pack.video("call_handling")
    return default_pack, video, default_pack.video_path(video)


def test_good_clip_plays(call_handling) -> None:
    pack, video, file = call_handling
    assert file.is_file()
    assert probe_video_playable(pack, video, file) is None


def test_missing_file_is_named(call_handling, tmp_path: Path) -> None:
    pack, video, _file = call_handling
    reason = probe_video_playable(pack, video, tmp_path / "call_handling.mp4")
    assert reason and "call_handling.mp4" in reason and "missing" in reason


def test_truncated_file_is_named(call_handling, tmp_path: Path) -> None:
    pack, video, file = call_handling
    cut = tmp_path / "cut_off.mp4"
    cut.write_bytes(file.read_bytes()[:2048])
    reason = probe_video_playable(pack, video, cut)
    assert reason and "cut_off.mp4" in reason


def test_text_file_named_mp4_is_named(call_handling, tmp_path: Path) -> None:
    pack, video, _file = call_handling
    wrong = tmp_path / "notes.mp4"
    wrong.write_text("These are the facilitator's notes, not a video.\n")
    reason = probe_video_playable(pack, video, wrong)
    assert reason and "notes.mp4" in reason


def test_wrong_duration_is_named(call_handling) -> None:
    pack, video, file = call_handling
    longer = dataclasses.replace(video, duration=video.duration + 20)
    reason = probe_video_playable(pack, longer, file)
    assert reason and "call_handling.mp4" in reason and "manifest" in reason


@pytest.mark.parametrize("backend", ["vlc", "qt"])
def test_decoder_itself_rejects_what_it_cannot_decode(backend: str, tmp_path: Path) -> None:
    # Below the MP4 box check: the backend's own decode, on a good and a bad file.
    good = decode_in_subprocess(VIDEOS / "call_handling.mp4", backend)
    assert good["ok"] is True, good
    assert abs(float(good["duration"]) - 6.0) < 0.5  # type: ignore[arg-type]
    bad = tmp_path / "garbage.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8)
    assert decode_in_subprocess(bad, backend)["ok"] is False


def test_check_reports_bad_videos_by_name_and_still_finishes(
        pack_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A pack whose own videos/ folder holds a wrong file for one entry, and whose
    # manifest gives another the wrong duration (its checksum still matching).
    (pack_copy / "videos").mkdir(exist_ok=True)
    (pack_copy / "videos" / "csa_intro.mp4").write_text("not a video")
    toml = pack_copy / "pack.toml"
    text = toml.read_text()
    start = text.index('id = "call_handling"')
    end = text.index("duration = ", start)
    line_end = text.index("\n", end)
    toml.write_text(text[:end] + "duration = 30.00" + text[line_end:])
    shutil.copy(VIDEOS / "call_handling.mp4", pack_copy / "videos" / "call_handling.mp4")

    code = cli.main(["check", "--json", "--pack", str(pack_copy),
                     "--db", str(tmp_path / "check.db")])
    report = json.loads(capsys.readouterr().out)
    checks = {c["name"]: c for c in report["checks"]}
    assert code == 1 and report["ok"] is False
    assert not checks["video:csa_intro"]["ok"]
    assert "csa_intro.mp4" in checks["video:csa_intro"]["detail"]
    assert not checks["video:call_handling"]["ok"]
    assert "call_handling.mp4" in checks["video:call_handling"]["detail"]
    assert "30.0" in checks["video:call_handling"]["detail"]
    for name in ("video:predictive_policing", "video:summarising_data", "pack", "db"):
        assert checks[name]["ok"], checks[name]
    assert checks["video:predictive_policing"]["detail"].endswith("plays")
