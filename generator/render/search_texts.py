"""What search covers of each document's latest text, at any of its versions.

The search index keeps the documents' latest texts on a few large segments (shelves) that
it indexes again only at a compaction, with each text as it stood then, and the texts that
changed since in its small recent segment (see generator/publish/search.py). A shelf must
hold the same bytes whichever builds ran before, so what it holds of a text is made here
from the version it stood at, never taken from an earlier build's page."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from ..cache import digest
from ..link.model import LinkedDocument, latest_of
from ..untrusted import clean_text
from .context import RenderContext
from .document_pages import version_html
from .fragments import search_marks
from .keys import document_inputs


@dataclass(slots=True, frozen=True)
class SearchedText:
    """A document's latest text as search covers it, at each point of the history."""

    url: str
    """The document page's URL (what a result links to)."""
    sequences: tuple[int, ...]
    """The place in the archive's history of each of its versions, oldest first."""
    key: Callable[[int], str | None]
    """A key of what :attr:`record` makes of the first ``n`` versions, from its inputs (so
    that a build that indexes nothing makes no record): ``None`` when it makes none."""
    record: Callable[[int], bytes | None]
    """The page search covers of the text that was latest once the first ``n`` versions
    were recorded (``None`` when none had text yet)."""
    blob: Callable[[int], str | None]
    """The git blob of that text (``None`` when none had text yet): its size stands for the
    record's until the record is made (see :func:`generator.publish.search.build_index`)."""


def searched_texts(ctx: RenderContext) -> list[SearchedText]:
    """Each document's :class:`SearchedText`, in the model's order."""
    return [
        SearchedText(
            document.page_url,
            tuple(entry.version.sequence for entry in document.versions),
            _keyer(ctx, document),
            _maker(ctx, document),
            functools.partial(_latest_blob, document),
        )
        for document in ctx.model.documents.values()
    ]


def _latest_blob(document: LinkedDocument, count: int) -> str | None:
    entry = latest_of(document.versions[:count])
    return entry.version.blob if entry is not None else None


def _keyer(ctx: RenderContext, document: LinkedDocument) -> Callable[[int], str | None]:
    def key(count: int) -> str | None:
        if latest_of(document.versions[:count]) is None:
            return None
        shown = document_inputs(ctx.model, document, ctx.config)
        return digest("searched text", shown, *map(ctx.forms, document.versions[:count]))

    return key


def _maker(ctx: RenderContext, document: LinkedDocument) -> Callable[[int], bytes | None]:
    def record(count: int) -> bytes | None:
        return text_record(ctx, document, count)

    return record


def text_record(ctx: RenderContext, document: LinkedDocument, count: int) -> bytes | None:
    """The title, filters and text of the document's latest version among its first
    ``count``, marked as the document page marks them (without its history and notes: what
    changes with every version but the text is left out)."""
    entry = latest_of(document.versions[:count])
    if entry is None:
        return None
    platform = ctx.platform_of(document.document.platform)
    title = f"{platform.name}: {document.document.title}"
    filters = {
        "platform": platform.name,
        "document type": document.document.type,
        "kind": "Latest text",
        "year": str(entry.version.date.year),
    }
    html = Markup(
        '<div data-pagefind-body>{}<h1 id="__title">{} <small class="govsite-subtitle">{}'
        "</small></h1>{}</div>"
    ).format(
        search_marks(filters, title),
        clean_text(document.document.title),
        clean_text(platform.name),
        version_html(ctx, document, entry, document.page_url, anchored=True),
    )
    return str(html).encode("utf-8", "xmlcharrefreplace")
