"""Pre-flight checks before a workshop: pack, database, disk, font, videos.

Each check returns a name, ok, and a detail a facilitator can act on. Video
playability is probed by ``facilitator.media`` and passed in, so core stays Qt- and
VLC-free.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from facilitator.core import paths
from facilitator.core.errors import FacilitatorError
from facilitator.core.pack import SessionPack, Video, load_pack

MIN_FREE_BYTES = 200 * 1024 * 1024
WELSH_SAMPLE = "ŵŷŴŶâêîôûáéíóú"
FONT_FILE = "DejaVuSans.ttf"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def as_json(self) -> dict[str, object]:
        return asdict(self)


# Given a pack, a video and its file, return None if playable or a reason if not.
VideoProbe = Callable[[SessionPack, Video, Path], str | None]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_video_file(pack: SessionPack, video: Video) -> Check:
    """Present and matching the manifest checksum."""
    file = pack.video_path(video)
    name = f"video:{video.id}"
    if not file.exists():
        return Check(name, False, f"{file}: missing")
    if file.stat().st_size == 0:
        return Check(name, False, f"{file}: empty file")
    actual = sha256_of(file)
    if actual != video.sha256:
        return Check(name, False, f"{file}: checksum does not match the manifest "
                                 f"(run 'facilitator videos rehash' after replacing a video)")
    return Check(name, True, f"{file}: present, checksum ok")


def check_font() -> Check:
    file = paths.fonts_dir() / FONT_FILE
    if not file.exists():
        return Check("font", False, f"{file}: missing")
    try:
        from reportlab.pdfbase.ttfonts import TTFont

        font = TTFont("FacilitatorCheck", str(file))
        glyphs = font.face.charToGlyph
    except Exception as exc:  # a damaged font can fail in many ways inside reportlab
        return Check("font", False, f"{file}: cannot be loaded ({exc})")
    missing = [c for c in WELSH_SAMPLE if ord(c) not in glyphs]
    if missing:
        return Check("font", False, f"{file}: no glyphs for {''.join(missing)}")
    return Check("font", True, f"{file}: has Welsh glyphs (ŵ ŷ)")


def check_db(db_path: Path) -> Check:
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        from facilitator.core.store import Store

        with Store(db_path) as store:
            store.set_setting("last_check", "ok")
            drive = store.drive
        detail = f"{db_path}: writable"
        if drive == "removable":
            detail += " (removable drive: every save goes straight into this one file)"
        return Check("db", True, detail)
    except (FacilitatorError, OSError, sqlite3.Error) as exc:
        return Check("db", False, f"{db_path}: {getattr(exc, 'message', exc)}")


def check_disk(db_path: Path) -> Check:
    folder = db_path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    detail = f"{folder}: {free / 1e9:.1f} GB free"
    if free < MIN_FREE_BYTES:
        return Check("disk", False, detail + f" (need at least {MIN_FREE_BYTES // 1_000_000} MB)")
    return Check("disk", True, detail)


def run_checks(db_path: Path, pack_path: Path,
               video_probe: VideoProbe | None = None) -> list[Check]:
    checks: list[Check] = []
    pack: SessionPack | None = None
    try:
        pack = load_pack(pack_path)
        checks.append(Check("pack", True, f"{pack.file}: {pack.title} "
                                          f"({len(pack.workshops)} workshops, "
                                          f"{len(pack.use_cases)} use cases, "
                                          f"{len(pack.videos)} videos)"))
    except FacilitatorError as exc:
        checks.append(Check("pack", False, str(exc)))
    checks.append(check_db(db_path))
    checks.append(check_disk(db_path))
    checks.append(check_font())
    if pack is not None:
        for video in pack.videos:
            check = check_video_file(pack, video)
            if check.ok and video_probe is not None:
                reason = video_probe(pack, video, pack.video_path(video))
                if reason:
                    check = Check(check.name, False, f"{pack.video_path(video)}: {reason}")
                else:
                    check = Check(check.name, True, check.detail + ", plays")
            checks.append(check)
    return checks
