"""Citation metadata that reference managers and search engines read from a page's head:
Highwire Press ``citation_*`` tags and schema.org JSON-LD, for version and provision pages.

Zotero's "Embedded Metadata" translator (and Google Scholar) read the Highwire tags:
``citation_technical_report_institution`` makes the item a *report* (the translator's own
rule), whose institution is the site; ``citation_title``, ``citation_author`` (one tag per
author: a single tag would be split at commas), ``citation_publication_date`` and
``citation_public_url`` give its title, authors, date and URL. A version's author is the
platform that publishes the text; an analysis's authors are the people who wrote it.

Every value is untrusted text: the theme escapes the tags' values, and the JSON-LD is made
safe inside ``<script>`` here (``<``, ``>`` and ``&`` as JSON escapes, so no text can close
the element).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from ..untrusted import clean_text
from .cite import Citable

WAYBACK = "https://web.archive.org/web/{stamp}/{url}"


def wayback_url(source_url: str, when: dt.datetime) -> str:
    """The Wayback Machine's capture of ``source_url`` nearest to ``when`` (it redirects to
    the closest capture it has)."""
    return WAYBACK.format(stamp=when.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S"), url=source_url)


def highwire(
    citable: Citable, authors: list[str], institution: str, abstract: str = ""
) -> list[list[str]]:
    """The ``citation_*`` tags as [name, value] pairs, in the order they are written."""
    tags = [["citation_title", citable.title]]
    tags += [["citation_author", _author(a)] for a in authors if _author(a)]
    tags += [
        ["citation_publication_date", citable.date.strftime("%Y/%m/%d")],
        ["citation_technical_report_institution", institution],
        ["citation_public_url", citable.permalink],
    ]
    if abstract:
        tags.append(["citation_abstract", abstract])
    return [[name, clean_text(value)] for name, value in tags]


def _author(name: str) -> str:
    """An author as one tag: readers split a tag's value at semicolons."""
    return " ".join(clean_text(name).replace(";", ",").split())


def script_json(value: Any) -> str:
    """JSON that is inert inside an HTML ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)
    for raw, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def _organisation(name: str, url: str = "") -> dict[str, str]:
    found = {"@type": "Organization", "name": name}
    if url:
        found["url"] = url
    return found


def version_json_ld(
    citable: Citable, recorded: dt.datetime, slug: str, site_name: str, site_url: str
) -> dict[str, Any]:
    """A recorded version as a schema.org DigitalDocument."""
    item: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "DigitalDocument",
        "@id": citable.permalink,
        "url": citable.permalink,
        "name": citable.title,
        "author": _organisation(citable.author),
        "datePublished": recorded.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "version": slug,
        "publisher": _organisation(site_name, site_url),
        "isPartOf": {"@type": "WebSite", "name": site_name, "url": site_url},
    }
    if citable.content_hash:
        item["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "git blob",
            "value": citable.content_hash,
        }
    if citable.source_url:
        item["isBasedOn"] = citable.source_url
        item["archivedAt"] = wayback_url(citable.source_url, recorded)
    return item


def provision_json_ld(
    citable: Citable,
    authors: list[str],
    description: str,
    analysed: dict[str, Any] | None,
    site_name: str,
    site_url: str,
) -> dict[str, Any]:
    """An analysis as a schema.org Report about the version it reads."""
    item: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Report",
        "@id": citable.permalink,
        "url": citable.permalink,
        "name": citable.title,
        "headline": citable.title,
        "author": [{"@type": "Person", "name": a} for a in authors],
        "dateModified": citable.date.isoformat(),
        "publisher": _organisation(site_name, site_url),
        "isPartOf": {"@type": "WebSite", "name": site_name, "url": site_url},
    }
    if description:
        item["description"] = description
    if analysed is not None:
        item["about"] = analysed
    return item


def with_wayback(citable: Citable, when: dt.datetime | None) -> Citable:
    """The citable with its Wayback Machine link, when the source's address is known."""
    if not citable.source_url or when is None:
        return citable
    return dataclasses.replace(
        citable,
        wayback=wayback_url(citable.source_url, when),
        wayback_date=when.astimezone(dt.UTC).date(),
    )


def page_citation(
    kind: str, context: dict[str, Any], site_name: str, site_url: str
) -> tuple[Citable, dict[str, object]]:
    """For a version or provision page (its template context): the citable with its Wayback
    Machine link, and the page's citation metadata (``citation`` tags, ``jsonld``)."""
    citable = context["citable"]
    assert isinstance(citable, Citable)
    if kind == "version":
        entry = context["entry"]
        recorded: dt.datetime = entry.version.date
        citable = with_wayback(citable, None if entry.is_removal else recorded)
        tags = highwire(citable, [citable.author], site_name, str(context.get("description", "")))
        item = version_json_ld(citable, recorded, entry.slug, site_name, site_url)
    else:
        linked = context["linked"]
        provision = context.get("provision") or linked.provision
        analysed = linked.analyzed
        if kind == "provision-revision":  # the version the revision read, if recorded
            analysed = linked.document.by_slug(provision.analyzed)
        citable = with_wayback(citable, analysed.version.date if analysed else None)
        description = str(context.get("description", ""))
        authors = list(context.get("cite_authors") or provision.authors)
        tags = highwire(citable, authors, site_name, description)
        about = None
        if analysed is not None:
            document = linked.document.document
            about = {
                "@type": "DigitalDocument",
                "name": document.title,
                "author": _organisation(context["platform"].name),
                "version": analysed.slug,
                "url": site_url + analysed.page_url,
            }
        item = provision_json_ld(citable, authors, description, about, site_name, site_url)
        first = context.get("first_recorded")
        if isinstance(first, dt.datetime):  # the analysis's revisions: its first and this one
            item["datePublished"] = first.date().isoformat()
            if citable.latest_url:
                item["version"] = citable.permalink.rstrip("/").rsplit("/", 1)[-1]
                item["isVersionOf"] = citable.latest_url
    return citable, {"citation": tags, "jsonld": script_json(item)}
