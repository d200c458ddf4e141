"""Stage 2, parse: each distinct archived text, once, into blocks with source lines.

A block is what a reader perceives as one clause: a heading, a paragraph, a list item's
paragraph, a table or a code block. Blocks keep their source line range (from
markdown-it-py's ``Token.map``) and the index of the token that opens them, so that the
renderer can put an anchor on it.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from html import escape
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from markdown_it.token import Token

from . import safemd


class Block(NamedTuple):
    """One clause-sized unit of an archived text.

    A named tuple rather than a dataclass: texts hold hundreds of thousands of blocks, and
    tuples pickle (to and from the build cache) several times faster.

    Fields: ``position`` (position among the text's blocks, from 0); ``kind`` (heading,
    paragraph, table or code); ``text`` (plain text as a reader sees it, markup removed);
    ``line_start`` and ``line_end`` (1-based source lines, inclusive); ``anchor_token``
    (index of the token that carries the block's anchor when rendered); ``level`` (heading
    level 1-6, 0 for other blocks).
    """

    position: int
    kind: str
    text: str
    line_start: int
    line_end: int
    anchor_token: int
    level: int = 0


@dataclass(slots=True)
class ParsedText:
    """An archived text parsed once and shared by every version that has it."""

    blob: str
    """Git blob id of the text."""
    tokens: list[Token]
    """markdown-it-py tokens (rendered later, with anchors set)."""
    blocks: list[Block]
    """The text's blocks in reading order."""


def _lines(token: Token, offset: int) -> tuple[int, int]:
    if token.map:
        return token.map[0] + 1 + offset, max(token.map[0] + 1, token.map[1]) + offset
    return 0, 0


# Where a top-level block must begin: at the margin after a blank line, outside a fenced
# code block, and not a list item (which could continue the list above). HTML blocks are
# off (archived text never becomes markup). A fence line at the margin is always at the top
# level (a list item's or quote's content cannot start there), so those fences are followed
# exactly; a fence line indented by one to three spaces may be inside a list item or not, so
# such a text is never cut, nor is one with reference definitions (they reach across).
_FENCE = re.compile(r"(`{3,}|~{3,})")
_INDENTED_FENCE = re.compile(r"(?m)^ {1,3}(?:`{3}|~{3})")
_LIST_ITEM = re.compile(r"(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")


def top_level_pieces(text: str) -> list[tuple[int, str]]:
    """Cut ``text`` where Markdown's block structure cannot reach across; each piece with
    the number of lines before it.

    Parsing the pieces one by one gives the same blocks as parsing the whole text; pieces
    recur from version to version, so each distinct piece needs parsing only once.
    """
    if "]:" in text or _INDENTED_FENCE.search(text):
        return [(0, text)]
    lines = text.split("\n")
    pieces: list[tuple[int, str]] = []
    start = 0
    fence: str | None = None
    previous_blank = True
    for number, line in enumerate(lines):
        if (
            fence is None
            and previous_blank
            and number > start
            and line
            and not line[0].isspace()
            and not _LIST_ITEM.match(line)
        ):
            pieces.append((start, "\n".join(lines[start:number]) + "\n"))
            start = number
        match = _FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                if not (marker[0] == "`" and "`" in line[match.end() :]):
                    fence = marker
            elif (
                marker[0] == fence[0] and len(marker) >= len(fence) and line.strip(" \t") == marker
            ):
                fence = None
        previous_blank = not line.strip(" \t")
    pieces.append((start, "\n".join(lines[start:])))
    return pieces


class _PieceMemo:
    """Tokens of recently parsed pieces, within one process, up to a number of characters.

    Tokens are shared between the texts that contain the piece, so nothing may change them
    in place (:func:`make_view` copies what it alters).
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self.entries: OrderedDict[str, list[Token]] = OrderedDict()

    def tokens(self, piece: str) -> list[Token]:
        found = self.entries.get(piece)
        if found is not None:
            self.entries.move_to_end(piece)
            return found
        found = safemd.parse_clean(piece)
        self.entries[piece] = found
        self.size += len(piece)
        while self.size > self.budget and len(self.entries) > 1:
            dropped, _ = self.entries.popitem(last=False)
            self.size -= len(dropped)
        return found


_PIECES = _PieceMemo(budget=8_000_000)


def parse_text(text: str, blob: str) -> ParsedText:
    """Split ``text`` into blocks; never fails (any text is some Markdown)."""
    text = safemd.clean_text(text).replace("\r\n", "\n").replace("\r", "\n")
    tokens: list[Token] = []
    blocks: list[Block] = []
    for line_offset, piece in top_level_pieces(text):
        piece_tokens = _PIECES.tokens(piece)
        _add_blocks(piece_tokens, len(tokens), line_offset, blocks)
        tokens.extend(piece_tokens)
    return ParsedText(blob, tokens, blocks)


def _add_blocks(tokens: list[Token], first: int, line_offset: int, blocks: list[Block]) -> None:
    """Append the blocks of a piece's tokens (``first``: index of its first token)."""
    open_items: list[int] = []
    table_start: int | None = None
    table_text: list[str] = []
    for position, token in enumerate(tokens):
        index = first + position
        kind = token.type
        if kind == "list_item_open":
            open_items.append(index)
        elif kind == "list_item_close":
            open_items.pop()
        elif kind == "table_open":
            table_start, table_text = index, []
        elif kind == "table_close" and table_start is not None:
            start, end = _lines(tokens[table_start - first], line_offset)
            blocks.append(
                Block(len(blocks), "table", " ".join(table_text), start, end, table_start)
            )
            table_start = None
        elif kind == "inline" and table_start is not None:
            table_text.append(safemd.inline_text(token.children))
        elif kind == "heading_open":
            start, end = _lines(token, line_offset)
            content = safemd.inline_text(tokens[position + 1].children)
            level = int(token.tag[1]) if token.tag[1:].isdigit() else 1
            blocks.append(Block(len(blocks), "heading", content, start, end, index, level))
        elif kind == "paragraph_open":
            start, end = _lines(token, line_offset)
            content = safemd.inline_text(tokens[position + 1].children)
            anchor = index
            if token.hidden and open_items:
                anchor = open_items[-1]  # tight lists render no <p>: anchor the <li>
                if any(b.anchor_token == anchor for b in blocks[-3:]):
                    anchor = index  # a second paragraph in the same item: no anchor
            blocks.append(Block(len(blocks), "paragraph", content, start, end, anchor))
        elif kind in ("fence", "code_block"):
            start, end = _lines(token, line_offset)
            blocks.append(Block(len(blocks), "code", token.content, start, end, index))


# A text view: the text rendered once to HTML with placeholders where each version's clause
# anchors and analysis markers go, so that rendering a version is string substitution.
# The placeholder characters are control characters, which archived text cannot contain
# (safemd.clean_text removes them before parsing).
BLOCK_ATTRIBUTE = re.compile(r' data-gs-block="(\d+)"')
INLINE_SLOT = re.compile("\x02(\\d+)\x03")
BLOCK_SLOT = re.compile("\x04(\\d+)\x05")
_CLAUSE_ID_LIKE = re.compile(r"^c[0-9a-f]{7}(-\d+)?$")


@dataclass(slots=True)
class TextView:
    """A distinct text, parsed once: what every stage after parsing needs of it."""

    blob: str
    """Git blob id of the text."""
    blocks: list[Block]
    """The text's blocks in reading order."""
    normalised: list[str]
    """Each block's text as compared by alignment and quote matching."""
    template: str
    """HTML with placeholders for anchors (``data-gs-block``) and markers (slots)."""
    hidden_anchor: frozenset[int]
    """Blocks whose element is not rendered (tight lists): anchored inside instead."""


def heading_slug(text: str) -> str:
    """The anchor a heading gets on most sites that render Markdown (GitHub's style)."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def make_view(parsed: ParsedText, base_url: str = "") -> TextView:
    """Render a parsed text once, leaving slots for per-version anchors and markers.

    Headings get their usual slug anchor, so that the text's own ``#section`` links work;
    any other link that cannot resolve on this site (an anchor of the platform's own page,
    a path relative to its site) is made absolute against ``base_url`` or shown as text.
    """
    from .track import normalise

    tokens = list(parsed.tokens)
    inserts: dict[int, list[Token]] = {}
    slugs: dict[int, str] = {}
    seen: dict[str, int] = {}
    for block in parsed.blocks:
        if block.kind == "heading":
            slug = heading_slug(block.text)
            if slug and not _CLAUSE_ID_LIKE.match(slug):
                count = seen.get(slug, 0)
                seen[slug] = count + 1
                slugs[block.position] = slug if count == 0 else f"{slug}-{count}"
    ids = set(slugs.values())
    hidden: set[int] = set()
    for block in parsed.blocks:
        original = tokens[block.anchor_token]
        if original.hidden:
            hidden.add(block.position)
        else:
            tokens[block.anchor_token] = original.copy(
                attrs={**original.attrs, "data-gs-block": str(block.position)}
            )
        if block.kind in ("heading", "paragraph"):
            # The slot goes in an inline token of its own just before the block's content,
            # which renders as if it were the content's first child.
            inline_index = block.anchor_token
            while tokens[inline_index].type != "inline":
                inline_index += 1
            slot = f"\x02{block.position}\x03"
            if block.position in slugs:
                slot += f'<span id="{escape(slugs[block.position])}"></span>'
            marker = Token("html_inline", "", 0, content=slot)
            inserts.setdefault(inline_index, []).append(Token("inline", "", 0, children=[marker]))
        else:
            inserts.setdefault(block.anchor_token, []).append(
                Token("html_block", "", 0, content=f"\x04{block.position}\x05")
            )
    for index, token in enumerate(tokens):
        if token.type == "inline" and token.children:
            children = _fix_links(token.children, ids, base_url)
            if children is not token.children:
                tokens[index] = token.copy(children=children)
    if inserts:
        spliced: list[Token] = []
        for index, token in enumerate(tokens):
            spliced.extend(inserts.get(index, ()))
            spliced.append(token)
        tokens = spliced
    return TextView(
        blob=parsed.blob,
        blocks=parsed.blocks,
        normalised=[normalise(b.text) for b in parsed.blocks],
        template=safemd.render_tokens(tokens),
        hidden_anchor=frozenset(hidden),
    )


def _fix_links(children: list[Token], ids: set[str], base_url: str) -> list[Token]:
    """Children with links that cannot resolve fixed; the same list when none needs it."""
    if not any(token.type == "link_open" for token in children):
        return children
    out: list[Token] = []
    dropped = 0
    changed = False
    for token in children:
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            target = _resolve_link(href, ids, base_url)
            if target is None:
                dropped += 1
                changed = True
                out.append(Token("html_inline", "", 0, content='<span class="govsite-dead-link">'))
                continue
            if target != href:
                changed = True
                token = token.copy(attrs={**token.attrs, "href": target})
        elif token.type == "link_close" and dropped:
            dropped -= 1
            out.append(Token("html_inline", "", 0, content="</span>"))
            continue
        out.append(token)
    return out if changed else children


def _resolve_link(href: str, ids: set[str], base_url: str) -> str | None:
    if href.startswith("#"):
        return href if unquote(href[1:]) in ids else None
    parts = urlsplit(href)
    if parts.scheme or href.startswith("//"):
        return href
    return urljoin(base_url, href) if base_url else None


def view_text(text: str, blob: str, base_url: str = "") -> TextView:
    """Parse and view a text in one step (what a worker process runs)."""
    return make_view(parse_text(text, blob), base_url)
