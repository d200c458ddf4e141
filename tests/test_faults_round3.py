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
    env = {**os.environ, "PYTHONPATH": str(hooks), "GOVSITE_FAULT_AT": where}
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
