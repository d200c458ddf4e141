"""govsite as its users get it: the sdist and wheel, a clean environment, and the workflow
`govsite init` writes, run step by step on a fresh clone of the site it made.

These tests are slow (a clean virtual environment with every dependency, a build of the
package); they run once each. The GitHub actions of the workflow are stood in for by their
local equivalents: checkout is a full `git clone`, setup-python is the clean environment put
first on the PATH, the cache is a folder kept between the jobs, upload-pages-artifact is the
tar file the action makes. Every `run:` step runs as written, in order, with bash as GitHub
runs it. Git addresses of the form https://git.example/... are redirected to local
repositories with git's own `url.<base>.insteadOf`, so the addresses in the files stay the
ones a real site would have.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import time
import venv
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ROOT, Archive, git

SITE_URL = "https://site.invalid/"  # .invalid never resolves: "no published site yet"
GOVSITE_URL = "https://git.example/govsite.git"
ARCHIVE_URL = "https://git.example/archive.git"


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 900) -> str:
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=timeout
    )
    assert result.returncode == 0, f"{args}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout + result.stderr


def snapshot(target: Path) -> str:
    """This working tree as it is (uncommitted changes included, ignored files left out), as
    the one commit of a new repository; its id."""
    index = target.parent / "snapshot-index"
    env = {**os.environ, "GIT_INDEX_FILE": str(index)}
    subprocess.run(["git", "-C", str(ROOT), "add", "-A"], env=env, check=True)
    tree = subprocess.run(
        ["git", "-C", str(ROOT), "write-tree"], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    target.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", tree], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    repository = Archive(target)
    git(target, "add", "-A")
    return repository.commit("2026-01-01", {}, "govsite as tested")


def test_the_sdist_and_wheel_are_clean_and_pass_twine(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], ROOT, dict(os.environ))
    [sdist] = out.glob("*.tar.gz")
    [wheel] = out.glob("*.whl")
    checked = run(
        [sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)],
        ROOT,
        dict(os.environ),
    )
    assert checked.count("PASSED") == 2, checked
    with tarfile.open(sdist) as tar:
        names = [name.split("/", 1)[1] for name in tar.getnames() if "/" in name]
    tops = {name.split("/", 1)[0] for name in names}
    assert tops <= {
        "generator",
        "templates",
        "README.md",
        "LICENSE",
        "pyproject.toml",
        "PKG-INFO",
        ".gitignore",
    }, tops
    assert not [n for n in names if ".hypothesis" in n or "test-output" in n or "__pycache__" in n]
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(next(n for n in archive.namelist() if n.endswith("/METADATA")))
        listed = archive.namelist()
    text = metadata.decode()
    assert "Classifier: License :: OSI Approved :: MIT License" in text
    assert "Project-URL: Source," in text and "License-File: LICENSE" in text
    assert any(n.endswith("licenses/LICENSE") for n in listed)
    assert "generator/templates/pages/version.html" in listed


def workflow_env(tmp_path: Path, repositories: dict[str, Path], venv_bin: Path) -> dict[str, str]:
    """The environment steps run in: git redirects the example addresses to local folders,
    the clean environment comes first on the PATH (setup-python)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GOVSITE_", "VIRTUAL_ENV", "PYTHON"))
    }
    env["PATH"] = f"{venv_bin}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(tmp_path / "home")
    (tmp_path / "home").mkdir(exist_ok=True)
    env["GIT_CONFIG_GLOBAL"] = "/dev/null"
    env["GIT_CONFIG_COUNT"] = str(len(repositories) + 1)
    for index, (url, path) in enumerate(repositories.items()):
        env[f"GIT_CONFIG_KEY_{index}"] = f"url.{path.as_uri()}.insteadOf"
        env[f"GIT_CONFIG_VALUE_{index}"] = url
    last = len(repositories)
    env[f"GIT_CONFIG_KEY_{last}"] = "protocol.file.allow"
    env[f"GIT_CONFIG_VALUE_{last}"] = "always"
    return env


def run_job(
    job: dict[str, Any],
    workflow_env_values: dict[str, str],
    workspace: Path,
    origin: Path,
    env: dict[str, str],
    cache: Path,
    event: str,
) -> dict[str, str]:
    """The job's steps in order: `run:` steps as written, actions by their local stand-ins;
    what each step printed, by its name."""
    printed: dict[str, str] = {}
    started = time.monotonic()
    step_env = {
        **env,
        **{k: str(v) for k, v in workflow_env_values.items()},
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_REF_NAME": "main",
        "GITHUB_EVENT_NAME": event,
        "GITHUB_WORKSPACE": str(workspace),
    }
    for number, step in enumerate(job["steps"]):
        name = str(step.get("name") or step.get("uses") or number)
        action = str(step.get("uses", ""))
        if action.startswith("actions/checkout@"):
            assert step["with"]["fetch-depth"] == 0
            run(["git", "clone", "-q", str(origin), str(workspace)], workspace.parent, step_env)
        elif action.startswith("actions/setup-python@"):
            pass  # the clean environment is first on the PATH
        elif action.startswith(("actions/cache@", "actions/cache/restore@")):
            target = workspace / step["with"]["path"]
            if cache.exists():
                shutil.copytree(cache, target)
        elif action.startswith("actions/configure-pages@"):
            pass  # reads the repository's Pages settings on GitHub
        elif action.startswith("actions/upload-pages-artifact@"):
            folder = workspace / step["with"]["path"]
            artifact = workspace.parent / "artifact.tar"
            run(
                ["tar", "--dereference", "--hard-dereference", "-C", str(folder), "-cf",
                 str(artifact), "--exclude=.git", "--exclude=.github", "."],
                workspace, step_env,
            )  # fmt: skip
            printed[name] = str(artifact)
        elif action:
            raise AssertionError(f"no local stand-in for {action}")
        else:
            script = workspace.parent / f"step-{number}.sh"
            script.write_text(str(step["run"]), encoding="utf-8")
            printed[name] = run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                workspace,
                {**step_env, **{k: str(v) for k, v in (step.get("env") or {}).items()}},
                timeout=1800,
            )
    printed["job time"] = f"{time.monotonic() - started:.0f} s"
    if event != "pull_request":  # actions/cache saves the folder when the job succeeds
        if cache.exists():
            shutil.rmtree(cache)
        shutil.copytree(workspace / ".cache/govsite", cache)
    return printed


def govsite_environment(work: Path, repositories: dict[str, Path]) -> dict[str, str]:
    """A clean virtual environment in ``work/env`` with govsite installed from its git
    address (this working tree, snapshotted); the environment steps run in."""
    source = work / "govsite-src"
    commit = snapshot(source)
    repositories = {GOVSITE_URL: source, **repositories}
    environment = work / "env"
    venv.create(environment, with_pip=True)
    env = workflow_env(work, repositories, environment / "bin")
    run(
        [str(environment / "bin/python"), "-m", "pip", "install", "-q",
         f"govsite @ git+{GOVSITE_URL}@{commit}"],
        work, env, timeout=1800,
    )  # fmt: skip
    env["GOVSITE_TEST_COMMIT"] = commit
    return env


def init_and_run_workflow(work: Path, archive: Path) -> dict[str, dict[str, str]]:
    """`govsite init` for ``archive`` (whose origin is ARCHIVE_URL) in a clean environment,
    the site's repository pushed to a bare origin, then the workflow's build job (a push to
    main) and check job (a pull request) on fresh clones; what each step printed, by job."""
    env = govsite_environment(work, {ARCHIVE_URL: archive})
    bin_dir = work / "env/bin"
    site = work / "site"
    output = run(
        [str(bin_dir / "govsite"), "init", str(site), "--archive", str(archive),
         "--site-url", SITE_URL, "--name", "Example reports"],
        work, env,
    )  # fmt: skip
    requirement = (site / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1]
    assert requirement == f"govsite @ git+{GOVSITE_URL}@{env['GOVSITE_TEST_COMMIT']}", output
    workflow = yaml.safe_load((site / ".github/workflows/govsite.yml").read_text("utf-8"))
    assert workflow["env"]["ARCHIVE_URL"] == ARCHIVE_URL
    # The site's repository, as its owner would push it.
    git(site, "init", "-q", "-b", "main")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "New site")
    origin = work / "origin.git"
    git(work, "clone", "-q", "--bare", str(site), str(origin))
    cache = work / "actions-cache"
    printed = {"init": {"init": output}}
    for job, event in (("build", "push"), ("check", "pull_request")):
        workspace = work / f"{job}-run" / "workspace"
        workspace.parent.mkdir()
        printed[job] = run_job(
            workflow["jobs"][job], workflow["env"], workspace, origin, env, cache, event
        )
    printed["origin"] = {
        "versions.lock": git(origin, "show", "main:versions.lock"),
        "subject": git(origin, "log", "-1", "--format=%s", "main").strip(),
    }
    return printed


def test_the_workflow_init_writes_runs_on_a_fresh_clone(tmp_path: Path) -> None:
    """A clean environment gets govsite from its git address (pip builds and installs its
    wheel); `govsite init` there writes the site; the site's repository is pushed and cloned
    afresh; the workflow's build job and then a pull request's check job run, through to the
    Pages artifact and versions.lock pushed back."""
    archive = Archive(tmp_path / "archive")
    archive.commit("2024-03-01", {"README.md": "# The Example collection\n"}, "Initial commit")
    archive.commit(
        "2024-03-02", {"Nimbus/Terms.md": "# Terms\n\nYou may use the service.\n"}, "First record"
    )
    archive.commit("2024-04-01", {"Nimbus/Terms.md": "# Terms\n\nYou may use the service well.\n"})
    archive.commit(  # dated before the commit it follows, as Open Terms Archive does
        "2024-03-20",
        {"Nimbus/Terms.md": "# Terms\n\nYou may use the service well!\n"},
        "Apply technical or declaration upgrade on Nimbus Terms",
    )
    git(archive.path, "remote", "add", "origin", ARCHIVE_URL)
    printed = init_and_run_workflow(tmp_path, archive.path)
    build = printed["build"]
    assert "No published site yet" in build["Check that every published URL still resolves"]
    with tarfile.open(build["actions/upload-pages-artifact@v5"]) as tar:
        names = set(tar.getnames())
    assert {"./index.html", "./nimbus/terms/index.html", "./govsite-manifest.json.gz"} <= names
    assert "./nimbus/terms/2024-03-20/index.html" in names
    assert printed["origin"]["versions.lock"].count("nimbus/terms\t") == 3
    assert printed["origin"]["subject"] == (
        "Record the slugs of new versions and numbers of new revisions"
    )
    # A pull request: the check job, with main's cache restored read-only.
    checked = printed["check"]["Check the analyses"]
    assert "ok: no errors, 0 warning(s)" in checked and "::error" not in checked
    # The archive's backdated commit is a notice, never an annotation on a file.
    assert "::notice title=" in checked and "file=" not in checked


@pytest.fixture(autouse=True)
def _slow_tests_need_git_and_bash() -> None:
    if shutil.which("bash") is None or shutil.which("tar") is None:
        pytest.skip("needs bash and tar")
