"""What a build is made from, in one hash, and the record of the last successful build, so
that a build whose inputs are all as that build's leaves its site as it is (a no-op build).

The fingerprint covers govsite's own inputs (:func:`site_inputs`: its code and templates,
the cache format, its settings, the content, pages and templates folders, the archive's and
the site's git state) and, from the site engine, everything of the engine's (its
configuration as resolved, its packages, its theme). The version lock files are apart
(:func:`locks`): a build appends to them, so the record holds them as the build left them.

The site folder must also be as the build left it: the stat of every file and folder in it
(:func:`site_stamp`, a stat per file and no read), so that a file edited, added or removed
by hand is written again, as by any other build.

This module is a leaf: it reads files and runs ``git``, and imports no stage, so that a
no-op build imports none of them.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Cache, Namespace, code_fingerprint, digest, tree_digest
from .config import SiteConfig

FORMAT = 1
"""The record's layout (a record of another layout is not used)."""
LOCK_FILES = ("versions.lock", "revisions.lock")
"""The files beside ``mkdocs.yml`` that builds append to (permanent slugs and numbers)."""
_GIT_FILES = ("config", "shallow", "info/grafts")
"""Files of a git folder that change what ``git log`` shows (beside HEAD)."""


def _stat(path: Path) -> str:
    """Size, modification and change times and inode of ``path`` ('-' when absent)."""
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return "-"
    return f"{st.st_mode:o}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"-"


def repository_state(folder: Path) -> list[str | bytes]:
    """What reading the git history of the repository holding ``folder`` depends on: its
    HEAD's commit, and the files of its git folder that change what ``git log`` shows
    (configuration, shallow and grafts files, replace refs) and its ``.mailmap``."""
    found = subprocess.run(
        [
            "git", "-C", str(folder), "rev-parse", "--absolute-git-dir", "--git-common-dir",
            "--show-toplevel", "HEAD",
        ],
        capture_output=True,
        check=False,
    )  # fmt: skip
    if found.returncode != 0:  # no repository, or one without commits: as git says
        return [b"no history", found.stdout, found.stderr]
    lines = os.fsdecode(found.stdout).splitlines()
    if len(lines) != 4:
        return [b"unexpected", found.stdout]
    git_dir = Path(lines[0])
    common = Path(lines[1]) if Path(lines[1]).is_absolute() else folder / lines[1]
    parts: list[str | bytes] = [lines[3]]
    for directory in dict.fromkeys((git_dir, common)):
        parts += [_read(directory / name) for name in _GIT_FILES]
        parts.append(_stat(directory / "packed-refs"))
        replace = directory / "refs" / "replace"
        parts.append(tree_digest([replace]) if replace.is_dir() else "-")
    parts.append(_read(Path(lines[2]) / ".mailmap"))
    return parts


def _top_entries(folder: Path) -> list[str]:
    """The name and stat of each entry at the top of ``folder`` (a licence file beside the
    archive's texts, say)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return ["-"]
    return [f"{name}={_stat(folder / name)}" for name in names]


def site_inputs(config: SiteConfig) -> str:
    """govsite's inputs but the lock files: its code, templates and cache format, its
    settings, the content, pages and templates folders, the archive's git state and its
    top-level files, and the site repository's git state (the analyses' revisions)."""
    folders = [config.content_dir, config.templates_dir]
    if config.pages_dir is not None:
        folders.append(config.pages_dir)
    return digest(
        "site inputs",
        code_fingerprint(),
        repr(config),
        *(f"{folder}:{tree_digest([folder])}" for folder in folders),
        *repository_state(config.archive_dir),
        *_top_entries(config.archive_dir),
        *repository_state(config.content_dir),
    )


def locks(root: Path) -> str:
    """The lock files beside ``mkdocs.yml``, as they are now."""
    return digest(*(_read(root / name) for name in LOCK_FILES))


def site_stamp(site_dir: Path) -> str:
    """The name and stat of every file and folder of the site: a file edited by hand, even
    to its old size and modification time, has another change time, so the next build
    writes the site again (a stat per file, no read)."""
    parts: list[str] = [str(site_dir), _stat(site_dir)]
    folders = [site_dir]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as found:
                entries = sorted(found, key=lambda entry: entry.name)
        except OSError:
            parts.append(f"{folder}: unreadable")
            continue
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                parts.append(f"{entry.path}: -")
                continue
            parts.append(
                f"{entry.path}={st.st_mode:o}:{st.st_size}:{st.st_mtime_ns}:"
                f"{st.st_ctime_ns}:{st.st_ino}"
            )
            if entry.is_dir(follow_symlinks=False):
                folders.append(Path(entry.path))
    return digest(*parts)


@dataclass(slots=True)
class LastBuild:
    """What is kept of the last successful build of a site folder."""

    inputs: str
    """The fingerprint of its inputs but the lock files (:func:`site_inputs` and the
    engine's part)."""
    locks: str
    """The lock files as the build left them (:func:`locks`)."""
    stamp: str
    """The site folder as the build left it (:func:`site_stamp`)."""
    warnings: list[tuple[str, int, str]] = field(default_factory=list)
    """What it logged at warning level or above: logger name, level, message."""
    complete: bool = True
    """Whether its warnings were logged (not under ``mkdocs build -q``, which drops them
    before any handler sees them): if not, :attr:`warnings` may miss some."""


def _record_key(site_dir: Path) -> str:
    return digest(str(site_dir))[:16]  # a sealed JSON record, in the cache's namespace


def read_last_build(cache_dir: Path, site_dir: Path) -> LastBuild | None:
    """The record of the last successful build into ``site_dir`` (``None``: none, another
    layout, or damaged: then removed and reported, and the build runs whole)."""
    try:
        payload = Cache(cache_dir).read_bytes(Namespace.LAST_BUILD, _record_key(site_dir))
    except OSError:
        return None
    if payload is None:
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    try:
        return LastBuild(
            str(data["inputs"]),
            str(data["locks"]),
            str(data["stamp"]),
            [(str(name), int(level), str(text)) for name, level, text in data["warnings"]],
            bool(data["complete"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def write_last_build(cache_dir: Path, site_dir: Path, last: LastBuild) -> None:
    payload = json.dumps(
        {
            "format": FORMAT,
            "inputs": last.inputs,
            "locks": last.locks,
            "stamp": last.stamp,
            "warnings": last.warnings,
            "complete": last.complete,
        }
    ).encode()
    Cache(cache_dir).write_bytes(Namespace.LAST_BUILD, _record_key(site_dir), payload)


def forget_last_build(cache_dir: Path, site_dir: Path) -> None:
    """No record: the next build into ``site_dir`` builds (its site is about to change)."""
    path = Cache(cache_dir).entry_path(Namespace.LAST_BUILD, _record_key(site_dir))
    if path is not None:
        path.unlink(missing_ok=True)


class Warnings(logging.Handler):
    """Collects what a build logs at warning level or above, to replay on a no-op build."""

    TRANSIENT = ("govsite: damaged build cache entry",)
    """Messages about this build's own work, not its inputs (not replayed)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(self.TRANSIENT):
            self.records.append((record.name, record.levelno, message))


def warnings_shown() -> bool:
    """Whether warnings logged now reach mkdocs' handlers (``-q`` drops them)."""
    return logging.getLogger("mkdocs").isEnabledFor(logging.WARNING)


def replay(warnings: list[tuple[str, int, str]]) -> None:
    """Log again what the last build logged, under the same loggers (so that a strict
    build counts them as it counted them then)."""
    for name, level, message in warnings:
        logging.getLogger(name).log(level, message)
