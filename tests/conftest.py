import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


import pytest
from helpers import ROOT, build_into


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site, built once per test run exactly as `make site` builds it."""
    return build_into(ROOT, tmp_path_factory.mktemp("example") / "site")
