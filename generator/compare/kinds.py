"""The kind of a version's change: does it matter to a reader of the terms?

Each version gets one kind from a small vocabulary, computed from its changes (a hand-written
change note may set another). The rules, from the most to the least significant kind found
among a version's changed clauses:

- substantive: words of the text changed, beyond what the kinds below allow;
- editorial: only punctuation, capitalisation, white space, the numbering of clauses, the
  order of clauses, or typo-level edits (a word edited by one letter, two in long words,
  never a number, a plural or a negation);
- dates only: only dates changed (a "last updated" line);
- links only: only the targets of links changed;
- formatting: only Markdown markup changed (or nothing a reader sees).

A version is also the first record, a technical re-extraction (the archive says so: the
extraction changed, not the platform's text), a removal, or the restoring of a removed text.
"""

from __future__ import annotations

import enum
import re
import unicodedata

from ..archive.history import VersionKind
from .align import ADDED, CHANGED, MOVED, REMOVED, REWRITTEN
from .changes import REFORMATTED, RELINKED, Change
from .worddiff import Segment


class ChangeKind(enum.Enum):
    """The vocabulary of kinds of change; values are stable slugs (feeds' category terms)."""

    FIRST = "first-record"
    SUBSTANTIVE = "substantive"
    EDITORIAL = "editorial"
    DATES = "dates-only"
    LINKS = "links-only"
    FORMATTING = "formatting"
    TECHNICAL = "technical"
    REMOVAL = "removal"
    RESTORED = "restored"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def noise(self) -> bool:
        """Whether a reader of the terms can pass it by (nothing of substance changed)."""
        return self in (
            ChangeKind.EDITORIAL,
            ChangeKind.DATES,
            ChangeKind.LINKS,
            ChangeKind.FORMATTING,
            ChangeKind.TECHNICAL,
        )


_LABELS = {
    ChangeKind.FIRST: "First record",
    ChangeKind.SUBSTANTIVE: "Substantive",
    ChangeKind.EDITORIAL: "Editorial",
    ChangeKind.DATES: "Dates only",
    ChangeKind.LINKS: "Links only",
    ChangeKind.FORMATTING: "Formatting",
    ChangeKind.TECHNICAL: "Technical re-extraction",
    ChangeKind.REMOVAL: "Removal",
    ChangeKind.RESTORED: "Restored",
}
# From the most to the least significant, for a version with changes of several kinds.
_ORDER = (
    ChangeKind.SUBSTANTIVE,
    ChangeKind.EDITORIAL,
    ChangeKind.DATES,
    ChangeKind.LINKS,
    ChangeKind.FORMATTING,
)

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "janvier",
    "février",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "decembre",
    "januar",
    "februar",
    "märz",
    "maerz",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "gennaio",
    "febbraio",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "settembre",
    "ottobre",
    "dicembre",
    "januari",
    "februari",
    "maart",
    "mei",
    "augustus",
    "oktober",
]
_DATE = re.compile(
    r"\b(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"
    r"|(?:\d{1,2}(?:st|nd|rd|th|er|\.)?\s+)?(?:" + "|".join(_MONTHS) + r")\.?"
    r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?,?(?:\s+\d{4})?)\b",
    re.IGNORECASE,
)
_ENUMERATOR = re.compile(r"^\s*(?:\(?(?:\d+(?:\.\d+)*|[a-z]|[ivxlc]+)[.)]\s+)+", re.IGNORECASE)
_NEGATIONS = ("un", "in", "im", "il", "ir", "non", "dis", "not")


def canonical(text: str) -> str:
    """Text with what editorial changes touch taken away: case, punctuation, white space
    and a clause's leading number."""
    text = _ENUMERATOR.sub("", unicodedata.normalize("NFKC", text))
    return "".join(c for c in text.casefold() if c.isalnum())


def without_dates(text: str) -> str:
    return _DATE.sub(" DATE ", text)


_MONTH_WORDS = frozenset(_MONTHS)
_NUMBER_PART = re.compile(r"\d+(?:st|nd|rd|th|er)?")
_ALNUM_RUN = re.compile(r"[^\W_]+")


def _date_word(word: str) -> bool:
    """Whether a word could be part of a date (numbers, months, ordinals, whatever joins
    them), or could be dropped by :func:`canonical` (no letter or digit; a list number):
    both quick tests below stay exact as long as this says yes to every such word (a yes
    only costs time)."""
    if _ENUMERATOR.fullmatch(word + " "):
        return True
    return all(
        part in _MONTH_WORDS or _NUMBER_PART.fullmatch(part)
        for part in _ALNUM_RUN.findall(word.casefold())
    )


def _only_date_words(segments: tuple[Segment, ...]) -> bool:
    """Whether every word a diff inserts or deletes could be part of a date: without it, a
    change cannot be dates only, and the date pattern, slow on long clauses, need not run."""
    return all(
        _date_word(word)
        for segment in segments
        if segment.op != "="
        for word in segment.text.split()
    )


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit (optimal string
    alignment), or ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def _typo(old: str, new: str) -> bool:
    """Whether one word became the other by a typo-level edit."""
    a, b = old.casefold(), new.casefold()
    if not (a.isalpha() and b.isalpha()) or min(len(a), len(b)) < 4:
        return False
    short, long_ = sorted((a, b), key=len)
    if long_ in (short + "s", short + "es") or any(long_ == p + short for p in _NEGATIONS):
        return False
    return _edit_distance(a, b, 2) <= (2 if min(len(a), len(b)) >= 9 else 1)


def _typo_level(segments: tuple[Segment, ...]) -> bool:
    """Whether every edit of a word diff replaces words one for one by typo-level edits."""
    index = 0
    found = False
    while index < len(segments):
        segment = segments[index]
        if segment.op == "=":
            index += 1
            continue
        deleted = segment.text.split() if segment.op == "-" else []
        inserted = segment.text.split() if segment.op == "+" else []
        if segment.op == "-" and index + 1 < len(segments) and segments[index + 1].op == "+":
            inserted = segments[index + 1].text.split()
            index += 1
        index += 1
        if len(deleted) != len(inserted):
            return False
        for old_word, new_word in zip(deleted, inserted, strict=True):
            if canonical(old_word) == canonical(new_word):
                continue
            if not _typo(canonical(old_word), canonical(new_word)):
                return False
            found = True
    return found


def text_kind(old: str, new: str, segments: tuple[Segment, ...]) -> ChangeKind:
    """The kind of an edit of a clause's (or a passage's) text."""
    if canonical(old) == canonical(new):
        return ChangeKind.EDITORIAL
    if _only_date_words(segments) and canonical(without_dates(old)) == canonical(
        without_dates(new)
    ):
        return ChangeKind.DATES
    if _typo_level(segments):
        return ChangeKind.EDITORIAL
    return ChangeKind.SUBSTANTIVE


_DATED_WORDS = 4
"""A clause added or removed whole is a date when, its dates taken out, at most this many
words are left ("Last updated:", "Effective from")."""


def _added_kind(text: str) -> ChangeKind:
    """The kind of a clause added or removed whole: a line of punctuation is editorial, a
    date with a few words ("Last updated: ...") is a date."""
    if not canonical(text):
        return ChangeKind.EDITORIAL
    if sum(1 for word in text.split() if not _date_word(word)) > _DATED_WORDS:
        return ChangeKind.SUBSTANTIVE  # more words than a dated line, whatever its dates
    undated = without_dates(text)
    if undated != text and len(undated.replace(" DATE ", " ").split()) <= _DATED_WORDS:
        return ChangeKind.DATES
    return ChangeKind.SUBSTANTIVE


def classify(
    changes: list[Change], old_texts: list[str] | None, new_texts: list[str]
) -> ChangeKind:
    """The kind of a version's changes (its block texts as compared, before and after)."""
    found: set[ChangeKind] = set()
    for change in changes:
        if change.status in (CHANGED, REWRITTEN):
            assert old_texts is not None
            old = "\n\n".join(old_texts[i] for i in change.old)
            new = "\n\n".join(new_texts[j] for j in change.new)
            found.add(text_kind(old, new, change.segments))
            if change.links:
                found.add(ChangeKind.LINKS)
        elif change.status == ADDED:
            found.add(_added_kind(" ".join(new_texts[j] for j in change.new)))
        elif change.status == REMOVED and old_texts is not None:
            found.add(_added_kind(" ".join(old_texts[i] for i in change.old)))
        elif change.status == MOVED:
            found.add(ChangeKind.LINKS if change.links else ChangeKind.EDITORIAL)
        elif change.status == RELINKED:
            found.add(ChangeKind.LINKS)
        elif change.status == REFORMATTED:
            found.add(ChangeKind.FORMATTING)
    for kind in _ORDER:
        if kind in found:
            return kind
    return ChangeKind.FORMATTING


def version_kind(
    recorded: VersionKind, after_removal: bool, computed: ChangeKind | None
) -> ChangeKind:
    """A version's kind: what the archive says it is, or what its changes are."""
    if recorded is VersionKind.REMOVAL:
        return ChangeKind.REMOVAL
    if recorded is VersionKind.TECHNICAL:
        return ChangeKind.TECHNICAL
    if after_removal:
        return ChangeKind.RESTORED
    if recorded is VersionKind.FIRST or computed is None:
        return ChangeKind.FIRST
    return computed
