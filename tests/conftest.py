from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
# Tests make sites for archives that have no public address, with govsite installed from this
# folder: `govsite init` would rightly stop and ask how CI reaches both (tests of that unset
# these).
os.environ.setdefault("GOVSITE_ARCHIVE_URL", "https://git.example/archive.git")
os.environ.setdefault("GOVSITE_REQUIREMENT", "govsite @ git+https://git.example/govsite.git@main")


import pytest
from helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, browser_missing, build_into

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site, built once per test run exactly as `make site` builds it."""
    return build_into(ROOT, tmp_path_factory.mktemp("example") / "site")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium, driven by Playwright, for one test module (skipped, saying what is
    missing, on a machine without them)."""
    missing = browser_missing()
    if missing:
        pytest.skip("browser tests need: " + "; ".join(missing))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page at desktop width, allowed to use the clipboard."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    yield page
    context.close()
