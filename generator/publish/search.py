"""Search across the site with Pagefind: an index in static files, fetched in small pieces
only when a reader searches (the first page view fetches nothing of it).

Pagefind (PyPI ``pagefind[bin]``, its binary ships in the wheel) indexes what pages mark
with ``data-pagefind-body``: analyses, the latest text of every document, the hubs and
hand-written pages, and what changed in every version whose words changed (a search for a
phrase finds the version that added or removed it). Pages carry their filters (platform,
document type, kind of change, year) as ``data-pagefind-filter`` elements.

Pagefind cannot update an index, so the index is split in segments, each a bundle of its
own, merged in the reader's browser (Pagefind's ``mergeIndex``):

- the *stable* segment (``pagefind/stable/``) holds the pages of versions recorded long
  ago: the first ``STEP``, ``2 * STEP``... of them in the archive's recording order;
- the *settled* segment (``pagefind/settled/``) the next ``SETTLE``, ``2 * SETTLE``... of
  them, fewer than ``STEP``;
- the *latest* segment (``pagefind/latest/``) the versions recorded since, fewer than
  ``SETTLE``: a new version indexes this small segment again, and a sync uploads its few
  files;
- the *root* segment (``pagefind/``, the bundle the search page loads, with Pagefind's
  interface) holds the pages that show the state of things (hubs, analyses), which a new
  version leaves as they were as far as search goes (see the hub templates);
- each document's latest text, and any other long page, is on a *shelf*
  (``pagefind/texts-N/``, ``SHELVES`` of them, by its URL). A text is there as it stood at
  the last compaction (made from that version by generator/render/search_texts.py, so
  that a build from scratch makes the same shelf); a text that changed since is also in
  the latest segment, as it is now, and ``segments.json`` lists the shelf's copy as
  outdated: the search page's module (``pagefind/govsite/pagefind.js``) leaves it out of
  every answer, so a reader never sees it.

Which segment a page is in depends on the inputs only (how many versions the archive
recorded and in which order, a page's URL, length and kind), never on which builds ran
before, so a rebuild from the cache gives the same bytes as a build from scratch. A new
commit indexes the latest segment again, and nothing else; every ``SETTLE`` versions the
settled segment grows by ``SETTLE``, the latest one starts again empty and the shelves take
the texts as they are then, and every ``STEP`` versions the stable segment grows by
``STEP`` and the settled one starts again empty (the compactions). A page is shown from
one segment only: no result is ever a stale copy of a page a newer segment holds.

Each segment is made again only when what search covers of its pages, or govsite's code,
changed: it is kept in the build cache under a key of both, and its files are published
from there. ``pagefind/segments.json`` tells the search page which segments to merge.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import gzip
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import cbor2

from .. import urls, workers
from ..cache import PACKAGE_TEMPLATES, Cache, Namespace, code_fingerprint, digest
from ..diagnostics import log
from ..progress import Progress
from ..render.search_texts import SearchedText
from .carry import Output

MARK = b"data-pagefind-body"
"""What a page carries when search covers it."""
FILTER = b"data-pagefind-filter"
"""What a page carries when search results can be filtered by it (versions and documents'
latest texts)."""


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
    recorded: int = -1
    """Place in the archive's history of the version the page records (``-1`` for a page
    that shows the latest state of things): what puts a page in the stable segment."""
    size: int = 0
    """Bytes of its searched parts (for a page that is not a version's, what puts it on a
    shelf of long pages); 0 when not known before they are read."""
    blob: str = ""
    """For a document's latest text: the git blob of the version it shows, whose size
    stands for its searched parts' until they are read."""
    text: bool = False
    """Whether it is a page of a document's latest text (it carries search filters, as the
    versions do): such a page changes with each new version of its document, so it is on
    a shelf, out of the root segment, whatever its length."""
    outdated: bool = False
    """Whether it is a document's latest text as it stood at the last compaction, which a
    newer copy in the latest segment replaces: the reader's browser leaves it out of the
    results (segments.json names it)."""


STEP = 128
"""Versions the stable segment grows by: the settled and latest segments hold fewer
versions than this together (they are indexed on builds that change one of their pages,
the stable segment once every ``STEP`` new versions)."""

SETTLE = 16
"""Versions the settled segment grows by: the latest segment holds fewer than this."""

LONG = 32_768
"""Bytes of searched parts from which a page that is not a version's (a document's latest
text, mostly) is a long page: long pages are spread over ``SHELVES`` segments by their URL,
so that a new version of one document indexes its shelf again, not every long text."""

SHELVES = 1
"""Segments the long pages are spread over. The documents' latest texts change on a shelf
only at a compaction (their newer copies are in the latest segment), so one is enough; each
more costs every query a piece for each of its words."""

STABLE = urls.SEARCH_STABLE
"""The stable segment's folder in the search bundle."""
SETTLED = urls.SEARCH_SETTLED
"""The settled segment's folder in the search bundle."""
LATEST = urls.SEARCH_LATEST
"""The latest segment's folder in the search bundle."""

_BUNDLE_ONLY = ("pagefind-entry.json", "index/", "fragment/", "filter/")
"""What a merged segment needs of its bundle (the index files and its meta record): the
interface and WebAssembly come from the root segment's."""


def segments(
    pages: list[SearchPage],
    step: int | None = None,
    settle: int | None = None,
    texts: Sequence[SearchedText] = (),
    language: bytes = b"en",
) -> list[tuple[str, list[SearchPage]]]:
    """Each segment's folder and pages, the root segment (folder ``""``) first: of the
    versions, the first multiple of ``step`` (``STEP``) in recording order are stable, the
    next multiple of ``settle`` (``SETTLE``; none when it is not smaller than ``step``)
    settled, the rest latest; long pages are on their shelf; the other pages are in the
    root segment.

    Each document's latest text (``texts``, in the site's ``language``; they stand for the
    document pages among ``pages``) is on its shelf as it stood when the last version the
    stable and settled segments hold was recorded (the last compaction), so that a new
    version leaves the shelves as they were; a text that changed since is in the latest
    segment as it is now, and its copy on the shelf is marked outdated."""
    step = STEP if step is None else step
    settle = SETTLE if settle is None else settle
    recorded = sorted((p for p in pages if p.recorded >= 0), key=_recording_order)
    cut = len(recorded) // step * step
    settled = cut
    if 0 < settle < step:
        settled += (len(recorded) - cut) // settle * settle
    # Versions recorded from here on are newer than the last compaction.
    compacted = recorded[settled - 1].recorded + 1 if settled else 0
    shelved, fresh = _text_pages(texts, compacted, language)
    replaced = {text.url for text in texts}
    root: list[SearchPage] = []
    shelves: list[list[SearchPage]] = [[] for _ in range(SHELVES)]
    for page in [*(p for p in pages if p.recorded < 0 and p.url not in replaced), *shelved]:
        if page.text or page.size >= LONG:
            shelves[hashlib.sha256(page.url.encode()).digest()[0] % SHELVES].append(page)
        else:
            root.append(page)
    found = [("", root), (STABLE, recorded[:cut]), (SETTLED, recorded[cut:settled])]
    found.append((LATEST, recorded[settled:] + fresh))
    found += [(urls.search_shelf(n), shelf) for n, shelf in enumerate(shelves)]
    return [(folder, chosen) for folder, chosen in found if chosen or not folder]


def _text_pages(
    texts: Sequence[SearchedText], compacted: int, language: bytes
) -> tuple[list[SearchPage], list[SearchPage]]:
    """The documents' latest texts as they stood before the version recorded ``compacted``
    (for the shelves), and those that changed since as they are now (for the latest
    segment)."""
    shelved: list[SearchPage] = []
    fresh: list[SearchPage] = []
    for text in texts:
        before = bisect.bisect_left(text.sequences, compacted)
        old = _text_page(text, before, language)
        new = (
            _text_page(text, len(text.sequences), language) if before < len(text.sequences) else old
        )
        if old is not None:
            outdated = new is None or new.key != old.key
            shelved.append(dataclasses.replace(old, outdated=outdated))
        if new is not None and (old is None or new.key != old.key):
            fresh.append(new)
    return shelved, fresh


def _text_page(text: SearchedText, count: int, language: bytes) -> SearchPage | None:
    """A document's latest text among its first ``count`` versions, as search covers it."""
    key = text.key(count) if count else None
    if key is None:
        return None
    return SearchPage(
        text.url,
        key,
        functools.partial(_searched_text, text, count, language),
        text=True,
        blob=text.blob(count) or "",
    )


def _searched_text(text: SearchedText, count: int, language: bytes) -> bytes:
    record = text.record(count)
    if record is None:  # keyed a moment ago: the same inputs make a record
        raise RuntimeError(f"govsite: no searched text for {text.url} at {count} versions")
    page = b'<!doctype html><html lang="' + language + b'"><body>' + record + b"</body></html>"
    return searched_parts(page)


def _recording_order(page: SearchPage) -> tuple[int, str]:
    return page.recorded, page.url


def build_index(
    pages: list[SearchPage],
    cache: Cache,
    texts: Sequence[SearchedText] = (),
    language: bytes = b"en",
    blob_sizes: Callable[[list[str]], dict[str, int]] | None = None,
) -> list[Output]:
    """The search bundle of ``pages`` and the documents' latest ``texts`` as outputs under
    ``pagefind/``: each segment from the cache when it holds the segment intact, else made
    now (and kept in the cache). ``blob_sizes`` gives the size of archived texts (the
    latest texts' searched parts are not read before they are indexed)."""
    outputs: list[Output] = []
    merged: list[str] = []
    hidden: list[str] = []
    chosen_segments = segments(pages, texts=texts, language=language)
    keys = [_segment_key(chosen) for _folder, chosen in chosen_segments]
    intact = _make_missing(chosen_segments, keys, cache, blob_sizes)
    for (folder, chosen), key, held in zip(chosen_segments, keys, intact, strict=True):
        made, records = _segment(folder, chosen, cache, key, intact=held)
        outdated = {page.url.strip("/") for page in chosen if page.outdated}
        hidden += [record for url, record in records.items() if url.strip("/") in outdated]
        if folder:  # a merged segment: its index only
            merged.append(folder)
            made = [
                output
                for output in made
                if output.path[len(urls.PAGEFIND + folder) :].startswith(_BUNDLE_ONLY)
                or output.path.endswith(".pf_meta")
            ]
        outputs += made
    # The results the reader's browser leaves out (search.js), by the id Pagefind gives
    # each page's record (its fragment file's name): listed in the latest segment's entry
    # file, which changes with every new version anyway (segments.json stays as it was), or
    # in segments.json when there is no latest segment.
    hidden.sort()
    entry = urls.PAGEFIND + urls.SEARCH_HIDDEN
    if hidden and LATEST in merged:
        outputs = [
            dataclasses.replace(o, key=digest(o.key, *hidden), write=_hiding(o.write, hidden))
            if o.path == entry and o.write is not None
            else o
            for o in outputs
        ]
        hidden = []
    found = {"merge": merged, "hide": hidden, "hidden": urls.SEARCH_HIDDEN}
    listing = json.dumps(found, separators=(",", ":")).encode()
    outputs.append(Output(urls.SEARCH_SEGMENTS, digest("bytes", listing), _writer(listing)))
    module = (PACKAGE_TEMPLATES / "assets" / "search-results.js").read_bytes()
    outputs.append(Output(urls.SEARCH_RESULTS, digest("bytes", module), _writer(module)))
    return outputs


def make_latest(
    pages: list[SearchPage], cache: Cache, texts: Sequence[SearchedText], language: bytes
) -> None:
    """Make the latest segment of ``pages`` (history pages are enough: see
    :func:`segments`) into the cache, unless the cache holds it already."""
    chosen = next(
        (c for folder, c in segments(pages, texts=texts, language=language) if folder == LATEST), []
    )
    if not chosen or cache.root is None:
        return
    key = _segment_key(chosen)
    if cache.intact_records(Namespace.SEARCH, key):
        return
    _make(LATEST, chosen, cache, key)
    log.debug(
        f"govsite: search segment {urls.PAGEFIND + LATEST} made early for {len(chosen)} pages"
    )


def _make_missing(
    found: list[tuple[str, list[SearchPage]]],
    keys: list[str],
    cache: Cache,
    blob_sizes: Callable[[list[str]], dict[str, int]] | None = None,
) -> list[bool]:
    """Make into the cache, on every core (:func:`workers.run_all`, one job per segment),
    the segments it does not hold intact; returns whether each segment is in the cache now.
    Segments are independent of each other, and each is then published from the cache as
    one made in this process would be, so the order they were made in changes nothing.
    Where the policy runs jobs in this process (one core, no cache, few segments),
    :func:`_segment` makes them one after another instead."""
    intact = [cache.intact_records(Namespace.SEARCH, key) for key in keys]
    # The largest first, so that a long one does not start last while the others wait.
    missing = sorted(
        (index for index, held in enumerate(intact) if not held),
        key=lambda index: -len(found[index][1]),
    )
    if not workers.worth_forking(len(missing), cache=cache.root is not None):
        return intact
    weights = _searched_bytes([found[index][1] for index in missing], blob_sizes)
    largest = sum(sorted(weights, reverse=True)[:2])
    log.debug(
        f"govsite: search segments to make: {len(missing)}, the two largest {largest:,} bytes"
    )
    if largest > POOLED_BYTES:
        # Each job runs Pagefind over its whole segment at once, and Pagefind holds about
        # 30 times the bytes it indexes: two large segments side by side would hold both
        # indexes (contrib's stable segment and texts shelf: 2.6 GB, against 1.7 GB one
        # after another).
        return intact
    # Jobs name their segments by place: the workers find them in what they inherited
    # (the pages' loaders are closures, which are not sent to a process).
    workers.run_all(
        _make_pooled, missing, tasks=len(missing), cache=True, inherit=(found, keys, cache)
    )
    for index in missing:
        folder, chosen = found[index]
        log.debug(f"govsite: search segment {urls.PAGEFIND + folder} made for {len(chosen)} pages")
        intact[index] = True
    return intact


POOLED_BYTES = 16_000_000
"""The most bytes of searched parts the two largest segments a build makes may hold
together for segments to be made side by side (Pagefind then holds about 500 MB)."""


def _searched_bytes(
    chosen: list[list[SearchPage]], blob_sizes: Callable[[list[str]], dict[str, int]] | None
) -> list[int]:
    """Bytes of searched parts in each of the ``chosen`` segments, as known before they are
    read: a latest text counts as its archived text's size."""
    blobs = [page.blob for pages in chosen for page in pages if page.blob and not page.size]
    sizes = blob_sizes(blobs) if blob_sizes is not None and blobs else {}
    return [
        sum(page.size or (sizes.get(page.blob, LONG) if page.blob else 0) for page in pages)
        for pages in chosen
    ]


def _make_pooled(index: int) -> None:
    """Make one segment into the cache (run by :func:`workers.run_all`)."""
    found, keys, cache = workers.inherited()
    folder, chosen = found[index]
    # Bars from several processes would write over each other: the main process logs.
    _make(folder, chosen, cache, keys[index], shown=False)


def _segment_key(pages: list[SearchPage]) -> str:
    # govsite's code is in the key too: it reorders and splits what Pagefind writes.
    return digest(
        code_fingerprint(),
        version("pagefind"),
        *(f"{p.url}|{p.key}" for p in sorted(pages, key=_url)),
    )


def _make(
    folder: str, pages: list[SearchPage], cache: Cache, key: str, *, shown: bool = True
) -> tuple[dict[str, bytes], dict[str, str]]:
    """Index one segment and keep its bundle in the cache under ``key``; returns the bundle
    and the id of each page's record in it, by URL."""
    made = Path(tempfile.mkdtemp(prefix="govsite-search-"))
    try:
        _index(pages, made, folder or "root/", shown=shown)
        _make_stable(made, PIECE * LATEST_PIECES if folder == LATEST else PIECE)
        files = sorted(p for p in made.rglob("*") if p.is_file())
        bundle = {path.relative_to(made).as_posix(): path.read_bytes() for path in files}
    finally:
        shutil.rmtree(made, ignore_errors=True)
    records = _record_ids(bundle)
    listing = json.dumps(records, sort_keys=True).encode()
    cache.write_records(Namespace.SEARCH, key, [*sorted(bundle.items()), (_RECORDS, listing)])
    return bundle, records


def _segment(
    folder: str, pages: list[SearchPage], cache: Cache, key: str, *, intact: bool
) -> tuple[list[Output], dict[str, str]]:
    """One segment's bundle, as outputs under ``pagefind/`` + ``folder``, and the id of each
    page's record in it, by URL; made now unless the cache holds it ``intact`` under
    ``key``."""
    prefix = urls.PAGEFIND + folder
    if not intact:
        bundle, records = _make(folder, pages, cache, key)
        log.debug(f"govsite: search segment {prefix} made for {len(pages)} pages")
        if cache.root is None:  # no cache: the bundle stays in memory until published
            outputs = [
                Output(prefix + name, digest(key, name), _writer(data))
                for name, data in bundle.items()
            ]
            return outputs, records
    stored = cache.read_record(Namespace.SEARCH, key, _RECORDS)
    if stored is None:  # checked intact a moment ago: damaged while the build ran
        raise RuntimeError(f"govsite: the build cache lost the search file {_RECORDS}")
    outputs = [
        Output(prefix + name, digest(key, name), _from_cache(cache, key, name))
        for name in cache.record_names(Namespace.SEARCH, key)
        if name != _RECORDS
    ]
    return outputs, json.loads(stored)


_RECORDS = "govsite record ids"
"""The record kept beside a segment's bundle in the cache (never published): the id of
each page's record, by URL."""


def _record_ids(bundle: dict[str, bytes]) -> dict[str, str]:
    """The id of each page's record (its fragment file's name), by URL."""
    found: dict[str, str] = {}
    for name, data in bundle.items():
        if name.startswith("fragment/") and name.endswith(".pf_fragment"):
            unzipped = gzip.decompress(data)
            if not unzipped.startswith(SIGNATURE):
                raise ValueError(f"{name}: not a Pagefind fragment")
            url = json.loads(unzipped[len(SIGNATURE) :])["url"]
            found[url] = name[len("fragment/") : -len(".pf_fragment")]
    return found


def _hiding(write: Callable[[Path], None], hidden: list[str]) -> Callable[[Path], None]:
    """Writes a segment's entry file with the records to hide (``govsite.hide``; Pagefind
    reads the fields it knows only)."""

    def write_hiding(target: Path) -> None:
        write(target)
        entry = json.loads(target.read_text("utf-8"))
        entry["govsite"] = {"hide": hidden}
        target.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), "utf-8")

    return write_hiding


def _writer(data: bytes) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        target.write_bytes(data)

    return write


def _from_cache(cache: Cache, key: str, name: str) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        data = cache.read_record(Namespace.SEARCH, key, name)
        if data is None:  # checked intact a moment ago: damaged while the build ran
            raise RuntimeError(f"govsite: the build cache lost the search file {name}")
        target.write_bytes(data)

    return write


def _url(page: SearchPage) -> str:
    return page.url


def _index(pages: list[SearchPage], output: Path, segment: str, *, shown: bool = True) -> None:
    """Index ``pages`` with Pagefind's command-line binary, over a folder of each page's
    searched parts only (its Python API took 70 s for what the binary does in 3)."""
    from pagefind_bin import get_executable

    with (
        tempfile.TemporaryDirectory(prefix="govsite-searched-") as folder,
        Progress(
            f"publish (search {segment.rstrip('/') or 'recent'})", len(pages), "pages"
        ) as progress,
    ):
        progress.shown = progress.shown and shown
        for page in progress.each(pages):
            # One record per page, so that a page is one result; its headings' anchors
            # are its sub-results, which lead to the words in a long page.
            target = Path(folder) / urls.page_file(page.url)
            if not target.resolve().is_relative_to(Path(folder).resolve()):
                # URLs are made by urls.py; one leading out is a bug, not a page to index.
                raise RuntimeError(f"govsite: search page URL outside the site: {page.url!r}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page.load())
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
    parts = [_without_ignored(part) for part in parts]
    # Pagefind keeps the text of every element with an id in the page's record (its
    # anchors), which a reader downloads with each result: only headings keep theirs (the
    # sub-results link to them); clause ids would double what a result weighs.
    body = _NON_HEADING_ID.sub(rb"\1", _BOLD_HEADING.sub(rb"<h6\1>\2</h6>", b"".join(parts)))
    return b'<!doctype html><html lang="' + lang + b'"><body>' + body + b"</body></html>"


def _without_ignored(html: bytes) -> bytes:
    """``html`` with the content of each ``data-pagefind-ignore`` element left out (the
    element itself stays, empty): Pagefind indexes none of it, and what a page marks so is
    what changes with every new version (counts, the latest change, a chart), so that such
    a change leaves the page's key, and its search segment, as they were. An ignored
    element that holds something Pagefind does read (a filter, metadata, a heading's
    anchor) is kept whole."""
    out: list[bytes] = []
    done = 0
    found = html.find(_IGNORE)
    while found >= 0:
        opening = html.rfind(b"<", 0, found)
        tag = _START_TAG.match(html, opening)
        # Only the attribute itself marks an element, not words of a text that name it
        # (an attribute's value, a link's address, the page's words).
        marked = (
            tag is not None
            and opening >= done
            and tag.end() > found
            and any(a.group(1) == _IGNORE for a in _ATTRIBUTE.finditer(tag.group(2)))
        )
        end = _closing(html, tag.group(1), tag.end()) if tag is not None and marked else -1
        if tag is None or end < 0:
            found = html.find(_IGNORE, found + len(_IGNORE))
            continue
        content = html[tag.end() : end]
        if _KEEP.search(content) is None:
            out += [html[done : tag.end()]]
            done = end
        found = html.find(_IGNORE, max(end, found + len(_IGNORE)))
    out.append(html[done:])
    return b"".join(out)


def _closing(html: bytes, name: bytes, start: int) -> int:
    """Where the element named ``name`` whose content begins at ``start`` ends (the start
    of its closing tag), counting the elements of that name inside it; -1 when it does
    not."""
    depth = 1
    tags = re.compile(rb"<(/?)" + re.escape(name) + rb"[\s>]")
    for tag in tags.finditer(html, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.start()
    return -1


_IGNORE = b"data-pagefind-ignore"
_VALUE = rb"""(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?"""
_START_TAG = re.compile(rb"<([a-z][a-z0-9]*)((?:\s+[^\s\"'>/=]+" + _VALUE + rb")*)\s*/?>")
"""A start tag: its name and its attributes (a quoted value may hold ``>``)."""
_ATTRIBUTE = re.compile(rb"\s+([^\s\"'>/=]+)" + _VALUE)
_KEEP = re.compile(rb"data-pagefind-|<h[1-6][^>]*\sid=")
"""What Pagefind reads inside an ignored element: filters, metadata and headings' anchors."""


def site_language(pages: Iterable[bytes]) -> bytes:
    """The language of the site's pages (of the first of them; ``en`` when there is none)."""
    for html in pages:
        found = _LANG.search(html[:2000])
        return found.group(1) if found else b"en"
    return b"en"


_BOLD_HEADING = re.compile(rb'<p( id="[^"]*")><strong>([^<]{1,200})</strong></p>')
"""A clause that is one short bold run: a text converted from a web page marks its
headings so (see generator/render/change_sections.py). For search it is a heading, so that
Pagefind makes it a sub-result leading to its anchor."""
_NON_HEADING_ID = re.compile(rb'(<(?!h[1-6][\s>])[a-z][a-z0-9]*\b[^>]*?) id="[^"]*"')
"""An id attribute of an element other than a heading (govsite's pages write attributes
with double quotes and escape every ``<`` and ``"`` inside them)."""


SIGNATURE = b"pagefind_dcd"
"""What Pagefind's index files start with once unzipped (a CBOR value follows)."""


def _make_stable(folder: Path, piece: int | None = None) -> None:
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
        if stable != path.stem:  # the same name when the file was in order already
            path.unlink()
    entry_path = folder / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text("utf-8"))
    for language in entry["languages"].values():
        meta_path = folder / f"pagefind.{language['hash']}.pf_meta"
        meta = _read(meta_path)
        # The meta record: version, pages, index chunks, filters, sorts, meta fields.
        meta[2] = _split_chunks(folder / "index", meta[2], PIECE if piece is None else piece)
        meta[3] = sorted(([name, renamed[file]] for name, file in meta[3]), key=_first)
        code = language["hash"].rpartition("_")[0]
        language["hash"] = _write(folder, code, meta, ".pf_meta", prefix="pagefind.")
        if language["hash"] != meta_path.name[len("pagefind.") : -len(".pf_meta")]:
            meta_path.unlink()
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), "utf-8")


PIECE = 6_000
"""Bytes (compressed) an index piece holds on average. A query fetches, for each of its
words, the piece that holds it in each segment: Pagefind's own chunks (about 30 KB) would
make a query over several segments cost several times that."""

LATEST_PIECES = 3
"""How many times ``PIECE`` the latest segment's pieces hold: a new version's document
whose text was on its shelf puts its whole text in the latest segment, so its words change
nearly every piece there, and a sync sends each piece that changed; fewer, larger pieces
there cost a query a little more (a piece for each of its words) and a sync much less."""

_RATIO = 1.7
"""About how much smaller Pagefind's index compresses than its CBOR (measured on genai-eu):
a fixed figure, so that where pieces end depends on the words next to it only."""

_CUT_ONE_IN = 32
"""Past a piece's minimum size (three quarters of ``PIECE``), one word in this many (by a
hash of the word) ends it; none is larger than one and a half ``PIECE``: a query fetches a
large piece more often than a small one, so the sizes stay close to ``PIECE``."""


def _split_chunks(folder: Path, chunks: list[list[str]], piece: int) -> list[list[str]]:
    """Pagefind's index chunks, split again into pieces of about ``piece`` bytes each; returns
    the meta record's list of pieces (first word, last word, file).

    A piece ends after a word chosen by its text alone (past a minimum size; or at a
    maximum), not at a share of a chunk's size, so that a change to some words' entries
    (a page's new words; a document's text edited) changes the pieces that hold them, and
    the others keep their bytes and names: a sync uploads those few. The bounds between
    pieces are the shortest prefixes that tell their words apart, as Pagefind makes them
    between its own chunks."""
    if not chunks:
        return []
    words: list[Any] = []
    language = chunks[0][2].rpartition("_")[0]
    for _start, _end, name in chunks:
        path = folder / f"{name}.pf_index"
        chunk = _read(path)
        if chunk[1:] != []:  # Pagefind 1.5's chunks hold their words only
            raise ValueError(f"{path}: an index chunk of a kind govsite does not know")
        words += chunk[0]
        path.unlink()
    least = piece * _RATIO * 3 / 4
    most = piece * _RATIO * 3 / 2
    groups: list[list[Any]] = [[]]
    filled = 0
    for word in words:
        groups[-1].append(word)
        filled += len(cbor2.dumps(word))
        text = str(word[0]).encode()
        cut = int.from_bytes(hashlib.sha256(text).digest()[:4], "big") % _CUT_ONE_IN == 0
        if filled >= most or (filled >= least and cut):
            groups.append([])
            filled = 0
    groups = [group for group in groups if group]
    found: list[list[str]] = []
    low = chunks[0][0]
    for index, group in enumerate(groups):
        high = chunks[-1][1]
        following = ""
        if index + 1 < len(groups):
            last, first = str(group[-1][0]), str(groups[index + 1][0][0])
            shared = _shared_prefix(last, first)
            high, following = last[: shared + 1], first[: shared + 1]
        found.append([low, high, _write(folder, language, [group], ".pf_index")])
        low = following
    return found


def _shared_prefix(a: str, b: str) -> int:
    """How many characters two words share at their start."""
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


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
