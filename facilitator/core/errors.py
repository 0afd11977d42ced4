"""Typed errors for everything a user can get wrong.

Each carries where the problem is (file, line, field) so the CLI can print it and the
GUI can show it in a dialog without either knowing the details.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Long operations report (done, total); the callback may raise Cancelled to stop.
Progress = Callable[[int, int], None]


class FacilitatorError(Exception):
    """Base class: a problem the user can fix, with where it is."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field

    def location(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(self.field)
        return ": ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class Cancelled(FacilitatorError):
    """The user cancelled a long operation; nothing was changed."""

    def __init__(self, message: str = "cancelled; nothing was changed") -> None:
        super().__init__(message)


class SessionPackError(FacilitatorError):
    """A session pack is missing, malformed or inconsistent."""


class StoreError(FacilitatorError):
    """The database cannot be opened, written or migrated."""


class ExportError(FacilitatorError):
    """An export could not be written (disk full, folder gone…); nothing was left behind."""


class MergeError(FacilitatorError):
    """A merge source is refused (foreign, damaged, tampered, newer, rehearsal…)."""


class SchemaTooNewError(StoreError):
    """A database or export was written by a newer version of Facilitator."""


class SettingsError(FacilitatorError):
    """A venue setting (site, workshop, tables) is not valid for the pack."""


@dataclass(frozen=True)
class RowProblem:
    """One bad row of an import: its physical line number and why it is bad."""

    line: int
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.field:
            where += f", {self.field}"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    """What an import did (or would have done): rows, added, and warnings."""

    file: str
    rows: int = 0
    added: int = 0
    unchanged: int = 0
    updated: int = 0
    warnings: list[str] = field(default_factory=list)
    lines: int = 0  # physical lines of the CSV read, header and blank lines included
    taken: int = 0  # rows taken from them
    read: str = ""  # the two stated in words ("read 12 line(s): the header, 10 row(s)…")


class CsvImportError(FacilitatorError):
    """An import found bad rows; nothing was written. Lists every problem."""

    def __init__(self, file: str | Path, problems: list[RowProblem]) -> None:
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun}; nothing was imported", file=file)
        self.problems = problems

    def __str__(self) -> str:
        lines = [f"{self.file}: {self.message}"]
        lines.extend(f"{self.file}:{p.line}: {p.message if not p.field else p.field + ': ' + p.message}"
                     for p in self.problems)
        return "\n".join(lines)
