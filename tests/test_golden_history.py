"""Golden files for the version history of the example site: clause alignment, word diffs
and the rows of every changes page. `make golden` refreshes them after an intended change;
the diff of the golden files then shows what the change did to every page of history."""

from typing import Any

import pytest
from golden import assert_golden
from helpers import ROOT

from generator import pipeline
from generator.cache import Cache
from generator.config import SiteConfig, load_site_config
from generator.diagnostics import Diagnostics
from generator.render.context import RenderContext
from generator.render.environment import make_environment
from generator.render.history import change_rows


@pytest.fixture(scope="module")
def example() -> pipeline.Build:
    loaded = load_site_config(ROOT / "mkdocs.yml", Diagnostics())
    assert loaded is not None
    config = SiteConfig.from_options(ROOT, {"cache": False}, loaded.site_name, loaded.site_url)
    build = pipeline.run(config, until="link")
    assert not build.diagnostics.errors
    return build


def changed_versions(build: pipeline.Build) -> list[tuple[Any, Any]]:
    assert build.model is not None
    return [
        (document, entry)
        for document in build.model.documents.values()
        for entry in document.versions[1:]
    ]


def test_golden_alignment(example: pipeline.Build) -> None:
    found = {
        f"{document.key}/{entry.slug}": [
            [pair.old, pair.new, pair.status] for pair in document.pairs(entry) or []
        ]
        for document, entry in changed_versions(example)
    }
    assert_golden("history_alignment.json", found)


def test_golden_word_diffs(example: pipeline.Build) -> None:
    found = {
        f"{document.key}/{entry.slug}": {
            str(block): [[s.op, s.text] for s in segments]
            for block, segments in sorted(document.diffs(entry).items())
        }
        for document, entry in changed_versions(example)
    }
    assert_golden("history_word_diffs.json", found)


def test_golden_changes_rows(example: pipeline.Build) -> None:
    assert example.model is not None and example.texts is not None
    context = RenderContext(
        example.model, example.texts, make_environment(), example.config, Cache(None)
    )

    def plain(row: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"status": row["status"]}
        for side in ("old", "new"):
            if row.get(side) is not None:
                out[side] = row[side].text
        for key in ("count", "id"):
            if key in row:
                out[key] = row[key]
        if "segments" in row:
            out["segments"] = [[s.op, s.text] for s in row["segments"]]
        return out

    found = {
        f"{document.key}/{entry.slug}": [
            plain(row) for row in change_rows(context, document, entry)
        ]
        for document, entry in changed_versions(example)
    }
    assert_golden("history_changes_rows.json", found)
