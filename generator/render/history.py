"""A document's history pages: each version, each change, the timeline, the compare view
and the history of each analysed clause. They come as one stream per document, rendered
one page at a time, so that a build can reuse them whole when nothing they show changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial

from .. import urls
from ..site.model import DocumentVersion, LinkedDocument, LinkedProvision
from .changes import SectionChanges, change_sections, touched_sections
from .cite import Citable, citations
from .context import RenderContext
from .documents import version_html
from .feeds import document_feeds
from .pages import Page
from .timeline import timeline


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
        version_label=f"version recorded {entry.when}",
    )


def version_page(ctx: RenderContext, document: LinkedDocument, entry: DocumentVersion) -> Page:
    """A version's permanent page: what changed from the version before, then its text."""
    url = urls.version(document.key, entry.slug)
    platform = ctx.platform_of(document.document.platform)
    previous = document.previous(entry)
    new = None if entry.is_removal else ctx.texts.view(entry.version)
    old = None if previous is None or previous.is_removal else ctx.texts.view(previous.version)
    sections = change_sections(ctx.model, document, entry, new, old)
    citable = version_citable(ctx, document, entry)
    return ctx.page(
        "version.html",
        url,
        f"{platform.name}: {document.document.title}, version of {entry.when}",
        "version",
        platform=platform,
        document=document,
        entry=entry,
        previous=previous,
        sections=sections,
        touched=touched_sections(sections),
        analyses_touched=_analyses_touched(sections),
        text_html=version_html(ctx, document, entry, url),
        citations=citations(citable),
        citable=citable,
        cite_as=citable.permalink,
        feeds=document_feeds(ctx, document),
        description=(
            f"{platform.name} {document.document.title} as recorded on {entry.when}"
            f" ({entry.kind.label.lower()})"
        ),
    )


def _analyses_touched(sections: list[SectionChanges]) -> list[LinkedProvision]:
    found: dict[str, LinkedProvision] = {}
    for section in sections:
        for row in section.rows:
            for linked in row.analyses:
                found.setdefault(linked.key, linked)
    return list(found.values())


def timeline_page(ctx: RenderContext, document: LinkedDocument) -> Page:
    platform = ctx.platform_of(document.document.platform)
    url = urls.timeline(document.key)
    return ctx.page(
        "timeline.html",
        url,
        f"{platform.name}: {document.document.title}, all versions",
        "timeline",
        platform=platform,
        document=document,
        tl=timeline(document),
        feeds=document_feeds(ctx, document),
        description=f"Every recorded version of {platform.name}'s {document.document.title}",
    )


def compare_page(ctx: RenderContext, document: LinkedDocument) -> Page:
    url = urls.compare(document.key)
    platform = ctx.platform_of(document.document.platform)
    versions = [
        {
            "slug": e.slug,
            "label": f"{e.when} ({e.kind.label.lower()})",
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
