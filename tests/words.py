"""Every word of an archived text, as a parser without a nesting limit reads it, and the words
of a page's rendered text: what tests compare to hold that no text is dropped."""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

from generator.untrusted import clean_text

_UNLIMITED = MarkdownIt("commonmark", {"html": False, "maxNesting": 10_000}).enable(
    ["table", "strikethrough"]
)
_WORD = re.compile(r"\w+")
_TAG = re.compile(r"<[^>]+>")


def _inline_words(children: list) -> list[str]:  # type: ignore[type-arg]
    words: list[str] = []
    for token in children or []:
        if token.type in ("text", "code_inline"):
            words += _WORD.findall(token.content)
        elif token.type == "image":
            words += _inline_words(token.children)
    return words


def text_words(text: str) -> set[str]:
    """The words a reader should find of ``text`` (link targets and reference definitions
    are not text)."""
    words: set[str] = set()
    for token in _UNLIMITED.parse(clean_text(text).replace("\r\n", "\n").replace("\r", "\n")):
        if token.type == "inline":
            words.update(_inline_words(token.children))
        elif token.type in ("fence", "code_block"):
            words.update(_WORD.findall(token.content))
    return words


def html_words(page: str) -> set[str]:
    return set(_WORD.findall(html.unescape(_TAG.sub(" ", page))))


def archived_text_html(page: str) -> str:
    """The part of a version page that holds its text."""
    start = page.index('<div class="govsite-archived-text">')
    end = page.find('<section class="govsite-cite', start)
    return page[start : end if end > 0 else len(page)]
