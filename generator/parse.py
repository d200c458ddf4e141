"""Stage 2, parse: each distinct archived text, once, into blocks with source lines.

A block is what a reader perceives as one clause: a heading, a paragraph, a list item's
paragraph, a table or a code block. Blocks keep their source line range (from
markdown-it-py's ``Token.map``) and the index of the token that opens them, so that the
renderer can put an anchor on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it.token import Token

from . import safemd


@dataclass(slots=True, frozen=True)
class Block:
    """One clause-sized unit of an archived text."""

    index: int
    """Position among the text's blocks, from 0."""
    kind: str
    """heading, paragraph, table or code."""
    text: str
    """Plain text as a reader sees it (Markdown markup removed)."""
    line_start: int
    """First source line, 1-based."""
    line_end: int
    """Last source line, 1-based, inclusive."""
    anchor_token: int
    """Index of the token that carries the block's anchor when rendered."""
    level: int = 0
    """Heading level (1-6), 0 for other blocks."""


@dataclass(slots=True)
class ParsedText:
    """An archived text parsed once and shared by every version that has it."""

    blob: str
    """Git blob id of the text."""
    tokens: list[Token]
    """markdown-it-py tokens (rendered later, with anchors set)."""
    blocks: list[Block]
    """The text's blocks in reading order."""


def _lines(token: Token) -> tuple[int, int]:
    if token.map:
        return token.map[0] + 1, max(token.map[0] + 1, token.map[1])
    return 0, 0


def parse_text(text: str, blob: str) -> ParsedText:
    """Split ``text`` into blocks; never fails (any text is some Markdown)."""
    tokens = safemd.parse_tokens(text)
    blocks: list[Block] = []
    open_items: list[int] = []
    table_start: int | None = None
    table_text: list[str] = []
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "list_item_open":
            open_items.append(index)
        elif kind == "list_item_close":
            open_items.pop()
        elif kind == "table_open":
            table_start, table_text = index, []
        elif kind == "table_close" and table_start is not None:
            start, end = _lines(tokens[table_start])
            blocks.append(
                Block(len(blocks), "table", " ".join(table_text), start, end, table_start)
            )
            table_start = None
        elif kind == "inline" and table_start is not None:
            table_text.append(safemd.inline_text(token.children))
        elif kind == "heading_open":
            start, end = _lines(token)
            content = safemd.inline_text(tokens[index + 1].children)
            level = int(token.tag[1]) if token.tag[1:].isdigit() else 1
            blocks.append(Block(len(blocks), "heading", content, start, end, index, level))
        elif kind == "paragraph_open":
            start, end = _lines(token)
            content = safemd.inline_text(tokens[index + 1].children)
            anchor = index
            if token.hidden and open_items:
                anchor = open_items[-1]  # tight lists render no <p>: anchor the <li>
                if any(b.anchor_token == anchor for b in blocks[-3:]):
                    anchor = index  # a second paragraph in the same item: no anchor
            blocks.append(Block(len(blocks), "paragraph", content, start, end, anchor))
        elif kind in ("fence", "code_block"):
            start, end = _lines(token)
            blocks.append(Block(len(blocks), "code", token.content, start, end, index))
    return ParsedText(blob, tokens, blocks)
