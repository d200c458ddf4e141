"""Where an analysis's quote stands in a version's text.

Matching is exact after normalising what copy and paste changes: Unicode compatibility
forms, quote marks, dashes, non-breaking and repeated white space, and Markdown markup.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from dataclasses import dataclass

from ..archive.history import Version
from ..text import safemd
from ..text.blocks import ParsedText
from ..text.normalise import normalise
from ..text.source import TextSource


@dataclass(slots=True)
class SearchableText:
    """A parsed text's blocks, normalised and joined once for quote look-ups."""

    joined: str
    """Normalised block texts joined by single spaces."""
    starts: list[int]
    """Offset in ``joined`` where each block starts."""

    @classmethod
    def of(cls, parsed: ParsedText) -> SearchableText:
        return cls.from_normalised([normalise(block.text) for block in parsed.blocks])

    @classmethod
    def from_normalised(cls, texts: list[str]) -> SearchableText:
        starts: list[int] = []
        offset = 0
        for text in texts:
            starts.append(offset)
            offset += len(text) + 1
        return cls(" ".join(texts), starts)

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


class QuoteIndex:
    """Quotes looked up in versions' texts, each text joined for searching once."""

    LRU_SIZE = 24

    def __init__(self, texts: TextSource) -> None:
        self._texts = texts
        self._searchable: OrderedDict[str, SearchableText] = OrderedDict()

    def searchable(self, version: Version) -> SearchableText:
        found = self._searchable.get(version.blob)
        if found is None:
            found = SearchableText.from_normalised(self._texts.view(version).normalised)
            self._searchable[version.blob] = found
            if len(self._searchable) > self.LRU_SIZE:
                self._searchable.popitem(last=False)
        return found

    def find(self, quote: str, version: Version) -> QuoteMatch | None:
        """The blocks of ``version`` holding ``quote`` verbatim (after normalising)."""
        return locate(quote, self.searchable(version))
