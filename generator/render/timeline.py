"""A document's timeline: one column per month, one mark per version coloured by its kind
of change, drawn in HTML so that its labels read at any width (the versions table says the
same in words)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

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
AXES = (("narrow", 4), ("wide", 9))
"""The date axes drawn: one shown in a narrow chart (a phone), one in a wide chart, each
with at most this many labels ("Jan 2025" needs about 64 px: 4 fit 300 px, 9 fit 600)."""
STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120)
"""Months between labels: steps that keep labels on the same calendar months."""


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
    versions: list[DocumentVersion]
    """The versions recorded that month, oldest first, each drawn as a mark; a run of
    alternations is drawn once, as its first version, in the month it began."""


@dataclass(slots=True)
class AxisLabel:
    """A date label under the chart, spanning the columns up to the next label (so labels
    never overlap and the last one is never cut)."""

    text: str
    """'Jan 2025'."""
    start: int
    """Its first column (1-based, a CSS grid line)."""
    span: int
    """How many columns it spans."""


@dataclass(slots=True)
class Axis:
    """The labels of one width of chart."""

    name: str
    """'narrow' or 'wide' (see :data:`AXES`)."""
    labels: list[AxisLabel]
    """Its labels, left to right."""


@dataclass(slots=True)
class Timeline:
    """What a timeline draws, for the template."""

    months: list[Month]
    """Every month from the first version's to the last's."""
    axes: list[Axis]
    """The date axes, one per width of chart."""
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
    months = [Month(f"{_MONTH_NAMES[m - 1]} {y}", by_month.get((y, m), [])) for y, m in keys]
    counts = Counter(entry.kind for entry in document.versions)
    order = {kind: index for index, kind in enumerate(KIND_ORDER)}
    kinds = sorted(counts, key=lambda k: (order.get(k, len(order)), k.value))
    return Timeline(
        months,
        [Axis(name, axis_labels(keys, most)) for name, most in AXES],
        [(kind, counts[kind]) for kind in kinds],
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


def axis_labels(keys: list[tuple[int, int]], most: int) -> list[AxisLabel]:
    """At most ``most`` labels for the months ``keys`` (year, month): every ``step`` months
    on the calendar (January, April... for a step of 3), each spanning its step; a label
    with less than a full step of columns left is not drawn (it would be cut)."""
    count = len(keys)
    step = next((s for s in STEPS if -(-count // s) <= most), STEPS[-1])
    labels: list[AxisLabel] = []
    for index, (year, month) in enumerate(keys):
        serial = year * 12 + month - 1
        if serial % step or (count > 1 and count - index < min(step, count)):
            continue
        labels.append(AxisLabel(f"{_MONTH_NAMES[month - 1]} {year}", index + 1, step))
    if not labels:  # a short history: its first month
        year, month = keys[0]
        labels.append(AxisLabel(f"{_MONTH_NAMES[month - 1]} {year}", 1, count))
    for label, following in pairwise(labels):
        label.span = following.start - label.start
    labels[-1].span = count + 1 - labels[-1].start
    return labels


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
