"""The mkdocs plugin: mkdocs' events, each handing over to the library.

Pages arrive as finished HTML: each becomes a virtual Markdown file holding only front
matter, and its HTML replaces the (empty) rendered Markdown in ``on_page_content``, so
Python-Markdown never sees archived texts. Each document's history pages are rendered by
the library in the theme (:class:`.theme.MkdocsTheme`) once the theme is ready. What one
build publishes, and every step of it, is the library's :class:`Publication`.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

from .. import fingerprint, urls
from ..cache import PACKAGE_TEMPLATES, digest
from ..config import PLUGIN_OPTIONS, PluginOption, SiteConfig, option_combination_problems
from ..diagnostics import LOGGER_NAME, Severity
from ..publish.carry import discard_staging, prepare_staging
from ..publish.lock import SiteBusy, SiteLock, check_wait
from .theme import (
    MkdocsTheme,
    drop_unused_theme_files,
    engine_inputs,
    page_file,
    skip_rendering,
    src_path,
    theme_key,
    toc,
)

if TYPE_CHECKING:  # the stages are imported by builds that run them (not a no-op build)
    from .. import pipeline
    from ..publish.carry import Clearing
    from ..publish.publication import Publication
    from ..render import Page

log = logging.getLogger(LOGGER_NAME)


def _option(option: PluginOption) -> BaseConfigOption[Any]:
    if option.types is list:
        return config_options.ListOfItems(config_options.Type(str), default=list(option.default))  # type: ignore[arg-type]
    if option.choices:
        return config_options.Choice(option.choices, default=option.default)
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
    """Each of mkdocs' events is one step of the build's :class:`Publication` (made by the
    pipeline's last stage), which holds everything of one build; :meth:`_end` lets it go."""

    def __init__(self) -> None:
        self.site: SiteConfig | None = None
        self.publication: Publication | None = None
        """This build's publication, from ``on_pre_build`` to the end of the build."""
        self.pages: dict[str, Page] = {}
        """This build's pages, by their virtual file's path."""
        self.lock: SiteLock | None = None
        """The site's build lock, held from the start of a build to its end."""
        self.nav: Navigation | None = None
        self.theme: MkdocsTheme | None = None
        self.config_ref: MkDocsConfig | None = None
        """The build's configuration (its ``site_dir`` is set back when the build ends)."""
        self.clearing: Clearing | None = None
        """The removal of the site the last build replaced, running beside this build."""
        self.unchanged: Path | None = None
        """In a no-op build (every input as the last successful build's, its site intact):
        the site folder, left as it is while the engine builds nothing into a scratch
        folder."""
        self.inputs = ""
        """This build's inputs but the lock files (:func:`fingerprint.site_inputs` and the
        engine's), kept for the record of the build once it has succeeded."""
        self.warnings: fingerprint.Warnings | None = None
        """What this build logs at warning level, collected for the record."""

    @event_priority(-50)  # after the search plugin has set up its index
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).parent.resolve()
        combined = option_combination_problems(dict(self.config))
        if combined:
            name, reason = combined[0]
            raise PluginError(f"govsite: {Path(config.config_file_path).name}: {name}: {reason}")
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
            "feed_url": urls.site_feed(),
            "substantive_feed_url": urls.site_feed(substantive=True),
        }
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Wait for any other build of the site, then read and check the inputs, all before
        mkdocs empties the site folder: a build that fails on its inputs leaves the last
        site as it was. mkdocs then writes into a staging folder, swapped in once the build
        has succeeded."""
        assert self.site is not None
        self._end()  # a build mkdocs stopped without telling (serve) lets go here too
        self.config_ref = config
        self.lock = _take_lock(self.site, Path(config.site_dir))
        if self._unchanged(config):
            return
        from .. import pipeline
        from ..publish.carry import Clearing

        self.warnings = fingerprint.Warnings()
        logging.getLogger("mkdocs").addHandler(self.warnings)
        self.clearing = Clearing(Path(config.site_dir))
        try:
            self.publication = _checked(pipeline.run(self.site))
            config.site_dir = str(self.publication.stage(Path(config.site_dir)))
        except OSError as exc:
            self._end()
            raise PluginError(f"govsite: {_io_problem(exc)}") from None
        except PluginError:
            self._end()
            raise

    def _unchanged(self, config: MkDocsConfig) -> bool:
        """Whether every input is as the last successful build's and its site folder as
        that build left it: then the site stays, the engine builds nothing (into a scratch
        folder, removed at the end) and that build's warnings are logged again."""
        assert self.site is not None
        self.inputs = ""
        if self.site.cache_dir is None:
            return False
        target = Path(os.path.realpath(config.site_dir))
        last = fingerprint.read_last_build(self.site.cache_dir, target)
        self.inputs = digest(fingerprint.site_inputs(self.site), engine_inputs(config))
        if (
            last is None
            or last.inputs != self.inputs
            or last.locks != fingerprint.locks(self.site.root)
            or last.stamp != fingerprint.site_stamp(target)
            # A quiet build's warnings are unknown: a build that shows them runs.
            or (not last.complete and fingerprint.warnings_shown())
        ):
            return False
        self.unchanged = target
        skip_rendering(config)
        config.site_dir = str(prepare_staging(target))
        log.info("govsite: nothing changed since the last build; the site is left as it is")
        fingerprint.replay(last.warnings)
        return True

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if self.unchanged is not None:
            return Files([])
        assert self.publication is not None
        output = self.publication.output
        self.pages = {src_path(page): page for page in output.pages}
        for page in output.pages:
            existing = files.get_file_from_path(src_path(page))
            if existing is not None:
                files.remove(existing)  # a hand-written page of the same URL yields
            files.append(page_file(page, config))
        for static in output.files:
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
            home = self.publication.output.home if self.publication is not None else None
            if page.is_homepage and home is not None:
                html = _with_home_sections(html, home.html)
            return f"<div data-pagefind-body>{html}</div>"
        page.toc = toc(generated)
        return generated.html

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    def on_env(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        if self.unchanged is not None:
            return env
        from ..render.environment import bytecode_cache

        assert self.site is not None and self.nav is not None and self.publication is not None
        if env.bytecode_cache is None:
            env.bytecode_cache = bytecode_cache(self.site.cache_dir)
        self.theme = MkdocsTheme(config, self.nav, env, files)
        key = theme_key(config, self.nav, self.site.templates_dir)
        self.publication.start(self.theme, key, Path(config.site_dir))
        return env

    def on_post_page(self, output: str, /, *, page: MkPage, config: MkDocsConfig) -> str:
        rendering = self.theme is not None and self.theme.rendering  # a history page
        if self.publication is not None and not rendering:
            self.publication.engine_page(page.file.dest_uri, output)
        return output

    def _publish(self, *, config: MkDocsConfig) -> None:
        """Publish govsite's files: history pages, texts, data and feeds."""
        if self.publication is not None:
            drop_unused_theme_files(config, Path(config.site_dir))
            self.publication.publish(Path(config.site_dir), config.site_url or "")

    @event_priority(-100)  # after every other plugin's post-build step
    def _commit(self, *, config: MkDocsConfig) -> None:
        """The build has succeeded: put the new site in place of the previous one and record
        what it assigned for the first time (unless mkdocs is about to fail it in strict
        mode: then the previous site stays), and let the next build in."""
        try:
            if self.clearing is not None:
                self.clearing.join()
            if self.publication is not None:
                failing = config.strict and _strict_warnings_counted()
                self.publication.commit(failing)
                if not failing and self.publication.published:
                    self._record(self.publication.target)
        except OSError as exc:
            raise PluginError(
                f"govsite: {_io_problem(exc)}; the previous site was left in place"
            ) from None
        finally:
            self._end()

    on_post_build = CombinedEvent(_publish, _commit)

    def _record(self, target: Path | None) -> None:
        """Keep what the next build needs to know that nothing changed: this build's inputs,
        the lock files and the site folder as it left them, and its warnings."""
        assert self.site is not None
        cache_dir = self.site.cache_dir
        if cache_dir is None or target is None or not self.inputs or self.warnings is None:
            return
        last = fingerprint.LastBuild(
            self.inputs,
            fingerprint.locks(self.site.root),
            fingerprint.site_stamp(target),
            self.warnings.records,
            fingerprint.warnings_shown(),
        )
        try:
            fingerprint.write_last_build(cache_dir, target, last)
        except OSError:  # the next build runs: nothing is lost but time
            with contextlib.suppress(OSError):
                fingerprint.forget_last_build(cache_dir, target)

    def on_build_error(self, *, error: Exception) -> None:
        """A failed build records nothing and publishes nothing: its staging folder is
        removed and the previous site stays whole. A build that failed on the file system
        (a full disk, a read-only folder) ends with one line saying so."""
        try:
            if self.publication is not None:
                self.publication.abandon()
        finally:
            self._end()
        if isinstance(error, OSError):
            raise Abort(
                f"govsite: {_io_problem(error)}; the build stopped and the previous site was "
                "left in place"
            ) from None

    def on_shutdown(self) -> None:
        self._end()

    def _end(self) -> None:
        """Let go of everything of the build (the one place its state is reset): mkdocs'
        ``site_dir`` goes back to the site folder, and the build lock is released."""
        target = self.publication.target if self.publication is not None else None
        if self.unchanged is not None:
            target = self.unchanged
            discard_staging(target)
            self.unchanged = None
        if target is not None and self.config_ref is not None:
            self.config_ref.site_dir = str(target)
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
            self.warnings = None
        self.publication, self.pages, self.nav, self.theme = None, {}, None, None
        if self.clearing is not None:
            self.clearing.join()
            self.clearing = None
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.site is not None:
            for folder in (self.site.content_dir, self.site.templates_dir, self.site.archive_dir):
                if folder.exists():
                    server.watch(str(folder))
            if self.site.compress_texts:
                log.info(
                    "govsite: text pages are stored compressed (compress_texts), which this "
                    "server sends without Content-Encoding: gzip, so they do not display; "
                    "preview the built site with `govsite serve site` instead"
                )
        return server


def _io_problem(error: OSError) -> str:
    from ..publish.publication import io_problem

    return io_problem(error)


def _take_lock(site: SiteConfig, site_dir: Path) -> SiteLock:
    """The site's build lock, once any other build has let it go."""
    problem = check_wait(site.lock_wait)
    if problem:
        raise PluginError(f"govsite: {site.config_file}: plugins.govsite.{problem}")
    lock = SiteLock(site.root, site_dir)
    try:
        lock.acquire(float(site.lock_wait), lambda message: log.info(message))
    except SiteBusy as exc:
        raise PluginError(f"govsite: {exc}") from None
    except OSError as exc:
        raise PluginError(f"govsite: cannot take the build lock: {exc}") from None
    return lock


def _checked(build: pipeline.Build) -> Publication:
    """The build's publication, once its diagnostics are logged (an error stops it)."""
    errors = 0
    for diagnostic in build.diagnostics.sorted():
        if diagnostic.severity is Severity.ERROR:
            errors += 1
            log.error(str(diagnostic))
        elif diagnostic.severity is Severity.WARNING:
            log.warning(str(diagnostic))
        else:  # a fault of the archive: information, never a failed --strict build
            log.info(f"govsite: archive note: {diagnostic}")
    if errors or build.publication is None:
        raise PluginError(
            f"govsite: {errors} error(s) in the site's inputs (listed above); "
            "run `govsite check` for the same report"
        )
    return build.publication


HOME_MARKER = "<!-- govsite:home -->"
"""Where a site's own home page wants govsite's sections (after its text when absent)."""


def _with_home_sections(html: str, sections: str) -> str:
    if HOME_MARKER in html:
        return html.replace(HOME_MARKER, sections, 1)
    return html + sections
