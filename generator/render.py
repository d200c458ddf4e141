"""Stage 6, render: the linked model as pages (finished HTML) and static files.

Templates are jinja2 files in ``templates/pages`` (a site can override any of them from its
own templates folder). Autoescaping is on; the only HTML that templates receive unescaped
comes from :mod:`generator.safemd`, which emits no live markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2
from markdown_it.token import Token
from markupsafe import Markup, escape

from . import safemd
from .history import Version, VersionKind
from .link import DocumentVersion, LinkedDocument, LinkedProvision, SiteModel
from .model import Platform
from .pages import Page, StaticFile, TocEntry, relative_url
from .parse import Block, ParsedText

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
if not PACKAGE_TEMPLATES.is_dir():  # editable install: the repository's own folder
    PACKAGE_TEMPLATES = Path(__file__).parent.parent / "templates"

EXPOSURE_ORDER = {"high": 0, "medium": 1, "low": 2}


def make_environment(extra_dirs: Iterable[Path] = ()) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(d)) for d in extra_dirs]
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES / "pages")))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = lambda text: Markup(safemd.render_markdown(text or ""))
    env.filters["md_inline"] = lambda text: Markup(safemd.render_markdown(text or "", inline=True))
    env.filters["clean"] = lambda text: safemd.clean_text(text or "")
    env.filters["day"] = lambda value: value.strftime("%Y-%m-%d")
    env.filters["month"] = lambda value: value.strftime("%B %Y")
    env.globals["VersionKind"] = VersionKind
    return env


def platform_url(platform: str) -> str:
    return f"{platform}/"


def document_url(key: str) -> str:
    return f"{key}/"


def provision_url(key: str) -> str:
    return f"{key}/"


def anchor_for(provision_slug: str) -> str:
    return f"analysis-{provision_slug}"


def render_text(
    parsed: ParsedText, marks: dict[int, list[Markup]], url: Callable[[str], str]
) -> str:
    """An archived text as HTML, with a marker linking each analysed clause to its page.

    ``marks`` maps a block index to the markers placed at it. Tokens are copied before
    they are changed, since the parsed text is shared by every version holding it.
    """
    tokens = list(parsed.tokens)
    inserts: dict[int, list[Token]] = {}
    for block_index, markers in marks.items():
        block = parsed.blocks[block_index]
        marker_html = "".join(markers)
        open_token = tokens[block.anchor_token].copy()
        open_token.attrJoin("class", "govsite-marked")
        tokens[block.anchor_token] = open_token
        if block.kind in ("heading", "paragraph"):
            inline_index = _inline_after(tokens, block)
            inline = tokens[inline_index].copy()
            marker = Token("html_inline", "", 0, content=marker_html)
            inline.children = [marker, *(inline.children or [])]
            tokens[inline_index] = inline
        else:
            inserts.setdefault(block.anchor_token, []).append(
                Token("html_block", "", 0, content=f"<div>{marker_html}</div>\n")
            )
    if inserts:
        spliced: list[Token] = []
        for index, token in enumerate(tokens):
            spliced.extend(inserts.get(index, ()))
            spliced.append(token)
        tokens = spliced
    return safemd.render_tokens(tokens)


def _inline_after(tokens: list[Token], block: Block) -> int:
    index: int = block.anchor_token
    while tokens[index].type != "inline":
        index += 1
    return index


class Renderer:
    """Renders every page of a site model."""

    def __init__(
        self,
        model: SiteModel,
        parsed: Callable[[Version], ParsedText],
        env: jinja2.Environment,
        site_name: str,
    ) -> None:
        self.model = model
        self.parsed = parsed
        self.env = env
        self.site_name = site_name

    def _page(self, template: str, url: str, title: str, kind: str, **context: Any) -> Page:
        def u(target: str) -> str:
            return relative_url(target, url)

        toc: list[TocEntry] = []

        def section(anchor: str, heading: str) -> Markup:
            toc.append(TocEntry(2, anchor, heading))
            return Markup('<h2 id="{}">{}</h2>').format(anchor, heading)

        html = self.env.get_template(template).render(
            u=u, section=section, model=self.model, content=self.model.content,
            site_name=self.site_name, title=title, **context
        )  # fmt: skip
        return Page(
            url=url,
            title=title,
            html=html,
            kind=kind,
            toc=toc,
            description=str(context.get("description", "")),
        )

    def render(self) -> list[Page]:
        model = self.model
        pages: list[Page] = []
        pages.append(self.platforms_index())
        for platform in model.content.platforms.values():
            pages.append(self.platform_page(platform))
        for document in model.documents.values():
            pages.append(self.document_page(document))
        for provision in model.provisions.values():
            pages.append(self.provision_page(provision))
        pages.append(self.analyses_index())
        pages.append(self.registry_index("topics"))
        pages.append(self.registry_index("regulations"))
        pages.append(self.registry_index("jurisdictions"))
        for topic_id in model.content.topics:
            pages.append(self.topic_page(topic_id))
        for regulation_id in model.content.regulations:
            pages.append(self.regulation_page(regulation_id))
        for jurisdiction_id in model.content.jurisdictions:
            pages.append(self.jurisdiction_page(jurisdiction_id))
        for hub in pages:
            if hub.kind == "hub":
                hub.in_nav = True
        return pages

    # Hubs

    def platforms_index(self) -> Page:
        return self._page("platforms.html", "platforms/", "Platforms", "hub")

    def analyses_index(self) -> Page:
        provisions = sorted(
            self.model.provisions.values(),
            key=lambda p: (EXPOSURE_ORDER.get(p.provision.exposure.level, 3), p.key),
        )
        return self._page(
            "analyses.html", "analyses/", "Analysed provisions", "hub", provisions=provisions
        )

    def registry_index(self, registry: str) -> Page:
        titles = {
            "topics": "Topics",
            "regulations": "Regulations",
            "jurisdictions": "Jurisdictions",
        }
        return self._page(f"{registry}.html", f"{registry}/", titles[registry], "hub")

    # Platforms and documents

    def platform_page(self, platform: Platform) -> Page:
        documents = [
            self.model.documents[d.key]
            for d in platform.documents.values()
            if d.key in self.model.documents
        ]
        provisions = [
            p for p in self.model.provisions.values() if p.provision.platform == platform.id
        ]
        return self._page(
            "platform.html",
            platform_url(platform.id),
            platform.name,
            "platform",
            platform=platform,
            documents=documents,
            provisions=provisions,
            description=f"Policies of {platform.name} and their analyses",
        )

    def document_page(self, document: LinkedDocument) -> Page:
        url = document_url(document.key)
        platform = self.model.content.platforms[document.document.platform]
        provisions = [
            p for p in self.model.provisions.values() if p.provision.document_key == document.key
        ]
        latest = document.latest
        text_html = Markup("")
        if latest is not None:
            marks: dict[int, list[Markup]] = {}
            for linked in provisions:
                match = linked.latest_match
                if match is None:
                    continue
                marker = Markup(
                    '<a class="govsite-marker govsite-exposure-{level}" id="{anchor}" '
                    'href="{href}" title="Analysis: {title}">Analysis: {title}</a> '
                ).format(
                    level=linked.provision.exposure.level,
                    anchor=anchor_for(linked.provision.slug),
                    href=relative_url(provision_url(linked.key), url),
                    title=linked.provision.title,
                )
                marks.setdefault(match.blocks[0], []).append(marker)
            text_html = Markup(
                render_text(self.parsed(latest.version), marks, lambda t: relative_url(t, url))
            )
        return self._page(
            "document.html",
            url,
            f"{platform.name}: {document.document.title}",
            "document",
            platform=platform,
            document=document,
            latest=latest,
            provisions=provisions,
            text_html=text_html,
            description=f"The latest archived text of {platform.name}'s {document.document.title}",
        )

    # Provisions

    def provision_page(self, linked: LinkedProvision) -> Page:
        provision = linked.provision
        platform = self.model.content.platforms[provision.platform]
        same_topic = [
            p
            for p in self.model.by_topic.get(provision.topic, [])
            if p.provision.platform != provision.platform
        ]
        related = [
            self.model.provisions[key] for key in provision.related if key in self.model.provisions
        ]
        last_change: DocumentVersion | None = None
        for entry in reversed(linked.document.versions):
            if entry.version.kind is not VersionKind.TECHNICAL:
                last_change = entry
                break
        return self._page(
            "provision.html",
            provision_url(linked.key),
            provision.title,
            "provision",
            linked=linked,
            provision=provision,
            platform=platform,
            document=linked.document,
            same_topic=same_topic,
            related=related,
            last_change=last_change,
            anchor=anchor_for(provision.slug),
            description=safemd.clean_text(provision.summary.split("\n", 1)[0])[:200],
        )

    # Registries

    def topic_page(self, topic_id: str) -> Page:
        topic = self.model.content.topics[topic_id]
        provisions = self.model.by_topic.get(topic_id, [])
        by_platform: dict[str, list[LinkedProvision]] = {}
        for linked in provisions:
            by_platform.setdefault(linked.provision.platform, []).append(linked)
        return self._page(
            "topic.html",
            f"topics/{topic_id}/",
            topic.title,
            "topic",
            topic=topic,
            provisions=provisions,
            by_platform=dict(sorted(by_platform.items())),
            description=f"How platforms handle {topic.title.lower()}, compared",
        )

    def regulation_page(self, regulation_id: str) -> Page:
        regulation = self.model.content.regulations[regulation_id]
        entries = [
            (linked, ref)
            for linked in self.model.by_regulation.get(regulation_id, [])
            for ref in linked.provision.regulations
            if ref.id == regulation_id
        ]
        return self._page(
            "regulation.html",
            f"regulations/{regulation_id}/",
            regulation.title,
            "regulation",
            regulation=regulation,
            entries=entries,
            description=f"Platform provisions touching the {regulation.full_title}",
        )

    def jurisdiction_page(self, jurisdiction_id: str) -> Page:
        jurisdiction = self.model.content.jurisdictions[jurisdiction_id]
        entries = [
            (linked, ref)
            for linked in self.model.by_jurisdiction.get(jurisdiction_id, [])
            for ref in linked.provision.jurisdictions
            if ref.id == jurisdiction_id
        ]
        return self._page(
            "jurisdiction.html",
            f"jurisdictions/{jurisdiction_id}/",
            jurisdiction.name,
            "jurisdiction",
            jurisdiction=jurisdiction,
            entries=entries,
            description=f"Platform provisions flagged for {jurisdiction.name}",
        )


def stylesheet() -> StaticFile:
    css = (PACKAGE_TEMPLATES / "assets" / "govsite.css").read_bytes()
    return StaticFile("assets/govsite/govsite.css", css)


def escape_text(text: str) -> Markup:
    return escape(safemd.clean_text(text))
