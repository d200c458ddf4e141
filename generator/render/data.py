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
from ..archive.history import VersionKind
from ..site.model import DocumentVersion, LinkedDocument, LinkedProvision, SiteModel
from .pages import StaticFile


def json_bytes(value: Any) -> bytes:
    """A JSON file: indented, keys sorted, UTF-8, ending in a newline."""
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def version_record(
    document: LinkedDocument, entry: DocumentVersion, absolute: Callable[[str], str]
) -> dict[str, Any]:
    stats = entry.stats
    return {
        "$schema": absolute(urls.schema("version")),
        "platform": document.document.platform,
        "document": document.document.id,
        "slug": entry.slug,
        "number": entry.number,
        "recorded": entry.version.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "kind": entry.version.kind.value,
        "commit": entry.version.commit,
        "blob": None if entry.is_removal else entry.version.blob,
        "message": entry.version.subject,
        "permalink": absolute(urls.version(document.key, entry.slug)),
        "changes": absolute(urls.changes(document.key, entry.slug)) if entry.number > 1 else None,
        "text": None if entry.is_removal else absolute(urls.version_text(document.key, entry.slug)),
        "clauses": entry.clause_count,
        "change": None
        if stats is None
        else {
            "added": stats.added,
            "removed": stats.removed,
            "changed": stats.changed,
            "moved": stats.moved,
            "words_added": stats.words_added,
            "words_removed": stats.words_removed,
        },
        "note": None
        if entry.note is None
        else {"summary": entry.note.summary, "significance": entry.note.significance},
    }


def provision_record(linked: LinkedProvision, absolute: Callable[[str], str]) -> dict[str, Any]:
    p = linked.provision
    return {
        "$schema": absolute(urls.schema("provision")),
        "platform": p.platform,
        "document": p.document,
        "slug": p.slug,
        "url": absolute(urls.provision(p.key)),
        "title": p.title,
        "topic": p.topic,
        "quote": p.quote,
        "analyzed": p.analyzed,
        "analyzed_version": absolute(urls.version(p.document_key, p.analyzed))
        if linked.analyzed
        else None,
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
    }


def _string(nullable: bool = False, fmt: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["string", "null"] if nullable else "string"}
    if fmt:
        schema["format"] = fmt
    return schema


def _object(properties: dict[str, Any], title: str, description: str) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": description,
        "type": "object",
        "properties": {"$schema": _string(fmt="uri"), **properties},
        "required": sorted(properties),
        "additionalProperties": False,
    }


CHANGE_FIELDS = ("added", "removed", "changed", "moved", "words_added", "words_removed")

REFERENCE = {
    "type": "object",
    "properties": {"id": _string(), "note": _string(), "article": _string(nullable=True)},
    "required": ["id", "note"],
    "additionalProperties": False,
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "version": _object(
        {
            "platform": _string(),
            "document": _string(),
            "slug": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}(-\d+)?$"},
            "number": {"type": "integer", "minimum": 1},
            "recorded": _string(fmt="date-time"),
            "kind": {"enum": [k.value for k in VersionKind]},
            "commit": {"type": "string", "pattern": "^[0-9a-f]{40}$"},
            "blob": {"type": ["string", "null"], "pattern": "^[0-9a-f]{40}$"},
            "message": _string(),
            "permalink": _string(fmt="uri"),
            "changes": _string(nullable=True, fmt="uri"),
            "text": _string(nullable=True, fmt="uri"),
            "clauses": {"type": "integer", "minimum": 0},
            "change": {
                "type": ["object", "null"],
                "properties": {k: {"type": "integer", "minimum": 0} for k in CHANGE_FIELDS},
            },
            "note": {
                "type": ["object", "null"],
                "properties": {
                    "summary": _string(),
                    "significance": {"enum": ["substantive", "editorial", "technical"]},
                },
            },
        },
        "Document version",
        "One recorded version of an archived document (metadata; the text is at `text`).",
    ),
    "provision": _object(
        {
            "platform": _string(),
            "document": _string(),
            "slug": _string(),
            "url": _string(fmt="uri"),
            "title": _string(),
            "topic": _string(),
            "quote": _string(),
            "analyzed": _string(),
            "analyzed_version": _string(nullable=True, fmt="uri"),
            "summary": _string(),
            "interpretation": _string(),
            "affected": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"who": _string(), "impact": _string()},
                    "required": ["who", "impact"],
                },
            },
            "for_users": _string(),
            "exposure": {
                "type": "object",
                "properties": {
                    "level": {"enum": ["low", "medium", "high"]},
                    "rationale": _string(),
                },
                "required": ["level", "rationale"],
            },
            "regulations": {"type": "array", "items": REFERENCE},
            "jurisdictions": {"type": "array", "items": REFERENCE},
            "contracts": _string(),
            "compliance": _string(),
            "related": {"type": "array", "items": _string()},
            "authors": {"type": "array", "items": _string(), "minItems": 1},
            "reviewed": _string(fmt="date"),
            "stale_since": _string(nullable=True),
            "changes_since_analyzed": {"type": "integer", "minimum": 0},
        },
        "Analysed provision",
        "A contributor's analysis of one clause, with its state against the archive.",
    ),
    "document": _object(
        {
            "platform": _string(),
            "id": _string(),
            "title": _string(),
            "type": _string(),
            "source": _string(),
            "url": _string(nullable=True, fmt="uri"),
            "page": _string(fmt="uri"),
            "versions": {"type": "array", "items": _string(fmt="uri")},
            "provisions": {"type": "array", "items": _string(fmt="uri")},
        },
        "Document",
        "An archived policy document and links to its versions and analyses.",
    ),
    "platform": _object(
        {
            "id": _string(),
            "name": _string(),
            "website": _string(nullable=True, fmt="uri"),
            "page": _string(fmt="uri"),
            "documents": {"type": "array", "items": _string(fmt="uri")},
        },
        "Platform",
        "A platform whose policies the site follows.",
    ),
    "retired": _object(
        {
            "retired": _string(fmt="date"),
            "reason": _string(),
            "redirect": _string(nullable=True, fmt="uri"),
            "url": _string(fmt="uri"),
        },
        "Retired record",
        "Stands where an analysis's record was: when and why it went, and where it moved.",
    ),
    "registry-entry": _object(
        {
            "registry": {"enum": ["topics", "regulations", "jurisdictions"]},
            "id": _string(),
            "title": _string(),
            "full_title": _string(nullable=True),
            "url": _string(nullable=True, fmt="uri"),
            "description": _string(),
            "page": _string(fmt="uri"),
            "provisions": {"type": "array", "items": _string(fmt="uri")},
        },
        "Registry entry",
        "A topic, regulation or jurisdiction, and the analyses that refer to it.",
    ),
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
        writer.writerow(
            [
                p.platform, p.document, p.slug, absolute(urls.provision(p.key)), p.title, p.topic,
                p.exposure.level, p.analyzed, p.reviewed,
                linked.stale_since.slug if linked.stale_since else "",
                "; ".join(f"{r.id} {r.article}".strip() for r in p.regulations),
                "; ".join(j.id for j in p.jurisdictions),
                "; ".join(p.authors), p.quote, p.summary,
            ]
        )  # fmt: skip
    return out.getvalue().encode("utf-8")


def data_files(model: SiteModel, absolute: Callable[[str], str]) -> Iterator[StaticFile]:
    """Every JSON record, the schemas and the CSV."""
    content = model.content
    index: dict[str, list[str]] = {
        k: [] for k in ("platforms", "documents", "provisions", "registries")
    }
    for name, schema in SCHEMAS.items():
        schema = {"$id": absolute(urls.schema(name)), **schema}
        yield StaticFile(urls.schema(name), json_bytes(schema))
    for platform in content.platforms.values():
        path = urls.platform_record(platform.id)
        index["platforms"].append(absolute(path))
        yield StaticFile(
            path,
            json_bytes(
                {
                    "$schema": absolute(urls.schema("platform")),
                    "id": platform.id,
                    "name": platform.name,
                    "website": platform.website or None,
                    "page": absolute(urls.platform(platform.id)),
                    "documents": [
                        absolute(urls.document_record(d.key))
                        for d in platform.documents.values()
                        if d.key in model.documents
                    ],
                }
            ),
        )
    for document in model.documents.values():
        path = urls.document_record(document.key)
        index["documents"].append(absolute(path))
        for entry in document.versions:
            yield StaticFile(
                urls.version_record(document.key, entry.slug),
                json_bytes(version_record(document, entry, absolute)),
            )
        yield StaticFile(
            path,
            json_bytes(
                {
                    "$schema": absolute(urls.schema("document")),
                    "platform": document.document.platform,
                    "id": document.document.id,
                    "title": document.document.title,
                    "type": document.document.type,
                    "source": document.document.source,
                    "url": document.document.url or None,
                    "page": absolute(urls.document(document.key)),
                    "versions": [
                        absolute(urls.version_record(document.key, e.slug))
                        for e in document.versions
                    ],
                    "provisions": [
                        absolute(urls.provision_record(p.key))
                        for p in model.provisions.values()
                        if p.document is document
                    ],
                }
            ),
        )
    for linked in model.provisions.values():
        path = urls.provision_record(linked.key)
        index["provisions"].append(absolute(path))
        yield StaticFile(path, json_bytes(provision_record(linked, absolute)))
    registries: list[tuple[str, str, str, str | None, str | None, str, list[LinkedProvision]]] = []
    for topic in content.topics.values():
        registries.append(
            (
                "topics",
                topic.id,
                topic.title,
                None,
                None,
                topic.description,
                model.by_topic[topic.id],
            )
        )
    for reg in content.regulations.values():
        registries.append(
            ("regulations", reg.id, reg.title, reg.full_title, reg.url, reg.description,
             model.by_regulation[reg.id])
        )  # fmt: skip
    for jur in content.jurisdictions.values():
        registries.append(
            ("jurisdictions", jur.id, jur.name, None, None, jur.description,
             model.by_jurisdiction[jur.id])
        )  # fmt: skip
    for registry, entry_id, title, full_title, url, description, linked_list in registries:
        path = urls.registry_record(registry, entry_id)
        index["registries"].append(absolute(path))
        yield StaticFile(
            path,
            json_bytes(
                {
                    "$schema": absolute(urls.schema("registry-entry")),
                    "registry": registry,
                    "id": entry_id,
                    "title": title,
                    "full_title": full_title,
                    "url": url,
                    "description": description,
                    "page": absolute(urls.registry_entry(registry, entry_id)),
                    "provisions": [absolute(urls.provision_record(p.key)) for p in linked_list],
                }
            ),
        )
    yield StaticFile(urls.PROVISIONS_CSV, provisions_csv(model, absolute))
    yield StaticFile(urls.DATA_INDEX, json_bytes(index))
