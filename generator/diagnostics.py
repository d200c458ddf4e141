"""Problems found in the inputs, each tied to a file, line, column and field."""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

LOGGER_NAME = "mkdocs.plugins.govsite"
log = logging.getLogger(LOGGER_NAME)


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"
    """Information for the publisher: a fault of the archive that only its maintainers can
    fix (a backdated commit, say). It never fails a build, ``--strict`` included."""


@dataclass(slots=True, frozen=True, order=True)
class Origin:
    """Where a value came from in a contributor's file."""

    path: str
    """File path, relative to the site root where possible."""
    line: int = 1
    """1-based line number."""
    column: int = 1
    """1-based column number."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(slots=True, frozen=True, order=True)
class Diagnostic:
    """One problem, reported as ``path:line:column: field: reason``."""

    origin: Origin
    """Where the problem is."""
    field: str
    """The key (dotted path, e.g. ``regulations[1].id``) the problem concerns."""
    reason: str
    """Why it is a problem, in plain words."""
    severity: Severity = Severity.ERROR
    """Errors stop the build; warnings fail only ``--strict`` builds; notes never do."""
    commit: str = ""
    """For a note on the archive: the commit it concerns, which the publisher can
    acknowledge in the plugin's ``acknowledge`` option to hear no more of it."""

    def __str__(self) -> str:
        return f"{self.origin}: {self.field}: {self.reason}"


@dataclass(slots=True)
class Diagnostics:
    """Collects every problem of one run, so all can be reported at once."""

    items: list[Diagnostic] = field(default_factory=list)
    """The problems, in the order found."""

    def error(self, origin: Origin, field_name: str, reason: str) -> None:
        self.items.append(Diagnostic(origin, field_name, reason, Severity.ERROR))

    def warning(self, origin: Origin, field_name: str, reason: str) -> None:
        self.items.append(Diagnostic(origin, field_name, reason, Severity.WARNING))

    def note(self, origin: Origin, field_name: str, reason: str, commit: str = "") -> None:
        """A fault of the archive that the publisher can only be told about."""
        self.items.append(Diagnostic(origin, field_name, reason, Severity.NOTE, commit))

    def acknowledge(self, commits: Iterable[str]) -> None:
        """Drop the notes on these commits (ids or prefixes of at least 7 characters): the
        publisher knows of them."""
        known = tuple(c.lower() for c in commits if len(c) >= 7)
        if known:
            self.items = [
                d
                for d in self.items
                if not (d.severity is Severity.NOTE and d.commit and d.commit.startswith(known))
            ]

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    @property
    def notes(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.NOTE]

    def sorted(self) -> list[Diagnostic]:
        """Unique problems ordered by file and position, for stable reports."""
        return sorted(set(self.items), key=lambda d: (d.origin, d.field, d.reason))

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class BuildError(Exception):
    """Raised when inputs have errors; carries every diagnostic of the run."""

    def __init__(self, diagnostics: Diagnostics) -> None:
        self.diagnostics = diagnostics
        lines = [str(d) for d in diagnostics.sorted() if d.severity is Severity.ERROR]
        super().__init__(f"{len(lines)} error(s) in the site's inputs:\n" + "\n".join(lines))
