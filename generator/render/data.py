"""Data downloads: JSON records with published JSON Schemas, and a CSV of the analyses.

Everything is deterministic: keys are sorted, so the same inputs give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

from .. import urls
from ..archive.revisions import AnalysisHistory
from ..content.records import Platform, Provision, RegistryEntry
from ..link.model import DocumentVersion, LinkedDocument, LinkedProvision, SiteModel
from ..untrusted import csv_cell
from .pages import StaticFile
from .schemas import SCHEMAS


def json_bytes(value: Any) -> bytes:
    """A JSON file: indented, keys sorted, UTF-8, ending in a newline."""
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def version_record(
    document: LinkedDocument, entry: DocumentVersion, absolute: Callable[[str], str]
) -> dict[str, Any]:
    stats = entry.stats
    return {
        "platform": document.document.platform,
        "document": document.document.id,
        "slug": entry.slug,
        "number": entry.number,
        "recorded": entry.version.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "when": entry.when,
        "recorded_as": entry.version.kind.value,
        "kind": entry.kind.value,
        "computed_kind": entry.computed_kind.value,
        "commit": entry.version.commit,
        "blob": None if entry.is_removal else entry.version.blob,
        "message": entry.version.subject,
        "permalink": absolute(entry.page_url),
        "changes": absolute(entry.changes_url) if entry.number > 1 else None,
        "text": None if entry.is_removal else absolute(entry.text_url),
        "clauses": entry.clause_count,
        "change": None if stats is None else dict(stats._asdict()),
        "note": None
        if entry.note is None
        else {"summary": entry.note.summary, "significance": entry.note.significance},
    }


def revision_records(
    provision: Provision, history: AnalysisHistory | None, absolute: Callable[[str], str]
) -> list[dict[str, Any]]:
    """Each revision of an analysis: its permalink, commit, date, authors and reviewers."""
    if history is None:
        return []
    return [
        {
            "number": r.number,
            "permalink": absolute(provision.revision_url(r.number)),
            "commit": r.commit,
            "blob": r.blob,
            "path": r.path,
            "recorded": r.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "authors": list(r.authors),
            "reviewers": list(r.reviewers),
            "message": r.subject,
            "valid": not r.problems,
        }
        for r in history.revisions
    ]


def provision_record(
    linked: LinkedProvision,
    absolute: Callable[[str], str],
    history: AnalysisHistory | None = None,
) -> dict[str, Any]:
    p = linked.provision
    current = history.current if history is not None else None
    return {
        "$schema": absolute(urls.schema("provision")),
        "platform": p.platform,
        "document": p.document,
        "slug": p.slug,
        "url": absolute(p.page_url),
        "title": p.title,
        "topic": p.topic,
        "quote": p.quote,
        "analyzed": p.analyzed,
        "analyzed_version": absolute(p.analyzed_url) if linked.analyzed else None,
        "summary": p.summary,
        "interpretation": p.interpretation,
        "affected": [{"who": a.who, "impact": a.impact} for a in p.affected],
        "for_users": p.for_users,
        "exposure": {"level": p.exposure.level, "rationale": p.exposure.rationale},
        "regulations": [
            {"id": r.id, "article": r.article or None, "note": r.note} for r in p.regulations
        ],
        "jurisdictions": [{"id": j.id, "note": j.note} for j in p.jurisdictions],
        "contracts": p.contracts,
        "compliance": p.compliance,
        "related": list(p.related),
        "authors": list(p.authors),
        "reviewed": p.reviewed,
        "stale_since": linked.stale_since.slug if linked.stale_since else None,
        "changes_since_analyzed": len(linked.changes_since),
        "revisions": revision_records(p, history, absolute),
        "current_revision": current.number if current is not None else None,
        "history": absolute(p.revisions_url) if history is not None else None,
    }


CSV_COLUMNS = (
    "platform", "document", "slug", "url", "title", "topic", "exposure", "analyzed",
    "reviewed", "stale_since", "regulations", "jurisdictions", "authors", "quote", "summary",
)  # fmt: skip


def provisions_csv(model: SiteModel, absolute: Callable[[str], str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for linked in model.provisions.values():
        p = linked.provision
        row = [
            p.platform, p.document, p.slug, absolute(p.page_url), p.title, p.topic,
            p.exposure.level, p.analyzed, p.reviewed,
            linked.stale_since.slug if linked.stale_since else "",
            "; ".join(f"{r.id} {r.article}".strip() for r in p.regulations),
            "; ".join(j.id for j in p.jurisdictions),
            "; ".join(p.authors), p.quote, p.summary,
        ]  # fmt: skip
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8")


def platform_record(
    platform: Platform, model: SiteModel, absolute: Callable[[str], str]
) -> dict[str, Any]:
    return {
        "$schema": absolute(urls.schema("platform")),
        "id": platform.id,
        "name": platform.name,
        "website": platform.website or None,
        "page": absolute(platform.page_url),
        "documents": [
            absolute(d.record_url) for d in platform.documents.values() if d.key in model.documents
        ],
    }


def document_record(
    document: LinkedDocument, model: SiteModel, absolute: Callable[[str], str]
) -> dict[str, Any]:
    return {
        "$schema": absolute(urls.schema("document")),
        "platform": document.document.platform,
        "id": document.document.id,
        "title": document.document.title,
        "type": document.document.type,
        "source": document.document.source,
        "url": document.document.url or None,
        "page": absolute(document.page_url),
        "versions": [version_record(document, e, absolute) for e in document.versions],
        "provisions": [
            absolute(p.provision.record_url)
            for p in model.provisions.values()
            if p.document is document
        ],
        "former_sources": list(document.document.former_sources),
        "tracked_until": document.removed.version.date.strftime("%Y-%m-%d")
        if document.removed
        else None,
    }


def as_at_record(document: LinkedDocument, absolute: Callable[[str], str]) -> dict[str, Any]:
    """A document's versions by date, small enough for a page to fetch for one lookup."""
    return {
        "$schema": absolute(urls.schema("as-at")),
        "platform": document.document.platform,
        "document": document.document.id,
        "page": absolute(document.page_url),
        "versions": [
            {
                "slug": entry.slug,
                "recorded": entry.version.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "when": entry.when,
                "kind": entry.kind.value,
                "permalink": absolute(entry.page_url),
                "has_text": not entry.is_removal,
            }
            for entry in document.versions
        ],
    }


def registry_records(
    model: SiteModel, absolute: Callable[[str], str]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each topic, regulation and jurisdiction's record, with its path."""
    content = model.content
    entries: list[
        tuple[str, RegistryEntry, str, str | None, str | None, str, list[LinkedProvision]]
    ] = [
        *(("topics", t, t.title, None, None, t.description, model.by_topic[t.id])
          for t in content.topics.values()),
        *(("regulations", r, r.title, r.full_title, r.url, r.description,
           model.by_regulation[r.id]) for r in content.regulations.values()),
        *(("jurisdictions", j, j.title, None, None, j.description,
           model.by_jurisdiction[j.id]) for j in content.jurisdictions.values()),
    ]  # fmt: skip
    for registry, entry, title, full_title, url, description, linked_list in entries:
        yield (
            entry.record_url,
            {
                "$schema": absolute(urls.schema("registry-entry")),
                "registry": registry,
                "id": entry.id,
                "title": title,
                "full_title": full_title,
                "url": url,
                "description": description,
                "page": absolute(entry.page_url),
                "provisions": [absolute(p.provision.record_url) for p in linked_list],
            },
        )


def document_files(
    document: LinkedDocument, model: SiteModel, absolute: Callable[[str], str]
) -> list[StaticFile]:
    """A document's record and its versions by date."""
    return [
        StaticFile(
            document.document.record_url, json_bytes(document_record(document, model, absolute))
        ),
        StaticFile(document.document.as_at_url, json_bytes(as_at_record(document, absolute))),
    ]


def data_files(
    model: SiteModel,
    absolute: Callable[[str], str],
    of_document: Callable[[LinkedDocument], list[StaticFile]] | None = None,
) -> Iterator[StaticFile]:
    """Every JSON record, the schemas, the CSV, and an index of the records; ``of_document``
    gives a document's files (:func:`document_files`, from the cache say)."""
    index: dict[str, list[str]] = {
        k: [] for k in ("platforms", "documents", "provisions", "registries")
    }

    def record(group: str, path: str, value: dict[str, Any]) -> StaticFile:
        index[group].append(absolute(path))
        return StaticFile(path, json_bytes(value))

    for name, schema in SCHEMAS.items():
        schema = {"$id": absolute(urls.schema(name)), **schema}
        yield StaticFile(urls.schema(name), json_bytes(schema))
    for platform in model.content.platforms.values():
        path = platform.record_url
        yield record("platforms", path, platform_record(platform, model, absolute))
    for document in model.documents.values():
        index["documents"].append(absolute(document.document.record_url))
        if of_document is None:
            yield from document_files(document, model, absolute)
        else:
            yield from of_document(document)
    for linked in model.provisions.values():
        path = linked.provision.record_url
        history = model.revisions_of(linked.key)
        yield record("provisions", path, provision_record(linked, absolute, history))
    for path, value in registry_records(model, absolute):
        yield record("registries", path, value)
    yield StaticFile(urls.PROVISIONS_CSV, provisions_csv(model, absolute))
    yield StaticFile(urls.DATA_INDEX, json_bytes(index))
