"""The dataset: every version's text and metadata, the analyses, the licence and the
attribution, in one xz-compressed tar file.

The file is a tar archive cut into xz streams, one per document (an xz file may hold
several streams one after another; ``tar -xJf``, ``xz`` and Python's ``lzma`` read them as
one): each document's stream holds its versions' texts, whose near-identical copies cost
little more than one, and is kept in the build cache, so that a new version re-compresses its
own document only (the genai-eu collection: 69 MB of texts over all versions in about 1 MB).
The file is deterministic: entries in a fixed order, with fixed times, owners and modes.
"""

from __future__ import annotations

import lzma
import os
import tarfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .. import workers
from ..cache import Cache, Namespace, copy_sealed, digest, replacing, seal_file
from ..link.model import LinkedDocument, SiteModel
from .data import document_record, json_bytes, provision_record, provisions_csv

XZ_PRESET = 2
"""xz's level 2: measured on genai-eu, 2 s for 1.0 MB where level 6 took 12 s for 0.8 MB."""

Member = tuple[str, Callable[[], bytes]]
"""An entry of the archive: its name, and how to read its bytes."""


def dataset_archive(
    target: Path,
    model: SiteModel,
    raw: Callable[[str], bytes],
    absolute: Callable[[str], str],
    licence: str,
    attribution: str,
    site_name: str,
    collection: str = "",
    licence_text: bytes = b"",
    cache: Cache | None = None,
    record_key: Callable[[LinkedDocument], str] | None = None,
) -> None:
    """Archived texts by version, with the metadata, the analyses, the licence and the
    attribution. Written beside ``target`` and moved into place when complete; one text at a
    time is in memory.

    ``record_key`` gives a key of everything a document's record is made from (its versions
    and the content): a document's part is then looked up under it, and its record encoded
    only when the part is made again, so that a new version encodes its own document's
    record, not every document's (without it, the record itself is in the key)."""
    readme = (
        f"# {site_name}: dataset\n\n"
        "texts/<platform>/<document>/<version>.md  the archived text of each version\n"
        "documents/<platform>/<document>.json  each document and its versions' metadata\n"
        "provisions/<platform>/<document>/<slug>.json  the analyses; provisions.csv: all of them\n"
        + (
            "LICENSE  the licence of the archived texts, as the archive gives it\n"
            if licence_text
            else ""
        )
        + "\n"
        + (f"Archived texts from: {collection}\n" if collection else "")
        + f"Licence of the archived texts: {licence or 'see the archive'}\n"
        f"Attribution: {attribution or 'see the archive'}\n"
        f"Source of this dataset: {absolute('')}\n"
    )
    cache = cache or Cache(None)
    with replacing(target) as file:
        opening: list[Member] = [("README.md", _constant(readme.encode()))]
        if licence_text:
            opening.append(("LICENSE", _constant(licence_text)))
        file.write(_stream(opening))
        for document in model.documents.values():
            record: bytes | None = None
            if record_key is None:
                record = json_bytes(document_record(document, model, absolute))
                made_from: str | bytes = record
            else:
                made_from = f"record {record_key(document)}"
            texts = [
                (f"texts/{document.key}/{entry.slug}.md", entry.version.blob)
                for entry in document.versions
                if not entry.is_removal
            ]
            key = digest(str(XZ_PRESET), *(f"{name}|{blob}" for name, blob in texts), made_from)
            part = cache.read_bytes(Namespace.DATASET_PART, key)
            if part is None:
                if record is None:
                    record = json_bytes(document_record(document, model, absolute))
                members: list[Member] = [(name, _reader(raw, blob)) for name, blob in texts]
                members.append((f"documents/{document.key}.json", _constant(record)))
                part = _stream(members)
                cache.write_bytes(Namespace.DATASET_PART, key, part)
            file.write(part)
        closing: list[Member] = [
            (
                f"provisions/{linked.key}.json",
                _constant(
                    json_bytes(provision_record(linked, absolute, model.revisions_of(linked.key)))
                ),
            )
            for linked in model.provisions.values()
        ]
        closing.append(("provisions.csv", _constant(provisions_csv(model, absolute))))
        file.write(_stream(closing, end=True))


def _constant(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def _reader(raw: Callable[[str], bytes], blob: str) -> Callable[[], bytes]:
    return lambda: raw(blob)


def _stream(members: Iterable[Member], end: bool = False) -> bytes:
    """One xz stream of tar entries (and the archive's end when ``end``)."""
    compressor = lzma.LZMACompressor(format=lzma.FORMAT_XZ, preset=XZ_PRESET)
    out = [compressor.compress(_entry(name, read())) for name, read in members]
    if end:
        out.append(compressor.compress(tarfile.NUL * 2 * tarfile.BLOCKSIZE))
    out.append(compressor.flush())
    return b"".join(out)


def _entry(name: str, data: bytes) -> bytes:
    """A tar entry: its header (POSIX pax, fixed time, owner and mode), data and padding."""
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), 0, 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    header = info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
    return header + data + tarfile.NUL * (-len(data) % tarfile.BLOCKSIZE)


class DatasetJob:
    """Makes the dataset into the cache, in a background process when started early
    (it is the slowest file to make: every text, compressed). The entry carries its digest
    (:func:`generator.cache.seal_file`) and is checked as it is copied into the site."""

    def __init__(self, make: Callable[[Path], None], stored: Path | None) -> None:
        self._make = make
        self._stored = stored
        """The cache entry (``None`` without a cache: written straight to the site)."""
        self._background: workers.Background | None = None

    def start(self) -> None:
        if self._stored is None or self._stored.is_file() or self._background is not None:
            return
        self._background = workers.start(self._make_entry, cache=True)

    def _make_entry(self) -> None:
        assert self._stored is not None
        made = self._stored.with_name(f".making-{os.getpid()}-{self._stored.name}")
        try:
            self._make(made)
            seal_file(made, self._stored)
        finally:
            made.unlink(missing_ok=True)

    def write(self, target: Path) -> None:
        if self._background is not None:
            self._background.join()
            self._background = None
        if self._stored is None:
            self._make(target)
            return
        if not self._stored.is_file():  # not started, or the background job failed
            self._make_entry()
        if not copy_sealed(self._stored, target):  # damaged: made again, once
            self._make_entry()
            if not copy_sealed(self._stored, target):
                raise RuntimeError(f"govsite: cannot keep the dataset in {self._stored}")
