"""The list of every published URL and anchor, and the check that none of them breaks."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import stat
from collections.abc import Callable, Collection
from pathlib import Path
from xml.sax.saxutils import escape

from ..urls import (
    MANIFEST,
    MKDOCS_SEARCH_INDEX,
    PAGEFIND,
    SITEMAP,
    SITEMAP_COMPRESSED,
    SITEMAP_FOLDER,
    THEME_ASSETS,
    canonical,
    site_base,
    sitemap_part,
    url_of,
    with_anchor,
)

MANIFEST_NAME = MANIFEST
"""Every published URL and promised anchor (gzip-compressed JSON: it lists every clause of
every version)."""
_ID = re.compile(rb'\sid="([^"]+)"')
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
    found = {m.decode("utf-8", "replace") for m in _ID.findall(data)}
    return json.dumps(sorted(a for a in found if not _NOT_PROMISED.match(a))), False


def write_manifest(
    site: Path,
    site_url: str,
    known: Callable[[str], PageAnchors | None] = lambda path: None,
    retired: Collection[str] = (),
) -> None:
    """Write the manifest and a sitemap of its pages; both deterministic.

    ``known`` gives the anchors of a page already seen while rendering (by output path), so
    that only the other pages need reading. Each URL becomes its manifest line at once, so
    memory holds text, not every anchor of every version as objects. ``retired`` lists the
    URLs of tombstones and redirects (``content/retired.yml``): they stand for the whole old
    page and stay out of the sitemap.
    """
    retired = frozenset(retired)
    lines: list[str] = []
    pages: list[str] = []
    for folder, _dirs, names in os.walk(site):
        relative = os.path.relpath(folder, site)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        for name in names:
            path = prefix + name
            if path.startswith(_SKIP):
                continue
            url = url_of(path)
            anchors = "[]"
            if name.endswith(".html"):
                found = known(path)
                if found is None:
                    found = page_anchors((site / path).read_bytes())
                anchors, is_retired = found
                if url in retired:
                    anchors, is_retired = "[]", True
                if not is_retired and (url.endswith("/") or url == ""):
                    pages.append(url)  # redirects and tombstones stay out of the sitemap
            lines.append(f"{json.dumps(url)}: {anchors}")
    # One line per URL, in order: readable in a diff, and written by json's fast encoder.
    lines.sort()
    text = f'{{"format": {MANIFEST_FORMAT}, "urls": {{\n' + ",\n".join(lines) + "\n}}\n"
    (site / MANIFEST_NAME).write_bytes(gzip.compress(text.encode("utf-8"), 6, mtime=0))
    del lines
    write_sitemaps(site, site_base(site_url), pages)


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

    def __init__(self, line: int, column: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.column, self.reason = line, column, reason


MANIFEST_MAX_BYTES = 256_000_000
"""Unzipped, far larger than any real manifest (genai-eu's, 1,058 versions, is 5.6 MB), and
small enough to read within a CI runner's memory."""
MANIFEST_FORMAT = 1
"""The manifest format this govsite writes and reads."""
_LONGEST_NAME = 2_000
"""Longer than any URL or anchor govsite writes."""


def read_manifest(path: Path) -> dict[str, list[str]]:
    """The URLs and anchors a manifest promises (gzip-compressed or not);
    :class:`ManifestError` when the file is not a govsite manifest."""
    try:
        found = path.stat()
        if not stat.S_ISREG(found.st_mode):
            raise ManifestError(1, 1, "not a file (a manifest is a file a build wrote)")
        if found.st_size > MANIFEST_MAX_BYTES:
            raise ManifestError(1, 1, "too large to be a govsite manifest")
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unzipped:
                raw = unzipped.read(MANIFEST_MAX_BYTES + 1)  # a bomb stops at the limit
            if len(raw) > MANIFEST_MAX_BYTES:
                raise ManifestError(1, 1, "too large to be a govsite manifest")
        data = json.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise ManifestError(1, 1, f"cannot be read: {exc.strerror or exc}") from None
    except EOFError:
        raise ManifestError(1, 1, "not a govsite manifest (a gzip file cut short)") from None
    except UnicodeDecodeError as exc:
        raise ManifestError(1, exc.start + 1, "not a govsite manifest (not UTF-8)") from None
    except json.JSONDecodeError as exc:
        raise ManifestError(
            exc.lineno, exc.colno, f"not a govsite manifest (not JSON: {exc.msg})"
        ) from None
    except RecursionError:
        raise ManifestError(1, 1, "not a govsite manifest (nested too deeply)") from None
    except MemoryError:
        raise ManifestError(1, 1, "too large to be read as a govsite manifest") from None
    urls = data.get("urls") if isinstance(data, dict) else None
    if not isinstance(urls, dict) or not isinstance(data.get("format"), int):
        raise ManifestError(1, 1, 'not a govsite manifest (expected {"format": 1, "urls": {...}})')
    if data["format"] != MANIFEST_FORMAT:
        raise ManifestError(
            1, 1, f"manifest format {data['format']} is not one this govsite reads (1)"
        )
    for url, anchors in urls.items():
        if not isinstance(anchors, list) or not all(isinstance(a, str) for a in anchors):
            raise ManifestError(
                1, 1, f"not a govsite manifest: the anchors of {url[:80]!r} are not a list of text"
            )
        if len(url) > _LONGEST_NAME or any(len(a) > _LONGEST_NAME for a in anchors):
            raise ManifestError(
                1, 1, f"not a govsite manifest: {url[:80]!r}… or one of its anchors is too long"
            )
    return {str(k): list(v) for k, v in urls.items()}


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
