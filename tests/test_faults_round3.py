"""Faults, third round (issue 19, items 7 and 8): one build lock per site whatever its cache
folder, settings that cannot be waited refused, and more below."""

from __future__ import annotations

import os
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
