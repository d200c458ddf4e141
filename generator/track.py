"""Stage 3, track: find each analysis's quote in a version's text.

Matching is exact after normalising what copy and paste changes: Unicode compatibility
forms, quote marks, dashes, non-breaking and repeated white space, and Markdown markup.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

from . import safemd
from .parse import ParsedText

_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u00b4": "'", "\u0060": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
    }
)  # fmt: skip
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text as compared when matching quotes."""
    text = unicodedata.normalize("NFKC", safemd.clean_text(text)).translate(_TYPOGRAPHY)
    return _SPACE.sub(" ", text).strip()


@dataclass(slots=True)
class SearchableText:
    """A parsed text's blocks, normalised and joined once for quote look-ups."""

    joined: str
    """Normalised block texts joined by single spaces."""
    starts: list[int]
    """Offset in ``joined`` where each block starts."""

    @classmethod
    def of(cls, parsed: ParsedText) -> SearchableText:
        parts: list[str] = []
        starts: list[int] = []
        offset = 0
        for block in parsed.blocks:
            text = normalise(block.text)
            starts.append(offset)
            parts.append(text)
            offset += len(text) + 1
        return cls(" ".join(parts), starts)

    def blocks_between(self, start: int, end: int) -> tuple[int, ...]:
        first = bisect.bisect_right(self.starts, start) - 1
        last = bisect.bisect_right(self.starts, max(start, end - 1)) - 1
        return tuple(range(max(first, 0), last + 1))


@dataclass(slots=True, frozen=True)
class QuoteMatch:
    """Where a quote stands in one text."""

    blocks: tuple[int, ...]
    """Indexes of the blocks the quote covers (one or more, consecutive)."""


def quote_forms(quote: str) -> list[str]:
    """The quote as written, and as plain text if it was pasted with Markdown markup."""
    forms = [normalise(quote)]
    plain = normalise(safemd.markdown_to_text(quote))
    if plain and plain not in forms:
        forms.append(plain)
    return [f for f in forms if f]


def locate(quote: str, text: SearchableText) -> QuoteMatch | None:
    """The blocks holding ``quote`` verbatim (after normalising), or ``None``."""
    for form in quote_forms(quote):
        start = text.joined.find(form)
        if start >= 0:
            return QuoteMatch(text.blocks_between(start, start + len(form)))
    return None
