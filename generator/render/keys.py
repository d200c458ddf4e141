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

from ..cache import code_fingerprint, digest
from ..config import SiteConfig
from ..link.model import DocumentVersion, LinkedDocument, LinkedProvision, SiteModel

REFERENCES: dict[type, Callable[[Any], str]] = {
    DocumentVersion: lambda entry: entry.slug,
    LinkedDocument: lambda document: document.key,
}
"""Records that others point to (a version to the one recorded before it, say): inside
another record they stand as their key, so that a record's key does not take in the chain
of records it points to (each page's key names the records it shows)."""


def canonical(value: Any, *, nested: bool = False) -> str:
    """A record as text that is the same for equal records, whatever the run: every field
    of a dataclass, walked, so that a field added to the model is in the keys made from it."""
    reference = REFERENCES.get(type(value)) if nested else None
    if reference is not None:
        return f"{type(value).__name__}<{reference(value)}>"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ",".join(
            f"{f.name}={canonical(getattr(value, f.name), nested=True)}"
            for f in dataclasses.fields(value)
        )
        return f"{type(value).__name__}({fields})"
    if isinstance(value, Enum):
        return f"{type(value).__name__}.{value.name}"
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


class VersionForms:
    """Each version's canonical form, walked once per build: a version's form is in the
    key of its page, of its neighbours' pages, of its feed entry and of the model, and
    walking every version again for each of them was most of a rebuild's key work."""

    __slots__ = ("_forms",)

    def __init__(self) -> None:
        self._forms: dict[int, tuple[DocumentVersion, str]] = {}
        """Forms by the version's identity; the version is held so the identity stays its."""

    def __call__(self, entry: DocumentVersion) -> str:
        held = self._forms.get(id(entry))
        if held is None or held[0] is not entry:
            held = self._forms[id(entry)] = (entry, canonical(entry))
        return held[1]


def _version(entry: DocumentVersion) -> str:
    """Everything of a version, walked (:func:`canonical`)."""
    return canonical(entry)


def _versions(document: LinkedDocument, form: Form = _version) -> list[str]:
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
