"""A document's history pages: each version (with what changed from the one before) and the
history of each analysed clause. They come as one stream per document, rendered one page at
a time, each only when something it shows changed."""

from __future__ import annotations

from functools import partial

from .. import urls
from ..cache import digest
from ..compare.kinds import ChangeKind
from ..link.model import DocumentVersion, LinkedDocument, LinkedProvision
from .change_sections import SUMMARY_ROWS, SectionChanges, change_sections, summarised
from .cite import Citable, citable_data, citations
from .context import RenderContext
from .document_pages import version_html
from .feeds import document_feeds
from .keys import document_inputs, provision_history_key, version_page_key
from .pages import Page, PageStream, StreamedPage
from .revision_pages import revision_stream_pages

HISTORY_TEMPLATE = "govsite-history.html"
"""The theme template of history pages: the site's, with lighter chrome (there are many)."""


def history_stream(ctx: RenderContext, document: LinkedDocument) -> PageStream:
    """A document's history pages, each with the key of what it shows."""
    model, config = ctx.model, ctx.config
    stream = PageStream(document.key)
    shown = document_inputs(model, document, config)
    for entry in document.versions:
        key = version_page_key(model, document, entry, config, shown, ctx.forms)
        if ctx.large_layout:
            # Its links go to the text pages of its text and the one before: their owners'.
            links = ctx.text_links
            key = digest(key, links.key(entry), links.key(document.previous(entry)))
        stream.pages.append(
            StreamedPage(
                entry.page_url,
                key,
                partial(version_page, ctx, document, entry),
                searchable=changes_searchable(entry),
                recorded=entry.version.sequence,
            )
        )
    for linked in model.provisions.values():
        if linked.document is document:
            stream.pages.append(
                StreamedPage(
                    linked.provision.history_url,
                    provision_history_key(model, linked, config, ctx.forms),
                    partial(provision_history_page, ctx, linked),
                )
            )
            stream.pages += revision_stream_pages(ctx, linked)
    return stream


SEARCHED_KINDS = (
    ChangeKind.SUBSTANTIVE,
    ChangeKind.EDITORIAL,
    ChangeKind.DATES,
    ChangeKind.TECHNICAL,
)
"""Kinds of change whose words search covers (links and formatting change no word; a first
record, a removal or a restoring is the whole text, which the document's page covers)."""


def changes_searchable(entry: DocumentVersion) -> bool:
    """Whether search covers what a version changed."""
    return entry.number > 1 and entry.kind in SEARCHED_KINDS


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
        permalink=ctx.absolute(entry.page_url),
        publisher=ctx.config.site_name,
        source_url=document.document.url,
        content_hash=entry.version.blob if not entry.is_removal else "",
        version_label=f"version recorded {entry.when}",
    )


def version_page(ctx: RenderContext, document: LinkedDocument, entry: DocumentVersion) -> Page:
    """A version's permanent page: what changed from the version before, then its text."""
    url = entry.page_url
    platform = ctx.platform_of(document.document.platform)
    previous = document.previous(entry)
    new = None if entry.is_removal else ctx.texts.view(entry.version)
    old = None if previous is None or previous.is_removal else ctx.texts.view(previous.version)
    sections = change_sections(ctx.model, document, entry, new, old)
    large = ctx.large_layout
    shown, summary = summarised(sections) if large else (sections, None)
    citable = version_citable(ctx, document, entry)
    recurring = []
    recurring_more = 0
    if new is not None and entry.recurring:
        ids = document.clause_ids(entry)
        listed = entry.recurring
        if large and len(listed) > SUMMARY_ROWS:
            # A change can take back hundreds of clauses; what changed lists the first.
            listed, recurring_more = listed[:SUMMARY_ROWS], len(listed) - SUMMARY_ROWS
        recurring = [(ids[i], _shortened(new.normalised[i])) for i in listed]
    return ctx.page(
        "version.html",
        url,
        f"{platform.name}: {document.document.title}, version of {entry.when}",
        "version",
        platform=platform,
        document=document,
        entry=entry,
        previous=previous,
        same_text=document.versions[entry.same_as - 1] if entry.same_as else None,
        recurring=recurring,
        recurring_more=recurring_more,
        last_good=_last_good(document, entry),
        following=document.next(entry),
        sections=sections,
        shown_sections=shown,
        summary=summary,
        analyses_touched=_analyses_touched(sections),
        text_html="" if large else version_html(ctx, document, entry, url),
        text_page_url=urls.text_page(entry.version.blob) if large and new is not None else "",
        text_words=sum(len(b.split()) for b in new.normalised) if large and new else 0,
        clause_link=ctx.text_links.clause_url if large else None,
        citations=citations(citable),
        cite_data=citable_data(citable) if large else None,
        citable=citable,
        cite_as=citable.permalink,
        feeds=document_feeds(ctx, document),
        theme_template=HISTORY_TEMPLATE,
        light_frame=large,
        searchable=changes_searchable(entry),
        search_filters={
            "platform": platform.name,
            "document type": document.document.type,
            "kind": entry.kind.label,
            "year": str(entry.version.date.year),
        },
        description=(
            f"{platform.name} {document.document.title} as recorded on {entry.when}"
            f" ({entry.kind.label.lower()})"
        ),
    )


def _shortened(text: str, words: int = 16) -> str:
    split = text.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")


def _last_good(document: LinkedDocument, entry: DocumentVersion) -> DocumentVersion | None:
    """For a capture failure: the last version before it whose text was not one."""
    if entry.computed_kind is not ChangeKind.CAPTURE_FAILURE:
        return None
    for earlier in reversed(document.versions[: entry.number - 1]):
        if not earlier.is_removal and earlier.computed_kind is not ChangeKind.CAPTURE_FAILURE:
            return earlier
    return None


def _analyses_touched(sections: list[SectionChanges]) -> list[LinkedProvision]:
    found: dict[str, LinkedProvision] = {}
    for section in sections:
        for row in section.rows:
            for linked in row.analyses:
                found.setdefault(linked.key, linked)
    return list(found.values())


def provision_history_page(ctx: RenderContext, linked: LinkedProvision) -> Page:
    provision = linked.provision
    platform = ctx.platform_of(provision.platform)
    return ctx.page(
        "provision_history.html",
        linked.provision.history_url,
        f"History: {provision.title}",
        "provision-history",
        linked=linked,
        provision=provision,
        platform=platform,
        document=linked.document,
        description=f"How the clause analysed in '{provision.title}' changed over time",
    )
