"""Published URLs that are gone: checked against the pages the site publishes.

A retired URL must no longer be a page of the site, and a redirect must lead to one. Retiring
an analysis (a ``platform/document/slug/`` URL) also retires its history page and its
published revisions' pages, which went with it.
"""

from __future__ import annotations

from dataclasses import replace

from .. import urls
from ..content.model import Retired
from ..diagnostics import Diagnostics
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
        *(f"{r}/" for r in urls.REGISTRIES),
    }
    found.update(urls.platform(p) for p in model.content.platforms)
    for key, document in model.documents.items():
        found.add(urls.document(key))
        found.update(urls.version(key, entry.slug) for entry in document.versions)
    for key in model.provisions:
        found.update((urls.provision(key), urls.provision_history(key)))
    for key, history in model.revisions.histories.items():
        found.add(urls.provision_revisions(key))
        found.update(urls.provision_revision(key, r.number) for r in history.revisions)
    for registry, ids in (
        ("topics", model.content.topics),
        ("regulations", model.content.regulations),
        ("jurisdictions", model.content.jurisdictions),
    ):
        found.update(urls.registry_entry(registry, entry_id) for entry_id in ids)
    return found


def is_provision_url(url: str) -> bool:
    """Whether a site URL has the shape of an analysis's page (``platform/document/slug/``)."""
    return url.count("/") == 3


def check_retired(model: SiteModel, diag: Diagnostics) -> dict[str, Retired]:
    """The retired URLs to publish a tombstone or redirect for; each one still published, or
    redirecting to no page, is an error."""
    live = page_urls(model)
    entries = dict(model.content.retired)
    for url, entry in model.content.retired.items():
        if not is_provision_url(url):
            continue
        key, target = url[:-1], entry.redirect[:-1]
        published = model.revisions.published.get(key, [])
        followers = [(urls.provision_history(key), [urls.provision_history(target)])]
        if published:  # its revisions' pages were published too
            revisions = urls.provision_revisions(target)
            followers.append((urls.provision_revisions(key), [revisions]))
            followers += [
                (urls.provision_revision(key, n), [urls.provision_revision(target, n), revisions])
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
    valid: dict[str, Retired] = {}
    for url, entry in entries.items():
        if url in live:
            diag.error(entry.origin, url, "this URL is still published; remove it from retired.yml")
        elif entry.redirect and entry.redirect not in live:
            diag.error(
                entry.origins.get("redirect", entry.origin),
                f"{url}.redirect",
                f"redirect target {entry.redirect!r} is not a page of this site",
            )
        else:
            valid[url] = entry
    return valid
