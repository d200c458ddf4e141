"""A content-addressed cache on disk, so that rebuilds recompute only what changed.

The rule (the README's "The build cache" says the same):

- **What a key covers.** Entries are keyed by hashes of everything they are computed from
  (blob ids, settings, the code and templates that produce them, the theme for pages in
  it), so an entry can never be stale: a changed input is a different key.
- **How an entry is verified.** Every entry carries the SHA-256 of its bytes (each record of
  a records file its own, and the records' index its own), checked each time it is read.
- **What happens when it is not.** An entry that fails the check (truncated, a flipped
  byte, not an entry at all) is deleted and reported as a warning, and what it held is
  computed again: a damaged entry is never used, never published.

- **What it may hold.** Data, never code: anyone who can write the folder (a pull request
  that adds it, a shared CI cache) must not be able to run anything by it. Values are read
  with an unpickler that builds only the data types listed in :data:`DATA_TYPES` (the
  project's own named tuples, dataclasses and enums, and dates) and the built-in containers;
  an entry that names anything else is removed and reported like a damaged one, and what it
  held is computed again. Compiled templates, which are code, are sealed with a key that
  stays on this machine (:func:`local_key`); without it they are not kept.

The folder (``.cache/govsite`` beside ``mkdocs.yml`` by default) can be deleted at any time.
Writes go through a temporary file and a rename, so an interrupted build leaves no torn entry,
and concurrent builds at worst compute the same entry twice.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import pickle
import secrets
import shutil
import stat
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import lru_cache
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any, BinaryIO

import zstandard

from .diagnostics import log

FORMAT = "2"  # bump when the layout of cached values changes (2: entries carry digests)


class Namespace(StrEnum):
    """The folders of the build cache, one per kind of entry, declared once (in the order of
    the stages that write them)."""

    HISTORY = "history"
    """The archive's log as the last build read it, by archive folder (archive)."""
    RENAMES = "renames"
    """The archive's undeclared renames, by its history (archive)."""
    VIEWS = "views"
    """Each distinct text parsed into blocks and views, by blob (text)."""
    TRACKS = "tracks"
    """Each document's tracking summary, by its versions' texts (compare)."""
    CLAUSES = "clauses"
    """Each document's clause ids, alignments and diffs, a record per version (compare)."""
    ALIGN = "align"
    """Alignments of two versions a compare view or a history page asks for (compare)."""
    PAGES = "pages"
    """Each page the site engine puts in its theme, rendered (render)."""
    FILES = "files"
    """Each document's feeds and data records (render)."""
    FORMS = "forms"
    """Each document's versions in canonical form (hashed), by what they are made from
    (render)."""
    FEED_DIFFS = "feed-diffs"
    """What a feed entry shows of a version's changes (render)."""
    DATASET = "dataset"
    """The dataset archive, whole (render)."""
    DATASET_PART = "dataset-part"
    """Each document's compressed part of the dataset archive (render)."""
    JINJA = "jinja"
    """Compiled templates, sealed with this machine's key (render)."""
    PAGE = "page"
    """Each history page rendered in the theme, compressed (publish)."""
    ANCHORS = "anchors"
    """What is kept of a history page beside its HTML: anchors, searched parts (publish)."""
    SEARCHED = "searched-key"
    """A hash of what search covers of each history page and its length, by the page's key
    (publish)."""
    SEARCH = "search"
    """Search bundles: a records file per bundle, a record per file (publish)."""
    MANIFEST = "manifest"
    """Each part of the manifest, compressed, with the pages it gives the sitemap, by what
    the part lists (publish)."""
    CARRY = "carry"
    """The previous site's record, for carrying its unchanged folders (publish)."""
    LOCKS = "locks"
    """The build locks, always below the site's own ``.cache/govsite`` (publish)."""
    LAST_BUILD = "last-build"
    """The last successful build's inputs, site and warnings, for a no-op build (publish)."""


_UNREADABLE = (EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError)
"""What reading intact bytes that are not a value this code reads can raise."""


_COMPRESS_OVER = 2048
"""Values whose pickle is larger than this many bytes are stored compressed (:func:`pack`)."""
_ZSTD = b"\x28\xb5\x2f\xfd"
"""The first bytes of a Zstandard frame (never those of a pickle, which starts 0x80)."""
_ZLIB = b"\x78"
"""The first byte of a zlib stream: entries written before govsite used Zstandard."""
_PACK_LEVEL = 3
"""Zstandard's level for cache entries. Measured on genai-eu's cache (3,555 entries, 273 MB
before compression), against zlib's fastest level: compressed in 0.69 s instead of 2.10,
read back in 0.27 s instead of 0.98, and 54 MB instead of 80."""
_INFLATED_MAX = 1 << 30
"""The most bytes a compressed entry may inflate to: a forged entry cannot fill memory."""


def pack(data: bytes) -> bytes:
    """``data`` compressed for the cache (one Zstandard frame that records its size)."""
    return zstandard.ZstdCompressor(level=_PACK_LEVEL).compress(data)


def unpack(payload: bytes) -> bytes:
    """What :func:`pack` (or, for an older entry, zlib) compressed; ``ValueError`` when
    ``payload`` is neither, or would inflate past :data:`_INFLATED_MAX`."""
    if payload[:4] == _ZSTD:
        try:
            size = zstandard.frame_content_size(payload)
            if size < 0 or size > _INFLATED_MAX:
                raise ValueError(f"it would inflate to {size} bytes, past the limit")
            return zstandard.ZstdDecompressor().decompress(payload)
        except zstandard.ZstdError as exc:
            raise ValueError(str(exc)) from None
    if payload[:1] == _ZLIB:
        try:
            return _inflate(payload)
        except zlib.error as exc:
            raise ValueError(str(exc)) from None
    raise ValueError("it is not a compressed entry")


DATA_TYPES = frozenset(
    {
        ("generator.archive.renames", "Rename"),
        ("generator.compare.align", "Pair"),
        ("generator.compare.changes", "Change"),
        ("generator.compare.changes", "ChangeStats"),
        ("generator.compare.changes", "LinkChange"),
        ("generator.compare.kinds", "ChangeKind"),
        ("generator.compare.track", "Aligned"),
        ("generator.compare.track", "VersionTrack"),
        ("generator.compare.worddiff", "Segment"),
        ("generator.publish.streams", "PageRecord"),
        ("generator.render.feeds", "DocumentFeeds"),
        ("generator.render.feeds", "FeedEntry"),
        ("generator.render.pages", "Page"),
        ("generator.render.pages", "TocEntry"),
        ("generator.text.blocks", "Block"),
        ("generator.text.views", "TextView"),
        ("datetime", "date"),
        ("datetime", "datetime"),
        ("datetime", "timedelta"),
        ("datetime", "timezone"),
        ("markupsafe", "Markup"),
    }
)
"""The only types a cache entry may build (besides lists, tuples, dicts, sets, strings,
bytes and numbers, which pickle builds without naming them): constructors of plain data that
run nothing else. A value of another type is not cached data: add its type here when the
cache is to hold it (a test holds every entry of a build readable)."""


class NotData(pickle.UnpicklingError):
    """A cache entry names something other than a data type of :data:`DATA_TYPES`."""


class _DataUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in DATA_TYPES:
            raise NotData(f"it names {module}.{name}, which is not cached data")
        return super().find_class(module, name)


def _inflate(payload: bytes) -> bytes:
    """A compressed entry's bytes, refused (``ValueError``) past :data:`_INFLATED_MAX`."""
    inflater = zlib.decompressobj()
    data = inflater.decompress(payload, _INFLATED_MAX)
    if inflater.unconsumed_tail:
        raise ValueError("the entry inflates past the limit")
    return data


def load_data(payload: bytes) -> Any:
    """A value stored by :meth:`Cache.put`: built from data types only (:class:`NotData` when
    the payload names anything else, whoever wrote it)."""
    return _DataUnpickler(io.BytesIO(payload)).load()


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


PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
"""govsite's own templates: page templates, theme overrides and assets."""
if not PACKAGE_TEMPLATES.is_dir():  # editable install: the repository's own folder
    PACKAGE_TEMPLATES = Path(__file__).parent.parent / "templates"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """govsite's own code and templates, and the versions of the libraries that shape its
    output (the site engine adds its own to the keys of what it renders)."""
    package = Path(__file__).parent
    libraries = [f"{name}={package_version(name)}" for name in ("markdown-it-py", "jinja2")]
    return digest(
        FORMAT, tree_digest([package], (".py",)), tree_digest([PACKAGE_TEMPLATES]), *libraries
    )


@contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A file written beside ``path`` and moved onto it only when complete, so that readers
    (and later builds) never see a torn file."""
    # Named by process: one process writes one file at a time (mkstemp's random names cost
    # more than the write for the thousands of small entries of a build).
    temporary = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        file = temporary.open("wb")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        file = temporary.open("wb")
    try:
        with file:
            yield file
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


_MAGIC = b"govsite\x02"
"""Ends every entry: a file without it was not written whole by this version."""
_DIGEST = 32
"""Bytes of a SHA-256 digest."""
_TRAILER = 8 + _DIGEST + len(_MAGIC)
"""A records file's trailer: where its index starts, the index's digest, the magic."""


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _index_digest(name: str, packed_index: bytes) -> bytes:
    """A records file's index digest, bound to the file's name as :func:`seal` binds one: a
    MAC under this machine's key when there is one (:func:`local_key`), so that a records
    file made elsewhere fails its check; the index holds each record's digest, so the MAC
    covers every record. Records are read lazily, long after a build decided to rely on
    them, so this is what lets it rely on them without reading each one first."""
    key = local_key()
    if key is not None:
        mac = hmac.new(key, name.encode("utf-8", "surrogateescape") + b"\0", "sha256")
        mac.update(packed_index)
        return mac.digest()
    digest = _bound(name)
    digest.update(packed_index)
    return digest.digest()


class DamagedEntry(Exception):
    """A cache entry failed its check; it has been removed and reported."""


def report_damaged(path: Path, reason: str) -> None:
    """Remove a damaged entry and say so (a warning: the build goes on, computing it
    again)."""
    path.unlink(missing_ok=True)
    log.warning(
        f"govsite: damaged build cache entry {path} ({reason}); it was removed and its "
        "content is computed again"
    )


def _bound(name: str) -> hashlib._Hash:
    """A digest that starts from the entry's file name: an intact entry found under another
    name (copied or moved there) fails its check instead of standing for another key."""
    return hashlib.sha256(name.encode("utf-8", "surrogateescape") + b"\0")


def seal(data: bytes, name: str) -> bytes:
    """The bytes of the entry named ``name``: the payload, its digest and the magic."""
    digest = _bound(name)
    digest.update(data)
    return data + digest.digest() + _MAGIC


def unseal(sealed: bytes, name: str) -> bytes | None:
    """The payload of :func:`seal`'s bytes for the entry ``name``, or ``None`` when they fail
    the check."""
    if len(sealed) < _DIGEST + len(_MAGIC) or not sealed.endswith(_MAGIC):
        return None
    payload = sealed[: -_DIGEST - len(_MAGIC)]
    digest = _bound(name)
    digest.update(payload)
    return payload if digest.digest() == sealed[-_DIGEST - len(_MAGIC) : -len(_MAGIC)] else None


def _key_file() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "govsite" / "cache.key"


@lru_cache(maxsize=1)
def local_key() -> bytes | None:
    """A secret of this machine's user, made on first use and kept outside every build cache
    (``$XDG_STATE_HOME/govsite/cache.key``): what the cache holds that is code is sealed with
    it, so a cache made elsewhere (restored in CI, added by a pull request) fails its check
    and is made again. ``None`` when it cannot be kept (then no code is cached)."""
    path = _key_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as file:
                file.write(secrets.token_bytes(_DIGEST))
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            key = file.read(_DIGEST + 1)
    except OSError:
        return None
    # Only a key nobody else could have read or written.
    if len(key) != _DIGEST or info.st_mode & 0o077 or info.st_uid != os.getuid():
        return None
    return key


def seal_code(data: bytes, name: str, key: bytes) -> bytes:
    """Like :func:`seal`, with a MAC under the machine's key instead of a plain digest."""
    mac = hmac.new(key, name.encode("utf-8", "surrogateescape") + b"\0" + data, "sha256")
    return data + mac.digest() + _MAGIC


def unseal_code(sealed: bytes, name: str, key: bytes) -> bytes | None:
    """The payload of :func:`seal_code`'s bytes, or ``None`` when they were not sealed here."""
    if len(sealed) < _DIGEST + len(_MAGIC) or not sealed.endswith(_MAGIC):
        return None
    payload = sealed[: -_DIGEST - len(_MAGIC)]
    expected = hmac.new(key, name.encode("utf-8", "surrogateescape") + b"\0" + payload, "sha256")
    found = sealed[-_DIGEST - len(_MAGIC) : -len(_MAGIC)]
    return payload if hmac.compare_digest(expected.digest(), found) else None


def seal_file(made: Path, entry: Path) -> None:
    """Give a file made beside its entry its digest and magic, then move it into place."""
    hasher = _bound(entry.name)
    with made.open("r+b") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            hasher.update(chunk)
        file.write(hasher.digest() + _MAGIC)
    os.replace(made, entry)


def copy_sealed(entry: Path, target: Path) -> bool:
    """Copy the payload of an entry made by :func:`seal_file` to ``target`` when it passes
    its check; a damaged entry is removed and reported, and nothing is left at ``target``."""
    try:
        with entry.open("rb") as source, target.open("wb") as out:
            remaining = os.fstat(source.fileno()).st_size - _DIGEST - len(_MAGIC)
            hasher = _bound(entry.name)
            while remaining > 0:
                chunk = source.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                hasher.update(chunk)
                out.write(chunk)
                remaining -= len(chunk)
            intact = remaining == 0 and source.read() == hasher.digest() + _MAGIC
    except OSError:
        intact = False
    if not intact:
        target.unlink(missing_ok=True)
        if entry.exists():
            report_damaged(entry, "its checksum does not match")
    return intact


def own_folder(folder: Path, levels: int) -> None:
    """Make ``folder`` a folder, and its ``levels - 1`` nearest parents too: a file (or a
    broken link) where one of them goes is in govsite's own cache, and is removed (a link
    to a folder, say a cache kept on another disk, is kept)."""
    for part in [folder, *folder.parents][:levels][::-1]:
        if not part.is_dir() and (part.is_symlink() or part.exists()):
            part.unlink()
    folder.mkdir(parents=True, exist_ok=True)


class Cache:
    """Pickled values by namespace and key; ``None`` root disables caching."""

    RECENT_SIZE = 8
    """How many values read from records stay in memory (a changes page needs two)."""

    def __init__(self, root: Path | None) -> None:
        if root is not None:
            own_folder(root, 2)  # .cache/govsite
        self.root = root
        self.hits = 0
        self.misses = 0
        self._open: dict[Namespace, tuple[str, Records]] = {}
        """The records file read last, per namespace: records of one key (the pages of a
        document, the versions of a document) are read one after another, so it stays
        open until :meth:`close_records`."""
        self._recent: OrderedDict[tuple[Namespace, str, str], Any] = OrderedDict()
        """Values :meth:`record_value` read last, across keys."""
        self._cleared: set[Path] = set()
        """Folders of entries :meth:`_writable` found clear (a folder, or nothing yet)."""

    def read_record(self, namespace: Namespace, key: str, name: str) -> bytes | None:
        """One record of ``key``, or ``None`` when the cache does not have it (or had it
        damaged: the entry is then removed and reported, and its content must be computed
        again)."""
        held = self._open.get(namespace)
        if held is None or held[0] != key:
            if held is not None:
                held[1].close()
                del self._open[namespace]
            records = self.records(namespace, key)
            if records is None:
                return None
            held = self._open[namespace] = (key, records)
        try:
            return held[1].get(name)
        except DamagedEntry as exc:
            held[1].close()
            del self._open[namespace]
            report_damaged(held[1].path, str(exc))
            return None

    def record_value(self, namespace: Namespace, key: str, name: str) -> Any | None:
        """The value stored as record ``name`` of ``key`` (checked to be data when it was
        written: :meth:`intact_records`), or ``None`` like :meth:`read_record`; the last
        :data:`RECENT_SIZE` values read stay in memory."""
        slot = (namespace, key, name)
        found = self._recent.get(slot)
        if found is not None:
            self._recent.move_to_end(slot)
            return found
        data = self.read_record(namespace, key, name)
        if data is None:
            return None
        found = self._recent[slot] = load_data(data)
        while len(self._recent) > self.RECENT_SIZE:
            self._recent.popitem(last=False)
        return found

    def close_records(self) -> None:
        """Close the records files :meth:`read_record` keeps open, and forget the values
        read from them."""
        for _key, records in self._open.values():
            records.close()
        self._open.clear()
        self._recent.clear()

    def _path(self, namespace: Namespace, key: str) -> Path:
        assert self.root is not None
        return self.root / namespace / key[:2] / key

    def _writable(self, namespace: Namespace, key: str) -> Path:
        """Where to write an entry, clearing what stands in the way (a folder or a link
        where the entry goes, a file where its folder goes): the cache is govsite's own."""
        path = self._path(namespace, key)
        shard = path.parent
        if shard not in self._cleared:  # its folders are looked at once per build
            for folder in (shard.parent, shard):
                if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                    folder.unlink()
            self._cleared.add(shard)
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return path
        if stat.S_ISDIR(mode):
            shutil.rmtree(path)
        elif not stat.S_ISREG(mode):
            path.unlink()
        return path

    def get(self, namespace: Namespace, key: str) -> Any | None:
        """The value stored under ``key``, or ``None``; a damaged entry is removed,
        reported and taken as missing."""
        if self.root is None:
            self.misses += 1
            return None
        path = self._path(namespace, key)
        try:
            sealed = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        payload = unseal(sealed, path.name)
        if payload is None:
            report_damaged(path, "its checksum does not match")
            self.misses += 1
            return None
        try:
            if payload[:1] != b"\x80":  # a pickle starts with its protocol byte
                payload = unpack(payload)
            value = load_data(payload)
        except NotData as exc:
            report_damaged(path, str(exc))
            self.misses += 1
            return None
        except _UNREADABLE:
            # Intact bytes of a value this code no longer reads: an old entry, not damage.
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, namespace: Namespace, key: str, value: Any) -> None:
        if self.root is None:
            return
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        if len(data) > _COMPRESS_OVER:
            # Parsed texts and page records are mostly words: compressed, the cache stays
            # smaller than the site it builds (genai-eu: views 157 MB as plain pickles).
            data = pack(data)
        self.write_bytes(namespace, key, data)

    def exists(self, namespace: Namespace, key: str) -> bool:
        """Whether an entry is stored (not whether it is intact: reading it checks that)."""
        return self.root is not None and self._path(namespace, key).is_file()

    def write_records(
        self, namespace: Namespace, key: str, records: Iterable[tuple[str, bytes]]
    ) -> None:
        """Store named records as they come (each compressed), readable one at a time.

        Each record carries its digest in the index, and the index its own in the trailer.
        Without a cache the records are still consumed (producing them may have effects).
        """
        if self.root is None:
            for _record in records:
                pass
            return
        index: dict[str, tuple[int, int, bytes]] = {}
        with replacing(self._writable(namespace, key)) as file:
            for name, data in records:
                packed = pack(data)
                index[name] = (file.tell(), len(packed), _sha256(packed))
                file.write(packed)
            where = file.tell()
            packed_index = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
            file.write(packed_index)
            file.write(where.to_bytes(8, "little") + _index_digest(key, packed_index) + _MAGIC)

    def records(self, namespace: Namespace, key: str) -> Records | None:
        """The records stored under ``key``, or ``None`` (missing, or damaged: then removed
        and reported)."""
        if self.root is None:
            return None
        path = self._path(namespace, key)
        try:
            return Records(path)
        except OSError:
            return None
        except DamagedEntry as exc:
            report_damaged(path, str(exc))
            return None

    def intact_records(self, namespace: Namespace, key: str, *, data: bool = False) -> bool:
        """Whether the records under ``key`` are there and every one passes its check (a
        damaged file is removed and reported); with ``data``, each record is also a value
        :func:`load_data` reads, unless the file is sealed with this machine's key (then
        it was written here, by this code). Reads them all: for entries whose records are
        read later, lazily, where a damaged one could no longer be computed again."""
        data = data and local_key() is None
        records = self.records(namespace, key)
        if records is None:
            return False
        try:
            records.verify(data=data)
        except DamagedEntry as exc:
            report_damaged(records.path, str(exc))
            return False
        finally:
            records.close()
        return True

    def record_names(self, namespace: Namespace, key: str) -> list[str]:
        """The names of the records under ``key``, in order (none when it is missing or
        damaged)."""
        records = self.records(namespace, key)
        if records is None:
            return []
        try:
            return sorted(records.names())
        finally:
            records.close()

    def entry_path(self, namespace: Namespace, key: str) -> Path | None:
        """Where an entry is (or would be) stored, cleared for writing; ``None`` without a
        cache."""
        if self.root is None:
            return None
        path = self._path(namespace, key)
        return path if path.is_file() and not path.is_symlink() else self._writable(namespace, key)

    def read_bytes(self, namespace: Namespace, key: str) -> bytes | None:
        """An entry written by :meth:`write_bytes`, or ``None`` (missing, or damaged: then
        removed and reported)."""
        if self.root is None:
            return None
        path = self._path(namespace, key)
        try:
            sealed = path.read_bytes()
        except OSError:
            return None
        payload = unseal(sealed, path.name)
        if payload is None:
            report_damaged(path, "its checksum does not match")
        return payload

    def write_bytes(self, namespace: Namespace, key: str, data: bytes) -> None:
        if self.root is None:
            return
        with replacing(self._writable(namespace, key)) as file:
            file.write(seal(data, key))


class Records:
    """Reads records written by :meth:`Cache.write_records`, one at a time, each checked
    against its digest (:class:`DamagedEntry` when it fails)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = path.open("rb")
        try:
            self._index = self._read_index()
        except BaseException:
            self._file.close()
            raise

    def _read_index(self) -> dict[str, tuple[int, int, bytes]]:
        size = os.fstat(self._file.fileno()).st_size
        if size < _TRAILER:
            raise DamagedEntry("too short to hold records")
        trailer = os.pread(self._file.fileno(), _TRAILER, size - _TRAILER)
        if not trailer.endswith(_MAGIC):
            raise DamagedEntry("it does not end as a records file does")
        where = int.from_bytes(trailer[:8], "little")
        if where > size - _TRAILER:
            raise DamagedEntry("its index is out of place")
        packed_index = os.pread(self._file.fileno(), size - _TRAILER - where, where)
        if _index_digest(self.path.name, packed_index) != trailer[8 : 8 + _DIGEST]:
            raise DamagedEntry("its index's checksum does not match")
        try:
            index = load_data(packed_index)
        except _UNREADABLE as exc:
            raise DamagedEntry(f"its index cannot be read ({exc})") from None
        if not isinstance(index, dict):
            raise DamagedEntry("it holds no index of records")
        return index

    def get(self, name: str) -> bytes | None:
        """The record ``name``, or ``None`` when there is none of that name."""
        found = self._index.get(name)
        if found is None:
            return None
        offset, length, expected = found
        # A positional read: forked processes may share this open file, but not an offset.
        packed = os.pread(self._file.fileno(), length, offset)
        if _sha256(packed) != expected:
            raise DamagedEntry(f"the checksum of its record {name!r} does not match")
        try:
            return unpack(packed)
        except ValueError as exc:
            raise DamagedEntry(f"its record {name!r} cannot be read ({exc})") from None

    def names(self) -> list[str]:
        return list(self._index)

    def verify(self, *, data: bool = False) -> None:
        """Check every record, and with ``data`` that it holds data only (:class:`DamagedEntry`
        at the first that fails)."""
        for name, (offset, length, expected) in self._index.items():
            if not data:
                # The digest is of the stored bytes: checked without inflating them (a
                # warm build checks every record of every document's tracking).
                if _sha256(os.pread(self._file.fileno(), length, offset)) != expected:
                    raise DamagedEntry(f"the checksum of its record {name!r} does not match")
                continue
            record = self.get(name)
            if record is not None:
                try:
                    load_data(record)
                except _UNREADABLE as exc:
                    raise DamagedEntry(f"its record {name!r} is not cached data ({exc})") from None

    def close(self) -> None:
        self._file.close()
