"""One build of a site at a time.

Two builds of one site would race on its output folder (mkdocs empties it, govsite sets the
last build aside and carries folders back) and on ``versions.lock``. A build holds an
exclusive lock on a file in the build cache for as long as it runs; a second build waits for
it, saying so, and stops with a clear message if it waits too long. The operating system
releases the lock when its holder ends, however it ends (``kill -9`` included), so a lock is
never left behind.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from ..cache import digest, own_folder

DEFAULT_WAIT = 1800.0
"""Seconds a build waits for another build of the same site before it stops."""
_POLL = 0.2


class SiteBusy(Exception):
    """Another build of the site holds the lock (and did not let go in time)."""


def lock_path(site_root: Path, cache_dir: Path | None) -> Path:
    """The lock file of the site whose ``mkdocs.yml`` is in ``site_root``: in its build cache
    (``.cache/govsite`` beside ``mkdocs.yml`` even when caching is off), one per site so
    that sites sharing a cache folder do not wait for each other."""
    folder = (cache_dir or site_root / ".cache" / "govsite") / "locks"
    return folder / f"{digest(str(site_root.resolve()))[:16]}.lock"


class BuildLock:
    """The exclusive lock of one site's builds."""

    def __init__(self, path: Path) -> None:
        self.path = path
        """The lock file (it also names the holder: process id and start time)."""
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait: float, waiting: Callable[[str], None] | None = None) -> None:
        """Take the lock, waiting up to ``wait`` seconds for another build to finish;
        ``waiting`` is told once, with who holds it. :class:`SiteBusy` when it stays held."""
        if self._fd is not None:
            return
        own_folder(self.path.parent, 3)  # .cache/govsite/locks
        if self.path.is_symlink() or (self.path.exists() and not self.path.is_file()):
            # Not a lock file: a folder or a link where it goes (the cache is govsite's own).
            if self.path.is_dir() and not self.path.is_symlink():
                shutil.rmtree(self.path)
            else:
                self.path.unlink()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = self._holder(fd)
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise SiteBusy(
                        f"another build of this site is running ({holder}); wait for it to "
                        f"finish, or stop it, then build again (lock file: {self.path})"
                    ) from None
                if not told and waiting is not None:
                    waiting(f"waiting for another build of this site to finish ({holder})")
                    told = True
                time.sleep(_POLL)
        started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"process {os.getpid()}, started {started}\n".encode(), 0)
        self._fd = fd

    @staticmethod
    def _holder(fd: int) -> str:
        try:
            text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
        except OSError:
            text = ""
        return text or "process unknown"

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
