"""Word-level differences between two texts, fine-grained at any size and bounded in time.

The texts are compared sentence by sentence first, then clause by clause (at commas and
semicolons) inside the sentences that differ, then word by word inside the clauses that
differ. Each comparison is bounded: when two differing runs are too long to compare word by
word, the next coarser unit is used for that run alone (a few sentences or clauses shown as
deleted and inserted), never the whole text. The browser's compare view runs the same
algorithm (``templates/assets/compare.js``); both run the fixture files of
tests/fixtures/compare/ (tests/test_golden_compare.py).
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import NamedTuple

from .sequences import SequenceMatcher

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
WORD_BUDGET = 4_000_000
"""Product of two runs' token counts above which they are compared by coarser units."""
# Where a unit ends, level by level: after the end of a sentence, after a clause mark.
_UNIT_ENDS = (frozenset(".!?"), frozenset(",;:"))


class Segment(NamedTuple):
    """A run of text that is kept, inserted or deleted (a named tuple: diffs are cached)."""

    op: str
    """'=', '+' or '-'."""
    text: str
    """The text of the run, white space included."""


def tokens(text: str) -> list[str]:
    """Words, single punctuation marks and runs of white space, in order."""
    return _TOKEN.findall(text)


Opcode = tuple[str, int, int, int, int]


def word_diff(old: str, new: str) -> list[Segment]:
    """Segments that rebuild ``old`` (= and -) and ``new`` (= and +) exactly."""
    a, b = tokens(old), tokens(new)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in token_opcodes(a, b):
        if tag == "equal":
            segments.append(Segment("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("-", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("+", "".join(b[j1:j2])))
    return _merge(segments)


def token_opcodes(a: list[str], b: list[str]) -> list[Opcode]:
    """Opcodes (as difflib's) turning tokens ``a`` into ``b``, in order."""
    out: list[Opcode] = []
    _diff(a, b, 0, len(a), 0, len(b), 0, out)
    return _join(out)


def _diff(
    a: list[str],
    b: list[str],
    alo: int,
    ahi: int,
    blo: int,
    bhi: int,
    level: int,
    out: list[Opcode],
) -> None:
    # Edits are usually local: the common beginning and end are kept as they are.
    head = 0
    while alo + head < ahi and blo + head < bhi and a[alo + head] == b[blo + head]:
        head += 1
    tail = 0
    while (
        ahi - tail > alo + head
        and bhi - tail > blo + head
        and a[ahi - 1 - tail] == b[bhi - 1 - tail]
    ):
        tail += 1
    if head:
        out.append(("equal", alo, alo + head, blo, blo + head))
    alo, blo, ahi_m, bhi_m = alo + head, blo + head, ahi - tail, bhi - tail
    if alo < ahi_m or blo < bhi_m:
        if alo == ahi_m or blo == bhi_m or (ahi_m - alo) * (bhi_m - blo) <= WORD_BUDGET:
            _by_tokens(a, b, alo, ahi_m, blo, bhi_m, out)
        elif level < len(_UNIT_ENDS):
            _by_units(a, b, alo, ahi_m, blo, bhi_m, level, out)
        else:
            out.append(("replace", alo, ahi_m, blo, bhi_m))
    if tail:
        out.append(("equal", ahi_m, ahi, bhi_m, bhi))


def _by_tokens(
    a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int, out: list[Opcode]
) -> None:
    matcher = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        out.append((tag, alo + i1, alo + i2, blo + j1, blo + j2))


def _units(tokens_: list[str], lo: int, hi: int, ends: frozenset[str]) -> list[int]:
    """Where each unit starts (and, last, ``hi``): a unit ends after an end mark and the
    white space that follows it, or after white space holding a line break."""
    starts = [lo]
    index = lo
    while index < hi:
        token = tokens_[index]
        index += 1
        if token in ends and index < hi and tokens_[index].isspace():
            index += 1
        elif not ("\n" in token and token.isspace()):
            continue
        if index < hi:
            starts.append(index)
    starts.append(hi)
    return starts


def _by_units(
    a: list[str],
    b: list[str],
    alo: int,
    ahi: int,
    blo: int,
    bhi: int,
    level: int,
    out: list[Opcode],
) -> None:
    ends = _UNIT_ENDS[level]
    starts_a, starts_b = _units(a, alo, ahi, ends), _units(b, blo, bhi, ends)
    units_a = ["".join(a[s:e]) for s, e in pairwise(starts_a)]
    units_b = ["".join(b[s:e]) for s, e in pairwise(starts_b)]
    matcher = SequenceMatcher(None, units_a, units_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        ta1, ta2, tb1, tb2 = starts_a[i1], starts_a[i2], starts_b[j1], starts_b[j2]
        if tag == "equal":
            out.append(("equal", ta1, ta2, tb1, tb2))
        else:
            _diff(a, b, ta1, ta2, tb1, tb2, level + 1, out)


def _join(opcodes: list[Opcode]) -> list[Opcode]:
    """Adjacent opcodes of the same kind made one (the levels cut runs at unit borders)."""
    joined: list[Opcode] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if i1 == i2 and j1 == j2:
            continue
        if tag != "equal":
            tag = "replace"
        if joined and joined[-1][0] == tag:
            previous = joined[-1]
            joined[-1] = (tag, previous[1], i2, previous[3], j2)
        else:
            joined.append((tag, i1, i2, j1, j2))
    return joined


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


def changed_words(segments: list[Segment]) -> tuple[int, int]:
    """Words inserted and words deleted by a diff: the white-space-separated words of each
    text that a change touches (an edited URL is one changed word, as a reader sees it)."""
    return _touched(segments, "+"), _touched(segments, "-")


def _touched(segments: list[Segment], op: str) -> int:
    count = 0
    in_word = touched = False
    for segment in segments:
        if segment.op not in ("=", op):
            continue
        changed = segment.op == op
        for char in segment.text:
            if char.isspace():
                count += in_word and touched
                in_word = touched = False
            else:
                in_word = True
                touched = touched or changed
    return count + (in_word and touched)
