"""Published URLs that are gone: checked against the pages the site publishes.

A retired URL must no longer be a page of the site, and a redirect must lead to one. Retiring
an analysis (a ``platform/document/slug/`` URL) also retires its history page and its
published revisions' pages, which went with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import NamedTuple

from .. import urls
from ..content.records import RegistryEntry, Retired
from ..diagnostics import Diagnostics, Origin
from .model import SiteModel


def page_urls(model: SiteModel) -> set[str]:
    """Every page URL the site publishes from the model (the render stage makes exactly
    these; a test holds the two together)."""
    found = {
        urls.PLATFORMS,
        urls.ANALYSES,
        urls.DATA,
        urls.KINDS,
        urls.COMPARE,
        urls.SEARCH,
        *(urls.registry_hub(r) for r in urls.REGISTRIES),
    }
    found.update(p.page_url for p in model.content.platforms.values())
    for document in model.documents.values():
        found.add(document.page_url)
        found.update(entry.page_url for entry in document.versions)
    for linked in model.provisions.values():
        found.update((linked.provision.page_url, linked.provision.history_url))
    if model.revisions.enabled:
        # The contributors page, unless the site turns it off; claimed either way, so that
        # no hand-written page takes its place when it is turned on again.
        found.add(urls.CONTRIBUTORS)
    for key, history in model.revisions.histories.items():
        found.add(urls.provision_revisions(key))
        found.update(urls.provision_revision(key, r.number) for r in history.revisions)
    for entries in _registries(model):
        found.update(entry.page_url for entry in entries)
    return found


def is_provision_url(url: str) -> bool:
    """Whether a site URL has the shape of an analysis's page (``platform/document/slug/``)."""
    return url.count("/") == 3


def site_files(model: SiteModel) -> tuple[set[str], set[str]]:
    """What the site publishes besides its pages: each file govsite (or the theme) writes
    where a page could otherwise stand, and the folders that hold only files."""
    files = {
        urls.SITE_FEED,
        urls.SITE_SUBSTANTIVE_FEED,
        urls.SITEMAP,
        urls.SITEMAP_COMPRESSED,
        urls.DATASET,
        urls.PROVISIONS_CSV,
        urls.DATA_INDEX,
        urls.MANIFEST,
        urls.NOT_FOUND,
        urls.MKDOCS_SEARCH_INDEX,  # the theme's own search, when it is on
    }
    for platform in model.content.platforms.values():
        files.update((platform.feed_url, platform.substantive_feed_url))
    for document in model.documents.values():
        files.update((document.document.feed_url, document.document.substantive_feed_url))
    files.update(linked.provision.feed_url for linked in model.provisions.values())
    for entries in _registries(model):
        files.update(entry.feed_url for entry in entries)
    folders = {urls.folder(name) for name in urls.FILE_FOLDERS}
    folders.update({urls.SCHEMA_FOLDER, urls.PLATFORM_RECORDS, urls.DOCUMENT_RECORDS})
    folders.update({urls.PROVISION_RECORDS, urls.AS_AT_FOLDER})
    folders.update(urls.registry_records(registry) for registry in urls.REGISTRIES)
    return files, folders


def _registries(model: SiteModel) -> tuple[Iterable[RegistryEntry], ...]:
    """The entries of each registry."""
    content = model.content
    return (
        content.topics.values(),
        content.regulations.values(),
        content.jurisdictions.values(),
    )


class _Claim(NamedTuple):
    """One owner of a published URL."""

    url: str
    """The URL as its owner gives it."""
    owner: str
    """Who publishes it, as a problem names it."""
    origin: Origin | None
    """Where a contributor set it (``None`` for what govsite makes)."""
    is_file: bool
    """Whether it is a file (nothing can stand below it)."""


def _owners(model: SiteModel, retired: dict[str, Retired]) -> list[_Claim]:
    claims = [
        _Claim(url, f"the page govsite makes at {url}", None, False) for url in page_urls(model)
    ]
    files, _folders = site_files(model)
    claims += [_Claim(path, f"the site's file {path}", None, True) for path in sorted(files)]
    for url, origin in model.content.pages.items():
        is_file = not (url == "" or url.endswith("/"))
        what = "file" if is_file else "page"
        claims.append(_Claim(url, f"the hand-written {what} {origin.path}", origin, is_file))
    for url, entry in retired.items():
        claims.append(_Claim(url, f"the retired.yml entry {url!r}", entry.origin, False))
    return claims


def check_owners(model: SiteModel, retired: dict[str, Retired], diag: Diagnostics) -> set[str]:
    """Every published URL has one owner: govsite's pages, the site's files, hand-written
    pages and retired URLs, compared in their canonical form (:func:`urls.canonical`), so
    that ``x/./``, ``x//``, ``X/`` or ``x/index.html`` is ``x/``, and nothing stands below a
    file. Each clash that involves what a contributor wrote is an error there, naming both
    owners. Returns the URLs (as given) of the contributor claims that clashed."""
    claims = _owners(model, retired)
    by_form: dict[tuple[str, ...], list[_Claim]] = {}
    for claim in claims:
        by_form.setdefault(urls.canonical(claim.url), []).append(claim)
    file_forms = {form for form, found in by_form.items() if any(c.is_file for c in found)}
    _files, folders = site_files(model)
    folder_forms = {urls.canonical(folder): folder for folder in folders}
    clashed: set[str] = set()

    def clash(claim: _Claim, other: str, why: str) -> None:
        assert claim.origin is not None
        clashed.add(claim.url)
        field = claim.url if claim.owner.startswith("the retired.yml") else "(file)"
        diag.error(claim.origin, field, f"{why} {other}; every published URL has one owner")

    for form, found in by_form.items():
        contributed = [c for c in found if c.origin is not None]
        for claim in contributed:
            others = [c for c in found if c is not claim]
            if others:
                other = others[0]
                if other.origin is None and claim.owner.startswith("the retired.yml"):
                    why = "this URL is still published: it is"
                else:
                    why = "this URL is also"
                clash(claim, other.owner, why)
                continue
            for length in range(1, len(form) + 1):
                if length < len(form) and form[:length] in file_forms:
                    owner = next(c.owner for c in by_form[form[:length]] if c.is_file)
                    clash(claim, owner, "this URL is below a file:")
                    break
                folder = folder_forms.get(form[:length])
                if folder is not None and not claim.is_file:
                    clash(
                        claim,
                        f"the folder {folder}, which holds the site's files",
                        "this URL is in",
                    )
                    break
    return clashed


def check_retired(model: SiteModel, diag: Diagnostics) -> dict[str, Retired]:
    """The retired URLs to publish a tombstone or redirect for; each one still published
    (under any spelling, see :func:`check_owners`), or redirecting to no page, is an
    error."""
    live = page_urls(model)
    live_forms = {urls.canonical(url): url for url in live}
    entries = dict(model.content.retired)
    for url, entry in model.content.retired.items():
        if not is_provision_url(url):
            continue
        key, moved_to = url[:-1], entry.redirect[:-1]
        published = model.revisions.published.get(key, [])
        followers = [(urls.provision_history(key), [urls.provision_history(moved_to)])]
        if published:  # its revisions' pages were published too
            revisions = urls.provision_revisions(moved_to)
            followers.append((urls.provision_revisions(key), [revisions]))
            followers += [
                (urls.provision_revision(key, n), [urls.provision_revision(moved_to, n), revisions])
                for n in published
            ]
        for old, targets in followers:
            if old in entries:
                continue
            if not entry.redirect:
                entries[old] = replace(entry, url=old, redirect="")
                continue
            redirect = next((t for t in targets if t in live), None)
            if redirect is not None:
                entries[old] = replace(entry, url=old, redirect=redirect)
    clashed = check_owners(model, entries, diag)
    valid: dict[str, Retired] = {}
    for url, entry in entries.items():
        if url in clashed:
            continue
        target = live_forms.get(urls.canonical(entry.redirect)) if entry.redirect else None
        if entry.redirect and target != entry.redirect:
            diag.error(
                entry.origins.get("redirect", entry.origin),
                f"{url}.redirect",
                f"redirect target {entry.redirect!r} is not a page of this site"
                + (f" (its page is {target!r})" if target else ""),
            )
        else:
            valid[url] = entry
    return valid
