"""govsite on a real archive it did not write: the genai-eu Open Terms Archive collection.

Skipped, with the reason, when ../shared/corpora is not beside the project.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import feedparser
import pytest
import yaml
from helpers import CORPORA, assert_same_as_whole, served

from generator.compare.kinds import ChangeKind
from generator.publish.linkcheck import broken_links
from generator.render.feeds import FEED_LENGTH

if TYPE_CHECKING:
    from playwright.sync_api import Page

BUNDLE = CORPORA / "genai-eu-versions.bundle"
SITE_URL = "https://reports.example.org/"
SLUG = re.compile(r"^\d{4}-\d{2}-\d{2}(-\d+)?$")

pytestmark = pytest.mark.skipif(
    not BUNDLE.exists(), reason=f"real corpus not found at {BUNDLE} (shared/corpora is absent)"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("genai")
    archive = root / "archive"
    subprocess.run(["git", "clone", "-q", str(BUNDLE), str(archive)], check=True)
    site = root / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [
            sys.executable, "-m", "generator", "init", str(site), "--archive", str(archive),
            "--site-url", SITE_URL,
        ],
        check=True,
        env=env,
        capture_output=True,
    )  # fmt: skip
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=site,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    return archive, site


def sources(site: Path) -> dict[str, str]:
    """Archive path -> document folder, from the platform files `govsite init` wrote."""
    found = {}
    for file in (site / "content/platforms").glob("*.yml"):
        data = yaml.safe_load(file.read_text())
        for document_id, document in data["documents"].items():
            found[document["source"]] = f"{file.stem}/{document_id}"
    return found


def commits_touching(archive: Path, path: str) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(archive), "log", "--format=%H", "--no-renames", "--", path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.split()


def test_every_version_in_git_history_has_exactly_one_permalink(built: tuple[Path, Path]) -> None:
    archive, site = built
    documents = sources(site)
    # Every <Service>/<Document>.md the archive ever held, but the collection template's 19
    # demo documents, recorded and deleted on its first day, which init leaves out.
    assert len(documents) == 63
    lock: dict[str, list[str]] = {}
    for line in (site / "versions.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            document, _slug, commit, _blob = line.split("\t")
            lock.setdefault(document, []).append(commit)
    total = 0
    for path, folder in documents.items():
        expected = commits_touching(archive, path)
        assert sorted(lock[folder]) == sorted(expected), path
        assert len(set(lock[folder])) == len(lock[folder])
        pages = sorted(p.name for p in (site / "site" / folder).iterdir() if SLUG.match(p.name))
        assert len(pages) == len(expected), folder
        total += len(expected)
    assert total == 1017  # 63 additions + 954 changes


def version_slugs(folder: Path) -> list[str]:
    """A document's version folders, oldest first (``2025-01-02-2`` after ``2025-01-02``)."""
    return sorted(
        (p.name for p in folder.iterdir() if SLUG.match(p.name)),
        key=lambda s: (s[:10], int(s[11:] or 1)),
    )


def test_every_later_version_shows_its_changes(built: tuple[Path, Path]) -> None:
    _, site = built
    for folder in sources(site).values():
        slugs = version_slugs(site / "site" / folder)
        first = (site / "site" / folder / slugs[0] / "index.html").read_text()
        assert 'id="changes"' not in first
        for slug in slugs[1:]:
            page = (site / "site" / folder / slug / "index.html").read_text()
            assert 'id="changes"' in page, (folder, slug)


def test_each_document_feed_has_one_entry_per_version_up_to_its_length(
    built: tuple[Path, Path],
) -> None:
    """One entry per recorded version, the newest :data:`FEED_LENGTH` of them (a long
    history is capped: some documents have more versions than that)."""
    archive, site = built
    capped = 0
    for path, folder in sources(site).items():
        feed = feedparser.parse((site / "site" / folder / "feed.xml").read_bytes())
        assert not feed.bozo, folder
        versions = len(commits_touching(archive, path))
        assert len(feed.entries) == min(versions, FEED_LENGTH), folder
        slugs = version_slugs(site / "site" / folder)
        newest = {entry.id.rstrip("/").rsplit("/", 1)[-1] for entry in feed.entries}
        assert newest == set(slugs[-len(feed.entries) :]), folder
        capped += versions > FEED_LENGTH
    assert capped > 0


def test_technical_upgrades_are_labelled(built: tuple[Path, Path]) -> None:
    _, site = built
    labelled = [
        p
        for p in (site / "site").glob("*/*/*/index.html")
        if "Technical re-extraction</p>" in p.read_text()
    ]
    assert len(labelled) == 37


def test_no_broken_internal_link_or_anchor(built: tuple[Path, Path]) -> None:
    _, site = built
    assert broken_links(site / "site") == []


def test_parsing_in_pieces_equals_parsing_whole_on_real_texts(built: tuple[Path, Path]) -> None:
    archive, _site = built
    log = subprocess.run(
        ["git", "-C", str(archive), "log", "--format=", "--raw", "--no-abbrev"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    blobs = sorted({f[3] for f in (line.split() for line in log.splitlines()) if len(f) >= 5})
    blobs = [b for b in blobs if set(b) != {"0"}][::3]  # a third of the distinct texts
    for blob in blobs:
        raw = subprocess.run(
            ["git", "-C", str(archive), "cat-file", "blob", blob], capture_output=True, check=True
        ).stdout
        assert_same_as_whole(raw.decode("utf-8", errors="replace"))


def git_word_diff_words(archive: Path, old_blob: str, new_blob: str) -> int:
    out = subprocess.run(
        ["git", "-C", str(archive), "diff", "--word-diff=porcelain", old_blob, new_blob],
        capture_output=True, text=True, errors="replace", check=True,
    ).stdout  # fmt: skip
    return sum(
        len(line[1:].split())
        for line in out.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    )


def version_records(site: Path) -> dict[str, list[dict[str, object]]]:
    """Each document's version records, oldest first, as the site publishes them."""
    records: dict[str, list[dict[str, object]]] = {}
    for path in sorted((site / "site/data/documents").glob("*/*.json")):
        document = json.loads(path.read_text())
        records[f"{document['platform']}/{document['id']}"] = document["versions"]
    return records


def test_every_change_has_a_kind_and_noise_is_told_apart(built: tuple[Path, Path]) -> None:
    _, site = built
    kinds = Counter(r["kind"] for rs in version_records(site).values() for r in rs)
    assert sum(kinds.values()) == 1017
    # As the archive says, but for 4 upgrades that recorded a redirect page.
    assert kinds["technical"] == 33 and kinds["capture-failure"] > 100
    assert kinds["first-record"] == 63 and kinds["removal"] == 0
    assert kinds["links-only"] > 300  # changes of link targets alone: noise, not news
    assert set(kinds) <= {k.value for k in ChangeKind}
    feed = feedparser.parse((site / "site/claude-ai/acceptable-use-policy/feed.xml").read_bytes())
    assert all(e.tags and e.tags[0].scheme.endswith("/kinds/") for e in feed.entries)


def test_substantive_means_new_wording_on_a_real_archive(built: tuple[Path, Path]) -> None:
    """Returns, error pages and day counters stay out of what is called substantive: the
    home page's latest changes, the substantive feed; the Llama API's error pages are
    capture failures, and the document's page shows its last good text."""
    _, site = built
    records = version_records(site)
    noise = {"return", "capture-failure", "recovered", "dates-only", "recurring"}
    for folder, rs in records.items():
        seen: set[object] = set()
        for record in rs:
            assert not (record["blob"] in seen and record["kind"] == "substantive"), (
                folder,
                record["slug"],
            )
            seen.add(record["blob"])
    llama = Counter(r["kind"] for r in records["llama-api/terms-of-service"])
    assert llama["capture-failure"] >= 40 and llama["substantive"] < 20, llama
    counter = [r for r in records["chatgpt/acceptable-use-policy"] if r["kind"] == "substantive"]
    assert len(counter) < 5, counter  # its "Updated: N days ago" line is a date
    feed = feedparser.parse((site / "site/substantive.xml").read_bytes())
    assert feed.entries
    for entry in feed.entries:
        assert entry.tags[0].term not in noise, entry.link
    home = (site / "site/index.html").read_text()
    latest = home.split('class="govsite-latest-changes"', 1)[1].split("</ul>", 1)[0]
    assert latest.count("govsite-kind-substantive") == 10, latest
    # No two of them are the same document's day counter or error page.
    assert latest.count("Acceptable Use Policy") <= 2 and latest.count("Llama API") <= 3
    assert "19 platforms" not in home and not (site / "site/brevo").exists()
    assert len(list((site / "content/platforms").glob("*.yml"))) == 12


def test_diffs_stay_within_twice_what_git_finds(built: tuple[Path, Path]) -> None:
    """Every consecutive pair: the words marked changed stay within 2 x git's + 20."""
    archive, site = built
    over = []
    pairs = 0
    for versions in version_records(site).values():
        for before, after in pairwise(versions):
            if not before["blob"] or not after["blob"]:
                continue
            change = after["change"]
            assert isinstance(change, dict)
            ours = int(change["words_added"]) + int(change["words_removed"])
            theirs = git_word_diff_words(archive, str(before["blob"]), str(after["blob"]))
            pairs += 1
            if ours > 2 * theirs + 20:
                over.append((after["permalink"], ours, theirs))
    assert pairs == 954
    assert over == []


def test_a_big_rewrite_is_navigable(built: tuple[Path, Path]) -> None:
    _, site = built
    html = (site / "site/microsoft-copilot/privacy-policy/2026-06-25/index.html").read_text()
    changes = html.split('id="changes"', 1)[1].split('id="text"', 1)[0]
    assert "Sections touched" in changes
    assert changes.count("<details>") > 20  # folded by place, each opened on demand
    assert changes.count('class="govsite-change-path"') > 20


def test_compare_view_counts_what_the_version_pages_count(
    built: tuple[Path, Path], page: Page
) -> None:
    """The browser's engine on a sample of real pairs: the same changes as the pages."""
    _, site = built
    pairs = [
        (f"{after['platform']}/{after['document']}", before["slug"], after["slug"], after["change"])
        for versions in version_records(site).values()
        for before, after in pairwise(versions)
        if before["blob"] and after["blob"]
    ][::40]
    with served(site / "site") as base:
        for key, before, after, expected in pairs:
            page.goto(f"{base}compare/?document={key}&from={before}&to={after}")
            found = page.wait_for_selector("[data-govsite-stats]", timeout=60000)
            assert found is not None
            stats = json.loads(found.get_attribute("data-govsite-stats") or "")
            assert stats == expected, (key, after)
    assert len(pairs) >= 20


def test_the_site_is_publishable_and_citable(built: tuple[Path, Path]) -> None:
    """`govsite init --site-url` on the real collection: absolute citations and feed ids, the
    collection's attribution in the footer and the dataset, deleted documents marked."""
    archive, site = built
    out = site / "site"
    version = (out / "claude-ai/acceptable-use-policy").iterdir()
    slug = sorted(p.name for p in version if SLUG.match(p.name))[-1]
    page = (out / f"claude-ai/acceptable-use-policy/{slug}/index.html").read_text()
    permalink = f"{SITE_URL}claude-ai/acceptable-use-policy/{slug}/"
    assert f'<link rel="cite-as" href="{permalink}">' in page
    assert f'<meta name="citation_public_url" content="{permalink}">' in page
    assert f"(archived at {permalink}, content hash" in page
    for feed_file in (out / "feed.xml", out / "claude-ai/feed.xml"):
        feed = feedparser.parse(feed_file.read_bytes())
        assert feed.feed.id.startswith(SITE_URL)
        assert feed.entries and all(e.id.startswith(SITE_URL) for e in feed.entries)
    # The licence requires attribution: what init read from the archive's README and
    # LICENSE is in the footer of every page, on the data page and in the dataset.
    config = yaml.safe_load((site / "mkdocs.yml").read_text())
    options = config["plugins"][0]["govsite"]
    collection, licence, attribution = (
        options["collection"],
        options["licence"],
        options["attribution"],
    )
    assert "genai-eu" in collection and licence.startswith("ODC-BY 1.0")
    assert attribution.endswith("and Open Terms Archive contributors")
    assert "_ _" not in attribution  # the template's blank, filled by the maintainers named
    home = (out / "index.html").read_text()
    assert collection in home
    assert str(archive) not in home and str(site) not in home
    for html in (home, (out / "data/index.html").read_text(), page):
        assert attribution in html and licence in html
    with tarfile.open(out / "data/dataset.tar.xz") as dataset:

        def read(name: str) -> bytes:
            member = dataset.extractfile(name)
            assert member is not None
            return member.read()

        readme = read("README.md").decode()
        assert f"Attribution: {attribution}" in readme and collection in readme
        assert f"Source of this dataset: {SITE_URL}" in readme
        assert read("LICENSE") == (archive / "LICENSE").read_bytes()
    # The 7 platforms that exist only in files the archive recorded and deleted on its first
    # day (2025-11-11: the collection template's demo documents) are left out by init.
    hub = (out / "platforms/index.html").read_text()
    assert "no longer tracked since" not in hub.lower()
    assert not (out / "github").exists() and not (out / "brevo").exists()
    assert (
        "No longer tracked" not in (out / "claude-ai/acceptable-use-policy/index.html").read_text()
    )


def test_every_word_of_every_version_is_on_its_page(built: tuple[Path, Path]) -> None:
    """No archived text is dropped (markdown-it's nesting limit once dropped deep lists and
    quotes): each distinct text's words, as a parser without that limit reads them, are all
    in the text of a version page that shows it (the site's own copy of the text)."""
    import gzip

    from words import archived_text_html, html_words, text_words

    _, site = built
    out = site / "site"
    checked: set[str] = set()
    missing: dict[str, list[str]] = {}
    for record in (out / "data/documents").rglob("*.json"):
        for version in json.loads(record.read_text())["versions"]:
            if not version["text"] or version["blob"] in checked:
                continue
            checked.add(version["blob"])
            text = gzip.decompress((out / version["text"].split("/", 3)[3]).read_bytes())
            page_url = version["permalink"].removeprefix(SITE_URL)
            page = (out / page_url / "index.html").read_text()
            lost = text_words(text.decode("utf-8")) - html_words(archived_text_html(page))
            if lost:
                missing[page_url] = sorted(lost)[:10]
    assert len(checked) > 700  # every distinct text of the corpus
    assert missing == {}
