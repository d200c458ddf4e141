"""Atom feeds of recorded versions: the site's, each platform's and each document's."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from markupsafe import escape

from .. import urls
from ..archive.history import VersionKind
from ..site.model import DocumentVersion, LinkedDocument
from ..text import safemd
from .context import RenderContext
from .fragments import change_summary
from .pages import StaticFile

ATOM = "http://www.w3.org/2005/Atom"
SITE_FEED_LENGTH = 100


@dataclass(slots=True, frozen=True)
class FeedEntry:
    """One version, as a feed entry."""

    id: str
    """Permanent id (the version's permalink)."""
    title: str
    """Entry title."""
    link: str
    """Absolute URL of the page to read (the changes page)."""
    updated: dt.datetime
    """Recorded date of the version."""
    summary_html: str
    """HTML summary (change note or size of change); escaped as text in the XML."""


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(
    feed_id: str, title: str, self_url: str, site_url: str, author: str, entries: list[FeedEntry]
) -> bytes:
    """A valid Atom 1.0 document, newest entry first; ``updated`` is the newest entry's date."""
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
        ET.SubElement(element, f"{{{ATOM}}}summary", type="html").text = entry.summary_html
    ET.indent(feed)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"


_WHAT = {
    VersionKind.FIRST: "first recorded",
    VersionKind.CHANGE: "changed",
    VersionKind.TECHNICAL: "re-extracted (technical, not a change by the platform)",
    VersionKind.REMOVAL: "removed from the archive",
}


def feed_entry(ctx: RenderContext, document: LinkedDocument, entry: DocumentVersion) -> FeedEntry:
    platform = ctx.platform_of(document.document.platform)
    page = urls.changes if entry.number > 1 else urls.version
    if entry.note is not None:
        summary = safemd.render_markdown(entry.note.summary)
        summary = (
            f"<p><strong>{escape(entry.note.significance.capitalize())}.</strong></p>{summary}"
        )
    else:
        summary = f"<p>{escape(change_summary(entry))}</p>"
    return FeedEntry(
        id=ctx.absolute(urls.version(document.key, entry.slug)),
        title=f"{platform.name} {document.document.title} {_WHAT[entry.version.kind]} on "
        f"{entry.version.date:%Y-%m-%d}",
        link=ctx.absolute(page(document.key, entry.slug)),
        updated=entry.version.date,
        summary_html=summary,
    )


def site_feeds(ctx: RenderContext) -> list[StaticFile]:
    """A feed per document and per platform, and the site's feed of the newest versions."""
    name = ctx.config.site_name
    per_platform: dict[str, list[FeedEntry]] = {}
    every: list[FeedEntry] = []
    files: list[StaticFile] = []

    def feed(path: str, title: str, page: str, entries: list[FeedEntry]) -> StaticFile:
        self_url = ctx.absolute(path)
        return StaticFile(path, atom_feed(self_url, title, self_url, page, name, entries))

    for document in ctx.model.documents.values():
        entries = [feed_entry(ctx, document, e) for e in document.versions]
        platform = ctx.platform_of(document.document.platform)
        files.append(
            feed(
                urls.document_feed(document.key),
                f"{platform.name} {document.document.title}: versions",
                ctx.absolute(urls.document(document.key)),
                entries,
            )
        )
        per_platform.setdefault(platform.id, []).extend(entries)
        every.extend(entries)
    for platform_id, entries in per_platform.items():
        platform = ctx.platform_of(platform_id)
        files.append(
            feed(
                urls.platform_feed(platform_id),
                f"{platform.name}: policy versions",
                ctx.absolute(urls.platform(platform_id)),
                entries,
            )
        )
    newest = sorted(every, key=lambda e: (e.updated, e.id), reverse=True)[:SITE_FEED_LENGTH]
    files.append(feed(urls.SITE_FEED, f"{name}: policy versions", ctx.site_url, newest))
    return files
