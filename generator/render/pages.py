"""Pages and files as data: what the renderer produces and the site layer publishes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(slots=True, frozen=True)
class TocEntry:
    """One entry of a page's table of contents."""

    level: int
    """Heading level, 2 for sections."""
    anchor: str
    """Fragment id on the page."""
    title: str
    """Text shown."""


@dataclass(slots=True)
class Page:
    """A generated HTML page, published at the folder URL ``url``."""

    url: str
    """Site-relative folder URL, e.g. ``nimbus/terms/`` (``''`` is the home page)."""
    title: str
    """Page title."""
    html: str
    """Finished body HTML, placed in the theme's content area."""
    kind: str
    """What the page is (platform, document, provision, ...), for styling and tests."""
    in_nav: bool = False
    """Hub pages appear in the navigation; the many others are linked from hubs."""
    searchable: bool = True
    """Whether the page goes into the search index."""
    search_filters: dict[str, str] = field(default_factory=dict)
    """The search filters the page answers to (platform, document type, kind, year)."""
    description: str = ""
    """One-line summary for link previews."""
    toc: list[TocEntry] = field(default_factory=list)
    """Sections shown in the theme's table of contents."""
    template: str = ""
    """The theme template to render it with ('' for the theme's default); history pages
    use a lighter one."""
    meta: dict[str, Any] = field(default_factory=dict)
    """Extra values for the theme templates: ``cite_as`` (the permalink), ``feeds`` (each
    feed the page offers, as ``title`` and ``href`` relative to the page), ``citation``
    (the Highwire tags as [name, value] pairs), ``jsonld`` (schema.org JSON-LD, safe
    inside ``<script>``) and ``light`` (a page of which a site has very many, in the
    ``large`` layout: its theme frame is written without the twitter tags, which repeat
    the Open Graph ones, and without blank lines and indentation)."""


@dataclass(slots=True, frozen=True)
class StreamedPage:
    """A page rendered only when something it shows changed."""

    url: str
    """Its site-relative folder URL."""
    key: str
    """Digest of everything it shows (the site engine adds its theme's)."""
    render: Callable[[], Page]
    """Renders it."""
    searchable: bool = False
    """Whether search covers it (known without rendering it)."""
    recorded: int = -1
    """Place in the archive's history of the version the page records (its commit's
    sequence), for pages that show one recorded state; -1 for the others."""


@dataclass(slots=True)
class PageStream:
    """A document's history pages, rendered on demand, one at a time.

    A build never holds them all in memory, and reuses the finished HTML of each page whose
    key is unchanged: a new version renders its own page and the pages that list it, not
    its document's whole history.
    """

    name: str
    """What the pages belong to (a document key)."""
    pages: list[StreamedPage] = field(default_factory=list)
    """The pages, in the order they are rendered."""


@dataclass(slots=True, frozen=True)
class BlobFile:
    """A file published with the bytes of an archived text, read from git as it is written.

    Version texts are not held in memory (there are as many as versions): the site layer
    writes them one by one at the end of the build.
    """

    path: str
    """Site-relative file path."""
    blob: str
    """Git blob id of the text."""


@dataclass(slots=True)
class StaticFile:
    """A generated non-HTML file (feed, data, stylesheet), published at ``path``."""

    path: str
    """Site-relative file path."""
    content: bytes = b""
    """The bytes to publish (unless ``write`` is set)."""
    key: str = ""
    """Hash of what the file is made from, for a file produced by ``write``."""
    write: Callable[[Path], None] | None = None
    """Writes a file produced on demand (the dataset) at the given path."""
    start: Callable[[], None] | None = None
    """Starts producing that file in the background, so it is ready when written."""
    pooled: bool = False
    """Whether ``write`` may run in a forked worker (it reads only the build cache, with
    its own reads, and holds no process or file of the parent's open)."""
