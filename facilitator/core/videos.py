"""The video manifest: read an MP4's duration and refresh checksums after a file is replaced.

Pure Python and Qt-free: the duration comes from the ISO-BMFF ``moov/mvhd`` box, so
neither VLC nor ffmpeg is needed on the venue laptop. ``rehash_manifest`` rewrites
only the ``sha256`` and ``duration`` values inside each ``[[videos]]`` block of
``pack.toml``, keeping every comment and the layout as the programme team wrote them.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from facilitator.core import files
from facilitator.core.errors import SessionPackError
from facilitator.core.pack import PACK_FILE, load_pack
from facilitator.core.preflight import sha256_of

# Containers that hold the boxes we need on the way to mvhd / mehd.
_MOOV = b"moov"
_MVHD = b"mvhd"
_MVEX = b"mvex"
_MEHD = b"mehd"
_HEADER = struct.Struct(">I4s")
_UNKNOWN_32 = 0xFFFFFFFF
_UNKNOWN_64 = 0xFFFFFFFFFFFFFFFF
# Boxes an MP4 / QuickTime file can start with; anything else is some other kind of file.
_FIRST_BOXES = {b"ftyp", b"styp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pdin",
                b"uuid", b"junk", b"pnot", b"sidx", b"moof"}


@dataclass(frozen=True)
class _Box:
    kind: bytes
    start: int  # offset of the box payload
    end: int  # offset just past the box


def _boxes(handle: BinaryIO, start: int, end: int, file: Path) -> list[_Box]:
    """The boxes laid end to end between two offsets, checked against the file's size."""
    boxes: list[_Box] = []
    offset = start
    while offset < end:
        if end - offset < _HEADER.size:
            raise SessionPackError(f"truncated MP4: a box header at byte {offset} is cut off",
                                   file=file)
        handle.seek(offset)
        size, kind = _HEADER.unpack(handle.read(_HEADER.size))
        header = _HEADER.size
        if not all(32 <= b < 127 for b in kind):
            raise SessionPackError(f"not an MP4 file (unreadable box at byte {offset})",
                                   file=file)
        if size == 1:
            large = handle.read(8)
            if len(large) < 8:
                raise SessionPackError(f"truncated MP4: the '{kind.decode()}' box header is "
                                       "cut off", file=file)
            size = struct.unpack(">Q", large)[0]
            header += 8
        elif size == 0:  # the box runs to the end of its container
            size = end - offset
        if size < header:
            raise SessionPackError(f"not an MP4 file (box '{kind.decode()}' at byte {offset} "
                                   f"has an impossible size {size})", file=file)
        if offset + size > end:
            raise SessionPackError(f"truncated MP4: the '{kind.decode()}' box needs "
                                   f"{offset + size} bytes but only {end} are there",
                                   file=file)
        boxes.append(_Box(kind, offset + header, offset + size))
        offset += size
    return boxes


def _find(boxes: list[_Box], kind: bytes) -> _Box | None:
    return next((box for box in boxes if box.kind == kind), None)


def _read_payload(handle: BinaryIO, box: _Box, limit: int = 128) -> bytes:
    handle.seek(box.start)
    return handle.read(min(limit, box.end - box.start))


def _mvhd_duration(payload: bytes, file: Path) -> tuple[int, int]:
    """(timescale, duration) from an mvhd payload; duration 0 means 'not recorded'."""
    if len(payload) < 4:
        raise SessionPackError("not an MP4 file (the 'mvhd' box is empty)", file=file)
    version = payload[0]
    if version == 0:
        if len(payload) < 20:
            raise SessionPackError("truncated MP4: the 'mvhd' box is cut off", file=file)
        timescale, duration = struct.unpack(">II", payload[12:20])
        unknown = duration == _UNKNOWN_32
    elif version == 1:
        if len(payload) < 32:
            raise SessionPackError("truncated MP4: the 'mvhd' box is cut off", file=file)
        timescale, duration = struct.unpack(">IQ", payload[20:32])
        unknown = duration == _UNKNOWN_64
    else:
        raise SessionPackError(f"unsupported MP4 'mvhd' version {version}", file=file)
    return timescale, 0 if unknown else duration


def _mehd_duration(payload: bytes) -> int:
    """A fragmented MP4's overall duration (in the mvhd timescale), 0 if absent."""
    if len(payload) < 8:
        return 0
    if payload[0] == 1:
        return struct.unpack(">Q", payload[4:12])[0] if len(payload) >= 12 else 0
    return int(struct.unpack(">I", payload[4:8])[0])


def mp4_duration(path: str | Path) -> float:
    """The playing time in seconds recorded in an MP4's movie header."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size < _HEADER.size:
                raise SessionPackError(f"not an MP4 file ({size} bytes)", file=file)
            first = handle.read(_HEADER.size)[4:]
            if first not in _FIRST_BOXES:
                raise SessionPackError(f"not an MP4 file (starts with {first!r}, not an MP4 box)",
                                       file=file)
            top = _boxes(handle, 0, size, file)
            moov = _find(top, _MOOV)
            if moov is None:
                raise SessionPackError("not an MP4 file, or truncated: no 'moov' box",
                                       file=file)
            inside = _boxes(handle, moov.start, moov.end, file)
            mvhd = _find(inside, _MVHD)
            if mvhd is None:
                raise SessionPackError("not an MP4 file: the 'moov' box has no 'mvhd'",
                                       file=file)
            timescale, duration = _mvhd_duration(_read_payload(handle, mvhd), file)
            if duration == 0:
                mvex = _find(inside, _MVEX)
                if mvex is not None:
                    mehd = _find(_boxes(handle, mvex.start, mvex.end, file), _MEHD)
                    if mehd is not None:
                        duration = _mehd_duration(_read_payload(handle, mehd))
    except FileNotFoundError as exc:
        raise SessionPackError("video file not found", file=file) from exc
    except OSError as exc:
        raise SessionPackError(f"cannot read: {exc.strerror}", file=file) from exc
    if timescale == 0:
        raise SessionPackError("not a valid MP4: the movie header's timescale is 0", file=file)
    if duration == 0:
        raise SessionPackError("the MP4 does not record its duration", file=file)
    return duration / timescale


# -- rewriting the manifest ----------------------------------------------------------------

_TABLE_HEADER = re.compile(r"^[ \t]*\[\[?[^\]\r\n]*\]\]?[ \t]*(?:#[^\r\n]*)?\r?$",
                           re.MULTILINE)
_VIDEOS_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*videos[ \t]*\]\][ \t]*(?:#[^\r\n]*)?\r?$")
_ID_LINE = re.compile(r"""^[ \t]*id[ \t]*=[ \t]*(?:"([^"\n]*)"|'([^'\n]*)')""", re.MULTILINE)
_SHA_VALUE = re.compile(r"""^([ \t]*sha256[ \t]*=[ \t]*)(?:"[^"\n]*"|'[^'\n]*')""",
                        re.MULTILINE)
_DURATION_VALUE = re.compile(r"^([ \t]*duration[ \t]*=[ \t]*)[-+0-9_.eE]+", re.MULTILINE)


def _short(sha: str) -> str:
    return sha[:6] + "…"


def _video_blocks(text: str) -> dict[str, tuple[int, int]]:
    """Each ``[[videos]]`` block's id and its (start, end) span in the text."""
    headers = list(_TABLE_HEADER.finditer(text))
    blocks: dict[str, tuple[int, int]] = {}
    for i, header in enumerate(headers):
        if not _VIDEOS_HEADER.match(header.group(0)):
            continue
        end = headers[i + 1].start() if i + 1 < len(headers) else len(text)
        match = _ID_LINE.search(text, header.end(), end)
        if match:
            blocks[match.group(1) if match.group(1) is not None else match.group(2)] = (
                header.end(), end)
    return blocks


def _replace_once(pattern: re.Pattern[str], block: str, value: str) -> str | None:
    new, count = pattern.subn(lambda m: m.group(1) + value, block, count=1)
    return new if count == 1 else None


def _expected(before: dict[str, Any], updates: dict[str, tuple[str, float]]) -> dict[str, Any]:
    """The parsed pack as it should read after the rewrite: only two values per video."""
    after = dict(before)
    after["videos"] = [
        {**entry, "sha256": updates[entry["id"]][0], "duration": updates[entry["id"]][1]}
        if entry.get("id") in updates else entry
        for entry in before.get("videos", [])
    ]
    return after


def rehash_manifest(pack_dir: str | Path) -> list[str]:
    """Recompute each video's sha256 and duration and write any changes into pack.toml.

    Returns one line per changed entry; an empty list means the manifest was current.
    """
    pack = load_pack(pack_dir)
    file = pack.file
    updates: dict[str, tuple[str, float]] = {}
    changes: list[str] = []
    for index, video in enumerate(pack.videos):
        video_file = pack.video_path(video)
        if not video_file.is_file():
            raise SessionPackError(f"video file for {video.id!r} not found", file=video_file,
                                   field=f"videos[{index}].file")
        sha = sha256_of(video_file)
        duration = round(mp4_duration(video_file), 2)
        parts = []
        if sha != video.sha256:
            parts.append(f"sha256 {_short(video.sha256)} → {_short(sha)}")
        if abs(duration - video.duration) >= 0.005:
            parts.append(f"duration {video.duration:.2f} → {duration:.2f} s")
        if parts:
            updates[video.id] = (sha, duration)
            changes.append(f"{video.id}: " + ", ".join(parts))
    if not updates:
        return []

    original = file.read_bytes().decode("utf-8")
    text = original
    blocks = _video_blocks(text)
    # Rewrite from the end so earlier spans stay valid.
    for video_id in sorted(updates, key=lambda v: blocks.get(v, (-1, -1))[0], reverse=True):
        if video_id not in blocks:
            raise SessionPackError(f"cannot find the [[videos]] block for {video_id!r} to "
                                   "update; edit sha256 and duration by hand", file=file)
        start, end = blocks[video_id]
        sha, duration = updates[video_id]
        block = _replace_once(_SHA_VALUE, text[start:end], f'"{sha}"')
        block = _replace_once(_DURATION_VALUE, block, f"{duration:.2f}") if block else None
        if block is None:
            raise SessionPackError(f"the [[videos]] block for {video_id!r} has no plain "
                                   "sha256 or duration line to update", file=file)
        text = text[:start] + block + text[end:]

    # Refuse to write anything but the intended change, whatever the layout was.
    if tomllib.loads(text) != _expected(tomllib.loads(original), updates):
        raise SessionPackError("could not update the manifest safely; edit sha256 and "
                               "duration by hand", file=file)
    _write_atomically(file, text)
    load_pack(pack.path)
    return changes


def _write_atomically(file: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{PACK_FILE}.", dir=file.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
        shutil.copymode(file, tmp)
        files.replace(tmp, file)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SessionPackError(f"cannot write: {exc.strerror}", file=file) from exc
