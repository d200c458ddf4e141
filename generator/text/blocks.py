"""Each distinct archived text, once, into blocks with source lines.

A block is what a reader perceives as one clause: a heading, a paragraph, a list item's
paragraph, a table or a code block. Blocks keep their source line range (from
markdown-it-py's ``Token.map``) and the index of the token that opens them, so that the
renderer can put an anchor on it.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import NamedTuple

from markdown_it.token import Token

from ..untrusted import clean_text
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
    pieces: list[Piece]
    """The top-level pieces the text was cut into, in order."""


class Piece(NamedTuple):
    """A top-level piece of a text (see :func:`top_level_pieces`) and where its tokens and
    blocks start among the text's."""

    text: str
    first_token: int
    first_block: int


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


# Where a piece may begin in a text without fences: a line that starts with a character
# other than white space, after a blank line (the match ends where that line begins).
_AFTER_BLANK = re.compile(r"(?m)^[ \t]*\n(?=\S)")
# A list item's start in the whole text (a line's end is a newline or the text's end).
_LIST_ITEM_AT = re.compile(r"(?:[-+*]|\d{1,9}[.)])(?:[ \t\n]|\Z)")


def top_level_pieces(text: str) -> list[tuple[int, str]]:
    """Cut ``text`` where Markdown's block structure cannot reach across; each piece with
    the number of lines before it.

    Parsing the pieces one by one gives the same blocks as parsing the whole text; pieces
    recur from version to version, so each distinct piece needs parsing only once.
    """
    if "]:" in text:
        return [(0, text)]
    if "```" not in text and "~~~" not in text:
        return _pieces_without_fences(text)
    if _INDENTED_FENCE.search(text):
        return [(0, text)]
    return _pieces_by_lines(text)


def _pieces_by_lines(text: str) -> list[tuple[int, str]]:
    """:func:`top_level_pieces` of a text without reference definitions or indented fences,
    line by line (following fences)."""
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


def _pieces_without_fences(text: str) -> list[tuple[int, str]]:
    """:func:`top_level_pieces` of a text without fences, where no line needs a look but
    those after a blank line (found by one regular expression)."""
    pieces: list[tuple[int, str]] = []
    start = line = 0
    for found in _AFTER_BLANK.finditer(text):
        cut = found.end()
        if _LIST_ITEM_AT.match(text, cut):
            continue
        pieces.append((line, text[start:cut]))
        line += text.count("\n", start, cut)
        start = cut
    pieces.append((line, text[start:]))
    return pieces


class _PieceMemo:
    """Tokens and blocks of recently parsed pieces, within one process, up to a number of
    characters.

    Tokens are shared between the texts that contain the piece, so nothing may change them
    in place (:func:`make_view` copies what it alters). A piece's blocks are counted from
    its own start (positions, tokens and lines), to be shifted into the text's.
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self.entries: OrderedDict[str, tuple[list[Token], list[Block]]] = OrderedDict()

    def parsed(self, piece: str) -> tuple[list[Token], list[Block]]:
        found = self.entries.get(piece)
        if found is not None:
            self.entries.move_to_end(piece)
            return found
        tokens = safemd.parse_clean(piece)
        blocks: list[Block] = []
        _add_blocks(tokens, 0, 0, blocks)
        found = self.entries[piece] = (tokens, blocks)
        self.size += len(piece)
        while self.size > self.budget and len(self.entries) > 1:
            dropped, _ = self.entries.popitem(last=False)
            self.size -= len(dropped)
        return found


# Characters of pieces: with their tokens (or views) they weigh about ten bytes a
# character, and two versions of the largest text seen (1 MB) fit; more grew each worker
# by hundreds of MB on a large archive for few more hits.
_PIECES = _PieceMemo(budget=2_000_000)

_new_block = tuple.__new__


def parse_text(text: str, blob: str) -> ParsedText:
    """Split ``text`` into blocks; never fails (any text is some Markdown)."""
    text = clean_text(text).replace("\r\n", "\n").replace("\r", "\n")
    tokens: list[Token] = []
    blocks: list[Block] = []
    pieces: list[Piece] = []
    for line_offset, piece in top_level_pieces(text):
        piece_tokens, piece_blocks = _PIECES.parsed(piece)
        first_token, first_block = len(tokens), len(blocks)
        pieces.append(Piece(piece, first_token, first_block))
        if first_token or first_block or line_offset:
            # Blocks found in a piece are the same wherever it stands (a block never looks
            # past its piece), counted from the piece's start: shift them into place. A
            # block without source lines (0, 0) keeps none.
            blocks += [
                _new_block(
                    Block,
                    (
                        position + first_block,
                        kind,
                        content,
                        start + line_offset if start else 0,
                        end + line_offset if start else 0,
                        anchor + first_token,
                        level,
                    ),
                )
                for position, kind, content, start, end, anchor, level in piece_blocks
            ]
        else:
            blocks += piece_blocks
        tokens += piece_tokens
    return ParsedText(blob, tokens, blocks, pieces)


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
