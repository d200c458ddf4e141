"""Tracking a document through its versions: clause ids, alignments, word diffs and the
size of every change, computed once per document history and kept in the build cache."""

from __future__ import annotations

import pickle
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from .. import workers
from ..archive.documents import DocumentHistory
from ..archive.history import Version, VersionKind
from ..cache import Cache, code_fingerprint, digest, read_record
from ..text.source import TextSource
from .align import ADDED, CHANGED, MOVED, REMOVED, Pair, align, carry_ids
from .worddiff import Segment, word_count, word_diff


@dataclass(slots=True)
class ChangeStats:
    """How much a version changed from the one before."""

    added: int = 0
    """Clauses added."""
    removed: int = 0
    """Clauses removed."""
    changed: int = 0
    """Clauses edited."""
    moved: int = 0
    """Clauses moved unchanged."""
    words_added: int = 0
    """Words inserted, in added and edited clauses."""
    words_removed: int = 0
    """Words deleted, in removed and edited clauses."""

    @property
    def clauses(self) -> int:
        return self.added + self.removed + self.changed + self.moved

    @property
    def words(self) -> int:
        return self.words_added + self.words_removed


TrackedClauses = tuple[list[str], list[Pair] | None, dict[int, list[Segment]]]
"""A version's clause ids, alignment with the previous version and word diffs."""

Summary = list[tuple[int, ChangeStats | None, list[str] | None]]
"""Per version: its number of clauses, the size of its change, and (latest text only) its
clause ids; what a build needs of a document's tracking when it renders none of its history."""


class DocumentTracks:
    """A document's tracked clauses, by version index (the version's number minus one).

    The summary is in memory; each version's clause ids, alignment and diffs come from
    memory or, with a cache, are read from it one version at a time when used.
    """

    RECENT_SIZE = 8
    _recent: ClassVar[OrderedDict[tuple[str, int], TrackedClauses]] = OrderedDict()
    """Versions read last, across documents (a changes page needs two)."""

    def __init__(
        self,
        summary: Summary,
        cache: Cache,
        key: str,
        in_memory: list[TrackedClauses] | None = None,
    ) -> None:
        self.clause_counts = [count for count, _, _ in summary]
        """Number of clauses of each version's text."""
        self.stats = [stats for _, stats, _ in summary]
        """Size of each version's change from the one before (``None`` for the first)."""
        self._latest_ids = {index: ids for index, (_, _, ids) in enumerate(summary) if ids}
        self._cache, self._key, self._in_memory = cache, key, in_memory

    def _tracked(self, index: int) -> TrackedClauses:
        if self._in_memory is not None:
            return self._in_memory[index]
        recent = DocumentTracks._recent
        found = recent.get((self._key, index))
        if found is not None:
            recent.move_to_end((self._key, index))
            return found
        data = read_record(self._cache, "clauses", self._key, str(index))
        if data is None:
            raise RuntimeError(f"the build cache lost tracked clauses ({self._key[:12]})")
        loaded: TrackedClauses = pickle.loads(data)
        recent[(self._key, index)] = loaded
        while len(recent) > self.RECENT_SIZE:
            recent.popitem(last=False)
        return loaded

    def clause_ids(self, index: int) -> list[str]:
        """Stable id of each block of the text, the same for the same clause across versions."""
        if index in self._latest_ids:
            return self._latest_ids[index]
        return self._tracked(index)[0]

    def pairs(self, index: int) -> list[Pair] | None:
        """Alignment with the previous version's blocks (``None`` for the first)."""
        return self._tracked(index)[1]

    def diffs(self, index: int) -> dict[int, list[Segment]]:
        """Word diff of each changed block, by its index in this version."""
        return self._tracked(index)[2]


def track_key(history: DocumentHistory) -> str:
    return digest(
        code_fingerprint(),
        "document",
        *(f"{v.blob}:{v.kind is VersionKind.REMOVAL}" for v in history.versions),
    )


def track_documents(
    histories: dict[str, DocumentHistory], texts: TextSource
) -> dict[str, DocumentTracks]:
    """Track every document; those not yet in the cache on every core."""
    cache = texts.cache
    todo = [h for h in histories.values() if not cache.exists("tracks", track_key(h))]
    # Longest histories first, so that no core is left with a long one at the end.
    todo.sort(key=lambda h: len(h.versions), reverse=True)
    if cache.root is not None:
        jobs = ((cache.root, h, texts.base_urls) for h in todo)
        workers.run_all(_track_job, jobs, tasks=len(todo), cache=True)
    return {key: track_document(history, texts) for key, history in histories.items()}


def _track_job(job: tuple[Path, DocumentHistory, dict[str, str]]) -> None:
    """Track one document, leaving the result in the cache (run in a worker process)."""
    root, history, base_urls = job

    def unavailable(version: Version) -> str:
        raise RuntimeError(f"text of {version.blob} is not in the cache")

    track_document(history, TextSource(unavailable, Cache(root), base_urls))


def track_document(history: DocumentHistory, texts: TextSource) -> DocumentTracks:
    """Clause ids, alignments, word diffs and change sizes for every version.

    Ids carry over from the last version that had text, so a document that comes back
    after a removal keeps its anchors; its changes are shown against the removal (all
    clauses added).
    """
    cache = texts.cache
    key = track_key(history)
    summary = cache.get("tracks", key)
    if (
        isinstance(summary, list)
        and len(summary) == len(history.versions)
        and cache.intact_records("clauses", key)
    ):
        return DocumentTracks(summary, cache, key)
    tracked = _track(history.versions, texts, cache)
    if cache.root is None:
        steps = list(tracked)
        summary = [(len(ids), stats, None) for _, (ids, _, _), stats in steps]
        return DocumentTracks(summary, cache, key, [clauses for _, clauses, _ in steps])
    latest = max(
        (i for i, v in enumerate(history.versions) if v.kind is not VersionKind.REMOVAL),
        default=None,
    )
    summary = []

    def records() -> Iterator[tuple[str, bytes]]:
        for index, clauses, stats in tracked:
            ids = clauses[0]
            summary.append((len(ids), stats, ids if index == latest else None))
            yield str(index), pickle.dumps(clauses, protocol=pickle.HIGHEST_PROTOCOL)

    cache.write_records("clauses", key, records())
    cache.put("tracks", key, summary)
    return DocumentTracks(summary, cache, key)


def _track(
    versions: list[Version], texts: TextSource, cache: Cache
) -> Iterator[tuple[int, TrackedClauses, ChangeStats | None]]:
    """Track each version in turn, yielding it when done: memory holds two versions, not
    the whole history."""
    last_text: Version | None = None
    last_ids: list[str] = []
    after_removal = False
    for index, version in enumerate(versions):
        if version.kind is VersionKind.REMOVAL:
            removal = None
            if last_text is not None:
                removal = ChangeStats(
                    removed=len(last_ids),
                    words_removed=sum(word_count(t) for t in texts.block_texts(last_text)),
                )
            after_removal = True
            yield index, ([], None, {}), removal
            continue
        new_texts = texts.block_texts(version)
        pairs: list[Pair] | None = None
        diffs: dict[int, list[Segment]] = {}
        change: ChangeStats | None = None
        if last_text is None:
            ids = carry_ids(None, None, new_texts)
        else:
            aligned, aligned_diffs, aligned_stats = _aligned(last_text, version, texts, cache)
            ids = carry_ids(last_ids, aligned, new_texts)
            if after_removal:
                pairs = [Pair(None, j, ADDED) for j in range(len(new_texts))]
                diffs, change = _stats(pairs, [], new_texts)
            else:
                pairs, diffs, change = aligned, dict(aligned_diffs), replace(aligned_stats)
        yield index, (ids, pairs, diffs), change
        last_text, last_ids, after_removal = version, ids, False


def _aligned(
    old: Version, new: Version, texts: TextSource, cache: Cache
) -> tuple[list[Pair], dict[int, list[Segment]], ChangeStats]:
    """The alignment of two texts, their word diffs and the size of the change (cached)."""
    key = digest(code_fingerprint(), old.blob, new.blob)
    cached = cache.get("align", key)
    if cached is not None:
        pairs, diffs, stats = cached
        return pairs, diffs, stats
    old_texts, new_texts = texts.block_texts(old), texts.block_texts(new)
    if old.blob == new.blob:
        pairs = [Pair(i, i, "equal") for i in range(len(new_texts))]
    else:
        pairs = align(old_texts, new_texts)
    diffs, stats = _stats(pairs, old_texts, new_texts)
    cache.put("align", key, (pairs, diffs, stats))
    return pairs, diffs, stats


def _stats(
    pairs: list[Pair], old: list[str], new: list[str]
) -> tuple[dict[int, list[Segment]], ChangeStats]:
    """Word diffs of the changed clauses and the size of the change."""
    stats = ChangeStats()
    diffs: dict[int, list[Segment]] = {}
    for pair in pairs:
        if pair.status == ADDED and pair.new is not None:
            stats.added += 1
            stats.words_added += word_count(new[pair.new])
        elif pair.status == REMOVED and pair.old is not None:
            stats.removed += 1
            stats.words_removed += word_count(old[pair.old])
        elif pair.status == MOVED:
            stats.moved += 1
        elif pair.status == CHANGED and pair.old is not None and pair.new is not None:
            stats.changed += 1
            segments = word_diff(old[pair.old], new[pair.new])
            diffs[pair.new] = segments
            stats.words_added += sum(word_count(s.text) for s in segments if s.op == "+")
            stats.words_removed += sum(word_count(s.text) for s in segments if s.op == "-")
    return diffs, stats
