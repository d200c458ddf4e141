import datetime as dt
from pathlib import Path
from textwrap import dedent

from golden import assert_golden
from helpers import assert_same_as_whole
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.helpers import parseLinkDestination

from generator.archive.history import Version, VersionKind
from generator.cache import Cache
from generator.text import safemd
from generator.text.blocks import (
    _pieces_by_lines,
    _pieces_without_fences,
    parse_text,
    top_level_pieces,
)
from generator.text.source import TextSource, _weight
from generator.text.views import fill_view, make_view

SAMPLE = dedent(
    """\
    # Terms

    Intro paragraph
    over two lines.

    ## 1. Data

    - first item;
    - second *item*.

    1. Loose item.

       Its second paragraph.

    | Plan | Price |
    | ---- | ----- |
    | Free | 0     |

        indented code

    > Quoted clause.
    """
)


def test_golden_blocks() -> None:
    parsed = parse_text(SAMPLE, "blob")
    assert_golden("parse_blocks.json", [b._asdict() for b in parsed.blocks])


def test_blocks_carry_plain_text_and_lines() -> None:
    parsed = parse_text(SAMPLE, "blob")
    kinds = [(b.kind, b.text, b.line_start, b.line_end) for b in parsed.blocks]
    assert kinds[:4] == [
        ("heading", "Terms", 1, 1),
        ("paragraph", "Intro paragraph over two lines.", 3, 4),
        ("heading", "1. Data", 6, 6),
        ("paragraph", "first item;", 8, 8),
    ]
    assert ("paragraph", "second item.", 9, 9) in kinds
    assert ("table", "Plan Price Free 0", 15, 17) in kinds


def test_golden_rendering_with_marker() -> None:
    from markupsafe import Markup

    parsed = parse_text(SAMPLE, "blob")
    anchors = [f"c{i}" for i in range(len(parsed.blocks))]
    view = make_view(parsed)
    html = fill_view(view, anchors, {3: [Markup('<a class="m" href="x/">A</a> ')]})
    assert_golden("parse_render.html", html)
    # every block carries its anchor, also inside tight lists and tables
    for anchor in anchors:
        assert f'id="{anchor}"' in html
    # the shared tokens are not changed by marking
    assert "govsite-marked" not in fill_view(view, anchors)


# Parsing in pieces (each distinct piece once) must give exactly what parsing whole gives.

LINES = [
    "# Heading", "## 2. Sub", "Plain clause text.", "", "", "- item", "  - nested item",
    "* star item", "1. numbered", "2) other", "   continued", "```", "```py", "~~~", "````",
    "  ```", "- ```", "    indented code", "> quoted", ">", "| a | b |", "| --- | --- |",
    "***", "---", "===", "Text with [a link](#heading) and *stress*.", "\tTabbed",
    "``` not `a fence", "<div>raw</div>", "Setext title", "[ref]", "\u00a0nbsp start",
    "> ```", "   ~~~", "1. ```", "    ```",
]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=40), st.sampled_from(["\n", "\r\n"]))
def test_parsing_in_pieces_equals_parsing_whole(lines: list[str], newline: str) -> None:
    assert_same_as_whole(newline.join(lines))


CUT_LINES = ["", " ", "\t", " \t ", "text", " text", "- x", "-", "-\t", "-x", "+ q", "* r", "*", "1. y", "1.", "1)", "1.x", "1234567890. z", "12345678901. z", "# h", "> q", "    code", "|a|", "---", "===", "\u00a0nbsp", "\x1cfs", "\x85x"]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(CUT_LINES), max_size=16), st.booleans())
def test_pieces_of_a_text_without_fences_are_found_as_line_by_line(
    lines: list[str], final_newline: bool
) -> None:
    text = "\n".join(lines) + ("\n" if final_newline else "")
    assert _pieces_without_fences(text) == _pieces_by_lines(text)


FENCE_LINES = ["```", "  ```", "   ~~~", "~~~", "````", "- item", "- ```", "> ```", "1. x", "", "", "# H", "text", "    code"]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(FENCE_LINES), max_size=12))
def test_parsing_in_pieces_equals_parsing_whole_around_fences(lines: list[str]) -> None:
    assert_same_as_whole("\n".join(lines))


def test_pieces_cut_only_where_a_top_level_block_starts() -> None:
    text = "# A\n\npara\n\n- item\n\n- item\n\n```\n\n# not a heading\n```\n\nlast\n"
    pieces = top_level_pieces(text)
    assert [line for line, _ in pieces] == [0, 2, 8, 13]
    assert "".join(piece for _, piece in pieces) == text
    assert_same_as_whole(text)


def test_a_fence_that_may_be_inside_a_list_item_keeps_a_text_whole() -> None:
    # The indented fence belongs to the list item; the one at the margin then opens a fence
    # at the top level that runs to the end, heading included (found by hypothesis).
    text = "- item\n  ```\n```\n\n# Heading"
    assert len(top_level_pieces(text)) == 1
    assert_same_as_whole(text)


def test_reference_definitions_keep_a_text_whole() -> None:
    text = "# A\n\n[x]: https://example.org\n\n# B\n\nSee [x].\n"
    assert len(top_level_pieces(text)) == 1
    assert 'href="https://example.org"' in safemd.render_tokens(parse_text(text, "b").tokens)


def test_views_of_texts_sharing_pieces_do_not_leak_into_each_other() -> None:
    shared = "# Terms\n\nSee [the rules](rules.html) and [above](#terms).\n"
    first = make_view(parse_text(shared, "a"), "https://one.example/")
    second = make_view(parse_text("# Intro\n\n" + shared, "b"), "https://two.example/")
    assert "https://one.example/rules.html" in first.template
    assert "https://two.example/rules.html" in second.template
    assert "one.example" not in second.template
    assert 'data-gs-block="1"' in second.template and 'data-gs-block="2"' in second.template


def test_a_heading_never_takes_an_anchor_of_the_page_around_it() -> None:
    view = make_view(parse_text("# Terms\n\n## Changes\n\nSee [changes](#changes).\n", "b"))
    html = fill_view(view)
    assert '<span id="text-changes"></span>' in html and 'id="changes"' not in html
    assert 'href="#text-changes"' in html  # the text's own link follows its heading


_DESTINATION_CHARS = st.sampled_from([*"ab<>()\\ \n\t\x7f\x01\x1f/:.é!", "%20"])


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(_DESTINATION_CHARS, max_size=40).map("".join),
    st.integers(min_value=0, max_value=45),
    st.integers(min_value=0, max_value=3),
)
def test_link_destinations_are_read_as_markdown_it_reads_them(
    text: str, start: int, beyond: int
) -> None:
    """The faster reading of a link's target gives markdown-it's own result, wherever the
    target starts and ends (escapes, nested and unbalanced parentheses, controls)."""
    start = min(start, len(text))
    for end in (len(text), max(start, len(text) - 1), len(text) + beyond):
        ours = safemd._parse_link_destination(text, start, end)
        theirs = parseLinkDestination(text, start, end)
        assert (ours.ok, ours.pos, ours.str) == (theirs.ok, theirs.pos, theirs.str)


def test_deeply_nested_parentheses_end_a_link_target_as_markdown_it_does() -> None:
    for depth in (31, 32, 33, 40):
        text = "(" * depth + "x" + ")" * depth
        assert safemd._parse_link_destination(text, 0, len(text)).ok == (
            parseLinkDestination(text, 0, len(text)).ok
        )
    assert "<a" not in safemd.render_markdown("[x](" + "(" * 40 + "javascript:x" + ")" * 40 + ")")


def test_views_kept_in_memory_are_bounded_by_size_not_only_by_count(tmp_path: Path) -> None:
    """A build keeps a few views at hand; large ones count for their size, and the two
    latest stay whatever their size (an alignment needs both texts of a change)."""
    texts = {f"b{n}": f"# Text {n}\n\n" + f"Clause {n} of the text. " * 400 for n in range(6)}
    versions = [
        Version("A/Terms.md", f"{n:040x}", blob, dt.datetime(2024, 1, 1 + n, tzinfo=dt.UTC), "m",
                VersionKind.CHANGE)
        for n, blob in enumerate(texts)
    ]  # fmt: skip
    source = TextSource(lambda version: texts[version.blob], Cache(tmp_path / "cache"))
    source.LRU_CHARACTERS = 25_000  # about two of these views
    for version in versions:
        source.view(version)
    kept = [view.blob for view in source._views.values()]
    assert kept[-2:] == ["b4", "b5"] and 2 <= len(kept) < len(versions)
    assert (
        source._characters
        == sum(_weight(v) for v in source._views.values())
        <= 25_000 + max(_weight(v) for v in source._views.values())
    )
    source.LRU_CHARACTERS = 0  # smaller than any view: the two latest are still kept
    source.view(versions[0])
    assert [view.blob for view in source._views.values()] == ["b5", "b0"]
    # Views dropped from memory come back from the cache, the same.
    assert source.view(versions[3]).template == make_view(parse_text(texts["b3"], "b3")).template
