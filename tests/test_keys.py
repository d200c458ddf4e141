"""Cache keys are computed from the model: an edit changes the keys of exactly the outputs
that show it. Direct calls, no build subprocess (the end-to-end proofs are in test_cache)."""

from pathlib import Path

import pytest
from helpers import (
    TERMS_V3,
    Archive,
    build_site,
    two_platform_site,
)

from generator.config import SiteConfig
from generator.render.keys import canonical, model_key, provision_history_key, version_page_key


def keys(root: Path) -> tuple[dict[str, str], str]:
    """The key of each history page (by URL) and the model's key, as a build computes them."""
    build = build_site(build_config(root), render=False)
    assert build.model is not None and not build.diagnostics.errors
    model, config = build.model, build.config
    pages = {
        f"{key}/{e.slug}/": version_page_key(model, d, e, config)
        for key, d in model.documents.items()
        for e in d.versions
    }
    pages.update(
        {
            f"{k}/history/": provision_history_key(model, p, config)
            for k, p in model.provisions.items()
        }
    )
    return pages, model_key(model, config)


def of(pages: dict[str, str], prefix: str) -> dict[str, str]:
    return {url: key for url, key in pages.items() if url.startswith(prefix)}


def build_config(root: Path) -> SiteConfig:
    return SiteConfig.from_options(
        root, {"cache": False}, site_name="Test site", site_url="https://test.example/"
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return two_platform_site(tmp_path)


def test_keys_are_the_same_for_the_same_inputs(site: Path) -> None:
    assert keys(site) == keys(site)


def test_editing_an_analysis_changes_its_documents_history_only(site: Path) -> None:
    pages, data = keys(site)
    path = site / "content/provisions/acme/terms/liability-cap.yml"
    path.write_text(path.read_text().replace("Liability cap", "Renamed cap"))
    after, data_after = keys(site)
    # its markers are on every version page of its document
    assert all(after[url] != key for url, key in of(pages, "acme/terms/").items())
    assert of(after, "other/terms/") == of(pages, "other/terms/")
    assert data_after != data


def test_a_new_commit_changes_only_the_pages_that_show_it(site: Path) -> None:
    pages, data = keys(site)
    Archive.existing(site).commit(
        "2024-09-01", {"sources/Acme/Terms of Service.md": TERMS_V3 + "\nNew.\n"}
    )
    after, data_after = keys(site)
    new = set(after) - set(pages)
    assert new == {"acme/terms/2024-09-01/"}
    changed = {url for url in pages if after[url] != pages[url]}
    # the older versions' pages stay but the one before the new version, which links to it
    # as the next; the clause history lists every version
    assert changed == {"acme/terms/liability-cap/history/", "acme/terms/2024-06-01/"}
    assert data_after != data


def test_a_registry_edit_reaches_the_data_but_no_history(site: Path) -> None:
    pages, data = keys(site)
    topics = site / "content/topics.yml"
    topics.write_text(topics.read_text().replace("title: Liability", "title: Liability caps"))
    after, data_after = keys(site)
    assert after == pages
    assert data_after != data


def test_a_platform_edit_reaches_its_documents(site: Path) -> None:
    pages, _ = keys(site)
    platform = site / "content/platforms/other.yml"
    platform.write_text(platform.read_text().replace("name: Other", "name: Other Inc."))
    after, _ = keys(site)
    assert all(after[url] != key for url, key in of(pages, "other/terms/").items())
    assert of(after, "acme/terms/") == of(pages, "acme/terms/")


def test_canonical_form_refuses_what_it_cannot_make_stable() -> None:
    assert canonical({"a": [1, "x", None]}) == canonical({"a": [1, "x", None]})
    with pytest.raises(TypeError):
        canonical(object())


def test_a_version_field_a_page_shows_is_in_the_page_key(site: Path) -> None:
    """Each field of a version changed in turn: when the version's page shows the change,
    its key changes too (a field missing from the key would serve the stale page)."""
    from dataclasses import fields, replace
    from datetime import timedelta

    from generator.compare.changes import ChangeStats
    from generator.compare.kinds import ChangeKind
    from generator.content.records import ChangeNote
    from generator.diagnostics import Origin
    from generator.link.model import DocumentVersion
    from generator.render.context import RenderContext
    from generator.render.environment import make_environment
    from generator.render.history_pages import version_page

    config = build_config(site)
    build = build_site(config, render=False)
    assert build.model is not None and build.texts is not None
    model = build.model
    env = make_environment([config.templates_dir / "pages"], None)
    ctx = RenderContext(model, build.texts, env, config, build.cache)
    document = model.documents["acme/terms"]
    entry = document.versions[-1]
    assert len(document.versions) > 2 and entry.stats is not None
    first = document.versions[0]

    def other(kind: ChangeKind) -> ChangeKind:
        return ChangeKind.EDITORIAL if kind is not ChangeKind.EDITORIAL else ChangeKind.SUBSTANTIVE

    changed = {
        "version": replace(entry.version, date=entry.version.date + timedelta(days=1)),
        "slug": entry.slug + "-2",
        "kind": other(entry.kind),
        "computed_kind": other(entry.computed_kind),
        "stats": ChangeStats(*(value + 3 for value in entry.stats)),
        "clause_count": entry.clause_count + 7,
        "note": ChangeNote(
            "acme", "terms", entry.slug, "What changed.", "editorial", [], Origin("note.yml")
        ),
        "day_rank": 2,
        "day_count": 3,
        "same_as": 1,
        "recurring": (0,),
        "recorded_after": first,
        # The document it belongs to: its URLs are made from it.
        "document_key": "acme/other-terms",
    }
    # Its place in the document: previous and next are read from it (the slug stands for it).
    unchanged = {"number"}
    assert {f.name for f in fields(DocumentVersion)} == set(changed) | unchanged

    def page_and_key(version: DocumentVersion) -> tuple[str, str]:
        document.versions[-1] = version
        try:
            return version_page(ctx, document, version).html, version_page_key(
                model, document, version, config
            )
        finally:
            document.versions[-1] = entry

    html, key = page_and_key(entry)
    shown = set()
    for name, value in changed.items():
        html_after, key_after = page_and_key(replace(entry, **{name: value}))
        if html_after != html:
            shown.add(name)
            assert key_after != key, f"the page shows {name} but its key does not cover it"
    # The check is not empty: these fields show on every version page.
    assert {"version", "slug", "kind", "note", "stats", "day_count"} <= shown, shown
