"""Reading an MP4's duration without ffmpeg, and refreshing the manifest after a swap."""

from __future__ import annotations

import difflib
import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from facilitator.core.errors import SessionPackError
from facilitator.core.pack import PACK_FILE, load_pack
from facilitator.core.preflight import sha256_of
from facilitator.core.videos import mp4_duration, rehash_manifest

REPO = Path(__file__).resolve().parent.parent
SHIPPED_CLIP = REPO / "assets" / "videos" / "call_handling.mp4"


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (apt install ffmpeg)")
    return path


def _make_clip(target: Path, seconds: float, faststart: bool = True) -> Path:
    """A tiny H.264 + AAC clip of a given length, unlike the shipped placeholders."""
    command = [
        _need("ffmpeg"), "-v", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc=s=160x90:r=25:d={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-t", str(seconds),
    ]
    if faststart:
        command += ["-movflags", "+faststart"]
    subprocess.run([*command, str(target)], check=True, capture_output=True, timeout=30)
    return target


def _ffprobe_duration(path: Path) -> float:
    out = subprocess.run(
        [_need("ffprobe"), "-v", "error", "-show_entries", "format=duration", "-of", "json",
         str(path)], check=True, capture_output=True, text=True, timeout=30).stdout
    return float(json.loads(out)["format"]["duration"])


def _box(kind: bytes, payload: bytes, large: bool = False) -> bytes:
    if large:
        return struct.pack(">I4sQ", 1, kind, 16 + len(payload)) + payload
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _mvhd_v1(timescale: int, duration: int) -> bytes:
    # version 1: 64-bit creation/modification times and duration
    body = struct.pack(">B3xQQIQ", 1, 0, 0, timescale, duration) + bytes(80)
    return _box(b"mvhd", body)


# -- mp4_duration ---------------------------------------------------------------------


@pytest.mark.parametrize("faststart", [True, False], ids=["moov-first", "moov-last"])
def test_duration_matches_ffprobe(tmp_path: Path, faststart: bool) -> None:
    clip = _make_clip(tmp_path / "clip.mp4", 2.5, faststart=faststart)
    assert mp4_duration(clip) == pytest.approx(_ffprobe_duration(clip), abs=0.05)
    assert mp4_duration(clip) == pytest.approx(2.5, abs=0.1)


def test_duration_of_a_shipped_clip_matches_ffprobe() -> None:
    assert mp4_duration(SHIPPED_CLIP) == pytest.approx(_ffprobe_duration(SHIPPED_CLIP), abs=0.05)


def test_version_1_movie_header_and_64_bit_box_sizes(tmp_path: Path) -> None:
    file = tmp_path / "v1.mp4"
    moov = _box(b"moov", _mvhd_v1(timescale=1000, duration=(1 << 32) + 500), large=True)
    file.write_bytes(_box(b"ftyp", b"isom\x00\x00\x02\x00isom") + _box(b"free", b"") + moov)
    assert mp4_duration(file) == pytest.approx(((1 << 32) + 500) / 1000)


@pytest.mark.parametrize("keep", [0.5, 0.02], ids=["half", "header-only"])
def test_truncated_clip_is_refused_naming_the_file(tmp_path: Path, keep: float) -> None:
    data = SHIPPED_CLIP.read_bytes()
    broken = tmp_path / "cut.mp4"
    broken.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(SessionPackError) as info:
        mp4_duration(broken)
    assert str(broken) in str(info.value)
    assert "truncated" in str(info.value) or "moov" in str(info.value)


def test_non_mp4_is_refused_naming_the_file(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("this is a text file renamed to look like a video\n" * 20)
    with pytest.raises(SessionPackError) as info:
        mp4_duration(text)
    assert str(text) in str(info.value)
    assert "not an MP4" in str(info.value)


# -- rehash_manifest ------------------------------------------------------------------


def test_rehash_updates_only_sha_and_duration(pack_copy: Path, tmp_path: Path) -> None:
    before = (pack_copy / PACK_FILE).read_text(encoding="utf-8")
    assert rehash_manifest(pack_copy) == [], "the shipped manifest is current"
    assert (pack_copy / PACK_FILE).read_text(encoding="utf-8") == before

    (pack_copy / "videos").mkdir()
    replacement = _make_clip(pack_copy / "videos" / "call_handling.mp4", 3.5)
    changes = rehash_manifest(pack_copy)

    assert len(changes) == 1
    assert changes[0].startswith("call_handling: sha256 ")
    assert "→" in changes[0] and "duration 6.00 → 3.5" in changes[0]
    pack = load_pack(pack_copy)
    video = pack.video("call_handling")
    assert video.sha256 == sha256_of(replacement)
    assert video.duration == pytest.approx(mp4_duration(replacement), abs=0.006)
    assert video.duration == round(video.duration, 2)
    assert pack.video("csa_intro").sha256 == load_pack(REPO / "sessions" / "ai-in-policing") \
        .video("csa_intro").sha256

    after = (pack_copy / PACK_FILE).read_text(encoding="utf-8")
    diff = [line for line in difflib.ndiff(before.splitlines(), after.splitlines())
            if line[:2] in ("- ", "+ ")]
    assert len(diff) == 4, diff  # one sha256 line and one duration line, out and in
    assert all(line[2:].startswith(("sha256 = ", "duration = ")) for line in diff)
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and comments == [
        line for line in after.splitlines() if line.lstrip().startswith("#")]

    assert rehash_manifest(pack_copy) == [], "a second run finds nothing to change"


def test_rehash_keeps_crlf_line_endings(pack_copy: Path, tmp_path: Path) -> None:
    file = pack_copy / PACK_FILE
    file.write_bytes(file.read_bytes().replace(b"\n", b"\r\n"))
    (pack_copy / "videos").mkdir()
    _make_clip(pack_copy / "videos" / "predictive_policing.mp4", 2.0)
    assert [c.split(":")[0] for c in rehash_manifest(pack_copy)] == ["predictive_policing"]
    raw = file.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")
    assert load_pack(pack_copy).video("predictive_policing").duration == pytest.approx(2.0, abs=0.1)


def test_rehash_refuses_a_truncated_video(pack_copy: Path) -> None:
    (pack_copy / "videos").mkdir()
    data = SHIPPED_CLIP.read_bytes()
    broken = pack_copy / "videos" / "call_handling.mp4"
    broken.write_bytes(data[: len(data) // 3])
    before = (pack_copy / PACK_FILE).read_bytes()
    with pytest.raises(SessionPackError) as info:
        rehash_manifest(pack_copy)
    assert str(broken) in str(info.value)
    assert (pack_copy / PACK_FILE).read_bytes() == before, "nothing written on failure"


def test_rehash_refuses_a_missing_video(pack_copy: Path) -> None:
    file = pack_copy / PACK_FILE
    text = file.read_text(encoding="utf-8")
    assert 'file = "summarising_data.mp4"' in text
    file.write_text(text.replace('file = "summarising_data.mp4"',
                                 'file = "summarising_data_final.mp4"'), encoding="utf-8")
    before = file.read_bytes()
    with pytest.raises(SessionPackError) as info:
        rehash_manifest(pack_copy)
    assert "summarising_data_final.mp4" in str(info.value)
    assert file.read_bytes() == before


# -- the command line -----------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "facilitator", *args], capture_output=True,
                          text=True, timeout=60, cwd=REPO, env=os.environ.copy(), check=False)


def _video_checks(pack: Path, db: Path) -> dict[str, bool]:
    result = _cli("--pack", str(pack), "--db", str(db), "check", "--json", "--no-play")
    checks = json.loads(result.stdout)["checks"]
    return {c["name"]: c["ok"] for c in checks if c["name"].startswith("video:")}


def test_cli_rehash_then_check_passes(pack_copy: Path, tmp_path: Path) -> None:
    (pack_copy / "videos").mkdir()
    _make_clip(pack_copy / "videos" / "young_people_community.mp4", 2.0)
    db = tmp_path / "check.db"
    stale = _video_checks(pack_copy, db)
    assert stale["video:young_people_community"] is False, "the swap is noticed"

    result = _cli("--pack", str(pack_copy), "videos", "rehash")
    assert result.returncode == 0, result.stderr
    assert "young_people_community: sha256" in result.stdout
    assert "1 manifest entries updated" in result.stdout

    checks = _video_checks(pack_copy, db)
    assert len(checks) == 6 and all(checks.values()), checks


def test_cli_rehash_reports_a_missing_video(pack_copy: Path) -> None:
    file = pack_copy / PACK_FILE
    file.write_text(file.read_text(encoding="utf-8").replace(
        'file = "csa_intro.mp4"', 'file = "csa_intro_v2.mp4"'), encoding="utf-8")
    result = _cli("--pack", str(pack_copy), "videos", "rehash")
    assert result.returncode == 1
    assert "csa_intro_v2.mp4" in result.stderr
