"""Atom feeds of recorded versions."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

ATOM = "http://www.w3.org/2005/Atom"


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
