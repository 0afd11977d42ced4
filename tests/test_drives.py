"""Databases on a USB stick or a network share: no WAL there, snapshots in the data
folder, and a database file that is complete on its own whenever the app is idle.

The drives are described to the app through a mounts file (as Linux's
/proc/self/mounts reads), but every database here is really opened and written.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from facilitator.core import backup, drives, paths
from facilitator.core.errors import StoreError
from facilitator.core.store import Store

REAL_ROOT = "/dev/vda / ext4 rw,relatime 0 0\n"


def _setting(db_file: Path, key: str) -> str | None:
    conn = sqlite3.connect(str(db_file))
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return None if row is None else str(row[0])


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Describe this machine's drives: ``machine(lines)`` writes the mounts file."""
    mounts = tmp_path / "mounts"
    sys_block = tmp_path / "sys-block"
    sys_block.mkdir()
    monkeypatch.setattr(drives, "MOUNTS_FILE", mounts)
    monkeypatch.setattr(drives, "SYS_BLOCK", sys_block)

    def describe(*lines: str) -> Path:
        mounts.write_text(REAL_ROOT + "".join(line + "\n" for line in lines))
        return sys_block

    describe()
    return describe


def _mount_line(device: str, folder: Path, fstype: str) -> str:
    point = str(folder).replace(" ", "\\040")
    return f"{device} {point} {fstype} rw,nosuid,nodev 0 0"


# -- recognising the drive ----------------------------------------------------------------


def test_mount_lines_are_read_like_linux_writes_them(tmp_path: Path) -> None:
    sys_block = tmp_path / "block"
    (sys_block / "sdc").mkdir(parents=True)
    (sys_block / "sdc" / "removable").write_text("1\n")
    (sys_block / "nvme0n1").mkdir()
    (sys_block / "nvme0n1" / "removable").write_text("0\n")
    text = (REAL_ROOT
            + "/dev/sdb1 /media/anna/KINGSTON\\040STICK vfat rw 0 0\n"
            + "//fileserver/research /mnt/research cifs rw 0 0\n"
            + "nas:/export/home /home/shared nfs4 rw 0 0\n"
            + "/dev/sdc1 /srv/card ext4 rw 0 0\n"
            + "/dev/nvme0n1p2 /home ext4 rw 0 0\n"
            + "user@host: /mnt/ssh fuse.sshfs rw 0 0\n")

    def kind(path: str) -> str:
        return drives._kind_linux(Path(path), text, sys_block)

    assert kind("/media/anna/KINGSTON STICK/venue.db") == "removable"
    assert kind("/mnt/research/cardiff/venue.db") == "network"
    assert kind("/home/shared/venue.db") == "network"
    assert kind("/mnt/ssh/venue.db") == "network"
    assert kind("/srv/card/venue.db") == "removable"  # the device says removable
    assert kind("/home/anna/venue.db") == "local"
    assert kind("/home/anna/.local/share/facilitator/facilitator.db") == "local"
    assert kind("/var/tmp/venue.db") == "local"
    assert drives.mount_of(Path("/media/anna/KINGSTON STICKS/x.db"),
                           drives.parse_mounts(text)).point == "/"  # a prefix is not a mount


def test_this_machines_own_folders_are_local(tmp_path: Path) -> None:
    assert drives.drive_kind(tmp_path / "not-yet" / "venue.db") == "local"
    assert drives.drive_kind(paths.data_dir()) == "local"


def test_detection_never_stops_a_database_opening(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drives, "MOUNTS_FILE", tmp_path / "no-such-file")
    assert drives.drive_kind(tmp_path) == "local"


# -- a USB stick --------------------------------------------------------------------------


def test_a_database_on_a_stick_uses_a_rollback_journal(machine, tmp_path: Path) -> None:
    stick = tmp_path / "KINGSTON STICK"
    stick.mkdir()
    machine(_mount_line("/dev/sdz1", stick, "vfat"))
    with Store(stick / "venue.db") as store:
        assert store.drive == "removable" and store.checkpointer is None
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        store.set_setting("site", "cardiff")
        assert not (stick / "venue.db-wal").exists()
        # Copying the one file, as Explorer would, while the app still has it open.
        shutil.copyfile(stick / "venue.db", tmp_path / "copied.db")
    assert _setting(tmp_path / "copied.db", "site") == "cardiff"


def test_check_says_the_database_is_on_a_removable_drive(machine, tmp_path: Path,
                                                          capsys) -> None:
    from facilitator import cli

    stick = tmp_path / "stick"
    stick.mkdir()
    machine(_mount_line("/dev/sdz1", stick, "vfat"))
    assert cli.main(["check", "--json", "--no-play", "--db", str(stick / "venue.db")]) == 0
    report = json.loads(capsys.readouterr().out)
    db = next(c for c in report["checks"] if c["name"] == "db")
    assert db["ok"] and "removable drive" in db["detail"]


def test_a_wal_database_moved_onto_a_stick_loses_nothing(machine, tmp_path: Path) -> None:
    local = tmp_path / "laptop"
    stick = tmp_path / "stick"
    stick.mkdir()
    Store.IDLE_CHECKPOINT_SECONDS, saved = None, Store.IDLE_CHECKPOINT_SECONDS
    try:
        laptop = Store(local / "venue.db")
        laptop.set_setting("site", "durham")
        # A copy of the open database: the save is still in -wal, beside it.
        for suffix in ("", "-wal"):
            shutil.copyfile(local / f"venue.db{suffix}", stick / f"venue.db{suffix}")
        laptop.close()
    finally:
        Store.IDLE_CHECKPOINT_SECONDS = saved
    machine(_mount_line("/dev/sdz1", stick, "exfat"))
    with Store(stick / "venue.db") as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert store.get_setting("site") == "durham"
    assert not (stick / "venue.db-wal").exists()
    shutil.copyfile(stick / "venue.db", tmp_path / "alone.db")
    assert _setting(tmp_path / "alone.db", "site") == "durham"


def test_snapshots_of_a_stick_database_stay_on_the_laptop(machine, tmp_path: Path,
                                                          _isolated_data_dir: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    machine(_mount_line("/dev/sdz1", stick, "vfat"))
    with Store(stick / "venue.db") as store:
        store.set_setting("site", "london")
        folder = backup.snapshot_dir(store.path)
        taken = backup.snapshot(store, folder)
    assert taken.is_relative_to(_isolated_data_dir / "snapshots")
    assert not (stick / "snapshots").exists()
    assert _setting(taken, "site") == "london"
    # Two sticks' databases of the same name keep their snapshots apart.
    other = backup.snapshot_dir(tmp_path / "other-stick" / "venue.db")
    assert other != folder and other.parent == folder.parent
    # The default database, in the data folder, keeps the usual place.
    assert backup.snapshot_dir(_isolated_data_dir / "facilitator.db") == (
        _isolated_data_dir / "snapshots")


# -- a network share ----------------------------------------------------------------------


def test_a_database_on_a_network_share_is_refused_clearly(machine, tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    machine(_mount_line("//fileserver/research", share, "cifs"))
    with pytest.raises(StoreError) as caught:
        Store(share / "venue.db")
    message = str(caught.value)
    assert "network drive" in message and "copy it to this laptop" in message
    assert str(share / "venue.db") in message
    assert not (share / "venue.db").exists()  # nothing was created there


def test_check_names_the_network_share_problem(machine, tmp_path: Path, capsys) -> None:
    from facilitator import cli

    share = tmp_path / "share"
    share.mkdir()
    machine(_mount_line("nas:/export", share, "nfs4"))
    code = cli.main(["check", "--json", "--no-play", "--db", str(share / "venue.db")])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    db = next(c for c in report["checks"] if c["name"] == "db")
    assert db["ok"] is False and "network drive" in db["detail"]


# -- the laptop's own disk: WAL, folded into the file whenever the app is idle ----------


def test_the_db_file_alone_is_complete_once_the_app_is_idle(tmp_path: Path) -> None:
    Store.IDLE_CHECKPOINT_SECONDS, saved = None, Store.IDLE_CHECKPOINT_SECONDS
    try:
        store = Store(tmp_path / "venue.db")
    finally:
        Store.IDLE_CHECKPOINT_SECONDS = saved
    try:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        store.set_setting("site", "cardiff")
        # Without a checkpoint the save sits in -wal: the file alone lacks it.
        shutil.copyfile(tmp_path / "venue.db", tmp_path / "too-early.db")
        assert _setting(tmp_path / "too-early.db", "site") is None
        idle = drives.IdleCheckpointer(store.path, interval=0.05)
        try:
            assert idle.complete.wait(30)
            shutil.copyfile(tmp_path / "venue.db", tmp_path / "idle.db")
            assert _setting(tmp_path / "idle.db", "site") == "cardiff"
            assert idle.checkpoints >= 1
            assert (tmp_path / "venue.db-wal").stat().st_size == 0
            # Still open and writable, and the next pause folds the next save in.
            idle.complete.clear()
            store.set_setting("site", "durham")
            assert idle.complete.wait(30)
            shutil.copyfile(tmp_path / "venue.db", tmp_path / "idle2.db")
            assert _setting(tmp_path / "idle2.db", "site") == "durham"
        finally:
            idle.stop()
    finally:
        store.close()


def test_every_store_on_a_local_disk_checkpoints_when_idle(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Store, "IDLE_CHECKPOINT_SECONDS", 0.05)
    with Store(tmp_path / "venue.db") as store:
        assert store.checkpointer is not None
        store.checkpointer.complete.clear()
        store.set_setting("workshop", "2")
        assert store.checkpointer.complete.wait(30)
        shutil.copyfile(tmp_path / "venue.db", tmp_path / "copy.db")
        assert _setting(tmp_path / "copy.db", "workshop") == "2"
    assert not store.checkpointer._thread.is_alive()  # closing the store stops it


def test_a_reader_in_the_way_only_delays_the_checkpoint(tmp_path: Path) -> None:
    Store.IDLE_CHECKPOINT_SECONDS, saved = None, Store.IDLE_CHECKPOINT_SECONDS
    try:
        store = Store(tmp_path / "venue.db")
    finally:
        Store.IDLE_CHECKPOINT_SECONDS = saved
    with store:
        store.set_setting("site", "london")
        reader = sqlite3.connect(str(store.path))
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM settings").fetchone()
        store.set_setting("site", "cardiff")  # a frame the reader's snapshot predates
        idle = drives.IdleCheckpointer(store.path, interval=3600)
        try:
            assert idle.checkpoint() is False  # the reader holds it back; nobody waited
            store.set_setting("workshop", "3")  # and writers are not blocked
            reader.rollback()
            reader.close()
            assert idle.checkpoint() is True
        finally:
            idle.stop()
        shutil.copyfile(store.path, tmp_path / "copy.db")
        assert _setting(tmp_path / "copy.db", "site") == "cardiff"


def test_opening_a_database_on_a_share_from_the_app_keeps_the_day(machine, qtbot, tmp_path,
                                                                   monkeypatch) -> None:
    """File → Open database… on a network share: refused in words, and the database in
    use stays open."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtWidgets import QFileDialog

    from facilitator.app import FacilitatorApp
    from facilitator.ui.common import errors

    share = tmp_path / "share"
    share.mkdir()
    machine(_mount_line("//fileserver/research", share, "smb3"))
    (share / "cardiff.db").write_bytes(b"")
    shown: list[str] = []
    monkeypatch.setattr(errors, "show_error", lambda parent, exc: shown.append(str(exc)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(share / "cardiff.db"), "")))
    app = FacilitatorApp(paths.resolve(str(tmp_path / "venue.db"), None), ask_venue=False,
                         show_audience=False)
    qtbot.addWidget(app.window)
    window = app.window
    window.show()
    qtbot.waitExposed(window)
    bar, menu = window.menuBar(), window.file_menu
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                     pos=bar.actionGeometry(menu.menuAction()).center())
    qtbot.waitUntil(menu.isVisible)
    item = next(a for a in menu.actions() if a.text().replace("&", "") == "Open database…")
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton,
                     pos=QPoint(menu.actionGeometry(item).center()))
    qtbot.waitUntil(lambda: shown != [])
    assert "network drive" in shown[0] and "cardiff.db" in shown[0]
    assert app.window is window and app.store is not None and not app.store.closed
    assert app.store.path == tmp_path / "venue.db"
    app.store.set_setting("still", "working")
    app.shut_down()


def test_erasure_reaches_snapshots_in_the_data_folder_and_the_old_place(
        tmp_path: Path, _isolated_data_dir: Path) -> None:
    """Snapshots now live in the data folder; ones an earlier version left beside a
    database elsewhere are erased too."""
    from test_erasure import PID, WORDS, build_venue

    from facilitator.core import participants

    db = tmp_path / "stick" / "venue.db"
    build_venue(db)
    with Store(db, device_id="console") as store:
        new = backup.snapshot(store, backup.snapshot_dir(db))
        old = backup.snapshot(store, db.parent / "snapshots")  # where 0.1 kept them
        assert new.is_relative_to(_isolated_data_dir) and WORDS[0].encode() in old.read_bytes()
        assert backup.snapshot_folders(db) == [backup.snapshot_dir(db), db.parent / "snapshots"]
        participants.erase(store, PID)
    for snap in (new, old):
        assert snap.exists() and WORDS[0].encode() not in snap.read_bytes(), snap
    assert backup.snapshot_folders(_isolated_data_dir / "facilitator.db") == [
        _isolated_data_dir / "snapshots"]
