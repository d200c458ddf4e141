"""A document's timeline: one column per month, one mark per version coloured by its kind
of change, drawn in HTML so that its labels read at any width (the versions table says the
same in words)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..compare.kinds import ChangeKind
from ..link.model import DocumentVersion, LinkedDocument

KIND_ORDER = (
    ChangeKind.SUBSTANTIVE,
    ChangeKind.FIRST,
    ChangeKind.RESTORED,
    ChangeKind.REMOVAL,
    ChangeKind.EDITORIAL,
    ChangeKind.DATES,
    ChangeKind.LINKS,
    ChangeKind.FORMATTING,
    ChangeKind.TECHNICAL,
)
"""Kinds in the order legends and filters list them: what matters first."""
MAX_LABELS = 12
"""Month labels shown at most (every n-th month is labelled)."""


@dataclass(slots=True)
class Month:
    """One column of the timeline."""

    label: str
    """'Jan 2025'."""
    shown: str
    """Where its label shows: 'all' widths, 'wide' screens only, or 'none' (every n-th
    month is labelled, and every 2n-th on a phone)."""
    versions: list[DocumentVersion]
    """The versions recorded that month, oldest first."""


@dataclass(slots=True)
class Timeline:
    """What a timeline draws, for the template."""

    months: list[Month]
    """Every month from the first version's to the last's."""
    kinds: list[tuple[ChangeKind, int]]
    """The kinds the document's versions have, with how many of each, in legend order."""
    tallest: int
    """The most versions in one month (the columns' scale)."""


def timeline(document: LinkedDocument) -> Timeline:
    """The months and kinds of a document's history."""
    dates = [entry.version.date for entry in document.versions]
    first, last = min(dates), max(dates)  # an archive's dates can go backwards
    by_month: dict[tuple[int, int], list[DocumentVersion]] = {}
    for entry in document.versions:
        date = entry.version.date
        by_month.setdefault((date.year, date.month), []).append(entry)
    keys: list[tuple[int, int]] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        keys.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    step = max(1, -(-len(keys) // MAX_LABELS))
    months = [
        Month(
            f"{_MONTH_NAMES[m - 1]} {y}",
            "all" if index % (2 * step) == 0 else "wide" if index % step == 0 else "none",
            by_month.get((y, m), []),
        )
        for index, (y, m) in enumerate(keys)
    ]
    counts = Counter(entry.kind for entry in document.versions)
    return Timeline(
        months,
        [(kind, counts[kind]) for kind in KIND_ORDER if counts[kind]],
        max(len(m.versions) for m in months),
    )


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
