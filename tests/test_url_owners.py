"""Every published URL has one owner (issue 19, items 2 and 3): govsite's pages, the site's
files, hand-written pages and retired URLs are compared in one canonical form, and a clash is
an error in ``govsite check`` naming both sides; ``--against`` refuses a live page turned
into a tombstone while its source is still there."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import build_into, make_site, run_cli

RETIRED = "  retired: 2024-07-01\n  reason: gone\n"


def check(root: Path) -> tuple[int, str]:
    return run_cli(root, "check")


@pytest.mark.parametrize(
    ("url", "owner"),
    [
        ("acme/terms/2024-02-01/./", "the page govsite makes at acme/terms/2024-02-01/"),
        ("acme/terms/2024-02-01//", "the page govsite makes at acme/terms/2024-02-01/"),
        ("acme//terms/", "the page govsite makes at acme/terms/"),
        ("acme/terms/liability-cap/./", "the page govsite makes at acme/terms/liability-cap/"),
        ("about/", "the hand-written page content/pages/about.md"),
        ("methodology/", "the hand-written page content/pages/methodology.md"),
        ("feed.xml/", "the site's file feed.xml"),
        ("data/provisions.csv/", "the site's file data/provisions.csv"),
        ("index.html/", "the hand-written page content/pages/index.md"),
        ("acme/feed.xml/", "the site's file acme/feed.xml"),
        ("feed.xml/x/", "the site's file feed.xml"),
        ("data/platforms/acme.json/", "the site's file"),
        ("404.html/", "the site's file 404.html"),
        ("govsite-manifest.json.gz/", "the site's file govsite-manifest.json.gz"),
    ],
)
def test_a_retired_url_that_is_live_under_any_spelling_is_an_error(
    tmp_path: Path, url: str, owner: str
) -> None:
    make_site(tmp_path)
    for name in ("about.md", "methodology.md"):
        (tmp_path / "content/pages" / name).write_text("# A page\n")
    (tmp_path / "content/retired.yml").write_text(f"{url}:\n{RETIRED}")
    code, output = check(tmp_path)
    assert code == 1, output
    assert f"content/retired.yml:1:1: {url}: " in output
    assert owner in output
    assert "every published URL has one owner" in output


@pytest.mark.parametrize(
    ("page", "owner"),
    [
        ("acme/terms/2024-02-01.md", "the page govsite makes at acme/terms/2024-02-01/"),
        ("acme/terms/liability-cap/history.md", "acme/terms/liability-cap/history/"),
        ("acme/terms/liability-cap/index.md", "acme/terms/liability-cap/"),
        ("Acme/Terms/README.md", "the page govsite makes at acme/terms/"),
        ("topics/liability.md", "the page govsite makes at topics/liability/"),
        ("search.md", "the page govsite makes at search/"),
        ("acme/terms/2024-02-01/index.html", "acme/terms/2024-02-01/"),
        ("feed.xml", "the site's file feed.xml"),
        ("feed.xml/index.md", "the site's file feed.xml"),
        ("acme/feed.xml", "the site's file acme/feed.xml"),
        ("texts/notes.md", "the folder texts/, which holds the site's files"),
        ("pagefind/index.md", "the folder pagefind/"),
    ],
)
def test_a_hand_written_page_cannot_take_a_url_of_the_site(
    tmp_path: Path, page: str, owner: str
) -> None:
    make_site(tmp_path)
    path = tmp_path / "content/pages" / page
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Mine\n\n<script>alert(1)</script>\n")
    code, output = check(tmp_path)
    assert code == 1, output
    assert f"content/pages/{page}:1:1: (file): " in output
    assert owner in output


def test_hand_written_pages_and_files_of_their_own_pass(tmp_path: Path) -> None:
    make_site(tmp_path)
    for page in ("about.md", "guides/index.md", "assets/logo.png", "stylesheets/extra.css"):
        path = tmp_path / "content/pages" / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# A page\n")
    (tmp_path / "content/retired.yml").write_text(f"old/page/:\n{RETIRED}")
    code, output = check(tmp_path)
    assert code == 0, output


def test_two_retired_spellings_of_one_url_clash(tmp_path: Path) -> None:
    make_site(tmp_path)
    (tmp_path / "content/retired.yml").write_text(f"old/:\n{RETIRED}old//:\n{RETIRED}")
    code, output = check(tmp_path)
    assert code == 1
    assert "this URL is also the retired.yml entry 'old/'" in output


def test_canonical_forms() -> None:
    from generator.urls import canonical

    assert canonical("a/./b//") == canonical("a/b/") == canonical("A/%62/index.html")
    assert canonical("feed.xml/") == canonical("feed.xml")
    assert canonical("a/../b/") == ("b",)
    assert canonical("caf\u0065\u0301/") == canonical("caf\u00e9/")
    assert canonical("nimbus/") != canonical("n\u0456mbus/")  # a lookalike is another URL


def test_against_refuses_a_live_page_turned_into_a_tombstone(tmp_path: Path) -> None:
    """The previous build published a page; the current one published a tombstone at that
    URL (as builds did for a retired entry spelled ``x/./``) while the page's source is still
    there: ``--against`` says so, beside the clash ``check`` finds in retired.yml."""
    from generator.publish.manifest import write_manifest

    make_site(tmp_path)
    old = build_into(tmp_path, tmp_path / "old")
    current = build_into(tmp_path, tmp_path / "site")
    (current / "acme/terms/2024-02-01/index.html").write_text("<!doctype html><p>Retired.</p>")
    write_manifest(current, "https://test.example/", retired=["acme/terms/2024-02-01/"])
    (tmp_path / "content/retired.yml").write_text(f"acme/terms/2024-02-01/./:\n{RETIRED}")
    code, output = run_cli(tmp_path, "check", "--against", str(old / "govsite-manifest.json.gz"))
    assert code == 1, output
    assert (
        "site/govsite-manifest.json.gz:1:1: acme/terms/2024-02-01/: a page in the previous "
        "build is now a tombstone or redirect, but its source is still there"
    ) in output


def test_a_page_that_only_lost_its_anchors_is_no_tombstone() -> None:
    from generator.publish.manifest import tombstones_of_live_pages

    old = {"topics/": ["x"], "a/b/": ["y"], "gone/": ["z"]}
    new = {"topics/": [], "a/b/": [], "gone/": []}
    found = tombstones_of_live_pages(old, new, {"topics/", "a/b/"}, {"a//b/./", "gone/"})
    assert [url for url, _ in found] == ["a/b/"]


def test_the_site_files_checked_are_the_files_a_build_writes(tmp_path: Path) -> None:
    """Every file a build writes (not a page) is one the ownership check knows, so that no
    hand-written page or retired URL can stand where one goes."""
    from helpers import build_site

    from generator.link.retired import page_urls, site_files

    config = make_site(tmp_path)
    built = build_site(config)
    assert built.model is not None
    files, folders = site_files(built.model)
    pages = page_urls(built.model)
    site = build_into(tmp_path, tmp_path / "site")
    unknown = []
    for path in sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()):
        url = path.removesuffix("index.html")
        if path.endswith("index.html") and (url in pages or url in ("", "search/")):
            continue
        if path in files or any(path.startswith(folder) for folder in folders):
            continue
        unknown.append(path)
    assert unknown == []
