"""What kind of drive a database file is on: the laptop's own, removable, or a network share.

SQLite's WAL keeps the latest saves in a ``-wal`` file beside the database until a
checkpoint, and needs shared memory that network filesystems do not provide. So:

- **local**: WAL (fast saves, readers never wait), checkpointed whenever the app is
  idle, so the ``.db`` file alone holds every save;
- **removable** (a USB stick, an SD card): a rollback journal, so the one ``.db`` file
  is complete after every save and copying it in Explorer or Finder loses nothing;
- **network** (an SMB/NFS share, a mapped drive): refused with a message saying what to
  do instead, because SQLite's locking is unreliable there and two laptops writing
  one file over the network can corrupt it (https://sqlite.org/useovernet.html).

Detection per platform: Linux reads ``/proc/self/mounts`` (a network filesystem type;
removable when the block device says so in ``/sys/block``, is on USB, or is mounted
under ``/media`` or ``/run/media``); Windows asks ``GetDriveTypeW`` (and UNC paths are
network); macOS treats everything under ``/Volumes`` other than the start-up disk
as removable and asks ``mount`` for network types. ``MOUNTS_FILE`` and ``SYS_BLOCK``
are module attributes so a test can describe a machine's drives.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DriveKind = Literal["local", "removable", "network"]

MOUNTS_FILE = Path("/proc/self/mounts")
SYS_BLOCK = Path("/sys/block")

NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afs", "ceph", "glusterfs",
    "fuse.sshfs", "sshfs", "davfs", "fuse.davfs2", "9p", "afpfs", "webdav", "ncpfs",
    "fuse.glusterfs", "lustre", "gpfs", "fuse.rclone", "fuse.gvfsd-fuse",
})
# File systems a stick or card usually carries when the device cannot be asked.
REMOVABLE_FILESYSTEMS = frozenset({"vfat", "msdos", "exfat", "fuseblk"})
REMOVABLE_MOUNT_ROOTS = ("/media/", "/run/media/", "/mnt/usb")

_OCTAL = re.compile(r"\\([0-7]{3})")


@dataclass(frozen=True)
class Mount:
    device: str
    point: str
    fstype: str


def _unescape(field: str) -> str:
    """/proc/mounts writes a space as \\040 (and tab, newline, backslash likewise)."""
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), field)


def parse_mounts(text: str) -> list[Mount]:
    mounts = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            mounts.append(Mount(_unescape(parts[0]), _unescape(parts[1]), parts[2]))
    return mounts


def mount_of(path: Path, mounts: list[Mount]) -> Mount | None:
    """The mount a path lives on: the longest mount point that contains it."""
    best: Mount | None = None
    target = str(path)
    for mount in mounts:
        point = mount.point.rstrip("/") or "/"
        inside = target == point or target.startswith(point + "/") or point == "/"
        if inside and (best is None or len(point) >= len(best.point.rstrip("/") or "/")):
            best = mount
    return best


def _block_device_removable(device: str, sys_block: Path) -> bool:
    """/dev/sdb1 → /sys/block/sdb: flagged removable, or attached through USB."""
    name = Path(device).name
    if not device.startswith("/dev/") or not name:
        return False
    # The disk a partition belongs to: sdb1 → sdb, mmcblk0p1 → mmcblk0, nvme0n1p2 → nvme0n1.
    candidates = [name, re.sub(r"p?\d+$", "", name), re.sub(r"\d+$", "", name)]
    for disk in dict.fromkeys(candidates):
        entry = sys_block / disk
        if not entry.exists():
            continue
        try:
            if (entry / "removable").read_text().strip() == "1":
                return True
            return "/usb" in os.path.realpath(entry)
        except OSError:
            return False
    return False


def _kind_linux(path: Path, mounts_text: str, sys_block: Path) -> DriveKind:
    mount = mount_of(path, parse_mounts(mounts_text))
    if mount is None:
        return "local"
    fstype = mount.fstype.casefold()
    if fstype in NETWORK_FILESYSTEMS or mount.device.startswith("//"):
        return "network"
    if _block_device_removable(mount.device, sys_block):
        return "removable"
    point = mount.point.rstrip("/") + "/"
    if fstype in REMOVABLE_FILESYSTEMS or point.startswith(REMOVABLE_MOUNT_ROOTS):
        return "removable"
    return "local"


def _kind_windows(path: Path) -> DriveKind:
    text = str(path)
    if text.startswith(("\\\\", "//")) and not text.startswith(("\\\\?\\", "\\\\.\\")):
        return "network"  # \\server\share
    import ctypes

    root = os.path.splitdrive(text)[0] + "\\"
    kind = ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root))  # type: ignore[attr-defined]
    if kind == 4:  # DRIVE_REMOTE
        return "network"
    if kind == 2:  # DRIVE_REMOVABLE
        return "removable"
    return "local"


def _kind_macos(path: Path) -> DriveKind:
    parts = path.parts
    if len(parts) < 3 or parts[1] != "Volumes":
        return "local"
    try:
        import subprocess

        out = subprocess.run(["mount"], capture_output=True, text=True, timeout=5,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    volume = "/" + "/".join(parts[1:3])
    for line in out.splitlines():
        # "//user@server/share on /Volumes/share (smbfs, nodev, nosuid, mounted by user)"
        match = re.match(r"^(.*) on (.*) \(([^,)]+)", line)
        if match and match.group(2) == volume:
            if match.group(3).casefold() in NETWORK_FILESYSTEMS:
                return "network"
            if match.group(2) == "/":
                return "local"
    return "removable"


def _existing(path: Path) -> Path:
    """The nearest folder that exists (a new database's folder may not yet)."""
    current = path.absolute()
    while not current.exists() and current != current.parent:
        current = current.parent
    try:
        return current.resolve()
    except OSError:
        return current


def drive_kind(path: str | Path) -> DriveKind:
    """local, removable or network, for the drive that holds ``path``. Never raises."""
    target = _existing(Path(path))
    try:
        if sys.platform == "win32":
            return _kind_windows(target)
        if sys.platform == "darwin":
            return _kind_macos(target)
        try:
            text = MOUNTS_FILE.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "local"
        return _kind_linux(target, text, SYS_BLOCK)
    except Exception:  # detection must never stop a database from opening
        return "local"


# -- keeping a WAL database's file complete ------------------------------------------------


def journal_mode_for(kind: DriveKind) -> str:
    """The SQLite journal for a drive: WAL on the laptop's own disk, else a rollback journal."""
    return "wal" if kind == "local" else "delete"


class IdleCheckpointer:
    """Folds a WAL database's ``-wal`` into the ``.db`` file whenever writing pauses.

    A thread looks at the ``-wal`` file every ``interval`` seconds; once it has not
    changed for one interval and still holds frames, it checkpoints (TRUNCATE) on a
    connection of its own that never waits for a lock: busy now means try again at the
    next quiet moment. ``complete`` is set whenever the ``.db`` file alone holds every
    committed save, so copying just that one file loses nothing.
    """

    def __init__(self, path: Path, interval: float) -> None:
        self.path = Path(path)
        self.wal = self.path.with_name(self.path.name + "-wal")
        self.interval = interval
        self.complete = threading.Event()
        self.checkpoints = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"idle-checkpoint {self.path.name}")
        self._thread.start()

    def _stamp(self) -> tuple[int, int] | None:
        try:
            status = os.stat(self.wal)
        except OSError:
            return None
        return status.st_size, status.st_mtime_ns

    def _run(self) -> None:
        last = self._stamp()
        while not self._stop.wait(self.interval):
            now = self._stamp()
            if now is None or now[0] == 0:
                self.complete.set()
            elif now != last:
                self.complete.clear()  # still being written: wait for a quiet interval
            elif self.checkpoint():
                self.complete.set()
            last = self._stamp()

    def checkpoint(self) -> bool:
        """Checkpoint now without waiting for anyone; True when the file is complete."""
        try:
            conn = sqlite3.connect(str(self.path), timeout=0, check_same_thread=False)
        except sqlite3.Error:
            return False
        try:
            conn.execute("PRAGMA busy_timeout=0")
            row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.Error:
            return False
        finally:
            conn.close()
        if row is None:
            return False
        _busy, frames, copied = row
        if frames == copied:
            self.checkpoints += 1
            return True
        return False

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
