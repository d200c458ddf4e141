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

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import cbor2

from .. import urls
from ..cache import Cache, digest, read_record
from ..diagnostics import log
from ..progress import Progress
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
    """Reads the parts of it search covers (:func:`searched_parts`; only when the index is
    made again)."""


NAMESPACE = "search"
"""The cache's namespace for search bundles: one records file per bundle, a record a file."""


def build_index(pages: list[SearchPage], cache: Cache) -> list[Output]:
    """The search bundle of ``pages`` as outputs under ``pagefind/``: from the cache when it
    holds the bundle intact, else made now (and kept in the cache)."""
    key = digest(version("pagefind"), *(f"{p.url}|{p.key}" for p in sorted(pages, key=_url)))
    if not cache.intact_records(NAMESPACE, key):
        made = Path(tempfile.mkdtemp(prefix="govsite-search-"))
        try:
            _index(pages, made)
            _make_stable(made)
            log.debug(f"govsite: search index made for {len(pages)} pages")
            files = sorted(p for p in made.rglob("*") if p.is_file())
            bundle = {path.relative_to(made).as_posix(): path.read_bytes() for path in files}
        finally:
            shutil.rmtree(made, ignore_errors=True)
        cache.write_records(NAMESPACE, key, sorted(bundle.items()))
        if cache.root is None:  # no cache: the bundle stays in memory until published
            return [
                Output(urls.PAGEFIND + name, digest(key, name), _writer(data))
                for name, data in bundle.items()
            ]
    return [
        Output(urls.PAGEFIND + name, digest(key, name), _from_cache(cache, key, name))
        for name in cache.record_names(NAMESPACE, key)
    ]


def _writer(data: bytes) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        target.write_bytes(data)

    return write


def _from_cache(cache: Cache, key: str, name: str) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        data = read_record(cache, NAMESPACE, key, name)
        if data is None:  # checked intact a moment ago: damaged while the build ran
            raise RuntimeError(f"govsite: the build cache lost the search file {name}")
        target.write_bytes(data)

    return write


def _url(page: SearchPage) -> str:
    return page.url


def _index(pages: list[SearchPage], output: Path) -> None:
    """Index ``pages`` with Pagefind's command-line binary, over a folder of each page's
    searched parts only (its Python API took 70 s for what the binary does in 3)."""
    from pagefind_bin import get_executable

    with (
        tempfile.TemporaryDirectory(prefix="govsite-searched-") as folder,
        Progress("search", len(pages), "pages") as progress,
    ):
        for page in progress.each(pages):
            for url, html in split_for_search(page.url, page.load()):
                target = Path(folder) / urls.page_file(url)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(html)
        result = subprocess.run(
            [
                str(get_executable()),
                "--site", folder,
                "--output-path", str(output),
                "--silent",
            ],
            capture_output=True,
            check=False,
            timeout=INDEX_TIMEOUT,
        )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(
            "govsite: Pagefind could not index the site: "
            + result.stderr.decode("utf-8", "replace")[-2000:]
        )


INDEX_TIMEOUT = 1800
"""Seconds Pagefind may take (the genai-eu site takes a few)."""

_DIV = re.compile(rb"<(/?)div\b")
_LANG = re.compile(rb'<html[^>]*\slang="([A-Za-z0-9-]{1,20})"')


def searched_parts(html: bytes) -> bytes:
    """The parts of a page search covers (each ``data-pagefind-body`` element), as a page of
    their own in the page's language: the theme around them and, on a version page, the
    text below its changes are left out before Pagefind reads them. govsite's pages escape
    every ``<`` of untrusted text, so their ``div`` tags can be counted."""
    parts: list[bytes] = []
    start = html.find(MARK)
    while start >= 0:
        opening = html.rfind(b"<div", 0, start)
        depth = 0
        end = len(html)
        for tag in _DIV.finditer(html, opening):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = html.index(b">", tag.end()) + 1
                break
        parts.append(html[opening:end])
        start = html.find(MARK, end)
    language = _LANG.search(html[:2000])
    lang = language.group(1) if language else b"en"
    # Pagefind keeps the text of every element with an id in the page's record (its
    # anchors), which a reader downloads with each result: only headings keep theirs (the
    # sub-results link to them); clause ids would double what a result weighs.
    body = _NON_HEADING_ID.sub(rb"\1", b"".join(parts))
    return b'<!doctype html><html lang="' + lang + b'"><body>' + body + b"</body></html>"


_NON_HEADING_ID = re.compile(rb'(<(?!h[1-6][\s>])[a-z][a-z0-9]*\b[^>]*?) id="[^"]*"')
"""An id attribute of an element other than a heading (govsite's pages write attributes
with double quotes and escape every ``<`` and ``"`` inside them)."""


PART_BYTES = 64_000
"""Most of a page's searched HTML one search record holds. Pagefind sends a result's whole
record (its text, compressed) to the reader: a long text or a big rewrite is split into
records of about this size, so that one query stays small."""
PART = "_part-{}/"
"""The URL segment of a page's second, third... record; search.js takes it out of results."""
_TAG = re.compile(rb"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
_VOID = frozenset(b"area base br col embed hr img input link meta source track wbr".split())
_MARKS = re.compile(rb"<div hidden data-pagefind-ignore>.*?</div>", re.S)
_TITLE = re.compile(rb'(<p data-pagefind-meta="title">)(.*?)(</p>)', re.S)


def split_for_search(url: str, html: bytes) -> list[tuple[str, bytes]]:
    """The search records of one page's searched parts (:func:`searched_parts`): the page
    itself when small, else its content cut between elements into records of at most about
    :data:`PART_BYTES`, each with the page's filters and title (the second and later ones
    at ``<url>_part-N/``). govsite's pages are well formed, so tags can be counted."""
    if len(html) <= PART_BYTES:
        return [(url, html)]
    start = html.find(b"<body>") + len(b"<body>")
    end = html.rfind(b"</body>")
    head, body = html[:start], html[start:end]
    marks_found = _MARKS.search(body)
    marks = marks_found.group(0) if marks_found else b""
    content = body.replace(marks, b"", 1) if marks else body
    chunks = _chunks(content)
    records = []
    for number, chunk in enumerate(chunks, start=1):
        own = marks if number == 1 else _TITLE.sub(rb"\1\2 (continued)\3", marks)
        record = b"<div data-pagefind-body>" + own + chunk + b"</div>"
        where = url if number == 1 else url + PART.format(number)
        records.append((where, head + record + b"</body></html>"))
    return records


def _chunks(content: bytes) -> list[bytes]:
    """``content`` in pieces of about :data:`PART_BYTES`, cut only between sibling elements;
    an element too big alone is cut between its children, inside copies of its own tags."""
    pieces = _siblings(content)
    if len(pieces) == 1 and len(content) > PART_BYTES:
        inner = _inside(pieces[0])
        if inner is not None:
            opening, children, closing = inner
            return [opening + chunk + closing for chunk in _chunks(children)]
    chunks: list[bytes] = []
    current = b""
    for piece in pieces:
        if len(piece) > PART_BYTES:
            if current:
                chunks.append(current)
                current = b""
            chunks.extend(_chunks(piece) if _inside(piece) is not None else [piece])
        elif len(current) + len(piece) > PART_BYTES and current:
            chunks.append(current)
            current = piece
        else:
            current += piece
    if current:
        chunks.append(current)
    return chunks


def _siblings(content: bytes) -> list[bytes]:
    """The top-level elements (and text between them) of an HTML fragment."""
    pieces: list[bytes] = []
    depth, start = 0, 0
    for tag in _TAG.finditer(content):
        if tag.group(2).lower() in _VOID or content[tag.end() - 2 : tag.end()] == b"/>":
            continue
        if tag.group(1):
            depth -= 1
            if depth == 0:
                pieces.append(content[start : tag.end()])
                start = tag.end()
        else:
            if depth == 0 and tag.start() > start:
                pieces.append(content[start : tag.start()])
                start = tag.start()
            depth += 1
    if start < len(content):
        pieces.append(content[start:])
    return pieces


def _inside(element: bytes) -> tuple[bytes, bytes, bytes] | None:
    """An element's opening tag, children and closing tag (``None`` for text)."""
    opening = _TAG.match(element)
    if opening is None or opening.group(1) or not element.endswith(b">"):
        return None
    closing = element.rfind(b"</")
    if closing <= opening.end():
        return None
    return element[: opening.end()], element[opening.end() : closing], element[closing:]


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
