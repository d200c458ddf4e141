"""Reuse of the theme's search index entries for pages that did not change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page as MkPage

from ..cache import Cache, code_fingerprint, digest


def remember_search_entries(config: MkDocsConfig, cache_dir: Path | None) -> None:
    """Let the theme's search plugin reuse the index entries of pages that did not change.

    Parsing every page's HTML for the search index is a large part of a rebuild; the
    entries depend only on the page's HTML, address, title, metadata and table of contents
    and the search settings, which make the key. Left alone if the plugin is not there or
    does not look as expected.
    """
    search = config.plugins.get("material/search") or config.plugins.get("search")
    index = getattr(search, "search_index", None)
    original = getattr(index, "add_entry_from_context", None)
    if cache_dir is None or search is None or index is None or not callable(original):
        return
    if not isinstance(getattr(index, "entries", None), list):
        return
    cache = Cache(cache_dir)
    settings = digest(
        code_fingerprint(), json.dumps(dict(search.config), sort_keys=True, default=str)
    )

    def toc_items(items: Any) -> Iterator[str]:
        for item in items:
            yield f"{item.id}|{item.url}|{item.title}|{item.level}"
            yield from toc_items(item.children)

    def add_entry_from_context(page: MkPage) -> None:
        key = digest(
            settings,
            page.url,
            str(page.title),
            json.dumps(page.meta, sort_keys=True, default=str),
            page.content or "",
            *toc_items(page.toc),
        )
        entries: list[Any] = index.entries
        stored = cache.get("search", key)
        if isinstance(stored, list):
            entries.extend(stored)
            return
        before = len(entries)
        original(page)
        cache.put("search", key, entries[before:])

    index.add_entry_from_context = add_entry_from_context
