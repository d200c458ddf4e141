"""govsite's pages in an mkdocs theme: front matter, table of contents, and whole pages
rendered in the theme as mkdocs renders its own."""

from __future__ import annotations

from html import escape
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import jinja2
import mkdocs
import yaml
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkPage
from mkdocs.structure.toc import get_toc

from ..cache import code_fingerprint, digest, tree_digest
from ..render.pages import Page
from ..untrusted import clean_text


def src_path(page: Page) -> str:
    """The virtual Markdown file a page stands in for in mkdocs' file list."""
    return f"{page.url}index.md"


def front_matter(page: Page) -> str:
    """The virtual Markdown file of a page: front matter only.

    mkdocs themes print the title and description without escaping them (they assume
    trusted Markdown), so both are escaped here: contributors' text must stay text.
    """
    meta: dict[str, Any] = {"title": escape(clean_text(page.title))}
    if page.description:
        meta["description"] = escape(clean_text(page.description))
    if not page.searchable:
        meta["search"] = {"exclude": True}
    if page.template:
        meta["template"] = page.template
    if page.meta:
        meta["govsite"] = dict(page.meta)
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True) + "---\n"


def page_file(page: Page, config: MkDocsConfig) -> File:
    """The page as a generated file; only hub pages are listed in the navigation."""
    inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
    return File.generated(config, src_path(page), content=front_matter(page), inclusion=inclusion)


def toc(page: Page) -> Any:
    return get_toc(
        [
            {"level": e.level, "id": e.anchor, "name": escape(e.title), "children": []}
            for e in page.toc
        ]
    )


def _engine_versions() -> list[str]:
    """The engine running (ProperDocs answers to the name ``mkdocs`` too) and its theme."""
    try:
        material = package_version("mkdocs-material")
    except PackageNotFoundError:
        material = "none"
    return [f"{mkdocs.__name__}={mkdocs.__version__}", f"mkdocs-material={material}"]


def theme_key(config: MkDocsConfig, nav: Navigation, templates_dir: Path) -> str:
    """Everything of the theme a rendered page depends on, besides its own content."""
    return digest(
        code_fingerprint(),
        *_engine_versions(),
        Path(config.config_file_path).read_bytes(),
        tree_digest([Path(config.docs_dir)]),
        tree_digest([templates_dir]),
        *(f"{page.title}|{page.url}" for page in nav.pages),
    )


class MkdocsTheme:
    """Renders govsite's pages in the site's mkdocs theme (the publish stage's Theme)."""

    def __init__(
        self, config: MkDocsConfig, nav: Navigation, env: jinja2.Environment, files: Files
    ) -> None:
        self.config, self.nav, self.env = config, nav, env
        self.documentation = files.documentation_pages()
        self.rendering = False
        """Whether a page of govsite's is being rendered (plugins' events see it)."""

    def render(self, page: Page) -> str:
        config = self.config
        file = page_file(page, config)
        mkpage = MkPage(None, file, config)
        mkpage.read_source(config)
        mkpage.content = page.html
        mkpage.toc = toc(page)
        mkpage.active = True
        context = get_context(self.nav, self.documentation, config, mkpage)
        template = self.env.get_template(mkpage.meta.get("template", "main.html"))
        self.rendering = True
        try:
            context = config.plugins.on_page_context(
                context, page=mkpage, config=config, nav=self.nav
            )
            output: str = template.render(context)
            rendered: str = config.plugins.on_post_page(output, page=mkpage, config=config)
        finally:
            self.rendering = False
        return rendered
