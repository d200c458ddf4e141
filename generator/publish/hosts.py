"""The limits of the static hosts sites are published on, checked after every build."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple


class HostLimit(NamedTuple):
    """What a host accepts (0: no limit of that kind)."""

    host: str
    site_bytes: int
    files: int
    file_bytes: int


HOST_LIMITS = (
    HostLimit("GitHub Pages", site_bytes=1_000_000_000, files=0, file_bytes=100_000_000),
    HostLimit("Cloudflare Pages", site_bytes=0, files=20_000, file_bytes=25 * 2**20),
)
"""GitHub Pages publishes at most 1 GB per site and 100 MB per file; Cloudflare Pages at
most 20,000 files per site and 25 MiB per file."""


def host_limit_problems(site_dir: Path, elsewhere: Mapping[str, int] | None = None) -> list[str]:
    """Each limit of a known host that the built site passes, in words: the site is what
    is under ``site_dir`` and the files ``elsewhere`` lists (site path, size) that are not
    there yet (the folders a build carries move in last)."""
    total = files = largest = 0
    biggest = ""
    for path, size in (elsewhere or {}).items():
        total, files = total + size, files + 1
        if size > largest:
            largest, biggest = size, path
    for folder, _dirs, names in os.walk(site_dir):
        for name in names:
            size = os.stat(os.path.join(folder, name)).st_size
            total, files = total + size, files + 1
            if size > largest:
                largest, biggest = size, os.path.relpath(os.path.join(folder, name), site_dir)
    problems = []
    for limit in HOST_LIMITS:
        if limit.site_bytes and total > limit.site_bytes:
            problems.append(
                f"the site is {total / 1e9:.2f} GB: {limit.host} publishes at most "
                f"{limit.site_bytes / 1e9:.0f} GB per site"
            )
        if limit.files and files > limit.files:
            problems.append(
                f"the site has {files} files: {limit.host} publishes at most {limit.files}"
            )
        if limit.file_bytes and largest > limit.file_bytes:
            problems.append(
                f"{biggest} is {largest / 2**20:.1f} MiB: {limit.host} publishes files of at "
                f"most {limit.file_bytes / 2**20:.0f} MiB"
            )
    return problems


FULL_LAYOUT_FILES_PER_VERSION = 3
"""Files a site in the ``full`` layout publishes per recorded version (its page, its share
of the texts and feeds; measured: 2.71 on a 4,857-commit collection)."""
FULL_LAYOUT_BYTES_PER_TEXT = 4.4
"""Bytes a site in the ``full`` layout publishes per byte of the archive's distinct text
(measured on contrib, 42,632 commits: 4.4; it grows with the number of versions)."""


def full_layout_limits(versions: int, text_bytes: int) -> list[str]:
    """Each known host's limit that a site in the ``full`` layout would likely pass, for an
    archive of ``versions`` recorded versions and ``text_bytes`` of distinct text (``govsite
    init`` picks the ``large`` layout then)."""
    files = versions * FULL_LAYOUT_FILES_PER_VERSION
    size = text_bytes * FULL_LAYOUT_BYTES_PER_TEXT
    passed = []
    for limit in HOST_LIMITS:
        if limit.site_bytes and size > limit.site_bytes:
            passed.append(f"about {size / 1e9:.1f} GB: {limit.host} publishes at most "
                          f"{limit.site_bytes / 1e9:.0f} GB")  # fmt: skip
        if limit.files and files > limit.files:
            passed.append(f"about {files} files: {limit.host} publishes at most {limit.files}")
    return passed


LARGE_LAYOUT_BYTES_PER_TEXT = 2.3
"""Bytes a site in the ``large`` layout publishes per byte of the archive's distinct text,
its text pages stored as they are (measured on contrib, 42,632 commits: 2.27)."""


def large_layout_limits(text_bytes: int) -> list[str]:
    """Each known host's size limit that a site in the ``large`` layout would likely still
    pass, its text pages uncompressed: such a site goes to an object store behind a CDN, which
    can send text pages stored compressed (``govsite init`` sets ``compress_texts`` then)."""
    size = text_bytes * LARGE_LAYOUT_BYTES_PER_TEXT
    return [
        f"about {size / 1e9:.1f} GB: {limit.host} publishes at most {limit.site_bytes / 1e9:.0f} GB"
        for limit in HOST_LIMITS
        if limit.site_bytes and size > limit.site_bytes
    ]
