import os
import subprocess
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner
from helpers import Archive

from generator.cli import main
from generator.cli.scaffold import slugify


def test_slugify() -> None:
    assert slugify("Claude.ai") == "claude-ai"
    assert slugify("Terms of Service") == "terms-of-service"
    assert slugify("Conditions Générales") == "conditions-generales"


def test_init_creates_a_site_that_builds_unchanged(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    archive.commit("2024-01-01", {"README.md": "not a document\n"}, "Initial commit")
    archive.commit(
        "2024-01-02", {"Chat.app/Terms of Service.md": "# T\n\nOne.\n"}, "First record of"
    )
    archive.commit("2024-01-03", {"Chat.app/Privacy Policy.md": "# P\n\nTwo.\n"}, "First record of")
    archive.commit("2024-02-03", {"Chat.app/Terms of Service.md": "# T\n\nOne!\n"})
    archive.commit("2024-03-01", {"Data/Old Policy.md": "# O\n\nGone soon.\n"}, "First record of")
    archive.commit("2024-04-01", {"Data/Old Policy.md": None}, "Remove")
    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["init", str(site), "--archive", str(archive.path)])
    assert result.exit_code == 0, result.output
    platform = yaml.safe_load((site / "content/platforms/chat-app.yml").read_text())
    assert platform["name"] == "Chat.app"
    assert platform["documents"]["terms-of-service"]["source"] == "Chat.app/Terms of Service.md"
    # A folder named like a reserved URL segment gets another id; removed files are kept.
    data = yaml.safe_load((site / "content/platforms/data-2.yml").read_text())
    assert data["documents"]["old-policy"]["source"] == "Data/Old Policy.md"
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=site,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert build.returncode == 0, build.stderr
    changed = site / "site/chat-app/terms-of-service/2024-02-03/index.html"
    assert 'id="changes"' in changed.read_text()
    assert (site / "site/data-2/old-policy/2024-04-01/index.html").is_file()
    again = CliRunner().invoke(main, ["init", str(site), "--archive", str(archive.path)])
    assert again.exit_code == 1 and "already exists" in again.output
