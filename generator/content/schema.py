"""The content format, declared once: validation and the ``govsite new`` scaffold use it.

Each file kind is a tuple of :class:`FieldSpec`. :func:`check` walks a parsed YAML
document against it and reports every unknown, missing or mistyped key at its line.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from ..diagnostics import Diagnostics
from ..untrusted import shown
from .yamlfile import Key, YamlDocument, format_key

Kind = Literal["text", "markdown", "id", "date", "version", "url", "enum", "list", "object"]

# ASCII digits only, and ``\Z`` rather than ``$`` (which also matches before a final newline):
# these decide file names and URLs, and ``\d`` would take Arabic-Indic or other digits.
ID_MAX = 100
"""Ids become folder and file names (``<slug>.json``): kept well under file systems' 255."""
WINDOWS_DEVICES = "con|prn|aux|nul|com[0-9]|lpt[0-9]"
"""Names Windows keeps for devices: a folder or file so named cannot be checked out there."""
ID_PATTERN = re.compile(
    rf"^(?!(?:{WINDOWS_DEVICES})\Z)(?=.{{1,{ID_MAX}}}\Z)[a-z0-9]+(?:-[a-z0-9]+)*\Z"
)
_ID_ANY_LENGTH = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
DATE_PATTERN = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
VERSION_PATTERN = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:-([2-9]|[1-9][0-9]+))?\Z")
DATE_LIKE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:-[0-9]+)?\Z")
# Characters RFC 3986 does not allow in a URL (spaces, quotes, angle brackets...), plus the
# single quote, which it allows but which is better written %27 in a published link.
_NOT_IN_URL = re.compile(r"[\s\x00-\x1f\x7f\"'<>\\^`{|}]")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One key of a content file."""

    name: str
    """The key."""
    kind: Kind
    """What its value must be."""
    help: str
    """One line for contributors; becomes the comment in ``govsite new``."""
    required: bool = True
    """Whether the key must be present."""
    choices: tuple[str, ...] = ()
    """Allowed values, for ``enum``."""
    items: Kind | None = None
    """Kind of each item, for ``list``."""
    fields: tuple[FieldSpec, ...] = ()
    """Keys of each item (``list`` of ``object``) or of the value (``object``)."""


EXPOSURE_LEVELS = ("low", "medium", "high")

PROVISION: tuple[FieldSpec, ...] = (
    FieldSpec("title", "text", "short title of the clause"),
    FieldSpec("topic", "id", "topic id from content/topics.yml"),
    FieldSpec("quote", "text", "the clause verbatim from the archived text"),
    FieldSpec(
        "analyzed",
        "version",
        "date of the archived version this analysis reads (YYYY-MM-DD, or YYYY-MM-DD-2 for "
        "the second version of that day)",
    ),
    FieldSpec("summary", "markdown", "plain-language summary (Markdown)"),
    FieldSpec("interpretation", "markdown", "interpretive note: what it means legally (Markdown)"),
    FieldSpec(
        "affected",
        "list",
        "who is affected and how",
        items="object",
        fields=(
            FieldSpec("who", "text", "a group of people or organisations"),
            FieldSpec("impact", "markdown", "how the clause affects them (Markdown)"),
        ),
    ),
    FieldSpec("for_users", "markdown", "what it means for someone building on the platform"),
    FieldSpec(
        "exposure",
        "object",
        "exposure rating",
        fields=(
            FieldSpec("level", "enum", "low, medium or high", choices=EXPOSURE_LEVELS),
            FieldSpec("rationale", "markdown", "why this level (Markdown)"),
        ),
    ),
    FieldSpec(
        "regulations",
        "list",
        "regulations the clause touches (may be an empty list: [])",
        items="object",
        fields=(
            FieldSpec("id", "id", "regulation id from content/regulations.yml"),
            FieldSpec(
                "article",
                "text",
                'the article, e.g. "17" (shown as Art. 17), or another part with its '
                'label, e.g. "Recital 26"',
                required=False,
            ),
            FieldSpec("note", "markdown", "how the clause relates to it (Markdown)"),
        ),
    ),
    FieldSpec(
        "jurisdictions",
        "list",
        "jurisdictions where it matters (may be an empty list: [])",
        items="object",
        fields=(
            FieldSpec("id", "id", "jurisdiction id from content/jurisdictions.yml"),
            FieldSpec("note", "markdown", "why it matters there (Markdown)"),
        ),
    ),
    FieldSpec("contracts", "markdown", "contract and vendor implications (Markdown)"),
    FieldSpec("compliance", "markdown", "compliance considerations (Markdown)"),
    FieldSpec(
        "related",
        "list",
        "related provisions as platform/document/slug",
        required=False,
        items="text",
    ),
    FieldSpec("authors", "list", "who wrote the analysis", items="text"),
    FieldSpec("reviewed", "date", "date of the last review (YYYY-MM-DD)"),
)

DOCUMENT: tuple[FieldSpec, ...] = (
    FieldSpec("title", "text", "document title"),
    FieldSpec("source", "text", "path of the archived text, relative to the archive"),
    FieldSpec("url", "url", "where the platform publishes it", required=False),
    FieldSpec("type", "text", "terms type, e.g. terms of service, privacy policy"),
    FieldSpec(
        "former_sources",
        "list",
        "earlier archive paths of this document, if it was renamed",
        required=False,
        items="text",
    ),
)

PLATFORM: tuple[FieldSpec, ...] = (
    FieldSpec("name", "text", "platform name"),
    FieldSpec("website", "url", "platform home page", required=False),
    FieldSpec("description", "markdown", "short introduction (Markdown)", required=False),
    FieldSpec("documents", "object", "documents by id", fields=()),
)

SIGNIFICANCE = ("substantive", "editorial", "dates-only", "links-only", "formatting", "technical")
"""The kinds of change a change note may set (the kinds a version's text can show)."""

CHANGE_NOTE: tuple[FieldSpec, ...] = (
    FieldSpec("summary", "markdown", "what changed and why it matters (Markdown)"),
    FieldSpec(
        "significance",
        "enum",
        "kind of change: substantive, editorial, dates-only, links-only, formatting or technical",
        choices=SIGNIFICANCE,
    ),
    FieldSpec("authors", "list", "who wrote the note", items="text", required=False),
)

RETIRED: tuple[FieldSpec, ...] = (
    FieldSpec("retired", "date", "when the page went (YYYY-MM-DD)"),
    FieldSpec("reason", "markdown", "why it went, for readers who follow an old link"),
    FieldSpec(
        "redirect", "text", "the URL it moved to, if it was renamed (e.g. a/b/c/)", required=False
    ),
)

# Every registry entry (topic, regulation, jurisdiction) takes its display name from
# ``title``; jurisdictions used ``name`` before, which is still read with a warning.
DISPLAY_NAME = "title"
DEPRECATED_DISPLAY_NAME = "name"

TOPIC: tuple[FieldSpec, ...] = (
    FieldSpec("title", "text", "topic title"),
    FieldSpec("description", "markdown", "what the topic covers", required=False),
)

REGULATION: tuple[FieldSpec, ...] = (
    FieldSpec("title", "text", "short name, e.g. GDPR"),
    FieldSpec("full_title", "text", "official full title"),
    FieldSpec("url", "url", "official text"),
    FieldSpec("description", "markdown", "note on the regulation", required=False),
)

JURISDICTION: tuple[FieldSpec, ...] = (
    FieldSpec("title", "text", "display name, e.g. European Union"),
    FieldSpec("description", "markdown", "note on the jurisdiction", required=False),
)


def id_problem(text: str) -> str | None:
    """Why ``text`` is not an id, or ``None`` when it is one."""
    if ID_PATTERN.match(text):
        return None
    if re.fullmatch(WINDOWS_DEVICES, text):
        return (
            f"{shown(text)} is a name Windows keeps for a device (con, prn, aux, nul, com0-9, "
            "lpt0-9): ids become folder and file names, which could not be checked out there"
        )
    if _ID_ANY_LENGTH.match(text):
        return f"{shown(text)} is longer than {ID_MAX} characters (ids become file names and URLs)"
    if ID_PATTERN.match(text.lower()):
        return f"{shown(text)} is not an id: ids are in lowercase, write {shown(text.lower())}"
    return f"{shown(text)} is not an id (lowercase letters, digits, hyphens)"


def url_problem(text: str) -> str | None:
    """Why ``text`` is not an absolute http(s) URL, or ``None`` when it is one."""
    bad = _NOT_IN_URL.search(text)
    if bad:
        return (
            f"{shown(text)} is not a URL: {bad.group()!r} at character {bad.start() + 1} is "
            "not allowed (percent-encode it)"
        )
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (raises on a malformed port)
    except ValueError:
        return f"{shown(text)} is not a URL (malformed address)"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{shown(text)} is not an http(s) URL"
    return None


def valid_date(text: str) -> bool:
    match = DATE_PATTERN.match(text)
    if not match:
        return False
    try:
        dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return False
    return True


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "text"


PLACEHOLDER = "TODO"
"""What ``govsite new`` writes where a contributor has to fill in a value."""
_PLACEHOLDER_WORD = re.compile(rf"(?<![\w-]){PLACEHOLDER}(?![\w-])")


def is_placeholder(value: str) -> bool:
    """True for a value that still holds the template's ``TODO``."""
    return bool(_PLACEHOLDER_WORD.search(value))


def _visible(text: str) -> bool:
    """Whether ``text`` shows anything: white space and invisible format characters (zero
    widths, direction marks) alone show nothing, and would make an empty link or title."""
    return any(not c.isspace() and unicodedata.category(c) not in ("Cf", "Cc") for c in text)


def _check_value(
    doc: YamlDocument, key: Key, value: Any, spec: FieldSpec, kind: Kind, diag: Diagnostics
) -> None:
    if key in doc.refused:
        return  # reported when the file was read
    where = doc.origin(key)
    name = format_key(key)
    if kind in ("text", "markdown", "id", "date", "version", "url", "enum"):
        if not isinstance(value, str):
            diag.error(where, name, f"must be text, got {_type_name(value)}")
            return
        if not _visible(value):
            diag.error(where, name, "must not be empty (it shows nothing)")
            return
        if is_placeholder(value):
            diag.error(
                where,
                name,
                f"still holds the template's {PLACEHOLDER}: replace it with {spec.help}"
                + ("" if spec.required else ", or remove this optional key"),
            )
            return
        if kind == "id" and (problem := id_problem(value)) is not None:
            diag.error(where, name, problem)
        elif kind == "date" and not valid_date(value):
            diag.error(where, name, f"{shown(value)} is not a date (YYYY-MM-DD)")
        elif kind == "version":
            match = VERSION_PATTERN.match(value)
            if not match or not valid_date(match[1]):
                diag.error(where, name, f"{shown(value)} is not a version date (YYYY-MM-DD[-N])")
        elif kind == "url" and (problem := url_problem(value)) is not None:
            diag.error(where, name, problem)
        elif kind == "enum" and value not in spec.choices:
            diag.error(where, name, f"{shown(value)} is not one of: {', '.join(spec.choices)}")
    elif kind == "list":
        if not isinstance(value, list):
            diag.error(where, name, f"must be a list, got {_type_name(value)}")
            return
        if spec.name == "authors" and not value:
            diag.error(where, name, "must name at least one author")
        assert spec.items is not None
        for index, item in enumerate(value):
            _check_value(doc, (*key, index), item, spec, spec.items, diag)
    elif kind == "object":
        if not isinstance(value, dict):
            diag.error(where, name, f"must be a mapping, got {_type_name(value)}")
            return
        if spec.fields:
            check_mapping(doc, key, value, spec.fields, diag)


def check_mapping(
    doc: YamlDocument,
    key: Key,
    value: dict[str, Any],
    specs: Sequence[FieldSpec],
    diag: Diagnostics,
) -> None:
    """Report unknown keys, missing required keys and mistyped values of one mapping."""
    known = {spec.name: spec for spec in specs}
    for name in value:
        if name not in known:
            hint = ", ".join(known)
            diag.error(
                doc.key_origin((*key, name)),
                format_key((*key, name)),
                f"unknown key (expected one of: {hint})",
            )
    for spec in specs:
        if spec.name not in value:
            if spec.required:
                diag.error(doc.origin(key), format_key((*key, spec.name)), "missing required key")
            continue
        _check_value(doc, (*key, spec.name), value[spec.name], spec, spec.kind, diag)


def check(doc: YamlDocument, specs: Sequence[FieldSpec], diag: Diagnostics) -> bool:
    """Check a whole file against ``specs``; true when its top level is a mapping."""
    if not isinstance(doc.data, dict):
        diag.error(doc.origin(), "(file)", f"must be a mapping of keys, got {_type_name(doc.data)}")
        return False
    check_mapping(doc, (), doc.data, specs, diag)
    return True


def _yaml_scalar(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scaffold(
    specs: Sequence[FieldSpec],
    indent: str = "",
    values: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
    prefix: str = "",
) -> str:
    """A YAML skeleton with every key, each with a comment saying what it holds.

    Values a contributor must give are the placeholder ``TODO`` (which ``govsite check``
    reports until it is replaced); ``values`` pre-fills some (by dotted key, e.g.
    ``analyzed``), and ``notes`` adds to a key's comment (e.g. the valid topic ids).
    """
    values, notes = values or {}, notes or {}
    lines: list[str] = []
    for spec in specs:
        path = f"{prefix}{spec.name}"
        comment = f"  # {spec.help}" + ("" if spec.required else " (optional)")
        if path in notes:
            comment += f"; {notes[path]}"
        placeholder = values.get(path, PLACEHOLDER)
        if spec.kind == "markdown":
            lines.append(f"{indent}{spec.name}: >-{comment}")
            lines.append(f"{indent}  {PLACEHOLDER}: {spec.help}.")
        elif spec.kind == "object":
            lines.append(f"{indent}{spec.name}:{comment}")
            lines.append(scaffold(spec.fields, indent + "  ", values, notes, f"{path}."))
        elif spec.kind == "list" and spec.items == "object":
            lines.append(f"{indent}{spec.name}:{comment}")
            body = scaffold(spec.fields, indent + "    ", values, notes, f"{path}[].").splitlines()
            body[0] = f"{indent}  - " + body[0].lstrip()
            lines.extend(body)
        elif spec.kind == "list":
            lines.append(f"{indent}{spec.name}:{comment}")
            lines.append(f"{indent}  - {_yaml_scalar(placeholder)}")
        elif spec.kind == "text" and path not in values:
            lines.append(
                f"{indent}{spec.name}: {_yaml_scalar(f'{PLACEHOLDER}: {spec.help}')}{comment}"
            )
        else:
            lines.append(f"{indent}{spec.name}: {_yaml_scalar(placeholder)}{comment}")
    return "\n".join(lines)
