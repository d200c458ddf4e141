import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
# Tests make sites for archives that have no public address, with govsite installed from this
# folder: `govsite init` would rightly stop and ask how CI reaches both (tests of that unset
# these).
os.environ.setdefault("GOVSITE_ARCHIVE_URL", "https://git.example/archive.git")
os.environ.setdefault("GOVSITE_REQUIREMENT", "govsite @ git+https://git.example/govsite.git@main")


import pytest
from helpers import ROOT, build_into


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site, built once per test run exactly as `make site` builds it."""
    return build_into(ROOT, tmp_path_factory.mktemp("example") / "site")
