"""The list of every published URL and anchor, and the check that none of them breaks."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import stat
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import TypeGuard
from xml.sax.saxutils import escape

from ..cache import Cache, Namespace, code_fingerprint, digest
from ..encoded import read_page
from ..urls import (
    MANIFEST,
    MANIFEST_PART_FILE,
    MANIFEST_PARTS,
    MKDOCS_SEARCH_INDEX,
    PAGEFIND,
    SITEMAP,
    SITEMAP_COMPRESSED,
    SITEMAP_FOLDER,
    THEME_ASSETS,
    canonical,
    manifest_part,
    manifest_part_file,
    site_base,
    sitemap_part,
    url_of,
    with_anchor,
)

MANIFEST_NAME = MANIFEST
"""Every published URL and promised anchor (gzip-compressed JSON: it lists every clause of
every version)."""
_ID = re.compile(rb'id="([^"]+)"')
"""An ``id`` attribute, when whitespace comes before it (:func:`_ids`)."""
# Ids that are not promises to readers: the theme's own (``__drawer``), the labels inside
# charts and timelines, the markers that point from a text to its analyses (they go with
# the analysis, which keeps its own tombstone when it is retired), the home page's lists of
# what is new, and the groups of a version's changes (the version's #changes stays).
_NOT_PROMISED = re.compile(r"^(__|cpm-|ept-|timeline-|analysis-|home-|changes-\d)")
_SKIP = (
    THEME_ASSETS,
    PAGEFIND,
    MKDOCS_SEARCH_INDEX,
    SITEMAP,  # with sitemap.xml.gz
    SITEMAP_FOLDER,
    MANIFEST_NAME,
    MANIFEST_PARTS,
)
_REDIRECT = b'<meta http-equiv="refresh"'


PageAnchors = tuple[str, bool]
"""A page's promised anchors as the JSON array its manifest line holds, and whether it is a
redirect page (which stands for the whole old page, as a tombstone does)."""


def page_anchors(html: str | bytes) -> PageAnchors:
    """The promised anchors of one rendered page (see :data:`PageAnchors`).

    Nothing in a page's text decides whether it is retired: archived texts and analyses can
    hold any words (``data-govsite-retired`` among them). Only a redirect's ``<meta>``
    element counts, which escaped text cannot form; tombstones are known by their URLs
    (see :func:`write_manifest`).
    """
    data = html.encode("utf-8") if isinstance(html, str) else html
    if _REDIRECT in data:
        return "[]", True
    found = {m.decode("utf-8", "replace") for m in _ids(data)}
    return json.dumps(sorted(a for a in found if not _NOT_PROMISED.match(a))), False


def _ids(data: bytes) -> list[bytes]:
    """The value of each ``id`` attribute in ``data``: an ``id="`` after whitespace. The
    pattern starts with its literal, which the regular expression engine finds by a fast
    scan; one that starts with the whitespace is tried at every byte (three times slower
    over a build's pages)."""
    found, position, search = [], 0, _ID.search
    while (match := search(data, position)) is not None:
        start = match.start()
        if data[start - 1 : start].isspace():
            found.append(match.group(1))
            position = match.end()
        else:  # the value it would have read may hold the next attribute
            position = start + 1
    return found


def write_manifest(
    site: Path,
    site_url: str,
    known: Callable[[str], PageAnchors | None] = lambda path: None,
    retired: Collection[str] = (),
    files: Mapping[str, str | None] | None = None,
    cache: Cache | None = None,
) -> None:
    """Write the manifest (its parts and their index) and a sitemap of its pages; all
    deterministic.

    ``files`` names every file in the site, each with the key of what its bytes are made
    from when known (``None``: its anchors are read from ``known`` or from the file); without
    it the site is walked. A part of the site whose files and keys did not change since a
    build stored it in ``cache`` is taken from there whole, so a warm build reads no page
    and writes no line of an unchanged part. ``known`` gives the anchors of a page already
    seen while rendering (by output path), so that only the other pages need reading.
    ``retired`` lists the URLs of tombstones and redirects (``content/retired.yml``): they
    stand for the whole old page and stay out of the sitemap.
    """
    retired = frozenset(retired)
    if files is None:
        files = dict.fromkeys(_walk(site))
    groups: dict[str, list[str]] = {}
    for path in files:
        if not path.startswith(_SKIP):
            groups.setdefault(manifest_part(url_of(path)), []).append(path)
    (site / MANIFEST_PARTS).mkdir(exist_ok=True)
    index: list[str] = []
    pages: list[str] = []
    for part in sorted(groups):
        paths = sorted(groups[part])
        key = _part_key(part, paths, files, known, retired)
        stored = cache.get(Namespace.MANIFEST, key) if cache is not None and key else None
        if _is_part(stored):
            data, part_pages = stored
        else:
            data, part_pages = _make_part(site, part, paths, known, retired)
            if cache is not None and key:
                cache.put(Namespace.MANIFEST, key, (data, part_pages))
        name = manifest_part_file(part)
        (site / name).write_bytes(data)
        index.append(f"{json.dumps(name)}: {json.dumps(hashlib.sha256(data).hexdigest())}")
        pages += part_pages
    text = f'{{"format": {MANIFEST_FORMAT}, "parts": {{\n' + ",\n".join(index) + "\n}}\n"
    (site / MANIFEST_NAME).write_bytes(gzip.compress(text.encode("utf-8"), 6, mtime=0))
    write_sitemaps(site, site_base(site_url), pages)


def _walk(site: Path) -> list[str]:
    found: list[str] = []
    for folder, _dirs, names in os.walk(site):
        relative = os.path.relpath(folder, site)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        found.extend(prefix + name for name in names)
    return found


def _part_key(
    part: str,
    paths: list[str],
    files: Mapping[str, str | None],
    known: Callable[[str], PageAnchors | None],
    retired: frozenset[str],
) -> str | None:
    """What the part's lines are made from: the code that reads anchors, each file's name and
    key (or, for a page without a key, the anchors ``known`` gives); ``None`` when a page's
    anchors can only be read from the site (the part is then made again)."""
    material: list[str] = ["manifest part", code_fingerprint(), part]
    for path in paths:
        key = files[path]
        if key is None:
            if path.endswith(".html"):
                found = known(path)
                if found is None:
                    return None
                key = f"{found[0]} {found[1]}"
            else:
                key = "-"  # listed without anchors, whatever its bytes
        material += [path, key, "retired" if url_of(path) in retired else ""]
    return digest(*material)


def _is_part(stored: object) -> TypeGuard[tuple[bytes, list[str]]]:
    return (
        isinstance(stored, tuple)
        and len(stored) == 2
        and isinstance(stored[0], bytes)
        and isinstance(stored[1], list)
    )


def _make_part(
    site: Path,
    part: str,
    paths: list[str],
    known: Callable[[str], PageAnchors | None],
    retired: frozenset[str],
) -> tuple[bytes, list[str]]:
    """One part of the manifest, compressed, and the URLs of its pages for the sitemap.
    Each URL becomes its line at once, so memory holds text, not every anchor of every
    version as objects."""
    lines: list[str] = []
    pages: list[str] = []
    for path in paths:
        url = url_of(path)
        anchors = "[]"
        if path.endswith(".html"):
            found = known(path)
            if found is None:
                found = page_anchors(read_page(site / path))
            anchors, is_retired = found
            if url in retired:
                anchors, is_retired = "[]", True
            if not is_retired and (url.endswith("/") or url == ""):
                pages.append(url)  # redirects and tombstones stay out of the sitemap
        lines.append(f"{json.dumps(url)}: {anchors}")
    # One line per URL, in order: readable in a diff, and written by json's fast encoder.
    lines.sort()
    text = (
        f'{{"format": {MANIFEST_FORMAT}, "part": {json.dumps(part)}, "urls": {{\n'
        + ",\n".join(lines)
        + "\n}}\n"
    )
    return gzip.compress(text.encode("utf-8"), 6, mtime=0), pages


SITEMAP_URLS = 40_000
"""URLs per sitemap file: the protocol allows 50,000 (and 50 MB)."""


def write_sitemaps(site: Path, base: str, pages: list[str]) -> None:
    """``sitemap.xml`` as a sitemap index naming the sitemaps of the site's pages, at most
    :data:`SITEMAP_URLS` URLs each (search engines read the index; mkdocs-material fetches
    ``sitemap.xml`` on every first page view, so it stays a few lines however large the
    archive); ``sitemap.xml.gz`` is the same index compressed, in place of the engine's own,
    which carried the build's date."""
    (site / SITEMAP_FOLDER).mkdir(exist_ok=True)
    ordered = sorted(pages)
    parts: list[str] = []
    for start in range(0, max(len(ordered), 1), SITEMAP_URLS):
        part = sitemap_part(f"pages-{start // SITEMAP_URLS + 1}")
        entries = "".join(
            f"  <url><loc>{escape(base + u)}</loc></url>\n"
            for u in ordered[start : start + SITEMAP_URLS]
        )
        (site / part).write_bytes(
            (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                f"{entries}</urlset>\n"
            ).encode()
        )
        parts.append(part)
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(f"  <sitemap><loc>{escape(base + p)}</loc></sitemap>\n" for p in parts)
        + "</sitemapindex>\n"
    ).encode()
    (site / SITEMAP).write_bytes(index)
    (site / SITEMAP_COMPRESSED).write_bytes(gzip.compress(index, 9, mtime=0))


class ManifestError(ValueError):
    """A file given as a manifest is not one; says where and why."""

    def __init__(self, line: int, column: int, reason: str, path: Path | None = None) -> None:
        super().__init__(reason)
        self.line, self.column, self.reason = line, column, reason
        self.path = path
        """The file at fault when it is a part of the manifest, not the file given."""


MANIFEST_MAX_BYTES = 256_000_000
"""Unzipped, far larger than any real manifest (genai-eu's, 1,058 versions, is 5.6 MB), and
small enough to read within a CI runner's memory; a manifest in parts counts all of them."""
MANIFEST_FORMAT = 2
"""The manifest format this govsite writes (2: an index of parts, each a part of the site's
URLs; 1: every URL in one file, which this govsite still reads)."""
_FORMATS = (1, 2)
_LONGEST_NAME = 2_000
"""Longer than any URL or anchor govsite writes."""


def read_manifest(path: Path) -> dict[str, list[str]]:
    """The URLs and anchors a manifest promises (gzip-compressed or not), format 1 (one
    file) or 2 (an index and its parts, read from ``govsite-manifest/`` beside the index);
    :class:`ManifestError` when a file is not a govsite manifest or part of one."""
    budget = [MANIFEST_MAX_BYTES]
    data, parts = _index(path, budget)
    if parts is None:
        return _checked_urls(data, None, path)
    folder = path.parent.resolve()
    found: dict[str, list[str]] = {}
    for name, checksum in parts.items():
        part_path = path.parent / name
        if not part_path.resolve().is_relative_to(folder):
            raise ManifestError(
                1, 1, f"the part {name} leads out of the manifest's folder (a link?)", part_path
            )
        raw, stored = _read_bytes(part_path, budget, missing=True)
        if stored != checksum:
            raise ManifestError(
                1,
                1,
                "not the part the manifest lists (its SHA-256 differs: a part of another "
                "build? download the manifest and its parts again)",
                part_path,
            )
        part = _parse(raw, part_path)
        if (
            not isinstance(part, dict)
            or part.get("format") != 2
            or not isinstance(part.get("part"), str)
            or not isinstance(part.get("urls"), dict)
        ):
            raise ManifestError(
                1,
                1,
                'not a part of a govsite manifest (expected {"format": 2, "part": ..., '
                '"urls": {...}})',
                part_path,
            )
        if manifest_part_file(part["part"]) != name:
            raise ManifestError(
                1, 1, f"the part's name is not that of the part it says it is ({name})", part_path
            )
        # Each URL is in one part only: a part's name is the hash of what it covers.
        found.update(_checked_urls(part["urls"], part["part"], part_path))
    return found


def manifest_parts(path: Path) -> list[str]:
    """The parts the manifest at ``path`` lists, as paths relative to its folder (none for a
    manifest of format 1): what to download beside it for ``govsite check --against``."""
    return sorted(_index(path, [MANIFEST_MAX_BYTES])[1] or {})


def _index(path: Path, budget: list[int]) -> tuple[dict[object, object], dict[str, str] | None]:
    """A format 1 manifest's URLs and ``None``, or a format 2 manifest's index: an empty
    dictionary and its parts (name: SHA-256), each name checked to be one govsite writes."""
    data = _read_json(path, budget)
    if not isinstance(data, dict) or not isinstance(data.get("format"), int):
        raise ManifestError(1, 1, 'not a govsite manifest (expected {"format": 2, "parts": {...}})')
    if data["format"] not in _FORMATS:
        raise ManifestError(
            1, 1, f"manifest format {data['format']} is not one this govsite reads (1 or 2)"
        )
    if data["format"] == 1:
        urls = data.get("urls")
        if not isinstance(urls, dict):
            raise ManifestError(
                1, 1, 'not a govsite manifest (expected {"format": 1, "urls": {...}})'
            )
        return urls, None
    parts = data.get("parts")
    if not isinstance(parts, dict) or not all(isinstance(v, str) for v in parts.values()):
        raise ManifestError(
            1, 1, 'not a govsite manifest (expected {"format": 2, "parts": {name: sha256}})'
        )
    for name in parts:
        if not MANIFEST_PART_FILE.fullmatch(name):
            raise ManifestError(
                1,
                1,
                f"not a govsite manifest: {name[:80]!r} is not the name of a part "
                "(govsite-manifest/ and 16 hexadecimal digits)",
            )
    return {}, parts


def _read_bytes(path: Path, budget: list[int], *, missing: bool = False) -> tuple[bytes, str]:
    """A manifest file's bytes, unzipped when compressed, within what is left of the
    manifest's size ``budget`` (lowered by what it takes): a bomb stops at the limit; and
    the SHA-256 of the file as stored."""
    try:
        found = path.stat()
        if not stat.S_ISREG(found.st_mode):
            raise ManifestError(1, 1, "not a file (a manifest is a file a build wrote)", path)
        if found.st_size > budget[0]:
            raise ManifestError(1, 1, "too large to be a govsite manifest", path)
        raw = path.read_bytes()
        checksum = hashlib.sha256(raw).hexdigest()
        if raw[:2] == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unzipped:
                raw = unzipped.read(budget[0] + 1)
    except FileNotFoundError:
        if missing:
            raise ManifestError(
                1,
                1,
                "missing: the manifest lists it (download the parts the manifest lists into "
                "govsite-manifest/ beside it)",
                path,
            ) from None
        raise ManifestError(1, 1, "cannot be read: no such file", path) from None
    except OSError as exc:
        raise ManifestError(1, 1, f"cannot be read: {exc.strerror or exc}", path) from None
    except EOFError:
        raise ManifestError(1, 1, "not a govsite manifest (a gzip file cut short)", path) from None
    except MemoryError:
        raise ManifestError(1, 1, "too large to be read as a govsite manifest", path) from None
    if len(raw) > budget[0]:
        raise ManifestError(1, 1, "too large to be a govsite manifest", path)
    budget[0] -= len(raw)
    return raw, checksum


def _parse(raw: bytes, path: Path) -> object:
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ManifestError(1, exc.start + 1, "not a govsite manifest (not UTF-8)", path) from None
    except json.JSONDecodeError as exc:
        raise ManifestError(
            exc.lineno, exc.colno, f"not a govsite manifest (not JSON: {exc.msg})", path
        ) from None
    except RecursionError:
        raise ManifestError(1, 1, "not a govsite manifest (nested too deeply)", path) from None
    except MemoryError:
        raise ManifestError(1, 1, "too large to be read as a govsite manifest", path) from None


def _read_json(path: Path, budget: list[int]) -> object:
    """The manifest file given (its errors name no other file)."""
    try:
        return _parse(_read_bytes(path, budget)[0], path)
    except ManifestError as exc:
        raise ManifestError(exc.line, exc.column, exc.reason) from None


def _checked_urls(urls: dict[object, object], part: str | None, path: Path) -> dict[str, list[str]]:
    """A manifest's (or a part's) URLs and anchors, each checked; in a part, each URL must be
    one of its part of the site."""
    where = path if part is not None else None
    for url, anchors in urls.items():
        if not isinstance(anchors, list) or not all(isinstance(a, str) for a in anchors):
            raise ManifestError(
                1,
                1,
                f"not a govsite manifest: the anchors of {str(url)[:80]!r} are not a list of text",
                where,
            )
        if len(str(url)) > _LONGEST_NAME or any(len(a) > _LONGEST_NAME for a in anchors):
            raise ManifestError(
                1,
                1,
                f"not a govsite manifest: {str(url)[:80]!r}… or one of its anchors is too long",
                where,
            )
        if part is not None and manifest_part(str(url)) != part:
            raise ManifestError(
                1, 1, f"{str(url)[:80]!r} is not a URL of the part {part[:80]!r}", where
            )
    return {str(k): list(v) for k, v in urls.items() if isinstance(v, list)}


def broken_since(old: dict[str, list[str]], new: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(URL or URL#anchor, reason) for everything published before that no longer resolves."""
    problems: list[tuple[str, str]] = []
    for url, anchors in sorted(old.items()):
        if url not in new:
            problems.append(
                (
                    url,
                    "published URL no longer resolves; keep the page, or list it in "
                    "content/retired.yml to leave a tombstone or a redirect",
                )
            )
            continue
        current = set(new[url])
        if not current and anchors:
            continue  # a tombstone or redirect page stands for the whole old page
        for anchor in anchors:
            if anchor not in current:
                problems.append((with_anchor(url, anchor), "published anchor no longer resolves"))
    return problems


def tombstones_of_live_pages(
    old: dict[str, list[str]],
    new: dict[str, list[str]],
    live: Collection[str],
    retired: Collection[str],
) -> list[tuple[str, str]]:
    """(URL, reason) for each page the previous build published that the current one
    publishes as a tombstone or redirect (``retired``: the URLs ``retired.yml`` names) while
    what made the page is still there (``live``: the URLs of the pages the current inputs
    make); both compared in canonical form, so no spelling of a URL lets a retired entry
    stand in for a page that still exists."""
    forms = {canonical(url): url for url in live}
    gone = {canonical(url) for url in retired}
    problems: list[tuple[str, str]] = []
    for url, anchors in sorted(old.items()):
        form = canonical(url)
        if not anchors or url not in new or form not in gone or form not in forms:
            continue
        problems.append(
            (
                url,
                "a page in the previous build is now a tombstone or redirect, but its source "
                f"is still there (the inputs make the page {forms[form] or '/'}): remove the "
                "retired.yml entry that covers it",
            )
        )
    return problems
