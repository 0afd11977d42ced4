"""Whether a video can be decoded here. (Replaced by the media issue's real probe.)"""

from __future__ import annotations

from pathlib import Path

from facilitator.core.pack import SessionPack, Video


def probe_video_playable(pack: SessionPack, video: Video, file: Path) -> str | None:
    return None
