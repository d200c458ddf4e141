"""Tracking a document through its versions: clause ids, alignments, word diffs and the
size of every change, computed once per document history and kept in the build cache."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from .. import workers
from ..archive.documents import DocumentHistory
from ..archive.history import Version, VersionKind
from ..cache import Cache, Namespace, code_fingerprint, digest
from ..progress import Progress
from ..text.source import TextSource
from ..text.views import TextView
from .align import ADDED, CHANGED, EQUAL, REMOVED, REWRITTEN, Pair, align, carry_ids
from .changes import Change, ChangeStats, change_stats, describe
from .kinds import (
    RECOVERED,
    ChangeKind,
    classify,
    collapsed,
    error_banner,
    reads_as_failure,
    recurrence,
)
from .worddiff import word_count


class VersionTrack(NamedTuple):
    """What tracking found of one version, beside its clause ids."""

    clauses: int
    """Number of clauses of its text."""
    stats: ChangeStats | None
    """Size of its change from the version before (``None`` for the first)."""
    kind: ChangeKind | None
    """Kind of that change as its text and the document's past show it (``None`` for a
    first record, a removal and the text that follows a removal)."""
    same_as: int = -1
    """For a return to an earlier text (or a recovery after a capture failure): the index
    of the latest earlier version with the same text; -1 otherwise."""
    recurring: tuple[int, ...] = ()
    """For recurring content: the blocks whose wording the document had before."""


TrackedClauses = tuple[list[str], list[Pair] | None, list[Change]]
"""A version's clause ids, alignment with the previous version, and changes from it."""

Summary = list[tuple[VersionTrack, list[str] | None]]
"""Per version: what tracking found, and (latest text only) its clause ids; what a build
needs of a document's tracking when it renders none of its history."""


class DocumentTracks:
    """A document's tracked clauses, by version index (the version's number minus one).

    The summary is in memory; each version's clause ids, alignment and diffs come from
    memory or, with a cache, are read from it one version at a time when used.
    """

    def __init__(
        self,
        summary: Summary,
        cache: Cache,
        key: str,
        in_memory: list[TrackedClauses] | None = None,
    ) -> None:
        self.versions = [found for found, _ in summary]
        """What tracking found of each version."""
        self._latest_ids = {index: ids for index, (_, ids) in enumerate(summary) if ids}
        self._cache, self._key, self._in_memory = cache, key, in_memory

    @property
    def key(self) -> str:
        """The tracking's key (:func:`track_key`): the code and the versions' texts."""
        return self._key

    def _tracked(self, index: int) -> TrackedClauses:
        if self._in_memory is not None:
            return self._in_memory[index]
        # Checked to be data when tracked; the cache keeps the last few read in memory.
        found: TrackedClauses | None = self._cache.record_value(
            Namespace.CLAUSES, self._key, str(index)
        )
        if found is None:
            raise RuntimeError(f"the build cache lost tracked clauses ({self._key[:12]})")
        return found

    def clause_ids(self, index: int) -> list[str]:
        """Stable id of each block of the text, the same for the same clause across versions."""
        if index in self._latest_ids:
            return self._latest_ids[index]
        return self._tracked(index)[0]

    def pairs(self, index: int) -> list[Pair] | None:
        """Alignment with the previous version's blocks (``None`` for the first)."""
        return self._tracked(index)[1]

    def changes(self, index: int) -> list[Change]:
        """The version's changes from the one before, in reading order."""
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
    todo = [h for h in histories.values() if not cache.exists(Namespace.TRACKS, track_key(h))]
    # Longest histories first, so that no core is left with a long one at the end.
    todo.sort(key=lambda h: len(h.versions), reverse=True)
    if cache.root is not None:
        jobs = ((cache.root, h, texts.base_urls) for h in todo)
        with Progress("compare", len(todo), "documents") as progress:
            workers.run_all(
                _track_job, jobs, tasks=len(todo), cache=True, on_result=progress.advance
            )
    return {key: track_document(history, texts) for key, history in histories.items()}


def _track_job(job: tuple[Path, DocumentHistory, dict[str, str]]) -> int:
    """Track one document, leaving the result in the cache (run in a worker process)."""
    root, history, base_urls = job

    def unavailable(version: Version) -> str:
        raise RuntimeError(f"text of {version.blob} is not in the cache")

    track_document(history, TextSource(unavailable, Cache(root), base_urls))
    return 1


def track_document(history: DocumentHistory, texts: TextSource) -> DocumentTracks:
    """Clause ids, alignments, word diffs and change sizes for every version.

    Ids carry over from the last version that had text, so a document that comes back
    after a removal keeps its anchors; its changes are shown against the removal (all
    clauses added).
    """
    cache = texts.cache
    key = track_key(history)
    summary = cache.get(Namespace.TRACKS, key)
    if (
        isinstance(summary, list)
        and len(summary) == len(history.versions)
        and cache.intact_records(Namespace.CLAUSES, key, data=True)
    ):
        return DocumentTracks(summary, cache, key)
    tracked = _track(history.versions, texts, cache)
    if cache.root is None:
        steps = list(tracked)
        summary = [(found, None) for _, _, found in steps]
        return DocumentTracks(summary, cache, key, [clauses for _, clauses, _ in steps])
    latest = max(
        (i for i, v in enumerate(history.versions) if v.kind is not VersionKind.REMOVAL),
        default=None,
    )
    summary = []

    def records() -> Iterator[tuple[str, bytes]]:
        for index, clauses, found in tracked:
            summary.append((found, clauses[0] if index == latest else None))
            yield str(index), pickle.dumps(clauses, protocol=pickle.HIGHEST_PROTOCOL)

    cache.write_records(Namespace.CLAUSES, key, records())
    cache.put(Namespace.TRACKS, key, summary)
    return DocumentTracks(summary, cache, key)


class _Past:
    """What a document's versions so far tell about the next one: the texts it had, the
    texts known to be capture failures, the last good text, and each clause wording it had
    (and lacked) before."""

    def __init__(self) -> None:
        self.blobs: dict[str, int] = {}
        """Each text the document had, by blob id: the latest version that had it."""
        self.failures: set[str] = set()
        """Texts known to be capture failures."""
        self.good: tuple[int, Version, TextView, int] | None = None
        """The last good text (neither a capture failure nor a collapse not yet judged):
        its index, version, view and size in characters."""
        self.present: set[str] = set()
        """Every clause wording the document had."""
        self.absent: set[str] = set()
        """Every clause wording one of its versions lacked (added after the first record,
        or removed or edited away since)."""

    def start(self, index: int, version: Version, view: TextView) -> None:
        """A first record, or the text that follows a removal."""
        self.blobs[version.blob] = index
        self.good = (index, version, view, _size(view))
        self.present.update(view.normalised)

    def learn(self, changes: list[Change], old: list[str], new: list[str]) -> None:
        for change in changes:
            if change.status in (ADDED, CHANGED, REWRITTEN):
                for j in change.new:
                    if new[j] not in self.present:
                        self.present.add(new[j])
                        self.absent.add(new[j])  # an earlier version lacked it
            if change.status in (REMOVED, CHANGED, REWRITTEN):
                self.absent.update(old[i] for i in change.old)

    def judge(
        self, aligned: Aligned, old: list[str], view: TextView
    ) -> tuple[ChangeKind, int, tuple[int, ...]]:
        """The kind of a change from the text before (not a failure, not a recovery)."""
        kind = aligned.kind
        if kind is ChangeKind.SUBSTANTIVE:
            found = recurrence(aligned.changes, old, view.normalised, self.present, self.absent)
            if found.recurs:
                return ChangeKind.RECURRING, -1, found.clauses
        return kind, -1, ()


def _size(view: TextView) -> int:
    return sum(len(text) for text in view.normalised)


Step = tuple[int, TrackedClauses, VersionTrack]


def _track(versions: list[Version], texts: TextSource, cache: Cache) -> Iterator[Step]:
    """Track each version in turn, yielding it when done: memory holds two versions, not
    the whole history. A collapse (most of the text gone, not reading as an error page) is
    held back until the next version says whether the text came back: then it was a
    capture failure."""
    last_text: Version | None = None
    last_view: TextView | None = None
    last_ids: list[str] = []
    after_removal = False
    past = _Past()
    held: list[Step] = []  # a collapse and what followed it, until it is judged
    collapses: list[int] = []  # positions in ``held`` of collapses not yet judged

    def release(failed: bool) -> Iterator[Step]:
        for position in collapses if failed else ():
            index, clauses, found = held[position]
            held[position] = (index, clauses, found._replace(kind=ChangeKind.CAPTURE_FAILURE))
            past.failures.add(versions[index].blob)
        yield from held
        held.clear()
        collapses.clear()

    for index, version in enumerate(versions):
        if version.kind is VersionKind.REMOVAL:
            yield from release(failed=False)
            removal = None
            if last_text is not None:
                removal = ChangeStats(
                    removed=len(last_ids),
                    words_removed=sum(word_count(t) for t in texts.block_texts(last_text)),
                )
            after_removal = True
            yield index, ([], None, []), VersionTrack(0, removal, None)
            continue
        view = texts.view(version)
        if last_text is None or last_view is None:
            ids = carry_ids(None, None, view.normalised)
            past.start(index, version, view)
            yield index, (ids, None, []), VersionTrack(len(ids), None, None)
            last_text, last_view, last_ids = version, view, ids
            continue
        aligned = _aligned(last_text, version, texts, cache)
        ids = carry_ids(last_ids, aligned.pairs, view.normalised)
        if after_removal:  # shown against the removal: every clause added
            yield from release(failed=False)
            pairs = [Pair(None, j, ADDED) for j in range(len(ids))]
            changes = describe(None, view, pairs)
            found = VersionTrack(len(ids), change_stats(changes, None, view), None)
            past.start(index, version, view)
            yield index, (ids, pairs, changes), found
            last_text, last_view, last_ids, after_removal = version, view, ids, False
            continue
        assert past.good is not None
        good_index, good, good_view, good_size = past.good
        size = _size(view)
        same_as = -1
        recurring: tuple[int, ...] = ()
        is_good, learnt = True, False
        if version.blob in past.failures:
            kind, is_good = ChangeKind.CAPTURE_FAILURE, False
        elif (collapsed(size, good_size) and reads_as_failure(view.normalised)) or (
            error_banner(view.normalised) and not error_banner(good_view.normalised)
        ):
            kind, is_good = ChangeKind.CAPTURE_FAILURE, False
            past.failures.add(version.blob)
        elif collapsed(size, good_size) and good is last_text:
            kind, is_good = ChangeKind.COLLAPSE, False
            collapses.append(len(held))
        elif good is not last_text and size >= RECOVERED * good_size:
            # The text came back after a capture failure: judged against the last good one.
            yield from release(failed=True)
            learnt = True
            if version.blob == good.blob:
                kind, same_as = ChangeKind.RECOVERED, good_index
            else:
                against = _aligned(good, version, texts, cache)
                kind, same_as, recurring = _judged(past, version, against, good_view, view)
                if kind.noise:
                    kind, same_as, recurring = ChangeKind.RECOVERED, -1, ()
                past.learn(against.changes, good_view.normalised, view.normalised)
        else:
            if good is not last_text and collapses:  # the collapse stays: it is the text now
                stays = _aligned(good, last_text, texts, cache)
                past.learn(stays.changes, good_view.normalised, last_view.normalised)
                past.blobs[last_text.blob] = index - 1
                past.good = (index - 1, last_text, last_view, _size(last_view))
                yield from release(failed=False)
            kind, same_as, recurring = _judged(past, version, aligned, last_view, view)
        if is_good and not learnt:
            past.learn(aligned.changes, last_view.normalised, view.normalised)
        found = VersionTrack(len(ids), aligned.stats, kind, same_as, recurring)
        step = (index, (ids, aligned.pairs, aligned.changes), found)
        if held or collapses:
            held.append(step)
        else:
            yield step
        if is_good:
            past.blobs[version.blob] = index
            past.good = (index, version, view, size)
        last_text, last_view, last_ids = version, view, ids
    yield from release(failed=False)


def _judged(
    past: _Past, version: Version, aligned: Aligned, old: TextView, new: TextView
) -> tuple[ChangeKind, int, tuple[int, ...]]:
    """A change's kind: a return when the document had the same text before, else what the
    change and the document's clause wordings say."""
    if version.blob in past.blobs:
        return ChangeKind.RETURN, past.blobs[version.blob], ()
    return past.judge(aligned, old.normalised, new)


class Aligned(NamedTuple):
    """Two texts compared: cached by their blob ids, whichever documents have them."""

    pairs: list[Pair]
    changes: list[Change]
    stats: ChangeStats
    kind: ChangeKind


def _aligned(old: Version, new: Version, texts: TextSource, cache: Cache) -> Aligned:
    """The alignment of two texts, their changes, and the size and kind of the change."""
    key = digest(code_fingerprint(), old.blob, new.blob)
    cached = cache.get(Namespace.ALIGN, key)
    if isinstance(cached, Aligned):
        return cached
    old_view, new_view = texts.view(old), texts.view(new)
    if old.blob == new.blob:
        pairs = [Pair(i, i, EQUAL) for i in range(len(new_view.normalised))]
    else:
        pairs = align(old_view.normalised, new_view.normalised)
    changes = describe(old_view, new_view, pairs)
    kind = classify(
        changes, old_view.normalised, new_view.normalised, old_view.links, new_view.links
    )
    found = Aligned(pairs, changes, change_stats(changes, old_view, new_view), kind)
    cache.put(Namespace.ALIGN, key, found)
    return found
