"""One build's publishing, from the rendered site to the new site in place of the last.

The pipeline's last stage makes a :class:`Publication`; a site engine drives it with one call
per step of its own build (the mkdocs plugin: one per event), and whatever it holds is this
build's only, so nothing is left to reset when the next build starts.
"""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

from ..archive.permalinks import LOCK_NAME, LockEntry, append_lock
from ..archive.revisions import LOCK_NAME as REVISIONS_LOCK
from ..archive.revisions import RevisionLockEntry, append_revision_lock
from ..cache import Cache
from ..config import SiteConfig
from ..diagnostics import log
from ..progress import timed
from ..render.site import SiteOutput
from .carry import (
    PreviousSite,
    discard_staging,
    journal_path,
    prepare_staging,
    restore_moves,
    set_aside,
    swap_in,
)
from .manifest import PageAnchors, page_anchors
from .search import SearchPage
from .streams import HistoryPages, Theme
from .write import index_latest_early, publish_site


class Publication:
    """What one build publishes, and where it stands."""

    def __init__(
        self,
        config: SiteConfig,
        output: SiteOutput,
        archive_root: Path,
        cache: Cache,
        new_versions: list[LockEntry],
        new_revisions: list[RevisionLockEntry],
    ) -> None:
        self.config = config
        """The site's settings."""
        self.output = output
        """What the library rendered for this build."""
        self.archive_root = archive_root
        """The archive's git work tree (its texts are published compressed)."""
        self.cache = cache
        """The build's cache."""
        self.new_versions = new_versions
        """Version slugs this build assigned, recorded once it has succeeded."""
        self.new_revisions = new_revisions
        """Analysis revision numbers this build assigned, recorded the same way."""
        self.target: Path | None = None
        """The site folder this build replaces once it has succeeded (the engine writes
        into a staging folder beside it meanwhile)."""
        self.previous: PreviousSite | None = None
        """The last build's output, set aside for reuse."""
        self.history: HistoryPages | None = None
        """Each document's history pages, rendered in the theme once it is ready."""
        self.anchors: dict[str, PageAnchors] = {}
        """Anchors of each page the engine rendered, by output path, for the manifest."""
        self.searched: dict[str, bytes] = {}
        """The pages the engine rendered that search covers, by output path."""
        self.published = False
        """Whether the site has been written into the staging folder whole."""
        self._theme: Theme | None = None
        self._early: threading.Thread | None = None
        """Making the latest search segment while the engine renders its own pages."""
        self._history_searched: list[SearchPage] | None = None
        """The history pages search covers, as that thread found them (``None``: not
        found early; the index finds them)."""

    def record(self) -> None:
        """Append the version slugs and revision numbers this build assigned for the first
        time to ``versions.lock`` and ``revisions.lock``: once, when it has succeeded."""
        root = self.config.root
        append_lock(root / LOCK_NAME, self.new_versions)
        append_revision_lock(root / REVISIONS_LOCK, self.new_revisions)
        self.new_versions, self.new_revisions = [], []

    def stage(self, site_dir: Path) -> Path:
        """Set the last build's site aside for reuse and make the staging folder the engine
        writes into (returned): the site being replaced stays whole until :meth:`commit`."""
        target = Path(os.path.realpath(site_dir))
        restore_moves(target)  # what a build killed while swapping in took out of the site
        self.previous = set_aside(target, self.config.cache_dir)
        staging = prepare_staging(target)
        self.target = target
        return staging

    def start(self, theme: Theme, theme_key: str, site_dir: Path) -> None:
        """The theme is ready: history pages that changed are rendered (in a forked
        process) while the engine builds its own pages."""
        self.history = HistoryPages(self.output.streams, theme_key, self.cache)
        self.history.start(theme, site_dir)
        self._theme = theme
        if self.history.in_background or not any(self.history.todo):
            self._early = threading.Thread(
                target=self._index_early, args=(self.history, site_dir), daemon=True
            )
            self._early.start()

    def _index_early(self, history: HistoryPages, site_dir: Path) -> None:
        """Index the latest search segment while the engine renders its own pages (run in
        a thread; the search index made later does it, if this could not)."""
        try:
            self._history_searched = index_latest_early(history, site_dir, self.output.texts)
        except Exception as exc:  # the index made later meets the same problem and says so
            log.debug(f"govsite: the latest search segment was not made early ({exc!r})")

    def _join_early(self) -> None:
        if self._early is not None:
            self._early.join()
            self._early = None

    def engine_page(self, path: str, html: str) -> None:
        """A page the engine rendered (output path ``path``): its anchors go to the
        manifest, and what search covers of it to the index."""
        self.anchors[path] = page_anchors(html)
        if "data-pagefind-body" in html:
            self.searched[path] = html.encode("utf-8", "xmlcharrefreplace")

    def publish(self, site_dir: Path, site_url: str) -> None:
        """Write govsite's files beside the engine's: history pages, texts, data, feeds,
        search and the manifest."""
        if self.history is None or self._theme is None:
            return
        self._join_early()
        with timed("publish: history pages"):
            self.history.finish(self._theme, site_dir)
        with timed("publish: files, search and manifest"):
            publish_site(
                site_dir,
                self.history,
                self.output.files,
                self.output.blob_files,
                self.archive_root,
                self.previous or PreviousSite(None, {}, None),
                self.anchors,
                self.searched,
                site_url,
                self.output.retired,
                self.output.texts,
                self._history_searched,
            )
        self.published = True

    def commit(self, failing: bool) -> None:
        """The build has ended without an error: put the new site in place of the previous
        one and record what it assigned, unless the engine is about to fail it (``failing``:
        then the previous site stays). An ``OSError`` means the new site could not be put
        in place; the previous one was left there."""
        target = self.target
        if target is None:
            return
        if failing:
            discard_staging(target)
            return
        previous = self.previous if self.published else None
        try:
            if previous is not None:
                previous.move_in(target)
            swap_in(target)
        except OSError:
            if previous is not None:
                previous.move_back(target)
            discard_staging(target)
            raise
        journal_path(target).unlink(missing_ok=True)
        if self.previous is not None and self.published:
            try:
                self.previous.record(target)
            except OSError as exc:  # the site is whole: only reuse is lost
                log.info(
                    f"govsite: the new site is in place, but its record for the next build "
                    f"could not be written ({io_problem(exc)}); the next build writes every "
                    "folder again"
                )
        self.record()

    def abandon(self) -> None:
        """The build failed: nothing is recorded or published, the staging folder is
        removed and the previous site stays whole."""
        if self.history is not None:
            self.history.stop()
        self._join_early()
        if self.target is not None:
            discard_staging(self.target)
            log.info("govsite: the build failed; the previous site was left in place")


def io_problem(error: OSError) -> str:
    """One line on a file system failure: what failed, where, and what to do."""
    where = f" ({error.filename})" if error.filename else ""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"no space left on the disk{where}: free some space, then build again"
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"cannot write{where}: the folder is read-only; make it writable, then build again"
    return f"{error.strerror or error}{where}"
