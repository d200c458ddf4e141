"""Each document's history pages, rendered in the site's theme only when what a page shows
changed, and otherwise taken from the build cache, page by page."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, Protocol

from .. import urls, workers
from ..cache import Cache, Namespace, digest, pack, unpack
from ..diagnostics import log
from ..progress import Progress
from ..render.pages import Page, PageStream, StreamedPage
from .carry import Output
from .manifest import PageAnchors, page_anchors
from .search import searched_parts


class PageRecord(NamedTuple):
    """What is kept of a history page beside its HTML (cache namespace ``anchors``)."""

    anchors: PageAnchors
    """The anchors the page promises (for the manifest)."""
    searched: bytes
    """The parts of it search covers (for the index)."""


class Theme(Protocol):
    """What a site engine offers: a page rendered as a whole HTML document in the site's
    theme (navigation, header, footer). Forked workers call it too, so it must work in a
    process forked after the engine is set up."""

    def render(self, page: Page) -> str: ...


class HistoryPages:
    """The history pages of a build, each under a key of what it shows and the theme."""

    def __init__(self, streams: list[PageStream], theme_key: str, cache: Cache) -> None:
        self.streams = streams
        """Every document's history pages."""
        self.cache = cache
        self.keys = {
            page.url: digest(theme_key, page.key) for stream in streams for page in stream.pages
        }
        """The key of each page (by URL): what it shows, with the theme."""
        self.todo = [
            [page for page in stream.pages if not cache.exists(Namespace.PAGE, self.keys[page.url])]
            for stream in streams
        ]
        """Per stream, the pages not in the cache (rendered by this build)."""
        self._rendered = {page.url for pages in self.todo for page in pages}
        self._background: workers.Background | None = None
        self._waiting = threading.Lock()
        """Held while the background render is waited for (two threads may wait)."""
        self.in_background = False
        """Whether the pages that changed are being (or were) rendered in the background."""
        self._theme: Theme | None = None
        self._rendered_again: set[str] = set()
        """Pages rendered again because their cache entry was damaged."""

    def start(self, theme: Theme, site_dir: Path) -> None:
        """Start rendering the pages that changed in a forked process, so that they are made
        while the site engine builds its own pages."""
        if any(self.todo):
            self._background = workers.start(
                lambda: self._render(theme, site_dir, self.todo),
                cache=self.cache.root is not None,
                pool=True,
            )
            self.in_background = self._background is not None

    def stop(self) -> None:
        """Stop rendering in the background (a failed build)."""
        if self._background is not None:
            self._background.stop()
            self._background = None

    def wait(self) -> None:
        """Wait for the background render, if one was started (at once when it ended)."""
        with self._waiting:
            if self._background is not None:
                self._background.join()
                self._background = None

    def finish(self, theme: Theme, site_dir: Path) -> None:
        """Render what the background process did not (all of it when none was started)."""
        self._theme = theme
        remaining = self.todo
        self.wait()
        if self.in_background:
            remaining = [
                [
                    page
                    for page in pages
                    if not self.cache.exists(Namespace.PAGE, self.keys[page.url])
                ]
                for pages in self.todo
            ]
        self._render(theme, site_dir, remaining)
        rendered = sum(len(pages) for pages in self.todo)
        total = sum(len(stream.pages) for stream in self.streams)
        log.debug(f"govsite: {total - rendered} of {total} history pages reused")

    def _render(self, theme: Theme, site_dir: Path, todo: list[list[StreamedPage]]) -> None:
        # Jobs name the pages by their place: workers find them in what they inherited.
        jobs = [
            (index, [self.streams[index].pages.index(page) for page in pages])
            for index, pages in enumerate(todo)
            if pages
        ]
        with Progress("publish (history pages)", sum(len(p) for p in todo), "pages") as progress:
            workers.run_all(
                _render_pages,
                jobs,
                tasks=len(jobs),
                cache=self.cache.root is not None,
                inherit=(self, theme, site_dir),
                on_result=progress.advance,
            )

    def html(self, url: str, site_dir: Path) -> bytes:
        """A history page's HTML: as this build wrote it, or as the cache keeps it."""
        if url in self._rendered:
            return (site_dir / urls.page_file(url)).read_bytes()
        return self._stored(url)

    def record(self, url: str) -> PageRecord | None:
        """What is kept beside a history page (``None`` without a cache, or when its entry
        was damaged: reported, and the page itself read instead)."""
        stored = self.cache.get(Namespace.ANCHORS, self.keys[url])
        return stored if isinstance(stored, PageRecord) else None

    def searched(self, url: str, site_dir: Path) -> bytes:
        """The parts of a history page search covers."""
        record = self.record(url)
        return record.searched if record is not None else searched_parts(self.html(url, site_dir))

    def _stored(self, url: str) -> bytes:
        """A page from the cache; when its entry is damaged or gone, it is rendered again
        (into the cache only: what is in the site already stays)."""
        key = self.keys[url]
        stored = self.cache.read_bytes(Namespace.PAGE, key)
        if stored is None and url not in self._rendered_again and self._theme is not None:
            self._rendered_again.add(url)
            log.info(f"govsite: rendering {url} again")
            page = next(p for stream in self.streams for p in stream.pages if p.url == url)
            _render_page(self, self._theme, None, page)
            stored = self.cache.read_bytes(Namespace.PAGE, key)
        if stored is None:
            raise RuntimeError(f"govsite: the build cache lost the page {url}; build again")
        return unpack(stored)

    def outputs(self) -> tuple[list[Output], dict[str, str]]:
        """Every history page as an output (written already, or to copy from the cache),
        and the key of each page's file."""
        outputs: list[Output] = []
        key_of: dict[str, str] = {}
        for stream in self.streams:
            for page in stream.pages:
                dest, key = urls.page_file(page.url), self.keys[page.url]
                key_of[dest] = key
                write = None if page.url in self._rendered else self._copier(page.url)
                outputs.append(Output(dest, key, write))
        return outputs, key_of

    def _copier(self, url: str) -> Callable[[Path], None]:
        def write(path: Path) -> None:
            path.write_bytes(self._stored(url))

        return write


def _render_pages(job: tuple[int, list[int]]) -> int:
    """Render some pages of a stream into the site and the cache (run by
    :func:`workers.run_all`); how many."""
    history, theme, site_dir = workers.inherited()
    assert isinstance(history, HistoryPages)
    stream, indexes = history.streams[job[0]], job[1]
    for index in indexes:
        _render_page(history, theme, site_dir, stream.pages[index])
    return len(indexes)


def _render_page(
    history: HistoryPages, theme: Theme, site_dir: Path | None, streamed: StreamedPage
) -> None:
    """Render one page into the cache, and into ``site_dir`` unless it is ``None`` (one page
    in memory at a time)."""
    html = theme.render(streamed.render())
    dest, key = urls.page_file(streamed.url), history.keys[streamed.url]
    data = html.encode("utf-8", errors="xmlcharrefreplace")
    if site_dir is not None:
        target = site_dir / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    # What the manifest and the search index need of the page, kept beside it: neither
    # has to read the page again.
    history.cache.put(Namespace.ANCHORS, key, PageRecord(page_anchors(data), searched_parts(data)))
    history.cache.write_bytes(Namespace.PAGE, key, pack(data))
