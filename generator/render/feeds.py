"""Atom feeds: of versions (the site's, each platform's and each document's, each in two
flavours: every change, and substantive changes only), and of analysed clauses (each
analysis's, and each topic's, regulation's and jurisdiction's). Each entry is categorised by
its kind of change, a term of the scheme defined on the site's kinds page."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from markupsafe import Markup, escape

from .. import urls
from ..compare.kinds import ChangeKind
from ..link.model import ClauseState, DocumentVersion, LinkedDocument, LinkedProvision
from ..text import safemd
from ..untrusted import xml_chars
from .context import RenderContext
from .fragments import change_summary, render_segments
from .pages import StaticFile

ATOM = "http://www.w3.org/2005/Atom"
SITE_FEED_LENGTH = 100


@dataclass(slots=True, frozen=True)
class FeedEntry:
    """One change, as a feed entry."""

    id: str
    """Permanent id (the version's permalink, or the analysis's URL with the version)."""
    title: str
    """Entry title."""
    link: str
    """Absolute URL of the page to read."""
    updated: dt.datetime
    """Recorded date of the version."""
    summary_html: str
    """HTML summary (kind, size of change, change note or word diff); escaped in the XML."""
    kind: ChangeKind
    """The kind of change."""

    @property
    def categories(self) -> tuple[tuple[str, str], ...]:
        return ((self.kind.value, self.kind.label),)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(
    feed_id: str,
    title: str,
    self_url: str,
    site_url: str,
    author: str,
    entries: list[FeedEntry],
    scheme: str = "",
) -> bytes:
    """A valid Atom 1.0 document, newest entry first; ``updated`` is the newest entry's date.
    Entries' categories are terms of ``scheme`` (the page that defines the kinds of change).
    """
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_id
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    newest = max((e.updated for e in entries), default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _iso(newest)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url, type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=site_url, type="text/html")
    author_element = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author_element, f"{{{ATOM}}}name").text = author
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "govsite"
    for entry in sorted(entries, key=lambda e: (e.updated, e.id), reverse=True):
        element = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(element, f"{{{ATOM}}}id").text = entry.id
        ET.SubElement(element, f"{{{ATOM}}}title").text = entry.title
        ET.SubElement(
            element, f"{{{ATOM}}}link", rel="alternate", href=entry.link, type="text/html"
        )
        ET.SubElement(element, f"{{{ATOM}}}updated").text = _iso(entry.updated)
        for term, label in entry.categories:
            ET.SubElement(element, f"{{{ATOM}}}category", term=term, scheme=scheme, label=label)
        ET.SubElement(element, f"{{{ATOM}}}summary", type="html").text = entry.summary_html
    ET.indent(feed)
    body = xml_chars(ET.tostring(feed, encoding="unicode", xml_declaration=False))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body.encode("utf-8") + b"\n"


_WHAT = {
    ChangeKind.FIRST: "first recorded",
    ChangeKind.TECHNICAL: "re-extracted (technical, not a change by the platform)",
    ChangeKind.REMOVAL: "removed from the archive",
    ChangeKind.RESTORED: "restored to the archive",
}


def version_entry(
    ctx: RenderContext, document: LinkedDocument, entry: DocumentVersion
) -> FeedEntry:
    platform = ctx.platform_of(document.document.platform)
    what = _WHAT.get(entry.kind, f"{entry.kind.label.lower()} change")
    summary = f"<p><strong>{escape(entry.kind.label)}.</strong> {escape(change_summary(entry))}</p>"
    if entry.note is not None:
        summary += safemd.render_markdown(entry.note.summary)
    page = urls.changes if entry.number > 1 else urls.version
    return FeedEntry(
        id=ctx.absolute(urls.version(document.key, entry.slug)),
        title=f"{platform.name} {document.document.title}: {what}, {entry.when}",
        link=ctx.absolute(page(document.key, entry.slug)),
        updated=entry.version.date,
        summary_html=summary,
        kind=entry.kind,
    )


def clause_entry(ctx: RenderContext, linked: LinkedProvision, state: ClauseState) -> FeedEntry:
    """An entry for one change of an analysed provision's quoted clause."""
    document, entry = linked.document, state.entry
    what = {
        "first": "first recorded",
        "changed": f"changed ({state.kind.label.lower()})",
        "removed": "removed",
        "restored": "restored",
    }[state.status]
    if state.diff:
        body = Markup("<p>{}</p>").format(render_segments(state.diff))
    else:
        body = Markup("<blockquote><p>{}</p></blockquote>").format(state.text)
    summary = Markup(
        '<p>The clause analysed in <a href="{analysis}">{title}</a>, in {platform}\'s '
        '{document}, {what} in the <a href="{version}">version of {when}</a>.</p>{body}'
    ).format(
        analysis=ctx.absolute(urls.provision(linked.key)),
        title=linked.provision.title,
        platform=ctx.platform_of(document.document.platform).name,
        document=document.document.title,
        what=what,
        version=ctx.absolute(urls.changes(document.key, entry.slug)),
        when=entry.when,
        body=body,
    )
    return FeedEntry(
        id=ctx.absolute(urls.provision(linked.key)) + f"#{entry.slug}",
        title=f"{linked.provision.title}: the quoted clause {what}, {entry.when}",
        link=ctx.absolute(urls.changes(document.key, entry.slug)),
        updated=entry.version.date,
        summary_html=str(summary),
        kind=state.kind,
    )


def document_feeds(ctx: RenderContext, document: LinkedDocument) -> list[tuple[str, str]]:
    """The feeds a document's pages offer: (title, site URL)."""
    platform = ctx.platform_of(document.document.platform)
    name = f"{platform.name} {document.document.title}"
    return [
        (f"{name}: every change", urls.document_feed(document.key)),
        (f"{name}: substantive changes", urls.document_feed(document.key, substantive=True)),
    ]


def platform_feeds(ctx: RenderContext, platform_id: str) -> list[tuple[str, str]]:
    name = ctx.platform_of(platform_id).name
    return [
        (f"{name}: every change", urls.platform_feed(platform_id)),
        (f"{name}: substantive changes", urls.platform_feed(platform_id, substantive=True)),
    ]


def site_feeds(ctx: RenderContext) -> list[StaticFile]:
    """Every feed of the site."""
    files: list[StaticFile] = []
    per_platform: dict[str, list[FeedEntry]] = {}
    every: list[FeedEntry] = []
    for document in ctx.model.documents.values():
        entries = [version_entry(ctx, document, e) for e in document.versions]
        files += _two_flavours(
            ctx, document_feeds(ctx, document), urls.document(document.key), entries
        )
        per_platform.setdefault(document.document.platform, []).extend(entries)
        every.extend(entries)
    for platform_id, entries in per_platform.items():
        files += _two_flavours(
            ctx, platform_feeds(ctx, platform_id), urls.platform(platform_id), entries
        )
    name = ctx.config.site_name
    site = [
        (f"{name}: every change", urls.site_feed()),
        (f"{name}: substantive changes", urls.site_feed(True)),
    ]
    files += _two_flavours(ctx, site, urls.HOME, every, limit=SITE_FEED_LENGTH)
    files += _clause_feeds(ctx)
    return files


def _two_flavours(
    ctx: RenderContext,
    feeds: list[tuple[str, str]],
    page: str,
    entries: list[FeedEntry],
    limit: int | None = None,
) -> list[StaticFile]:
    (every_title, every_path), (substantive_title, substantive_path) = feeds
    substantive = [e for e in entries if not e.kind.noise]
    return [
        _feed(ctx, every_path, every_title, page, entries, limit),
        _feed(ctx, substantive_path, substantive_title, page, substantive, limit),
    ]


def _feed(
    ctx: RenderContext,
    path: str,
    title: str,
    page: str,
    entries: list[FeedEntry],
    limit: int | None = None,
) -> StaticFile:
    if limit is not None:
        entries = sorted(entries, key=lambda e: (e.updated, e.id), reverse=True)[:limit]
    self_url = ctx.absolute(path)
    return StaticFile(
        path,
        atom_feed(
            self_url,
            title,
            self_url,
            ctx.absolute(page),
            ctx.config.site_name,
            entries,
            ctx.absolute(urls.KINDS),
        ),
    )


def provision_feed_title(linked: LinkedProvision) -> str:
    return f"{linked.provision.title}: changes of the quoted clause"


def _clause_feeds(ctx: RenderContext) -> list[StaticFile]:
    """A feed per analysed provision, and per topic, regulation and jurisdiction."""
    model = ctx.model
    entries = {
        key: [clause_entry(ctx, linked, state) for state in linked.history]
        for key, linked in model.provisions.items()
    }
    files = [
        _feed(
            ctx,
            urls.provision_feed(key),
            provision_feed_title(linked),
            urls.provision(key),
            entries[key],
        )
        for key, linked in model.provisions.items()
    ]
    for registry, index, names in (
        ("topics", model.by_topic, {k: t.title for k, t in model.content.topics.items()}),
        (
            "regulations",
            model.by_regulation,
            {k: r.title for k, r in model.content.regulations.items()},
        ),
        (
            "jurisdictions",
            model.by_jurisdiction,
            {k: j.name for k, j in model.content.jurisdictions.items()},
        ),
    ):
        for entry_id, provisions in index.items():
            found = [e for linked in provisions for e in entries[linked.key]]
            files.append(
                _feed(
                    ctx,
                    urls.registry_feed(registry, entry_id),
                    f"{names[entry_id]}: changes of analysed clauses",
                    urls.registry_entry(registry, entry_id),
                    found,
                )
            )
    return files
