"""Cache keys of rendered output, computed from the model it is rendered from.

A key hashes every record an output shows, so an output found under its key is exactly what
rendering it again would give. The code and templates are in every key
(:func:`generator.cache.code_fingerprint`); the site engine adds its theme's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from enum import Enum
from typing import Any

from ..cache import Cache, Namespace, code_fingerprint, digest
from ..config import SiteConfig
from ..link.model import DocumentVersion, LinkedDocument, LinkedProvision, SiteModel

REFERENCES: dict[type, Callable[[Any], str]] = {
    DocumentVersion: lambda entry: entry.slug,
    LinkedDocument: lambda document: document.key,
}
"""Records that others point to (a version to the one recorded before it, say): inside
another record they stand as their key, so that a record's key does not take in the chain
of records it points to (each page's key names the records it shows)."""


_FIELDS: dict[type, tuple[str, ...]] = {}
"""The field names of each dataclass :func:`canonical` walked (looked up once per type)."""
_PLAIN = (str, int, float, bool, type(None), dt.datetime, dt.date)


def canonical(value: Any, *, nested: bool = False) -> str:
    """A record as text that is the same for equal records, whatever the run: every field
    of a dataclass, walked, so that a field added to the model is in the keys made from it."""
    kind = type(value)
    if kind in _PLAIN:
        return repr(value)
    reference = REFERENCES.get(kind) if nested else None
    if reference is not None:
        return f"{kind.__name__}<{reference(value)}>"
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        fields = ",".join(
            f"{name}={canonical(getattr(value, name), nested=True)}" for name in names
        )
        return f"{kind.__name__}({fields})"
    if isinstance(value, Enum):
        return f"{kind.__name__}.{value.name}"
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(
                f"{canonical(k, nested=True)}:{canonical(v, nested=True)}" for k, v in value.items()
            )
            + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ",".join(canonical(item, nested=True) for item in value) + "]"
    if isinstance(value, str | int | float | bool | None | dt.datetime | dt.date):
        return repr(value)
    raise TypeError(f"no canonical form for {type(value).__name__}")


Form = Callable[[DocumentVersion], str]
"""The canonical form of a version (:func:`canonical`, or a :class:`VersionForms`)."""


def _forms_key(document: LinkedDocument) -> str:
    """What the link stage makes a document's versions from, and nothing else: the code,
    the declaration, the tracking of its texts (:func:`~generator.compare.track.track_key`)
    and, for each version, its commit (which stands for its date and message), path, blob,
    kind, place in the archive's history, slug and change note. A version's other fields
    (its change's kind and size, its day rank, a return to an earlier text...) are computed
    from these: an input added to them must be added here."""
    return digest(
        code_fingerprint(),
        "version forms",
        document.key,
        canonical(document.document),
        document.tracks.key,
        *(
            f"{e.version.commit}|{e.version.path}|{e.version.blob}|{e.version.kind.name}|"
            f"{e.version.sequence}|{e.slug}|{'' if e.note is None else canonical(e.note)}"
            for e in document.versions
        ),
    )


def _version(entry: DocumentVersion) -> str:
    """Everything of a version, walked (:func:`canonical`) and hashed."""
    return digest(canonical(entry))


class VersionForms:
    """Each version's canonical form (hashed), made once per document's inputs: a version's
    form is in the key of its page, of its neighbours' pages, of its feed entry and of the
    model. The forms of a document's versions are kept in the cache under what they are
    made from (:func:`_forms_key`, cheap to compute), so that a warm build walks the records
    of the documents that changed only, not of the whole history."""

    __slots__ = ("_cache", "_documents", "_model")

    def __init__(self, model: SiteModel, cache: Cache) -> None:
        self._model = model
        self._cache = cache
        self._documents: dict[str, tuple[LinkedDocument, list[str]]] = {}
        """Each document's forms, by its key; the document is held so they stay its own."""

    def versions(self, document: LinkedDocument) -> list[str]:
        """The form of each of ``document``'s versions, in order."""
        held = self._documents.get(document.key)
        if held is not None and held[0] is document:
            return held[1]
        key = _forms_key(document)
        found = self._cache.get(Namespace.FORMS, key)
        if not (
            isinstance(found, list)
            and len(found) == len(document.versions)
            and all(isinstance(form, str) for form in found)
        ):
            found = [_version(entry) for entry in document.versions]
            self._cache.put(Namespace.FORMS, key, found)
        self._documents[document.key] = (document, found)
        return found

    def __call__(self, entry: DocumentVersion) -> str:
        document = self._model.documents.get(entry.document_key)
        versions = document.versions if document is not None else []
        if (
            document is not None
            and 0 < entry.number <= len(versions)
            and versions[entry.number - 1] is entry
        ):
            return self.versions(document)[entry.number - 1]
        return _version(entry)  # a version of no document of the model


def _versions(document: LinkedDocument, form: Form = _version) -> list[str]:
    if isinstance(form, VersionForms):
        return form.versions(document)
    return [form(e) for e in document.versions]


def document_versions_key(document: LinkedDocument, form: Form = _version) -> str:
    """Every version of a document: what its page, its data records and its feeds show of
    the archive."""
    return digest("document versions", document.key, *_versions(document, form))


def site_settings(config: SiteConfig) -> list[str]:
    """The settings every page shows something of, as their declaration says
    (:meth:`SiteConfig.shown`)."""
    return config.shown()


def _document(model: SiteModel, document: LinkedDocument) -> list[str]:
    """What every history page of a document shows of it: its platform and declaration, and
    its analyses (their markers, and the flags of the changes that touch them)."""
    platform = model.content.platforms[document.document.platform]
    return [
        document.key,
        canonical(platform),
        *(
            f"{canonical(p.provision)}|{p.clause_ids}"
            for p in model.provisions.values()
            if p.document is document
        ),
    ]


def document_inputs(model: SiteModel, document: LinkedDocument, config: SiteConfig) -> str:
    """What every history page of ``document`` shows beside its own versions: the code, the
    site's settings, the document and its analyses (computed once per document)."""
    return digest(code_fingerprint(), *site_settings(config), *_document(model, document))


def version_page_key(
    model: SiteModel,
    document: LinkedDocument,
    entry: DocumentVersion,
    config: SiteConfig,
    shown: str | None = None,
    form: Form = _version,
) -> str:
    """Everything a version's page shows: the version, the one before it (its changes) and
    the one after it (its link), its document, and the site's settings (``shown``:
    :func:`document_inputs`, when the caller has it); not the versions further on, so that
    a new version leaves the pages of the older ones as they are, but the one before it,
    which gains its link to the new one."""
    previous = document.previous(entry)
    following = document.next(entry)
    return digest(
        "version",
        shown if shown is not None else document_inputs(model, document, config),
        document.key,
        entry.slug,
        form(entry),
        form(previous) if previous is not None else "",
        form(following) if following is not None else "",
    )


def feed_diff_key(
    document: LinkedDocument, entry: DocumentVersion, config: SiteConfig, form: Form = _version
) -> str:
    """What a version's feed entry shows of its changes: the version, the one before it and
    the site's address (its links)."""
    previous = document.previous(entry)
    return digest(
        code_fingerprint(),
        "feed diff",
        config.site_url,
        document.key,
        form(entry),
        form(previous) if previous is not None else "",
    )


def provision_history_key(
    model: SiteModel, linked: LinkedProvision, config: SiteConfig, form: Form = _version
) -> str:
    """Everything a clause's history page shows: the analysis and every version of its
    document (the clause may change in any of them)."""
    return digest(
        code_fingerprint(),
        "provision history",
        linked.key,
        *site_settings(config),
        *_document(model, linked.document),
        *_versions(linked.document, form),
    )


def content_key(model: SiteModel, config: SiteConfig) -> str:
    """Everything the model is made from but the archive's versions: code, settings,
    content and every analysis's revisions (a page keyed by it and by the versions of the
    documents it shows is rendered again only when one of those documents changed)."""
    return digest(
        code_fingerprint(),
        *site_settings(config),
        canonical(model.content),
        str(model.revisions.enabled),
        canonical(model.revisions.histories),
    )


def model_key(model: SiteModel, config: SiteConfig, form: Form = _version) -> str:
    """Everything the model is made from: settings, content, every version and every
    analysis's revisions."""
    return digest(
        content_key(model, config),
        *(document_versions_key(d, form) for d in model.documents.values()),
    )
