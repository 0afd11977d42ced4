"""Sidecar .srt subtitles: finding them beside a video, and reading them for backends
that cannot load a subtitle file themselves (QtMultimedia)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

_TIME = re.compile(
    r"(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})\s*-->\s*(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|\{\\[^}]*\}")


def sidecar_subtitles(video: Path) -> Path | None:
    """``talk.srt`` beside ``talk.mp4``, else the first ``talk.<lang>.srt``."""
    exact = video.with_suffix(".srt")
    if exact.is_file():
        return exact
    if video.parent.is_dir():
        for candidate in sorted(video.parent.glob(f"{glob_escape(video.stem)}.*.srt")):
            if candidate.is_file():
                return candidate
    return None


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def parse_srt(text: str) -> list[Cue]:
    """Cues in start order; malformed blocks are skipped rather than failing the video."""
    cues: list[Cue] = []
    for block in re.split(r"\r?\n\s*\r?\n", text.lstrip("\ufeff")):
        lines = [line.rstrip() for line in block.strip().splitlines()]
        for i, line in enumerate(lines):
            match = _TIME.search(line)
            if match:
                g = match.groups()
                body = "\n".join(_TAG.sub("", t) for t in lines[i + 1:]).strip()
                if body:
                    cues.append(Cue(_seconds(*g[:4]), _seconds(*g[4:]), body))
                break
    cues.sort(key=lambda c: c.start)
    return cues


def read_srt(path: Path) -> list[Cue]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return parse_srt(text)


class SubtitleTrack:
    """Which cue's text shows at a given second."""

    def __init__(self, cues: list[Cue]) -> None:
        self.cues = cues
        self._starts = [c.start for c in cues]

    def text_at(self, seconds: float) -> str:
        i = bisect.bisect_right(self._starts, seconds)
        # Cues may overlap a little; look back over the few that started before now.
        for cue in reversed(self.cues[max(0, i - 5):i]):
            if cue.start <= seconds < cue.end:
                return cue.text
        return ""
