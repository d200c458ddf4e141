"""No archived text is dropped by markdown-it's nesting limit (issue 19, item 4): lists and
quotes nested deeper than 20 levels keep their words (read as flat text), a reference
definition in the text changes nothing, and the history does not report clauses removed
that the platform never removed."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import TERMS_V1, assert_same_as_whole, build_site, every_page, make_site
from words import html_words, text_words

from generator.text import safemd
from generator.text.blocks import parse_text

DEEP_LIST = "".join("  " * i + f"- level{i} item{i}\n" for i in range(40))
DEEP_QUOTE = "".join(">" * i + f" quote{i}\n\n" for i in range(1, 45))
MIXED = "".join("   " * i + f"1. > - mixed{i}\n" for i in range(25))
DEEP_ONE_LINE = ">" * 150 + " bottom\n"
LOOSE_LIST = "".join("  " * i + f"- loose{i}\n\n" for i in range(30))
REFERENCE = "\n[ref]: https://example.org/ref\n\nafter the nesting, see [the ref][ref].\n"


@pytest.mark.parametrize(
    "text",
    [
        DEEP_LIST,
        DEEP_QUOTE,
        MIXED,
        DEEP_ONE_LINE,
        LOOSE_LIST,
        DEEP_LIST + REFERENCE,
        DEEP_QUOTE + REFERENCE,
        REFERENCE + DEEP_LIST + "\n# Last heading\n\nlast words\n",
    ],
)
def test_deep_nesting_keeps_every_word(text: str) -> None:
    parsed = parse_text(text, "blob")
    rendered = html_words(safemd.render_tokens(parsed.tokens))
    assert text_words(text) - rendered == set()
    assert text_words(text) - {w for b in parsed.blocks for w in html_words(b.text)} == set()
    assert_same_as_whole(text)


def test_a_hostile_depth_neither_crashes_nor_loses_its_words() -> None:
    for text in (">" * 20_000 + " bottom\n", "- " * 20_000 + "bottom\n"):
        parsed = parse_text(text, "blob")
        assert "bottom" in html_words(safemd.render_tokens(parsed.tokens))


def test_deep_nesting_is_not_a_removal_in_the_history(tmp_path: Path) -> None:
    v1 = TERMS_V1 + "\n" + DEEP_LIST + REFERENCE
    v2 = v1.replace("You may use", "You can use")
    config = make_site(tmp_path, texts=(v1, v2), dates=("2024-01-15", "2024-02-01"), provisions={})
    build = build_site(config)
    assert not build.diagnostics.errors
    assert build.model is not None
    (document,) = build.model.documents.values()
    second = document.versions[1]
    assert second.stats is not None
    assert (second.stats.removed, second.stats.added) == (0, 0)
    pages = {page.url: page.html for page in every_page(build)}
    assert text_words(v1) - html_words(pages["acme/terms/2024-01-15/"]) == set()
