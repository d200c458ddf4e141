"""Markdown from untrusted sources (archived texts, contributors' YAML) to inert HTML.

Raw HTML is escaped rather than passed through, links may only use http, https, mailto or
relative targets, images are shown as their alternative text (a remote image would track
readers), and invisible Unicode that can disguise text (bidirectional overrides, zero-width
characters) is removed before parsing.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Sequence
from functools import lru_cache
from html import escape
from typing import Any, TypeVar

from markdown_it import MarkdownIt, helpers
from markdown_it.common.utils import unescapeAll
from markdown_it.helpers.parse_link_destination import _Result
from markdown_it.parser_block import ParserBlock
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from ..untrusted import EXTERNAL, clean_text, safe_url


def _render_image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    # An image without a description still leaves an (empty) mark: the compare view reads
    # a version's markup back from its page.
    text = f"[image: {escape(alt)}]" if alt else ""
    return f'<span class="govsite-image-alt">{text}</span>'


def _render_link_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if EXTERNAL.match(href):
        # No referrer leaves the site (the theme override sets it for every page), so
        # nofollow is all a link needs: archived texts hold thousands of links.
        token.attrSet("rel", "nofollow")
    return self.renderToken(tokens, idx, options, env)


def _tokenize_keeping_deep_text(
    self: ParserBlock, state: StateBlock, startLine: int, endLine: int
) -> None:
    """markdown-it's block tokenizer, except at its nesting limit (``maxNesting``, 20 by
    default): where it drops the rest of a container's lines, they are kept as one flat
    paragraph of their text (deeper quote and list markers shown as they are written), so
    every word of an archived text reaches its page however deep its nesting. The limit
    still bounds recursion, so a hostile text cannot exhaust the stack."""
    rules = self.ruler.getRules("")
    line = startLine
    max_nesting = state.md.options.maxNesting
    has_empty_lines = False
    while line < endLine:
        state.line = line = state.skipEmptyLines(line)
        if line >= endLine:
            break
        if state.sCount[line] < state.blkIndent:
            break  # the end of a nested container's content
        if state.level >= max_nesting:
            _flat_paragraph(state, line, endLine)
            break
        ok = False
        for rule in rules:
            ok = rule(state, line, endLine, False)
            if ok:
                if state.line <= line:
                    raise RuntimeError("block rule didn't increment state.line")
                break
        if not ok:
            raise RuntimeError("none of the block rules matched")
        state.tight = not has_empty_lines
        line = state.line
        if (line - 1) < endLine and state.isEmpty(line - 1):
            has_empty_lines = True
        if line < endLine and state.isEmpty(line):
            has_empty_lines = True
            line += 1
            state.line = line


def _flat_paragraph(state: StateBlock, line: int, end: int) -> None:
    """The lines from ``line`` to ``end`` as one paragraph, in a container of its own (a
    tight list hides the paragraphs at its items' level, which would run their words into
    the item's)."""
    text = state.getLines(line, end, state.blkIndent, False).strip()
    if text:
        wrapper = state.push("govsite_deep_open", "div", 1)
        wrapper.attrSet("class", "govsite-deep")
        wrapper.map = [line, end]
        state.push("paragraph_open", "p", 1).map = [line, end]
        inline = state.push("inline", "", 0)
        inline.content, inline.map, inline.children = text, [line, end], []
        state.push("paragraph_close", "p", -1)
        state.push("govsite_deep_close", "div", -1)
    state.line = end


# Runs of characters a link destination may hold that need no further look: anything but
# white space and controls (which end it), a backslash (an escape) and parentheses (nested).
_PLAIN_DESTINATION = re.compile(r"[^\x00-\x20\x7f\\()]+")


def _parse_link_destination(string: str, pos: int, maximum: int) -> _Result:
    """markdown-it's ``parseLinkDestination`` with the same results, faster: it steps over
    plain runs with one regular expression instead of a Python step per character (links
    are a fifth of the time archived texts take to parse). A destination in angle brackets
    is left to markdown-it's own."""
    if pos < len(string) and string[pos] == "<":
        return helpers.parseLinkDestination(string, pos, maximum)
    result = _Result()
    start = pos
    level = 0
    while pos < maximum:
        plain = _PLAIN_DESTINATION.match(string, pos, maximum)
        if plain is not None:
            pos = plain.end()
            if pos >= maximum:
                break
        if pos >= len(string):
            break
        char = string[pos]
        if char <= " " or char == "\x7f":
            break
        if char == "\\":
            if pos + 1 < maximum:
                if string[pos + 1 : pos + 2] == " ":
                    break
                pos += 2
                continue
        elif char == "(":
            level += 1
            if level > 32:
                return result
        elif char == ")":
            if level == 0:
                break
            level -= 1
        pos += 1
    if start == pos or level != 0:
        return result
    result.str = unescapeAll(string[start:pos])
    result.pos = pos
    result.ok = True
    return result


_Value = TypeVar("_Value")

LONGEST_REMEMBERED_URL = 2048
"""Link targets up to this length are remembered once normalised and checked: a document's
links recur in every version of it."""


def _remembered(function: Callable[[str], _Value]) -> Callable[[str], _Value]:
    """``function`` (pure, of one string) remembering its results for short arguments."""
    cached = lru_cache(maxsize=1 << 14)(function)

    def call(url: str) -> _Value:
        return cached(url) if len(url) <= LONGEST_REMEMBERED_URL else function(url)

    return call


def make_markdown() -> MarkdownIt:
    """A CommonMark parser with tables and strikethrough that emits no live markup and
    drops no text, however deeply it is nested."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # With raw HTML off these rules never match; off, they are not tried at every block
    # and every "<" of every text.
    md.disable(["html_block", "html_inline"])
    md.block.tokenize = types.MethodType(_tokenize_keeping_deep_text, md.block)  # type: ignore[method-assign]
    md.validateLink = _remembered(safe_url)  # type: ignore[method-assign,assignment]
    md.normalizeLink = _remembered(md.normalizeLink)  # type: ignore[method-assign,assignment]
    md.normalizeLinkText = _remembered(md.normalizeLinkText)  # type: ignore[method-assign,assignment]
    md.helpers = types.SimpleNamespace(  # type: ignore[assignment]
        parseLinkLabel=helpers.parseLinkLabel,
        parseLinkTitle=helpers.parseLinkTitle,
        parseLinkDestination=_parse_link_destination,
    )
    md.add_render_rule("image", _render_image)
    md.add_render_rule("link_open", _render_link_open)
    return md


_MD = make_markdown()


def render_markdown(text: str, *, inline: bool = False) -> str:
    """Contributor Markdown as safe HTML."""
    text = clean_text(text)
    if inline:
        return str(_MD.renderInline(text))
    return str(_MD.render(text))


def inline_text(tokens: Sequence[Token] | None) -> str:
    """The plain text of an inline token's children, as a reader sees it."""
    parts: list[str] = []
    for token in tokens or ():
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type == "softbreak":
            parts.append(" ")
        elif token.type == "hardbreak":
            parts.append("\n")
        elif token.type == "image":
            parts.append(inline_text(token.children))
    return "".join(parts)


def markdown_to_text(text: str) -> str:
    """Plain text of a Markdown fragment (used to match quotes pasted with markup)."""
    tokens = _MD.parse(clean_text(text))
    out: list[str] = []
    for token in tokens:
        if token.type == "inline":
            out.append(inline_text(token.children))
        elif token.type in ("fence", "code_block"):
            out.append(token.content)
    return "\n".join(out)


def parse_clean(text: str) -> list[Token]:
    """Tokens of a text already passed through :func:`clean_text`."""
    return list(_MD.parse(text))


def render_tokens(tokens: Sequence[Token], env: dict[str, Any] | None = None) -> str:
    return str(_MD.renderer.render(tokens, _MD.options, env or {}))
