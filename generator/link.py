"""Stage 5, link: join content, history and parsed texts into one checked model.

Every reference between records (document, topic, regulation, jurisdiction, related
provision, version, change note) is resolved here; a dangling one is an error at the line
that names it. Documents get their permanent version slugs, their clauses' ids across
versions (track) and each version's differences from the one before (diff).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

from .cache import Cache, code_fingerprint, digest, read_record
from .diagnostics import Diagnostics, Origin
from .diff import Segment, word_count, word_diff
from .history import ArchiveHistory, Version, VersionKind
from .model import ChangeNote, Content, Document, Provision
from .parse import TextView, view_text
from .permalinks import LockEntry, assign_slugs
from .track import (
    ADDED,
    CHANGED,
    MOVED,
    REMOVED,
    Pair,
    QuoteMatch,
    SearchableText,
    align,
    carry_ids,
    locate,
    normalise,
)


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


@dataclass(slots=True)
class DocumentVersion:
    """A version of a document with its permanent URL slug and its tracked clauses."""

    version: Version
    """The recorded version."""
    slug: str
    """YYYY-MM-DD, or YYYY-MM-DD-N for the N-th version of a day (from the lock file)."""
    number: int
    """1 for the first version of the document, and so on."""
    stats: ChangeStats | None = None
    """Size of the change from the previous version (``None`` for the first)."""
    note: ChangeNote | None = None
    """The hand-written change note, if any."""
    clause_count: int = 0
    """Number of clauses of the text (known without loading the clause ids)."""
    _clause_ids: list[str] = field(default_factory=list)
    _pairs: list[Pair] | None = None
    _diffs: dict[int, list[Segment]] = field(default_factory=dict)
    _stored: StoredClauses | None = None
    """Where the tracked clauses are kept when not in memory (the build cache)."""
    _index: int = 0
    """Position among the document's versions (the record's name in the cache)."""
    _ids_here: bool = True
    """Whether ``_clause_ids`` holds the ids even though the rest is stored."""

    @property
    def clause_ids(self) -> list[str]:
        """Stable id of each block of the text, the same for the same clause across versions."""
        if self._stored is not None and not self._ids_here:
            return self._stored.version(self._index)[0]
        return self._clause_ids

    @clause_ids.setter
    def clause_ids(self, value: list[str]) -> None:
        self._clause_ids, self.clause_count = value, len(value)

    @property
    def pairs(self) -> list[Pair] | None:
        """Alignment with the previous version's blocks (``None`` for the first)."""
        if self._stored is not None:
            return self._stored.version(self._index)[1]
        return self._pairs

    @pairs.setter
    def pairs(self, value: list[Pair] | None) -> None:
        self._pairs = value

    @property
    def diffs(self) -> dict[int, list[Segment]]:
        """Word diff of each changed block, by its index in this version."""
        if self._stored is not None:
            return self._stored.version(self._index)[2]
        return self._diffs

    @diffs.setter
    def diffs(self, value: dict[int, list[Segment]]) -> None:
        self._diffs = value

    def store(self, stored: StoredClauses, index: int, keep_ids: bool) -> None:
        """Leave the tracked clauses in the cache, read again when used."""
        self._stored, self._index, self._ids_here = stored, index, keep_ids
        if not keep_ids:
            self._clause_ids = []
        self._pairs, self._diffs = None, {}

    @property
    def is_removal(self) -> bool:
        return self.version.kind is VersionKind.REMOVAL

    @property
    def is_technical(self) -> bool:
        return self.version.kind is VersionKind.TECHNICAL


@dataclass(slots=True)
class LinkedDocument:
    """A declared document with its history."""

    document: Document
    """The declaration in the platform file."""
    versions: list[DocumentVersion]
    """Every version, oldest first (including removals)."""

    @property
    def key(self) -> str:
        return self.document.key

    @property
    def latest(self) -> DocumentVersion | None:
        """The newest version with text (a removal has none)."""
        for entry in reversed(self.versions):
            if not entry.is_removal:
                return entry
        return None

    @property
    def removed(self) -> DocumentVersion | None:
        """The removal, when the archive no longer holds the document."""
        if self.versions and self.versions[-1].is_removal:
            return self.versions[-1]
        return None

    def by_slug(self, slug: str) -> DocumentVersion | None:
        for entry in self.versions:
            if entry.slug == slug:
                return entry
        return None

    def previous(self, entry: DocumentVersion) -> DocumentVersion | None:
        return self.versions[entry.number - 2] if entry.number > 1 else None

    def next(self, entry: DocumentVersion) -> DocumentVersion | None:
        return self.versions[entry.number] if entry.number < len(self.versions) else None


@dataclass(slots=True)
class ClauseState:
    """An analysed clause's text in one version, where its text changed."""

    entry: DocumentVersion
    """The version."""
    text: str
    """The clause's text in it ('' when absent)."""
    status: str
    """'first', 'changed', 'removed' or 'restored'."""
    diff: list[Segment] = field(default_factory=list)
    """Word diff from the clause's previous text."""


@dataclass(slots=True)
class LinkedProvision:
    """An analysis joined to its document's history."""

    provision: Provision
    """The contributor's analysis."""
    document: LinkedDocument
    """The document it analyses."""
    analyzed: DocumentVersion | None
    """The version named by ``analyzed``, if it exists."""
    analyzed_match: QuoteMatch | None
    """Where the quote stands in the analysed version."""
    latest_match: QuoteMatch | None
    """Where the quote stands in the latest version (``None``: no longer there)."""
    changes_since: list[DocumentVersion] = field(default_factory=list)
    """Versions recorded after the analysed one (technical re-extractions excluded)."""
    clause_ids: tuple[str, ...] = ()
    """Ids of the clause(s) the quote covers in the analysed version."""
    history: list[ClauseState] = field(default_factory=list)
    """The versions in which the clause's text appeared, changed or went away."""
    stale_since: DocumentVersion | None = None
    """The first version, after the analysed one, that no longer has the quoted text."""

    @property
    def key(self) -> str:
        return self.provision.key

    @property
    def stale(self) -> bool:
        return self.stale_since is not None


@dataclass(slots=True)
class SiteModel:
    """Everything the renderer needs, cross-linked."""

    content: Content
    """What contributors wrote."""
    documents: dict[str, LinkedDocument]
    """Documents by ``platform/document``."""
    provisions: dict[str, LinkedProvision]
    """Analyses by ``platform/document/slug``."""
    by_topic: dict[str, list[LinkedProvision]]
    """Analyses per topic id."""
    by_regulation: dict[str, list[LinkedProvision]]
    """Analyses per regulation id."""
    by_jurisdiction: dict[str, list[LinkedProvision]]
    """Analyses per jurisdiction id."""
    new_lock_entries: list[LockEntry] = field(default_factory=list)
    """Version slugs assigned by this build, to append to the lock file."""


class TextSource:
    """Views of versions' texts, each distinct text (blob) parsed once, ever.

    Views live in the disk cache and a small in-memory LRU, so memory holds a few texts at
    a time however many versions there are. :meth:`prepare` computes every missing view
    up front in a pool of worker processes (one per core).
    """

    LRU_SIZE = 24

    def __init__(
        self,
        read: Callable[[Version], str],
        cache: Cache,
        base_urls: dict[str, str] | None = None,
        workers: int | None = None,
    ) -> None:
        self._read = read
        self._cache = cache
        self._base_urls = base_urls or {}
        self._workers = workers if workers is not None else (os.cpu_count() or 1)
        self._views: OrderedDict[str, TextView] = OrderedDict()
        self._searchable: OrderedDict[str, SearchableText] = OrderedDict()
        self._memory_only = cache.root is None

    @property
    def base_urls(self) -> dict[str, str]:
        return self._base_urls

    @property
    def workers(self) -> int:
        return self._workers

    def _key(self, version: Version) -> str:
        return digest(code_fingerprint(), version.blob, self._base_urls.get(version.path, ""))

    def _remember(self, key: str, view: TextView) -> None:
        self._views[key] = view
        self._views.move_to_end(key)
        if not self._memory_only and len(self._views) > self.LRU_SIZE:
            self._views.popitem(last=False)

    def prepare(self, versions: list[Version]) -> None:
        """Compute and cache the views of every text not yet cached, in parallel.

        Workers write views straight into the cache; texts are handed out in batches, so
        at most a batch of texts is in memory at once.
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
        if not missing:
            return
        items = list(missing.items())
        parallel = self._workers > 1 and len(items) >= 8 and not self._memory_only
        if not parallel:
            for key, version in items:
                job = (self._read(version), version.blob, self._base_urls.get(version.path, ""))
                self._store(key, _view_job(job))
            return
        root = self._cache.root
        with ProcessPoolExecutor(
            self._workers, mp_context=multiprocessing.get_context("fork")
        ) as pool:
            # A few texts in flight per worker: memory holds only those, and no worker
            # waits for a slow neighbour (as it would with batches).
            pending: set[Future[None]] = set()
            for key, version in items:
                if len(pending) >= 2 * self._workers:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        future.result()
                base_url = self._base_urls.get(version.path, "")
                text = self._read(version)
                pending.add(
                    pool.submit(_cached_view_job, (root, key, text, version.blob, base_url))
                )
            for future in pending:
                future.result()

    def _store(self, key: str, view: TextView) -> None:
        if self._memory_only:
            self._remember(key, view)
        else:
            self._cache.put("views", key, view)

    def view(self, version: Version) -> TextView:
        key = self._key(version)
        found = self._views.get(key)
        if found is None:
            cached = None if self._memory_only else self._cache.get("views", key)
            if isinstance(cached, TextView):
                found = cached
            else:
                found = _view_job(
                    (self._read(version), version.blob, self._base_urls.get(version.path, ""))
                )
                self._store(key, found)
            self._remember(key, found)
        else:
            self._views.move_to_end(key)
        return found

    def searchable(self, version: Version) -> SearchableText:
        found = self._searchable.get(version.blob)
        if found is None:
            view = self.view(version)
            found = SearchableText.from_normalised(view.normalised)
            self._searchable[version.blob] = found
            if len(self._searchable) > self.LRU_SIZE:
                self._searchable.popitem(last=False)
        return found

    def block_texts(self, version: Version) -> list[str]:
        """Normalised text of each block (what alignment compares)."""
        return self.view(version).normalised


def _view_job(job: tuple[str, str, str]) -> TextView:
    text, blob, base_url = job
    return view_text(text, blob, base_url)


def _cached_view_job(job: tuple[Path | None, str, str, str, str]) -> None:
    """Run in a worker process: compute one view and put it in the cache."""
    root, key, text, blob, base_url = job
    Cache(root).put("views", key, view_text(text, blob, base_url))


def _track_job(job: tuple[Path | None, LinkedDocument, dict[str, str]]) -> None:
    """Run in a worker process: track one document, leaving the result in the cache."""
    root, document, base_urls = job
    cache = Cache(root)

    def unavailable(version: Version) -> str:
        raise RuntimeError(f"text of {version.blob} is not in the cache")

    track_document(document, TextSource(unavailable, cache, base_urls, workers=1), cache)


def track_documents(
    documents: list[LinkedDocument], texts: TextSource, cache: Cache, workers: int
) -> None:
    """Track every document, in parallel when there are several to do and a cache."""
    todo = [d for d in documents if not cache.exists("tracks", _track_key(d))]
    # Longest histories first, so that no core is left with a long one at the end.
    todo.sort(key=lambda d: len(d.versions), reverse=True)
    if workers > 1 and len(todo) >= 4 and cache.root is not None:
        base_urls = texts.base_urls
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for _ in pool.map(_track_job, [(cache.root, d, base_urls) for d in todo]):
                pass
    for document in documents:
        track_document(document, texts, cache)


def document_versions(document: Document, history: ArchiveHistory) -> list[Version]:
    """The versions of a document, following its former archive paths."""
    merged: list[Version] = []
    for path in (*document.former_sources, document.source):
        merged.extend(history.versions.get(path, []))
    merged.sort(key=lambda v: v.date)
    # A move shows as the old path's removal and the new path's first record: keep the
    # text's continuity by dropping a removal that is followed by another path's version.
    # (A removal followed by the same path coming back is a real version.)
    return [
        v
        for i, v in enumerate(merged)
        if not (
            v.kind is VersionKind.REMOVAL and i + 1 < len(merged) and merged[i + 1].path != v.path
        )
    ]


def track_document(document: LinkedDocument, texts: TextSource, cache: Cache) -> None:
    """Clause ids, alignments, word diffs and change sizes for every version.

    Ids carry over from the last version that had text, so a document that comes back
    after a removal keeps its anchors; its changes are shown against the removal (all
    clauses added).
    """
    key = _track_key(document)
    summary = cache.get("tracks", key)
    stored = StoredClauses(cache, key)
    if (
        summary is not None
        and len(summary) == len(document.versions)
        and cache.exists("clauses", key)
    ):
        # Only the sizes of changes now; clause ids, alignments and diffs when used, one
        # version at a time (a rebuild that renders none of this document's history pages
        # never reads them). The latest text's ids come with the summary: the document's
        # own page shows them.
        for index, (entry, (count, stats, ids)) in enumerate(
            zip(document.versions, summary, strict=True)
        ):
            entry.clause_count, entry.stats = count, stats
            if ids is not None:
                entry.clause_ids = ids
            entry.store(stored, index, keep_ids=ids is not None)
        return
    if cache.root is None:
        for _ in _track(document, texts, cache, keep=True):
            pass
        return

    def records() -> Iterator[tuple[str, bytes]]:
        for index, entry in _track(document, texts, cache, keep=False):
            data = (entry._clause_ids, entry._pairs, entry._diffs)
            yield str(index), pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)

    cache.write_records("clauses", key, records())
    versions = document.versions
    latest = max((i for i, e in enumerate(versions) if not e.is_removal), default=None)
    cache.put(
        "tracks",
        key,
        [
            (e.clause_count, e.stats, e._clause_ids if i == latest else None)
            for i, e in enumerate(versions)
        ],
    )
    for index, entry in enumerate(versions):
        entry.store(stored, index, keep_ids=index == latest)


TrackedClauses = tuple[list[str], list[Pair] | None, dict[int, list[Segment]]]
"""A version's clause ids, alignment with the previous version and word diffs."""


class StoredClauses:
    """A document's tracked clauses in the cache, read one version at a time.

    The last few versions read stay in memory (a changes page needs two), so memory does
    not grow with the length of a document's history.
    """

    RECENT_SIZE = 8
    _recent: ClassVar[OrderedDict[tuple[str, int], TrackedClauses]] = OrderedDict()

    def __init__(self, cache: Cache, key: str) -> None:
        self.cache, self.key = cache, key

    def version(self, index: int) -> TrackedClauses:
        recent = StoredClauses._recent
        found = recent.get((self.key, index))
        if found is not None:
            recent.move_to_end((self.key, index))
            return found
        data = read_record(self.cache, "clauses", self.key, str(index))
        if data is None:
            raise RuntimeError(f"the build cache lost tracked clauses ({self.key[:12]})")
        loaded: TrackedClauses = pickle.loads(data)
        recent[(self.key, index)] = found = loaded
        while len(recent) > self.RECENT_SIZE:
            recent.popitem(last=False)
        return found


def _track_key(document: LinkedDocument) -> str:
    return digest(
        code_fingerprint(),
        "document",
        *(f"{e.version.blob}:{e.is_removal}" for e in document.versions),
    )


def _track(
    document: LinkedDocument, texts: TextSource, cache: Cache, *, keep: bool
) -> Iterator[tuple[int, DocumentVersion]]:
    """Track each version in turn, yielding it when done.

    Without ``keep`` a version's alignment and diffs are dropped once it has been yielded,
    and its clause ids once a later version has been tracked against it: memory holds two
    versions, not the whole history.
    """
    last_text: DocumentVersion | None = None
    previous: DocumentVersion | None = None
    for index, entry in enumerate(document.versions):
        if entry.is_removal:
            if last_text is not None:
                entry.stats = ChangeStats(
                    removed=len(last_text.clause_ids),
                    words_removed=sum(word_count(t) for t in texts.block_texts(last_text.version)),
                )
            previous = entry
            yield index, entry
            continue
        new_texts = texts.block_texts(entry.version)
        if last_text is None:
            entry.clause_ids = carry_ids(None, None, new_texts)
        else:
            old_texts = texts.block_texts(last_text.version)
            key = digest(code_fingerprint(), last_text.version.blob, entry.version.blob)
            cached = cache.get("align", key)
            if cached is None:
                if last_text.version.blob == entry.version.blob:
                    pairs = [Pair(i, i, "equal") for i in range(len(new_texts))]
                else:
                    pairs = align(old_texts, new_texts)
                diffs, stats = _stats(pairs, old_texts, new_texts)
                cache.put("align", key, (pairs, diffs, stats))
            else:
                pairs, diffs, stats = cached
            entry.clause_ids = carry_ids(last_text.clause_ids, pairs, new_texts)
            if previous is not None and previous.is_removal:
                entry.pairs = [Pair(None, j, ADDED) for j in range(len(new_texts))]
                entry.diffs, entry.stats = _stats(entry.pairs, [], new_texts)
            else:
                entry.pairs, entry.diffs, entry.stats = pairs, dict(diffs), replace(stats)
        yield index, entry
        if not keep:
            entry.pairs, entry.diffs = None, {}
            if last_text is not None:
                last_text._clause_ids = []  # its count stays
        last_text = previous = entry


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


def link(
    content: Content,
    history: ArchiveHistory,
    texts: TextSource,
    lock: dict[str, list[LockEntry]],
    lock_display: str,
    diag: Diagnostics,
    cache: Cache | None = None,
) -> SiteModel:
    """Resolve every reference; report each dangling one at the line naming it."""
    cache = cache or Cache(None)
    documents: dict[str, LinkedDocument] = {}
    new_lock_entries: list[LockEntry] = []
    texts.prepare(
        [v for d in content.documents() if d.source for v in document_versions(d, history)]
    )
    for document in content.documents():
        if not document.source:
            continue
        versions = document_versions(document, history)
        if not versions:
            known = "" if history.versions else " (the archive has no files yet)"
            diag.error(
                document.origin,
                f"documents.{document.id}.source",
                f"archived text {document.source!r} is not in the archive's history{known}",
            )
            continue
        slugs, new_entries = assign_slugs(
            document.key, versions, lock.get(document.key, []), lock_display, diag
        )
        new_lock_entries.extend(new_entries)
        linked_document = LinkedDocument(
            document,
            [
                DocumentVersion(v, slug, number)
                for number, (v, slug) in enumerate(zip(versions, slugs, strict=True), start=1)
            ],
        )
        documents[document.key] = linked_document
    track_documents(list(documents.values()), texts, cache, texts.workers)
    for document_key, entries in lock.items():
        if document_key not in documents and not any(
            d.key == document_key for d in content.documents()
        ):
            diag.error(
                _lock_origin(lock_display, entries),
                document_key,
                "this document's versions were published but it is no longer declared in "
                "content/platforms/; keep its declaration so its URLs keep working",
            )

    _link_change_notes(content, documents, diag)

    provisions: dict[str, LinkedProvision] = {}
    by_topic: dict[str, list[LinkedProvision]] = {t: [] for t in content.topics}
    by_regulation: dict[str, list[LinkedProvision]] = {r: [] for r in content.regulations}
    by_jurisdiction: dict[str, list[LinkedProvision]] = {j: [] for j in content.jurisdictions}

    for provision in content.provisions.values():
        platform = content.platforms.get(provision.platform)
        if platform is None:
            diag.error(
                provision.origin,
                "(file)",
                f"no platform {provision.platform!r} (content/platforms/{provision.platform}.yml)",
            )
            continue
        if provision.document not in platform.documents:
            known = ", ".join(platform.documents) or "none"
            diag.error(
                provision.origin,
                "(file)",
                f"platform {provision.platform!r} has no document {provision.document!r} "
                f"(it has: {known})",
            )
            continue
        analysed_document = documents.get(provision.document_key)
        if analysed_document is None:
            continue  # its missing archive text is already reported
        linked = _link_provision(provision, analysed_document, texts, diag)
        provisions[provision.key] = linked

        if provision.topic and provision.topic not in content.topics:
            diag.error(provision.at("topic"), "topic", _unknown("topic", provision.topic, "topics"))
        elif provision.topic:
            by_topic[provision.topic].append(linked)
        for index, ref in enumerate(provision.regulations):
            if ref.id not in content.regulations:
                name = f"regulations[{index}].id"
                diag.error(provision.at(name), name, _unknown("regulation", ref.id, "regulations"))
            elif linked not in by_regulation[ref.id]:
                by_regulation[ref.id].append(linked)
        for index, jref in enumerate(provision.jurisdictions):
            if jref.id not in content.jurisdictions:
                name = f"jurisdictions[{index}].id"
                diag.error(
                    provision.at(name), name, _unknown("jurisdiction", jref.id, "jurisdictions")
                )
            elif linked not in by_jurisdiction[jref.id]:
                by_jurisdiction[jref.id].append(linked)

    for provision in content.provisions.values():
        for index, related in enumerate(provision.related):
            name = f"related[{index}]"
            if related == provision.key:
                diag.error(provision.at(name), name, "a provision cannot be related to itself")
            elif related not in content.provisions:
                diag.error(
                    provision.at(name),
                    name,
                    f"no provision {related!r} (expected platform/document/slug of a file in "
                    "content/provisions/)",
                )
    return SiteModel(
        content,
        documents,
        provisions,
        by_topic,
        by_regulation,
        by_jurisdiction,
        new_lock_entries,
    )


def _lock_origin(display: str, entries: list[LockEntry]) -> Origin:
    return Origin(display, min(e.line for e in entries) if entries else 1)


def _unknown(what: str, value: str, registry: str) -> str:
    return f"unknown {what} {value!r} (not in content/{registry}.yml)"


def _link_change_notes(
    content: Content, documents: dict[str, LinkedDocument], diag: Diagnostics
) -> None:
    for note in content.change_notes:
        document = documents.get(note.document_key)
        if document is None:
            diag.error(note.origin, "(file)", f"no document {note.document_key!r} with a history")
            continue
        entry = document.by_slug(note.version)
        if entry is None:
            diag.error(
                note.origin,
                "(file)",
                f"{note.document_key} has no version {note.version} "
                f"(versions: {', '.join(v.slug for v in document.versions[-8:])})",
            )
            continue
        entry.note = note


def _link_provision(
    provision: Provision,
    document: LinkedDocument,
    texts: TextSource,
    diag: Diagnostics,
) -> LinkedProvision:
    analyzed = document.by_slug(provision.analyzed) if provision.analyzed else None
    linked = LinkedProvision(provision, document, analyzed, None, None)
    if provision.analyzed and analyzed is None:
        recorded = ", ".join(v.slug for v in document.versions[-8:])
        diag.error(
            provision.at("analyzed"),
            "analyzed",
            f"no version of {document.key} was recorded on {provision.analyzed} "
            f"(recorded versions: {recorded})",
        )
    elif analyzed is not None and analyzed.is_removal:
        diag.error(
            provision.at("analyzed"),
            "analyzed",
            f"{provision.analyzed} is when {document.key} was removed; name a version with text",
        )
        linked.analyzed = None
    latest = document.latest
    if latest is not None and provision.quote:
        linked.latest_match = locate(provision.quote, texts.searchable(latest.version))
    if linked.analyzed is None or not provision.quote:
        return linked
    analysed = linked.analyzed
    linked.analyzed_match = locate(provision.quote, texts.searchable(analysed.version))
    if linked.analyzed_match is None:
        diag.error(
            provision.at("quote"),
            "quote",
            f"not found verbatim in {document.document.source!r} as recorded on "
            f"{analysed.slug} (after normalising white space, quotes and dashes)",
        )
        return linked
    linked.changes_since = [v for v in document.versions[analysed.number :] if not v.is_technical]
    linked.clause_ids = tuple(analysed.clause_ids[i] for i in linked.analyzed_match.blocks)
    linked.history = _clause_history(linked.clause_ids, document, texts)
    # Stale: the quote is gone from the latest version; since the first version after the
    # last one that still had it.
    if linked.latest_match is None and latest is not None:
        last_found = analysed.number
        for entry in document.versions[analysed.number :]:
            if entry.is_removal:
                continue
            if locate(provision.quote, texts.searchable(entry.version)) is not None:
                last_found = entry.number
        linked.stale_since = document.versions[last_found]  # the version after it
        diag.warning(
            provision.at("quote"),
            "quote",
            f"no longer in the latest version of {document.key} ({latest.slug}); the "
            "analysis may be stale",
        )
    return linked


def _clause_history(
    ids: tuple[str, ...], document: LinkedDocument, texts: TextSource
) -> list[ClauseState]:
    """Follow a clause by its ids through every version; keep the versions where it changed."""
    wanted = set(ids)
    states: list[ClauseState] = []
    previous_text = ""
    for entry in document.versions:
        if entry.is_removal:
            text = ""
        else:
            blocks = texts.view(entry.version).blocks
            parts = [blocks[i].text for i, cid in enumerate(entry.clause_ids) if cid in wanted]
            text = "\n\n".join(parts)
        if normalise(text) == normalise(previous_text):
            continue
        if not previous_text:
            status = "first" if not states else "restored"
        elif not text:
            status = "removed"
        else:
            status = "changed"
        diff = word_diff(previous_text, text) if previous_text and text else []
        states.append(ClauseState(entry, text, status, diff))
        previous_text = text
    return states
