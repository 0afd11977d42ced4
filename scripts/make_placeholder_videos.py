#!/usr/bin/env python3
"""Make the small placeholder clips that stand in for the programme team's expert videos.

For every ``[[videos]]`` entry of the session pack this writes a ~6 second 640x360
H.264 + AAC mp4 into ``assets/videos/`` showing a title card ("PLACEHOLDER", the
video's title, speaker and role), with a quiet tone, then refreshes the manifest's
sha256 and duration (``facilitator.core.videos.rehash_manifest``). It also writes a
sidecar ``call_handling.srt`` so the subtitle path is exercised out of the box.

Usage: .venv/bin/python scripts/make_placeholder_videos.py [--pack DIR] [--out DIR]
Needs ffmpeg (only here; the app itself never calls it).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from facilitator.core import paths  # noqa: E402
from facilitator.core.errors import FacilitatorError  # noqa: E402
from facilitator.core.pack import Video, load_pack  # noqa: E402
from facilitator.core.videos import rehash_manifest  # noqa: E402

WIDTH, HEIGHT = 640, 360
SECONDS = 6
BACKGROUND = "0x1d2b45"  # dark navy: white text on it is far above 4.5:1
ACCENT = "0xE69F00"  # Okabe–Ito orange for the PLACEHOLDER banner
SUBTITLED = {"call_handling"}


def escape_filter_value(value: str) -> str:
    """Escape text for an ffmpeg filter option, then for the filtergraph around it."""
    # Level 1: the option value (drawtext parses \ ' : itself).
    for char in ("\\", "'", ":"):
        value = value.replace(char, "\\" + char)
    # Level 2: the filtergraph separators.
    for char in ("\\", "'", "[", "]", ",", ";"):
        value = value.replace(char, "\\" + char)
    return value


def _drawtext(font: Path, text: str, size: int, y: int, colour: str = "white") -> str:
    return (f"drawtext=fontfile={escape_filter_value(str(font))}"
            f":expansion=none:text={escape_filter_value(text)}"
            f":fontsize={size}:fontcolor={colour}:x=(w-text_w)/2:y={y}")


def card_filter(video: Video, font: Path) -> str:
    """The drawtext chain for one title card, lines wrapped to fit 640 pixels."""
    lines: list[tuple[str, int, str]] = [("PLACEHOLDER", 40, ACCENT)]
    lines += [(line, 24, "white") for line in textwrap.wrap(video.title, 40)]
    who = video.speaker or "Expert speaker"
    lines += [(line, 18, "white") for line in textwrap.wrap(who, 56)]
    if video.role:
        lines += [(line, 16, "0xD0D0D0") for line in textwrap.wrap(video.role, 62)]
    lines.append(("Replace with the programme team's file", 16, ACCENT))
    heights = [int(size * 1.45) for _, size, _ in lines]
    y = max(12, (HEIGHT - sum(heights)) // 2)
    parts = []
    for (text, size, colour), height in zip(lines, heights, strict=True):
        parts.append(_drawtext(font, text, size, y, colour))
        y += height
    return ",".join(parts)


def make_clip(video: Video, target: Path, font: Path, seconds: float = SECONDS,
              ffmpeg: str = "ffmpeg") -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [
        ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"color=c={BACKGROUND}:s={WIDTH}x{HEIGHT}:r=25:d={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:duration={seconds}",
        "-vf", card_filter(video, font),
        "-af", "volume=0.15",
        "-c:v", "libx264", "-profile:v", "main", "-pix_fmt", "yuv420p",
        "-tune", "stillimage", "-crf", "30", "-g", "50",
        "-c:a", "aac", "-b:a", "48k", "-ac", "1",
        "-t", str(seconds), "-shortest",
        "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
        "-flags:a", "+bitexact",
        "-movflags", "+faststart",
        str(target),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"ffmpeg failed for {target}:\n{result.stderr}")


def write_srt(video: Video, target: Path, seconds: float = SECONDS) -> None:
    half = seconds / 2

    def stamp(t: float) -> str:
        ms = round(t * 1000)
        hours, minutes, secs = ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60
        return f"{hours:02d}:{minutes:02d}:{secs:02d},{ms % 1000:03d}"

    target.write_text(
        f"1\n{stamp(0.5)} --> {stamp(half)}\n"
        f"Placeholder subtitles for \"{video.title}\".\n\n"
        f"2\n{stamp(half + 0.2)} --> {stamp(seconds - 0.3)}\n"
        f"The programme team's video and subtitles replace this clip.\n",
        encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", type=Path, default=paths.default_pack_dir())
    parser.add_argument("--out", type=Path, default=paths.videos_dir(),
                        help="where to write the clips (default: assets/videos)")
    parser.add_argument("--seconds", type=float, default=SECONDS)
    args = parser.parse_args(argv)

    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        print("make_placeholder_videos: ffmpeg is not installed", file=sys.stderr)
        return 1
    font = paths.fonts_dir() / "DejaVuSans.ttf"
    try:
        pack = load_pack(args.pack)
        for video in pack.videos:
            target = args.out / video.file
            make_clip(video, target, font, args.seconds, ffmpeg)
            print(f"{target}: {target.stat().st_size // 1024} KB")
            if video.id in SUBTITLED:
                srt = target.with_suffix(".srt")
                write_srt(video, srt, args.seconds)
                print(f"{srt}: subtitles")
            if pack.video_path(video) != target:
                print(f"warning: {pack.video_path(video)} shadows {target}", file=sys.stderr)
        for change in rehash_manifest(pack.path):
            print(change)
    except FacilitatorError as exc:
        print(f"make_placeholder_videos: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
