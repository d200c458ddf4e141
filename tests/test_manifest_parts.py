"""The manifest in parts (format 2): one part per part of the site, rewritten only when its
files changed, read back by following the index; old single-file manifests still read; part
names and contents from a downloaded manifest are untrusted."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path

import pytest

from generator.cache import Cache
from generator.publish import manifest
from generator.publish.manifest import (
    MANIFEST_NAME,
    ManifestError,
    read_manifest,
    write_manifest,
)
from generator.urls import manifest_part
from generator.urls import manifest_part_file as part_file

PAGES = {
    "index.html": '<h1 id="__title">Home</h1><h2 id="about">About</h2>',
    "feed.xml": "<feed/>",
    "acme/index.html": '<h2 id="documents">Documents</h2>',
    "acme/terms/index.html": '<h2 id="text">Text</h2><p id="c1234567">x</p>',
    "acme/terms/2024-01-01/index.html": '<p id="c7654321">y</p>',
    "acme/terms/feed.xml": "<feed/>",
    "acme/privacy/index.html": '<h2 id="summary">Summary</h2>',
    "texts/ab/ab12.md.gz": "text",
    "old/index.html": '<meta http-equiv="refresh" content="0; url=../acme/">',
}


def make_site(site: Path, pages: dict[str, str] = PAGES) -> dict[str, str | None]:
    """The pages written under ``site``, each with a key made from its bytes."""
    keys: dict[str, str | None] = {}
    for path, text in pages.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(text)
        keys[path] = hashlib.sha256(text.encode()).hexdigest()
    return keys


def site_files(site: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()
    }


def test_parts_round_trip_and_split_by_the_first_two_folders(tmp_path: Path) -> None:
    site = tmp_path / "site"
    keys = make_site(site)
    write_manifest(site, "https://x.example/", files=keys, cache=Cache(tmp_path / "cache"))
    urls = read_manifest(site / MANIFEST_NAME)
    assert urls == {
        "": ["about"],
        "feed.xml": [],
        "acme/": ["documents"],
        "acme/terms/": ["c1234567", "text"],
        "acme/terms/2024-01-01/": ["c7654321"],
        "acme/terms/feed.xml": [],
        "acme/privacy/": ["summary"],
        "texts/ab/ab12.md.gz": [],
        "old/": [],
    }
    index = json.loads(gzip.decompress((site / MANIFEST_NAME).read_bytes()))
    assert index["format"] == 2
    parts = {manifest_part(url) for url in urls}
    assert parts == {"", "acme", "acme/terms", "acme/privacy", "texts/ab", "old"}
    assert sorted(index["parts"]) == sorted(part_file(part) for part in parts)
    terms = json.loads(gzip.decompress((site / part_file("acme/terms")).read_bytes()))
    assert terms["part"] == "acme/terms"
    assert sorted(terms["urls"]) == ["acme/terms/", "acme/terms/2024-01-01/", "acme/terms/feed.xml"]
    # The sitemap lists the pages, not the redirect.
    sitemap = (site / "sitemaps/pages-1.xml").read_text()
    assert "https://x.example/acme/terms/2024-01-01/" in sitemap
    assert "https://x.example/old/" not in sitemap


def test_a_warm_write_makes_only_the_changed_part_and_equals_one_without_cache(
    tmp_path: Path,
) -> None:
    site, cache = tmp_path / "site", Cache(tmp_path / "cache")
    keys = make_site(site)
    write_manifest(site, "https://x.example/", files=keys, cache=cache)
    changed = dict(PAGES)
    changed["acme/terms/2024-02-01/index.html"] = '<p id="c1111111">z</p>'
    keys = make_site(site, changed)
    read: list[str] = []

    def known(path: str) -> manifest.PageAnchors | None:
        read.append(path)
        return None

    write_manifest(site, "https://x.example/", known, files=keys, cache=cache)
    # Only the pages of the part that gained a page were looked at again.
    assert sorted(read) == [
        "acme/terms/2024-01-01/index.html",
        "acme/terms/2024-02-01/index.html",
        "acme/terms/index.html",
    ]
    warm = site_files(site)
    for name in list(warm):
        if name.startswith(("govsite-manifest", "sitemap")):
            (site / name).unlink()
    write_manifest(site, "https://x.example/", files=keys)  # no cache: every part made
    assert site_files(site) == warm
    assert read_manifest(site / MANIFEST_NAME)["acme/terms/2024-02-01/"] == ["c1111111"]


def test_a_part_whose_page_has_no_key_is_made_again(tmp_path: Path) -> None:
    """A page nobody keyed (another plugin's) is read again each time: its bytes may have
    changed with nothing to say so."""
    site, cache = tmp_path / "site", Cache(tmp_path / "cache")
    keys = make_site(site)
    keys["acme/privacy/index.html"] = None
    write_manifest(site, "https://x.example/", files=keys, cache=cache)
    (site / "acme/privacy/index.html").write_text('<h2 id="new">New</h2>')
    write_manifest(site, "https://x.example/", files=keys, cache=cache)
    assert read_manifest(site / MANIFEST_NAME)["acme/privacy/"] == ["new"]


def test_a_manifest_of_format_1_still_reads(tmp_path: Path) -> None:
    """Sites published before the manifest came in parts have one file of every URL."""
    old = tmp_path / "old.json.gz"
    text = '{"format": 1, "urls": {\n"": ["about"],\n"acme/terms/": ["c1234567", "text"]\n}}\n'
    old.write_bytes(gzip.compress(text.encode(), 6, mtime=0))
    assert read_manifest(old) == {"": ["about"], "acme/terms/": ["c1234567", "text"]}


def write_index(folder: Path, parts: dict[str, str]) -> Path:
    index = folder / "index.json.gz"
    index.write_bytes(gzip.compress(json.dumps({"format": 2, "parts": parts}).encode()))
    return index


def write_part(folder: Path, part: str, urls: object, name: str | None = None) -> tuple[str, str]:
    """A part file (named as govsite names it unless ``name``), and its index entry."""
    name = name or part_file(part)
    data = gzip.compress(json.dumps({"format": 2, "part": part, "urls": urls}).encode())
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return name, hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    "name",
    [
        "../outside.json.gz",
        "govsite-manifest/../../outside.json.gz",
        "/etc/passwd",
        "govsite-manifest/0123456789ABCDEF.json.gz",
        "govsite-manifest/0123456789abcdef.json.gz/../../x",
        "other/0123456789abcdef.json.gz",
        "govsite-manifest\\..\\0123456789abcdef.json.gz",
        "govsite-manifest/0123456789abcdef.json.gz\n",
    ],
)
def test_a_part_name_that_is_not_one_govsite_writes_is_refused(tmp_path: Path, name: str) -> None:
    (tmp_path / "outside.json.gz").write_bytes(b"{}")
    index = write_index(tmp_path, {name: "0" * 64})
    with pytest.raises(ManifestError) as error:
        read_manifest(index)
    assert "is not the name of a part" in error.value.reason
    assert error.value.path is None  # the index is at fault


def test_a_part_that_is_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    name, checksum = write_part(outside, "acme", {"acme/": []})
    here = tmp_path / "here"
    (here / "govsite-manifest").mkdir(parents=True)
    os.symlink(outside / name, here / name)
    with pytest.raises(ManifestError) as error:
        read_manifest(write_index(here, {name: checksum}))
    assert "leads out of the manifest's folder" in error.value.reason
    assert error.value.path == here / name


@pytest.mark.parametrize(
    ("part", "urls", "reason"),
    [
        ("acme", {"other/": []}, "is not a URL of the part 'acme'"),
        ("acme", {"acme/terms/": []}, "is not a URL of the part 'acme'"),
        ("acme", {"acme/": "x"}, "are not a list of text"),
        ("acme", {"acme/": ["x" * 3000]}, "too long"),
        ("acme", [], "not a part of a govsite manifest"),
    ],
)
def test_a_part_listing_what_it_does_not_cover_is_refused(
    tmp_path: Path, part: str, urls: object, reason: str
) -> None:
    entry = write_part(tmp_path, part, urls)
    with pytest.raises(ManifestError) as error:
        read_manifest(write_index(tmp_path, dict([entry])))
    assert reason in error.value.reason
    assert error.value.path == tmp_path / entry[0]


def test_a_part_under_another_parts_name_is_refused(tmp_path: Path) -> None:
    """A part cannot stand in for another: its name is the hash of the part it covers."""
    entry = write_part(tmp_path, "acme", {"acme/": []}, name=part_file("other"))
    with pytest.raises(ManifestError) as error:
        read_manifest(write_index(tmp_path, dict([entry])))
    assert "is not that of the part it says it is" in error.value.reason


def test_parts_that_do_not_match_the_index_or_are_missing_are_named(tmp_path: Path) -> None:
    name, _checksum = write_part(tmp_path, "acme", {"acme/": []})
    with pytest.raises(ManifestError) as error:
        read_manifest(write_index(tmp_path, {name: "0" * 64}))
    assert "its SHA-256 differs" in error.value.reason
    assert error.value.path == tmp_path / name
    missing = part_file("gone")
    with pytest.raises(ManifestError) as error:
        read_manifest(write_index(tmp_path, {missing: "0" * 64}))
    assert "missing: the manifest lists it" in error.value.reason
    assert error.value.path == tmp_path / missing


def test_the_size_limit_counts_every_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bomb spread over parts stops at the manifest's limit, as one in a single file does."""
    first = write_part(tmp_path, "a", {"a/": ["x" * 1000]})
    second = write_part(tmp_path, "b", {"b/": ["y" * 1000]})
    index = write_index(tmp_path, dict([first, second]))
    monkeypatch.setattr(manifest, "MANIFEST_MAX_BYTES", 1500)
    with pytest.raises(ManifestError) as error:
        read_manifest(index)
    assert "too large to be a govsite manifest" in error.value.reason
    assert error.value.path == tmp_path / second[0]
    monkeypatch.setattr(manifest, "MANIFEST_MAX_BYTES", 5000)
    assert read_manifest(index) == {"a/": ["x" * 1000], "b/": ["y" * 1000]}


def test_manifest_parts_lists_what_to_download_and_refuses_a_hostile_index(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from generator.cli import main

    site = tmp_path / "site"
    write_manifest(site, "https://x.example/", files=make_site(site))
    result = CliRunner().invoke(main, ["manifest-parts", str(site / MANIFEST_NAME)])
    assert result.exit_code == 0, result.output
    listed = result.output.split()
    assert listed == sorted(str(p.relative_to(site)) for p in (site / "govsite-manifest").iterdir())
    # A manifest of format 1 has no parts to download.
    old = tmp_path / "old.json"
    old.write_text('{"format": 1, "urls": {"": []}}')
    result = CliRunner().invoke(main, ["manifest-parts", str(old)])
    assert (result.exit_code, result.output) == (0, "")
    hostile = write_index(tmp_path, {"govsite-manifest/../../../etc/cron.d/x": "0" * 64})
    result = CliRunner().invoke(main, ["manifest-parts", str(hostile)])
    assert result.exit_code == 1
    assert f"{hostile}:1:1: (file): not a govsite manifest: " in result.output
    assert "is not the name of a part" in result.output
