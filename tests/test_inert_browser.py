"""Untrusted text stays text in a real browser: every page of a site whose platform names,
document types, titles, analyses, archived texts and commit messages hold live markup, the
search page with its results and filters open, and the compare view.

Needs the `playwright` Python package and a chromium binary (GOVSITE_CHROMIUM or
/usr/bin/chromium); `.ci/run` installs both. Without them these tests skip, saying so.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from helpers import (
    PLATFORM_YML,
    TERMS_V1,
    TERMS_V2,
    browser_missing,
    build_into,
    make_site,
    provision_yml,
    served,
)

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots" / "inert"

if TYPE_CHECKING:
    from playwright.sync_api import Page

missing = browser_missing()
pytestmark = pytest.mark.skipif(bool(missing), reason="browser tests need: " + "; ".join(missing))

# Each payload counts itself on the page that runs it: the tests read the count.
LIVE = "window.__pwned=(window.__pwned||0)+1"
IMG = f'<img src=x onerror="{LIVE}">'
SVG = f"<svg onload={LIVE}>"
SCRIPT = f"<script>{LIVE}</script>"
ENTITY = f"&lt;img src=x onerror={LIVE}&gt;"
HOSTILE_TEXT = TERMS_V2 + (
    f"\n## Terms {IMG}\n\nAlso {SVG}.\n\n"
    f"{SCRIPT}\n\n{ENTITY}\n\n[click](javascript:{LIVE}) and "
    f'<a href="javascript:{LIVE}">there</a>\n\n> quoted {IMG}\n'
)


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("hostile")
    platform = (
        PLATFORM_YML.replace("name: Acme", f"name: 'Acme {IMG}'")
        .replace("title: Terms of Service", f"title: 'Terms {SVG}'")
        .replace("type: Terms of Service", f"type: 'Policy {IMG}'")
    )
    provision = provision_yml(
        title=f"Cap {IMG}",
        summary=f"A low cap {SCRIPT} {IMG}.",
        interpretation=f"Caps {ENTITY} are [common](javascript:{LIVE}).",
    )
    make_site(
        root,
        platform=platform,
        provisions={"acme/terms/liability-cap": provision},
        texts=(TERMS_V1, HOSTILE_TEXT, HOSTILE_TEXT.replace("Also", "And also")),
    )
    with served(build_into(root, root / "site")) as url:
        yield url


def live_markup(page: Page) -> list[str]:
    """What ran or came alive on the page: payload runs, dialogs, elements with handlers."""
    found = page.evaluate(
        """() => {
          const alive = [...document.querySelectorAll('*')].filter((e) =>
            [...e.attributes].some((a) => a.name.startsWith('on')) ||
            (e.tagName === 'IMG' && e.getAttribute('src') === 'x') ||
            (e.tagName === 'A' && /^\\s*javascript:/i.test(e.getAttribute('href') || '')));
          return [String(window.__pwned || 0), ...alive.map((e) => e.outerHTML.slice(0, 120))];
        }"""
    )
    runs, *elements = found
    return ([f"payload ran {runs} time(s)"] if runs != "0" else []) + elements


def test_every_page_keeps_hostile_text_inert(page: Page, hostile_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    urls = [
        "",
        "acme/",
        "acme/terms/",
        "acme/terms/2024-02-01/",
        "acme/terms/2024-06-01/#changes",
        "acme/terms/liability-cap/",
        "acme/terms/liability-cap/history/",
        "analyses/",
        "platforms/",
        "topics/liability/",
        "regulations/gdpr/",
        "jurisdictions/eu/",
        "compare/?document=acme/terms&from=2024-01-15&to=2024-06-01",
    ]
    shown = []
    for url in urls:
        response = page.goto(hostile_url + url)
        assert response is not None and response.ok, url
        page.wait_for_load_state("networkidle")
        assert live_markup(page) == [], url
        shown.append(page.inner_text("body"))
    # Not vacuous: the payloads are on the pages, as text.
    assert any("<img src=x onerror=" in text for text in shown)
    assert any("<script>" in text for text in shown)
    assert dialogs == []


def test_search_results_and_filters_keep_hostile_text_inert(page: Page, hostile_url: str) -> None:
    page.goto(hostile_url + "search/")
    page.fill("#govsite-search input", "liability")
    page.locator(".pagefind-ui__result").first.wait_for(timeout=15_000)
    for summary in page.locator(".pagefind-ui__filter-panel summary").all():
        summary.click()
    page.wait_for_load_state("networkidle")
    panel = page.inner_text(".pagefind-ui__filter-panel")
    results = page.inner_text(".pagefind-ui__results")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search-1280.png"), full_page=True)
    assert live_markup(page) == []
    # The filters show the names and types as the text they are.
    assert f"Acme {IMG}" in panel
    assert f"Policy {IMG}" in panel
    assert "liability" in results.lower()
    for query in ("onerror", "img", "script", "pwned"):  # excerpts around the payloads
        page.fill("#govsite-search input", query)
        page.wait_for_timeout(600)
        page.wait_for_load_state("networkidle")
        assert live_markup(page) == [], query
