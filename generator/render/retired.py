"""What stands where a retired URL was: a tombstone page or a redirect, and for an analysis
a data record saying when and why it went."""

from __future__ import annotations

from .. import urls
from ..site.retired import is_provision_url
from .context import RenderContext
from .data import json_bytes
from .fragments import redirect_html
from .pages import Page, StaticFile


def retired_output(ctx: RenderContext) -> tuple[list[Page], list[StaticFile]]:
    """Tombstones, redirects and retired records for the checked retired URLs."""
    pages: list[Page] = []
    files: list[StaticFile] = []
    for url, entry in ctx.model.retired.items():
        key = url[:-1]
        if is_provision_url(url) and key not in ctx.model.provisions:
            record = {
                "$schema": ctx.absolute(urls.schema("retired")),
                "retired": entry.retired,
                "reason": entry.reason,
                "redirect": ctx.absolute(entry.redirect) if entry.redirect else None,
                "url": ctx.absolute(url),
            }
            files.append(StaticFile(urls.provision_record(key), json_bytes(record)))
        if entry.redirect:
            html = redirect_html(url, entry.redirect, ctx.absolute(entry.redirect))
            files.append(StaticFile(urls.page_file(url), html))
        else:
            pages.append(
                ctx.page(
                    "tombstone.html",
                    url,
                    f"Removed: {url}",
                    "tombstone",
                    entry=entry,
                    searchable=False,
                    description=f"This page was removed on {entry.retired}",
                )
            )
    return pages, files
