"""govsite's own markup passes the Nu HTML checker (vnu) on every page type of the example site.

Needs Java and the checker's jar (GOVSITE_VNU, or the npm package vnu-jar that `.ci/run`
installs into test-output/node); without them the test skips, saying what is missing. The
theme's own markup has known findings that govsite cannot change; they are listed below, each
matched by the theme's markup it reports on, so that anything else fails the test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers import PAGE_TYPES, ROOT

VNU = Path(
    os.environ.get("GOVSITE_VNU", ROOT / "test-output/node/node_modules/vnu-jar/build/dist/vnu.jar")
)
JAVA = shutil.which("java")

# (message starts with, the theme markup it is about): mkdocs-material's drawer and search
# toggles are checkboxes with autocomplete="off", and its table-of-contents title labels a
# toggle hidden on wide screens. Both are the theme's templates, not govsite's.
THEME_FINDINGS = (
    ("Attribute “autocomplete” is only allowed", 'class="md-toggle"'),
    ("The value of the “for” attribute of the “label” element", 'for="__toc"'),
)

missing = ([] if JAVA else ["no java on the PATH"]) + (
    [] if VNU.exists() else [f"no Nu HTML checker at {VNU} (npm install vnu-jar)"]
)
pytestmark = pytest.mark.skipif(
    bool(missing), reason="the HTML checker needs: " + "; ".join(missing)
)


def from_the_theme(message: dict[str, Any]) -> bool:
    text = str(message.get("message", ""))
    extract = str(message.get("extract", ""))
    return any(text.startswith(start) and markup in extract for start, markup in THEME_FINDINGS)


def nu_errors(files: list[str]) -> list[str]:
    """The Nu checker's errors on ``files`` (their folder, line and message), the theme's
    known findings left out."""
    assert JAVA is not None
    result = subprocess.run(
        [JAVA, "-jar", str(VNU), "--format", "json", "--errors-only", *files],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{Path(m.get('url', '')).parent.name}: line {m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") in ("error", "non-document-error") and not from_the_theme(m)
    ]


def test_the_theme_filter_keeps_what_govsite_writes() -> None:
    """The filter drops only the theme's known findings: the same message about govsite's
    markup is kept."""
    theme = {"message": THEME_FINDINGS[0][0] + " ...", "extract": '<input class="md-toggle" x>'}
    ours = {"message": THEME_FINDINGS[0][0] + " ...", "extract": '<input class="govsite-x">'}
    assert from_the_theme(theme)
    assert not from_the_theme(ours)


def test_govsite_markup_has_no_html_error(example_site: Path) -> None:
    pages = sorted({PAGE_TYPES[kind].split("?")[0].split("#")[0] for kind in PAGE_TYPES})
    files = [str(example_site / page / "index.html") for page in pages]
    assert all(Path(file).exists() for file in files), files
    assert nu_errors(files) == []
