"""Writing govsite's files into the built site: streamed pages, texts, data and feeds,
unchanged folders carried from the previous build, then the manifest and sitemap."""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ..archive.blobs import BlobReader
from ..archive.gitread import object_sizes
from ..cache import Cache, Namespace, digest
from ..diagnostics import log
from ..encoded import read_page
from ..render.pages import BlobFile, StaticFile
from ..render.search_texts import SearchedText
from ..urls import url_of
from .carry import Output, PreviousSite, publish
from .hosts import host_limit_problems
from .manifest import PageAnchors, page_anchors, write_manifest
from .search import FILTER, SearchPage, build_index, make_latest, searched_parts, site_language
from .streams import HistoryPages, PageRecord


def publish_site(
    site_dir: Path,
    history: HistoryPages,
    files: list[StaticFile],
    blob_files: list[BlobFile],
    archive_root: Path,
    previous: PreviousSite,
    engine_anchors: dict[str, PageAnchors],
    engine_searched: dict[str, bytes],
    site_url: str,
    retired: list[str] | None = None,
    texts: Sequence[SearchedText] = (),
    history_searched: list[SearchPage] | None = None,
) -> None:
    """Publish everything govsite makes beside the engine's own pages.

    ``engine_anchors`` are the anchors of the pages the site engine rendered, by output
    path (they are in the site already), and ``engine_searched`` the HTML of those search
    covers; ``retired`` the URLs of tombstones and redirects; ``texts`` what search covers
    of the documents' latest texts.
    """
    outputs, key_of = history.outputs()
    outputs += build_index(
        _search_pages(site_dir, history, engine_searched, history_searched),
        history.cache,
        texts,
        site_language(engine_searched.values()),
        functools.partial(object_sizes, archive_root),
    )
    # What the engine (and other plugins) wrote: everything but the history pages.
    foreign = [path for path in _files_below(site_dir) if path not in key_of]
    for static in files:
        if static.write is not None:
            outputs.append(
                Output(static.path, digest("made", static.key), static.write, static.pooled)
            )
        else:
            content = static.content
            outputs.append(Output(static.path, digest("bytes", content), _bytes_writer(content)))
    blobs = _ArchiveTexts(archive_root)
    for item in blob_files:
        outputs.append(
            Output(item.path, digest("blob gz", item.blob), _blob_writer(blobs, item.blob), True)
        )
    folder_keys = publish(
        site_dir,
        outputs,
        foreign,
        previous,
        scope=blobs.opened,
        cache=history.cache.root is not None,
    )
    log.debug(
        f"govsite: {previous.carried} folders carried from the previous build, "
        f"and {previous.carried_files} files on their own"
    )
    # Every file of the site, known without walking it: a part of the manifest whose files
    # kept their keys is taken from the cache whole.
    listed: dict[str, str | None] = {output.path: output.key for output in outputs}
    listed.update(dict.fromkeys(foreign))
    del outputs
    history.cache.close_records()
    write_manifest(
        site_dir,
        site_url,
        _AnchorSource(engine_anchors, history.cache, key_of, previous),
        retired or (),
        listed,
        history.cache,
    )
    previous.finish(site_dir, folder_keys)
    for problem in host_limit_problems(site_dir, previous.carried_sizes()):
        log.warning(f"govsite: {problem} (see the README's section on deploying)")


def _search_pages(
    site_dir: Path,
    history: HistoryPages,
    engine_searched: dict[str, bytes],
    history_searched: list[SearchPage] | None = None,
) -> list[SearchPage]:
    """Every page search covers: the engine's (by a hash of what search covers of them,
    whose length, or filters on a document's latest text, put a page on a shelf) and the history
    pages that say what changed (by a hash of what search covers of them, known from the
    cache once made; their searched parts are read again only to index them)."""
    pages = []
    for path, html in engine_searched.items():
        searched = searched_parts(html)
        pages.append(
            SearchPage(
                url_of(path),
                hashlib.sha256(searched).hexdigest(),
                functools.partial(bytes, searched),
                size=len(searched),
                text=FILTER in searched,
            )
        )
    if history_searched is None:
        history_searched = _history_search_pages(history, site_dir)
    return pages + history_searched


def _history_search_pages(history: HistoryPages, site_dir: Path) -> list[SearchPage]:
    """The history pages search covers (see :func:`_search_pages`)."""
    pages = []
    for stream in history.streams:
        for page in stream.pages:
            if page.searchable:
                key, size = _searched_key(history, page.url, site_dir)
                pages.append(
                    SearchPage(
                        page.url,
                        key,
                        functools.partial(history.searched, page.url, site_dir),
                        page.recorded,
                        size,
                    )
                )
    return pages


def index_latest_early(
    history: HistoryPages, site_dir: Path, texts: Sequence[SearchedText]
) -> list[SearchPage]:
    """Make the latest search segment into the cache as soon as the history pages are
    rendered, while the site engine still renders its own pages: the versions recorded
    since the last compaction and the texts that changed since are all it holds, so its
    pages and key do not wait for the engine's. The index made later finds it in the cache
    (a segment made here under another key, say for another language, is simply made
    again there). Returns the history pages search covers, for that index."""
    history.wait()
    pages = _history_search_pages(history, site_dir)
    first = next((page.url for stream in history.streams for page in stream.pages), None)
    language = site_language([history.html(first, site_dir)] if first else [])
    make_latest(pages, history.cache, texts, language)
    return pages


def _searched_key(history: HistoryPages, url: str, site_dir: Path) -> tuple[str, int]:
    """A hash of what search covers of a history page, and its length, kept in the cache
    under the page's key: a page whose links changed (its newer version's, say) but not its
    searched words leaves its search segment as it was."""
    page_key = history.keys[url]
    known = history.cache.get(Namespace.SEARCHED, page_key)
    if (
        isinstance(known, list)
        and len(known) == 2
        and isinstance(known[0], str)
        and isinstance(known[1], int)
    ):
        return known[0], known[1]
    searched = history.searched(url, site_dir)
    found = digest("searched", searched)
    history.cache.put(Namespace.SEARCHED, page_key, [found, len(searched)])
    return found, len(searched)


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


class _ArchiveTexts:
    """The archive's texts for the compressed text files, read through a reader that the
    process writing them opens for the job (:meth:`opened`): a forked worker never shares
    the parent's ``git cat-file``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._reader: BlobReader | None = None

    @contextlib.contextmanager
    def opened(self) -> Iterator[None]:
        """A reader of this process's own while the block runs (opened at its first read)."""
        self._reader = None
        try:
            yield
        finally:
            if self._reader is not None:
                self._reader.close()
            self._reader = None

    def raw(self, blob: str) -> bytes:
        if self._reader is None:
            self._reader = BlobReader(self.root)
        return self._reader.raw(blob)


def _blob_writer(blobs: _ArchiveTexts, blob: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(gzip.compress(blobs.raw(blob), 6, mtime=0))

    return write


class _AnchorSource:
    """Anchors of the pages rendered by this or an earlier build, and of the pages carried
    from the previous site (not in the staging folder until the build has succeeded)."""

    def __init__(
        self,
        pages: dict[str, PageAnchors],
        cache: Cache,
        key_of: dict[str, str],
        previous: PreviousSite,
    ) -> None:
        self.pages, self.cache, self.key_of, self.previous = pages, cache, key_of, previous

    def __call__(self, path: str) -> PageAnchors | None:
        if path in self.pages:
            return self.pages[path]
        key = self.key_of.get(path)
        stored = self.cache.get(Namespace.ANCHORS, key) if key is not None else None
        if isinstance(stored, PageRecord):
            return stored.anchors
        carried = self.previous.carried_file(path)
        return page_anchors(read_page(carried)) if carried is not None else None
