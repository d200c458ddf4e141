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
    ChangeKind.COLLAPSE,
    ChangeKind.FIRST,
    ChangeKind.RESTORED,
    ChangeKind.REMOVAL,
    ChangeKind.EDITORIAL,
    ChangeKind.DATES,
    ChangeKind.LINKS,
    ChangeKind.FORMATTING,
    ChangeKind.RETURN,
    ChangeKind.RECURRING,
    ChangeKind.CAPTURE_FAILURE,
    ChangeKind.RECOVERED,
    ChangeKind.TECHNICAL,
)
"""Kinds in the order legends and filters list them: what matters first."""
ALTERNATION_MIN = 3
"""A run of at least this many versions, each with the text the version two before had,
is drawn as one mark: the page alternated between two texts."""
MAX_LABELS = 12
"""Month labels shown at most (every n-th month is labelled)."""


@dataclass(slots=True)
class Alternation:
    """Versions that alternate between two texts, drawn as one mark."""

    versions: list[DocumentVersion]
    """The versions of the run, oldest first (each has the text of the one two before)."""

    @property
    def label(self) -> str:
        first, last = self.versions[0], self.versions[-1]
        return (
            f"alternated between two texts {len(self.versions)} times between "
            f"{first.version.date:%Y-%m-%d} and {last.version.date:%Y-%m-%d}"
        )


@dataclass(slots=True)
class Month:
    """One column of the timeline."""

    label: str
    """'Jan 2025'."""
    shown: str
    """Where its label shows: 'all' widths, 'wide' screens only, or 'none' (every n-th
    month is labelled, and every 2n-th on a phone)."""
    versions: list[DocumentVersion]
    """The versions recorded that month, oldest first, each drawn as a mark; a run of
    alternations is drawn once, as its first version, in the month it began."""


@dataclass(slots=True)
class Timeline:
    """What a timeline draws, for the template."""

    months: list[Month]
    """Every month from the first version's to the last's."""
    kinds: list[tuple[ChangeKind, int]]
    """The kinds the document's versions have, with how many of each, in legend order."""
    tallest: int
    """The most marks in one month (the columns' scale)."""
    alternations: dict[str, Alternation]
    """Runs of alternation between two texts, by the slug of the version that stands for
    each on the chart."""


def timeline(document: LinkedDocument) -> Timeline:
    """The months and kinds of a document's history."""
    dates = [entry.version.date for entry in document.versions]
    first, last = min(dates), max(dates)  # an archive's dates can go backwards
    runs = alternations(document.versions)
    hidden = {id(e) for run in runs for e in run.versions[1:]}
    by_month: dict[tuple[int, int], list[DocumentVersion]] = {}
    for entry in document.versions:
        if id(entry) in hidden:
            continue
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
        {run.versions[0].slug: run for run in runs},
    )


_FLIPS = (ChangeKind.RETURN, ChangeKind.CAPTURE_FAILURE, ChangeKind.RECOVERED)
"""Kinds a version of an alternation run can have: each has a text the document had."""


def alternations(versions: list[DocumentVersion]) -> list[Alternation]:
    """The runs of versions that alternate between two texts (each has the text of the
    version two before it, and none brings new wording)."""
    runs: list[Alternation] = []
    current: list[DocumentVersion] = []
    for index, entry in enumerate(versions):
        flips = (
            index >= 2
            and entry.kind in _FLIPS
            and not entry.is_removal
            and entry.version.blob == versions[index - 2].version.blob
        )
        if flips:
            current.append(entry)
            continue
        if len(current) >= ALTERNATION_MIN:
            runs.append(Alternation(current))
        current = []
    if len(current) >= ALTERNATION_MIN:
        runs.append(Alternation(current))
    return runs


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
