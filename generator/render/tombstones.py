"""What stands where a retired URL was: a tombstone page or a redirect, and for an analysis
a data record saying when and why it went."""

from __future__ import annotations

import datetime as dt

from .. import urls
from ..compare.kinds import ChangeKind
from ..content.records import Retired
from ..link.retired import is_provision_url
from ..text import safemd
from .context import RenderContext
from .data import json_bytes
from .feeds import FeedEntry, atom_feed
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
            files.append(_retired_feed(ctx, key, entry))
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


def _retired_feed(ctx: RenderContext, key: str, entry: Retired) -> StaticFile:
    """The feed of a retired analysis keeps answering, with one last entry saying so."""
    page = entry.redirect or urls.provision(key)
    retired = dt.datetime.combine(dt.date.fromisoformat(entry.retired), dt.time(), dt.UTC)
    notice = FeedEntry(
        id=ctx.absolute(urls.retired_provision_id(key)),
        title=f"This analysis was retired on {entry.retired}",
        link=ctx.absolute(page),
        updated=retired,
        summary_html=safemd.render_markdown(entry.reason),
        kind=ChangeKind.REMOVAL,
    )
    path = urls.provision_feed(key)
    return StaticFile(
        path,
        atom_feed(
            ctx.absolute(path),
            f"Retired analysis: {key}",
            ctx.absolute(path),
            ctx.absolute(page),
            ctx.config.site_name,
            [notice],
            ctx.absolute(urls.KINDS),
        ),
    )
