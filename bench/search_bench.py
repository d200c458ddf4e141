"""Benchmark: what search costs a reader, measured in Chromium on a built site.

Serves ``SITE`` (a built ``site/`` folder) on localhost, counts on the server every byte it
sends, and reports:

1. the first page view (the home page): bytes of it all, and bytes of the search index
   (anything under ``/pagefind/``; the target is none);
2. one query typed on the search page: the bytes fetched from the moment the search page is
   opened until its results are shown (the search interface, its WebAssembly, the index
   chunks and the result excerpts);

each as a host that compresses text sends it (GitHub Pages and Cloudflare Pages do; the
figure counts gzip, brotli sends less) and as stored;
3. whether the query finds the page it should: by default the queries are taken from the
   site itself, phrases that some version's change deleted (``<del>`` in a changes
   section), so the expected result is that version's page.

With ``--phrases N`` it measures ranking instead: N phrases of 3 to 6 words taken from the
documents' texts (the same ones every run), each searched without and with quotes with the
ranking settings of the search page; for each, the rank of the first result whose searched
text holds the exact phrase. It prints every rank, the median and the share at rank 1.

Run with ``.venv/bin/python bench/search_bench.py SITE`` (``build_bench.py`` runs it on the
genai-eu site when Playwright and Chromium are installed). Needs ``pip install playwright``
and Debian's ``chromium``.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import html
import html.parser
import http.server
import re
import shutil
import statistics
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

TARGET_QUERY_BYTES = 500_000
DEL = re.compile(r"<del>([^<]{20,120})</del>")


COMPRESSED_BY_HOSTS = (".html", ".js", ".css", ".json", ".xml", ".svg", ".txt", "/")
"""What static hosts (GitHub Pages, Cloudflare Pages) send gzip- or brotli-compressed."""


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files and counts the bytes of each response body by path: as they are, and as
    a host that compresses text would send them (gzip level 6; brotli would send less).
    Pagefind's index files and WebAssembly are compressed already and count as they are."""

    sent: ClassVar[Counter[str]] = Counter()
    wire: ClassVar[Counter[str]] = Counter()

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        path = self.path.split("?", 1)[0]
        type(self).sent[path] += len(data)
        compressed = path.endswith(COMPRESSED_BY_HOSTS)
        type(self).wire[path] += len(gzip.compress(data, 6)) if compressed else len(data)
        outputfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def deleted_phrases(site: Path, wanted: int) -> list[tuple[str, str]]:
    """Up to ``wanted`` (phrase, version URL) pairs: words a version's change deleted that its
    document's latest text no longer has and no other version page holds (archives record
    some passages again and again, an error page for one), at most one per document, spread
    evenly over the site's documents (read in sorted order, so every run picks the same)."""
    pages = sorted(site.glob("*/*/[12][0-9][0-9][0-9]-*/index.html"))
    texts = {page: page.read_text(encoding="utf-8") for page in pages}
    candidates: dict[Path, tuple[str, str]] = {}
    for page in pages:
        document = page.parent.parent
        text = texts[page]
        if document in candidates or "data-pagefind-body" not in text:
            continue  # a removal, or a change of no words: search does not cover it
        latest = html.unescape((document / "index.html").read_text(encoding="utf-8"))
        for match in DEL.finditer(text):
            phrase = " ".join(html.unescape(match.group(1)).split())
            words = re.findall(r"[A-Za-z]{4,}", phrase)
            if len(words) < 4 or phrase in latest:
                continue
            if sum(match.group(1) in other for other in texts.values()) > 1:
                continue
            url = "/" + page.parent.relative_to(site).as_posix() + "/"
            candidates[document] = (" ".join(words[:6]), url)
            break
    picks = list(candidates.values())
    if len(picks) <= wanted:
        return picks
    step = len(picks) / wanted
    return [picks[int(i * step)] for i in range(wanted)]


class SearchedText(html.parser.HTMLParser):
    """The words of a page search covers: its ``data-pagefind-body`` elements without their
    ``data-pagefind-ignore`` parts."""

    VOID: ClassVar[frozenset[str]] = frozenset(
        {"br", "img", "meta", "link", "input", "hr", "wbr", "source", "col", "area"}
    )

    def __init__(self, within: str = "data-pagefind-body") -> None:
        super().__init__(convert_charrefs=True)
        self.within = within
        self.stack: list[str] = []  # for each open element: "body", "ignore" or ""
        self.words: list[str] = []

    def _inside(self) -> bool:
        return "body" in self.stack and "ignore" not in self.stack

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        names = {name for name, _ in attrs} | {
            f"class={name}"
            for key, value in attrs
            if key == "class"
            for name in (value or "").split()
        }
        role = "ignore" if "data-pagefind-ignore" in names else ""
        self.stack.append("body" if self.within in names else role)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._inside():
            self.words.extend(data.split())


def searched_text(page: Path, within: str = "data-pagefind-body") -> str:
    """A page's searched words (or those of its elements with ``within``, an attribute or
    ``class=NAME``), lower-cased and joined by single spaces."""
    parser = SearchedText(within)
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join(parser.words).lower()


def sample_phrases(site: Path, wanted: int) -> tuple[list[str], dict[str, str]]:
    """``wanted`` phrases of 3 to 6 plain words (letters only), one per document spread
    evenly over the documents in sorted order, each from a place fixed by a hash of the
    document's name; and every searched page's text by URL (to know which hold a phrase)."""
    texts: dict[str, str] = {}
    for page in sorted(site.rglob("index.html")):
        if b"data-pagefind-body" in page.read_bytes():
            url = "/" + page.parent.relative_to(site).as_posix() + "/"
            texts["/" if url == "/./" else url] = searched_text(page)
    documents = [
        page.parent
        for page in sorted(site.glob("*/*/index.html"))
        if b"govsite-archived-text" in page.read_bytes()  # a document's page (latest text)
    ]
    step = max(1, len(documents) / wanted)
    phrases: list[str] = []
    for k in range(min(wanted, len(documents))):
        document = documents[int(k * step)]
        url = "/" + document.relative_to(site).as_posix() + "/"
        # From the archived text (not the page's own words about it).
        archived = searched_text(document / "index.html", "class=govsite-archived-text")
        words = archived.split() if url in texts else []
        seed = int(hashlib.sha256(url.encode()).hexdigest(), 16)
        length = 3 + seed % 4
        # From the fixed place on, the first run of plain words long enough.
        for offset in range(len(words)):
            start = (seed // 4 + offset) % max(1, len(words) - length)
            run = words[start : start + length]
            if len(run) == length and all(re.fullmatch(r"[a-z]{2,}", w) for w in run):
                phrases.append(" ".join(run))
                break
    return phrases, texts


def measure_ranks(site: Path, wanted: int) -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if not chromium:
        sys.exit("no chromium on PATH")
    phrases, texts = sample_phrases(site, wanted)
    handler = functools.partial(CountingHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    hows = ("pagefind unquoted", "search page unquoted", "pagefind quoted")
    ranks: dict[str, list[int | None]] = {how: [] for how in hows}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium)
            page = browser.new_page()
            page.goto(base + "/search/", wait_until="networkidle")
            for phrase in phrases:
                holders = {url for url, text in texts.items() if phrase in text}
                line = [f"{phrase!r} ({len(holders)} pages hold it):"]
                for how in hows:
                    if how.startswith("pagefind"):
                        query = f'"{phrase}"' if how.endswith(" quoted") else phrase
                        urls: list[str] = page.evaluate(RANKED, query)
                    else:
                        urls = shown_results(page, base, phrase, holders)
                    rank = next((i + 1 for i, u in enumerate(urls) if u in holders), None)
                    ranks[how].append(rank)
                    line.append(f"{how} {rank or '-'} of {len(urls)};")
                print(" ".join(line))
            browser.close()
    finally:
        server.shutdown()
    for how, found in ranks.items():
        # Not found at all ranks last (after every result).
        numbers = [r if r is not None else 10**6 for r in found]
        first = sum(r == 1 for r in found)
        missing = sum(r is None for r in found)
        median = statistics.median(numbers)
        print(
            f"{how}: median rank {median if median < 10**6 else 'not found'}, "
            f"rank 1 for {first} of {len(found)} ({100 * first / len(found):.0f} %), "
            f"not found {missing}, worst {max(numbers) if not missing else 'not found'}"
        )


def shown_results(page: Any, base: str, query: str, wanted: set[str]) -> list[str]:
    """The result links the search page shows for ``query`` typed by a reader, in order
    (more loaded until one of ``wanted`` shows or there are no more)."""
    page.goto(base + "/search/", wait_until="networkidle")
    page.fill("#govsite-search input", query)
    links = page.locator(".pagefind-ui__result-title .pagefind-ui__result-link")  # not sub-results
    links.first.wait_for(timeout=30_000)
    # The search page may search again (as the phrase): wait for it to settle.
    page.wait_for_timeout(1_000)
    page.wait_for_load_state("networkidle")
    hrefs: list[str] = []
    for _ in range(50):
        for _ in range(20):  # results drawn again after a second search: wait for them
            hrefs = links.evaluate_all("els => els.map(e => new URL(e.href).pathname)")
            if hrefs:
                break
            page.wait_for_timeout(250)
        more = page.locator(".pagefind-ui__button")
        if any(h in wanted for h in hrefs) or not more.count():
            return list(hrefs)
        more.first.click()
        page.wait_for_load_state("networkidle")
    return list(hrefs)


RANKED = """async (q) => {
    const pf = await import(new URL('pagefind/pagefind.js', location.origin + '/').href);
    // The ranking the search page sets (templates/assets/search.js).
    await pf.options({ranking: {pageLength: 0.1, termSaturation: 1.6}});
    // Every segment the search page merges, merged once into this page's instance.
    if (!window.govsiteMerged) {
        window.govsiteMerged = true;
        const root = new URL('pagefind/', location.origin + '/');
        const listing = await (await fetch(new URL('segments.json', root).href)).json();
        for (const folder of listing.merge) {
            await pf.mergeIndex(new URL(folder, root).pathname);
        }
    }
    const found = await pf.search(q);
    const out = [];
    for (const r of found.results) { out.push((await r.data()).url); }
    return out;
}"""
"""Every result's URL, in Pagefind's order, for a query, over every segment."""


def _kb(counts: dict[str, int]) -> str:
    return f"{sum(counts.values()) / 1000:.0f} KB"


def measure(site: Path, queries: list[tuple[str, str]], detail: int = 0) -> int:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if not chromium:
        sys.exit("no chromium on PATH")
    handler = functools.partial(CountingHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    sent, wire = CountingHandler.sent, CountingHandler.wire
    failures = 0
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            sent.clear()
            wire.clear()
            page.goto(base + "/", wait_until="networkidle")
            index = sum(n for path, n in sent.items() if path.startswith("/pagefind/"))
            print(
                f"first page view: {_kb(wire)} compressed ({_kb(sent)} as stored), of which "
                f"search index {index} bytes"
            )
            for query, expected in queries:
                # A new context each time: nothing of an earlier query is in the browser's
                # cache, so each figure is what a reader's first query costs.
                context.close()
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                sent.clear()
                wire.clear()
                page.goto(base + "/search/", wait_until="networkidle")
                page.fill("#govsite-search input", query)
                page.locator(".pagefind-ui__result").first.wait_for(timeout=30_000)
                page.wait_for_load_state("networkidle")
                searched = {path: n for path, n in wire.items() if path.startswith("/pagefind/")}
                stored = {path: n for path, n in sent.items() if path.startswith("/pagefind/")}
                fetched = sum(searched.values())
                whole = _kb(wire)
                # Where the expected page ranks, through Pagefind's own API (not counted).
                urls: list[str] = page.evaluate(
                    """async (q) => {
                        const root = location.origin + '/pagefind/';
                        const pf = await import(new URL('pagefind.js', root).href);
                        // The ranking the search page sets (templates/assets/search.js),
                        // over every segment it merges.
                        await pf.options({ranking: {pageLength: 0.1, termSaturation: 1.6}});
                        const listing = await (await fetch(root + 'segments.json')).json();
                        for (const folder of listing.merge) {
                            await pf.mergeIndex(new URL(folder, root).pathname);
                        }
                        const found = await pf.search(q);
                        const out = [];
                        for (const r of found.results.slice(0, 20)) { out.push((await r.data()).url); }
                        return out;
                    }""",
                    query,
                )
                rank = next((i + 1 for i, u in enumerate(urls) if u == expected), None)
                if detail:
                    for path, n in sorted(searched.items(), key=lambda item: -item[1])[:detail]:
                        print(f"  {n / 1000:7.1f} KB  {path}")
                ok = rank is not None and fetched <= TARGET_QUERY_BYTES
                failures += not ok
                print(
                    f"query {query!r}: search page and results {whole}, of which search "
                    f"{fetched / 1000:.0f} KB compressed ({_kb(stored)} as stored; target <= "
                    f"{TARGET_QUERY_BYTES // 1000} KB); {expected} is result "
                    f"{rank if rank else 'not in the first 20'}"
                )
            browser.close()
    finally:
        server.shutdown()
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site/ folder")
    parser.add_argument("--queries", type=int, default=3, help="how many deleted phrases")
    parser.add_argument("--query", nargs=2, action="append", metavar=("TEXT", "URL"))
    parser.add_argument("--phrases", type=int, help="rank of exact phrases (no byte counts)")
    parser.add_argument(
        "--detail",
        type=int,
        default=0,
        metavar="N",
        help="list the N largest files a query fetched",
    )
    args = parser.parse_args()
    if args.phrases:
        measure_ranks(args.site, args.phrases)
        return
    queries: list[tuple[str, str]] = [(q[0], q[1]) for q in args.query or []]
    queries = queries or deleted_phrases(args.site, args.queries)
    if not queries:
        sys.exit("no deleted phrase found to search for")
    sys.exit(1 if measure(args.site, queries, args.detail) else 0)


if __name__ == "__main__":
    main()
