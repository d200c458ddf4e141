"""Data downloads: JSON records with published JSON Schemas, a CSV, and a dataset zip.

Everything is deterministic: keys are sorted, the zip's entries are in a fixed order with
a fixed timestamp, so the same inputs give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .cache import replacing
from .history import VersionKind
from .link import DocumentVersion, LinkedDocument, LinkedProvision, SiteModel
from .pages import StaticFile

ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
SCHEMA_BASE = "data/schema/"


def json_bytes(value: Any) -> bytes:
    """A JSON file: indented, keys sorted, UTF-8, ending in a newline."""
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def version_record(
    document: LinkedDocument, entry: DocumentVersion, absolute: Callable[[str], str]
) -> dict[str, Any]:
    base = f"{document.key}/{entry.slug}/"
    stats = entry.stats
    return {
        "$schema": absolute(SCHEMA_BASE + "version.schema.json"),
        "platform": document.document.platform,
        "document": document.document.id,
        "slug": entry.slug,
        "number": entry.number,
        "recorded": entry.version.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "kind": entry.version.kind.value,
        "commit": entry.version.commit,
        "blob": None if entry.is_removal else entry.version.blob,
        "message": entry.version.subject,
        "permalink": absolute(base),
        "changes": absolute(base + "changes/") if entry.number > 1 else None,
        "text": None if entry.is_removal else absolute(base + "text.txt"),
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
        "$schema": absolute(SCHEMA_BASE + "provision.schema.json"),
        "platform": p.platform,
        "document": p.document,
        "slug": p.slug,
        "url": absolute(f"{p.key}/"),
        "title": p.title,
        "topic": p.topic,
        "quote": p.quote,
        "analyzed": p.analyzed,
        "analyzed_version": absolute(f"{p.document_key}/{p.analyzed}/")
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
                p.platform, p.document, p.slug, absolute(f"{p.key}/"), p.title, p.topic,
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
        schema = {"$id": absolute(f"{SCHEMA_BASE}{name}.schema.json"), **schema}
        yield StaticFile(f"{SCHEMA_BASE}{name}.schema.json", json_bytes(schema))
    for platform in content.platforms.values():
        path = f"data/platforms/{platform.id}.json"
        index["platforms"].append(absolute(path))
        yield StaticFile(
            path,
            json_bytes(
                {
                    "$schema": absolute(SCHEMA_BASE + "platform.schema.json"),
                    "id": platform.id,
                    "name": platform.name,
                    "website": platform.website or None,
                    "page": absolute(f"{platform.id}/"),
                    "documents": [
                        absolute(f"data/documents/{d.key}.json")
                        for d in platform.documents.values()
                        if d.key in model.documents
                    ],
                }
            ),
        )
    for document in model.documents.values():
        path = f"data/documents/{document.key}.json"
        index["documents"].append(absolute(path))
        for entry in document.versions:
            yield StaticFile(
                f"data/versions/{document.key}/{entry.slug}.json",
                json_bytes(version_record(document, entry, absolute)),
            )
        yield StaticFile(
            path,
            json_bytes(
                {
                    "$schema": absolute(SCHEMA_BASE + "document.schema.json"),
                    "platform": document.document.platform,
                    "id": document.document.id,
                    "title": document.document.title,
                    "type": document.document.type,
                    "source": document.document.source,
                    "url": document.document.url or None,
                    "page": absolute(f"{document.key}/"),
                    "versions": [
                        absolute(f"data/versions/{document.key}/{e.slug}.json")
                        for e in document.versions
                    ],
                    "provisions": [
                        absolute(f"data/provisions/{p.key}.json")
                        for p in model.provisions.values()
                        if p.document is document
                    ],
                }
            ),
        )
    for linked in model.provisions.values():
        path = f"data/provisions/{linked.key}.json"
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
        path = f"data/{registry}/{entry_id}.json"
        index["registries"].append(absolute(path))
        yield StaticFile(
            path,
            json_bytes(
                {
                    "$schema": absolute(SCHEMA_BASE + "registry-entry.schema.json"),
                    "registry": registry,
                    "id": entry_id,
                    "title": title,
                    "full_title": full_title,
                    "url": url,
                    "description": description,
                    "page": absolute(f"{registry}/{entry_id}/"),
                    "provisions": [absolute(f"data/provisions/{p.key}.json") for p in linked_list],
                }
            ),
        )
    yield StaticFile("data/provisions.csv", provisions_csv(model, absolute))
    yield StaticFile("data/index.json", json_bytes(index))


def dataset_zip(
    target: Path,
    model: SiteModel,
    raw: Callable[[str], bytes],
    absolute: Callable[[str], str],
    licence: str,
    attribution: str,
    site_name: str,
) -> None:
    """Archived texts by version, with the analyses, the licence and the attribution.

    Written to a temporary file beside ``target`` and moved into place when complete; one
    text at a time is in memory.
    """

    def add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, ZIP_TIMESTAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(info, data, compresslevel=1)  # fast: texts are large

    readme = (
        f"# {site_name}: dataset\n\n"
        "texts/<platform>/<document>/<version>.md  the archived text of each version\n"
        "versions/<platform>/<document>/<version>.json  each version's metadata\n"
        "provisions/<platform>/<document>/<slug>.json  the analyses; provisions.csv: all of them\n\n"
        f"Licence of the archived texts: {licence or 'see the archive'}\n"
        f"Attribution: {attribution or 'see the archive'}\n"
        f"Source of this dataset: {absolute('')}\n"
    )
    with replacing(target) as file, zipfile.ZipFile(file, "w") as archive:
        add(archive, "README.md", readme.encode())
        for document in model.documents.values():
            for entry in document.versions:
                if not entry.is_removal:
                    add(archive, f"texts/{document.key}/{entry.slug}.md", raw(entry.version.blob))
                add(
                    archive,
                    f"versions/{document.key}/{entry.slug}.json",
                    json_bytes(version_record(document, entry, absolute)),
                )
        for linked in model.provisions.values():
            add(
                archive,
                f"provisions/{linked.key}.json",
                json_bytes(provision_record(linked, absolute)),
            )
        add(archive, "provisions.csv", provisions_csv(model, absolute))
