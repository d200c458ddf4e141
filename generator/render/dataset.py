"""The dataset zip: every version's text and metadata, the analyses, the licence and the
attribution; deterministic (entries in a fixed order with a fixed timestamp)."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from .. import workers
from ..cache import copy_sealed, replacing, seal_file
from ..site.model import SiteModel
from .data import json_bytes, provision_record, provisions_csv, version_record

ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def dataset_zip(
    target: Path,
    model: SiteModel,
    raw: Callable[[str], bytes],
    absolute: Callable[[str], str],
    licence: str,
    attribution: str,
    site_name: str,
) -> None:
    """Archived texts by version, with the analyses, the licence and the attribution.

    Written to a temporary file beside ``target`` and moved into place when complete; one
    text at a time is in memory.
    """

    def add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, ZIP_TIMESTAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(info, data, compresslevel=1)  # fast: texts are large

    readme = (
        f"# {site_name}: dataset\n\n"
        "texts/<platform>/<document>/<version>.md  the archived text of each version\n"
        "versions/<platform>/<document>/<version>.json  each version's metadata\n"
        "provisions/<platform>/<document>/<slug>.json  the analyses; provisions.csv: all of them\n\n"
        f"Licence of the archived texts: {licence or 'see the archive'}\n"
        f"Attribution: {attribution or 'see the archive'}\n"
        f"Source of this dataset: {absolute('')}\n"
    )
    with replacing(target) as file, zipfile.ZipFile(file, "w") as archive:
        add(archive, "README.md", readme.encode())
        for document in model.documents.values():
            for entry in document.versions:
                if not entry.is_removal:
                    add(archive, f"texts/{document.key}/{entry.slug}.md", raw(entry.version.blob))
                add(
                    archive,
                    f"versions/{document.key}/{entry.slug}.json",
                    json_bytes(version_record(document, entry, absolute)),
                )
        for linked in model.provisions.values():
            add(
                archive,
                f"provisions/{linked.key}.json",
                json_bytes(provision_record(linked, absolute)),
            )
        add(archive, "provisions.csv", provisions_csv(model, absolute))


class DatasetJob:
    """Makes the dataset zip into the cache, in a background process when started early
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
