"""Data downloads, retired URLs, the manifest and reproducibility, on a built site."""

import csv
import gzip
import io
import json
import os
import re
import shutil
import tarfile
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from helpers import ROOT, build_into, make_site, sitemap_text
from referencing import Registry, Resource

from generator.cli import main
from generator.publish.manifest import MANIFEST_NAME, broken_since, read_manifest


def mkdocs_build(root: Path, out: Path, config: Path | None = None) -> None:
    build_into(root, out, *(["-f", str(config)] if config is not None else []))


@pytest.fixture(scope="module")
def example(example_site: Path) -> Path:
    return example_site


def schema_store(site: Path) -> dict[str, dict[str, object]]:
    store = {}
    for path in (site / "data/schema").glob("*.json"):
        schema = json.loads(path.read_text())
        store[schema["$id"]] = schema
    return store


def test_every_record_is_valid_against_its_published_schema(example: Path) -> None:
    store = schema_store(example)
    assert len(store) == 7
    records = [p for p in (example / "data").rglob("*.json") if "schema" not in p.parts]
    records = [p for p in records if p.name != "index.json"]
    kinds = {
        "platforms": 0, "documents": 0, "versions": 0, "provisions": 0, "as-at": 0, "registries": 0
    }  # fmt: skip
    retired = 0
    # A document's record holds its versions' records, each checked by the version schema.
    registry: Registry[dict[str, object]] = Registry().with_resources(
        (uri, Resource.from_contents(schema)) for uri, schema in store.items()
    )
    for path in records:
        record = json.loads(path.read_text())
        validator = jsonschema.Draft202012Validator(
            store[record["$schema"]], registry=registry, format_checker=jsonschema.FormatChecker()
        )
        validator.validate(record)
        if record["$schema"].endswith("/retired.schema.json"):
            retired += 1
            continue
        part = path.relative_to(example / "data").parts[0]
        kinds[part if part in kinds else "registries"] += 1
        kinds["versions"] += len(record.get("versions", [])) if part == "documents" else 0
    assert kinds == {
        "platforms": 3,
        "documents": 5,
        "versions": 37,  # 22, and 15 fictional returns, failures and counters
        "provisions": 12,
        "as-at": 5,
        "registries": 6 + 6 + 4,
    }
    assert retired == 3  # the records of the three retired analyses (content/retired.yml)


def test_csv_and_dataset(example: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((example / "data/provisions.csv").read_text())))
    assert len(rows) == 12
    assert {r["exposure"] for r in rows} == {"low", "medium", "high"}
    with tarfile.open(example / "data/dataset.tar.xz") as archive:
        names = archive.getnames()

        def read(name: str) -> str:
            member = archive.extractfile(name)
            assert member is not None
            return member.read().decode()

        readme = read("README.md")
        text = read("texts/nimbus/terms/2024-09-30.md")
        assert len(json.loads(read("documents/nimbus/terms.json"))["versions"]) == 4
    assert sum(n.startswith("texts/") for n in names) == 37
    assert sum(n.startswith("provisions/") for n in names) == 12
    assert "CC BY 4.0" in readme and "govsite developers" in readme
    assert "If you use a consumer plan" in text


def test_charts_have_text_alternatives(example: Path) -> None:
    platforms = (example / "platforms/index.html").read_text()
    assert 'role="img"' in platforms and '<title id="cpm-title">' in platforms
    assert (
        "<caption>Substantive changes recorded per month (all versions in brackets)</caption>"
        in platforms
    )
    topics = (example / "topics/index.html").read_text()
    assert "<caption>Exposure levels per topic</caption>" in topics


def test_sitemap_is_a_short_index(example: Path) -> None:
    """The theme fetches sitemap.xml on every page view: it stays a short index however many
    versions there are; its compressed copy is the same index, with no build date."""
    index = (example / "sitemap.xml").read_text()
    assert index.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex ')
    assert re.findall(r"<loc>([^<]+)</loc>", index) == [
        "https://example.org/govsite/sitemaps/pages-1.xml"
    ]
    assert gzip.decompress((example / "sitemap.xml.gz").read_bytes()).decode() == index
    pages = (example / "sitemaps/pages-1.xml").read_text()
    assert "<loc>https://example.org/govsite/nimbus/terms/</loc>" in pages
    assert "<loc>https://example.org/govsite/</loc>" in pages
    assert "lastmod" not in index + pages


def test_sitemaps_split_past_the_protocols_limit(tmp_path: Path) -> None:
    from generator.publish import manifest

    manifest.write_sitemaps(tmp_path, "https://x.example/", [f"p{n}/" for n in range(85_000)])
    index = (tmp_path / "sitemap.xml").read_text()
    assert re.findall(r"sitemaps/(pages-\d+)\.xml", index) == ["pages-1", "pages-2", "pages-3"]
    sizes = [(tmp_path / f"sitemaps/pages-{n}.xml").read_text().count("<url>") for n in (1, 2, 3)]
    assert sizes == [40_000, 40_000, 5_000]


def test_tombstone_and_redirect(example: Path) -> None:
    tombstone = (example / "nimbus/usage-policy/enforcement-reviews/index.html").read_text()
    assert "This page was removed" in tombstone and "Removed on 2025-03-01" in tombstone
    assert "misread the clause" in tombstone
    redirect = (example / "parlor/terms/posts-licence/index.html").read_text()
    assert 'http-equiv="refresh" content="0; url=../content-licence/"' in redirect


def test_sitemap_canonical_and_previews(example: Path) -> None:
    sitemap = sitemap_text(example)
    assert "<loc>https://example.org/govsite/nimbus/terms/2024-09-30/</loc>" in sitemap
    assert "posts-licence" not in sitemap
    page = (example / "nimbus/terms/2024-09-30/index.html").read_text()
    assert (
        '<link rel="canonical" href="https://example.org/govsite/nimbus/terms/2024-09-30/">' in page
    )
    assert (
        '<meta property="og:title" content="Nimbus AI: Terms of Service, version of 2024-09-30">'
        in page
    )


def test_manifest_lists_urls_and_anchors(example: Path) -> None:
    urls = read_manifest(example / MANIFEST_NAME)
    assert "nimbus/terms/2024-09-30/" in urls
    assert "3-your-content" in urls["nimbus/terms/"]  # a heading's anchor
    assert any(re.match(r"c[0-9a-f]{7}$", a) for a in urls["nimbus/terms/2024-09-30/"])
    assert "summary" in urls["nimbus/terms/training-on-content/"]
    assert not any(a.startswith("__") for a in urls["nimbus/terms/"])  # theme internals
    assert any(re.match(r"texts/[0-9a-f]{2}/[0-9a-f]{40}\.md\.gz$", url) for url in urls)
    assert urls["parlor/terms/posts-licence/"] == []


def test_broken_since_names_each_missing_url_and_anchor() -> None:
    old = {"a/": ["x", "y"], "b/": [], "gone/": ["z"], "retired/": ["w"]}
    new = {"a/": ["x"], "b/": [], "retired/": []}
    assert [where for where, _ in broken_since(old, new)] == ["a/#y", "gone/"]


def test_check_against_old_manifest(tmp_path: Path) -> None:
    make_site(tmp_path)
    mkdocs_build(tmp_path, tmp_path / "site")
    # The published manifest as the workflow downloads it: the index and the parts it lists.
    old = tmp_path / "previous" / "old-manifest.json.gz"
    shutil.copytree(tmp_path / "site" / "govsite-manifest", old.parent / "govsite-manifest")
    old.write_bytes((tmp_path / "site" / MANIFEST_NAME).read_bytes())
    runner = CliRunner()
    os.chdir(tmp_path)
    try:
        assert runner.invoke(main, ["check", "--against", str(old)]).exit_code == 0
        # The analysis is deleted: its URL (and its history page) break ...
        provision = tmp_path / "content/provisions/acme/terms/liability-cap.yml"
        provision.unlink()
        mkdocs_build(tmp_path, tmp_path / "site")
        result = runner.invoke(main, ["check", "--against", str(old)])
        assert result.exit_code == 1
        assert (
            f"{old}:1:1: acme/terms/liability-cap/: published URL no longer resolves"
            in result.output
        )
        assert "acme/terms/liability-cap/history/" in result.output
        # ... until a tombstone and a redirect keep them.
        (tmp_path / "content/retired.yml").write_text(
            "acme/terms/liability-cap/:\n  retired: 2024-07-01\n  reason: Withdrawn.\n"
            "acme/terms/liability-cap/history/:\n  retired: 2024-07-01\n  reason: Withdrawn.\n"
            "  redirect: acme/terms/\n"
        )
        mkdocs_build(tmp_path, tmp_path / "site")
        result = runner.invoke(main, ["check", "--against", str(old)])
        assert result.exit_code == 0, result.output
    finally:
        os.chdir(ROOT)


def test_retired_url_still_published_is_an_error(tmp_path: Path) -> None:
    make_site(tmp_path)
    (tmp_path / "content/retired.yml").write_text(
        "acme/terms/:\n  retired: 2024-07-01\n  reason: x\n"
        "old/:\n  retired: 2024-07-01\n  reason: x\n  redirect: nowhere/\n"
        "texts/ab/:\n  retired: 2024-07-01\n  reason: x\n"
    )
    runner = CliRunner()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(main, ["check"])
    finally:
        os.chdir(ROOT)
    assert result.exit_code == 1
    assert "content/retired.yml:1:1: acme/terms/: this URL is still published" in result.output
    assert (
        "content/retired.yml:7:13: old/.redirect: redirect target 'nowhere/' is not a page"
        in result.output
    )
    assert (  # found in an adversarial run: a tombstone went into the raw texts' folder
        "content/retired.yml:8:1: texts/ab/: texts/ holds the site's files, not pages"
        in result.output
    )


def test_two_builds_of_the_same_commit_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also on another day: the second build runs as if in 2033 (mkdocs takes its build
    date from SOURCE_DATE_EPOCH), so no build date may reach any file."""
    import filecmp

    first, second = tmp_path / "one", tmp_path / "two"
    mkdocs_build(ROOT, first, ROOT / "mkdocs.yml")
    env_cache = ROOT / ".cache"
    # the second build from an empty cache, so nothing is simply copied from the first
    import shutil

    shutil.rmtree(env_cache, ignore_errors=True)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "2000000000")
    mkdocs_build(ROOT, second, ROOT / "mkdocs.yml")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    different = [str(f) for f in files if not filecmp.cmp(first / f, second / f, shallow=False)]
    assert different == []


def test_a_site_past_a_hosts_limit_is_told_so(tmp_path: Path) -> None:
    from generator.publish.hosts import host_limit_problems

    (tmp_path / "big.bin").write_bytes(b"\0" * (26 * 2**20))
    (tmp_path / "small.txt").write_text("x")
    assert host_limit_problems(tmp_path) == [
        "big.bin is 26.0 MiB: Cloudflare Pages publishes files of at most 25 MiB"
    ]
    # a carried folder moves into the site last: its files count from the record
    assert host_limit_problems(tmp_path, {"doc/huge.bin": 101_000_000}) == [
        "doc/huge.bin is 96.3 MiB: GitHub Pages publishes files of at most 95 MiB",
        "doc/huge.bin is 96.3 MiB: Cloudflare Pages publishes files of at most 25 MiB",
    ]
