"""The mkdocs plugin: a thin layer that hands govsite's pages to mkdocs.

Pages arrive as finished HTML: each becomes a virtual Markdown file holding only front
matter, and its HTML replaces the (empty) rendered Markdown in ``on_page_content``, so
Python-Markdown never sees archived texts.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import multiprocessing.process
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from html import escape
from pathlib import Path
from typing import Any

import jinja2
import yaml
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkPage
from mkdocs.structure.toc import get_toc

from .build import build_site
from .cache import Cache, close_records, code_fingerprint, digest, read_record, tree_digest
from .carry import Output, PreviousSite, publish, set_aside
from .config import SiteConfig
from .diagnostics import LOGGER_NAME, Severity
from .history import BlobReader
from .manifest import PageAnchors, page_anchors, write_manifest
from .pages import BlobFile, Page, PageStream, StaticFile
from .render import PACKAGE_TEMPLATES, bytecode_cache
from .safemd import clean_text

log = logging.getLogger(LOGGER_NAME)


class GovsiteConfig(Config):
    content = config_options.Type(str, default="content")
    archive = config_options.Type(str, default="sources")
    templates = config_options.Type(str, default="templates")
    cache = config_options.Type(bool, default=True)
    cache_dir = config_options.Type(str, default=".cache/govsite")
    licence = config_options.Type(str, default="")
    attribution = config_options.Type(str, default="")


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
        self.streams: list[PageStream] = []
        self.nav: Navigation | None = None
        self.env: jinja2.Environment | None = None
        self.files: Files | None = None
        self.captured: str | None = None
        self.anchors: dict[str, PageAnchors] = {}
        """Anchors of each page rendered, by output path, for the manifest."""
        self.blob_files: list[BlobFile] = []
        """Archived texts to publish at the end of the build, read from git one by one."""
        self.archive_root: Path | None = None
        """The archive those texts are read from."""
        self.static_files: list[StaticFile] = []
        """Data, feeds and assets to publish at the end of the build."""
        self.previous: PreviousSite | None = None
        """The last build's output, set aside for reuse."""
        self.stream_keys: list[str] = []
        """Cache key of each page stream (its inputs with the theme's)."""
        self.todo: list[tuple[PageStream, str]] = []
        """The streams whose pages are not in the cache, with their keys."""
        self.renderer: multiprocessing.process.BaseProcess | None = None
        """The forked process rendering them while mkdocs builds its pages."""

    @event_priority(-50)  # after the search plugin has set up its index
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
        _remember_search_entries(config, self.site.cache_dir)
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
        self.streams = result.streams
        self.blob_files, self.archive_root = result.blob_files, result.archive_root
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
        self.static_files = result.files  # published in on_post_build, with the texts
        for static in self.static_files:
            if static.start is not None:
                static.start()  # the dataset zip, made while mkdocs builds the pages
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
        page.toc = self._toc(generated)
        return generated.html

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    def on_env(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        self.env, self.files = env, files
        if self.site is not None and env.bytecode_cache is None:
            env.bytecode_cache = bytecode_cache(self.site.cache_dir)
        self._start_streams(config)
        return env

    def _start_streams(self, config: MkDocsConfig) -> None:
        """Find the page streams whose inputs changed and start rendering them now.

        The theme and navigation are ready, so a forked process renders them (on every
        core) while mkdocs builds its own pages; ``on_post_build`` waits for it.
        """
        assert self.site is not None and self.nav is not None
        cache = Cache(self.site.cache_dir)
        theme_key = digest(
            code_fingerprint(),
            Path(config.config_file_path).read_bytes(),
            tree_digest([Path(config.docs_dir)]),
            tree_digest([self.site.templates_dir]),
            *(f"{page.title}|{page.url}" for page in self.nav.pages),
        )
        self.stream_keys = [digest(theme_key, stream.fingerprint) for stream in self.streams]
        self.todo = [
            (stream, key)
            for stream, key in zip(self.streams, self.stream_keys, strict=True)
            if not cache.exists("pages", key)
        ]
        self.renderer = None
        if self.todo and cache.root is not None:
            context = multiprocessing.get_context("fork")
            self.renderer = context.Process(
                target=self._render_streams, args=(config, cache, self.todo)
            )
            self.renderer.start()

    def on_post_page(self, output: str, /, *, page: MkPage, config: MkDocsConfig) -> str:
        if self.captured is not None:
            self.captured = output
        else:
            self.anchors[page.file.dest_uri] = page_anchors(output)
        return output

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Before mkdocs empties the site folder: keep the last build's output for reuse.
        assert self.site is not None
        self.previous = set_aside(Path(config.site_dir), self.site.cache_dir)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Publish govsite's files: streamed pages, texts, data and feeds.

        Pages of streams whose inputs changed are rendered (on every core); everything else
        comes from the previous build's folders or from the cache.
        """
        assert self.site is not None
        if self.nav is None or self.env is None or self.files is None:
            return
        cache = Cache(self.site.cache_dir)
        site_dir = Path(config.site_dir)
        keys, todo = self.stream_keys, self.todo
        if self.renderer is not None:
            self.renderer.join()
            self.renderer = None
            # Whatever the forked renderer did not finish is rendered here.
            self._render_streams(
                config, cache, [t for t in todo if not cache.exists("pages", t[1])]
            )
        else:
            self._render_streams(config, cache, todo)
        log.debug(
            f"govsite: {len(self.streams) - len(todo)} of {len(self.streams)} page streams reused"
        )
        rendered = {key for _stream, key in todo}
        outputs: list[Output] = []
        stream_of: dict[str, str] = {}  # output path -> stream key, for its anchors
        for stream, key in zip(self.streams, keys, strict=True):
            for url in stream.urls:
                dest = f"{url}index.html"
                stream_of[dest] = key
                write = None if key in rendered else _cached_page(cache, key, dest)
                outputs.append(Output(dest, digest(key, dest), write))
        # What mkdocs (and other plugins) wrote: everything but the streamed pages.
        foreign = [path for path in _files_below(site_dir) if path not in stream_of]
        for static in self.static_files:
            if static.write is not None:
                outputs.append(Output(static.path, digest("made", static.key), static.write))
            else:
                content = static.content
                outputs.append(
                    Output(static.path, digest("bytes", content), _bytes_writer(content))
                )
        previous = self.previous or PreviousSite(None, {}, None)
        with BlobReader(self.archive_root or Path(config.config_file_path).parent) as blobs:
            for item in self.blob_files:
                outputs.append(
                    Output(item.path, digest("blob", item.blob), _blob_writer(blobs, item.blob))
                )
            folder_keys = publish(site_dir, outputs, foreign, previous)
        log.debug(f"govsite: {previous.carried} folders carried from the previous build")
        del outputs
        close_records()
        write_manifest(
            site_dir, config.site_url or "", _AnchorSource(self.anchors, cache, stream_of)
        )
        previous.finish(site_dir, folder_keys)
        self.anchors, self.previous = {}, None

    def _render_streams(
        self, config: MkDocsConfig, cache: Cache, todo: list[tuple[PageStream, str]]
    ) -> None:
        """Render the streams whose inputs changed, into the site and the cache."""
        workers = os.cpu_count() or 1
        global _BUILDING
        _BUILDING = (self, config, cache, todo)
        try:
            if workers > 1 and len(todo) >= 4:
                # Forked workers inherit the theme environment and navigation as they are.
                context = multiprocessing.get_context("fork")
                with ProcessPoolExecutor(workers, mp_context=context) as pool:
                    for index, anchors in enumerate(pool.map(_build_stream_job, range(len(todo)))):
                        cache.put("anchors", todo[index][1], anchors)
            else:
                for index in range(len(todo)):
                    cache.put("anchors", todo[index][1], _build_stream_job(index))
        finally:
            _BUILDING = None

    def _build_stream(self, stream: PageStream, config: MkDocsConfig) -> Iterator[tuple[str, str]]:
        """Render a stream's pages in the theme, one at a time, as mkdocs renders its own."""
        assert self.nav is not None and self.env is not None and self.files is not None
        documentation = self.files.documentation_pages()
        for page in stream.produce():
            file = File.generated(
                config,
                page.src_path,
                content=front_matter(page),
                inclusion=InclusionLevel.NOT_IN_NAV,
            )
            mkpage = MkPage(None, file, config)
            mkpage.read_source(config)
            mkpage.content = page.html
            mkpage.toc = self._toc(page)
            self.captured = ""
            try:
                mkdocs_build._build_page(mkpage, config, documentation, self.nav, self.env)
                output = self.captured
            finally:
                self.captured = None
            yield file.dest_uri, output

    @staticmethod
    def _toc(page: Page) -> Any:
        return get_toc(
            [
                {"level": e.level, "id": e.anchor, "name": escape(e.title), "children": []}
                for e in page.toc
            ]
        )

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.site is not None:
            for folder in (self.site.content_dir, self.site.templates_dir, self.site.archive_dir):
                if folder.exists():
                    server.watch(str(folder))
        return server


# The plugin, configuration, cache and streams of the build under way, for forked workers.
_BUILDING: tuple[GovsitePlugin, MkDocsConfig, Cache, list[tuple[PageStream, str]]] | None = None


def _build_stream_job(index: int) -> dict[str, PageAnchors]:
    """Render one page stream into the site and the cache (run in a worker process)."""
    assert _BUILDING is not None
    plugin, config, cache, todo = _BUILDING
    stream, key = todo[index]
    anchors: dict[str, PageAnchors] = {}

    def pages() -> Iterator[tuple[str, bytes]]:
        for dest, output in plugin._build_stream(stream, config):
            anchors[dest] = page_anchors(output)
            yield dest, output.encode("utf-8", errors="xmlcharrefreplace")

    cache.write_records("pages", key, pages())  # one page in memory at a time
    return anchors


def _files_below(folder: Path) -> list[str]:
    """Every file below ``folder``, as ``/``-separated relative paths."""
    found: list[str] = []
    for parent, _dirs, names in os.walk(folder):
        relative = os.path.relpath(parent, folder)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        found.extend(prefix + name for name in names)
    return found


def _bytes_writer(data: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(data)

    return write


def _blob_writer(blobs: BlobReader, blob: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(blobs.raw(blob))

    return write


class _AnchorSource:
    """Anchors of the pages rendered by this or an earlier build, one stream in memory."""

    def __init__(
        self,
        pages: dict[str, PageAnchors],
        cache: Cache,
        stream_of: dict[str, str],
    ) -> None:
        self.pages, self.cache, self.stream_of = pages, cache, stream_of
        self.key = ""
        self.stored: dict[str, PageAnchors] = {}

    def __call__(self, path: str) -> PageAnchors | None:
        if path in self.pages:
            return self.pages[path]
        key = self.stream_of.get(path)
        if key is None:
            return None
        if key != self.key:
            stored = self.cache.get("anchors", key)
            self.key, self.stored = key, stored if isinstance(stored, dict) else {}
        return self.stored.get(path)


def _cached_page(cache: Cache, key: str, dest: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        data = read_record(cache, "pages", key, dest)
        if data is None:
            raise PluginError(f"govsite: the cache lost the page {dest}; build again")
        path.write_bytes(data)

    return write


def _remember_search_entries(config: MkDocsConfig, cache_dir: Path | None) -> None:
    """Let the theme's search plugin reuse the index entries of pages that did not change.

    Parsing every page's HTML for the search index is a large part of a rebuild; the
    entries depend only on the page's HTML, address, title, metadata and table of contents
    and the search settings, which make the key. Left alone if the plugin is not there or
    does not look as expected.
    """
    search = config.plugins.get("material/search") or config.plugins.get("search")
    index = getattr(search, "search_index", None)
    original = getattr(index, "add_entry_from_context", None)
    if cache_dir is None or search is None or index is None or not callable(original):
        return
    if not isinstance(getattr(index, "entries", None), list):
        return
    cache = Cache(cache_dir)
    settings = digest(
        code_fingerprint(), json.dumps(dict(search.config), sort_keys=True, default=str)
    )

    def toc_items(items: Any) -> Iterator[str]:
        for item in items:
            yield f"{item.id}|{item.url}|{item.title}|{item.level}"
            yield from toc_items(item.children)

    def add_entry_from_context(page: MkPage) -> None:
        key = digest(
            settings,
            page.url,
            str(page.title),
            json.dumps(page.meta, sort_keys=True, default=str),
            page.content or "",
            *toc_items(page.toc),
        )
        entries: list[Any] = index.entries
        stored = cache.get("search", key)
        if isinstance(stored, list):
            entries.extend(stored)
            return
        before = len(entries)
        original(page)
        cache.put("search", key, entries[before:])

    index.add_entry_from_context = add_entry_from_context
