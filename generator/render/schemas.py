"""The JSON Schemas of the data records, published beside them under ``data/schema/``."""

from __future__ import annotations

from typing import Any

from .. import urls
from ..archive.history import VersionKind
from ..compare.changes import ChangeStats
from ..compare.kinds import ChangeKind


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


CHANGE_FIELDS = ChangeStats._fields
KINDS = [k.value for k in ChangeKind]

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
            "when": _string(),
            "recorded_as": {"enum": [k.value for k in VersionKind]},
            "kind": {"enum": KINDS},
            "computed_kind": {"enum": KINDS},
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
                    "significance": {"enum": KINDS},
                },
            },
        },
        "Document version",
        "One recorded version of an archived document (metadata; the text is at `text`), as "
        "listed in its document's record.",
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
            "revisions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "number": {"type": "integer", "minimum": 1},
                        "permalink": _string(fmt="uri"),
                        "commit": _string(),
                        "blob": _string(),
                        "path": _string(),
                        "recorded": _string(fmt="date-time"),
                        "authors": {"type": "array", "items": _string()},
                        "reviewers": {"type": "array", "items": _string()},
                        "message": _string(),
                        "valid": {"type": "boolean"},
                    },
                    "required": ["number", "permalink", "commit", "recorded", "authors"],
                    "additionalProperties": False,
                },
            },
            "current_revision": {"type": ["integer", "null"], "minimum": 1},
            "history": _string(nullable=True, fmt="uri"),
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
            "versions": {"type": "array", "items": {"$ref": urls.schema_name("version")}},
            "provisions": {"type": "array", "items": _string(fmt="uri")},
            "former_sources": {"type": "array", "items": _string()},
            "tracked_until": {
                **_string(nullable=True, fmt="date"),
                "description": "When the archive deleted the document's file (no longer "
                "tracked since), or null while it is tracked.",
            },
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
    "as-at": _object(
        {
            "platform": _string(),
            "document": _string(),
            "page": _string(fmt="uri"),
            "versions": {
                "type": "array",
                "description": "Every version in the archive's order (the order of the "
                "history; a recorded date can be earlier than the one before). The text in "
                "force on a day is the last version recorded on or before its end (UTC).",
                "items": {
                    "type": "object",
                    "properties": {
                        "slug": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}(-\d+)?$"},
                        "recorded": _string(fmt="date-time"),
                        "when": _string(),
                        "kind": {"enum": KINDS},
                        "permalink": _string(fmt="uri"),
                        "has_text": {
                            "type": "boolean",
                            "description": "False for a removal from the archive.",
                        },
                    },
                    "required": ["slug", "recorded", "when", "kind", "permalink", "has_text"],
                    "additionalProperties": False,
                },
            },
        },
        "Versions by date",
        "A document's versions by recorded date: what the archive held on any day.",
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
