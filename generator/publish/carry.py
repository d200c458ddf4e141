"""Carry unchanged output folders from the previous build into the new one.

mkdocs empties the site folder before every build, so a rebuild would write every file again
(thousands of version pages) even when nothing changed. Instead the previous site is set
aside with one rename before mkdocs empties it, and each folder whose content is fully
determined by keys that did not change moves back with one rename; only the rest is written.

Every output carries a key: a hash of everything its bytes are made from (a page stream's
fingerprint, a blob id, the bytes themselves). A folder's key hashes the names and keys of
everything below it, so a carried folder holds exactly what writing it would have produced.
Folders that also hold files govsite does not write (mkdocs' own pages) are never carried:
their govsite files are written one by one.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import digest, replacing, report_damaged, seal, unseal
from ..progress import Progress

STATE_FORMAT = 2  # 2: files recorded with their change time and inode; the record sealed


@dataclass(slots=True, frozen=True)
class Output:
    """One file govsite publishes."""

    path: str
    """Site-relative file path (``/``-separated)."""
    key: str
    """Hash of everything the file's bytes are made from."""
    write: Callable[[Path], None] | None
    """Writes the file at the given path; ``None`` when this build already wrote it."""


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


def file_stat(stat: os.stat_result) -> list[int]:
    """What is recorded of a file to know it was not touched since: size, modification
    time, change time and inode. The change time cannot be set back by hand (``touch`` and
    ``os.utime`` set the modification time only, and a write moves the change time on), so a
    file edited in place, even to the same size and modification time, is not carried."""
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


class PreviousSite:
    """The last build's site, set aside, with the key of each folder it holds."""

    def __init__(
        self,
        root: Path | None,
        keys: dict[str, str],
        work_dir: Path | None,
        stats: dict[str, list[int]] | None = None,
        site_dir: Path | None = None,
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
        self.carried = 0
        """Folders moved back so far."""
        self._carried_paths: set[str] = set()

    def restore(self) -> bool:
        """Put the previous site back where it was, with its record, after a build that
        failed before publishing anything: a failed build leaves the last good site, not an
        empty or half-written folder. False when there is nothing to restore or this build
        has started using it."""
        if self.root is None or self.site_dir is None or self.carried or not self.root.is_dir():
            return False
        if self.site_dir.exists():
            shutil.rmtree(self.site_dir)
        os.rename(self.root, self.site_dir)
        self.root = None
        if self.work_dir is not None:
            _write_state(self.work_dir, self.site_dir, self.keys, self.stats)
        return True

    def take(self, path: str, folder: _Folder, site_dir: Path) -> bool:
        """Move the folder at ``path`` back into the new site when nothing in it changed.

        Its key must match, and what is on disk must be what the last build left: the same
        names, sizes and modification times (a file added or edited by hand is not carried).
        """
        if self.root is None or self.keys.get(path) != folder.key:
            return False
        source, target = self.root / path, site_dir / path
        if _through_link(self.root, path) or target.exists():
            return False
        if not self._untouched(source, path, folder):
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(source, target)
        except OSError:
            return False
        self.carried += 1
        self._carried_paths.add(path)
        return True

    def _untouched(self, source: Path, path: str, folder: _Folder) -> bool:
        expected = {o.path.rsplit("/", 1)[-1] for o in folder.files} | set(folder.children)
        try:
            with os.scandir(source) as entries:
                found = {entry.name: entry for entry in entries}
            if set(found) != expected:
                return False
            for name, entry in found.items():
                child = folder.children.get(name)
                if child is not None:
                    if not entry.is_dir(follow_symlinks=False):
                        return False
                    if not self._untouched(source / name, f"{path}{name}/", child):
                        return False
                    continue
                if self.stats.get(f"{path}{name}") != file_stat(entry.stat(follow_symlinks=False)):
                    return False
        except OSError:
            return False
        return True

    def finish(self, site_dir: Path, keys: dict[str, str]) -> None:
        """Record this build's folders for the next one and drop what was not carried."""
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
        if self.work_dir is None:
            return
        # Files in carried folders are as recorded (checked before the move): keep their
        # record; stat only what was written.
        stats: dict[str, list[int]] = {}
        for file, recorded in self.stats.items():
            folder = file[: file.rfind("/") + 1]
            while folder and folder not in self._carried_paths:
                folder = folder[: folder.rstrip("/").rfind("/") + 1]
            if folder:
                stats[file] = recorded
        for path in keys:
            parent = path[: path.rstrip("/").rfind("/") + 1]
            if parent in keys or path in self._carried_paths:
                continue  # walked with its parent, or carried as recorded
            for folder, _dirs, names in os.walk(site_dir / path):
                prefix = os.path.relpath(folder, site_dir).replace(os.sep, "/") + "/"
                for name in names:
                    try:
                        stat = os.stat(os.path.join(folder, name), follow_symlinks=False)
                    except FileNotFoundError:
                        continue  # gone already: without a record its folder is not carried
                    stats[prefix + name] = file_stat(stat)
        _write_state(self.work_dir, site_dir, keys, stats)


def _write_state(
    work_dir: Path, site_dir: Path, keys: dict[str, str], stats: dict[str, list[int]]
) -> None:
    """Record a site's folders and files for the next build, sealed with its digest."""
    state = {
        "format": STATE_FORMAT,
        "site_dir": str(site_dir.resolve()),
        "folders": keys,
        "files": stats,
    }
    with replacing(work_dir / "state.json") as record:
        record.write(seal(json.dumps(state, sort_keys=True).encode("utf-8"), "state.json"))


def _through_link(root: Path, path: str) -> bool:
    """Whether ``path`` below ``root`` is, or passes through, a symbolic link: such a folder
    is not the one the last build wrote (and moving it would publish a link, or move a folder
    out of somewhere else)."""
    current = root
    for part in path.rstrip("/").split("/"):
        if not part:
            continue
        current = current / part
        if current.is_symlink():
            return True
    return False


def set_aside(site_dir: Path, cache_dir: Path | None) -> PreviousSite:
    """Move the last build's site out of the way, when a record says what it holds.

    The record is removed first, so a build that fails half-way leaves nothing that a later
    build could trust. A site left in place loses its symbolic links: mkdocs empties the
    folder but leaves them, and the build would write through them, outside the site.
    """
    previous = _set_aside(site_dir, cache_dir)
    if previous.root is None:
        _drop_links(site_dir)
    return previous


def _drop_links(site_dir: Path) -> None:
    """Remove every symbolic link inside ``site_dir`` (not ``site_dir`` itself, which the
    publisher may point where they serve from)."""
    if not site_dir.is_dir():
        return
    for folder, dirs, files in os.walk(site_dir):  # links to folders are not walked into
        for name in (*dirs, *files):
            path = os.path.join(folder, name)
            if os.path.islink(path):
                os.unlink(path)


def _set_aside(site_dir: Path, cache_dir: Path | None) -> PreviousSite:
    if cache_dir is None:
        return PreviousSite(None, {}, None)
    site = site_dir.resolve()
    work_dir = cache_dir.resolve() / "carry" / digest(str(site))[:16]
    if work_dir.is_relative_to(site) or site.is_relative_to(work_dir):
        return PreviousSite(None, {}, None)
    previous = work_dir / "previous"
    if previous.exists():
        shutil.rmtree(previous, ignore_errors=True)
    state_path = work_dir / "state.json"
    state: object = None
    try:
        sealed = state_path.read_bytes()
        state_path.unlink()
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
        and site.is_dir()
    )
    if usable:
        assert isinstance(state, dict)
        try:
            os.rename(site, previous)
        except OSError:  # another file system, or in use: write everything
            return PreviousSite(None, {}, work_dir)
        return PreviousSite(
            previous, dict(state["folders"]), work_dir, dict(state["files"]), site_dir
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


def publish(
    site_dir: Path, outputs: Iterable[Output], foreign: Iterable[str], previous: PreviousSite
) -> dict[str, str]:
    """Publish ``outputs`` under ``site_dir``, carrying unchanged folders from ``previous``.

    ``foreign`` lists the files others write into the site. Returns the key of every
    carriable folder, for the next build's record.
    """
    root = _tree(outputs, foreign)
    _key(root)
    keys: dict[str, str] = {}
    made: set[Path] = set()
    progress = Progress("publish", _count(root), "files")

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
        for output in folder.files:
            if output.write is not None:
                output.write(site_dir / output.path)
            progress.advance()
        for name in sorted(folder.children):
            visit(folder.children[name], f"{path}{name}/")

    with progress:
        visit(root, "")
    return keys


def _count(folder: _Folder) -> int:
    """How many outputs are in the folder and below it."""
    return len(folder.files) + sum(_count(child) for child in folder.children.values())


def _record(folder: _Folder, path: str, keys: dict[str, str]) -> None:
    for name, child in folder.children.items():
        keys[f"{path}{name}/"] = child.key
        _record(child, f"{path}{name}/", keys)
