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
from ..text.views import TextView
from .sequences import SequenceMatcher
from .worddiff import word_diff


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

    def view(self, version: Version) -> TextView:
        """A version's parsed text."""
        return self._texts.view(version)

    def find(self, quote: str, version: Version) -> QuoteMatch | None:
        """The blocks of ``version`` holding ``quote`` verbatim (after normalising)."""
        return locate(quote, self.searchable(version))


@dataclass(slots=True, frozen=True)
class Passage:
    """The passage of a text that comes nearest to a quote that is not in it."""

    text: str
    """The passage, normalised like quotes are (white space, quote marks, dashes)."""
    line: int
    """The source line of the archived text where the passage starts."""
    similarity: float
    """How alike the quote and the passage are, from 0 to 1 (difflib's ratio on words)."""


_CANDIDATES = 6
"""Blocks looked at closely: those sharing the most words with the quote."""


def _words(text: str) -> list[str]:
    return text.split(" ") if text else []


_PUNCTUATION = ".,;:!?\"'()[]«»“”‘’…"


def _word_key(word: str) -> str:
    """A word as it is matched: case and the punctuation around it aside ("Terms," is
    "terms"), so that a quote ending before a comma still lines up with its last word."""
    return word.strip(_PUNCTUATION).lower() or word


def _best_window(quote: list[str], words: list[str]) -> tuple[int, int]:
    """The stretch of ``words`` that best lines up with ``quote``: the window of the quote's
    length sharing the most words with it, trimmed to where the two match."""
    if len(words) <= len(quote) + 4:
        start, end = 0, len(words)
    else:
        wanted = {_word_key(w) for w in quote}
        hits = [1 if _word_key(w) in wanted else 0 for w in words]
        size = len(quote)
        best = score = sum(hits[:size])
        start = 0
        for index in range(1, len(words) - size + 1):
            score += hits[index + size - 1] - hits[index - 1]
            if score > best:
                best, start = score, index
        start, end = max(0, start - 3), min(len(words), start + size + 3)
    window = words[start:end]
    matcher = SequenceMatcher(None, [_word_key(w) for w in quote], [_word_key(w) for w in window])
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return start, end
    return start + blocks[0].b, start + blocks[-1].b + blocks[-1].size


def nearest_passage(quote: str, view: TextView) -> Passage | None:
    """The passage of a text most like ``quote``, for telling a contributor what the text
    says where their quote differs. Looks closely only at the few blocks (alone, or with the
    next one when the quote is longer) sharing the most words with the quote."""
    forms = quote_forms(quote)
    if not forms or not view.blocks:
        return None
    quote_words = _words(forms[-1])
    wanted = {w.lower() for w in quote_words}
    texts = view.normalised
    shared = sorted(
        (
            (-len(wanted.intersection(w.lower() for w in _words(text))), index)
            for index, text in enumerate(texts)
        ),
    )[:_CANDIDATES]
    best: Passage | None = None
    for score, index in shared:
        if score == 0:
            continue
        spans = [(index, index + 1)]
        if len(_words(texts[index])) < len(quote_words) and index + 1 < len(texts):
            spans.append((index, index + 2))
        for first, last in spans:
            words = _words(" ".join(texts[first:last]))
            start, end = _best_window(quote_words, words)
            passage = _trimmed_like(quote_words, words[start:end])
            similarity = SequenceMatcher(
                None,
                [_word_key(w) for w in quote_words],
                [_word_key(w) for w in words[start:end]],
                autojunk=False,
            ).ratio()
            if best is None or similarity > best.similarity:
                best = Passage(passage, view.blocks[first].line_start, similarity)
    return best


def _trimmed_like(quote: list[str], passage: list[str]) -> str:
    """The passage, without the punctuation its first and last words carry where the quote's
    have none (a quote may start or stop inside a sentence: "these Terms" of "these Terms,")."""
    if passage and quote:
        passage = list(passage)
        if quote[-1].rstrip(_PUNCTUATION) == quote[-1]:
            passage[-1] = passage[-1].rstrip(_PUNCTUATION) or passage[-1]
        if quote[0].lstrip(_PUNCTUATION) == quote[0]:
            passage[0] = passage[0].lstrip(_PUNCTUATION) or passage[0]
    return " ".join(passage)


def marked_differences(quote: str, passage: str, context: int = 5) -> str:
    """What differs from ``quote`` to ``passage``, on one line: ``[-quote's words-]`` and
    ``{+the text's words+}``, with long unchanged stretches shortened to their ends."""
    segments = word_diff(quote, passage)
    out: list[str] = []
    for number, segment in enumerate(segments):
        if segment.op == "-":
            out.append(f"[-{segment.text}-]")
            continue
        if segment.op == "+":
            out.append(f"{{+{segment.text}+}}")
            continue
        words = segment.text.split(" ")
        first, last = number == 0, number == len(segments) - 1
        if (first and last) or len(words) <= 2 * context + 1:
            out.append(segment.text)
        elif first:
            out.append(" ".join(["…", *words[-context - 1 :]]))
        elif last:
            out.append(" ".join([*words[: context + 1], "…"]))
        else:
            out.append(" ".join([*words[: context + 1], "…", *words[-context - 1 :]]))
    return "".join(out)
