"""A platform's page and each document's page (its latest text, analysed clauses marked)."""

from __future__ import annotations

from markupsafe import Markup

from ..content.records import Platform
from ..link.model import DocumentVersion, LinkedDocument
from ..text.views import fill_view
from .context import RenderContext
from .feeds import document_feeds, platform_feeds
from .fragments import analysis_marker
from .pages import Page
from .timeline import timeline


def last_substantive(document: LinkedDocument) -> DocumentVersion | None:
    """The newest version that changed the document's substance (a first record counts)."""
    for entry in reversed(document.versions):
        if not entry.kind.noise:
            return entry
    return None


RECENT = 5
"""How many of the latest changes a document's page lists (of the kinds a reader shows)."""


def recent_changes(document: LinkedDocument) -> list[DocumentVersion]:
    """The newest :data:`RECENT` versions of each kind, newest first: whatever kinds a reader
    filters the history to, its latest changes can be listed (the page shows the first
    :data:`RECENT` of the kinds shown)."""
    seen: dict[object, int] = {}
    found: list[DocumentVersion] = []
    for entry in reversed(document.versions):
        seen[entry.kind] = seen.get(entry.kind, 0) + 1
        if seen[entry.kind] <= RECENT:
            found.append(entry)
    return found


def platform_page(ctx: RenderContext, platform: Platform) -> Page:
    documents = [
        (linked, linked.versions[-1], last_substantive(linked))
        for linked in (
            ctx.model.documents[d.key]
            for d in platform.documents.values()
            if d.key in ctx.model.documents
        )
    ]
    provisions = [p for p in ctx.model.provisions.values() if p.provision.platform == platform.id]
    return ctx.page(
        "platform.html",
        platform.page_url,
        platform.name,
        "platform",
        platform=platform,
        documents=documents,
        provisions=provisions,
        feeds=platform_feeds(ctx, platform.id),
        description=f"Policies of {platform.name} and their analyses",
    )


def analysis_marks(
    ctx: RenderContext,
    document: LinkedDocument,
    entry: DocumentVersion,
    url: str,
    *,
    anchored: bool,
) -> dict[int, list[str]]:
    """Markers for the analysed clauses found in a version, by block, linking to their
    analyses; ``anchored`` ones (on the document's page) carry the analyses' anchors."""
    marks: dict[int, list[str]] = {}
    latest = document.latest
    for linked in ctx.model.provisions.values():
        if linked.provision.document_key != document.key:
            continue
        if entry is latest:
            match = linked.latest_match
        else:
            match = ctx.model.quotes.find(linked.provision.quote, entry.version)
        if match is None:
            continue
        marker = analysis_marker(linked, url, anchored=anchored)
        marks.setdefault(match.blocks[0], []).append(marker)
    return marks


def version_html(
    ctx: RenderContext,
    document: LinkedDocument,
    entry: DocumentVersion,
    url: str,
    *,
    anchored: bool = False,
) -> Markup:
    """A version's text with its clause anchors and analysis markers ('' for a removal);
    only the document's own page (``anchored``) carries the analyses' anchors, so that a
    version's page does not change when a later version comes."""
    if entry.is_removal:
        return Markup("")
    view = ctx.texts.view(entry.version)
    marks = analysis_marks(ctx, document, entry, url, anchored=anchored)
    return Markup(fill_view(view, document.clause_ids(entry), marks))


def document_page(ctx: RenderContext, document: LinkedDocument) -> Page:
    url = document.page_url
    platform = ctx.platform_of(document.document.platform)
    provisions = [
        p for p in ctx.model.provisions.values() if p.provision.document_key == document.key
    ]
    latest = document.latest
    return ctx.page(
        "document.html",
        url,
        f"{platform.name}: {document.document.title}",
        "document",
        platform=platform,
        document=document,
        latest=latest,
        last_substantive=last_substantive(document),
        recent=recent_changes(document),
        recent_shown=RECENT,
        tl=timeline(document),
        provisions=provisions,
        feeds=document_feeds(ctx, document),
        search_filters={
            "platform": platform.name,
            "document type": document.document.type,
            "kind": "Latest text",
            "year": str(latest.version.date.year) if latest else "",
        },
        text_html=version_html(ctx, document, latest, url, anchored=True) if latest else Markup(""),
        description=f"The latest archived text of {platform.name}'s {document.document.title}",
    )
