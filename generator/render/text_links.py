"""Where the ``large`` layout's text pages are, and whose anchors they carry.

A text page carries the clause anchors of the first version that recorded its text (its
*owner*): the history only grows, so the owner, and the page, never change. A link to a
clause of another version with the same text goes to the same block of the text page, under
the owner's anchor (:class:`TextLinks`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import urls
from ..link.model import DocumentVersion, LinkedDocument, SiteModel


@dataclass(slots=True, frozen=True)
class TextOwner:
    """The first version that recorded a text: whose clause anchors its text page carries."""

    document: LinkedDocument
    """Its document."""
    entry: DocumentVersion
    """The version."""


def text_owners(model: SiteModel) -> dict[str, TextOwner]:
    """Each distinct text's owner: the version that recorded it first in the archive's
    history (by commit order, then document key: one commit can record a text twice)."""
    owners: dict[str, TextOwner] = {}
    found: dict[str, tuple[int, str]] = {}
    for document in model.documents.values():
        for entry in document.versions:
            if entry.is_removal:
                continue
            blob, rank = entry.version.blob, (entry.version.sequence, document.key)
            if blob not in found or rank < found[blob]:
                found[blob] = rank
                owners[blob] = TextOwner(document, entry)
    return owners


class TextLinks:
    """Where a version's clauses are in the ``large`` layout: in its text's page, under the
    owner's anchor of the same block."""

    def __init__(self, model: SiteModel, owners: dict[str, TextOwner]) -> None:
        self.model, self.owners = model, owners

    def owner(self, entry: DocumentVersion) -> TextOwner:
        return self.owners[entry.version.blob]

    def clause_url(self, entry: DocumentVersion, clause: str) -> str:
        """The text page's anchor of the block that holds ``clause`` in ``entry``."""
        document = self.model.documents[entry.document_key]
        owner = self.owner(entry)
        blob = entry.version.blob
        if owner.entry is entry:
            return urls.text_page_clause(blob, clause)
        ids = document.clause_ids(entry)
        owner_ids = owner.document.clause_ids(owner.entry)
        try:
            return urls.text_page_clause(blob, owner_ids[ids.index(clause)])
        except (ValueError, IndexError):
            return urls.text_page(blob)

    def key(self, entry: DocumentVersion | None) -> str:
        """What a version page shows of its text's owner (for its render key)."""
        if entry is None or entry.is_removal:
            return ""
        owner = self.owner(entry)
        return f"{owner.document.key}/{owner.entry.slug}"
