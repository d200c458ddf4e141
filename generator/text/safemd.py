"""Markdown from untrusted sources (archived texts, contributors' YAML) to inert HTML.

Raw HTML is escaped rather than passed through, links may only use http, https, mailto or
relative targets, images are shown as their alternative text (a remote image would track
readers), and invisible Unicode that can disguise text (bidirectional overrides, zero-width
characters) is removed before parsing.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
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


def make_markdown() -> MarkdownIt:
    """A CommonMark parser with tables and strikethrough that emits no live markup."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = safe_url  # type: ignore[method-assign]
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
