"""A content-addressed cache on disk, so that rebuilds recompute only what changed.

Entries are keyed by hashes of everything they are computed from (blob ids, settings, the
code and templates that produce them), so an entry can never be stale: a changed input is a
different key. The folder (``.cache/govsite`` beside ``mkdocs.yml`` by default) can be
deleted at any time. Writes go through a temporary file and a rename, so an interrupted build
leaves no torn entry, and concurrent builds at worst compute the same entry twice.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any, BinaryIO

FORMAT = "1"  # bump when the layout of cached values changes


def digest(*parts: str | bytes) -> str:
    """A hex key for the given parts."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def tree_digest(folders: Iterable[Path], suffixes: tuple[str, ...] = ()) -> str:
    """A key for the names and contents of every file below ``folders``."""
    parts: list[str | bytes] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and (not suffixes or path.suffix in suffixes):
                parts.append(path.relative_to(folder).as_posix())
                parts.append(path.read_bytes())
    return digest(*parts)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """govsite's own code and templates, and the versions of the libraries that shape its
    output (the site engine adds its own to the keys of what it renders)."""
    package = Path(__file__).parent
    templates = package / "templates"
    if not templates.is_dir():
        templates = package.parent / "templates"
    libraries = [f"{name}={package_version(name)}" for name in ("markdown-it-py", "jinja2")]
    return digest(FORMAT, tree_digest([package], (".py",)), tree_digest([templates]), *libraries)


@contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A file written beside ``path`` and moved onto it only when complete, so that readers
    (and later builds) never see a torn file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            yield file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Cache:
    """Pickled values by namespace and key; ``None`` root disables caching."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.hits = 0
        self.misses = 0

    def _path(self, namespace: str, key: str) -> Path:
        assert self.root is not None
        return self.root / namespace / key[:2] / key

    def get(self, namespace: str, key: str) -> Any | None:
        if self.root is None:
            self.misses += 1
            return None
        try:
            with self._path(namespace, key).open("rb") as file:
                value = pickle.load(file)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, namespace: str, key: str, value: Any) -> None:
        if self.root is None:
            return
        self.write_bytes(namespace, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def exists(self, namespace: str, key: str) -> bool:
        return self.root is not None and self._path(namespace, key).is_file()

    def write_records(self, namespace: str, key: str, records: Iterable[tuple[str, bytes]]) -> None:
        """Store named records as they come (each compressed), readable one at a time.

        Without a cache the records are still consumed (producing them may have effects).
        """
        if self.root is None:
            for _record in records:
                pass
            return
        index: dict[str, tuple[int, int]] = {}
        with replacing(self._path(namespace, key)) as file:
            for name, data in records:
                packed = zlib.compress(data, 1)
                index[name] = (file.tell(), len(packed))
                file.write(packed)
            where = file.tell()
            file.write(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
            file.write(where.to_bytes(8, "little"))

    def records(self, namespace: str, key: str) -> Records | None:
        """The records stored under ``key``, or ``None``."""
        if self.root is None:
            return None
        try:
            return Records(self._path(namespace, key))
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            return None

    def entry_path(self, namespace: str, key: str) -> Path | None:
        """Where an entry is (or would be) stored; ``None`` without a cache."""
        return None if self.root is None else self._path(namespace, key)

    def read_bytes(self, namespace: str, key: str) -> bytes | None:
        """An entry written by :meth:`write_bytes`, or ``None``."""
        if self.root is None:
            return None
        try:
            return self._path(namespace, key).read_bytes()
        except OSError:
            return None

    def write_bytes(self, namespace: str, key: str, data: bytes) -> None:
        if self.root is None:
            return
        with replacing(self._path(namespace, key)) as file:
            file.write(data)


class Records:
    """Reads records written by :meth:`Cache.write_records`, one at a time."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("rb")
        try:
            self._file.seek(-8, os.SEEK_END)
            where = int.from_bytes(self._file.read(8), "little")
            self._file.seek(where)
            index = pickle.loads(self._file.read()[:-8])
        except Exception:
            self._file.close()
            raise
        if not isinstance(index, dict):
            self._file.close()
            raise ValueError(f"{path} holds no records")
        self._index: dict[str, tuple[int, int]] = index

    def get(self, name: str) -> bytes | None:
        found = self._index.get(name)
        if found is None:
            return None
        offset, length = found
        # A positional read: forked processes may share this open file, but not an offset.
        return zlib.decompress(os.pread(self._file.fileno(), length, offset))

    def close(self) -> None:
        self._file.close()


_OPEN: dict[tuple[str, str], tuple[str, Records]] = {}
"""The records file read last, per cache and namespace: records of one key (the pages of a
document, the versions of a document) are read one after another, so it stays open."""


def read_record(cache: Cache, namespace: str, key: str, name: str) -> bytes | None:
    """One record of ``key``, or ``None`` when the cache does not have it."""
    slot = (str(cache.root), namespace)
    held = _OPEN.get(slot)
    if held is None or held[0] != key:
        if held is not None:
            held[1].close()
            del _OPEN[slot]
        records = cache.records(namespace, key)
        if records is None:
            return None
        held = _OPEN[slot] = (key, records)
    return held[1].get(name)


def close_records() -> None:
    """Close the records files :func:`read_record` keeps open."""
    for _key, records in _OPEN.values():
        records.close()
    _OPEN.clear()
