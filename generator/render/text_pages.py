"""The ``large`` layout's text pages: one small HTML file per distinct text, shared by every
version that recorded it, which version pages link instead of repeating their text. Each
carries the clause anchors of its text's owner (:mod:`.text_links`)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from .. import urls
from ..cache import code_fingerprint, digest
from ..encoded import stored_page
from ..text.views import fill_view
from .context import RenderContext
from .pages import StaticFile
from .text_links import TextOwner

STYLE = (
    "body{font:1rem/1.6 system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;"
    "color:#222;background:#fff}header{border-bottom:1px solid #ccc;margin-bottom:1rem;"
    "font-size:.9rem}code{word-break:break-all}:target{background:#fff3c4}"
    "@media (prefers-color-scheme:dark){body{color:#ddd;background:#1e1e1e}a{color:#8ab4f8}"
    ":target{background:#4a4020}}"
)
"""The text page's whole style: readable on a phone and a desktop, no script, no font files."""


def text_page_files(ctx: RenderContext, owners: dict[str, TextOwner]) -> list[StaticFile]:
    """One text page per distinct text, each written when the publish stage needs it."""
    files = []
    for blob in sorted(owners):
        owner = owners[blob]
        document, entry = owner.document, owner.entry
        platform = ctx.platform_of(document.document.platform)
        key = digest(
            code_fingerprint(),
            "text page",
            blob,
            document.key,
            entry.slug,
            str(entry.version.sequence),
            document.document.title,
            document.document.url,
            platform.name,
            ctx.config.site_name,
            "gzip" if ctx.config.compress_texts else "plain",
        )

        def write(path: Path, owner: TextOwner = owner) -> None:
            path.write_bytes(text_page_bytes(ctx, owner))

        # Written on every core: a text page reads its view and clause ids from the cache.
        files.append(StaticFile(urls.text_page(blob), key=key, write=write, pooled=True))
    return files


def text_page_bytes(ctx: RenderContext, owner: TextOwner) -> bytes:
    """A text page's bytes as the site stores them (gzip-compressed with ``compress_texts``,
    for a host that sends them with ``Content-Encoding: gzip``)."""
    html = text_page_html(ctx, owner).encode("utf-8")
    return stored_page(html, ctx.config.compress_texts)


def text_page_html(ctx: RenderContext, owner: TextOwner) -> str:
    """A text's page: what it is, where it was recorded, then the text with its anchors."""
    document, entry = owner.document, owner.entry
    blob = entry.version.blob
    folder = urls.text_page(blob).rpartition("/")[0] + "/"  # relative links start here
    platform = ctx.platform_of(document.document.platform)
    title = f"{platform.name}: {document.document.title}"
    view = ctx.texts.view(entry.version)
    body = fill_view(view, document.clause_ids(entry))

    def u(target: str) -> str:
        return escape(urls.relative(target, folder))

    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{escape(title)}: archived text {blob[:12]}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n<header>\n"
        f'<p><a href="{u(urls.HOME)}">{escape(ctx.config.site_name)}</a> › '
        f'<a href="{u(document.page_url)}">{escape(title)}</a></p>\n'
        f"<p>Archived text, shared by every version that recorded it; "
        f'<a href="{u(entry.page_url)}">first recorded on {escape(entry.when)}</a>. '
        f'Content hash <code>{blob}</code> · <a href="{u(urls.text(blob))}">'
        "Markdown (gzip-compressed)</a></p>\n</header>\n<main>\n"
        f"{body}\n</main>\n</body>\n</html>\n"
    )
