"""Text as compared when matching quotes and aligning clauses: what copy and paste changes
(Unicode compatibility forms, quote marks, dashes, white space) is made the same."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..untrusted import clean_text

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


REMEMBERED = 1_000
"""Texts up to this many characters are remembered once normalised: with at most 32,768 of
them, the memo stays within about 64 MB however long the archive's clauses are (a page
captured as one paragraph is a clause of hundreds of kilobytes)."""


def normalise(text: str) -> str:
    """Text as compared when matching quotes (remembered: clauses recur across versions)."""
    return _remembered(text) if len(text) <= REMEMBERED else _normalise(text)


@lru_cache(maxsize=1 << 15)
def _remembered(text: str) -> str:
    return _normalise(text)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", clean_text(text)).translate(_TYPOGRAPHY)
    return _SPACE.sub(" ", text).strip()
