"""A document's history pages: each version, each change, the timeline, the compare view
and the history of each analysed clause. They come as one stream per document, rendered
one page at a time, so that a build can reuse them whole when nothing they show changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from .. import urls
from ..compare.align import ADDED, CHANGED, EQUAL, MOVED, REMOVED
from ..site.model import DocumentVersion, LinkedDocument, LinkedProvision
from .cite import Citable, citations
from .context import RenderContext
from .documents import version_html
from .pages import Page
from .timeline import timeline_svg


def stream_entries(
    ctx: RenderContext, document: LinkedDocument
) -> list[tuple[str, Callable[[], Page]]]:
    """A document's history pages: each URL with the function that renders it."""
    key = document.key
    entries: list[tuple[str, Callable[[], Page]]] = [
        (urls.timeline(key), partial(timeline_page, ctx, document)),
        (urls.compare(key), partial(compare_page, ctx, document)),
    ]
    for entry in document.versions:
        entries.append((urls.version(key, entry.slug), partial(version_page, ctx, document, entry)))
        if entry.number > 1:
            entries.append(
                (urls.changes(key, entry.slug), partial(changes_page, ctx, document, entry))
            )
    for linked in ctx.model.provisions.values():
        if linked.document is document:
            entries.append(
                (urls.provision_history(linked.key), partial(provision_history_page, ctx, linked))
            )
    return entries


def version_citable(
    ctx: RenderContext, document: LinkedDocument, entry: DocumentVersion
) -> Citable:
    platform = ctx.platform_of(document.document.platform)
    date = entry.version.date.date()
    return Citable(
        key=f"{document.key.replace('/', '-')}-{entry.slug}",
        author=platform.name,
        title=document.document.title,
        date=date,
        permalink=ctx.absolute(urls.version(document.key, entry.slug)),
        publisher=ctx.config.site_name,
        source_url=document.document.url,
        content_hash=entry.version.blob if not entry.is_removal else "",
        version_label=f"version recorded {date.isoformat()}",
    )


def version_page(ctx: RenderContext, document: LinkedDocument, entry: DocumentVersion) -> Page:
    url = urls.version(document.key, entry.slug)
    platform = ctx.platform_of(document.document.platform)
    citable = version_citable(ctx, document, entry)
    return ctx.page(
        "version.html",
        url,
        f"{platform.name}: {document.document.title}, version of {entry.slug}",
        "version",
        platform=platform,
        document=document,
        entry=entry,
        previous=document.previous(entry),
        following=document.next(entry),
        text_html=version_html(ctx, document, entry, url),
        citations=citations(citable),
        citable=citable,
        cite_as=citable.permalink,
        searchable=False,
        description=(
            f"{platform.name} {document.document.title} as recorded on "
            f"{entry.version.date:%Y-%m-%d}"
        ),
    )


def change_rows(
    ctx: RenderContext, document: LinkedDocument, entry: DocumentVersion
) -> list[dict[str, Any]]:
    """The rows of a changes page: each clause that changed, runs of unchanged ones counted."""
    previous = document.previous(entry)
    assert previous is not None
    if entry.is_removal:
        if previous.is_removal:
            return []
        old_ids = document.clause_ids(previous)
        return [
            {"status": REMOVED, "old": b, "new": None, "id": old_ids[b.position]}
            for b in ctx.texts.view(previous.version).blocks
        ]
    new_blocks = ctx.texts.view(entry.version).blocks
    old_blocks = [] if previous.is_removal else ctx.texts.view(previous.version).blocks
    new_ids = document.clause_ids(entry)
    old_ids = [] if previous.is_removal else document.clause_ids(previous)
    diffs = document.diffs(entry)
    rows: list[dict[str, Any]] = []
    unchanged = 0
    for pair in document.pairs(entry) or ():
        if pair.status == EQUAL:
            unchanged += 1
            continue
        if unchanged:
            rows.append({"status": EQUAL, "count": unchanged})
            unchanged = 0
        row: dict[str, Any] = {
            "status": pair.status,
            "old": old_blocks[pair.old] if pair.old is not None else None,
            "new": new_blocks[pair.new] if pair.new is not None else None,
            "id": new_ids[pair.new]
            if pair.new is not None
            else old_ids[pair.old]  # type: ignore[index]
            if not previous.is_removal
            else "",
        }
        if pair.status == CHANGED and pair.new is not None:
            row["segments"] = diffs.get(pair.new, [])
        rows.append(row)
    if unchanged:
        rows.append({"status": EQUAL, "count": unchanged})
    return rows


def changes_page(ctx: RenderContext, document: LinkedDocument, entry: DocumentVersion) -> Page:
    platform = ctx.platform_of(document.document.platform)
    return ctx.page(
        "changes.html",
        urls.changes(document.key, entry.slug),
        f"{platform.name}: {document.document.title}, changes of {entry.slug}",
        "changes",
        platform=platform,
        document=document,
        entry=entry,
        previous=document.previous(entry),
        rows=change_rows(ctx, document, entry),
        statuses={"added": ADDED, "removed": REMOVED, "changed": CHANGED, "moved": MOVED},
        searchable=False,
        description=(
            f"What changed in {platform.name}'s {document.document.title} on "
            f"{entry.version.date:%Y-%m-%d}"
        ),
    )


def timeline_page(ctx: RenderContext, document: LinkedDocument) -> Page:
    platform = ctx.platform_of(document.document.platform)
    url = urls.timeline(document.key)
    return ctx.page(
        "timeline.html",
        url,
        f"{platform.name}: {document.document.title}, timeline",
        "timeline",
        platform=platform,
        document=document,
        svg=timeline_svg(document, url),
        description=f"Every recorded version of {platform.name}'s {document.document.title}",
    )


def compare_page(ctx: RenderContext, document: LinkedDocument) -> Page:
    url = urls.compare(document.key)
    platform = ctx.platform_of(document.document.platform)
    versions = [
        {
            "slug": e.slug,
            "label": f"{e.slug} ({e.version.kind.value})",
            "text": urls.relative(urls.version_text(document.key, e.slug), url),
            "page": urls.relative(urls.version(document.key, e.slug), url),
        }
        for e in document.versions
        if not e.is_removal
    ]
    return ctx.page(
        "compare.html",
        url,
        f"{platform.name}: {document.document.title}, compare versions",
        "compare",
        platform=platform,
        document=document,
        versions_json=json.dumps(versions, ensure_ascii=True, sort_keys=True),
        versions=versions,
        searchable=False,
        description=f"Compare any two versions of {platform.name}'s {document.document.title}",
    )


def provision_history_page(ctx: RenderContext, linked: LinkedProvision) -> Page:
    provision = linked.provision
    platform = ctx.platform_of(provision.platform)
    return ctx.page(
        "provision_history.html",
        urls.provision_history(linked.key),
        f"History: {provision.title}",
        "provision-history",
        linked=linked,
        provision=provision,
        platform=platform,
        document=linked.document,
        description=f"How the clause analysed in '{provision.title}' changed over time",
    )
