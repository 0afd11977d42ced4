"""Reading interchange CSV files: UTF-8 (BOM tolerated), a header row, physical lines."""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from facilitator.core.errors import (
    CsvImportError,
    FacilitatorError,
    ImportReport,
    RowProblem,
    SessionPackError,
)
from facilitator.core.files import UnreadableFileError, read_bounded
from facilitator.core.pack import SessionPack

# A note holds at most MAX_TEXT (20,000) characters; no real note runs over this many
# lines, while a stray quote that swallows later rows soon does.
MAX_RECORD_LINES = 1000
MAX_CSV_BYTES = 256 * 1024**2
_LINE_BREAK = re.compile("\r\n|\r|\n")

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
    lines: int = 1  # physical lines the row spans (a note's text may hold line breaks)


@dataclass
class CsvTable:
    file: Path
    header: list[str]
    rows: list[CsvRow]
    extra_columns: list[str]
    lines: int = 0  # physical lines read, the header and blank lines included
    blank: int = 0  # blank lines (and rows of empty cells) skipped
    problems: list[RowProblem] = field(default_factory=list)  # with ``defer`` only

    def statement(self) -> str:
        """How many physical lines were read and how many rows taken: they agree."""
        spanning = [r for r in self.rows if r.lines > 1]
        text = f"read {self.lines} line(s): the header, {len(self.rows)} row(s)"
        if spanning:
            text += (f" ({len(spanning)} of them over several lines, from line "
                     f"{', '.join(str(r.line) for r in spanning[:5])}"
                     f"{'…' if len(spanning) > 5 else ''})")
        if self.blank:
            text += f", {self.blank} blank"
        return text


def read_csv(path: str | Path, columns: Sequence[str], required: Sequence[str],
             multiline: Sequence[str] = ("text",), *, defer: bool = False) -> CsvTable:
    """Read a CSV whose header must contain ``required`` columns.

    Strict: a quoted field may hold line breaks only in a ``multiline`` column (a
    note's text); a quote that is never closed, a quoted field with something after
    its closing quote, or a row over more lines than a note could have is an error
    naming the line where the row began. Unknown columns are returned in
    ``extra_columns`` for the caller to warn about. Raises CsvImportError for bad
    rows (every one, with its line), FacilitatorError for an unreadable file; with
    ``defer`` the bad rows are left out and listed in ``problems`` instead, for a
    caller that lists them with its own (it must raise when there are any).
    """
    file = Path(path)
    try:
        raw = read_bounded(file, MAX_CSV_BYTES,
                           too_large="is larger than any spreadsheet Facilitator reads")
    except UnreadableFileError as exc:
        raise FacilitatorError(exc.message, file=file) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FacilitatorError("is not UTF-8 text (save it from your spreadsheet as "
                               "'CSV UTF-8')", file=file, line=line) from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise FacilitatorError("holds a NUL character: it is not a CSV text file",
                               file=file, line=line)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise FacilitatorError("is empty: expected a header row", file=file, line=1) from exc
    except csv.Error as exc:
        raise FacilitatorError(f"cannot read the header: {exc}", file=file, line=1) from exc
    if reader.line_num != 1:
        raise FacilitatorError("the header row runs over several lines (a stray quote?)",
                               file=file, line=1)
    header = [h.strip().lower() for h in header]
    missing = [c for c in required if c not in header]
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    problems = [RowProblem(1, f"missing column {c!r}", c) for c in missing]
    problems += [RowProblem(1, f"column {c!r} appears twice", c) for c in duplicated]
    if problems:
        raise CsvImportError(file, problems)
    extra = [h for h in header if h and h not in columns]
    rows: list[CsvRow] = []
    row_problems: list[_Bad] = []
    blank = 0
    previous_end = reader.line_num
    for end, values in _rows(reader, row_problems, previous_end):
        start = previous_end + 1
        previous_end = end
        span = end - start + 1
        if not any(v.strip() for v in values):
            blank += span
            continue
        if span > 1:
            names = header + [""] * max(0, len(values) - len(header))
            broken = [name or f"column {i + 1}" for i, (name, value)
                      in enumerate(zip(names, values, strict=False))
                      if ("\n" in value or "\r" in value) and name not in multiline]
            if broken:
                row_problems.append(_Bad(RowProblem(
                    start, f"a quoted field in {broken[0]} runs over {span} lines, to line "
                           f"{end} (is a quote missing or stray?)", broken[0]), span))
                continue
            if span > MAX_RECORD_LINES:
                row_problems.append(_Bad(RowProblem(
                    start, f"the row runs over {span} lines, to line {end}: longer than "
                           "any note can be (is a quote missing or stray?)"), span))
                continue
        if len(values) > len(header):
            row_problems.append(_Bad(RowProblem(
                start, f"has {len(values)} fields but the header has {len(header)}"), span))
            continue
        padded = values + [""] * (len(header) - len(values))
        rows.append(CsvRow(start, {h: unneutralise(v).strip()
                                   for h, v in zip(header, padded, strict=True)
                                   if h in columns}, span))
    if row_problems and not defer:
        raise CsvImportError(file, [p.problem for p in row_problems])
    lines = len(_LINE_BREAK.findall(text)) + (0 if text.endswith(("\n", "\r")) else 1)
    taken = 1 + sum(r.lines for r in rows) + blank + sum(p.lines for p in row_problems)
    # Every physical line is the header, part of a row, or blank.
    if not row_problems and taken != lines:
        raise FacilitatorError(f"read {lines} lines but accounted for {taken}: the file "
                               "could not be read line by line", file=file)
    table = CsvTable(file, header, rows, extra, lines, blank,
                     [p.problem for p in row_problems])
    _last.table = table
    return table


_last = threading.local()


def described(report: ImportReport, path: str | Path) -> ImportReport:
    """``report`` with the lines read and rows taken of the last read of ``path`` on
    this thread: every import states both, and they agree (``CsvTable.statement``)."""
    table: CsvTable | None = getattr(_last, "table", None)
    if table is not None and table.file == Path(path):
        report.lines, report.taken, report.read = table.lines, len(table.rows), \
            table.statement()
    return report


@dataclass(frozen=True)
class _Bad:
    problem: RowProblem
    lines: int  # physical lines the bad row took (0: it could not be read at all)


def _rows(reader: Iterator[list[str]], problems: list[_Bad],
          header_end: int) -> Iterator[tuple[int, list[str]]]:
    previous = header_end
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            start = previous + 1
            reason = str(exc)
            if "unexpected end of data" in reason or "EOF" in reason:
                message = ("a quoted field that begins on this line is never closed: the "
                           "row runs to the end of the file (is a quote missing or stray?)")
            else:
                message = (f"cannot be read ({reason}); near line "
                           f"{getattr(reader, 'line_num', start)} (is a quote stray?)")
            problems.append(_Bad(RowProblem(start, message), 0))
            return
        previous = getattr(reader, "line_num", 0)
        yield previous, values


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
