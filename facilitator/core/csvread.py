"""Reading interchange CSV files: UTF-8 (BOM tolerated), a header row, physical lines."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from facilitator.core.errors import (
    CsvImportError,
    FacilitatorError,
    RowProblem,
    SessionPackError,
)
from facilitator.core.pack import SessionPack

# CSV injection (OWASP): a cell that begins with one of these is read by Excel, LibreOffice
# or Sheets as a formula. Every CSV the app writes prefixes such a cell with a single
# quote (``neutralise``), which the spreadsheet shows as text; every import removes
# exactly that quote (``unneutralise``), so an export round-trips unchanged. A cell
# already starting with quotes before such a character gets one more, so the pair is
# a bijection: unneutralise(neutralise(x)) == x for every string.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _looks_like_formula(cell: str) -> bool:
    rest = cell.lstrip("'")
    return rest.startswith(FORMULA_START)


def neutralise(cell: object) -> str:
    """The cell as a CSV the app writes holds it: never a formula."""
    text = "" if cell is None else str(cell)
    return "'" + text if _looks_like_formula(text) else text


def unneutralise(cell: str) -> str:
    """What ``neutralise`` wrote, back as it was."""
    if cell.startswith("'") and _looks_like_formula(cell):
        return cell[1:]
    return cell


def neutralise_row(row: Sequence[object]) -> list[str]:
    return [neutralise(cell) for cell in row]


@dataclass(frozen=True)
class CsvRow:
    line: int  # physical line where the row starts; the header is line 1
    values: dict[str, str]


@dataclass
class CsvTable:
    file: Path
    header: list[str]
    rows: list[CsvRow]
    extra_columns: list[str]


def read_csv(path: str | Path, columns: Sequence[str], required: Sequence[str]) -> CsvTable:
    """Read a CSV whose header must contain ``required`` columns.

    Unknown columns are returned in ``extra_columns`` for the caller to warn about.
    Raises CsvImportError (line 1) for a missing column, FacilitatorError for an
    unreadable file.
    """
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError as exc:
        raise FacilitatorError("file not found", file=file) from exc
    except OSError as exc:
        raise FacilitatorError(f"cannot read: {exc.strerror}", file=file) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FacilitatorError("is not UTF-8 text (save it from your spreadsheet as "
                               "'CSV UTF-8')", file=file, line=line) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration as exc:
        raise FacilitatorError("is empty: expected a header row", file=file, line=1) from exc
    except csv.Error as exc:
        raise FacilitatorError(f"cannot read the header: {exc}", file=file, line=1) from exc
    header = [h.strip().lower() for h in header]
    missing = [c for c in required if c not in header]
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    problems = [RowProblem(1, f"missing column {c!r}", c) for c in missing]
    problems += [RowProblem(1, f"column {c!r} appears twice", c) for c in duplicated]
    if problems:
        raise CsvImportError(file, problems)
    extra = [h for h in header if h and h not in columns]
    rows: list[CsvRow] = []
    row_problems: list[RowProblem] = []
    previous_end = reader.line_num
    for line, values in _rows(reader, row_problems):
        start = previous_end + 1
        previous_end = line
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            row_problems.append(RowProblem(start, f"has {len(values)} fields but the header "
                                                  f"has {len(header)}"))
            continue
        padded = values + [""] * (len(header) - len(values))
        rows.append(CsvRow(start, {h: unneutralise(v).strip()
                                   for h, v in zip(header, padded, strict=True)
                                   if h in columns}))
    if row_problems:
        raise CsvImportError(file, row_problems)
    return CsvTable(file, header, rows, extra)


def _rows(reader: Iterator[list[str]], problems: list[RowProblem]) -> Iterator[tuple[int, list[str]]]:
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(RowProblem(getattr(reader, "line_num", 0), f"cannot parse: {exc}"))
            return
        yield getattr(reader, "line_num", 0), values


def site_column(pack: SessionPack, row: CsvRow) -> tuple[str, RowProblem | None]:
    """The row's site id (a site's id, name or alias such as Caerdydd, any case), or
    '' and the problem with its ``site`` column."""
    text = row.values.get("site", "")
    if not text:
        return "", RowProblem(row.line, "is required", "site")
    try:
        return pack.site(text).id, None
    except SessionPackError:
        known = ", ".join(s.name for s in pack.sites)
        return "", RowProblem(row.line, f"unknown site {text!r} (expected {known})", "site")
