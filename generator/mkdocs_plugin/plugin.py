"""The mkdocs plugin: mkdocs' events, each handing over to the library.

Pages arrive as finished HTML: each becomes a virtual Markdown file holding only front
matter, and its HTML replaces the (empty) rendered Markdown in ``on_page_content``, so
Python-Markdown never sees archived texts. Each document's history pages are rendered by
the library in the theme (:class:`.theme.MkdocsTheme`) once the theme is ready.
"""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config import config_options
from mkdocs.config.base import BaseConfigOption, Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkPage
from mkdocs.utils import CountHandler

from .. import pipeline, urls
from ..archive.permalinks import LOCK_NAME, LockEntry, append_lock
from ..archive.revisions import LOCK_NAME as REVISIONS_LOCK
from ..archive.revisions import RevisionLockEntry, append_revision_lock
from ..cache import Cache
from ..config import PLUGIN_OPTIONS, PluginOption, SiteConfig
from ..diagnostics import LOGGER_NAME, Severity
from ..publish import HistoryPages, PreviousSite, publish_site, set_aside
from ..publish.carry import discard_staging, prepare_staging, swap_in
from ..publish.lock import SiteBusy, SiteLock, check_wait
from ..publish.manifest import PageAnchors, page_anchors
from ..render import Page, SiteOutput
from ..render.environment import PACKAGE_TEMPLATES, bytecode_cache
from .theme import MkdocsTheme, drop_unused_theme_files, page_file, src_path, theme_key, toc

log = logging.getLogger(LOGGER_NAME)


def _option(option: PluginOption) -> BaseConfigOption[Any]:
    if option.types is list:
        return config_options.ListOfItems(config_options.Type(str), default=list(option.default))  # type: ignore[arg-type]
    return config_options.Type(option.types, default=option.default)


# The options are declared once, in generator.config; mkdocs' schema is made from them.
GovsiteConfig: type[Config] = type(
    "GovsiteConfig", (Config,), {option.name: _option(option) for option in PLUGIN_OPTIONS}
)


def _strict_warnings_counted() -> bool:
    """Whether mkdocs counted a warning it will fail a ``--strict`` build on (its counter is
    attached to its logger only in strict mode)."""
    return any(
        isinstance(handler, CountHandler) and handler.get_counts()
        for handler in logging.getLogger("mkdocs").handlers
    )


# mkdocs reads the schema from the class argument; type checkers see a plain Config.
class GovsitePlugin(BasePlugin[GovsiteConfig]):  # type: ignore[valid-type]
    def __init__(self) -> None:
        self.site: SiteConfig | None = None
        self.output = SiteOutput()
        """What the library rendered for this build."""
        self.pages: dict[str, Page] = {}
        """Pages rendered now, by their virtual file's path."""
        self.archive_root: Path | None = None
        self.previous: PreviousSite | None = None
        """The last build's output, set aside for reuse."""
        self.history: HistoryPages | None = None
        """Each document's history pages, rendered in the theme once it is ready."""
        self.theme: MkdocsTheme | None = None
        self.nav: Navigation | None = None
        self.anchors: dict[str, PageAnchors] = {}
        """Anchors of each page mkdocs rendered, by output path, for the manifest."""
        self.searched: dict[str, bytes] = {}
        """The pages mkdocs rendered that search covers, by output path."""
        self.lock: SiteLock | None = None
        """The site's build lock, held from the start of a build to its end."""
        self.new_lock_entries: list[LockEntry] = []
        """Version slugs this build assigned, recorded once it has succeeded."""
        self.new_revisions: list[RevisionLockEntry] = []
        """Analysis revision numbers this build assigned, recorded the same way."""
        self.target: Path | None = None
        """The site folder this build replaces once it has succeeded (mkdocs writes into a
        staging folder beside it meanwhile)."""
        self.previous_site: PreviousSite | None = None
        """The previous site once published into the staging folder, for its record."""
        self.config_ref: MkDocsConfig | None = None
        """The build's configuration (its ``site_dir`` is set back after a failure)."""
        self.cache = Cache(None)
        """The build's cache (the pipeline's)."""

    @event_priority(-50)  # after the search plugin has set up its index
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).parent.resolve()
        self.site = SiteConfig.from_options(
            root,
            dict(self.config),
            site_name=config.site_name,
            site_url=config.site_url or "",
            config_file=Path(config.config_file_path).name,
            pages_dir=config.docs_dir,
        )
        if urls.asset("govsite.css") not in config.extra_css:
            config.extra_css.append(urls.asset("govsite.css"))
        if urls.asset("govsite.js") not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(urls.asset("govsite.js"))
        # Right before the theme's own templates: a site's custom_dir still comes first.
        overrides = str(PACKAGE_TEMPLATES / "overrides")
        if overrides not in config.theme.dirs:
            theme = f"{os.sep}{config.theme.name}{os.sep}templates"
            position = next(
                (i for i, d in enumerate(config.theme.dirs) if str(d).endswith(theme)), 0
            )
            config.theme.dirs.insert(position, overrides)
        # The theme's footer names the archive's collection, licence and attribution
        # (templates/overrides/partials/copyright.html).
        config.extra["govsite"] = {
            "collection": self.site.collection,
            "licence": self.site.licence,
            "attribution": self.site.attribution,
            "data_url": urls.DATA,
        }
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Wait for any other build of the site, then read and check the inputs, all before
        mkdocs empties the site folder: a build that fails on its inputs leaves the last
        site as it was."""
        assert self.site is not None
        self.config_ref = config
        problem = check_wait(self.site.lock_wait)
        if problem:
            raise PluginError(f"govsite: {self.site.config_file}: plugins.govsite.{problem}")
        self.lock = SiteLock(self.site.root, Path(config.site_dir))
        try:
            self.lock.acquire(float(self.site.lock_wait), lambda message: log.info(message))
        except SiteBusy as exc:
            self.lock = None
            raise PluginError(f"govsite: {exc}") from None
        except OSError as exc:
            self.lock = None
            raise PluginError(f"govsite: cannot take the build lock: {exc}") from None
        try:
            build = pipeline.run(self.site)
        except OSError as exc:
            self._release()
            raise PluginError(f"govsite: {_io_problem(exc)}") from None
        errors = 0
        for diagnostic in build.diagnostics.sorted():
            if diagnostic.severity is Severity.ERROR:
                errors += 1
                log.error(str(diagnostic))
            elif diagnostic.severity is Severity.WARNING:
                log.warning(str(diagnostic))
            else:  # a fault of the archive: information, never a failed --strict build
                log.info(f"govsite: archive note: {diagnostic}")
        if errors or build.output is None or build.history is None:
            raise PluginError(
                f"govsite: {errors} error(s) in the site's inputs (listed above); "
                "run `govsite check` for the same report"
            )
        self.output, self.archive_root, self.cache = build.output, build.history.root, build.cache
        self.new_lock_entries = build.histories.new_lock_entries
        self.new_revisions = build.revisions.new_lock_entries
        # The build writes into a staging folder, swapped in once it has succeeded: the
        # site being replaced stays whole until then (and its unchanged folders are carried).
        target = Path(os.path.realpath(config.site_dir))
        try:
            self.previous = set_aside(target, self.site.cache_dir)
            staging = prepare_staging(target)
        except OSError as exc:
            self._release()
            raise PluginError(f"govsite: {_io_problem(exc)}") from None
        self.target = target
        config.site_dir = str(staging)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        assert self.site is not None
        self.pages = {src_path(page): page for page in self.output.pages}
        for page in self.output.pages:
            existing = files.get_file_from_path(src_path(page))
            if existing is not None:
                files.remove(existing)  # a hand-written page of the same URL yields
            files.append(page_file(page, config))
        for static in self.output.files:
            if static.start is not None:
                static.start()  # the dataset, made while mkdocs builds the pages
        return files

    def on_page_markdown(
        self, markdown: str, /, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        return "" if page.file.src_uri in self.pages else markdown

    def on_page_content(
        self, html: str, /, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is None:  # a page of the site's own: search covers it whole
            if page.is_homepage and self.output.home is not None:
                html = _with_home_sections(html, self.output.home.html)
            return f"<div data-pagefind-body>{html}</div>"
        page.toc = toc(generated)
        return generated.html

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    def on_env(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        assert self.site is not None and self.nav is not None
        if env.bytecode_cache is None:
            env.bytecode_cache = bytecode_cache(self.site.cache_dir)
        # The theme is ready: history pages that changed are rendered (in a forked
        # process) while mkdocs builds its own pages.
        self.theme = MkdocsTheme(config, self.nav, env, files)
        key = theme_key(config, self.nav, self.site.templates_dir)
        self.history = HistoryPages(self.output.streams, key, self.cache)
        self.history.start(self.theme, Path(config.site_dir))
        return env

    def on_post_page(self, output: str, /, *, page: MkPage, config: MkDocsConfig) -> str:
        if self.theme is None or not self.theme.rendering:  # history pages keep their own
            self.anchors[page.file.dest_uri] = page_anchors(output)
            if "data-pagefind-body" in output:
                self.searched[page.file.dest_uri] = output.encode("utf-8", "xmlcharrefreplace")
        return output

    def _publish(self, *, config: MkDocsConfig) -> None:
        """Publish govsite's files: history pages, texts, data and feeds."""
        if self.history is None or self.theme is None or self.archive_root is None:
            return
        site_dir = Path(config.site_dir)
        self.history.finish(self.theme, site_dir)
        drop_unused_theme_files(config, site_dir)
        publish_site(
            site_dir,
            self.history,
            self.output.files,
            self.output.blob_files,
            self.archive_root,
            self.previous or PreviousSite(None, {}, None),
            self.anchors,
            self.searched,
            config.site_url or "",
            self.output.retired,
        )
        self.previous_site, self.previous = self.previous, None
        self.anchors, self.searched = {}, {}
        self.history, self.theme = None, None

    @event_priority(-100)  # after every other plugin's post-build step
    def _record_and_release(self, *, config: MkDocsConfig) -> None:
        """The build has succeeded: put the new site in place of the previous one and record
        the version slugs it published for the first time (unless mkdocs is about to fail it
        in strict mode: then the previous site stays), and let the next build in."""
        target, previous = self.target, self.previous_site
        self.target, self.previous_site = None, None
        try:
            failing = config.strict and _strict_warnings_counted()
            if target is not None:
                config.site_dir = str(target)
                if failing:
                    discard_staging(target)
                else:
                    try:
                        swap_in(target)
                    except OSError as exc:
                        discard_staging(target)
                        raise PluginError(
                            f"govsite: {_io_problem(exc)}; the previous site was left in place"
                        ) from None
                    if previous is not None:
                        try:
                            previous.record(target)
                        except OSError as exc:  # the site is whole: only reuse is lost
                            log.info(
                                f"govsite: the new site is in place, but its record for the "
                                f"next build could not be written ({_io_problem(exc)}); the "
                                "next build writes every folder again"
                            )
            if self.site is not None and not failing:
                append_lock(self.site.root / LOCK_NAME, self.new_lock_entries)
                append_revision_lock(self.site.root / REVISIONS_LOCK, self.new_revisions)
        finally:
            self.new_lock_entries, self.new_revisions = [], []
            self._release()

    on_post_build = CombinedEvent(_publish, _record_and_release)

    def on_build_error(self, *, error: Exception) -> None:
        """A failed build records nothing and publishes nothing: its staging folder is
        removed and the previous site stays whole. A build that failed on the file system
        (a full disk, a read-only folder) ends with one line saying so."""
        try:
            if self.history is not None:
                self.history.stop()
            if self.target is not None:
                discard_staging(self.target)
                log.info("govsite: the build failed; the previous site was left in place")
        finally:
            if self.target is not None and self.config_ref is not None:
                self.config_ref.site_dir = str(self.target)
            self.anchors, self.searched, self.previous = {}, {}, None
            self.target, self.previous_site = None, None
            self.history, self.theme = None, None
            self.new_lock_entries, self.new_revisions = [], []
            self._release()
        if isinstance(error, OSError):
            raise Abort(
                f"govsite: {_io_problem(error)}; the build stopped and the previous site was "
                "left in place"
            ) from None

    def on_shutdown(self) -> None:
        self._release()

    def _release(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.site is not None:
            for folder in (self.site.content_dir, self.site.templates_dir, self.site.archive_dir):
                if folder.exists():
                    server.watch(str(folder))
        return server


HOME_MARKER = "<!-- govsite:home -->"
"""Where a site's own home page wants govsite's sections (after its text when absent)."""


def _with_home_sections(html: str, sections: str) -> str:
    if HOME_MARKER in html:
        return html.replace(HOME_MARKER, sections, 1)
    return html + sections


def _io_problem(error: OSError) -> str:
    """One line on a file system failure: what failed, where, and what to do."""
    where = f" ({error.filename})" if error.filename else ""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"no space left on the disk{where}: free some space, then build again"
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"cannot write{where}: the folder is read-only; make it writable, then build again"
    return f"{error.strerror or error}{where}"
