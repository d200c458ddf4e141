"""Cache keys are computed from the model: an edit changes the keys of exactly the outputs
that show it. Direct calls, no build subprocess (the end-to-end proofs are in test_cache)."""

from pathlib import Path

import pytest
from helpers import PLATFORM_YML, TERMS_V1, TERMS_V3, Archive, build_site, make_site

from generator.config import SiteConfig
from generator.render.keys import canonical, history_key, model_key

OTHER_PLATFORM = PLATFORM_YML.replace("Acme", "Other").replace("acme", "other")


def keys(root: Path) -> tuple[dict[str, str], str]:
    """The history key of each document and the model's key, as a build computes them."""
    build = build_site(build_config(root), render=False)
    assert build.model is not None and not build.diagnostics.errors
    model = build.model
    histories = {k: history_key(model, d, build.config) for k, d in model.documents.items()}
    return histories, model_key(model, build.config)


def build_config(root: Path) -> SiteConfig:
    return SiteConfig.from_options(
        root, {"cache": False}, site_name="Test site", site_url="https://test.example/"
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    make_site(tmp_path)
    (tmp_path / "content/platforms/other.yml").write_text(OTHER_PLATFORM)
    Archive.existing(tmp_path).commit(
        "2024-01-20", {"sources/Other/Terms of Service.md": TERMS_V1}, "First record of Other"
    )
    return tmp_path


def test_keys_are_the_same_for_the_same_inputs(site: Path) -> None:
    assert keys(site) == keys(site)


def test_editing_an_analysis_changes_its_documents_history_only(site: Path) -> None:
    histories, data = keys(site)
    path = site / "content/provisions/acme/terms/liability-cap.yml"
    path.write_text(path.read_text().replace("Liability cap", "Renamed cap"))
    after, data_after = keys(site)
    assert after["acme/terms"] != histories["acme/terms"]
    assert after["other/terms"] == histories["other/terms"]
    assert data_after != data


def test_a_new_commit_changes_only_its_documents_history(site: Path) -> None:
    histories, data = keys(site)
    Archive.existing(site).commit(
        "2024-09-01", {"sources/Acme/Terms of Service.md": TERMS_V3 + "\nNew.\n"}
    )
    after, data_after = keys(site)
    assert after["acme/terms"] != histories["acme/terms"]
    assert after["other/terms"] == histories["other/terms"]
    assert data_after != data


def test_a_registry_edit_reaches_the_data_but_no_history(site: Path) -> None:
    histories, data = keys(site)
    topics = site / "content/topics.yml"
    topics.write_text(topics.read_text().replace("title: Liability", "title: Liability caps"))
    after, data_after = keys(site)
    assert after == histories
    assert data_after != data


def test_a_platform_edit_reaches_its_documents(site: Path) -> None:
    histories, _ = keys(site)
    platform = site / "content/platforms/other.yml"
    platform.write_text(platform.read_text().replace("name: Other", "name: Other Inc."))
    after, _ = keys(site)
    assert after["other/terms"] != histories["other/terms"]
    assert after["acme/terms"] == histories["acme/terms"]


def test_canonical_form_refuses_what_it_cannot_make_stable() -> None:
    assert canonical({"a": [1, "x", None]}) == canonical({"a": [1, "x", None]})
    with pytest.raises(TypeError):
        canonical(object())
