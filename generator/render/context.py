"""What every page family renders with: the model, the templates and the site's address."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jinja2
from markupsafe import Markup

from .. import urls
from ..cache import Cache
from ..config import SiteConfig
from ..content.records import Platform
from ..link.model import DocumentVersion, SiteModel
from ..text.source import TextSource
from .cite import Citable
from .citemeta import page_citation
from .fragments import search_marks
from .keys import VersionForms
from .pages import Page, TocEntry
from .text_links import TextLinks, text_owners


@dataclass(slots=True)
class RenderContext:
    """The inputs shared by every page of a site."""

    model: SiteModel
    """The linked model."""
    texts: TextSource
    """Every version's parsed text."""
    env: jinja2.Environment
    """The page templates."""
    config: SiteConfig
    """The site's settings."""
    cache: Cache
    """The build cache (data files and the dataset are kept there)."""
    forms: VersionForms = field(init=False)
    """Each version's canonical form, for the keys of what shows it (made once per build,
    and kept in the cache for each document's inputs)."""
    _text_links: TextLinks | None = field(default=None, repr=False)
    """Made on first use (:attr:`text_links`)."""

    def __post_init__(self) -> None:
        self.forms = VersionForms(self.model, self.cache)

    @property
    def large_layout(self) -> bool:
        """Whether version pages link a shared text page instead of showing their text."""
        return self.config.layout == "large"

    @property
    def text_links(self) -> TextLinks:
        """Each distinct text's owner, for the ``large`` layout's links to text pages."""
        if self._text_links is None:
            self._text_links = TextLinks(self.model, text_owners(self.model))
        return self._text_links

    def clause_href(self, entry: DocumentVersion, clause: str) -> str:
        """Where a clause of a version is: on the version's page, or in the ``large``
        layout on its text's page."""
        if self.large_layout:
            return self.text_links.clause_url(entry, clause)
        return entry.clause_url(clause)

    @property
    def site_url(self) -> str:
        """The site's address, ending in ``/`` (``/`` alone when none is set)."""
        return urls.site_base(self.config.site_url)

    def absolute(self, url: str) -> str:
        """A site URL as an absolute address (for feeds, data and citations)."""
        return self.site_url + url

    def platform_of(self, platform_id: str) -> Platform:
        return self.model.content.platforms[platform_id]

    def page(self, template: str, url: str, title: str, kind: str, **context: Any) -> Page:
        """Render ``template`` as the page at ``url``; ``section(anchor, heading)`` in a
        template adds an entry to the page's table of contents."""

        def u(target: str) -> str:
            return urls.relative(target, url)

        toc: list[TocEntry] = []

        def section(anchor: str, heading: str) -> Markup:
            toc.append(TocEntry(2, anchor, heading))
            return Markup('<h2 id="{}">{}</h2>').format(anchor, heading)

        meta: dict[str, Any] = {}
        if isinstance(context.get("citable"), Citable) and kind in (
            "version",
            "provision",
            "provision-revision",
        ):
            context["citable"], cite_meta = page_citation(
                kind, context, self.config.site_name, self.site_url
            )
            meta.update(cite_meta)
        filters: dict[str, str] = context.pop("search_filters", {})
        html = self.env.get_template(template).render(
            u=u, section=section, model=self.model, content=self.model.content,
            large_layout=self.large_layout, clause_href=self.clause_href,
            site_name=self.config.site_name, title=title, search_filters=filters, **context
        )  # fmt: skip
        searchable = bool(context.get("searchable", True))
        if searchable and "data-pagefind-body" not in html:
            # The whole page is what search covers (a template may mark a part instead).
            html = Markup("<div data-pagefind-body>{}{}</div>").format(
                search_marks(filters, title), Markup(html)
            )
        html = str(html)  # plain text from here: adding a str to Markup would escape it
        # The page's title heading opens its table of contents: the theme's "skip to
        # content" link leads there, and its sections are listed below it.
        start = html.find("<h1")
        if start >= 0 and 'id="' not in html[start : html.find(">", start)]:
            html = html[:start] + f'<h1 id="{urls.TITLE_ANCHOR}"' + html[start + 3 :]
            toc.insert(0, TocEntry(1, urls.TITLE_ANCHOR, title))
        if "cite_as" in context:
            meta["cite_as"] = str(context["cite_as"])
        if context.get("light_frame"):
            meta["light"] = True
        if context.get("feeds"):
            meta["feeds"] = [
                {"title": title, "href": urls.relative(target, url)}
                for title, target in context["feeds"]
            ]
        return Page(
            url=url,
            title=title,
            html=html,
            kind=kind,
            toc=toc,
            description=str(context.get("description", "")),
            searchable=searchable,
            search_filters=filters,
            template=str(context.get("theme_template", "")),
            meta=meta,
        )
