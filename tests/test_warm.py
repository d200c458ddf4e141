"""A rebuild after one new version renders what shows that version, not the whole history:
the pages, records and feeds of the other documents come from the cache. Renders are
counted in this process (no timing); the output is checked against a build without cache."""

import lzma
from pathlib import Path

import pytest
from helpers import (
    TERMS_V3,
    Archive,
    build_site,
    make_site,
    published_files,
    two_platform_site,
)

from generator import pipeline
from generator.cache import digest
from generator.config import SiteConfig
from generator.render import data, feeds, keys
from generator.render.context import RenderContext
from generator.render.feeds import FEED_LENGTH
from generator.render.keys import VersionForms, canonical


def config(root: Path, cache: bool = True) -> SiteConfig:
    return SiteConfig.from_options(
        root, {"cache": cache}, site_name="Test site", site_url="https://test.example/"
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return two_platform_site(tmp_path)


class Renders:
    """What a build rendered: pages by URL, feed entries and data records by document."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.pages: list[str] = []
        self.entries: list[str] = []
        self.records: list[str] = []
        page, entry, records = RenderContext.page, feeds.version_entry, data.document_files

        def counted_page(ctx: RenderContext, template: str, url: str, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.pages.append(url)
            return page(ctx, template, url, *args, **kwargs)

        def counted_entry(ctx, document, version):  # type: ignore[no-untyped-def]
            self.entries.append(document.key)
            return entry(ctx, document, version)

        def counted_records(document, model, absolute):  # type: ignore[no-untyped-def]
            self.records.append(document.key)
            return records(document, model, absolute)

        monkeypatch.setattr(RenderContext, "page", counted_page)
        monkeypatch.setattr(feeds, "version_entry", counted_entry)
        monkeypatch.setattr("generator.render.site.document_files", counted_records)

    def build(self, root: Path, cache: bool = True) -> pipeline.Build:
        self.pages, self.entries, self.records = [], [], []
        build = build_site(config(root, cache))
        assert build.output is not None and not build.diagnostics.errors
        return build


def test_a_new_version_renders_its_documents_pages_and_the_hubs_only(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders = Renders(monkeypatch)
    renders.build(site)
    assert {"acme/terms/", "other/terms/", "acme/", "other/"} <= set(renders.pages)
    assert set(renders.entries) == {"acme/terms", "other/terms"}

    renders.build(site)
    assert renders.pages == [] and renders.entries == [] and renders.records == []

    Archive.existing(site).commit(
        "2024-09-01", {"sources/Acme/Terms of Service.md": TERMS_V3 + "\nNew.\n"}
    )
    renders.build(site)
    # The changed document's page and its platform's, and the hubs that list across
    # documents; nothing of the other document.
    assert "acme/terms/" in renders.pages and "acme/" in renders.pages
    assert not [url for url in renders.pages if url.startswith("other/")], renders.pages
    assert "platforms/" in renders.pages
    assert set(renders.entries) == {"acme/terms"} and renders.records == ["acme/terms"]


def test_a_warm_build_gives_what_a_build_without_cache_gives(
    site: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders = Renders(monkeypatch)
    renders.build(site)
    Archive.existing(site).commit(
        "2024-09-01", {"sources/Acme/Terms of Service.md": TERMS_V3 + "\nNew.\n"}
    )
    warm = renders.build(site).output
    fresh = renders.build(site, cache=False).output
    assert warm is not None and fresh is not None
    assert [(p.url, p.html, p.meta, p.toc) for p in warm.pages] == [
        (p.url, p.html, p.meta, p.toc) for p in fresh.pages
    ]
    assert warm.home is not None and fresh.home is not None and warm.home.html == fresh.home.html
    written = tmp_path_factory.mktemp("written")
    assert published_files(warm.files, written / "warm") == published_files(
        fresh.files, written / "fresh"
    )
    # With a cache, a document's records and feeds are not held in memory until written.
    feed = next(f for f in warm.files if f.path == "acme/terms/feed.xml")
    assert feed.write is not None and feed.content == b""


def test_a_feed_carries_the_newest_entries_only(tmp_path: Path) -> None:
    make_site(tmp_path)
    archive = Archive.existing(tmp_path)
    for day in range(FEED_LENGTH + 3):
        archive.commit(
            f"2025-{1 + day // 28:02d}-{1 + day % 28:02d}",
            {"sources/Acme/Terms of Service.md": TERMS_V3 + f"\nClause {day}.\n"},
        )
    build = build_site(config(tmp_path, cache=False))
    assert build.output is not None
    feed = next(f for f in build.output.files if f.path == "acme/terms/feed.xml")
    site_feed = next(f for f in build.output.files if f.path == "feed.xml")
    for content in (feed.content, site_feed.content):
        assert content.count(b"<entry>") == FEED_LENGTH
        # the newest is in, the oldest out
        assert b"2025-02-25" in content and b"2024-01-15" not in content


def _forms(build: pipeline.Build) -> dict[str, str]:
    """Each version's form as a render context gets it, by URL."""
    assert build.model is not None
    forms = VersionForms(build.model, build.cache)
    return {e.page_url: forms(e) for d in build.model.documents.values() for e in d.versions}


def test_version_forms_are_walked_for_the_documents_that_changed_only(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    walked: list[str] = []
    version = keys._version

    def counted(entry):  # type: ignore[no-untyped-def]
        walked.append(entry.page_url)
        return version(entry)

    monkeypatch.setattr(keys, "_version", counted)
    first = build_site(config(site))
    _forms(first)
    assert len(walked) == 4  # acme's three versions and other's one, walked once
    walked.clear()
    again = build_site(config(site))
    forms = _forms(again)
    assert walked == []
    # What the cache gave is each version's canonical form.
    assert again.model is not None
    assert forms == {
        e.page_url: digest(canonical(e)) for d in again.model.documents.values() for e in d.versions
    }

    note = site / "content/changes/acme/terms/2024-02-01.yml"
    note.parent.mkdir(parents=True)
    note.write_text("summary: The cap went up.\nsignificance: substantive\n")
    _forms(build_site(config(site)))
    assert sorted(walked) == sorted(u for u in forms if u.startswith("acme/terms/"))
    walked.clear()
    Archive.existing(site).commit(
        "2024-09-01", {"sources/Other/Terms of Service.md": TERMS_V3}, "Record new changes"
    )
    newer = build_site(config(site))
    after = _forms(newer)
    assert {u.split("/")[0] for u in walked} == {"other"} and len(walked) == 2
    assert newer.model is not None
    assert after == {
        e.page_url: digest(canonical(e)) for d in newer.model.documents.values() for e in d.versions
    }


def _dataset(build: pipeline.Build, target: Path) -> bytes:
    assert build.output is not None and not build.diagnostics.errors
    [dataset] = [f for f in build.output.files if f.path == "data/dataset.tar.xz"]
    assert dataset.write is not None
    dataset.write(target)
    return target.read_bytes()


def test_the_dataset_encodes_the_records_of_changed_documents_only_and_equals_a_fresh_one(
    site: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.render import dataset

    encoded: list[str] = []
    record = dataset.document_record

    def counted(document, model, absolute):  # type: ignore[no-untyped-def]
        encoded.append(document.key)
        return record(document, model, absolute)

    monkeypatch.setattr(dataset, "document_record", counted)
    out = tmp_path_factory.mktemp("datasets")
    _dataset(build_site(config(site)), out / "first")
    assert sorted(encoded) == ["acme/terms", "other/terms"]

    encoded.clear()
    Archive.existing(site).commit(
        "2024-09-01", {"sources/Acme/Terms of Service.md": TERMS_V3 + "\nNew.\n"}
    )
    warm = _dataset(build_site(config(site)), out / "warm")
    assert encoded == ["acme/terms"]  # the other document's part came from the cache
    assert warm == _dataset(build_site(config(site, cache=False)), out / "fresh")

    # A change to what a record shows but not to its document's texts (the declared title
    # of the other platform's document) makes that document's part again.
    declared = site / "content/platforms/other.yml"
    declared.write_text(declared.read_text().replace("title: Terms of Service", "title: Rules"))
    encoded.clear()
    warm = _dataset(build_site(config(site)), out / "retitled")
    assert "other/terms" in encoded
    fresh = _dataset(build_site(config(site, cache=False)), out / "retitled-fresh")
    assert warm == fresh and b"Rules" in lzma.decompress(fresh)
