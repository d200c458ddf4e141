"""The list of every published URL and anchor, and the check that none of them breaks."""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from ..urls import site_base, url_of

MANIFEST_NAME = "govsite-manifest.json.gz"
"""Every published URL and promised anchor (gzip-compressed JSON: it lists every clause of
every version)."""
_ID = re.compile(rb'\sid="([^"]+)"')
# Ids that are not promises to readers: the theme's own (``__drawer``), the labels inside
# charts and timelines, the markers that point from a text to its analyses (they go with
# the analysis, which keeps its own tombstone when it is retired), the home page's lists of
# what is new, and the groups of a version's changes (the version's #changes stays).
_NOT_PROMISED = re.compile(r"^(__|cpm-|ept-|timeline-|analysis-|home-|changes-\d)")
_SKIP = ("assets/", "pagefind/", "search/search_index.json", "sitemap.xml", MANIFEST_NAME)
_REDIRECT = b'<meta http-equiv="refresh"'


PageAnchors = tuple[str, bool]
"""A page's promised anchors as the JSON array its manifest line holds, and whether it is a
retired page (a tombstone or a redirect, which stands for the whole old page)."""


def page_anchors(html: str | bytes) -> PageAnchors:
    """The promised anchors of one rendered page (see :data:`PageAnchors`)."""
    data = html.encode("utf-8") if isinstance(html, str) else html
    if _REDIRECT in data or b"data-govsite-retired" in data:
        return "[]", True
    found = {m.decode("utf-8", "replace") for m in _ID.findall(data)}
    return json.dumps(sorted(a for a in found if not _NOT_PROMISED.match(a))), False


def write_manifest(
    site: Path,
    site_url: str,
    known: Callable[[str], PageAnchors | None] = lambda path: None,
) -> None:
    """Write the manifest and a sitemap of its pages; both deterministic.

    ``known`` gives the anchors of a page already seen while rendering (by output path), so
    that only the other pages need reading. Each URL becomes its manifest line at once, so
    memory holds text, not every anchor of every version as objects.
    """
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
                if not is_retired and (url.endswith("/") or url == ""):
                    pages.append(url)  # redirects and tombstones stay out of the sitemap
            lines.append(f"{json.dumps(url)}: {anchors}")
    # One line per URL, in order: readable in a diff, and written by json's fast encoder.
    lines.sort()
    text = '{"format": 1, "urls": {\n' + ",\n".join(lines) + "\n}}\n"
    (site / MANIFEST_NAME).write_bytes(gzip.compress(text.encode("utf-8"), 6, mtime=0))
    del lines
    pages.sort()
    base = site_base(site_url)
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(f"  <url><loc>{escape(base + u)}</loc></url>\n" for u in pages)
        + "</urlset>\n"
    ).encode()
    (site / "sitemap.xml").write_bytes(sitemap)


def read_manifest(path: Path) -> dict[str, list[str]]:
    """A manifest's URLs and anchors (gzip-compressed or not)."""
    raw = path.read_bytes()
    data = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    urls = data.get("urls") if isinstance(data, dict) else None
    if not isinstance(urls, dict):
        raise ValueError(f"{path} is not a govsite manifest")
    return {str(k): [str(a) for a in v] for k, v in urls.items()}


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
                problems.append((f"{url}#{anchor}", "published anchor no longer resolves"))
    return problems
