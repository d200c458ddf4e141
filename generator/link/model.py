"""The linked model: content, history and tracking joined into what the site shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import urls
from ..archive.history import Version, VersionKind
from ..archive.revisions import AnalysisHistory, ContentRevisions
from ..compare.align import Pair
from ..compare.changes import Change, ChangeStats
from ..compare.kinds import ChangeKind
from ..compare.quotes import QuoteIndex, QuoteMatch
from ..compare.track import DocumentTracks
from ..compare.worddiff import Segment
from ..content.records import ChangeNote, Content, Document, Provision, Retired


@dataclass(slots=True, frozen=True, eq=False)
class DocumentVersion:
    """A version of a document with its permanent URL slug."""

    version: Version
    """The recorded version (commit, blob, date, message, kind)."""
    slug: str
    """YYYY-MM-DD, or YYYY-MM-DD-N for the N-th version of a day (from the lock file)."""
    number: int
    """1 for the first version of the document, and so on."""
    kind: ChangeKind
    """What the change is: the change note's significance, or else the computed kind."""
    computed_kind: ChangeKind
    """The kind computed from the archive and the change itself."""
    document_key: str
    """``platform/document``: the document it is a version of (its URLs start with it)."""
    stats: ChangeStats | None = None
    """Size of the change from the previous version (``None`` for the first)."""
    clause_count: int = 0
    """Number of clauses of the text."""
    note: ChangeNote | None = None
    """The hand-written change note, if any."""
    day_rank: int = 1
    """Its place among the versions of the document recorded the same day (1 for the first)."""
    day_count: int = 1
    """How many versions of the document were recorded that day."""
    same_as: int = 0
    """For a return to an earlier text (or a recovery after a capture failure): the number
    of the latest earlier version with the same text; 0 otherwise."""
    recurring: tuple[int, ...] = ()
    """For recurring content: the blocks of its text whose wording the document had before."""
    recorded_after: DocumentVersion | None = None
    """The latest-dated version before it in the archive's commit order, when that one is
    dated later than this one: the archive recorded this version after it, with an earlier
    date (Open Terms Archive dates technical upgrades with their snapshot's date)."""

    @property
    def page_url(self) -> str:
        """Its permanent page."""
        return urls.version(self.document_key, self.slug)

    @property
    def changes_url(self) -> str:
        """What it changed from the version before (a section of its page)."""
        return urls.changes(self.document_key, self.slug)

    @property
    def link_url(self) -> str:
        """Where a link to it as a change leads: what it changed, or its page when it is
        the first version (nothing came before it)."""
        return self.changes_url if self.number > 1 else self.page_url

    @property
    def text_url(self) -> str:
        """Its archived text, as recorded."""
        return urls.text(self.version.blob)

    def clause_url(self, clause_id: str) -> str:
        """A clause of its text."""
        return urls.clause(self.document_key, self.slug, clause_id)

    def compare_url(self, previous: DocumentVersion) -> str:
        """The compare view opened on ``previous`` and it."""
        return urls.compare(self.document_key, previous.slug, self.slug)

    @property
    def same_day(self) -> bool:
        """Whether the document has other versions of the same day."""
        return self.day_count > 1

    @property
    def when(self) -> str:
        """The recorded day; with the time of day (UTC) and the version's place that day
        when the day has several, so that headings, feeds and citations tell them apart."""
        date = self.version.date
        if not self.same_day:
            return f"{date:%Y-%m-%d}"
        return f"{date:%Y-%m-%d %H:%M} UTC ({self.day_rank} of {self.day_count} that day)"

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
    tracks: DocumentTracks
    """Each version's clause ids, alignment with the one before and word diffs."""

    @property
    def key(self) -> str:
        return self.document.key

    @property
    def page_url(self) -> str:
        return self.document.page_url

    @property
    def latest(self) -> DocumentVersion | None:
        """The newest version with good text: a removal has none, and a capture failure
        (an error page recorded instead of the text) is passed over while an earlier
        version has text."""
        return latest_of(self.versions)

    @property
    def failed_capture(self) -> DocumentVersion | None:
        """The newest version, when it is a capture failure (the document's page says so
        and shows the last good text)."""
        if self.versions and self.versions[-1].computed_kind is ChangeKind.CAPTURE_FAILURE:
            return self.versions[-1]
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

    def clause_ids(self, entry: DocumentVersion) -> list[str]:
        """The clause id of each block of ``entry``'s text."""
        return self.tracks.clause_ids(entry.number - 1)

    def pairs(self, entry: DocumentVersion) -> list[Pair] | None:
        """``entry``'s blocks aligned with the previous version's."""
        return self.tracks.pairs(entry.number - 1)

    def changes(self, entry: DocumentVersion) -> list[Change]:
        """What changed in ``entry`` from the version before, in reading order."""
        return self.tracks.changes(entry.number - 1)


_NOT_COUNTED = (
    ChangeKind.TECHNICAL,
    ChangeKind.RETURN,
    ChangeKind.RECURRING,
    ChangeKind.RECOVERED,
)


@dataclass(slots=True)
class ClauseState:
    """An analysed clause's text in one version, where its text changed."""

    entry: DocumentVersion
    """The version."""
    text: str
    """The clause's text in it ('' when absent)."""
    status: str
    """'first', 'changed', 'removed' or 'restored'."""
    kind: ChangeKind
    """The kind of the change to the clause (technical when the archive says so)."""
    diff: list[Segment] = field(default_factory=list)
    """Word diff from the clause's previous text."""

    @property
    def counts(self) -> bool:
        """Whether it is a change of the clause's text by the platform (monitoring counts
        these; a technical re-extraction, or a return to a wording the document had, is
        named, not counted)."""
        return self.status != "first" and self.kind not in _NOT_COUNTED


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

    @property
    def quote_url(self) -> str:
        """Where its quote stands in the analysed version: the clause, or else the version."""
        p = self.provision
        if self.clause_ids:
            return urls.clause(p.document_key, p.analyzed, self.clause_ids[0])
        return p.analyzed_url

    @property
    def clause_changes_since(self) -> list[ClauseState]:
        """Changes of the quoted clause's text after the analysed version (technical
        re-extractions left out: they are named, not counted)."""
        if self.analyzed is None:
            return []
        number = self.analyzed.number
        return [s for s in self.history if s.entry.number > number and s.counts]

    @property
    def changes_since_all(self) -> list[DocumentVersion]:
        """Every version recorded after the analysed one."""
        if self.analyzed is None:
            return []
        return self.document.versions[self.analyzed.number :]

    @property
    def may_be_stale(self) -> bool:
        """Whether the analysis may no longer hold: its quote is gone, or its clause changed."""
        return self.stale or bool(self.clause_changes_since)


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
    quotes: QuoteIndex
    """Finds an analysis's quote in any version (the markers on version pages)."""
    retired: dict[str, Retired] = field(default_factory=dict)
    """Retired URLs, checked, with the history pages their analyses take along."""
    revisions: ContentRevisions = field(default_factory=ContentRevisions)
    """Each analysis's revisions (from the site's git history), or why there are none."""

    def revisions_of(self, key: str) -> AnalysisHistory | None:
        """An analysis's revisions, when revisions are on."""
        return self.revisions.histories.get(key)


def latest_of(versions: list[DocumentVersion]) -> DocumentVersion | None:
    """The newest of ``versions`` (oldest first) with good text (see
    :attr:`LinkedDocument.latest`)."""
    fallback = None
    for entry in reversed(versions):
        if entry.is_removal:
            continue
        if entry.computed_kind is not ChangeKind.CAPTURE_FAILURE:
            return entry
        fallback = fallback or entry
    return fallback
