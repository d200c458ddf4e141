"""The content model: what contributors write in ``content/``, as typed records.

Every record remembers where it came from (:class:`~generator.diagnostics.Origin`), and
``origins`` maps each of its fields (as ``regulations[1].id``) to its own position, so that
later stages can report a dangling reference at the exact line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from .. import urls
from ..diagnostics import Origin


@dataclass(slots=True)
class Document:
    """One policy document of a platform, as declared in its platform file."""

    platform: str
    """Id of the platform that publishes it."""
    id: str
    """URL slug of the document, unique within its platform."""
    title: str
    """Human title, e.g. 'Terms of Service'."""
    source: str
    """Path of the archived text, relative to the archive's root folder."""
    url: str
    """Where the platform publishes it."""
    type: str
    """Terms type: terms of service, usage policy, privacy policy, ..."""
    origin: Origin
    """Where the document is declared."""
    former_sources: tuple[str, ...] = ()
    """Earlier archive paths of the same document (it was renamed or moved)."""

    @property
    def key(self) -> str:
        return f"{self.platform}/{self.id}"

    # The document's URLs on the site (``url`` is where the platform publishes it).
    @property
    def page_url(self) -> str:
        """Its page: the latest text."""
        return urls.document(self.key)

    @property
    def history_url(self) -> str:
        """Every version (a section of its page)."""
        return urls.timeline(self.key)

    @property
    def feed_url(self) -> str:
        return urls.document_feed(self.key)

    @property
    def substantive_feed_url(self) -> str:
        return urls.document_feed(self.key, substantive=True)

    def version_url(self, slug: str) -> str:
        """A version's page, by its slug (or a placeholder that a script fills in)."""
        return urls.version(self.key, slug)

    @property
    def compare_url(self) -> str:
        """The compare view opened on it."""
        return urls.compare(self.key)

    @property
    def record_url(self) -> str:
        """Its JSON record."""
        return urls.document_record(self.key)

    @property
    def as_at_url(self) -> str:
        """Its versions by date, for "the text in force on a date"."""
        return urls.as_at_index(self.key)


@dataclass(slots=True)
class Platform:
    """An online platform whose policies the site follows."""

    id: str
    """URL slug, the platform file's name."""
    name: str
    """Display name."""
    website: str
    """The platform's home page."""
    documents: dict[str, Document]
    """Its documents by id, in the order the file lists them."""
    origin: Origin
    """The platform file."""
    description: str = ""
    """Optional Markdown introduction."""

    @property
    def page_url(self) -> str:
        return urls.platform(self.id)

    @property
    def feed_url(self) -> str:
        return urls.platform_feed(self.id)

    @property
    def substantive_feed_url(self) -> str:
        return urls.platform_feed(self.id, substantive=True)

    @property
    def record_url(self) -> str:
        return urls.platform_record(self.id)


@dataclass(slots=True)
class Affected:
    """Who a provision affects and how."""

    who: str
    """A group of people or organisations."""
    impact: str
    """How it affects them (Markdown)."""


@dataclass(slots=True)
class Exposure:
    """How much risk a provision carries for those affected."""

    level: str
    """low, medium or high."""
    rationale: str
    """Why that level (Markdown)."""


@dataclass(slots=True)
class RegulationRef:
    """A regulation a provision touches."""

    id: str
    """Id in ``regulations.yml``."""
    article: str
    """Article or section, may be empty."""
    note: str
    """How the provision relates to it (Markdown)."""


@dataclass(slots=True)
class JurisdictionRef:
    """A jurisdiction where a provision matters."""

    id: str
    """Id in ``jurisdictions.yml``."""
    note: str
    """Why it matters there (Markdown)."""


@dataclass(slots=True)
class Provision:
    """A contributor's analysis of one clause of one document."""

    platform: str
    """Platform id (from the file's folder)."""
    document: str
    """Document id (from the file's folder)."""
    slug: str
    """URL slug (from the file's name)."""
    title: str
    """Short title of the clause."""
    topic: str
    """Topic id, for comparison across platforms."""
    quote: str
    """The clause, verbatim from the archived text."""
    analyzed: str
    """Version slug (YYYY-MM-DD, or YYYY-MM-DD-N) the analysis reads."""
    summary: str
    """Plain-language summary (Markdown)."""
    interpretation: str
    """Interpretive note (Markdown)."""
    affected: list[Affected]
    """Who is affected and how."""
    for_users: str
    """What it means for someone building on the platform (Markdown)."""
    exposure: Exposure
    """Exposure rating."""
    regulations: list[RegulationRef]
    """Regulations it touches."""
    jurisdictions: list[JurisdictionRef]
    """Jurisdictions where it matters."""
    contracts: str
    """Contract and vendor implications (Markdown)."""
    compliance: str
    """Compliance considerations (Markdown)."""
    related: list[str]
    """Other provisions, as ``platform/document/slug``."""
    authors: list[str]
    """Who wrote the analysis."""
    reviewed: str
    """Date of the last review (YYYY-MM-DD)."""
    origin: Origin
    """The provision file."""
    added: str = ""
    """When the file was added to the site's git history (YYYY-MM-DD; '' if not yet)."""
    origins: dict[str, Origin] = field(default_factory=dict)
    """Position of each field, keyed like ``regulations[1].id``."""

    @property
    def key(self) -> str:
        return f"{self.platform}/{self.document}/{self.slug}"

    @property
    def document_key(self) -> str:
        return f"{self.platform}/{self.document}"

    @property
    def page_url(self) -> str:
        return urls.provision(self.key)

    @property
    def history_url(self) -> str:
        """The history of its clause."""
        return urls.provision_history(self.key)

    @property
    def revisions_url(self) -> str:
        """Every revision of the analysis."""
        return urls.provision_revisions(self.key)

    def revision_url(self, number: int) -> str:
        """One revision of the analysis, frozen."""
        return urls.provision_revision(self.key, number)

    @property
    def feed_url(self) -> str:
        return urls.provision_feed(self.key)

    @property
    def record_url(self) -> str:
        return urls.provision_record(self.key)

    def change_id(self, slug: str) -> str:
        """The id of the feed entry for a change of its clause in version ``slug``."""
        return urls.provision_change_id(self.key, slug)

    @property
    def analyzed_url(self) -> str:
        """The version it analyses."""
        return urls.version(self.document_key, self.analyzed)

    @property
    def marker_anchor(self) -> str:
        """The anchor of its marker in the document's latest text."""
        return urls.analysis_anchor(self.slug)

    @property
    def marker_url(self) -> str:
        return urls.analysis_marker(self.document_key, self.slug)

    def at(self, field_name: str) -> Origin:
        return self.origins.get(field_name, self.origin)


class _RegistryURLs:
    """The URLs of an entry of a registry (topics, regulations, jurisdictions), from
    :mod:`generator.urls`."""

    __slots__ = ()
    registry: ClassVar[str]
    id: str

    @property
    def page_url(self) -> str:
        return urls.registry_entry(self.registry, self.id)

    @property
    def feed_url(self) -> str:
        return urls.registry_feed(self.registry, self.id)

    @property
    def record_url(self) -> str:
        return urls.registry_record(self.registry, self.id)


@dataclass(slots=True)
class Topic(_RegistryURLs):
    """A kind of clause compared across platforms."""

    registry: ClassVar[str] = urls.TOPICS_REGISTRY

    id: str
    """Registry id."""
    title: str
    """Display title."""
    description: str
    """What the topic covers (Markdown)."""
    origin: Origin
    """Where it is declared."""


@dataclass(slots=True)
class Regulation(_RegistryURLs):
    """A law or regulation that provisions touch."""

    registry: ClassVar[str] = urls.REGULATIONS_REGISTRY

    id: str
    """Registry id."""
    title: str
    """Short name, e.g. 'GDPR'."""
    full_title: str
    """Official full title."""
    url: str
    """Official text."""
    description: str
    """Optional note (Markdown)."""
    origin: Origin
    """Where it is declared."""


@dataclass(slots=True)
class Jurisdiction(_RegistryURLs):
    """A jurisdiction that provisions are flagged for."""

    registry: ClassVar[str] = urls.JURISDICTIONS_REGISTRY

    id: str
    """Registry id."""
    title: str
    """Display name (the ``title`` key, like topics and regulations)."""
    description: str
    """Optional note (Markdown)."""
    origin: Origin
    """Where it is declared."""

    @property
    def name(self) -> str:
        """The display name under its former key."""
        return self.title


RegistryEntry = Topic | Regulation | Jurisdiction
"""An entry of one of the registries (each has a page, a feed and a record)."""


@dataclass(slots=True)
class Content:
    """Everything read from ``content/``."""

    platforms: dict[str, Platform] = field(default_factory=dict)
    """Platforms by id, sorted by id."""
    provisions: dict[str, Provision] = field(default_factory=dict)
    """Provisions by ``platform/document/slug``, sorted."""
    topics: dict[str, Topic] = field(default_factory=dict)
    """Topic registry."""
    regulations: dict[str, Regulation] = field(default_factory=dict)
    """Regulation registry."""
    jurisdictions: dict[str, Jurisdiction] = field(default_factory=dict)
    """Jurisdiction registry."""
    change_notes: list[ChangeNote] = field(default_factory=list)
    """Hand-written notes on versions' changes."""
    retired: dict[str, Retired] = field(default_factory=dict)
    """Published URLs that are gone, by URL: each keeps a tombstone or a redirect."""
    pages: dict[str, Origin] = field(default_factory=dict)
    """The site's hand-written pages and files (mkdocs' ``docs_dir``), by the URL each is
    published at, with the file it comes from."""

    def documents(self) -> list[Document]:
        return [d for p in self.platforms.values() for d in p.documents.values()]


@dataclass(slots=True)
class ChangeNote:
    """A hand-written summary of what one version changed."""

    platform: str
    """Platform id (from the file's folder)."""
    document: str
    """Document id (from the file's folder)."""
    version: str
    """Version slug (the file's name)."""
    summary: str
    """What changed and why it matters (Markdown)."""
    significance: str
    """substantive, editorial or technical."""
    authors: list[str]
    """Who wrote the note."""
    origin: Origin
    """The note's file."""

    @property
    def document_key(self) -> str:
        return f"{self.platform}/{self.document}"


@dataclass(slots=True)
class Retired:
    """A published URL whose page is gone: it keeps a tombstone, or redirects."""

    url: str
    """Site-relative URL, e.g. ``nimbus/terms/old-clause/``."""
    retired: str
    """When it went (YYYY-MM-DD)."""
    reason: str
    """Why (Markdown)."""
    redirect: str
    """Where it lives now (a site-relative URL), or '' for a tombstone."""
    origin: Origin
    """Where it is declared."""
    origins: dict[str, Origin] = field(default_factory=dict)
    """Position of each field."""
