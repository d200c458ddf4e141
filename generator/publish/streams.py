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
                write = None if index in rendered else _cached_page(self.cache, key, dest)
                outputs.append(Output(dest, digest(key, dest), write))
        return outputs, stream_of


def _render_stream(index: int) -> None:
    """Render one stream into the site and the cache, one page in memory at a time."""
    pages, theme, site_dir = workers.inherited()
    assert isinstance(pages, HistoryPages)
    stream, key = pages.streams[index], pages.keys[index]
    anchors: dict[str, PageAnchors] = {}

    def rendered() -> Iterator[tuple[str, bytes]]:
        for page in stream.produce():
            html = theme.render(page)
            dest = urls.page_file(page.url)
            data = html.encode("utf-8", errors="xmlcharrefreplace")
            target = site_dir / dest
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            anchors[dest] = page_anchors(data)
            yield dest, data

    pages.cache.write_records("pages", key, rendered())
    pages.cache.put("anchors", key, anchors)


def _cached_page(cache: Cache, key: str, dest: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        data = read_record(cache, "pages", key, dest)
        if data is None:
            raise RuntimeError(f"govsite: the cache lost the page {dest}; build again")
        path.write_bytes(data)

    return write
