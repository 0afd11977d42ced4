"""The printable ballot sheet, read back with pypdf: its order is the entry grid's."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.core.errors import Cancelled
from facilitator.core.pack import SessionPack
from facilitator.core.store import Store
from facilitator.export.ballot_sheet import sheet_order, write_ballot_sheet
from facilitator.ui.common.tasks import TaskRunner
from facilitator.ui.kiosk.ballot_entry import FIRST_RANK, BallotEntryPanel
from facilitator.ui.main_window import MainWindow


def flat(text: str) -> str:
    return " ".join(text.split())


def positions(text: str, titles: list[str]) -> list[int]:
    found = [flat(text).find(flat(title)) for title in titles]
    assert all(p >= 0 for p in found), (titles, text)
    return found


def test_the_sheet_lists_use_cases_in_the_entry_grids_order(
        tmp_path: Path, default_pack: SessionPack, store: Store, qtbot) -> None:
    path = write_ballot_sheet(default_pack, tmp_path / "sheets.pdf", site_name="Cardiff",
                              workshop=2, copies=3, first_sheet=11)
    reader = PdfReader(path)
    assert len(reader.pages) == 3
    grid = BallotEntryPanel(store, default_pack)
    qtbot.addWidget(grid)
    headers = [" ".join(grid.grid.horizontalHeaderItem(c).text().split())
               for c in range(FIRST_RANK, FIRST_RANK + 6)]
    for number, page in enumerate(reader.pages, start=11):
        text = page.extract_text()
        spots = positions(text, headers)
        assert spots == sorted(spots)  # top to bottom = left to right in the grid
        assert f"Sheet {number}" in flat(text)
        assert "1 for the use you find most acceptable" in flat(text)
        assert "Cardiff · Workshop 2" in flat(text)
    assert [default_pack.use_case(uc).title for uc in sheet_order(default_pack)] == headers


def test_user_text_is_escaped_and_welsh_letters_survive(tmp_path: Path,
                                                        default_pack: SessionPack) -> None:
    first = default_pack.use_cases[0]
    odd = dataclasses.replace(first, title="Heddlu & <AI>: Dŵr a'r Tŷ",
                              definition="Calls about 999 & \"101\" <b>not bold</b>")
    pack = dataclasses.replace(default_pack, use_cases=(odd, *default_pack.use_cases[1:]))
    path = write_ballot_sheet(pack, tmp_path / "sheet.pdf", site_name="Caerdydd")
    text = flat(PdfReader(path).pages[0].extract_text())
    assert "Heddlu & <AI>: Dŵr a'r Tŷ" in text
    assert "<b>not bold</b>" in text
    assert "Caerdydd" in text


def test_a_cancelled_sheet_leaves_no_file(tmp_path: Path, default_pack: SessionPack) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    target = folder / "sheets.pdf"

    def cancel(done: int, total: int) -> None:
        if done >= 2:
            raise Cancelled()

    with pytest.raises(Cancelled):
        write_ballot_sheet(default_pack, target, copies=5, progress=cancel)
    assert list(folder.iterdir()) == []


def test_printing_from_the_app_runs_as_a_task(tmp_path: Path, default_pack: SessionPack,
                                              qtbot) -> None:
    from facilitator.core.paths import resolve

    store = Store(tmp_path / "venue.db")
    store.set_setting("site", "durham")
    store.set_setting("workshop", "4")
    window = MainWindow(store, default_pack, resolve(str(store.path), None),
                        tasks=TaskRunner(None, synchronous=True))
    qtbot.addWidget(window)
    window.votes.print_ballot_sheet(tmp_path / "out.pdf", 2)
    assert window.votes.last_ballot_sheet == tmp_path / "out.pdf"
    reader = PdfReader(tmp_path / "out.pdf")
    assert len(reader.pages) == 2
    assert "Durham · Workshop 4" in flat(reader.pages[1].extract_text())
    assert "Sheet 2" in flat(reader.pages[1].extract_text())
    store.close()
