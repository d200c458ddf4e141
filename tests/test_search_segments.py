"""Search in segments: versions recorded long ago in a stable segment, indexed again only
when what it covers changes; the rest in a recent segment; merged in the reader's browser.

The sites here use a stable segment of 3 versions (the real step is larger) and small index
chunks, set by running mkdocs with the search module's ``STEP`` and ``PIECE`` patched."""

from __future__ import annotations

import functools
import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import Archive, hidden_search_records, make_site, search_index, served

import generator.publish.search as search
from generator import workers
from generator.cache import Cache
from generator.publish.search import LATEST, LONG, SETTLED, SHELVES, STABLE, SearchPage, segments
from generator.render.fragments import search_marks
from generator.render.search_texts import SearchedText

STEP = 3
PIECE = 400
"""Index chunks split this small, so that the browser test searches split chunks too."""
PATCHED_MKDOCS = (
    "import sys; import generator.publish.search as search; search.STEP = int(sys.argv.pop(1)); "
    f"search.PIECE = {PIECE}; from mkdocs.__main__ import cli; cli()"
)
CHROMIUM = os.environ.get("GOVSITE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"

NOTES = [f"Note {n}: the service may change clause {n} of these terms.\n" for n in range(12)]


def text(count: int) -> str:
    """A terms text whose ``count``-th version adds one more note."""
    return "# Example Terms\n\n## Notes\n\n" + "\n".join(NOTES[:count])


def build(root: Path, step: int = STEP, out: str = "site") -> Path:
    """``mkdocs build`` with a stable segment of ``step`` versions, into ``root / out``."""
    build_log(root, step, out, "-q")
    return root / out


def build_log(root: Path, step: int = STEP, out: str = "site", level: str = "-v") -> str:
    """What :func:`build` logs (verbose by default)."""
    command = [sys.executable, "-c", PATCHED_MKDOCS, str(step), "build", "--strict", level]
    result = subprocess.run(
        [*command, "-d", str(root / out)],
        cwd=root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def record(root: Path, versions: int, first: int = 1) -> None:
    archive = Archive.existing(root)
    for n in range(first, first + versions):
        archive.commit(
            f"2024-03-{n:02d}",
            {"sources/Acme/Terms of Service.md": text(n + 3)},
            "Record new changes of Acme Terms",
        )


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def differences(a: Path, b: Path) -> list[str]:
    left, right = files(a), files(b)
    return sorted(n for n in left.keys() | right.keys() if left.get(n) != right.get(n))


def fresh(root: Path) -> Path:
    shutil.rmtree(root / ".cache", ignore_errors=True)
    return build(root, out="fresh")


def page(url: str, recorded: int = -1, size: int = 100) -> SearchPage:
    return SearchPage(url, url, lambda: b"", recorded, size)


def all_results(view: Any, base: str, query: str) -> list[str]:
    """The pages (not their sections) a search finds in the browser, every result loaded."""
    view.goto(base + "search/")
    view.locator("#govsite-search .pagefind-ui__search-input").fill(query)
    view.locator(".pagefind-ui__message").wait_for(timeout=10_000)
    view.wait_for_load_state("networkidle")
    view.wait_for_timeout(500)
    more = view.locator(".pagefind-ui__button")  # "Load more results"
    while more.count() and more.first.is_visible():
        more.first.click()
        view.wait_for_timeout(300)
    found: list[str] = view.eval_on_selector_all(
        ".pagefind-ui__result-title a", "els => els.map(e => e.getAttribute('href'))"
    )
    return [h for h in found if "#" not in h]


def test_segments_follow_the_recording_order_in_steps() -> None:
    hubs = [page("/acme/"), page("/acme/terms/liability/")]
    versions = [page(f"/acme/terms/v{n}/", n) for n in (5, 1, 4, 2, 3)]
    found = dict(segments([*hubs, *versions], step=2))
    assert [p.url for p in found[STABLE]] == [f"/acme/terms/v{n}/" for n in (1, 2, 3, 4)]
    assert [p.url for p in found[LATEST]] == ["/acme/terms/v5/"]
    assert [p.url for p in found[""]] == ["/acme/", "/acme/terms/liability/"]
    # Fewer versions than a step: all of them are latest.
    assert [folder for folder, _ in segments(versions[:1] + hubs, step=2)] == ["", LATEST]


def test_versions_past_the_stable_steps_settle_in_smaller_steps() -> None:
    versions = [page(f"/acme/terms/v{n}/", n) for n in range(1, 12)]
    found = dict(segments([*versions, page("/acme/")], step=4, settle=3))
    assert [p.url for p in found[STABLE]] == [f"/acme/terms/v{n}/" for n in range(1, 9)]
    # 3 left past the stable 8: one settled step of 3, none recent.
    assert [p.url for p in found[SETTLED]] == [f"/acme/terms/v{n}/" for n in (9, 10, 11)]
    assert [p.url for p in found[""]] == ["/acme/"] and LATEST not in found
    found = dict(segments([*versions[:10], page("/acme/")], step=4, settle=3))
    assert SETTLED not in found
    assert [p.url for p in found[LATEST]] == ["/acme/terms/v9/", "/acme/terms/v10/"]
    # A settling step not smaller than the stable one: no settled segment.
    assert SETTLED not in dict(segments(versions, step=4, settle=4))


def test_a_documents_latest_text_is_on_a_shelf_however_short() -> None:
    latest = SearchPage("/acme/terms/", "k", lambda: b"", size=100, text=True)
    found = dict(segments([latest, page("/acme/")], step=2))
    assert [p.url for p in found[""]] == ["/acme/"]
    assert [p.url for folder, pages in found.items() if folder for p in pages] == ["/acme/terms/"]


def test_long_pages_are_on_shelves_by_their_url_whatever_else_is_there() -> None:
    texts = [page(f"/acme/doc-{n}/", size=LONG) for n in range(40)]
    found = dict(segments([*texts, page("/acme/")], step=2))
    shelved = {p.url: folder for folder, pages in found.items() for p in pages if folder}
    assert len(shelved) == 40 and len(set(shelved.values())) == SHELVES
    assert [p.url for p in found[""]] == ["/acme/"]
    # A shelf depends on its pages only: another text elsewhere leaves the others as they were.
    again = dict(segments([*texts[:20], page("/other/", size=LONG), *texts[20:]], step=2))
    other = next(folder for folder, pages in again.items() for p in pages if p.url == "/other/")
    assert all(again[folder] == found[folder] for folder in found if folder not in ("", other))


def _words(folder: Path) -> list[str]:
    """Every word of a segment's index, chunk after chunk in the meta record's order; and
    checks that each chunk's words lie between its bounds, and that its filters are there."""
    (meta_path,) = folder.glob("pagefind.*.pf_meta")
    meta = search._read(meta_path)
    found: list[str] = []
    for low, high, name in meta[2]:
        words = [str(w[0]) for w in search._read(folder / "index" / f"{name}.pf_index")[0]]
        assert low <= words[0] and (words[-1] <= high or words[-1].startswith(high)), name
        found += words
    for _filter, name in meta[3]:
        assert (folder / "filter" / f"{name}.pf_filter").is_file(), name
    return found


def test_index_chunks_are_split_with_every_word_once_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = " ".join(f"word{n:04d}x{n * 7919 % 10007}" for n in range(3000))
    pages = [
        SearchPage(
            f"p{n}/",
            str(n),
            functools.partial(
                bytes, f"<html lang='en'><body><p>{body} page{n}</p></body></html>".encode()
            ),
        )
        for n in range(3)
    ]
    whole, split = tmp_path / "whole", tmp_path / "split"
    search._index(pages, whole, "test")
    before = _words(whole)
    chunks = len(list((whole / "index").iterdir()))
    monkeypatch.setattr(search, "PIECE", 2_000)
    search._make_stable(whole)
    after = _words(whole)
    assert after == before == sorted(before) and len(set(after)) == len(after)
    assert len(list((whole / "index").iterdir())) > 2 * chunks
    # The same pages split the same way.
    search._index(pages, split, "test")
    search._make_stable(split)
    assert files(split) == files(whole)
    # Ordering a bundle that is in order already loses no file the meta record names.
    search._make_stable(split)
    assert _words(split) == before


HUB = (
    "<!doctype html><html lang='en'><body><div data-pagefind-body>{marks}"
    "<h1 id='platforms'>Platforms</h1><p>Who is followed here.</p>"
    "<table><tr><td>Acme</td><td data-pagefind-ignore><a href='x/'>{count}</a></td></tr></table>"
    "<figure data-pagefind-ignore><svg><title>Acme: {count} other versions</title></svg>"
    "<figcaption><details><summary>The numbers</summary>{count}</details></figcaption>"
    "</figure><p>Words of a data-pagefind-ignore mark stay searched.</p></div></body></html>"
)


def test_what_a_page_marks_ignored_changes_neither_its_key_nor_its_index(tmp_path: Path) -> None:
    """A hub's counts and chart are marked ignored: a new version that changes them leaves
    what search covers of the page, and so its segment, as it was; and what is left out
    is what Pagefind leaves out anyway, so the index is the same bytes as one of the page
    whole."""
    marks = str(search_marks({"platform": "Acme"}, "Platforms"))
    hubs = [HUB.format(marks=marks, count=n).encode() for n in (23, 24)]
    searched = [search.searched_parts(hub) for hub in hubs]
    assert searched[0] == searched[1]
    assert b"other versions" not in searched[0] and b"23" not in searched[0]
    assert b'data-pagefind-filter="platform"' in searched[0] and b"Words of a" in searched[0]
    for number, hub in enumerate(hubs):
        whole, stripped = tmp_path / f"whole{number}", tmp_path / f"stripped{number}"
        body = hub[hub.index(b"<div") : hub.rindex(b"</body>")]
        for folder, content in ((whole, body), (stripped, search._without_ignored(body))):
            html = b"<!doctype html><html lang='en'><body>" + content + b"</body></html>"
            search._index([SearchPage("p/", "p", functools.partial(bytes, html))], folder, "t")
            search._make_stable(folder)
        assert files(whole) == files(stripped)
        words = _words(whole)
        assert "version" not in words and "23" not in words and "24" not in words
        assert {"platform", "word", "datapagefindignor"} <= set(words), words


def test_a_new_version_leaves_the_stable_segment_as_it_was(tmp_path: Path) -> None:
    make_site(tmp_path, provisions={})
    record(tmp_path, 2)  # with the site's own 2 changes: 4 versions whose changes are searched
    site = build(tmp_path)
    # The stable segment, the latest (4 versions: 3 stable, no settled segment at this
    # step) and the document's latest text on its shelf.
    merged = json.loads((site / "pagefind/segments.json").read_text())["merge"]
    assert merged[:2] == ["stable/", "latest/"] and [m[:6] for m in merged[2:]] == ["texts-"]
    stable = files(site / "pagefind/stable")
    # Only what a merged segment needs: the interface and WebAssembly are the recent one's.
    assert not any(name.endswith((".js", ".css", ".pagefind")) for name in stable)
    indexed = search_index(site)  # each page once (the helper checks it)
    assert "/acme/terms/2024-03-02/" in indexed
    record(tmp_path, 1, first=3)  # 5 searched versions: 3 stable, 2 recent
    site = build(tmp_path)
    assert files(site / "pagefind/stable") == stable
    assert "/acme/terms/2024-03-03/" in search_index(site)
    assert differences(site, fresh(tmp_path)) == []


@pytest.mark.skipif(
    (os.cpu_count() or 1) < 2, reason="history pages render in the background on several cores"
)
def test_the_latest_segment_is_made_while_the_engine_renders_its_pages(tmp_path: Path) -> None:
    """A new version's latest segment is indexed as soon as the history pages are rendered,
    beside mkdocs rendering its own pages, once: the index made at the end takes it from
    the cache, and the site is the one a build from scratch makes."""
    make_site(tmp_path, provisions={})
    record(tmp_path, 2)
    build(tmp_path)
    record(tmp_path, 1, first=3)
    logged = build_log(tmp_path)
    # the two versions past the stable segment's three, and the document's latest text
    assert "search segment pagefind/latest/ made early for 3 pages" in logged
    assert "search segment pagefind/latest/ made for" not in logged
    site = tmp_path / "site"
    assert "/acme/terms/2024-03-03/" in search_index(site)
    assert differences(site, fresh(tmp_path)) == []


def test_compaction_moves_versions_into_the_stable_segment(tmp_path: Path) -> None:
    make_site(tmp_path, provisions={})
    record(tmp_path, 2)
    site = build(tmp_path)
    before = files(site / "pagefind/stable")
    record(tmp_path, 2, first=3)  # 6 searched versions: the stable segment takes 6
    site = build(tmp_path)
    after = files(site / "pagefind/stable")
    assert after != before
    assert len(search_index(site)) == len(search_index(fresh(tmp_path)))
    assert differences(site, tmp_path / "fresh") == []


def test_a_stable_page_that_changed_is_indexed_with_its_new_words_once(tmp_path: Path) -> None:
    make_site(tmp_path, provisions={})
    record(tmp_path, 2)
    site = build(tmp_path)
    old = search_index(site)
    url = "/acme/terms/2024-02-01/"  # the first version whose changes are searched: stable
    assert "Terms of Service" in old[url]["meta"]["title"]
    platform = tmp_path / "content/platforms/acme.yml"
    platform.write_text(platform.read_text().replace("title: Terms of Service", "title: Ruleset"))
    site = build(tmp_path)
    new = search_index(site)
    assert "Ruleset" in new[url]["meta"]["title"]
    assert not any("Terms of Service" in r["meta"]["title"] for r in new.values())
    assert differences(site, fresh(tmp_path)) == []


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no chromium at {CHROMIUM}")
def test_the_browser_finds_a_changed_stable_page_by_its_new_words_only_once(
    tmp_path: Path,
) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    make_site(tmp_path, provisions={})
    record(tmp_path, 3)  # 5 versions whose changes are searched: 3 stable, 2 recent
    site = build(tmp_path)
    # The server reads the site folder as it is at each request: a rebuild swaps it.
    with served(site) as base, playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        view = browser.new_page()
        fetched: list[str] = []
        view.on("request", lambda request: fetched.append(request.url))

        def versions(query: str) -> list[str]:
            """The version pages a query finds (not their sections), every result loaded."""
            return [h for h in all_results(view, base, query) if "/acme/terms/20" in h]

        # A phrase only a stable version's changes hold is found, from the merged segment.
        assert versions('"clause 2 of these terms"') == ["/acme/terms/2024-03-01/"]
        assert any("/pagefind/stable/" in url for url in fetched)
        every = versions('"Terms of Service"')
        assert "/acme/terms/2024-02-01/" in every and len(every) == 5, every
        platform = tmp_path / "content/platforms/acme.yml"
        renamed = platform.read_text().replace("title: Terms of Service", "title: Ruleset")
        platform.write_text(renamed)
        build(tmp_path)
        # Every version page by its new title, once; by the old one, none.
        assert sorted(versions("Ruleset")) == sorted(every)
        assert versions('"Terms of Service"') == []
        browser.close()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no chromium at {CHROMIUM}")
def test_the_browser_shows_a_documents_newest_text_once_and_hides_its_outdated_shelf_copy(
    tmp_path: Path,
) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    make_site(tmp_path, provisions={})
    archive = Archive.existing(tmp_path)
    path = "sources/Acme/Terms of Service.md"
    # The third searched version (the last the stable segment takes) holds a word the
    # fourth removes: the shelf keeps the text with it, the latest segment the text without.
    archive.commit(
        "2024-03-01", {path: text(5) + "\nThe zephyr clause.\n"}, "Record new changes of Acme Terms"
    )
    archive.commit("2024-03-02", {path: text(6)}, "Record new changes of Acme Terms")
    site = build(tmp_path)
    hidden = hidden_search_records(site)
    assert json.loads((site / "pagefind/segments.json").read_text())["hide"] == []
    copies = {
        folder.parent.parent.name: folder.stem
        for folder in (site / "pagefind").glob("*/fragment/*.pf_fragment")
        if json.loads(gzip.decompress(folder.read_bytes())[len(search.SIGNATURE) :])["url"]
        == "/acme/terms/"
    }
    # Two records of the document's page: the shelf's (outdated, listed) and the latest's.
    assert sorted(copies) == ["latest", next(f for f in copies if f.startswith("texts-"))]
    assert hidden == [copies[next(f for f in copies if f.startswith("texts-"))]]
    with served(site) as base, playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        view = browser.new_page()
        errors: list[str] = []
        view.on("pageerror", lambda error: errors.append(str(error)))

        def results(query: str) -> list[str]:
            """Every result's link (pages, not their sections), all results loaded."""
            return all_results(view, base, query)

        # The newest text's words: its page once, from the latest segment.
        assert results('"clause 5 of these terms"').count("/acme/terms/") == 1
        # A word only the outdated copy holds: the page is not among the results (the
        # versions that added and removed it are).
        zephyr = results("zephyr")
        assert "/acme/terms/" not in zephyr and "/acme/terms/2024-03-01/" in zephyr, zephyr
        message = view.locator(".pagefind-ui__message").inner_text()
        assert message.startswith(f"{len(zephyr)} result"), message
        assert errors == []
        browser.close()


def test_a_texts_shelf_copy_stands_as_at_the_last_compaction() -> None:
    def made(name: str, places: tuple[int, ...] = (1, 5, 9)) -> SearchedText:
        def record(count: int) -> bytes | None:
            return f"<div data-pagefind-body>{name} after {count}</div>".encode() if count else None

        # Its versions' places in the archive's history.
        def key(count: int) -> str | None:
            return f"{name} {count}" if count else None

        return SearchedText(f"/acme/{name}/", places, key, record, lambda count: f"{count:040}")

    versions = [page(f"/acme/terms/v{n}/", n) for n in range(1, 11)]
    # 8 of 10 versions compacted (the last recorded at place 8): texts from place 9 on are
    # fresh.
    found = dict(segments([*versions, page("/acme/")], step=4, settle=3, texts=[made("terms")]))
    (shelved,) = [
        p for folder, pages in found.items() if folder.startswith("texts-") for p in pages
    ]
    assert shelved.outdated and b"terms after 2" in shelved.load()
    fresh = [p for p in found[LATEST] if p.recorded < 0]
    assert [p.url for p in fresh] == ["/acme/terms/"] and b"terms after 3" in fresh[0].load()
    # Each copy is weighed by the text it shows (see test_segments_weigh_...).
    assert (shelved.blob, fresh[0].blob) == (f"{2:040}", f"{3:040}")
    # 7 versions, all compacted: the text (last changed at place 5) is on its shelf only.
    texts = [made("terms", (1, 5))]
    found = dict(segments([*versions[:7], page("/acme/")], step=4, settle=3, texts=texts))
    (shelved,) = [
        p for folder, pages in found.items() if folder.startswith("texts-") for p in pages
    ]
    assert not shelved.outdated and b"terms after 2" in shelved.load()
    assert not [p for p in found.get(LATEST, []) if p.recorded < 0]


def test_segments_made_on_every_core_equal_those_made_one_after_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold build makes the segments the cache lacks in a pool of workers (one job each):
    the bundle published from the cache is the one this process makes alone, byte for
    byte."""
    monkeypatch.setattr(search, "STEP", 4)
    monkeypatch.setattr(search, "SETTLE", 2)

    def html(words: str) -> bytes:
        page = f"<html lang='en'><body><div data-pagefind-body><p>{words}</p></div></body></html>"
        return search.searched_parts(page.encode())

    pages = [SearchPage("hub/", "hub", functools.partial(html, "platforms followed"))]
    pages.append(SearchPage("long/", "long", functools.partial(html, "clause " * 6000), size=LONG))
    pages += [
        SearchPage(f"v{n}/", f"v{n}", functools.partial(html, f"version{n} words{n % 3}"), n)
        for n in range(7)
    ]
    made_here: list[str] = []
    make = search._make

    def recording(folder: str, *args: object, **kwargs: object) -> object:
        made_here.append(folder)
        return make(folder, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "_make", recording)

    def published(cores: int, name: str) -> dict[str, bytes]:
        monkeypatch.setattr(workers, "cores", lambda: cores)
        outputs = search.build_index(pages, Cache(tmp_path / name / ".cache/govsite"))
        site = tmp_path / name / "site"
        for output in outputs:
            assert output.write is not None
            (site / output.path).parent.mkdir(parents=True, exist_ok=True)
            output.write(site / output.path)
        return files(site)

    pooled = published(2, "pooled")
    assert made_here == []  # the workers made them all (their calls die with them)
    alone = published(1, "alone")
    assert made_here == ["", STABLE, SETTLED, LATEST, search.urls.search_shelf(0)]
    assert pooled == alone
    assert any(path.startswith("pagefind/stable/index/") for path in pooled)
    # Segments too large to index side by side (memory) are made one after another.
    made_here.clear()
    monkeypatch.setattr(search, "POOLED_BYTES", LONG - 1)  # the shelf's one long page
    assert published(2, "large") == alone
    assert made_here == ["", STABLE, SETTLED, LATEST, search.urls.search_shelf(0)]


def test_segments_weigh_latest_texts_by_their_archived_size() -> None:
    """Whether segments are made side by side is decided before their pages are read: a
    page counts its known size, a document's latest text its archived text's size (or a
    long page's, when the archive does not have it)."""

    def nothing() -> bytes:
        raise AssertionError("a page is read to weigh it")

    versions = [SearchPage(f"v{n}/", f"v{n}", nothing, n, size=100 * n) for n in range(4)]
    texts = [
        SearchPage("/acme/terms/", "t", nothing, text=True, blob="a" * 40),
        SearchPage("/acme/privacy/", "p", nothing, text=True, blob="b" * 40),
    ]
    asked: list[list[str]] = []

    def sizes(blobs: list[str]) -> dict[str, int]:
        asked.append(blobs)
        return {"a" * 40: 7_000}

    assert search._searched_bytes([versions, texts], sizes) == [600, 7_000 + LONG]
    assert asked == [["a" * 40, "b" * 40]]
    assert search._searched_bytes([versions, texts], None) == [600, 2 * LONG]


def test_an_attribute_value_that_names_the_ignore_mark_hides_no_words() -> None:
    """An archive text's link or title may hold the words ``data-pagefind-ignore`` in an
    attribute's value: only the attribute itself marks an element ignored, so the words
    the element holds stay searched."""
    page = (
        b"<!doctype html><html lang='en'><body><div data-pagefind-body>"
        b'<p><a href="https://example.org/data-pagefind-ignore">linked zebra words</a></p>'
        b"<p><abbr title='see data-pagefind-ignore'>abbreviated okapi</abbr></p>"
        b'<p><span class="x" data-note="a > b" data-pagefind-ignore>hidden count 42</span>'
        b"<span data-pagefind-ignore-not>kept quagga</span></p>"
        b"</div></body></html>"
    )
    searched = search.searched_parts(page)
    for words in (b"linked zebra words", b"abbreviated okapi", b"kept quagga"):
        assert words in searched, words
    assert b"hidden count 42" not in searched
