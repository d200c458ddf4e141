"""The site engine is a seam: the example site builds the same under mkdocs and ProperDocs.

MkDocs 1.x is unmaintained; ProperDocs is its maintained drop-in continuation. Only the
``generator`` meta tag (the engine's name) may differ between the two builds.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, build_into

GENERATOR_TAG = re.compile(rb'<meta name="generator" content="[^"]*">')


def properdocs_build(out: Path) -> Path:
    result = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_example_site_is_the_same_under_mkdocs_and_properdocs(tmp_path: Path) -> None:
    pytest.importorskip("properdocs", reason="ProperDocs is not installed")
    built_by_mkdocs = files(build_into(ROOT, tmp_path / "mkdocs"))
    built_by_properdocs = files(properdocs_build(tmp_path / "properdocs"))
    assert sorted(built_by_mkdocs) == sorted(built_by_properdocs)
    differing = [p for p in built_by_mkdocs if built_by_mkdocs[p] != built_by_properdocs[p]]
    assert differing, "expected the generator tag to name each engine"
    tags = set()
    for path in differing:
        mkdocs_page, properdocs_page = built_by_mkdocs[path], built_by_properdocs[path]
        assert GENERATOR_TAG.sub(b"", mkdocs_page) == GENERATOR_TAG.sub(b"", properdocs_page), path
        tags.update(GENERATOR_TAG.findall(mkdocs_page) + GENERATOR_TAG.findall(properdocs_page))
    # Every page names the engine that built it, the history pages (which govsite renders
    # and caches itself) included: a cached page is never carried across engines.
    assert any(b"ProperDocs" in tag for tag in tags) and any(b"mkdocs-1" in tag for tag in tags)
    history_page = "nimbus/terms/2024-09-30/index.html"
    assert b"ProperDocs" in built_by_properdocs[history_page]
    assert b"ProperDocs" not in built_by_mkdocs[history_page]
