"""Where things live, resolved once: command-line flag, then environment, then default.

Works both from a source checkout (``sessions/`` and ``assets/`` beside the package)
and from an installed wheel (the same folders packed under ``facilitator/_data``).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "facilitator"
DEFAULT_PACK_NAME = "ai-in-policing"
DB_ENV = "FACILITATOR_DB"
PACK_ENV = "FACILITATOR_PACK"
DATA_DIR_ENV = "FACILITATOR_DATA_DIR"
CONFIG_DIR_ENV = "FACILITATOR_CONFIG_DIR"
DEVICE_FILE = "device-id"

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _resource_root() -> Path:
    checkout = _PACKAGE_DIR.parent
    if (checkout / "sessions").is_dir() and (checkout / "assets").is_dir():
        return checkout
    return _PACKAGE_DIR / "_data"


def sessions_dir() -> Path:
    return _resource_root() / "sessions"


def assets_dir() -> Path:
    return _resource_root() / "assets"


def videos_dir() -> Path:
    return assets_dir() / "videos"


def fonts_dir() -> Path:
    return assets_dir() / "fonts"


def default_pack_dir() -> Path:
    return sessions_dir() / DEFAULT_PACK_NAME


def data_dir() -> Path:
    """The user's data directory (platformdirs), overridable for tests and kiosks."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The laptop's own settings (platformdirs), outside any database file."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def device_id(adopt: str | None = None) -> str:
    """This laptop's id, made once and kept in the config folder, never in a database.

    A database copied or restored onto another laptop then edits under that laptop's
    id (docs/record-laws.md, "Whose edit is it"). ``adopt`` is used as the id when
    this laptop has none yet (a file from before the id moved out of the database).
    """
    path = config_dir() / DEVICE_FILE
    try:
        existing = path.read_text(encoding="utf-8").strip()
    except OSError:
        existing = ""
    if existing:
        try:
            return str(uuid.UUID(existing))
        except ValueError:
            pass  # a damaged file: make a new id rather than edit under garbage
    new = str(uuid.uuid4())
    if adopt:
        with contextlib.suppress(ValueError):  # not a laptop id: make a new one
            new = str(uuid.UUID(adopt))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{DEVICE_FILE}.{os.getpid()}.tmp")
    tmp.write_text(new + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return new


@dataclass(frozen=True)
class ResolvedPaths:
    """The database and session pack this run uses, and where each came from."""

    db: Path
    pack: Path
    db_source: str
    pack_source: str

    @property
    def data_dir(self) -> Path:
        return self.db.parent


def resolve(db_flag: str | None = None, pack_flag: str | None = None) -> ResolvedPaths:
    if db_flag:
        db, db_source = Path(db_flag), "--db"
    elif os.environ.get(DB_ENV):
        db, db_source = Path(os.environ[DB_ENV]), DB_ENV
    else:
        db, db_source = data_dir() / "facilitator.db", "default"
    if pack_flag:
        pack, pack_source = Path(pack_flag), "--pack"
    elif os.environ.get(PACK_ENV):
        pack, pack_source = Path(os.environ[PACK_ENV]), PACK_ENV
    else:
        pack, pack_source = default_pack_dir(), "default"
    return ResolvedPaths(db.expanduser(), pack.expanduser(), db_source, pack_source)
