"""Checks over a built site folder: every internal link and anchor resolves."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..encoded import EncodedError
from ..encoded import read_page as stored_page_bytes


@dataclass(slots=True)
class PageLinks:
    """The anchors a page defines and the links it makes."""

    ids: set[str] = field(default_factory=set)
    """Every ``id`` (and legacy ``name``) on the page."""
    links: list[str] = field(default_factory=list)
    """Every ``href`` and ``src`` on the page, as written."""


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageLinks()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.page.ids.add(value)
            elif (name in ("href", "src") and tag not in ("link",)) or (
                name == "href" and tag == "link"
            ):
                self.page.links.append(value)


def read_page(path: Path) -> PageLinks:
    collector = _Collector()
    collector.feed(stored_page_bytes(path).decode("utf-8", errors="replace"))
    return collector.page


def _target(site: Path, page: Path, link: str, base_path: str) -> tuple[Path, str] | None:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("//"):
        return None  # external
    base = page.parent.relative_to(site).as_posix()
    path = unquote(parts.path)
    if path.startswith("/"):  # absolute: relative to where the site is published
        base = ""
        path = path[len(base_path) :] if path.startswith(base_path) else path.lstrip("/")
    if not path:
        return page, parts.fragment
    resolved = posixpath.normpath(posixpath.join(base, path))
    target = site / resolved
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, parts.fragment


def broken_links(site: Path, base_path: str = "/") -> list[str]:
    """Every internal link or anchor in the site that does not resolve, as text lines.

    ``base_path`` is the path the site is published under (from ``site_url``), so that
    absolute links such as those of the 404 page can be followed.
    """
    pages: dict[Path, PageLinks] = {}
    problems: list[str] = []
    for html in sorted(site.rglob("*.html")):
        try:
            pages[html] = read_page(html)
        except EncodedError as exc:
            # A damaged or bomb page: reported, read as a page that links nowhere.
            problems.append(str(exc))
            pages[html] = PageLinks()
    for page, info in pages.items():
        for link in info.links:
            resolved = _target(site, page, link, base_path)
            if resolved is None:
                continue
            target, fragment = resolved
            where = page.relative_to(site).as_posix()
            if not target.resolve().is_relative_to(site.resolve()):
                problems.append(f"{where}: {link}: leaves the site")
            elif not target.exists():
                problems.append(f"{where}: {link}: no such page or file")
            elif fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else read_page(target).ids
                if unquote(fragment) not in ids:
                    problems.append(f"{where}: {link}: no anchor #{fragment}")
    return problems
