"""Golden files for the version history of the example site: clause alignment, the changes
(with their word diffs and kinds) and the sections of every version's changes. `make golden` refreshes them after an intended change;
the diff of the golden files then shows what the change did to every page of history."""

from typing import Any

import pytest
from golden import assert_golden
from helpers import ROOT

from generator import pipeline
from generator.config import SiteConfig, load_site_config
from generator.diagnostics import Diagnostics
from generator.render.change_sections import change_sections


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


def test_golden_changes(example: pipeline.Build) -> None:
    found = {
        f"{document.key}/{entry.slug}": {
            "kind": entry.kind.value,
            "changes": [
                {
                    "status": c.status,
                    "old": list(c.old),
                    "new": list(c.new),
                    "segments": [[s.op, s.text] for s in c.segments],
                    "links": [list(link) for link in c.links],
                    "unchanged_before": c.unchanged_before,
                }
                for c in document.changes(entry)
            ],
        }
        for document, entry in changed_versions(example)
    }
    assert_golden("history_changes.json", found)


def test_golden_change_sections(example: pipeline.Build) -> None:
    assert example.model is not None and example.texts is not None
    texts = example.texts

    def view(entry: Any) -> Any:
        return None if entry is None or entry.is_removal else texts.view(entry.version)

    found = {
        f"{document.key}/{entry.slug}": [
            {
                "path": list(section.path),
                "rows": [
                    {
                        "label": row.label,
                        "clause": row.clause,
                        "in_this_version": row.in_this_version,
                        "analyses": [linked.key for linked in row.analyses],
                    }
                    for row in section.rows
                ],
            }
            for section in change_sections(
                example.model, document, entry, view(entry), view(document.previous(entry))
            )
        ]
        for document, entry in changed_versions(example)
    }
    assert_golden("history_change_sections.json", found)
