"""Stage 5, link: join content, history and parsed texts into one checked model.

Every reference between records (document, topic, regulation, jurisdiction, related
provision, version) is resolved here; a dangling one is an error at the line that names it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .diagnostics import Diagnostics
from .history import ArchiveHistory, Version, VersionKind
from .model import Content, Document, Provision
from .parse import ParsedText
from .track import QuoteMatch, SearchableText, locate


@dataclass(slots=True)
class DocumentVersion:
    """A version of a document with its permanent URL slug."""

    version: Version
    """The recorded version."""
    slug: str
    """YYYY-MM-DD, or YYYY-MM-DD-N for the N-th version of a day."""
    number: int
    """1 for the first version of the document, and so on."""


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
            if entry.version.kind is not VersionKind.REMOVAL:
                return entry
        return None

    @property
    def removed(self) -> DocumentVersion | None:
        """The removal, when the archive no longer holds the document."""
        if self.versions and self.versions[-1].version.kind is VersionKind.REMOVAL:
            return self.versions[-1]
        return None

    def by_slug(self, slug: str) -> DocumentVersion | None:
        for entry in self.versions:
            if entry.slug == slug:
                return entry
        return None


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

    @property
    def key(self) -> str:
        return self.provision.key

    @property
    def stale(self) -> bool:
        return self.analyzed_match is not None and self.latest_match is None


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


def assign_slugs(versions: list[Version]) -> list[DocumentVersion]:
    """Date slugs in recording order: the second version of a day gets ``-2``, and so on."""
    per_day: dict[str, int] = {}
    out = []
    for number, version in enumerate(versions, start=1):
        day = version.date.strftime("%Y-%m-%d")
        per_day[day] = per_day.get(day, 0) + 1
        slug = day if per_day[day] == 1 else f"{day}-{per_day[day]}"
        out.append(DocumentVersion(version, slug, number))
    return out


def document_versions(document: Document, history: ArchiveHistory) -> list[Version]:
    """The versions of a document, following its former archive paths."""
    merged: list[Version] = []
    for path in (*document.former_sources, document.source):
        merged.extend(history.versions.get(path, []))
    merged.sort(key=lambda v: v.date)
    # A move shows as the old path's removal and the new path's first record: keep the
    # text's continuity by dropping removals that are followed by more versions.
    return [
        v
        for i, v in enumerate(merged)
        if not (v.kind is VersionKind.REMOVAL and i < len(merged) - 1)
    ]


def link(
    content: Content,
    history: ArchiveHistory,
    searchable: Callable[[Version], SearchableText],
    diag: Diagnostics,
) -> SiteModel:
    """Resolve every reference; report each dangling one at the line naming it."""
    documents: dict[str, LinkedDocument] = {}
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
        documents[document.key] = LinkedDocument(document, assign_slugs(versions))

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
        linked_document = documents.get(provision.document_key)
        if linked_document is None:
            continue  # its missing archive text is already reported
        linked = _link_provision(provision, linked_document, searchable, diag)
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
    return SiteModel(content, documents, provisions, by_topic, by_regulation, by_jurisdiction)


def _unknown(what: str, value: str, registry: str) -> str:
    return f"unknown {what} {value!r} (not in content/{registry}.yml)"


def _link_provision(
    provision: Provision,
    document: LinkedDocument,
    searchable: Callable[[Version], SearchableText],
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
    elif analyzed is not None and analyzed.version.kind is VersionKind.REMOVAL:
        diag.error(
            provision.at("analyzed"),
            "analyzed",
            f"{provision.analyzed} is when {document.key} was removed; name a version with text",
        )
        linked.analyzed = None
    latest = document.latest
    if latest is not None and provision.quote:
        linked.latest_match = locate(provision.quote, searchable(latest.version))
    if linked.analyzed is not None and provision.quote:
        analysed_version = linked.analyzed.version
        linked.analyzed_match = locate(provision.quote, searchable(analysed_version))
        if linked.analyzed_match is None:
            diag.error(
                provision.at("quote"),
                "quote",
                f"not found verbatim in {document.document.source!r} as recorded on "
                f"{linked.analyzed.slug} (after normalising white space, quotes and dashes)",
            )
        elif linked.latest_match is None and latest is not None:
            diag.warning(
                provision.at("quote"),
                "quote",
                f"no longer in the latest version of {document.key} ({latest.slug}); the "
                "analysis may be stale",
            )
        start = linked.analyzed.number
        linked.changes_since = [
            v for v in document.versions[start:] if v.version.kind not in (VersionKind.TECHNICAL,)
        ]
    return linked


def parsed_cache(
    read: Callable[[Version], str], parse: Callable[[str, str], ParsedText]
) -> tuple[Callable[[Version], ParsedText], Callable[[Version], SearchableText]]:
    """Per-blob caches: each distinct text is parsed and indexed once."""
    parsed: dict[str, ParsedText] = {}
    indexed: dict[str, SearchableText] = {}

    def get_parsed(version: Version) -> ParsedText:
        found = parsed.get(version.blob)
        if found is None:
            found = parsed[version.blob] = parse(read(version), version.blob)
        return found

    def get_searchable(version: Version) -> SearchableText:
        found = indexed.get(version.blob)
        if found is None:
            found = indexed[version.blob] = SearchableText.of(get_parsed(version))
        return found

    return get_parsed, get_searchable
