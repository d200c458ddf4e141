"""Word-level differences inside a changed clause, bounded in time.

Versions are first aligned clause by clause (:mod:`.align`), so word diffs
only ever run on two short texts. A pair too large to diff word by word within the budget
falls back to a coarse diff (the whole old text deleted, the whole new text inserted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
WORD_BUDGET = 2_000_000  # product of token counts above which a pair is diffed coarsely


@dataclass(slots=True, frozen=True)
class Segment:
    """A run of text that is kept, inserted or deleted."""

    op: str
    """'=', '+' or '-'."""
    text: str
    """The text of the run, white space included."""


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[Segment]:
    """Segments that rebuild ``old`` (= and -) and ``new`` (= and +) exactly."""
    a, b = tokens(old), tokens(new)
    # Edits are usually local: the common beginning and end are kept as they are, and only
    # the middle goes to the (quadratic) matcher.
    limit = min(len(a), len(b))
    head = 0
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    if len(middle_a) * len(middle_b) > WORD_BUDGET:
        return [s for s in (Segment("-", old), Segment("+", new)) if s.text]
    segments: list[Segment] = []
    if head:
        segments.append(Segment("=", "".join(a[:head])))
    matcher = SequenceMatcher(None, middle_a, middle_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("=", "".join(middle_a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("-", "".join(middle_a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("+", "".join(middle_b[j1:j2])))
    if tail:
        segments.append(Segment("=", "".join(a[len(a) - tail :])))
    return _merge(segments)


def _merge(segments: list[Segment]) -> list[Segment]:
    """Join runs so that a change reads as words, not as scattered fragments.

    A single space kept between two changes is absorbed into both of them, which turns
    'a̶ b̶ c̶' patterns into one deletion and one insertion, as readers expect.
    """
    out: list[Segment] = []
    for segment in segments:
        if out and out[-1].op == segment.op:
            out[-1] = Segment(segment.op, out[-1].text + segment.text)
        else:
            out.append(segment)
    merged: list[Segment] = []
    index = 0
    while index < len(out):
        segment = out[index]
        following: list[Segment] = []
        scan = index + 1
        while scan < len(out) and out[scan].op != "=":
            following.append(out[scan])
            scan += 1
        before = [s for s in merged[-2:] if s.op != "="] if merged and merged[-1].op != "=" else []
        around = before + following
        if (
            segment.op == "="
            and segment.text.isspace()
            and before
            and following
            and any(s.op == "-" for s in around)
            and any(s.op == "+" for s in around)
        ):
            # A blank kept between two changes joins both: 'a b' -> 'x y' reads as one
            # deletion and one insertion rather than two of each. It goes into both sides,
            # so both texts are still rebuilt exactly.
            merged = merged[: len(merged) - len(before)]
            deleted = "".join(s.text for s in before if s.op == "-")
            inserted = "".join(s.text for s in before if s.op == "+")
            deleted += segment.text + "".join(s.text for s in following if s.op == "-")
            inserted += segment.text + "".join(s.text for s in following if s.op == "+")
            merged.append(Segment("-", deleted))
            merged.append(Segment("+", inserted))
            index = scan
        else:
            merged.append(segment)
            index += 1
    return merged


def rebuild(segments: list[Segment]) -> tuple[str, str]:
    """The old and new texts a diff describes (for checking diffs are lossless)."""
    old = "".join(s.text for s in segments if s.op != "+")
    new = "".join(s.text for s in segments if s.op != "-")
    return old, new


def word_count(text: str) -> int:
    return len(text.split())
