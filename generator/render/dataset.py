"""The dataset: every version's text and metadata, the analyses, the licence and the
attribution, in one xz-compressed tar file.

xz compresses the whole archive as one stream, so the many near-identical texts of a
document's history cost little more than one (the genai-eu collection: 69 MB of texts over
all versions in about 1.5 MB). The file is deterministic: entries in a fixed order, with
fixed times, owners and modes.
"""

from __future__ import annotations

import io
import lzma
import os
import tarfile
from collections.abc import Callable
from pathlib import Path

from .. import workers
from ..cache import copy_sealed, replacing, seal_file
from ..site.model import SiteModel
from .data import document_record, json_bytes, provision_record, provisions_csv

XZ_PRESET = 6


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
) -> None:
    """Archived texts by version, with the metadata, the analyses, the licence and the
    attribution. Written beside ``target`` and moved into place when complete; one text at a
    time is in memory."""
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
    with (
        replacing(target) as file,
        lzma.LZMAFile(file, "w", preset=XZ_PRESET) as xz,
        tarfile.open(fileobj=xz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        _add(tar, "README.md", readme.encode())
        if licence_text:
            _add(tar, "LICENSE", licence_text)
        for document in model.documents.values():
            for entry in document.versions:
                if not entry.is_removal:
                    _add(tar, f"texts/{document.key}/{entry.slug}.md", raw(entry.version.blob))
            _add(
                tar,
                f"documents/{document.key}.json",
                json_bytes(document_record(document, model, absolute)),
            )
        for linked in model.provisions.values():
            _add(
                tar, f"provisions/{linked.key}.json", json_bytes(provision_record(linked, absolute))
            )
        _add(tar, "provisions.csv", provisions_csv(model, absolute))


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), 0, 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    tar.addfile(info, io.BytesIO(data))


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
