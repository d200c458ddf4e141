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

Run with ``.venv/bin/python bench/search_bench.py SITE`` (``build_bench.py`` runs it on the
genai-eu site when Playwright and Chromium are installed). Needs ``pip install playwright``
and Debian's ``chromium``.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import html
import http.server
import re
import shutil
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
    parser.add_argument(
        "--detail",
        type=int,
        default=0,
        metavar="N",
        help="list the N largest files a query fetched",
    )
    args = parser.parse_args()
    queries: list[tuple[str, str]] = [(q[0], q[1]) for q in args.query or []]
    queries = queries or deleted_phrases(args.site, args.queries)
    if not queries:
        sys.exit("no deleted phrase found to search for")
    sys.exit(1 if measure(args.site, queries, args.detail) else 0)


if __name__ == "__main__":
    main()
