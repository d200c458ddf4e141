"""Read ``content/`` into the content model, checking each file against the schema."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from .. import urls
from ..diagnostics import Diagnostics, Origin
from ..untrusted import clean_text, shown
from . import schema
from .added import added_dates
from .records import (
    Affected,
    ChangeNote,
    Content,
    Document,
    Exposure,
    Jurisdiction,
    JurisdictionRef,
    Platform,
    Provision,
    Regulation,
    RegulationRef,
    Retired,
    Topic,
)
from .yamlfile import YamlDocument, format_key, load_yaml, parse_yaml

YAML_SUFFIXES = (".yml", ".yaml")


def _text(value: Any) -> str:
    """A text field, with characters that could disguise it removed (see safemd)."""
    return clean_text(value).strip() if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _field_origins(doc: YamlDocument) -> dict[str, Origin]:
    return {format_key(key): origin for key, origin in doc.origins.items() if "\0key" not in key}


def _archive_path(value: Any) -> str:
    """A path in the archive, kept exactly as written: it must match the archive's file name,
    white space and invisible characters included (it is never shown on a page as it is)."""
    return value if isinstance(value, str) else ""


_ID_SHAPE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
"""An id's characters, whatever else keeps it from being one (its length, a device name)."""


def _check_id(name: str, origin: Origin, what: str, diag: Diagnostics) -> bool:
    problem = schema.id_problem(name)
    if problem is not None:
        diag.error(origin, "(file)", f"{what} {problem}")
        return False
    return True


def _yaml_files(folder: Path, site_root: Path, diag: Diagnostics) -> list[Path]:
    """The YAML files below ``folder``, in order. Symbolic links are reported and not
    followed (see :func:`.yamlfile.load_yaml`), and so are names ending in ``.YML`` or the
    like, which would otherwise be left out without a word."""
    found: list[Path] = []
    for parent, folders, names in os.walk(folder, followlinks=False):
        here = Path(parent)
        for name in sorted(folders):
            if (here / name).is_symlink():
                diag.error(
                    Origin(_display(here / name, site_root)),
                    "(file)",
                    "is a symbolic link to a folder; content folders must be real folders "
                    "(it was not read)",
                )
        for name in names:
            path = here / name
            suffix = path.suffix
            if name.lower() in YAML_SUFFIXES:  # ".yml": pathlib sees a hidden file, no suffix
                diag.error(
                    Origin(_display(path, site_root)),
                    "(file)",
                    f"{shown(name)} has no name before its suffix, and a content file's name "
                    "is its id; rename it (it was not read)",
                )
            elif suffix in YAML_SUFFIXES:
                found.append(path)
            elif suffix.lower() in YAML_SUFFIXES:
                diag.error(
                    Origin(_display(path, site_root)),
                    "(file)",
                    f"YAML files must end in lowercase .yml or .yaml, not {shown(suffix)}; "
                    "rename it (it was not read)",
                )
    return sorted(found)


def _load_platform(doc: YamlDocument, platform_id: str, diag: Diagnostics) -> Platform | None:
    if not schema.check(doc, schema.PLATFORM, diag):
        return None
    data = doc.data
    documents: dict[str, Document] = {}
    for document_id, value in _map(data.get("documents")).items():
        key = ("documents", document_id)
        origin = doc.key_origin(key)
        if not schema.ID_PATTERN.match(document_id):
            diag.error(
                origin,
                format_key(key),
                "document id must be lowercase letters, digits, -"
                + (f"; {schema.id_problem(document_id)}" if _ID_SHAPE.match(document_id) else ""),
            )
            continue
        if schema.DATE_LIKE.match(document_id):
            diag.error(origin, format_key(key), "document id may not look like a date")
            continue
        if not isinstance(value, dict):
            diag.error(doc.origin(key), format_key(key), "must be a mapping")
            continue
        schema.check_mapping(doc, key, value, schema.DOCUMENT, diag)
        documents[document_id] = Document(
            platform=platform_id,
            id=document_id,
            title=_text(value.get("title")),
            source=_archive_path(value.get("source")),
            url=_text(value.get("url")),
            type=_text(value.get("type")),
            origin=origin,
            former_sources=tuple(
                _archive_path(s) for s in _list(value.get("former_sources")) if isinstance(s, str)
            ),
        )
    if isinstance(data.get("documents"), dict) and not documents and not data["documents"]:
        diag.error(
            doc.origin(("documents",)), "documents", "a platform needs at least one document"
        )
    return Platform(
        id=platform_id,
        name=_text(data.get("name")),
        website=_text(data.get("website")),
        documents=documents,
        origin=doc.origin(),
        description=_text(data.get("description")),
    )


def _load_provision(
    doc: YamlDocument, platform: str, document: str, slug: str, diag: Diagnostics, added: str
) -> Provision | None:
    if not schema.check(doc, schema.PROVISION, diag):
        return None
    _check_provision(doc, diag)
    return _provision(doc, platform, document, slug, added)


def provision_from_text(
    text: str, path: str, platform: str, document: str, slug: str, diag: Diagnostics
) -> Provision | None:
    """An analysis as a past revision of its file holds it: checked (problems go to
    ``diag``), and read as far as it can be even when it does not validate, so that an old
    revision that today's format refuses can still be shown. ``None`` only when it is not
    YAML or not a mapping."""
    doc = parse_yaml(text, path, diag)
    if doc is None or not isinstance(doc.data, dict):
        if doc is not None:
            diag.error(doc.origin(), "(file)", "must be a mapping of keys")
        return None
    schema.check(doc, schema.PROVISION, diag)
    _check_provision(doc, diag)
    return _provision(doc, platform, document, slug, "")


def _provision(doc: YamlDocument, platform: str, document: str, slug: str, added: str) -> Provision:
    data = doc.data
    exposure = _map(data.get("exposure"))
    return Provision(
        platform=platform,
        document=document,
        slug=slug,
        title=_text(data.get("title")),
        topic=_text(data.get("topic")),
        quote=_text(data.get("quote")),
        analyzed=_text(data.get("analyzed")),
        summary=_text(data.get("summary")),
        interpretation=_text(data.get("interpretation")),
        affected=[
            Affected(_text(a.get("who")), _text(a.get("impact")))
            for a in _list(data.get("affected"))
            if isinstance(a, dict)
        ],
        for_users=_text(data.get("for_users")),
        exposure=Exposure(_text(exposure.get("level")), _text(exposure.get("rationale"))),
        regulations=[
            RegulationRef(
                _text(r.get("id")), _text(str(r.get("article") or "")), _text(r.get("note"))
            )
            for r in _list(data.get("regulations"))
            if isinstance(r, dict)
        ],
        jurisdictions=[
            JurisdictionRef(_text(j.get("id")), _text(j.get("note")))
            for j in _list(data.get("jurisdictions"))
            if isinstance(j, dict)
        ],
        contracts=_text(data.get("contracts")),
        compliance=_text(data.get("compliance")),
        related=[_text(r) for r in _list(data.get("related")) if isinstance(r, str)],
        authors=[_text(a) for a in _list(data.get("authors")) if isinstance(a, str)],
        reviewed=_text(data.get("reviewed")),
        origin=doc.origin(),
        origins=_field_origins(doc),
        added=added,
    )


QUOTE_MIN_WORDS = 3
QUOTE_MIN_CHARACTERS = 12
"""A quote shorter than both (``"the"``) names no clause: it would mark whichever paragraph
holds the word first. Texts without spaces between words need the characters."""


def _check_provision(doc: YamlDocument, diag: Diagnostics) -> None:
    """What the schema cannot see field by field: a quote long enough to name one clause.
    (Review dates are checked when linking, against the analysed version's date.)"""
    data = doc.data
    quote = data.get("quote")
    if isinstance(quote, str) and quote.strip():
        words = clean_text(quote).split()
        if len(words) < QUOTE_MIN_WORDS and len("".join(words)) < QUOTE_MIN_CHARACTERS:
            diag.error(
                doc.origin(("quote",)),
                "quote",
                f"{shown(quote.strip())} is too short to name one clause: quote the clause "
                f"(at least {QUOTE_MIN_WORDS} words)",
            )


def _load_registry(
    root: Path, name: str, site_root: Path, diag: Diagnostics
) -> list[tuple[str, dict[str, Any], YamlDocument]]:
    file = root / name
    display = _display(file, site_root)
    if not file.exists() and not file.is_symlink():
        diag.error(Origin(display), "(file)", "registry file is missing")
        return []
    doc = load_yaml(file, display, diag)
    if doc is None:
        return []
    if doc.data is None:
        return []
    if not isinstance(doc.data, dict):
        diag.error(doc.origin(), "(file)", "must be a mapping from id to entry")
        return []
    entries = []
    for entry_id, value in doc.data.items():
        origin = doc.key_origin((entry_id,))
        if not schema.ID_PATTERN.match(entry_id):
            diag.error(
                origin,
                format_key((entry_id,)),
                "id must be lowercase letters, digits and hyphens"
                + (f"; {schema.id_problem(entry_id)}" if _ID_SHAPE.match(entry_id) else ""),
            )
            continue
        if not isinstance(value, dict):
            diag.error(
                doc.origin((entry_id,)), format_key((entry_id,)), "must be a mapping of keys"
            )
            continue
        entries.append((entry_id, value, doc))
    return entries


def _display(path: Path, site_root: Path) -> str:
    """The path as reported: relative to the site where it is inside it. The link itself is
    named, never its target (a symbolic link is reported, not followed)."""
    try:
        return (path.parent.resolve() / path.name).relative_to(site_root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_content(content_dir: Path, site_root: Path, diag: Diagnostics) -> Content:
    """Read every content file; problems go to ``diag`` and the rest still loads."""
    content = Content()
    _check_file_names(content_dir, site_root, diag)
    for read in (
        _read_platforms,
        _read_provisions,
        _read_change_notes,
        _read_retired,
        _read_registries,
    ):
        read(content, content_dir, site_root, diag)
    return content


TOP_LEVEL_FILES = ("topics.yml", "regulations.yml", "jurisdictions.yml", "retired.yml")
"""The files read from the content folder itself (the rest is in its folders)."""


def _check_file_names(content_dir: Path, site_root: Path, diag: Diagnostics) -> None:
    """A file named like one govsite reads but spelt otherwise (``topics.yaml``,
    ``Retired.yml``) would be left out without a word: each is an error."""
    if not content_dir.is_dir():
        return
    wanted = {name.rsplit(".", 1)[0]: name for name in TOP_LEVEL_FILES}
    for path in sorted(content_dir.iterdir()):
        stem, suffix = path.stem.lower(), path.suffix.lower()
        if suffix in YAML_SUFFIXES and stem in wanted and path.name != wanted[stem]:
            diag.error(
                Origin(_display(path, site_root)),
                "(file)",
                f"govsite reads content/{wanted[stem]}, not {shown(path.name)}: rename it "
                "(it was not read)",
            )


def _read_platforms(
    content: Content, content_dir: Path, site_root: Path, diag: Diagnostics
) -> None:
    """``platforms/<platform>.yml``."""
    for file in _yaml_files(content_dir / "platforms", site_root, diag):
        display = _display(file, site_root)
        platform_id = file.stem
        if not _check_id(platform_id, Origin(display), "platform file name", diag):
            continue
        if platform_id in urls.RESERVED_PLATFORM_IDS:
            diag.error(Origin(display), "(file)", f"platform id {platform_id!r} is reserved")
            continue
        if platform_id in content.platforms:
            diag.error(Origin(display), "(file)", f"duplicate platform id {platform_id!r}")
            continue
        doc = load_yaml(file, display, diag)
        if doc is None:
            continue
        platform = _load_platform(doc, platform_id, diag)
        if platform is not None:
            content.platforms[platform_id] = platform
    _check_claims(content, diag)


def _check_claims(content: Content, diag: Diagnostics) -> None:
    """One archive file is one document's history: a path given as the source or a former
    source of two documents (or twice in one) would publish one history under both."""
    claimed: dict[str, str] = {}
    for platform in content.platforms.values():
        for document in platform.documents.values():
            paths = [document.source, *document.former_sources]
            for index, path in enumerate(paths):
                if not path:
                    continue
                owner = claimed.setdefault(path, document.key)
                field = "source" if index == 0 else f"former_sources[{index - 1}]"
                if owner != document.key:
                    diag.error(
                        document.origin,
                        f"documents.{document.id}.{field}",
                        f"archive file {path!r} is already the source or a former source of "
                        f"{owner}: one archive file can be one document's history only",
                    )
                elif path in paths[:index]:
                    diag.error(
                        document.origin,
                        f"documents.{document.id}.{field}",
                        f"archive file {path!r} is given twice",
                    )


def _read_provisions(
    content: Content, content_dir: Path, site_root: Path, diag: Diagnostics
) -> None:
    """``provisions/<platform>/<document>/<slug>.yml``."""
    added = added_dates(content_dir / "provisions")
    provisions_dir = content_dir / "provisions"
    for file in _yaml_files(provisions_dir, site_root, diag):
        display = _display(file, site_root)
        parts = file.relative_to(provisions_dir).parts
        if len(parts) != 3:
            diag.error(
                Origin(display),
                "(file)",
                "provision files go in provisions/<platform>/<document>/<slug>.yml",
            )
            continue
        platform_id, document_id = parts[0], parts[1]
        slug = file.stem
        if not _check_id(slug, Origin(display), "provision slug", diag):
            continue
        if schema.DATE_LIKE.match(slug):
            diag.error(
                Origin(display),
                "(file)",
                f"provision slug {slug!r} looks like a date; such URLs are kept for versions",
            )
            continue
        if slug in urls.RESERVED_PROVISION_SLUGS:
            diag.error(Origin(display), "(file)", f"provision slug {slug!r} is reserved")
            continue
        key = f"{platform_id}/{document_id}/{slug}"
        if key in content.provisions:
            diag.error(Origin(display), "(file)", f"duplicate provision {key!r}")
            continue
        doc = load_yaml(file, display, diag)
        if doc is None:
            continue
        day = added.get(file.resolve())
        provision = _load_provision(
            doc, platform_id, document_id, slug, diag, day.isoformat() if day else ""
        )
        if provision is not None:
            content.provisions[key] = provision


def _read_change_notes(
    content: Content, content_dir: Path, site_root: Path, diag: Diagnostics
) -> None:
    """``changes/<platform>/<document>/<version>.yml``."""
    changes_dir = content_dir / "changes"
    for file in _yaml_files(changes_dir, site_root, diag):
        display = _display(file, site_root)
        parts = file.relative_to(changes_dir).parts
        if len(parts) != 3 or not schema.VERSION_PATTERN.match(file.stem):
            diag.error(
                Origin(display),
                "(file)",
                "change notes go in changes/<platform>/<document>/<version date>.yml",
            )
            continue
        doc = load_yaml(file, display, diag)
        if doc is None or not schema.check(doc, schema.CHANGE_NOTE, diag):
            continue
        content.change_notes.append(
            ChangeNote(
                platform=parts[0],
                document=parts[1],
                version=file.stem,
                summary=_text(doc.data.get("summary")),
                significance=_text(doc.data.get("significance")),
                authors=[_text(a) for a in _list(doc.data.get("authors")) if isinstance(a, str)],
                origin=doc.origin(),
            )
        )


def read_pages(pages_dir: Path | None, site_root: Path) -> dict[str, Origin]:
    """The URL of every hand-written page and file in ``pages_dir``, as mkdocs publishes
    them with folder URLs (``about.md`` at ``about/``, ``x/index.md`` and ``x/README.md`` at
    ``x/``; other files as they are), with the file each comes from. Hidden files and
    folders are left out, as mkdocs leaves them out."""
    found: dict[str, Origin] = {}
    if pages_dir is None or not pages_dir.is_dir():
        return found
    for folder, dirs, names in os.walk(pages_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        relative = Path(folder).relative_to(pages_dir).as_posix()
        prefix = "" if relative == "." else relative + "/"
        for name in sorted(names):
            if name.startswith("."):
                continue
            origin = Origin(_display(Path(folder) / name, site_root))
            if name.endswith(".md"):
                stem = name[: -len(".md")]
                url = urls.hand_written(prefix, stem)
            else:
                url = prefix + name
            found.setdefault(url, origin)
    return found


def _tomorrow() -> dt.date:
    """The latest day that is not yet in the future anywhere on Earth."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).date()


def _read_retired(content: Content, content_dir: Path, site_root: Path, diag: Diagnostics) -> None:
    """``retired.yml``: published URLs that are gone."""
    retired_file = content_dir / "retired.yml"
    if retired_file.exists() or retired_file.is_symlink():
        doc = load_yaml(retired_file, _display(retired_file, site_root), diag)
        if doc is not None and doc.data is not None and not isinstance(doc.data, dict):
            diag.error(doc.origin(), "(file)", "must be a mapping from URL to entry")
        elif doc is not None and doc.data:
            for url, value in doc.data.items():
                origin = doc.key_origin((url,))
                if not re.match(r"^[a-z0-9][a-z0-9._/-]*/$", url) or ".." in url:
                    diag.error(
                        origin,
                        format_key((url,)),
                        "expected a site-relative folder URL such as a/b/c/",
                    )
                    continue
                if url.split("/", 1)[0] in urls.FILE_FOLDERS:
                    diag.error(
                        origin,
                        format_key((url,)),
                        f"{url.split('/', 1)[0]}/ holds the site's files, not pages: nothing "
                        "there can be retired",
                    )
                    continue
                if not isinstance(value, dict):
                    diag.error(doc.origin((url,)), format_key((url,)), "must be a mapping of keys")
                    continue
                schema.check_mapping(doc, (url,), value, schema.RETIRED, diag)
                when = _text(value.get("retired"))
                if schema.valid_date(when) and dt.date.fromisoformat(when) > _tomorrow():
                    diag.error(
                        doc.origin((url, "retired")),
                        format_key((url, "retired")),
                        f"{when} is in the future: a URL is retired once it is gone, and its "
                        "tombstone would say it went on a day still to come",
                    )
                content.retired[url] = Retired(
                    url=url,
                    retired=_text(value.get("retired")),
                    reason=_text(value.get("reason")),
                    redirect=_text(value.get("redirect")),
                    origin=origin,
                    origins={
                        format_key(k[1:]): o
                        for k, o in doc.origins.items()
                        if k[:1] == (url,) and "\0key" not in k
                    },
                )


def _read_registries(
    content: Content, content_dir: Path, site_root: Path, diag: Diagnostics
) -> None:
    """``topics.yml``, ``regulations.yml`` and ``jurisdictions.yml``."""
    for entry_id, value, doc in _load_registry(content_dir, "topics.yml", site_root, diag):
        schema.check_mapping(doc, (entry_id,), value, schema.TOPIC, diag)
        content.topics[entry_id] = Topic(
            entry_id,
            _text(value.get("title")),
            _text(value.get("description")),
            doc.key_origin((entry_id,)),
        )
    for entry_id, value, doc in _load_registry(content_dir, "regulations.yml", site_root, diag):
        schema.check_mapping(doc, (entry_id,), value, schema.REGULATION, diag)
        content.regulations[entry_id] = Regulation(
            entry_id,
            _text(value.get("title")),
            _text(value.get("full_title")),
            _text(value.get("url")),
            _text(value.get("description")),
            doc.key_origin((entry_id,)),
        )
    for entry_id, value, doc in _load_registry(content_dir, "jurisdictions.yml", site_root, diag):
        value = _display_name(doc, entry_id, value, diag)
        schema.check_mapping(doc, (entry_id,), value, schema.JURISDICTION, diag)
        content.jurisdictions[entry_id] = Jurisdiction(
            entry_id,
            _text(value.get("title")),
            _text(value.get("description")),
            doc.key_origin((entry_id,)),
        )


def _display_name(
    doc: YamlDocument, entry_id: str, value: dict[str, Any], diag: Diagnostics
) -> dict[str, Any]:
    """A registry entry with its display name under ``title``: the former ``name`` key is
    read as ``title``, with a warning saying to rename it."""
    old, new = schema.DEPRECATED_DISPLAY_NAME, schema.DISPLAY_NAME
    if old not in value or new in value:
        return value
    diag.warning(
        doc.key_origin((entry_id, old)),
        format_key((entry_id, old)),
        f"`{old}` is deprecated: every registry entry (topic, regulation, jurisdiction) "
        f"takes its display name from `{new}`; rename this key to `{new}`",
    )
    return {(new if key == old else key): item for key, item in value.items()}
