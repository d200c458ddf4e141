"""One build of a site at a time.

Two builds of one site would race on its output folder (mkdocs empties it, govsite sets the
last build aside and carries folders back) and on ``versions.lock``. A build holds an
exclusive lock on each for as long as it runs: one for the site's folder (its
``versions.lock``) and one for its output folder, both kept in ``.cache/govsite/locks``
beside ``mkdocs.yml`` whatever cache folder the configuration names, so two configurations
of one site (another ``cache_dir``, another ``-f`` file) exclude each other. A second build
waits for them, saying so, and stops with a clear message if it waits too long. The
operating system releases a lock when its holder ends, however it ends (``kill -9``
included), so a lock is never left behind.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import math
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from ..cache import Namespace, digest, own_folder

_POLL = 0.2


class SiteBusy(Exception):
    """Another build of the site holds the lock (and did not let go in time)."""


def _lock_folder(site_root: Path) -> Path:
    return site_root / ".cache" / "govsite" / Namespace.LOCKS


def lock_path(site_root: Path, cache_dir: Path | None = None) -> Path:
    """The lock of the site whose ``mkdocs.yml`` is in ``site_root`` (its ``versions.lock``):
    one per site, in the same place whatever its cache folder (``cache_dir`` is not used:
    a lock that moved with it let two configurations build one site at once)."""
    del cache_dir
    return _lock_folder(site_root) / f"{digest(str(site_root.resolve()))[:16]}.lock"


def output_lock_path(site_dir: Path) -> Path:
    """The lock of an output folder, whichever site and configuration build into it: a
    hidden file beside it (inside, it would move with the folder when a build sets it
    aside or swaps a new one in)."""
    site = site_dir.resolve()
    return site.parent / f".{site.name}.govsite-lock"


def check_wait(wait: float) -> str:
    """Why ``wait`` (seconds, ``lock_wait``) cannot be waited, or '' when it can."""
    if not isinstance(wait, (int, float)) or isinstance(wait, bool):
        return f"lock_wait must be a number of seconds, not {wait!r}"
    if not math.isfinite(wait) or wait < 0:
        return f"lock_wait must be a finite number of seconds, 0 or more, not {wait!r}"
    return ""


class BuildLock:
    """The exclusive lock of one site's builds."""

    def __init__(self, path: Path, *, in_cache: bool = True) -> None:
        self.path = path
        """The lock file (it also names the holder: process id and start time)."""
        self.in_cache = in_cache
        """Whether it is in govsite's own folder (``.cache/govsite/locks``), where what
        stands in the way is cleared."""
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait: float, waiting: Callable[[str], None] | None = None) -> None:
        """Take the lock, waiting up to ``wait`` seconds for another build to finish;
        ``waiting`` is told once, with who holds it. :class:`SiteBusy` when it stays held."""
        if self._fd is not None:
            return
        problem = check_wait(wait)
        if problem:
            raise ValueError(problem)
        if not self.in_cache:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        else:
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


class SiteLock:
    """Every lock a build of one site holds: its own (``versions.lock``) and its output
    folder's, taken in that order and released together."""

    def __init__(self, site_root: Path, site_dir: Path) -> None:
        self.locks = [
            BuildLock(lock_path(site_root)),
            BuildLock(output_lock_path(site_dir), in_cache=False),
        ]

    def acquire(self, wait: float, waiting: Callable[[str], None] | None = None) -> None:
        """Take every lock, within ``wait`` seconds in all (:class:`SiteBusy` otherwise)."""
        problem = check_wait(wait)
        if problem:
            raise ValueError(problem)
        deadline = time.monotonic() + wait
        try:
            for lock in self.locks:
                lock.acquire(max(0.0, deadline - time.monotonic()), waiting)
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        for lock in reversed(self.locks):
            lock.release()
