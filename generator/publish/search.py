"""Search across the site with Pagefind: an index in static files, fetched in small pieces
only when a reader searches (the first page view fetches nothing of it).

Pagefind (PyPI ``pagefind[bin]``, its binary ships in the wheel) indexes what pages mark
with ``data-pagefind-body``: analyses, the latest text of every document, the hubs and
hand-written pages, and what changed in every version whose words changed (a search for a
phrase finds the version that added or removed it). Pages carry their filters (platform,
document type, kind of change, year) as ``data-pagefind-filter`` elements.

The index is made again only when a page it covers changed: it is kept in the build cache
under a key of every indexed page's content, and its files are published from there.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from .. import urls
from ..cache import Cache, digest
from ..diagnostics import log
from .carry import Output

MARK = b"data-pagefind-body"
"""What a page carries when search covers it."""


@dataclass(slots=True, frozen=True)
class SearchPage:
    """A page the index covers."""

    url: str
    """Its site URL."""
    key: str
    """A key of its content (its cache key, or a hash of its HTML)."""
    load: Callable[[], bytes]
    """Reads its HTML (only when the index is made again)."""


def build_index(pages: list[SearchPage], cache: Cache) -> tuple[str, Path]:
    """The search bundle of ``pages``: from the cache, or made now (in a temporary folder
    without a cache). Returns the bundle's key and the folder that holds its files."""
    key = digest(version("pagefind"), *(f"{p.url}|{p.key}" for p in sorted(pages, key=_url)))
    stored = cache.entry_path("search-bundle", key)
    folder = stored if stored is not None else Path(tempfile.mkdtemp(prefix="govsite-search-"))
    if not (folder / "pagefind-entry.json").is_file():
        made = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(made, ignore_errors=True)
        asyncio.run(_index(pages, made))
        shutil.rmtree(folder, ignore_errors=True)
        made.rename(folder)
        log.debug(f"govsite: search index made for {len(pages)} pages")
    return key, folder


def _url(page: SearchPage) -> str:
    return page.url


async def _index(pages: list[SearchPage], output: Path) -> None:
    from pagefind.index import IndexConfig, PagefindIndex

    config = IndexConfig(output_path=str(output))
    async with PagefindIndex(config=config) as index:
        for page in sorted(pages, key=_url):
            html = page.load().decode("utf-8", "replace")
            await index.add_html_file(content=html, url="/" + page.url)
        await index.write_files(output_path=str(output))


def bundle_outputs(key: str, folder: Path) -> list[Output]:
    """The bundle's files as outputs under ``pagefind/`` (copied from the cache)."""
    outputs: list[Output] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        outputs.append(Output(urls.PAGEFIND + relative, digest(key, relative), _copier(path)))
    return outputs


def _copier(source: Path) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        shutil.copyfile(source, target)

    return write
