"""Text views: a parsed text rendered once to HTML with slots for each version's clause
anchors and analysis markers, so that rendering a version is string substitution."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from html import escape
from urllib.parse import unquote, urljoin, urlsplit

from markdown_it.token import Token

from .. import urls
from . import safemd
from .blocks import Block, ParsedText, parse_text
from .normalise import normalise

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
    links: list[tuple[tuple[str, str], ...]]
    """Each block's links as (link text, target), targets as rendered."""
    markup: list[str]
    """Each block's markup (kind, level and inline markup in order): two blocks with the
    same text and different markup differ only in formatting."""
    heading_like: frozenset[int]
    """Paragraphs that stand as headings (wholly bold and short): texts converted from web
    pages often have no Markdown headings."""


def heading_slug(text: str) -> str:
    """The anchor a heading gets on most sites that render Markdown (GitHub's style)."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def make_view(parsed: ParsedText, base_url: str = "") -> TextView:
    """Render a parsed text once, leaving slots for per-version anchors and markers.

    Headings get their usual slug anchor, so that the text's own ``#section`` links work;
    any other link that cannot resolve on this site (an anchor of the platform's own page,
    a path relative to its site) is made absolute against ``base_url`` or shown as text.

    The text is viewed piece by piece (its top-level pieces, see
    :func:`~.blocks.top_level_pieces`): pieces recur from version to version, so each is
    viewed once per process for the anchors and link targets it gets, with block numbers
    counted from the piece's start, and shifted into place here.
    """
    slugs, targets = _heading_anchors(parsed.blocks)
    ends = [piece.first_token for piece in parsed.pieces[1:]] + [len(parsed.tokens)]
    block_ends = [piece.first_block for piece in parsed.pieces[1:]] + [len(parsed.blocks)]
    template: list[str] = []
    normalised: list[str] = []
    hidden: list[int] = []
    links: list[tuple[tuple[str, str], ...]] = []
    markup: list[str] = []
    heading_like: list[int] = []
    for piece, end, block_end in zip(parsed.pieces, ends, block_ends, strict=True):
        first = piece.first_block
        blocks = parsed.blocks[first:block_end]
        anchors = tuple(slugs.get(b.position, "") for b in blocks if b.kind == "heading")
        part = _PARTS.part(
            piece.text, parsed.tokens, end, blocks, piece.first_token, (base_url, anchors), targets
        )
        template.append(_PARTS.shifted(part, first))
        normalised += part.normalised
        hidden += (first + position for position in part.hidden)
        links += part.links
        markup += part.markup
        heading_like += (first + position for position in part.heading_like)
    return TextView(
        blob=parsed.blob,
        blocks=parsed.blocks,
        normalised=normalised,
        template="".join(template),
        hidden_anchor=frozenset(hidden),
        links=links,
        markup=markup,
        heading_like=frozenset(heading_like),
    )


def _heading_anchors(blocks: list[Block]) -> tuple[dict[int, str], dict[str, str]]:
    """Each heading's anchor (by block position), and the anchor each name a link of the
    text may use (``#name``) resolves to."""
    slugs: dict[int, str] = {}
    seen: dict[str, int] = {}
    targets: dict[str, str] = {}  # the anchor a text's own links name -> the one it gets
    for block in blocks:
        if block.kind == "heading":
            slug = heading_slug(block.text)
            if slug and not _CLAUSE_ID_LIKE.match(slug):
                count = seen.get(slug, 0)
                seen[slug] = count + 1
                named = slug if count == 0 else f"{slug}-{count}"
                # The page's own sections keep their anchors: a heading "Changes" gets another.
                slugs[block.position] = f"text-{named}" if urls.page_anchor_taken(named) else named
                targets[named] = slugs[block.position]
    return slugs, targets


@dataclass(slots=True, frozen=True)
class _Part:
    """The view of one piece, its blocks numbered from the piece's first."""

    template: str
    normalised: list[str]
    hidden: tuple[int, ...]
    links: list[tuple[tuple[str, str], ...]]
    markup: list[str]
    heading_like: tuple[int, ...]


_NUMBERED = re.compile(' data-gs-block="(\\d+)"|\x02(\\d+)\x03|\x04(\\d+)\x05')


def _shift(template: str, offset: int) -> str:
    """A piece's template with its block numbers counted from the text's first block."""
    if not offset:
        return template

    def renumber(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return f' data-gs-block="{int(match.group(1)) + offset}"'
        if match.group(2) is not None:
            return f"\x02{int(match.group(2)) + offset}\x03"
        return f"\x04{int(match.group(3)) + offset}\x05"

    return _NUMBERED.sub(renumber, template)


class _PartMemo:
    """Views of recently seen pieces, within one process, up to a number of characters.

    A piece's view depends on the piece, the base URL, the anchors its headings get and the
    targets of its ``#`` links (both decided by the whole text): all are in the key."""

    SHIFTS = 4096
    """Parts whose last shifted template is remembered (a few texts' worth)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self.entries: OrderedDict[str, tuple[tuple[str, ...], dict[Hashable, _Part]]] = (
            OrderedDict()
        )
        self.last_shift: OrderedDict[int, tuple[_Part, int, str]] = OrderedDict()
        """By part (its id; the part itself is kept, so the id is not reused): its last
        shift and the template it gave."""

    def part(
        self,
        piece: str,
        text_tokens: list[Token],
        end: int,
        blocks: list[Block],
        first_token: int,
        context: tuple[str, tuple[str, ...]],
        targets: dict[str, str],
    ) -> _Part:
        """The view of a piece whose tokens are ``text_tokens[first_token:end]``."""
        found = self.entries.get(piece)
        tokens: list[Token] | None = None
        if found is None:
            tokens = text_tokens[first_token:end]
            found = (_anchor_links(tokens), {})
            self.entries[piece] = found
            self.size += len(piece)
            while self.size > self.budget and len(self.entries) > 1:
                dropped, _ = self.entries.popitem(last=False)
                self.size -= len(dropped)
        else:
            self.entries.move_to_end(piece)
        names, parts = found
        key = (*context, tuple(targets.get(name) for name in names))
        part = parts.get(key)
        if part is None:
            base_url, anchors = context
            if tokens is None:
                tokens = text_tokens[first_token:end]
            part = parts[key] = _view_part(tokens, blocks, first_token, anchors, targets, base_url)
        return part

    def shifted(self, part: _Part, offset: int) -> str:
        """A part's template with its block numbers counted from the text's block
        ``offset``. The last shift of each part is remembered: a piece mostly stands at the
        same block of the next version as of this one."""
        if not offset:
            return part.template
        last = self.last_shift.get(id(part))
        if last is not None and last[0] is part and last[1] == offset:
            return last[2]
        template = _shift(part.template, offset)
        self.last_shift[id(part)] = (part, offset, template)
        self.last_shift.move_to_end(id(part))
        while len(self.last_shift) > self.SHIFTS:
            self.last_shift.popitem(last=False)
        return template


# Characters of pieces: with their tokens (or views) they weigh about ten bytes a
# character, and two versions of the largest text seen (1 MB) fit; more grew each worker
# by hundreds of MB on a large archive for few more hits.
_PARTS = _PartMemo(budget=2_000_000)


def _anchor_links(tokens: list[Token]) -> tuple[str, ...]:
    """The names the piece's ``#name`` links use, in order."""
    names: list[str] = []
    for token in tokens:
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type == "link_open":
                    href = str(child.attrGet("href") or "")
                    if href.startswith("#"):
                        names.append(unquote(href[1:]))
    return tuple(names)


def _view_part(
    piece_tokens: list[Token],
    piece_blocks: list[Block],
    first_token: int,
    anchors: tuple[str, ...],
    targets: dict[str, str],
    base_url: str,
) -> _Part:
    """View one piece (``first_token``: where its tokens start among the text's): its
    blocks numbered from 0, its headings given ``anchors``."""
    first_block = piece_blocks[0].position if piece_blocks else 0
    tokens = list(piece_tokens)
    blocks = [
        b._replace(position=b.position - first_block, anchor_token=b.anchor_token - first_token)
        for b in piece_blocks
    ]
    slugs: dict[int, str] = {}
    named = iter(anchors)
    for block in blocks:
        if block.kind == "heading":
            anchor = next(named)
            if anchor:
                slugs[block.position] = anchor
    inserts: dict[int, list[Token]] = {}
    hidden: list[int] = []
    for block in blocks:
        original = tokens[block.anchor_token]
        if original.hidden:
            hidden.append(block.position)
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
            children = _fix_links(token.children, targets, base_url)
            if children is not token.children:
                tokens[index] = token.copy(children=children)
    inline = [_block_inline(tokens, block) for block in blocks]
    if inserts:
        spliced: list[Token] = []
        for index, token in enumerate(tokens):
            spliced.extend(inserts.get(index, ()))
            spliced.append(token)
        tokens = spliced
    return _Part(
        template=safemd.render_tokens(tokens),
        normalised=[_normalised(b.text) for b in blocks],
        hidden=tuple(hidden),
        links=[_links(children) for children in inline],
        markup=[_markup(block, children) for block, children in zip(blocks, inline, strict=True)],
        heading_like=tuple(
            b.position
            for b, children in zip(blocks, inline, strict=True)
            if b.kind == "paragraph" and _wholly_strong(children) and len(b.text.split()) <= 15
        ),
    )


def _normalised(text: str) -> str:
    """A block's text normalised, as the very same string when that changes nothing: a view
    then pickles it once (most clauses need no normalising), so the build cache reads and
    writes less."""
    found = normalise(text)
    return text if found == text else found


_MARKUP = frozenset(
    {"strong_open", "em_open", "s_open", "code_inline", "link_open", "image", "hardbreak"}
)


def _block_inline(tokens: list[Token], block: Block) -> list[Token]:
    """The inline children of a block, in order (a table's cells one after another)."""
    if block.kind in ("heading", "paragraph"):
        index = block.anchor_token
        while tokens[index].type != "inline":
            index += 1
        return list(tokens[index].children or [])
    if block.kind == "table":
        children: list[Token] = []
        index = block.anchor_token + 1
        while tokens[index].type != "table_close":
            if tokens[index].type == "inline":
                children.extend(tokens[index].children or [])
            index += 1
        return children
    return []


def _links(children: list[Token]) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    href: str | None = None
    text: list[str] = []
    for token in children:
        if token.type == "link_open":
            href, text = str(token.attrGet("href") or ""), []
        elif token.type == "link_close" and href is not None:
            found.append((normalise("".join(text)), href))
            href = None
        elif href is not None and token.type in ("text", "code_inline"):
            text.append(token.content)
        elif href is not None and token.type in ("softbreak", "hardbreak"):
            text.append(" ")
    return tuple(found)


def _markup(block: Block, children: list[Token]) -> str:
    inline = ",".join(t.type for t in children if t.type in _MARKUP)
    return f"{block.kind}{block.level}:{inline}"


def _wholly_strong(children: list[Token]) -> bool:
    kinds = [t.type for t in children if not (t.type == "text" and not t.content.strip())]
    return (
        len(kinds) >= 3
        and kinds[0] == "strong_open"
        and kinds[-1] == "strong_close"
        and (kinds.count("strong_open") == 1)
    )


def _fix_links(children: list[Token], ids: dict[str, str], base_url: str) -> list[Token]:
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


def _resolve_link(href: str, ids: dict[str, str], base_url: str) -> str | None:
    if href.startswith("#"):
        target = ids.get(unquote(href[1:]))
        if target is None:
            return None
        return href if target == unquote(href[1:]) else f"#{target}"
    parts = urlsplit(href)
    if parts.scheme or href.startswith("//"):
        return href
    return urljoin(base_url, href) if base_url else None


def view_text(text: str, blob: str, base_url: str = "") -> TextView:
    """Parse and view a text in one step (what a worker process runs)."""
    return make_view(parse_text(text, blob), base_url)


def fill_view(
    view: TextView, anchors: list[str] | None = None, marks: dict[int, list[str]] | None = None
) -> str:
    """A version's text as HTML: the view with the version's clause anchors and markers.

    ``marks`` are HTML snippets (already escaped by whoever made them) put at the start of
    the blocks they are keyed by.
    """
    marks = marks or {}

    def attribute(match: re.Match[str]) -> str:
        index = int(match.group(1))
        out = f' id="{anchors[index]}"' if anchors else ""
        return out + (' class="govsite-marked"' if index in marks else "")

    def inline(match: re.Match[str]) -> str:
        index = int(match.group(1))
        prefix = ""
        if anchors and index in view.hidden_anchor:
            prefix = f'<span id="{anchors[index]}"></span>'
        return prefix + "".join(marks.get(index, ()))

    def block(match: re.Match[str]) -> str:
        content = inline(match)
        return f"<div>{content}</div>\n" if content else ""

    html = BLOCK_ATTRIBUTE.sub(attribute, view.template)
    html = INLINE_SLOT.sub(inline, html)
    return BLOCK_SLOT.sub(block, html)
