"""Versions from git history: permalinks, changes, timelines, feeds, citations."""

import gzip
import json
import re
from pathlib import Path

import feedparser
from helpers import (
    TERMS_V1,
    TERMS_V2,
    Archive,
    build_into,
    build_site,
    every_page,
    make_site,
    provision_yml,
    published_files,
)

from generator.archive.permalinks import LOCK_NAME

TECHNICAL = "Apply technical or declaration upgrade on Acme Terms"


def pages_by_url(result):  # type: ignore[no-untyped-def]
    return {p.url: p for p in every_page(result)}


def test_every_version_has_a_permalink_and_later_ones_their_changes(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    result = build_site(config)
    pages = pages_by_url(result)
    for slug in ("2024-01-15", "2024-02-01", "2024-06-01"):
        assert f"acme/terms/{slug}/" in pages
    assert 'id="changes"' not in pages["acme/terms/2024-01-15/"].html
    assert 'id="changes"' in pages["acme/terms/2024-02-01/"].html
    assert 'id="changes"' in pages["acme/terms/2024-06-01/"].html
    assert "acme/terms/liability-cap/history/" in pages
    texts = {f.path: f.blob for f in result.output.blob_files}
    first = result.model.documents["acme/terms"].versions[0].version  # type: ignore[union-attr]
    assert texts[f"texts/{first.blob[:2]}/{first.blob}.md.gz"] == first.blob


def test_same_day_versions_get_suffixes_recorded_once(tmp_path: Path) -> None:
    config = make_site(
        tmp_path,
        texts=(TERMS_V1, TERMS_V2, TERMS_V2 + "\nMore.\n"),
        dates=("2024-01-15T08:00:00Z", "2024-01-15T09:00:00Z", "2024-01-15T10:00:00Z"),
        provisions={},
    )
    result = build_site(config, record=True)
    assert not result.diagnostics.errors
    assert {
        "acme/terms/2024-01-15/",
        "acme/terms/2024-01-15-2/",
        "acme/terms/2024-01-15-3/",
    } <= set(pages_by_url(result))
    lock = (tmp_path / LOCK_NAME).read_text()
    assert [line.split("\t")[1] for line in lock.splitlines() if not line.startswith("#")] == [
        "2024-01-15",
        "2024-01-15-2",
        "2024-01-15-3",
    ]
    build_site(config, record=True)
    assert (tmp_path / LOCK_NAME).read_text() == lock  # nothing new: nothing appended


def test_published_slugs_are_never_reassigned(tmp_path: Path) -> None:
    config = make_site(tmp_path, provisions={})
    build_site(config, record=True)
    before = (tmp_path / LOCK_NAME).read_text()
    # A new version recorded on an already published day takes the next free suffix.
    archive = Archive.existing(tmp_path)
    archive.commit(
        "2024-06-01T18:00:00Z", {"sources/Acme/Terms of Service.md": TERMS_V1}, "Record new changes"
    )
    result = build_site(config, record=True)
    assert not result.diagnostics.errors
    after = (tmp_path / LOCK_NAME).read_text()
    assert after.startswith(before)
    assert after[len(before) :].split("\t")[1] == "2024-06-01-2"


def test_a_build_fails_rather_than_lose_a_published_version(tmp_path: Path) -> None:
    config = make_site(tmp_path, provisions={})
    build_site(config, record=True)
    lock = tmp_path / LOCK_NAME
    lines = lock.read_text().splitlines()
    fields = lines[-1].split("\t")
    lines[-1] = "\t".join([fields[0], fields[1], "f" * 40, fields[3]])  # history rewritten
    lock.write_text("\n".join(lines) + "\n")
    errors = [str(d) for d in build_site(config).diagnostics.errors]
    assert errors == [
        f"versions.lock:{len(lines)}:1: acme/terms: published version 2024-06-01 (commit "
        "ffffffffffff) is no longer in the archive's history; restore it, since its URL must "
        "keep working (if the history was rewritten and the text is the same, `govsite "
        "repoint acme/terms/2024-06-01` moves the version to its new commit)"
    ]


def test_changes_page_counts_and_word_diff(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    pages = pages_by_url(build_site(config))
    html = pages["acme/terms/2024-02-01/"].html
    assert "1 clause edited (+1 / −1 words)." in html
    assert "<del>10</del><ins>100</ins>" in html
    assert "unchanged clauses" in html


def test_technical_reextraction_is_labelled(tmp_path: Path) -> None:
    config = make_site(tmp_path, provisions={})
    archive = Archive.existing(tmp_path)
    archive.commit(
        "2024-07-01", {"sources/Acme/Terms of Service.md": TERMS_V2.replace("#", "###")}, TECHNICAL
    )
    pages = pages_by_url(build_site(config))
    assert "Technical re-extraction" in pages["acme/terms/2024-07-01/"].html
    assert "govsite-kind-technical" in pages["acme/terms/"].html


def test_clause_anchor_is_stable_across_versions(tmp_path: Path) -> None:
    moved = (
        TERMS_V2.replace("## Use\n\nYou may use the service for lawful purposes only.\n\n", "")
        + "\n## Use\n\nYou may use the service for lawful purposes only.\n"
    )
    config = make_site(
        tmp_path,
        texts=(TERMS_V1, TERMS_V2, moved),
        provisions={},
    )
    pages = pages_by_url(build_site(config))

    def anchor_of(html: str, text: str) -> str:
        match = re.search(r'<p id="(c[0-9a-f-]+)">' + re.escape(text), html)
        assert match, text
        return match.group(1)

    liability = [
        anchor_of(pages[f"acme/terms/{s}/"].html, "Our liability is limited to")
        for s in ("2024-01-15", "2024-02-01", "2024-06-01")
    ]
    use = [
        anchor_of(pages[f"acme/terms/{s}/"].html, "You may use the service")
        for s in ("2024-01-15", "2024-02-01", "2024-06-01")
    ]
    assert len(set(liability)) == 1  # lightly edited (10 -> 100 dollars)
    assert len(set(use)) == 1  # moved to the end
    moved = pages["acme/terms/2024-06-01/"].html
    assert "Moved" in moved
    # The move links both places: where the clause was and where it is now.
    assert f'href="../2024-02-01/#{use[1]}">from ' in moved
    assert f'href="#{use[2]}">to ' in moved or f'href="./#{use[2]}">to ' in moved


def test_provision_history_and_staleness(tmp_path: Path) -> None:
    stale = provision_yml(
        quote="We may use your content to train our models.",
        topic="training",
        analyzed="2024-01-15",
    )
    config = make_site(tmp_path, provisions={"acme/terms/training": stale})
    result = build_site(config)
    assert result.model is not None
    linked = result.model.provisions["acme/terms/training"]
    assert linked.stale_since is not None and linked.stale_since.slug == "2024-06-01"
    assert [(s.entry.slug, s.status) for s in linked.history] == [
        ("2024-01-15", "first"),
        ("2024-06-01", "changed"),
    ]
    pages = pages_by_url(result)
    page = pages["acme/terms/training/"].html
    # The box says what the clause history says (changed, not gone), with the wording now.
    assert "The quoted clause changed since this analysis" in page
    assert "no longer in the text" not in page
    assert 'href="../2024-06-01/#changes">2024-06-01</a>' in page
    assert "Quoted (version of 2024-01-15)" in page and "Now (<a" in page
    history = pages["acme/terms/training/history/"].html
    assert "<del>may" in history


def test_cite_panel_formats(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    result = build_site(config)
    page = pages_by_url(result)["acme/terms/2024-02-01/"]
    assert page.meta["cite_as"] == "https://test.example/acme/terms/2024-02-01/"
    blob = result.model.documents["acme/terms"].versions[1].version.blob  # type: ignore[union-attr]
    for needle in (
        "Acme, Terms of Service, version recorded 2024-02-01 (Feb. 1, 2024), "
        "https://acme.example/terms (archived at "
        "https://test.example/acme/terms/2024-02-01/, content hash " + blob[:12] + ").",
        "Acme. (2024, February 1). Terms of Service [Version recorded 2024-02-01]. Test site.",
        "@misc{acme-terms-2024-02-01,",
        "&#34;date-parts&#34;: [",
        "TY  - ELEC",
        blob,
    ):
        assert needle in page.html, needle
    provision = pages_by_url(result)["acme/terms/liability-cap/"]
    assert provision.meta["cite_as"] == "https://test.example/acme/terms/liability-cap/"
    assert "Tester. (2024, March 1). Liability cap" in provision.html
    # Every format names the version an analysis read, the Bluebook-like line included,
    # and the Wayback Machine link asks for that version's date, as its label says.
    assert "Liability cap, analysis of Acme Terms of Service, version recorded 2024-" in (
        provision.html
    )


def test_feeds_are_valid_atom_with_one_entry_per_version(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    notes = tmp_path / "content/changes/acme/terms"
    notes.mkdir(parents=True)
    (notes / "2024-02-01.yml").write_text(
        "summary: The cap went **up** tenfold.\nsignificance: substantive\n"
    )
    result = build_site(config)
    assert not result.diagnostics.errors
    files = published_files(result.output.files, tmp_path / "written")
    for path in ("feed.xml", "acme/feed.xml", "acme/terms/feed.xml"):
        feed = feedparser.parse(files[path])
        assert not feed.bozo, (path, feed.bozo_exception)
        assert feed.version == "atom10"
        assert len(feed.entries) == 3
    entries = feedparser.parse(files["acme/terms/feed.xml"]).entries
    assert [e.link for e in entries] == [
        "https://test.example/acme/terms/2024-06-01/#changes",
        "https://test.example/acme/terms/2024-02-01/#changes",
        "https://test.example/acme/terms/2024-01-15/",
    ]
    assert "The cap went <strong>up</strong> tenfold." in entries[1].summary
    assert "Substantive" in entries[1].summary
    assert [t.term for t in entries[1].tags] == ["substantive"]
    assert entries[1].tags[0].scheme == "https://test.example/kinds/"
    timeline = pages_by_url(result)["acme/terms/"].html
    assert 'data-kind="substantive"' in timeline and "govsite-kind-filter" in timeline


def test_change_note_for_unknown_version_is_an_error(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    notes = tmp_path / "content/changes/acme/terms"
    notes.mkdir(parents=True)
    (notes / "2024-03-03.yml").write_text("summary: x\nsignificance: editorial\n")
    [error] = build_site(config, render=False).diagnostics.errors
    assert str(error) == (
        "content/changes/acme/terms/2024-03-03.yml:1:1: (file): acme/terms has no version "
        "2024-03-03 (versions: 2024-01-15, 2024-02-01, 2024-06-01)"
    )


def test_mkdocs_publishes_cite_as_feeds_and_raw_texts(tmp_path: Path) -> None:
    make_site(tmp_path)
    site = build_into(tmp_path, tmp_path / "site")
    version = (site / "acme/terms/2024-02-01/index.html").read_text()
    assert '<link rel="cite-as" href="https://test.example/acme/terms/2024-02-01/">' in version
    assert (site / "feed.xml").is_file() and (site / "acme/terms/feed.xml").is_file()
    version = (site / "acme/terms/2024-02-01/index.html").read_text()
    text = re.search(
        r'href="\.\./\.\./\.\./(texts/[0-9a-f]{2}/[0-9a-f]{40}\.md\.gz)" download', version
    )
    assert text is not None
    assert gzip.decompress((site / text.group(1)).read_bytes()).decode() == TERMS_V2
    index = json.loads((site / "search/search_index.json").read_text())
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "acme/terms/liability-cap/" in locations
    assert not any(re.match(r"acme/terms/\d{4}-", loc) for loc in locations)  # versions: no


def test_a_document_removed_and_restored_keeps_its_anchors(tmp_path: Path) -> None:
    config = make_site(tmp_path, provisions={})
    archive = Archive.existing(tmp_path)
    archive.commit("2024-07-01", {"sources/Acme/Terms of Service.md": None}, "Remove Acme Terms")
    archive.commit("2024-08-01", {"sources/Acme/Terms of Service.md": TERMS_V2}, "Restore")
    result = build_site(config)
    assert not result.diagnostics.errors
    pages = pages_by_url(result)
    assert "Removal recorded 2024-07-01" in pages["acme/terms/2024-07-01/"].html
    restored = pages["acme/terms/2024-08-01/"].html
    assert "govsite-kind-restored" in restored and "Added" in restored
    assert "removed" not in restored.split('id="changes"')[1].split('id="text"')[0]
    document = result.model.documents["acme/terms"]  # type: ignore[union-attr]
    before, after = document.versions[2], document.versions[4]
    liability_before = document.clause_ids(before)[-1]
    assert liability_before in document.clause_ids(after)  # the same clause keeps its anchor
