"""Each document's history pages, rendered in the site's theme only when their inputs
changed, and otherwise taken from the build cache."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from .. import urls, workers
from ..cache import Cache, digest, read_record
from ..diagnostics import log
from ..render.pages import Page, PageStream
from .carry import Output
from .manifest import PageAnchors, page_anchors


class Theme(Protocol):
    """What a site engine offers: a page rendered as a whole HTML document in the site's
    theme (navigation, header, footer). Forked workers call it too, so it must work in a
    process forked after the engine is set up."""

    def render(self, page: Page) -> str: ...


class HistoryPages:
    """The page streams of a build, each under a key of its inputs and the theme's."""

    def __init__(self, streams: list[PageStream], theme_key: str, cache: Cache) -> None:
        self.streams = streams
        """Every document's history pages."""
        self.keys = [digest(theme_key, stream.fingerprint) for stream in streams]
        """The key of each stream: its inputs with the theme's."""
        self.cache = cache
        self.todo = [i for i, key in enumerate(self.keys) if not cache.exists("pages", key)]
        """The streams whose pages are not in the cache (rendered by this build)."""
        self._background: workers.Background | None = None
        self._theme: Theme | None = None
        self._rendered_again: set[int] = set()

    def start(self, theme: Theme, site_dir: Path) -> None:
        """Start rendering the streams that changed in a forked process, so that they are
        made while the site engine builds its own pages."""
        if self.todo:
            self._background = workers.start(
                lambda: self._render(theme, site_dir, self.todo),
                cache=self.cache.root is not None,
                pool=True,
            )

    def finish(self, theme: Theme, site_dir: Path) -> None:
        """Render what the background process did not (all of it when none was started)."""
        self._theme = theme
        remaining = self.todo
        if self._background is not None:
            self._background.join()
            self._background = None
            remaining = [i for i in self.todo if not self.cache.exists("pages", self.keys[i])]
        self._render(theme, site_dir, remaining)
        reused = len(self.streams) - len(self.todo)
        log.debug(f"govsite: {reused} of {len(self.streams)} page streams reused")

    def _render(self, theme: Theme, site_dir: Path, indexes: list[int]) -> None:
        workers.run_all(
            _render_stream,
            indexes,
            tasks=len(indexes),
            cache=self.cache.root is not None,
            inherit=(self, theme, site_dir),
        )

    def outputs(self) -> tuple[list[Output], dict[str, str]]:
        """Every streamed page as an output (written already, or to copy from the cache),
        and the key of the stream of each page's file."""
        rendered = set(self.todo)
        outputs: list[Output] = []
        stream_of: dict[str, str] = {}
        for index, (stream, key) in enumerate(zip(self.streams, self.keys, strict=True)):
            for url in stream.urls:
                dest = urls.page_file(url)
                stream_of[dest] = key
                write = None if index in rendered else self._cached_page(index, dest)
                outputs.append(Output(dest, digest(key, dest), write))
        return outputs, stream_of

    def _cached_page(self, index: int, dest: str) -> Callable[[Path], None]:
        """Writes a page from the cache; when its entry is damaged or gone, the stream is
        rendered again (into the cache only: what is in the site already stays)."""
        key = self.keys[index]

        def write(path: Path) -> None:
            data = read_record(self.cache, "pages", key, dest)
            if data is None and index not in self._rendered_again and self._theme is not None:
                self._rendered_again.add(index)
                log.info(f"govsite: rendering the pages of {self.streams[index].name} again")
                _render_pages(self, self._theme, None, index)
                data = read_record(self.cache, "pages", key, dest)
            if data is None:
                raise RuntimeError(f"govsite: the build cache lost the page {dest}; build again")
            path.write_bytes(data)

        return write


def _render_stream(index: int) -> None:
    """Render one stream into the site and the cache (run by :func:`workers.run_all`)."""
    pages, theme, site_dir = workers.inherited()
    assert isinstance(pages, HistoryPages)
    _render_pages(pages, theme, site_dir, index)


def _render_pages(pages: HistoryPages, theme: Theme, site_dir: Path | None, index: int) -> None:
    """Render one stream into the cache, and into ``site_dir`` unless it is ``None``, one
    page in memory at a time."""
    stream, key = pages.streams[index], pages.keys[index]
    anchors: dict[str, PageAnchors] = {}

    def rendered() -> Iterator[tuple[str, bytes]]:
        for page in stream.produce():
            html = theme.render(page)
            dest = urls.page_file(page.url)
            data = html.encode("utf-8", errors="xmlcharrefreplace")
            if site_dir is not None:
                target = site_dir / dest
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            anchors[dest] = page_anchors(data)
            yield dest, data

    pages.cache.write_records("pages", key, rendered())
    pages.cache.put("anchors", key, anchors)
