"""The mkdocs plugin: a thin layer that hands govsite's pages to mkdocs.

Pages arrive as finished HTML: each becomes a virtual Markdown file holding only front
matter, and its HTML replaces the (empty) rendered Markdown in ``on_page_content``, so
Python-Markdown never sees archived texts.
"""

from __future__ import annotations

import logging
import os
from html import escape
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkPage
from mkdocs.structure.toc import get_toc

from .build import build_site
from .config import SiteConfig
from .diagnostics import LOGGER_NAME, Severity
from .pages import Page
from .render import PACKAGE_TEMPLATES
from .safemd import clean_text

log = logging.getLogger(LOGGER_NAME)


class GovsiteConfig(Config):
    content = config_options.Type(str, default="content")
    archive = config_options.Type(str, default="sources")
    templates = config_options.Type(str, default="templates")


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
    if page.meta:
        meta["govsite"] = dict(page.meta)
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True) + "---\n"


class GovsitePlugin(BasePlugin[GovsiteConfig]):
    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.site: SiteConfig | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).parent.resolve()
        self.site = SiteConfig.from_options(
            root,
            dict(self.config),
            site_name=config.site_name,
            site_url=config.site_url or "",
            config_file=Path(config.config_file_path).name,
        )
        stylesheet = "assets/govsite/govsite.css"
        if stylesheet not in config.extra_css:
            config.extra_css.append(stylesheet)
        for script in ("assets/govsite/govsite.js", "assets/govsite/compare.js"):
            if script not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(script)
        # Right before the theme's own templates: a site's custom_dir still comes first.
        overrides = str(PACKAGE_TEMPLATES / "overrides")
        if overrides not in config.theme.dirs:
            theme = f"{os.sep}{config.theme.name}{os.sep}templates"
            position = next(
                (i for i, d in enumerate(config.theme.dirs) if str(d).endswith(theme)), 0
            )
            config.theme.dirs.insert(position, overrides)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        assert self.site is not None
        result = build_site(self.site, record=True)
        errors = 0
        for diagnostic in result.diagnostics.sorted():
            if diagnostic.severity is Severity.ERROR:
                errors += 1
                log.error(str(diagnostic))
            else:
                log.warning(str(diagnostic))
        if errors:
            raise PluginError(
                f"govsite: {errors} error(s) in the site's inputs (listed above); "
                "run `govsite check` for the same report"
            )
        self.pages = {}
        for page in result.pages:
            self.pages[page.src_path] = page
            inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
            existing = files.get_file_from_path(page.src_path)
            if existing is not None:
                files.remove(existing)  # a hand-written page of the same URL yields
            files.append(
                File.generated(
                    config, page.src_path, content=front_matter(page), inclusion=inclusion
                )
            )
        for static in result.files:
            files.append(File.generated(config, static.path, content=static.content))
        return files

    def on_page_markdown(
        self, markdown: str, /, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        if page.file.src_uri in self.pages:
            return ""
        return markdown

    def on_page_content(
        self, html: str, /, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            return html
        page.toc = get_toc(
            [
                {"level": e.level, "id": e.anchor, "name": escape(e.title), "children": []}
                for e in generated.toc
            ]
        )
        return generated.html

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.site is not None:
            for folder in (self.site.content_dir, self.site.templates_dir, self.site.archive_dir):
                if folder.exists():
                    server.watch(str(folder))
        return server
