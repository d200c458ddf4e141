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
import gzip
import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import cbor2

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
        _make_stable(made)
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
        # Leaving the context writes the files (calling write_files as well wrote them twice).


SIGNATURE = b"pagefind_dcd"
"""What Pagefind's index files start with once unzipped (a CBOR value follows)."""


def _make_stable(folder: Path) -> None:
    """Rewrites the bundle's filter files, and the files that name them, in one order.

    Pagefind writes the values of a filter, and its list of filters, in the order of a hash
    map (it differs from run to run, and file names are hashes of content): sorted here,
    named from their content again, so that the same pages always give the same bytes."""
    renamed: dict[str, str] = {}
    for path in sorted((folder / "filter").glob("*.pf_filter")):
        name, values = _read(path)
        language = path.stem.rpartition("_")[0]
        stable = _write(path.parent, language, [name, sorted(values, key=_first)], ".pf_filter")
        renamed[path.stem] = stable
        path.unlink()
    entry_path = folder / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text("utf-8"))
    for language in entry["languages"].values():
        meta_path = folder / f"pagefind.{language['hash']}.pf_meta"
        meta = _read(meta_path)
        # The meta record: version, pages, index chunks, filters, sorts, meta fields.
        meta[3] = sorted(([name, renamed[file]] for name, file in meta[3]), key=_first)
        code = language["hash"].rpartition("_")[0]
        language["hash"] = _write(folder, code, meta, ".pf_meta", prefix="pagefind.")
        meta_path.unlink()
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), "utf-8")


def _first(item: list[Any]) -> str:
    return str(item[0])


def _read(path: Path) -> Any:
    unzipped = gzip.decompress(path.read_bytes())
    if not unzipped.startswith(SIGNATURE):
        raise ValueError(f"{path}: not a Pagefind index file")
    return cbor2.loads(unzipped[len(SIGNATURE) :])


def _write(folder: Path, language: str, value: Any, suffix: str, prefix: str = "") -> str:
    """Writes ``value`` as Pagefind does, under a name from its content; returns the name's
    hash part (language, underscore, hex digits)."""
    body = SIGNATURE + cbor2.dumps(value)
    stem = f"{language}_{hashlib.sha256(body).hexdigest()[:10]}"
    (folder / f"{prefix}{stem}{suffix}").write_bytes(gzip.compress(body, mtime=0))
    return stem


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
