"""Shared fixtures. Every test runs headless and with its own data directory."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Set before any Qt import: tests never need a real display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if not os.environ.get("XDG_RUNTIME_DIR") or not os.path.isdir(os.environ["XDG_RUNTIME_DIR"]):
    _runtime = tempfile.mkdtemp(prefix="facilitator-xdg-")
    os.chmod(_runtime, 0o700)
    os.environ["XDG_RUNTIME_DIR"] = _runtime

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PACK = REPO / "sessions" / "ai-in-policing"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No test touches the user's files: the data dir, db and pack env point at tmp."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("FACILITATOR_DATA_DIR", str(data))
    # The laptop's device id lives in the config folder: each test is a fresh laptop.
    monkeypatch.setenv("FACILITATOR_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("FACILITATOR_DB", raising=False)
    monkeypatch.delenv("FACILITATOR_PACK", raising=False)
    # The interface language is English unless a test chooses Welsh (i18n/README.md).
    monkeypatch.delenv("FACILITATOR_LANG", raising=False)
    yield data
    _back_to_english()


def _back_to_english() -> None:
    import sys

    from facilitator.core import i18n

    i18n.set_language(i18n.ENGLISH, explicit=False)
    language = sys.modules.get("facilitator.ui.common.language")
    if language is not None and language.current() != i18n.ENGLISH:
        language.install(i18n.ENGLISH)


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A writable copy of the default pack, for tests that break or edit it."""
    target = tmp_path / "pack"
    shutil.copytree(DEFAULT_PACK, target)
    return target


@pytest.fixture
def default_pack():
    from facilitator.core.pack import load_pack

    return load_pack(DEFAULT_PACK)


@pytest.fixture
def store(tmp_path: Path):
    from facilitator.core.store import Store

    s = Store(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture
def clock():
    """A fake clock for the runner: tests advance it instead of sleeping."""
    from fakes import FakeClock

    return FakeClock()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """The merged synthetic demo database, built once per run (tests/handoff_data.py);
    a test that changes it works on a copy."""
    from handoff_data import build_demo

    return build_demo(tmp_path_factory)
