"""Faults, third round (issue 19, items 7 and 8): one build lock per site whatever its cache
folder, settings that cannot be waited refused, and more below."""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import make_site, mkdocs

from generator.publish.lock import BuildLock, lock_path


def with_plugin_options(root: Path, options: str, name: str = "mkdocs.yml") -> None:
    config = (root / "mkdocs.yml").read_text()
    (root / name).write_text(config.replace("  - govsite", f"  - govsite:\n{options}"))


def test_two_configurations_with_their_own_cache_share_one_lock(tmp_path: Path) -> None:
    make_site(tmp_path)
    with_plugin_options(
        tmp_path, "      cache_dir: .cache/other\n      lock_wait: 0\n", "other.yml"
    )
    lock = BuildLock(lock_path(tmp_path, tmp_path / ".cache/govsite"))  # the default config's
    lock.acquire(0)
    try:
        result = mkdocs(tmp_path, "build", "-q", "-f", "other.yml")
    finally:
        lock.release()
    assert result.returncode != 0
    assert f"another build of this site is running (process {os.getpid()}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "versions.lock").exists()


def test_two_sites_building_into_one_folder_wait_for_each_other(tmp_path: Path) -> None:
    from generator.publish.lock import output_lock_path

    make_site(tmp_path / "one")
    with_plugin_options(tmp_path / "one", "      lock_wait: 0\n")
    out = tmp_path / "shared-site"
    lock = BuildLock(output_lock_path(out), in_cache=False)  # another site's build holds it
    lock.acquire(0)
    try:
        result = mkdocs(tmp_path / "one", "build", "-q", "-d", str(out))
    finally:
        lock.release()
    assert result.returncode != 0
    assert "another build of this site is running" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("wait", [".nan", ".inf", "-1", "-.inf"])
def test_a_lock_wait_that_cannot_be_waited_is_refused(tmp_path: Path, wait: str) -> None:
    make_site(tmp_path)
    with_plugin_options(tmp_path, f"      lock_wait: {wait}\n")
    result = mkdocs(tmp_path, "build", "-q")
    assert result.returncode != 0
    assert "lock_wait must be a finite number of seconds, 0 or more" in result.stderr
    assert "Traceback" not in result.stderr


# 8. Publishing is atomic; faults get one clear line; workers' warnings count

FAULT = """
import errno, os, pathlib, mkdocs.utils
_at = os.environ["GOVSITE_FAULT_AT"]
def _check(path):
    if _at in str(path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))
for _name in ("write_bytes", "write_text"):
    def _make(original):
        def write(self, *args, **kwargs):
            _check(self)
            return original(self, *args, **kwargs)
        return write
    setattr(pathlib.Path, _name, _make(getattr(pathlib.Path, _name)))
_write_file = mkdocs.utils.write_file
def _mkdocs_write(content, output_path):
    _check(output_path)
    return _write_file(content, output_path)
mkdocs.utils.write_file = _mkdocs_write
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize(
    "where",
    [
        "404.html",  # a page mkdocs writes
        "index.html",  # every page, mkdocs' and the history pages rendered in the background
        "2024-06-01/index.html",  # a version page govsite writes
        "feed.xml",  # a file govsite writes
        ".md.gz",  # an archived text
        "govsite-manifest",  # the manifest, written last
        "sitemaps/",  # the sitemaps
    ],
)
def test_a_full_disk_at_any_point_leaves_the_previous_site_whole(
    tmp_path: Path, where: str
) -> None:
    from helpers import TERMS_V3, Archive

    make_site(tmp_path)
    site = tmp_path / "site"
    assert mkdocs(tmp_path, "build", "-q").returncode == 0
    before = snapshot(site)
    Archive.existing(tmp_path).commit(
        "2024-09-01", {"sources/Acme/Terms of Service.md": TERMS_V3 + "\\nNew clause.\\n"}
    )
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(FAULT)
    path = os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "GOVSITE_FAULT_AT": where}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=tmp_path,
        env={**env, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output, output
    assert "govsite: no space left on the disk" in output, output
    assert snapshot(site) == before
    assert not (tmp_path / ".site.govsite-new").exists()
    assert "2024-09-01" not in (tmp_path / "versions.lock").read_text()


def read_only(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    else:
        path.chmod(0o555)


def writable(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], check=False)
    else:
        path.chmod(0o755)


@pytest.mark.parametrize("folder", ["site", ".cache/govsite/locks", ".cache/govsite/views"])
def test_a_read_only_folder_gets_one_clear_line(tmp_path: Path, folder: str) -> None:
    if os.geteuid() == 0 and shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: nothing is read-only")
    make_site(tmp_path)
    assert mkdocs(tmp_path, "build", "-q").returncode == 0
    (tmp_path / "content/pages/index.md").write_text("# Changed home\n")
    before = snapshot(tmp_path / "site")
    if folder.endswith("views"):
        shutil.rmtree(tmp_path / ".cache/govsite/views")
        (tmp_path / folder).mkdir()
    read_only(tmp_path / folder)
    try:
        result = mkdocs(tmp_path, "build", "-q")
    finally:
        writable(tmp_path / folder)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    if result.returncode != 0:
        assert "read-only" in output, output
        assert len([line for line in output.splitlines() if "govsite" in line]) <= 2, output
        assert snapshot(tmp_path / "site") == before
    else:  # a cache it cannot write only costs time
        assert folder.startswith(".cache")
        assert b"Changed home" in (tmp_path / "site/index.html").read_bytes()


def test_warnings_logged_in_workers_reach_the_building_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from generator import workers

    if workers.cores() < 2:
        pytest.skip("one core: nothing is forked")
    caplog.set_level("WARNING", logger="mkdocs.plugins.govsite")
    workers.run_all(_warn, range(6), tasks=6, cache=True)
    background = workers.start(functools.partial(_warn, 99), cache=True)
    assert background is not None
    background.join()
    told = [r.getMessage() for r in caplog.records]
    assert sorted(told) == sorted(f"govsite: warning from job {n}" for n in [*range(6), 99])
    assert all(r.process == os.getpid() for r in caplog.records)


def _warn(number: int) -> None:
    logging.getLogger("mkdocs.plugins.govsite").warning(f"govsite: warning from job {number}")


# 9. Smaller


def test_an_archived_text_replaced_by_a_link_or_a_submodule_is_reported(tmp_path: Path) -> None:
    from helpers import Archive, git, problems

    from generator.diagnostics import Severity

    make_site(tmp_path)
    archive = Archive.existing(tmp_path)
    text = tmp_path / "sources/Acme/Terms of Service.md"
    text.unlink()
    text.symlink_to("../elsewhere.md")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "Link", date="2024-07-01T12:00:00+00:00")
    found = problems(tmp_path, Severity.WARNING)
    assert any("replaced this archived text by a symbolic link" in p for p in found), found
    # a gitlink (submodule entry) in its place
    git(tmp_path, "rm", "-q", "--cached", "sources/Acme/Terms of Service.md")
    commit = git(tmp_path, "rev-parse", "HEAD").strip()
    git(
        tmp_path,
        "update-index",
        "--add",
        "--cacheinfo",
        f"160000,{commit},sources/Acme/Terms of Service.md",
    )
    git(tmp_path, "commit", "-q", "-m", "Submodule", date="2024-07-02T12:00:00+00:00")
    del archive
    found = problems(tmp_path, Severity.WARNING)
    assert any("replaced this archived text by a submodule" in p for p in found), found


def test_a_git_lfs_pointer_is_not_published_as_the_text(tmp_path: Path) -> None:
    from helpers import TERMS_V1, problems

    pointer = (
        "version https://git-lfs.github.com/spec/v1\n"
        "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
        "size 12345\n"
    )
    found = problems(tmp_path, texts=(TERMS_V1, pointer), dates=("2024-01-15", "2024-02-01"))
    assert any("holds a Git LFS pointer, not the text" in p for p in found), found


def test_a_content_file_named_only_yml_is_reported(tmp_path: Path) -> None:
    from helpers import problems

    make_site(tmp_path)
    (tmp_path / "content/provisions/acme/terms/.yml").write_text("title: x\n")
    from helpers import build_site

    from generator.config import SiteConfig

    config = SiteConfig.from_options(tmp_path, {}, site_name="t", site_url="https://t.example/")
    found = [str(d) for d in build_site(config, render=False).diagnostics.errors]
    assert any(
        "content/provisions/acme/terms/.yml:1:1: (file): '.yml' has no name" in p for p in found
    ), found
    del problems


@pytest.mark.parametrize("reserved", ["con", "nul", "aux", "prn", "com1", "lpt9"])
def test_windows_device_names_are_not_ids(tmp_path: Path, reserved: str) -> None:
    from helpers import PLATFORM_YML, provision_yml

    make_site(
        tmp_path,
        platform=PLATFORM_YML.replace("  terms:\n", f"  {reserved}:\n"),
        provisions={f"acme/{reserved}/liability-cap": provision_yml()},
    )
    (tmp_path / "content/topics.yml").write_text(
        (tmp_path / "content/topics.yml").read_text() + f"{reserved}:\n  title: X\n"
    )
    code, output = run_check(tmp_path)
    assert code == 1
    assert f"documents.{reserved}: document id must be lowercase letters, digits, -;" in output
    assert "Windows keeps for a device" in output


def test_a_retirement_dated_in_the_future_is_refused(tmp_path: Path) -> None:
    make_site(tmp_path)
    (tmp_path / "content/retired.yml").write_text("old/:\n  retired: 2999-01-01\n  reason: Gone.\n")
    code, output = run_check(tmp_path)
    assert code == 1
    assert "content/retired.yml:2:12: old/.retired: 2999-01-01 is in the future" in output


def test_repoint_on_a_lock_with_crlf_line_ends(tmp_path: Path) -> None:
    from helpers import build_into, run_cli
    from test_permanence_faults import reword_history

    make_site(tmp_path)
    build_into(tmp_path, tmp_path / "first")
    lock = tmp_path / "versions.lock"
    lock.write_bytes(lock.read_bytes().replace(b"\n", b"\r\n"))
    reword_history(tmp_path)
    code, output = run_cli(tmp_path, "repoint")
    assert code == 0, output
    assert "3 version(s) moved, 0 refused" in output
    assert "changed since it was read" not in output
    data = lock.read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n")  # one line ending throughout
    build_into(tmp_path, tmp_path / "second")


def run_check(root: Path) -> tuple[int, str]:
    from helpers import run_cli

    return run_cli(root, "check")
