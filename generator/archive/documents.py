"""The declared documents' histories: each document's versions with their permanent slugs."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..content.records import Content, Document
from ..diagnostics import Diagnostics, Origin
from .history import ArchiveHistory, Version, VersionKind
from .permalinks import LockEntry, assign_slugs


@dataclass(slots=True)
class DocumentHistory:
    """A declared document and every recorded version of its text."""

    document: Document
    """The declaration in the platform file."""
    versions: list[Version]
    """Its versions, oldest first (removals included), following its former paths."""
    slugs: list[str]
    """The permanent slug of each version (from the lock file, or newly assigned)."""

    @property
    def key(self) -> str:
        return self.document.key


@dataclass(slots=True)
class Histories:
    """Every declared document's history, and the slugs this build assigned."""

    documents: dict[str, DocumentHistory] = field(default_factory=dict)
    """By ``platform/document``, in declaration order."""
    new_lock_entries: list[LockEntry] = field(default_factory=list)
    """Version slugs assigned for the first time, to append to the lock file."""


def document_versions(document: Document, history: ArchiveHistory) -> list[Version]:
    """The versions of a document, following its former archive paths."""
    merged: list[Version] = []
    for path in (*document.former_sources, document.source):
        merged.extend(history.versions.get(path, []))
    # The archive's commit order is the history's order; dates can go backwards (Open Terms
    # Archive dates technical upgrades with their snapshot's date) and never reorder it.
    merged.sort(key=lambda v: v.sequence)
    # A move shows as the old path's removal and the new path's first record, in one
    # commit or a few apart in either order (see .renames): a former path's removal is the
    # move, not the document's, so it is dropped. (The current path's removal is real.)
    versions: list[Version] = []
    for version in merged:
        if version.kind is VersionKind.REMOVAL and version.path != document.source:
            continue
        if versions and version.kind is VersionKind.FIRST and version.path != versions[-1].path:
            # The new path's first record continues the document: a change of its text,
            # or, when the text is the same, only the archive's move.
            same = version.blob == versions[-1].blob
            kind = VersionKind.TECHNICAL if same else VersionKind.CHANGE
            version = dataclasses.replace(version, kind=kind)
        versions.append(version)
    return versions


def collect_histories(
    content: Content,
    history: ArchiveHistory,
    lock: dict[str, list[LockEntry]],
    lock_display: str,
    diag: Diagnostics,
) -> Histories:
    """Each declared document's versions and slugs; a document missing from the archive, or
    a published one no longer declared, is an error."""
    found = Histories()
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
        found.new_lock_entries.extend(new_entries)
        found.documents[document.key] = DocumentHistory(document, versions, slugs)
    declared = {d.key for d in content.documents()}
    for document_key, entries in lock.items():
        if document_key not in found.documents and document_key not in declared:
            diag.error(
                Origin(lock_display, min(e.line for e in entries) if entries else 1),
                document_key,
                "this document's versions were published but it is no longer declared in "
                "content/platforms/; keep its declaration so its URLs keep working",
            )
    return found
