"""Views of versions' texts, each distinct text (blob) parsed once, ever."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path

from .. import workers
from ..archive.history import Version, VersionKind
from ..cache import Cache, Namespace, code_fingerprint, digest
from ..progress import Progress
from .views import TextView, view_text


class TextSource:
    """Each archived text as a :class:`TextView`, parsed once and kept in the build cache.

    Views live in the disk cache and a small in-memory LRU, so memory holds a few texts at
    a time however many versions there are. :meth:`prepare` computes every missing view
    up front, on every core.
    """

    LRU_SIZE = 24
    LRU_CHARACTERS = 8_000_000
    """Characters of views (their HTML and compared text) kept in memory at most, beside the
    two latest, whatever their size: memory is bounded by the largest text, not by how many
    are remembered (a view weighs a few bytes a character; contrib's largest text is 3 MiB)."""
    RUN_SIZE = 12
    """Texts of one document a worker views in one job, at most."""
    RUN_CHARACTERS = 1_000_000
    """Characters of text a job holds at most (beyond its first text, whatever its size)."""

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
        self._characters = 0
        """Characters of the views in ``_views``."""
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
        if key not in self._views:
            self._characters += _weight(view)
        self._views[key] = view
        self._views.move_to_end(key)
        if self._memory_only:
            return
        while len(self._views) > 2 and (
            len(self._views) > self.LRU_SIZE or self._characters > self.LRU_CHARACTERS
        ):
            _, dropped = self._views.popitem(last=False)
            self._characters -= _weight(dropped)

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
            if not self._memory_only and self._cache.exists(Namespace.VIEWS, key):
                continue
            missing[key] = version
        with Progress("text", len(missing), "texts") as progress:
            self._prepare(missing, progress)

    def _prepare(self, missing: dict[str, Version], progress: Progress) -> None:
        if self._memory_only:
            for key, version in progress.each(missing.items()):
                self._remember(key, self._make(version))
            return
        root = self._cache.root
        # Jobs are runs of one document's versions in order: each worker then finds most
        # pieces of a text among those of the version before it (see make_view). A run also
        # ends at RUN_CHARACTERS, so that jobs cost about the same whatever their texts'
        # length: a core is not left with a run of the longest texts while the other waits.
        # Texts are read as a run is made, so how many runs there will be is known only
        # once they are read: ``tasks`` counts them by RUN_SIZE alone (the fewest there are).
        runs = 0
        last_path = None
        for version in missing.values():
            if version.path != last_path:
                runs, last_path, count = runs + 1, version.path, 0
            elif count >= self.RUN_SIZE:
                runs, count = runs + 1, 0
            count += 1

        def jobs() -> Iterator[tuple[Path | None, list[tuple[str, str, str, str]]]]:
            run: list[tuple[str, str, str, str]] = []
            characters = 0
            last_path = None
            for key, version in missing.items():
                if run and (
                    version.path != last_path
                    or len(run) >= self.RUN_SIZE
                    or characters >= self.RUN_CHARACTERS
                ):
                    yield root, run
                    run, characters = [], 0
                last_path = version.path
                text = self._read(version)
                run.append((key, text, version.blob, self._base_urls.get(version.path, "")))
                characters += len(text)
            if run:
                yield root, run

        workers.run_all(
            _cached_views_job, jobs(), tasks=runs, cache=True, on_result=progress.advance
        )

    def _make(self, version: Version) -> TextView:
        return view_text(self._read(version), version.blob, self._base_urls.get(version.path, ""))

    def view(self, version: Version) -> TextView:
        key = self._key(version)
        found = self._views.get(key)
        if found is None:
            cached = None if self._memory_only else self._cache.get(Namespace.VIEWS, key)
            if isinstance(cached, TextView):
                found = cached
            else:
                found = self._make(version)
                if not self._memory_only:
                    self._cache.put(Namespace.VIEWS, key, found)
            self._remember(key, found)
        else:
            self._views.move_to_end(key)
        return found

    def block_texts(self, version: Version) -> list[str]:
        """Normalised text of each block (what alignment compares)."""
        return self.view(version).normalised


def _weight(view: TextView) -> int:
    """About how much of memory a view takes, in characters."""
    return len(view.template) + sum(len(text) for text in view.normalised)


def _cached_views_job(job: tuple[Path | None, list[tuple[str, str, str, str]]]) -> int:
    """Compute some views and put them in the cache (run in a worker process); how many."""
    root, texts = job
    cache = Cache(root)
    for key, text, blob, base_url in texts:
        cache.put(Namespace.VIEWS, key, view_text(text, blob, base_url))
    return len(texts)
