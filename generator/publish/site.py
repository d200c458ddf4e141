"""Writing govsite's files into the built site: streamed pages, texts, data and feeds,
unchanged folders carried from the previous build, then the manifest and sitemap."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..archive.blobs import BlobReader
from ..cache import Cache, close_records, digest
from ..diagnostics import log
from ..render.pages import BlobFile, StaticFile
from .carry import Output, PreviousSite, publish
from .manifest import PageAnchors, write_manifest
from .streams import HistoryPages


def publish_site(
    site_dir: Path,
    history: HistoryPages,
    files: list[StaticFile],
    blob_files: list[BlobFile],
    archive_root: Path,
    previous: PreviousSite,
    engine_anchors: dict[str, PageAnchors],
    site_url: str,
    retired: list[str] | None = None,
) -> None:
    """Publish everything govsite makes beside the engine's own pages.

    ``engine_anchors`` are the anchors of the pages the site engine rendered, by output
    path (they are in the site already); ``retired`` the URLs of tombstones and redirects.
    """
    outputs, stream_of = history.outputs()
    # What the engine (and other plugins) wrote: everything but the streamed pages.
    foreign = [path for path in _files_below(site_dir) if path not in stream_of]
    for static in files:
        if static.write is not None:
            outputs.append(Output(static.path, digest("made", static.key), static.write))
        else:
            content = static.content
            outputs.append(Output(static.path, digest("bytes", content), _bytes_writer(content)))
    with BlobReader(archive_root) as blobs:
        for item in blob_files:
            outputs.append(
                Output(item.path, digest("blob", item.blob), _blob_writer(blobs, item.blob))
            )
        folder_keys = publish(site_dir, outputs, foreign, previous)
    log.debug(f"govsite: {previous.carried} folders carried from the previous build")
    del outputs
    close_records()
    write_manifest(
        site_dir, site_url, _AnchorSource(engine_anchors, history.cache, stream_of), retired or ()
    )
    previous.finish(site_dir, folder_keys)


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
        self, pages: dict[str, PageAnchors], cache: Cache, stream_of: dict[str, str]
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
