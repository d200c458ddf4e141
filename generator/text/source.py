"""Views of versions' texts, each distinct text (blob) parsed once, ever."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path

from .. import workers
from ..archive.history import Version, VersionKind
from ..cache import Cache, code_fingerprint, digest
from .views import TextView, view_text


class TextSource:
    """Each archived text as a :class:`TextView`, parsed once and kept in the build cache.

    Views live in the disk cache and a small in-memory LRU, so memory holds a few texts at
    a time however many versions there are. :meth:`prepare` computes every missing view
    up front, on every core.
    """

    LRU_SIZE = 24

    def __init__(
        self,
        read: Callable[[Version], str],
        cache: Cache,
        base_urls: dict[str, str] | None = None,
    ) -> None:
        self._read = read
        self._cache = cache
        self._base_urls = base_urls or {}
        self._views: OrderedDict[str, TextView] = OrderedDict()
        self._memory_only = cache.root is None

    @property
    def base_urls(self) -> dict[str, str]:
        """The public URL of each archived path's document (relative links resolve there)."""
        return self._base_urls

    @property
    def cache(self) -> Cache:
        return self._cache

    def _key(self, version: Version) -> str:
        return digest(code_fingerprint(), version.blob, self._base_urls.get(version.path, ""))

    def _remember(self, key: str, view: TextView) -> None:
        self._views[key] = view
        self._views.move_to_end(key)
        if not self._memory_only and len(self._views) > self.LRU_SIZE:
            self._views.popitem(last=False)

    def prepare(self, versions: list[Version]) -> None:
        """Compute and cache the view of every text not yet cached, on every core.

        Texts are read as workers free up, so only a few are in memory at once.
        """
        missing: dict[str, Version] = {}
        for version in versions:
            if version.kind is VersionKind.REMOVAL:
                continue
            key = self._key(version)
            if key in missing or key in self._views:
                continue
            if not self._memory_only and self._cache.exists("views", key):
                continue
            missing[key] = version
        if self._memory_only:
            for key, version in missing.items():
                self._remember(key, self._make(version))
            return
        root = self._cache.root

        def jobs() -> Iterator[tuple[Path | None, str, str, str, str]]:
            for key, version in missing.items():
                base_url = self._base_urls.get(version.path, "")
                yield root, key, self._read(version), version.blob, base_url

        workers.run_all(_cached_view_job, jobs(), tasks=len(missing), cache=True)

    def _make(self, version: Version) -> TextView:
        return view_text(self._read(version), version.blob, self._base_urls.get(version.path, ""))

    def view(self, version: Version) -> TextView:
        key = self._key(version)
        found = self._views.get(key)
        if found is None:
            cached = None if self._memory_only else self._cache.get("views", key)
            if isinstance(cached, TextView):
                found = cached
            else:
                found = self._make(version)
                if not self._memory_only:
                    self._cache.put("views", key, found)
            self._remember(key, found)
        else:
            self._views.move_to_end(key)
        return found

    def block_texts(self, version: Version) -> list[str]:
        """Normalised text of each block (what alignment compares)."""
        return self.view(version).normalised


def _cached_view_job(job: tuple[Path | None, str, str, str, str]) -> None:
    """Compute one view and put it in the cache (run in a worker process)."""
    root, key, text, blob, base_url = job
    Cache(root).put("views", key, view_text(text, blob, base_url))
