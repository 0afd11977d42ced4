"""Where things live, resolved once: command-line flag, then environment, then default.

Works from a source checkout (``sessions/`` and ``assets/`` beside the package), from
an installed wheel and from a frozen bundle (the same folders under
``facilitator/_data``). What the shipped files are is read-only: the default pack is
used from a copy in the user's data folder (``packs/``), where ``videos rehash`` and the
programme team's real videos go, so nothing is ever written into the installation.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "facilitator"
DEFAULT_PACK_NAME = "ai-in-policing"
DB_ENV = "FACILITATOR_DB"
PACK_ENV = "FACILITATOR_PACK"
DATA_DIR_ENV = "FACILITATOR_DATA_DIR"
CONFIG_DIR_ENV = "FACILITATOR_CONFIG_DIR"
LOG_DIR_ENV = "FACILITATOR_LOG_DIR"
DEVICE_FILE = "device-id"
USER_PACKS = "packs"
SHIPPED_MARK = ".shipped-sha256"  # digest of the shipped pack as last copied
CLI_TWIN = "facilitator-cli"  # the console executable beside a windowed frozen app

log = logging.getLogger(__name__)

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _resource_root() -> Path:
    checkout = _PACKAGE_DIR.parent
    if (checkout / "sessions").is_dir() and (checkout / "assets").is_dir():
        return checkout
    return _PACKAGE_DIR / "_data"


def inside_installation(path: str | Path) -> bool:
    """Whether ``path`` lies in an installed or frozen app's own files (not a checkout)."""
    root = _resource_root()
    if root != _PACKAGE_DIR / "_data":
        return False  # a source checkout: its sessions/ are the developers' to edit
    try:
        Path(path).resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def sessions_dir() -> Path:
    return _resource_root() / "sessions"


def assets_dir() -> Path:
    return _resource_root() / "assets"


def videos_dir() -> Path:
    return assets_dir() / "videos"


def fonts_dir() -> Path:
    return assets_dir() / "fonts"


def default_pack_dir() -> Path:
    """The shipped default pack, inside the installation: read it, never write it."""
    return sessions_dir() / DEFAULT_PACK_NAME


def frozen() -> bool:
    """True in a bundle made by PyInstaller, where ``sys.executable`` is the app itself."""
    return bool(getattr(sys, "frozen", False))


def app_command() -> list[str]:
    """The command that starts this same app again, frozen or not (for child probes).

    Unfrozen it is ``python -m facilitator``; frozen it is the app's own executable, or
    its console twin when this one is windowed (a windowed child has no stdout).
    """
    if frozen():
        exe = Path(sys.executable)
        for name in (CLI_TWIN + ".exe", CLI_TWIN):
            twin = exe.with_name(name)
            if twin != exe and twin.is_file():
                return [str(twin)]
        return [str(exe)]
    return [sys.executable, "-m", "facilitator"]


def app_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for ``app_command()``: unfrozen, this very package stays importable."""
    environ = dict(os.environ if env is None else env)
    if not frozen():
        parts = [p for p in environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        here = str(_PACKAGE_DIR.parent)
        if here not in parts:
            # Last, so a caller's own PYTHONPATH (a test's sitecustomize) still comes first.
            environ["PYTHONPATH"] = os.pathsep.join([*parts, here])
    return environ


def _pack_digest(folder: Path) -> str:
    """One digest of a pack's files (its ``videos/`` folder and hidden files left out)."""
    import hashlib  # here, not at launch: the window paints before anything hashes

    digest = hashlib.sha256()
    for file in sorted(folder.rglob("*")):
        relative = file.relative_to(folder)
        if not file.is_file() or _not_pack_content(relative):
            continue
        digest.update(relative.as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def _not_pack_content(relative: Path) -> bool:
    return relative.parts[0] == "videos" or any(p.startswith(".") for p in relative.parts)


def user_pack_dir(name: str = DEFAULT_PACK_NAME) -> Path:
    """The writable copy of a shipped pack in the user's data folder."""
    return data_dir() / USER_PACKS / name


def writable_default_pack() -> Path:
    """The default pack as the app uses it: a copy in the user's data folder.

    Copied from the installation on first use, with an empty ``videos/`` folder for the
    real files. A later version's pack replaces the copy only while nobody changed it
    (``videos rehash`` did not run); a changed copy is kept. When the data folder cannot
    be written, the shipped pack is used as it is (and read only).
    """
    shipped = default_pack_dir()
    target = user_pack_dir()
    try:
        wanted = _pack_digest(shipped)
        mark = target / SHIPPED_MARK
        if (target / "pack.toml").is_file():
            current = _pack_digest(target)
            copied = mark.read_text(encoding="utf-8").strip() if mark.is_file() else ""
            if current == wanted or current != copied:
                if current != wanted:
                    log.info("keeping the changed pack in %s (shipped pack differs)", target)
                (target / "videos").mkdir(exist_ok=True)
                return target
            log.info("updating the unchanged pack in %s from %s", target, shipped)
        _copy_pack(shipped, target)
        tmp = mark.with_name(f"{SHIPPED_MARK}.{os.getpid()}.tmp")
        tmp.write_text(wanted + "\n", encoding="utf-8")
        os.replace(tmp, mark)
        return target
    except OSError as exc:
        log.warning("using the shipped pack read-only: cannot copy it to %s (%s)", target, exc)
        return shipped


def _copy_pack(shipped: Path, target: Path) -> None:
    """Copy every file of the shipped pack, each replaced whole; videos/ is left alone."""
    (target / "videos").mkdir(parents=True, exist_ok=True)
    for file in sorted(shipped.rglob("*")):
        relative = file.relative_to(shipped)
        if not file.is_file() or _not_pack_content(relative):
            continue
        dest = target / relative
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
        shutil.copyfile(file, tmp)
        os.replace(tmp, dest)


def data_dir() -> Path:
    """The user's data directory (platformdirs), overridable for tests and kiosks."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """Where the rotating log file goes: the platform's log folder (platformdirs).

    ``FACILITATOR_LOG_DIR`` overrides it; with ``FACILITATOR_DATA_DIR`` set (tests, a
    kiosk on a stick) the logs go to ``logs/`` inside that folder instead.
    """
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    if os.environ.get(DATA_DIR_ENV):
        return data_dir() / "logs"
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The laptop's own settings (platformdirs), outside any database file."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


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
    if _CANONICAL_UUID.fullmatch(existing):
        return existing  # the usual start (without loading uuid, which loads platform)
    import uuid

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
        pack, pack_source = writable_default_pack(), "default"
    return ResolvedPaths(db.expanduser(), pack.expanduser(), db_source, pack_source)
