"""Publish a build whole or not at all, carrying unchanged output folders from the last one.

A build writes into a staging folder beside the site (:func:`staging_dir`), never into the
site itself: only once everything is written is the staging folder swapped in with one
rename (an atomic exchange where the system has one), and a build that fails at any point,
a full disk included, leaves the previous site whole and removes its staging folder.

mkdocs writes every page of its own, but a rebuild would also write every file of govsite's
(thousands of version pages) even when nothing changed. Instead each folder whose content is
fully determined by keys that did not change is carried from the previous site: checked
while the build publishes, and moved into the staging folder (one rename per folder, however
many files it holds) only at the very end, just before the swap (:meth:`PreviousSite.move_in`),
so that the previous site stays whole for as long as the build can still fail. A journal
beside the site lists the moves until the swap is done, so that even a build killed between
them puts the folders back (:func:`restore_moves`). Only the rest is written.

Every output carries a key: a hash of everything its bytes are made from (a page stream's
fingerprint, a blob id, the bytes themselves). A folder's key hashes the names and keys of
everything below it, so a carried folder holds exactly what writing it would have produced.
Folders that also hold files govsite does not write (mkdocs' own pages) are never carried:
their govsite files are written one by one.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import workers
from ..cache import Namespace, digest, replacing, report_damaged, seal, unseal
from ..progress import Progress

STATE_FORMAT = 3  # 3: files recorded with their inode, and the clock of the record


@dataclass(slots=True, frozen=True)
class Output:
    """One file govsite publishes."""

    path: str
    """Site-relative file path (``/``-separated)."""
    key: str
    """Hash of everything the file's bytes are made from."""
    write: Callable[[Path], None] | None
    """Writes the file at the given path; ``None`` when this build already wrote it."""
    pooled: bool = False
    """Whether ``write`` may run in a forked worker: it uses nothing the parent holds open
    but what :func:`publish`'s ``scope`` opens in each worker (see :mod:`generator.workers`)."""


@dataclass(slots=True)
class _Folder:
    files: list[Output] = field(default_factory=list)
    """Outputs directly in the folder."""
    children: dict[str, _Folder] = field(default_factory=dict)
    """Sub-folders by name."""
    pure: bool = True
    """Whether only outputs are below it (nothing written by others)."""
    key: str = ""
    """Hash of the names and keys below it (pure folders only)."""


def file_stat(info: os.stat_result) -> list[int]:
    """What is recorded of a file to know it was not touched since: size, modification
    time and inode; and its change time must not be later than the record's clock
    (:meth:`PreviousSite.unchanged`)."""
    return [info.st_size, info.st_mtime_ns, info.st_ino]


class PreviousSite:
    """The last build's site, set aside, with the key of each folder it holds."""

    def __init__(
        self,
        root: Path | None,
        keys: dict[str, str],
        work_dir: Path | None,
        stats: dict[str, list[int]] | None = None,
        site_dir: Path | None = None,
        clock: int = 0,
    ) -> None:
        self.root = root
        """Where the previous site now is (``None`` when there is nothing to reuse)."""
        self.keys = keys
        """Key of each carriable folder of the previous site, by site-relative path."""
        self.stats = stats or {}
        """:func:`file_stat` of each file in those folders, as left."""
        self.work_dir = work_dir
        """Where the record of this build goes (``None``: keep no record)."""
        self.site_dir = site_dir
        """Where the previous site was (and goes back to if this build fails early)."""
        self.clock = clock
        """The change time of a file made when the previous site was recorded: none of its
        files changed since has an earlier one. The change time cannot be set back by hand
        (``touch`` and ``os.utime`` set the modification time only, and a write moves the
        change time on), so a file edited in place, even to the same size and modification
        time, is not carried. Moving a folder changes no change time of the files in it."""
        self._kept: dict[str, list[int]] = {}
        """:func:`file_stat` of each carried file, as checked (moving keeps its inode)."""
        self.carried = 0
        """Folders carried so far."""
        self.carried_files = 0
        """Files carried one by one so far (see :meth:`take_file`)."""
        self._carried_paths: set[str] = set()
        """Site path of each folder (ending ``/``) and file to carry."""
        self._moved: list[str] = []
        """Carried folders and files moved into the staging folder so far (:meth:`move_in`)."""
        self._links: dict[str, bool] = {}
        """Whether each folder of the previous site looked at is a symbolic link."""
        self.new_keys: dict[str, str] | None = None
        """This build's folder and file keys, recorded once its site is in place."""

    def take(self, path: str, folder: _Folder, site_dir: Path) -> bool:
        """Whether the folder at ``path`` is carried into the new site (by :meth:`move_in`,
        once the build has succeeded) instead of written: nothing in it changed.

        Its key must match, and what is on disk must be what the last build left: the same
        names, sizes, modification and change times and inodes (a file added or edited by
        hand is not carried).
        """
        if self.root is None or self.keys.get(path) != folder.key:
            return False
        # Plain strings, not paths: this runs for every carried folder of a large history.
        source = os.path.join(self.root, path)
        if self._through_link(path) or os.path.lexists(os.path.join(site_dir, path).rstrip("/")):
            return False
        listing = self._untouched(source, path, folder)
        if listing is None:
            return False
        _keep_stats(listing, path, self._kept)
        self.carried += 1
        self._carried_paths.add(path)
        return True

    def take_file(self, path: str, key: str, site_dir: Path) -> bool:
        """Whether the file at ``path``, in a folder not carried whole (one that also holds
        files govsite does not write, such as a document's feeds beside the page mkdocs
        renders, or one where another file changed), is carried into the new site instead
        of written: its key, recorded stat and change time are as the last build left
        them."""
        if self.root is None or self.keys.get(path) != key or self._through_link(path):
            return False
        try:
            info = os.lstat(os.path.join(self.root, path))
        except OSError:
            return False
        if not stat.S_ISREG(info.st_mode) or not self.unchanged(path, info):
            return False
        if os.path.lexists(os.path.join(site_dir, path)):
            return False
        self._kept[path] = file_stat(info)
        self.carried_files += 1
        self._carried_paths.add(path)
        return True

    def carried_file(self, path: str) -> Path | None:
        """Where the carried file at site path ``path`` is until :meth:`move_in` (in the
        previous site); ``None`` when it is not carried."""
        if self.root is None or path not in self._kept:
            return None
        return self.root / path

    def carried_sizes(self) -> dict[str, int]:
        """The size of each file to carry, by site path (carried files are not in the
        staging folder until :meth:`move_in`)."""
        return {path: info[0] for path, info in self._kept.items()}

    def move_in(self, site_dir: Path) -> None:
        """Move the carried folders and files from the previous site into the staging folder
        of ``site_dir`` (a rename each), listing them first in the journal beside the site.
        On failure what was moved so far goes back and the error is raised."""
        if self.root is None or not self._carried_paths:
            return
        staging = staging_dir(site_dir)
        _write_journal(site_dir, sorted(self._carried_paths))
        made: set[str] = set()
        try:
            for path in sorted(self._carried_paths):
                source = os.path.join(self.root, path).rstrip("/")
                target = os.path.join(staging, path).rstrip("/")
                parent = os.path.dirname(target)
                if parent not in made:
                    os.makedirs(parent, exist_ok=True)
                    made.add(parent)
                if not os.path.lexists(target):
                    os.rename(source, target)
                elif path.endswith("/"):
                    # another plugin wrote into it after govsite published: its files stay
                    _merge(source, target)
                else:
                    continue  # another plugin wrote this very file: it stays
                self._moved.append(path)
        except OSError:
            self.move_back(site_dir)
            raise

    def move_back(self, site_dir: Path) -> None:
        """Put what :meth:`move_in` moved back into the previous site (the build did not
        succeed), and drop the journal."""
        if self.root is not None:
            _move_back(self.root, staging_dir(site_dir), self._moved)
        self._moved = []
        journal_path(site_dir).unlink(missing_ok=True)

    def _through_link(self, path: str) -> bool:
        """Whether ``path`` below the previous site is, or passes through, a symbolic link:
        such a folder is not the one the last build wrote (and moving it would publish a
        link, or move a folder out of somewhere else). Each folder above it is looked at
        once per build, not once per folder below it."""
        assert self.root is not None
        current = ""
        for part in path.rstrip("/").split("/"):
            if not part:
                continue
            current = f"{current}{part}/"
            linked = self._links.get(current)
            if linked is None:
                linked = self._links[current] = os.path.islink(
                    os.path.join(self.root, current[:-1])
                )
            if linked:
                return True
        return False

    def _untouched(self, source: str, path: str, folder: _Folder) -> _Listing | None:
        """What the folder holds, with the stat of each file as checked (kept for the next
        build's record, so it is listed once), when it is what the last build left there;
        ``None`` otherwise."""
        expected = {o.path.rsplit("/", 1)[-1] for o in folder.files} | set(folder.children)
        listing: _Listing = []
        try:
            with os.scandir(source) as entries:
                found = {entry.name: entry for entry in entries}
            if set(found) != expected:
                return None
            for name, entry in found.items():
                child = folder.children.get(name)
                if child is not None:
                    if not entry.is_dir(follow_symlinks=False):
                        return None
                    inner = self._untouched(entry.path, f"{path}{name}/", child)
                    if inner is None:
                        return None
                    listing.append((name, inner, []))
                    continue
                info = entry.stat(follow_symlinks=False)
                if not self.unchanged(f"{path}{name}", info):
                    return None
                listing.append((name, None, file_stat(info)))
        except OSError:
            return None
        return listing

    def unchanged(self, path: str, info: os.stat_result) -> bool:
        """Whether the file at site path ``path`` is as the last build recorded it."""
        return self.stats.get(path) == file_stat(info) and info.st_ctime_ns <= self.clock

    def finish(self, site_dir: Path, keys: dict[str, str]) -> None:
        """Keep this build's folder and file keys for :meth:`record` (``site_dir``, the staging
        folder, is not where the site will be)."""
        del site_dir
        self.new_keys = keys

    def record(self, site_dir: Path) -> None:
        """Record the site now at ``site_dir`` for the next build: its folder keys and the
        stat of every file in them, with the clock (:attr:`clock`) read now. Carried files
        keep what was checked of them; only the files of the folders this build wrote are
        looked at again."""
        if self.work_dir is None or self.new_keys is None:
            return
        keys = self.new_keys
        stats = self._kept
        for path in keys:
            parent = path[: path.rstrip("/").rfind("/") + 1]
            if parent in keys or path in self._carried_paths:
                continue  # walked with its parent, or carried (its files checked already)
            if not path.endswith("/"):  # a file of a folder others write into too
                with contextlib.suppress(FileNotFoundError):
                    stats[path] = file_stat(os.stat(site_dir / path, follow_symlinks=False))
                continue
            for folder, dirs, names in os.walk(site_dir / path):
                prefix = os.path.relpath(folder, site_dir).replace(os.sep, "/") + "/"
                dirs[:] = [d for d in dirs if f"{prefix}{d}/" not in self._carried_paths]
                for name in names:
                    try:
                        info = os.stat(os.path.join(folder, name), follow_symlinks=False)
                    except FileNotFoundError:
                        continue  # gone already: without a record its folder is not carried
                    stats[prefix + name] = file_stat(info)
        _write_state(self.work_dir, site_dir, keys, stats)


_Listing = list[tuple[str, "_Listing | None", list[int]]]
"""A folder's entries: each name, with its own listing when it is a folder, or its
:func:`file_stat` as checked."""


def _keep_stats(listing: _Listing, path: str, kept: dict[str, list[int]]) -> None:
    """The :func:`file_stat` of each file of a folder (at site path ``path``) as checked,
    into ``kept`` by site path."""
    for name, inner, checked in listing:
        if inner is not None:
            _keep_stats(inner, f"{path}{name}/", kept)
        else:
            kept[f"{path}{name}"] = checked


def _merge(source: str, target: str) -> None:
    """Move what the folder ``source`` holds into the folder ``target``, leaving alone
    whatever ``target`` holds already (a file written there since wins)."""
    for name in os.listdir(source):
        origin, into = os.path.join(source, name), os.path.join(target, name)
        if not os.path.lexists(into):
            os.rename(origin, into)
        elif os.path.isdir(origin) and os.path.isdir(into) and not os.path.islink(into):
            _merge(origin, into)


def journal_path(site_dir: Path) -> Path:
    """Where the folders being moved into a build's staging folder are listed until it is
    swapped in: beside the site."""
    return site_dir.parent / f".{site_dir.name}.govsite-moves"


def _write_journal(site_dir: Path, paths: list[str]) -> None:
    record = json.dumps({"site_dir": str(site_dir), "paths": paths}).encode("utf-8")
    with replacing(journal_path(site_dir)) as journal:
        journal.write(seal(record, journal_path(site_dir).name))


def _move_back(root: Path | str, staging: Path | str, paths: Iterable[str]) -> None:
    """Move each folder or file at ``paths`` in ``staging`` back to ``root``, where it is
    there and not in ``root`` (after a swap they are in ``root``: nothing moves)."""
    for path in reversed(list(paths)):
        source = os.path.join(root, path).rstrip("/")
        target = os.path.join(staging, path).rstrip("/")
        if os.path.lexists(target) and not os.path.lexists(source):
            with contextlib.suppress(OSError):
                os.rename(target, source)


def _inside(path: object) -> bool:
    """Whether a journal's ``path`` names a place inside the site (relative, no ``..``)."""
    return (
        isinstance(path, str)
        and bool(path)
        and not os.path.isabs(path)
        and ".." not in path.replace(os.sep, "/").split("/")
    )


def restore_moves(site_dir: Path) -> None:
    """Put back what a build killed while moving carried folders into its staging folder
    left there (its journal says which), before anything else reads the site; then drop
    the journal. A journal that does not read back whole is dropped."""
    journal = journal_path(site_dir)
    try:
        sealed = journal.read_bytes()
    except OSError:
        return
    payload = unseal(sealed, journal.name)
    try:
        record = json.loads(payload) if payload is not None else None
    except ValueError:
        record = None
    if (
        isinstance(record, dict)
        and record.get("site_dir") == str(site_dir)
        and isinstance(record.get("paths"), list)
        and all(_inside(path) for path in record["paths"])
    ):
        _move_back(site_dir, staging_dir(site_dir), record["paths"])
    journal.unlink(missing_ok=True)


def staging_dir(site_dir: Path) -> Path:
    """Where a build of ``site_dir`` writes before it is swapped in: beside it, so that one
    rename on one file system swaps it in."""
    return site_dir.parent / f".{site_dir.name}.govsite-new"


def prepare_staging(site_dir: Path) -> Path:
    """An empty staging folder for ``site_dir`` (what a killed build left there removed)."""
    staging = staging_dir(site_dir)
    if staging.is_symlink() or staging.is_file():
        staging.unlink()
    elif staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def discard_staging(site_dir: Path) -> None:
    shutil.rmtree(staging_dir(site_dir), ignore_errors=True)


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2``); false where the system
    cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_cwd = -100
    result = renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(site_dir: Path) -> None:
    """Put the staging folder in place of ``site_dir`` and set the previous site aside for
    removal (:func:`replaced_dir`). A reader sees the old site or the new one, never a mix;
    on failure the old site stays."""
    staging = staging_dir(site_dir)
    if not site_dir.exists() and not site_dir.is_symlink():
        os.rename(staging, site_dir)
        return
    if _exchange(staging, site_dir):
        _set_for_removal(staging, site_dir)  # now the previous site
        return
    old = site_dir.parent / f".{site_dir.name}.govsite-old"
    shutil.rmtree(old, ignore_errors=True)
    os.rename(site_dir, old)
    try:
        os.rename(staging, site_dir)
    except OSError:
        os.rename(old, site_dir)
        raise
    _set_for_removal(old, site_dir)


def replaced_dir(site_dir: Path) -> Path:
    """Where what is left of the site a build replaced waits to be removed: the next build
    removes it while it reads its inputs (:class:`Clearing`)."""
    return site_dir.parent / f".{site_dir.name}.govsite-replaced"


def _set_for_removal(folder: Path, site_dir: Path) -> None:
    """Set the replaced site at ``folder`` (what was not carried out of it) aside for the
    next build to remove (:class:`Clearing`)."""
    replaced = replaced_dir(site_dir)
    shutil.rmtree(replaced, ignore_errors=True)  # one the last build did not get to remove
    try:
        os.rename(folder, replaced)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


class Clearing:
    """The removal of the site the last build replaced, in a thread beside this build (it
    waits on the disk, not on a core). Started once the build holds the site's lock; joined
    before this build swaps its own site in."""

    def __init__(self, site_dir: Path) -> None:
        replaced = replaced_dir(Path(os.path.realpath(site_dir)))
        self._thread: threading.Thread | None = None
        if replaced.is_dir() and not replaced.is_symlink():
            self._thread = threading.Thread(
                target=shutil.rmtree, args=(replaced,), kwargs={"ignore_errors": True}
            )
            self._thread.start()

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None


def _write_state(
    work_dir: Path, site_dir: Path, keys: dict[str, str], stats: dict[str, list[int]]
) -> None:
    """Record a site's folders and files for the next build, sealed with its digest, with
    the clock of the file system now (:attr:`PreviousSite.clock`): the change time of a
    file made for it beside the site (on its file system, whose clock times its files)."""
    clock_file = site_dir.parent / f".{site_dir.name}.govsite-clock"
    with open(clock_file, "wb"):
        pass
    try:
        clock = os.stat(clock_file).st_ctime_ns
    finally:
        clock_file.unlink()  # beside the site only for as long as it is read
    state = {
        "format": STATE_FORMAT,
        "site_dir": str(site_dir.resolve()),
        "folders": keys,
        "files": stats,
        "clock": clock,
    }
    with replacing(work_dir / "state.json") as record:
        record.write(seal(json.dumps(state, sort_keys=True).encode("utf-8"), "state.json"))


def set_aside(site_dir: Path, cache_dir: Path | None) -> PreviousSite:
    """The last build's site (left where it is) and what its record says it holds, for
    carrying its unchanged folders; nothing to reuse without a cache or a valid record."""
    if cache_dir is None:
        return PreviousSite(None, {}, None)
    site = site_dir.resolve()
    work_dir = cache_dir.resolve() / Namespace.CARRY / digest(str(site))[:16]
    if work_dir.is_relative_to(site) or site.is_relative_to(work_dir):
        return PreviousSite(None, {}, None)
    state_path = work_dir / "state.json"
    state: object = None
    try:
        sealed = state_path.read_bytes()
    except OSError:
        sealed = None
    if sealed is not None:
        payload = unseal(sealed, state_path.name)
        if payload is None:
            report_damaged(state_path, "its checksum does not match")
        else:
            try:
                state = json.loads(payload)
            except ValueError:
                state = None
    usable = (
        isinstance(state, dict)
        and state.get("format") == STATE_FORMAT
        and state.get("site_dir") == str(site)
        and isinstance(state.get("folders"), dict)
        and isinstance(state.get("files"), dict)
        and isinstance(state.get("clock"), int)
        and site.is_dir()
        and not site_dir.is_symlink()
    )
    if usable:
        assert isinstance(state, dict)
        return PreviousSite(
            site,
            dict(state["folders"]),
            work_dir,
            dict(state["files"]),
            site,
            state["clock"],
        )
    return PreviousSite(None, {}, work_dir)


def _tree(outputs: Iterable[Output], foreign: Iterable[str]) -> _Folder:
    root = _Folder(pure=False)
    for output in outputs:
        *parts, _name = output.path.split("/")
        node = root
        for part in parts:
            node = node.children.setdefault(part, _Folder())
        node.files.append(output)
    for path in foreign:
        node = root
        for part in path.split("/")[:-1]:
            child = node.children.get(part)
            if child is None:
                break
            child.pure = False
            node = child
    return root


def _key(folder: _Folder) -> bool:
    """Fill in the keys of pure folders, bottom up; return whether ``folder`` is pure."""
    children_pure = [_key(child) for child in folder.children.values()]
    folder.pure = folder.pure and all(children_pure)
    if folder.pure:
        parts: list[str] = []
        for output in sorted(folder.files, key=lambda o: o.path):
            parts += [output.path.rsplit("/", 1)[-1], output.key]
        for name in sorted(folder.children):
            parts += [name + "/", folder.children[name].key]
        folder.key = digest(*parts)
    return folder.pure


POOL_BATCH = 64
"""Pooled outputs of one folder written by one worker job, at most."""


def publish(
    site_dir: Path,
    outputs: Iterable[Output],
    foreign: Iterable[str],
    previous: PreviousSite,
    *,
    scope: Callable[[], contextlib.AbstractContextManager[object]] = contextlib.nullcontext,
    cache: bool = False,
) -> dict[str, str]:
    """Publish ``outputs`` under ``site_dir``, carrying unchanged folders from ``previous``.

    ``foreign`` lists the files others write into the site. Outputs marked ``pooled`` are
    written on every core (by :func:`workers.run_all`, whose policy ``cache`` feeds), a job
    per folder (or batch of one), each job inside ``scope`` (what its writes read from, opened
    in the process that runs it); the others here, in order. Returns the key of every
    carriable folder (its path ends with ``/``) and of every file, for the next build's
    record.
    """
    root = _tree(outputs, foreign)
    _key(root)
    keys: dict[str, str] = {}
    made: set[Path] = set()
    pooled: list[list[Output]] = []
    progress = Progress("publish (files)", _count(root), "files")

    def visit(folder: _Folder, path: str) -> None:
        if folder.pure:
            keys[path] = folder.key
            if previous.take(path, folder, site_dir):
                # the keys below it stay valid for the next build
                _record(folder, path, keys)
                progress.advance(_count(folder))
                return
        target = site_dir / path if path else site_dir
        if folder.files and target not in made:
            target.mkdir(parents=True, exist_ok=True)
            made.add(target)
        batch: list[Output] = []
        for output in folder.files:
            keys[output.path] = key = _file_key(output)
            if output.write is not None and previous.take_file(output.path, key, site_dir):
                progress.advance()
                continue
            if output.write is not None and output.pooled:
                if len(batch) >= POOL_BATCH:
                    pooled.append(batch)
                    batch = []
                batch.append(output)
                continue
            if output.write is not None:
                output.write(site_dir / output.path)
            progress.advance()
        if batch:
            pooled.append(batch)
        for name in sorted(folder.children):
            visit(folder.children[name], f"{path}{name}/")

    with progress:
        visit(root, "")
        # Jobs name their outputs by place: the workers find them in what they inherited
        # (the writes are closures, which are not sent to a process).
        workers.run_all(
            _write_pooled,
            range(len(pooled)),
            tasks=len(pooled),
            cache=cache,
            inherit=(pooled, site_dir, scope),
            on_result=progress.advance,
        )
    return keys


def _write_pooled(job: int) -> int:
    """Write one job's pooled outputs (run by :func:`workers.run_all`); how many."""
    pooled, site_dir, scope = workers.inherited()
    batch: Sequence[Output] = pooled[job]
    with scope():
        for output in batch:
            assert output.write is not None
            output.write(site_dir / output.path)
    return len(batch)


def _count(folder: _Folder) -> int:
    """How many outputs are in the folder and below it."""
    return len(folder.files) + sum(_count(child) for child in folder.children.values())


def _record(folder: _Folder, path: str, keys: dict[str, str]) -> None:
    """The keys of the folders and files below a carried folder (its own is in already)."""
    for output in folder.files:
        keys[output.path] = _file_key(output)
    for name, child in folder.children.items():
        keys[f"{path}{name}/"] = child.key
        _record(child, f"{path}{name}/", keys)


def _file_key(output: Output) -> str:
    """What the record keeps of an output's key: 128 bits of it (a site's record holds one
    per file, and contrib's has 119,000 files)."""
    return output.key[:32]
