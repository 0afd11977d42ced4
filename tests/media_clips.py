"""Clips and helpers shared by the media tests: the pack's committed placeholder videos."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VIDEOS = REPO / "assets" / "videos"
# call_handling has a sidecar .srt beside it; summarising_data has none.
WITH_SUBTITLES = VIDEOS / "call_handling.mp4"
WITHOUT_SUBTITLES = VIDEOS / "summarising_data.mp4"
CLIP_SECONDS = 6.0
QT_MULTIMEDIA_NOISE = (
    # QtMultimedia's ffmpeg backend on a machine with no sound server or GPU.
    "pipewire", "PulseAudio", "pa_context", "No audio device", "No RHI backend",
    "HW decoder", "QRhi", "audio", "VAAPI", "vaapi", "libva", "Vulkan", "Could not open media",
)


def is_playing(state: str) -> bool:
    return state == "playing"


def is_paused(state: str) -> bool:
    return state == "paused"
