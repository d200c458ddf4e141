"""The reading experience in a real browser: Debian's chromium driven by Playwright.

Needs the `playwright` Python package, a chromium binary (GOVSITE_CHROMIUM or
/usr/bin/chromium) and axe-core (GOVSITE_AXE, the path of axe.min.js). `.ci/run` installs
all three; without them these tests skip, saying what is missing. Screenshots of each page
type are saved in test-output/screenshots/.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.request import urlopen

import pytest
from helpers import CORPORA, PAGE_TYPES, ROOT, browser_missing, build_into, served

AXE = Path(
    os.environ.get("GOVSITE_AXE", ROOT / "test-output/node/node_modules/axe-core/axe.min.js")
)
SCREENSHOTS = ROOT / "test-output" / "screenshots"

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

missing = browser_missing() + (
    [] if AXE.exists() else [f"no axe-core at {AXE} (npm install axe-core)"]
)
pytestmark = pytest.mark.skipif(bool(missing), reason="browser tests need: " + "; ".join(missing))


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(build_into(ROOT, tmp_path_factory.mktemp("browser") / "site")) as url:
        yield url


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def heading_jumps(page: Page) -> list[str]:
    """Places where govsite's own markup skips a heading level going down (h1 then h3); an
    archived text's own headings are the platform's and are left out."""
    levels = page.evaluate(
        """() => Array.from(document.querySelectorAll("article :is(h1, h2, h3, h4, h5, h6)"))
            .filter(h => !h.closest(".govsite-archived-text, .govsite-unchanged-clauses"))
            .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)])"""
    )
    return [f"h{a} -> h{b} ({text})" for (a, _), (b, text) in pairwise(levels) if b > a + 1]


def page_errors(page: Any) -> list[str]:
    """The list the page's script errors, failed requests and error answers are added to."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(f"request failed: {request.url}"))
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status}: {response.url}") if response.status >= 400 else None
        ),
    )
    return errors


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("kind", sorted(PAGE_TYPES))
def test_page_type_renders_accessibly(
    browser: Browser, base_url: str, kind: str, width: int
) -> None:
    """Every page type at desktop and phone width: no script error, no request that fails
    or answers with an error (the theme once fetched a sitemap.xml beside every feed link),
    headings in order with a skip link to the content, and no serious or critical axe
    violation."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        errors = page_errors(page)
        response = page.goto(base_url + PAGE_TYPES[kind])
        assert response is not None and response.ok
        page.wait_for_load_state("networkidle")
        heading = page.locator("article h1").first
        assert heading.is_visible()
        assert heading.inner_text().strip()
        skip = page.locator("a.md-skip")
        assert skip.count() == 1, "no skip link"
        target = (skip.get_attribute("href") or "").split("#", 1)[1]
        assert page.locator(f"[id='{target}']").count() == 1, target
        assert heading_jumps(page) == []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{kind}-{width}.png"), full_page=True)
        assert errors == []
        violations = axe_violations(page)
        assert not violations, "\n".join(violations)
    finally:
        context.close()


def test_search_finds_a_provision_by_a_word_of_its_quote(page: Page, base_url: str) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(base_url)
    assert not any("/pagefind/" in url for url in fetched)  # a first view loads no index
    page.goto(base_url + "search/")
    page.fill("#govsite-search input", "royalty-free")
    result = page.locator(".pagefind-ui__result a[href*='parlor/terms/content-licence/']").first
    result.wait_for(timeout=10_000)
    assert result.is_visible()


def test_search_leaves_the_cite_panel_out_of_results(page: Page, base_url: str) -> None:
    # Every provision page has a "Cite this" panel naming the same formats: were it indexed,
    # a search for a format's name would list every analysis, and excerpts would quote it.
    page.goto(base_url + "search/")
    page.fill("#govsite-search input", "royalty-free")
    page.locator(".pagefind-ui__result").first.wait_for(timeout=10_000)
    page.fill("#govsite-search input", "bibtex")
    page.locator(".pagefind-ui__message", has_text="for bibtex").wait_for(timeout=10_000)
    links = [
        link.get_attribute("href") or "" for link in page.locator(".pagefind-ui__result a").all()
    ]
    assert not [link for link in links if link.endswith("#cite")], links
    # Pagefind may still match one page loosely (the kinds page, on its "version B"); no
    # analysis page is listed.
    assert len({link.split("#")[0] for link in links}) <= 1, links


def test_search_finds_the_version_that_removed_a_phrase(page: Page, base_url: str) -> None:
    """'unauthorised' is only in older versions of a text: search finds the change. The bytes
    the search page and the query fetched are measured and written beside the screenshots
    (bench/search_bench.py measures the same on a real archive)."""
    received: dict[str, int] = {}

    def count(request: Any) -> None:
        received[request.url] = request.sizes()["responseBodySize"]

    page.on("requestfinished", count)
    page.goto(base_url + "search/")
    page.fill("#govsite-search input", "unauthorised")
    result = page.locator(".pagefind-ui__result a[href*='nimbus/usage-policy/2025-02-03-2/']")
    result.first.wait_for(timeout=10_000)
    page.wait_for_load_state("networkidle")
    assert "what changed" in result.first.inner_text()
    search = sum(size for url, size in received.items() if "/pagefind/" in url)
    index = [url for url in received if url.endswith((".pf_index", ".pf_fragment"))]
    assert index, "the query fetched no part of the index"
    assert 0 < search <= 500_000, f"the query fetched {search} bytes of search"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS.parent / "search-bytes.txt").write_text(
        f"query 'unauthorised' on the example site: {search} bytes of search "
        f"({len(index)} index files), {sum(received.values())} bytes with the page\n"
    )
    kinds = page.locator(".pagefind-ui__filter-block", has_text="Kind")
    kinds.locator("summary").click()
    editorial = kinds.locator("label", has_text="Editorial")
    assert editorial.is_visible()  # filters: platform, document type, kind of change, year


def test_compare_view_shows_the_diff_of_two_versions_picked(page: Page, base_url: str) -> None:
    page.goto(base_url + "compare/?document=nimbus/terms")
    page.select_option("select[name=from]", "2024-02-12")
    page.select_option("select[name=to]", "2025-04-14")
    page.get_by_role("button", name="Compare").click()
    summary = page.locator(".govsite-compare-result > p").first
    summary.wait_for()
    assert "From the version of 2024-02-12 to the version of 2025-04-14" in summary.inner_text()
    inserted = page.locator(".govsite-compare-result ins").all_inner_texts()
    deleted = page.locator(".govsite-compare-result del").all_inner_texts()
    assert any("twelve" in text for text in inserted)
    assert any("six" in text for text in deleted)
    assert "from=2024-02-12" in page.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "compare-picked.png"), full_page=True)


def test_copy_button_puts_the_chosen_citation_on_the_clipboard(page: Page, base_url: str) -> None:
    page.goto(base_url + "nimbus/terms/training-on-content/")
    page.locator("#cite-bibtex-label").click()
    expected = page.locator("#cite-bibtex").inner_text()
    page.locator("button[data-copy-target='cite-bibtex']").click()
    copied = page.evaluate("async () => await navigator.clipboard.readText()")
    assert copied.strip() == expected.strip()
    assert copied.startswith("@misc{nimbus-terms-training-on-content-r1,")  # its revision


def test_navigation_works_at_phone_width(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(base_url)
        assert not page.locator(".md-tabs").is_visible()
        page.locator("label.md-header__button[for='__drawer']").click()
        link = page.locator("nav.md-nav--primary a.md-nav__link", has_text="Topics").first
        link.wait_for(state="visible")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "phone-navigation.png"))
        link.click()
        page.wait_for_url("**/topics/")
        assert page.locator("article h1").inner_text().strip() == "Topics"
    finally:
        context.close()


@pytest.mark.parametrize(
    "provision", ["nimbus/terms/training-on-content/", "parlor/privacy/advertising-sharing/"]
)
def test_provision_prints_as_one_page_with_its_citation(
    page: Page, base_url: str, provision: str
) -> None:
    page.goto(base_url + provision)
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--secondary").is_visible()
    assert page.locator("#cite-print").is_visible()  # the Bluebook-like line
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1


def consecutive_pairs(base_url: str) -> list[tuple[str, str, str, dict[str, int]]]:
    """Every pair of consecutive versions with text, with the changes' counts published."""

    def fetch(url: str) -> Any:  # a record's absolute address, read from the test server
        return json.loads(urlopen(base_url + "data/" + url.split("/data/", 1)[1]).read())

    pairs = []
    for url in fetch("/data/index.json")["documents"]:
        record = fetch(url)
        key = f"{record['platform']}/{record['id']}"
        versions = record["versions"]
        for before, after in pairwise(versions):
            if before["blob"] and after["blob"]:
                pairs.append((key, before["slug"], after["slug"], after["change"]))
    return pairs


def test_compare_view_counts_what_the_version_pages_count(page: Page, base_url: str) -> None:
    """The same engine in the browser: for every consecutive pair, the compare view finds
    exactly the changes the later version's page lists."""
    pairs = consecutive_pairs(base_url)
    assert len(pairs) >= 15
    for key, before, after, expected in pairs:
        page.goto(f"{base_url}compare/?document={key}&from={before}&to={after}")
        found = page.wait_for_selector("[data-govsite-stats]", timeout=30000)
        assert found is not None
        assert json.loads(found.get_attribute("data-govsite-stats") or "") == expected, (key, after)


def test_compare_view_renders_text_and_a_shareable_address(page: Page, base_url: str) -> None:
    page.goto(base_url + "compare/?document=quillstack/api-terms")
    page.select_option("select[name=from]", "2025-09-15")
    page.select_option("select[name=to]", "2025-10-06")
    page.click("form.govsite-compare-form button")
    page.wait_for_selector("[data-govsite-stats]")
    assert page.url.endswith("compare/?document=quillstack/api-terms&from=2025-09-15&to=2025-10-06")
    result = page.locator(".govsite-compare-result").inner_text()
    assert (
        "https://quillstack.example/docs/limits → https://quillstack.example/docs/rate-limits"
        in result
    )
    assert "](" not in result and "**" not in result  # rendered text, never raw Markdown


def test_timeline_filters_by_kind(page: Page, base_url: str) -> None:
    page.goto(base_url + "nimbus/usage-policy/")  # nine versions: the table is open
    rows = page.locator('tr[data-kind="dates-only"]')
    assert rows.count() == 5 and rows.first.is_visible()
    page.uncheck('input[value="dates-only"]')
    assert not rows.first.is_visible()
    assert page.locator('tr[data-kind="substantive"]').first.is_visible()
    assert not page.locator('.govsite-mark[data-kind="dates-only"]').first.is_visible()


def test_timeline_reads_at_phone_width(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(base_url + "nimbus/usage-policy/")
        for label in page.locator(".govsite-timeline-label").all():
            if label.is_visible():
                size = label.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
                assert size >= 12
        table = page.locator(".govsite-scroll")
        assert table.evaluate(
            "e => e.scrollWidth <= e.clientWidth + 1 || getComputedStyle(e).overflowX === 'auto'"
        )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "timeline-phone.png"), full_page=True)
    finally:
        context.close()


def test_cite_panel_shows_one_format_and_remembers_the_readers_choice(
    browser: Browser, base_url: str
) -> None:
    """One format open, the others a click away; the one a reader opens stays their choice
    on the next page. Screenshots at desktop and phone width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            page.goto(base_url + "nimbus/terms/training-on-content/")
            panel = page.locator(".govsite-cite")
            assert page.locator("#cite-bluebook").is_visible()
            hidden = ("#cite-apa", "#cite-bibtex", "#cite-csl-json", "#cite-ris")
            assert not any(page.locator(target).is_visible() for target in hidden)
            assert page.locator(".govsite-cite a", has_text="Wayback Machine").is_visible()
            panel.scroll_into_view_if_needed()
            panel.screenshot(path=str(SCREENSHOTS / f"provision-cite-{width}.png"))
            page.screenshot(path=str(SCREENSHOTS / f"provision-{width}.png"), full_page=True)
            page.locator("#cite-apa-label").click()
            assert page.locator("#cite-apa").is_visible()
            assert not page.locator("#cite-bluebook").is_visible()
            # The choice is kept when <details> fires its toggle event, a task of its own
            # after the click: leaving the page at once could go before it (a flaky run).
            page.wait_for_function("localStorage.getItem('govsite-cite-format') === 'apa'")
            page.goto(base_url + "nimbus/terms/2024-09-30/")
            assert page.locator("#cite-apa").is_visible()
            assert not page.locator("#cite-bluebook").is_visible()
        finally:
            context.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("url", ["data/", "platforms/", "topics/"])
def test_chart_text_is_at_least_12_pixels_as_rendered(
    browser: Browser, base_url: str, url: str, width: int
) -> None:
    """Every label of every chart, at its rendered size (the SVG's scale included)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(base_url + url)
        sizes = page.evaluate(
            """() => Array.from(document.querySelectorAll("svg.govsite-chart")).flatMap(svg => {
                const scale = svg.getScreenCTM().a;
                return Array.from(svg.querySelectorAll("text")).map(text =>
                    [text.textContent, parseFloat(getComputedStyle(text).fontSize) * scale]);
            })"""
        )
        assert sizes, "no chart text found"
        small = [(label, round(size, 1)) for label, size in sizes if size < 12]
        assert small == []
        tables = page.locator("table.govsite-chart-data").count()
        assert tables == page.locator("svg.govsite-chart").count()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = url.strip("/").replace("/", "-")
        page.locator(".govsite-chart-frame").first.screenshot(
            path=str(SCREENSHOTS / f"chart-{name}-{width}.png")
        )
    finally:
        context.close()


# The text in force on a date, the timeline, version pages, search (issue: reading a long
# history). Screenshots at both widths go beside the others.


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_document_page_answers_the_text_in_force_on_a_date(
    browser: Browser, base_url: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        # usage-policy: 2024-02-12, 2024-09-30, 2025-02-03 (twice), 2025-10-06, 2025-11-03.
        page.goto(base_url + "nimbus/usage-policy/?at=2025-03-01")
        answer = page.locator("#at-answer .govsite-at-result")
        answer.wait_for()
        text = answer.inner_text()
        assert "The text in force on 1 March 2025" in text
        assert "recorded on 2025-02-03 10:00 UTC (2 of 2 that day)" in text
        assert "falls in a gap between records" in text and "2025-10-06" in text
        link = answer.locator("a", has_text="recorded on 2025-02-03")
        assert (link.get_attribute("href") or "").endswith("2025-02-03-2/")
        assert page.input_value("input[name=at]") == "2025-03-01"
        shot(page.locator("#at-answer").page, f"as-at-{width}")
        answer.screenshot(path=str(SCREENSHOTS / f"as-at-answer-{width}.png"))
        axe = axe_violations(page)
        assert not axe, "\n".join(axe)
        # Asked with the form: the address changes, so the answer can be shared.
        page.fill("input[name=at]", "2020-01-01")
        page.get_by_role("button", name="Show that text").click()
        page.wait_for_function("location.search.includes('at=2020-01-01')")
        assert "is before the first record" in answer.inner_text()
        assert "2024-02-12" in answer.inner_text()
        page.fill("input[name=at]", "2025-10-06")
        page.get_by_role("button", name="Show that text").click()
        page.wait_for_function("!document.querySelector('#at-answer').innerText.includes('before')")
        assert "was recorded that day" in answer.inner_text()
        link.page.goto(base_url + "nimbus/usage-policy/?at=2099-01-01")
        answer.wait_for()
        assert "It is the latest version recorded" in answer.inner_text()
    finally:
        context.close()


def test_the_as_at_index_is_static_json_and_the_list_works_without_script(
    browser: Browser, base_url: str
) -> None:
    index = json.loads(urlopen(base_url + "data/as-at/nimbus/usage-policy.json").read())
    assert [v["slug"] for v in index["versions"]][:2] == ["2024-02-12", "2024-09-30"]
    assert {"slug", "recorded", "when", "kind", "permalink", "has_text"} <= set(
        index["versions"][0]
    )
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(base_url + "nimbus/usage-policy/?at=2025-03-01")
        assert not page.locator("form.govsite-at").is_visible()
        assert page.locator("#v-2025-02-03-2 a").first.is_visible()  # the list by date, open
        # (Chromium parses <noscript> as text when only script execution is off.)
        assert "open the last version recorded on or before it" in page.content()
    finally:
        context.close()


def test_compare_accepts_dates_for_the_text_in_force(page: Page, base_url: str) -> None:
    index = json.loads(urlopen(base_url + "data/as-at/nimbus/terms.json").read())
    day = "2024-06-01"
    in_force = [
        v for v in index["versions"] if v["has_text"] and v["recorded"] <= day + "T23:59:59Z"
    ]
    assert in_force and len(in_force) < len(index["versions"])  # a day inside the history
    page.goto(base_url + f"compare/?document=nimbus/terms&from={day}&to=2099-01-01")
    summary = page.locator(".govsite-compare-summary")
    summary.wait_for(timeout=10_000)
    notes = page.locator(".govsite-compare-dates").all_inner_texts()
    assert f"{day}: the text in force that day is the version of {in_force[-1]['when']}." in notes
    assert page.input_value("select[name=from]") == in_force[-1]["slug"]
    assert page.input_value("select[name=to]") == index["versions"][-1]["slug"]
    page.goto(base_url + "compare/?document=nimbus/terms&from=2000-01-01&to=2099-01-01")
    page.locator(".govsite-compare-dates").first.wait_for(timeout=10_000)
    assert "2000-01-01 is before the first version recorded" in page.inner_text(
        ".govsite-compare-result"
    )


def boxes(page: Page, selector: str) -> list[dict[str, float]]:
    return page.eval_on_selector_all(
        selector,
        """els => els.filter(e => e.offsetParent !== null).map(e => {
            const r = e.getBoundingClientRect();
            return {left: r.left, right: r.right, top: r.top, width: r.width,
                    fits: e.scrollWidth <= e.clientWidth + 1, text: e.textContent};
        })""",
    )


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("document", ["nimbus/terms/", "nimbus/usage-policy/", "parlor/privacy/"])
def test_timeline_labels_read_at_a_glance(
    browser: Browser, base_url: str, document: str, width: int
) -> None:
    """Date labels never overlap and are never cut; the chart takes the text's width."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(base_url + document)
        labels = boxes(page, ".govsite-timeline-axis span")
        assert labels, "no date label shown"
        for a, b in pairwise(labels):
            assert a["right"] <= b["left"] + 0.5, (a, b)
        assert all(label["fits"] for label in labels), labels
        chart = boxes(page, ".govsite-timeline-chart")[0]
        article = boxes(page, "article.md-content__inner")[0]
        assert chart["width"] >= 0.9 * article["width"], (chart, article)
        assert all(label["left"] >= chart["left"] - 0.5 for label in labels)
        assert all(label["right"] <= chart["right"] + 0.5 for label in labels)
        for size in page.eval_on_selector_all(
            ".govsite-timeline-axis span",
            "els => els.filter(e => e.offsetParent).map(e => parseFloat(getComputedStyle(e).fontSize))",
        ):
            assert size >= 12
    finally:
        context.close()


def test_timeline_versions_are_reachable_by_keyboard_with_their_dates(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + "nimbus/usage-policy/")
    marks = page.locator(".govsite-timeline-chart .govsite-mark")
    assert marks.count() == 9
    assert page.locator(".govsite-timeline-chart [tabindex='0']").count() == 1  # one tab stop
    page.locator(".govsite-kind-filter input").last.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('data-when')")
    assert focused == "2025-12-17"  # the latest version
    readout = page.locator(".govsite-timeline-readout")
    assert "2025-12-17: Dates only" in readout.inner_text()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("ArrowLeft")
    assert "2025-12-16" in readout.inner_text()
    page.keyboard.press("Home")
    assert "2024-02-12: First record" in readout.inner_text()
    assert page.evaluate("document.activeElement.textContent") == "2024-02-12: First record"
    page.keyboard.press("Enter")
    page.wait_for_url("**/nimbus/usage-policy/2024-02-12/")


def test_timeline_filter_rescales_keeps_latest_changes_and_survives_reload(
    browser: Browser, base_url: str
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            page.goto(base_url + "nimbus/usage-policy/")
            chart = page.locator(".govsite-timeline-chart")
            before = chart.evaluate("e => e.style.getPropertyValue('--tallest')")
            assert before.strip() == "3"  # Dec 2025: three versions (a day counter)
            kinds = page.locator(".govsite-kind-filter input")
            values = kinds.evaluate_all("els => els.map(e => e.value)")
            for value in values:
                if value != "substantive":
                    page.uncheck(f".govsite-kind-filter input[value='{value}']")
            assert chart.evaluate("e => e.style.getPropertyValue('--tallest')").strip() == "1"
            shown = page.locator(".govsite-latest-changes li:not([hidden])")
            assert shown.count() == 2
            assert set(shown.evaluate_all("els => els.map(e => e.dataset.kind)")) == {"substantive"}
            visible_marks = page.locator(".govsite-mark:not([hidden])")
            assert visible_marks.count() == 2
            assert "hide=" in page.url and "substantive" not in page.url.split("hide=")[1]
            history = page.locator(".govsite-history")
            history.scroll_into_view_if_needed()
            history.screenshot(path=str(SCREENSHOTS / f"timeline-filtered-{width}.png"))
            page.reload()
            assert page.is_checked(".govsite-kind-filter input[value='substantive']")
            assert not page.is_checked(".govsite-kind-filter input[value='dates-only']")
            assert page.locator(".govsite-mark:not([hidden])").count() == 2
            page.uncheck(".govsite-kind-filter input[value='substantive']")
            assert page.locator(".govsite-latest-none").is_visible()  # never an empty heading
            # Each checkbox sits nearer its own label than the label before it.
            page.check(".govsite-kind-filter input[value='dates-only']")
            gaps = page.eval_on_selector_all(
                ".govsite-kind-filter label",
                """labels => labels.map(l => {
                    const box = l.querySelector('input').getBoundingClientRect();
                    const own = l.querySelector('.govsite-swatch').getBoundingClientRect();
                    return [box.left, box.top, box.right, own.left, l.getBoundingClientRect().right];
                })""",
            )
            for (_, top, _, _, right), (left, next_top, box_right, own, _) in pairwise(gaps):
                if abs(top - next_top) < 2:  # side by side on one line
                    assert own - box_right < left - right, gaps
            page.locator(".govsite-kind-filter input").first.focus()
            page.keyboard.press("Tab")
            page.keyboard.press("Shift+Tab")
            ring = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
            assert float(ring.rstrip("px")) >= 2
        finally:
            context.close()


def test_timeline_filter_works_without_script(browser: Browser, base_url: str) -> None:
    # The stylesheet alone filters: an unchecked kind's versions leave the chart, the latest
    # changes and the table (no rescaling and no address without script).
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    page = context.new_page()
    try:
        page.goto(base_url + "nimbus/usage-policy/")
        assert page.locator(".govsite-kind-filter").is_visible()
        details = page.locator(".govsite-all-versions")
        if not details.evaluate("e => e.open"):
            details.locator("summary").click()
        rows = page.locator(".govsite-all-versions tr[data-kind]")
        every = rows.count()
        kinds = rows.evaluate_all("els => els.map(e => e.dataset.kind)")
        assert "substantive" in kinds and len(set(kinds)) > 1
        for value in page.locator(".govsite-kind-filter input").evaluate_all(
            "els => els.map(e => e.value)"
        ):
            if value != "substantive":
                page.uncheck(f".govsite-kind-filter input[value='{value}']")
        shown = [r for r in range(every) if rows.nth(r).is_visible()]
        assert len(shown) == kinds.count("substantive") < every
        assert all(kinds[r] == "substantive" for r in shown)
        marks = page.locator(".govsite-mark")
        visible = [m for m in range(marks.count()) if marks.nth(m).is_visible()]
        assert visible and all(
            marks.nth(m).get_attribute("data-kind") == "substantive" for m in visible
        )
        latest = page.locator(".govsite-latest-changes li")
        assert all(
            latest.nth(k).get_attribute("data-kind") == "substantive"
            for k in range(latest.count())
            if latest.nth(k).is_visible()
        )
        page.check(".govsite-kind-filter input[value='dates-only']")
        assert sum(rows.nth(r).is_visible() for r in range(every)) == kinds.count(
            "substantive"
        ) + kinds.count("dates-only")
    finally:
        context.close()


def test_version_pages_can_be_walked_and_open_unchanged_clauses_in_place(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + "nimbus/terms/2024-09-30/")
    nav = page.locator("nav.govsite-version-nav")
    assert nav.locator("a[rel=prev]").inner_text().startswith("← Previous version (2024-02-12)")
    nav.locator("a[rel=next]").click()
    page.wait_for_url("**/nimbus/terms/2025-04-14/")
    toggle = page.locator(".govsite-unchanged-toggle").first
    label = toggle.inner_text()
    count = int(re.search(r"(\d+) unchanged", label).group(1))  # type: ignore[union-attr]
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    opened = page.locator(".govsite-unchanged-clauses").first
    assert opened.is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert opened.locator(":scope > *").count() == count
    assert opened.locator("[id]").count() == 0  # anchors stay unique
    assert "Nimbus AI Terms of Service" in opened.inner_text()  # the text's own first clauses
    toggle.click()
    assert page.locator(".govsite-unchanged-clauses").count() == 0
    # Sections touched: every change counted, every place listed.
    counts = page.eval_on_selector_all(
        ".govsite-touched li",
        "els => els.map(e => Number(e.textContent.match(/\\((\\d+)\\)\\s*$/)[1]))",
    )
    assert sum(counts) == page.locator(".govsite-change").count()
    assert len(counts) == page.locator(".govsite-change-section").count()
    page.goto(base_url + "nimbus/terms/2025-11-17/")
    assert page.locator("nav.govsite-version-nav a[rel=next]").count() == 0
    assert (
        "This is the latest version recorded"
        in page.locator("nav.govsite-version-nav").inner_text()
    )


def found(page: Page) -> int:
    """How many results the search page says it found."""
    message = page.locator(".pagefind-ui__message").inner_text()
    return int(re.match(r"\d+", message)[0])  # type: ignore[index]


@pytest.mark.parametrize("width", [1280, 390])
def test_search_lands_on_the_words_with_one_result_per_page(
    browser: Browser, base_url: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(base_url + "search/")
        search_input = page.locator("#govsite-search .pagefind-ui__search-input")
        assert search_input.get_attribute("aria-labelledby") == "govsite-search-label"
        assert "Put words in quotes" in page.locator(".govsite-search-hint").inner_text()
        search_input.fill("class action")
        page.locator(".pagefind-ui__result").first.wait_for(timeout=10_000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        titles = page.eval_on_selector_all(
            ".pagefind-ui__result-title a", "els => els.map(e => e.getAttribute('href'))"
        )
        assert len(titles) == len(set(titles)), titles  # one result per page
        assert not any(
            "(continued)" in t for t in page.locator(".pagefind-ui__result").all_inner_texts()
        )
        axe = axe_violations(page)
        assert not axe, "\n".join(axe)
        # Several words are searched as the exact phrase when pages hold it (Pagefind
        # alone ranks by the words wherever they stand); the words anywhere on request.
        anywhere = page.get_by_role("button", name="Search for the words anywhere")
        anywhere.wait_for(timeout=10_000)
        assert "Pages with the exact phrase “class action”" in page.inner_text("#govsite-search")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(800)
        as_phrase = found(page)
        anywhere.click()
        page.wait_for_timeout(800)
        page.wait_for_load_state("networkidle")
        assert 0 < as_phrase <= found(page)
        # The exact phrase, offered and searched.
        phrase = page.get_by_role("button", name="Search for the exact phrase “class action”")
        phrase.click()
        assert search_input.input_value() == '"class action"'
        page.wait_for_timeout(800)
        # A sub-result leads into the long page, to the heading nearest the words.
        sub = page.locator(".pagefind-ui__result-nested a[href*='nimbus/terms/#']").first
        sub.wait_for(timeout=10_000)
        page.locator(".pagefind-ui__result-nested").first.scroll_into_view_if_needed()
        shot(page, f"search-deep-link-{width}")
        href = sub.get_attribute("href") or ""
        anchor = href.split("#", 1)[1]
        sub.click()
        page.wait_for_url(f"**#{anchor}")
        target = page.locator(f"[id='{anchor}']")
        assert target.is_visible()
        top = target.evaluate("e => e.getBoundingClientRect().top")
        assert 0 <= top < 800, top  # in view: scrolled to it, not left at the top of the page
        assert page.evaluate("window.scrollY") > 300
        shot(page, f"search-landed-{width}")
    finally:
        context.close()


GENAI_BUNDLE = CORPORA / "genai-eu-versions.bundle"


@pytest.fixture(scope="module")
def genai_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The genai-eu site, built from the shared corpus (GOVSITE_GENAI_SITE names a site
    already built from it, to save the few minutes a build takes)."""
    if not GENAI_BUNDLE.exists():
        pytest.skip(f"real corpus not found at {GENAI_BUNDLE} (shared/corpora is absent)")
    built = os.environ.get("GOVSITE_GENAI_SITE")
    if built:
        site = Path(built)
    else:
        root = tmp_path_factory.mktemp("genai")
        archive = root / "archive"
        subprocess.run(["git", "clone", "-q", str(GENAI_BUNDLE), str(archive)], check=True)
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        subprocess.run(
            [sys.executable, "-m", "generator", "init", str(root / "s"), "--archive", str(archive)],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q"],
            cwd=root / "s", check=True, env=env, capture_output=True,
        )  # fmt: skip
        site = root / "s" / "site"
    with served(site) as url:
        yield url


def test_the_text_in_force_on_a_date_on_a_real_archive(page: Page, genai_url: str) -> None:
    """On the document with the most versions: a day in a gap between records names the
    version recorded last before it (checked against the static index by hand here), and
    a day before the first record says so."""
    index = json.loads(urlopen(genai_url + "data/index.json").read())
    records = [
        json.loads(urlopen(genai_url + "data/as-at/" + url.split("/data/documents/", 1)[1]).read())
        for url in index["documents"]
    ]
    record = max(records, key=lambda r: len(r["versions"]))
    versions = record["versions"]
    assert len(versions) > 50
    dated = sorted(versions, key=lambda v: v["recorded"])
    gap = next(
        (a, b)
        for a, b in pairwise(dated)
        if a["has_text"] and b["recorded"][:10] > a["recorded"][:10]
        and _next_day(a["recorded"][:10]) < b["recorded"][:10]
    )  # fmt: skip
    day = _next_day(gap[0]["recorded"][:10])
    end = day + "T23:59:59Z"
    expected = max((v for v in versions if v["recorded"] <= end), key=lambda v: v["recorded"])
    key = f"{record['platform']}/{record['document']}/"
    page.goto(f"{genai_url}{key}?at={day}")
    answer = page.locator("#at-answer .govsite-at-result")
    answer.wait_for(timeout=15_000)
    link = answer.locator("a").first
    assert (link.get_attribute("href") or "").endswith(f"{expected['slug']}/")
    assert "falls in a gap between records" in answer.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#at-answer").screenshot(path=str(SCREENSHOTS / "as-at-genai-eu.png"))
    link.click()
    page.wait_for_url(f"**/{key}{expected['slug']}/")
    page.goto(f"{genai_url}{key}?at=2000-01-01")
    answer.wait_for(timeout=15_000)
    assert "is before the first record" in answer.inner_text()


def _next_day(day: str) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def large_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example site in the ``large`` layout (a configuration beside it, paths absolute)."""
    import yaml

    folder = tmp_path_factory.mktemp("large")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config["docs_dir"] = str(ROOT / config["docs_dir"])
    options = next(entry["govsite"] for entry in config["plugins"] if "govsite" in entry)
    for key in ("content", "archive", "templates"):
        options[key] = str(ROOT / options[key])
    options["layout"] = "large"
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config))
    for lock in ("versions.lock", "revisions.lock"):
        (folder / lock).write_bytes((ROOT / lock).read_bytes())
    with served(build_into(folder, folder / "site")) as url:
        yield url


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("url", ["nimbus/terms/2025-04-14/", "text page"])
def test_large_layout_version_and_text_pages_render_accessibly(
    browser: Browser, large_url: str, url: str, width: int
) -> None:
    """A version page of the large layout and the text page it links: no script error or
    failed request, headings in order, no serious or critical axe violation; the text page
    is read without any script."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        errors = page_errors(page)
        page.goto(large_url + "nimbus/terms/2025-04-14/")
        link = page.locator("a", has_text="Read the full text of this version")
        assert link.count() == 1
        if url == "text page":
            link.click()
            page.wait_for_url("**/texts/**.html")
            assert page.locator("main p").first.is_visible()
            assert page.evaluate("document.scripts.length") == 0
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").first.is_visible()
        assert heading_jumps(page) == []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = "large-version" if url != "text page" else "large-text"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        assert errors == []
        violations = axe_violations(page)
        assert not violations, "\n".join(violations)
    finally:
        context.close()


def _version_pages() -> list[str]:
    """Every version page of the example site, from its ``versions.lock``."""
    lines = (ROOT / "versions.lock").read_text().splitlines()
    return [
        f"{d}/{slug}/" for d, slug, *_ in (line.split("\t") for line in lines if line[:1] != "#")
    ]


def test_large_layout_cite_panel_makes_the_same_citations_in_the_browser(
    browser: Browser, base_url: str, large_url: str
) -> None:
    """A large-layout version page writes its first citation format; govsite.js makes the
    others from the page's data: each the same text as the full layout's page writes, on
    every version page of the example site. Without JavaScript the first format is there,
    alone; the reader's choice of format is remembered across pages as before."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    formats = ("bluebook", "apa", "bibtex", "csl-json", "ris")
    try:
        # Script errors only while going from page to page: leaving a page can abort its
        # requests (the theme's), which the last page's full check below does not do.
        script_errors: list[str] = []
        page.on("pageerror", lambda error: script_errors.append(str(error)))
        compared = 0
        for url in _version_pages():
            page.goto(base_url + url)
            expected = {f: page.locator(f"#cite-{f}").text_content() for f in formats}
            page.goto(large_url + url)
            made = {f: page.locator(f"#cite-{f}").text_content() for f in formats}
            assert made == expected, url
            labels = page.locator(".govsite-cite summary").all_text_contents()
            assert labels == ["Bluebook-like", "APA", "BibTeX", "CSL-JSON", "RIS"]
            compared += 1
        assert compared > 30
        assert script_errors == []
        page.close()
        page = context.new_page()
        errors = page_errors(page)
        url = large_url + "nimbus/terms/2025-04-14/"
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.locator("#cite-bibtex-label").click()
        assert page.locator("#cite-bibtex").is_visible()
        assert not page.locator("#cite-bluebook").is_visible()
        page.wait_for_function("localStorage.getItem('govsite-cite-format') === 'bibtex'")
        page.goto(large_url + "nimbus/terms/2024-09-30/")
        assert page.locator("#cite-bibtex").is_visible()
        page.wait_for_load_state("networkidle")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(".govsite-cite").screenshot(path=str(SCREENSHOTS / "large-cite-1280.png"))
        assert errors == []
    finally:
        context.close()
    plain = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    try:
        page = plain.new_page()
        page.goto(url)
        assert page.locator("#cite-bluebook").is_visible()
        assert page.locator(".govsite-cite details").count() == 1
        assert "content hash" in (page.locator("#cite-bluebook").text_content() or "")
        page.locator(".govsite-cite").screenshot(path=str(SCREENSHOTS / "large-cite-nojs-390.png"))
    finally:
        plain.close()
