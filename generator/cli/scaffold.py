"""Create a new site for an existing archive laid out as ``<Service>/<Document>.md``.

An Open Terms Archive versions repository has exactly this layout, so it works as-is.
Every file the archive ever held becomes a document (deleted ones too, so that each of
their versions gets its page, marked as no longer tracked), one platform per folder; a file
the archive renamed is one document that keeps one history (``former_sources``, found by
:mod:`generator.archive.renames`). The archive's README and LICENSE give the collection's
title, licence and attribution (:mod:`.collection`); the site gets a home page naming the
collection, and a GitHub Actions workflow (:mod:`.workflow`).
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import yaml

from ..archive.blobs import BlobReader
from ..archive.history import ArchiveHistory, VersionKind, read_history
from ..archive.renames import chains, find_renames
from ..content.schema import DATE_LIKE, ID_MAX
from ..diagnostics import Diagnostics
from ..untrusted import clean_text
from ..urls import RESERVED_PLATFORM_IDS
from .collection import Collection, read_collection
from .workflow import WORKFLOW_PATH, workflow


@dataclass(slots=True, frozen=True)
class ScaffoldDocument:
    """A document found in the archive."""

    id: str
    """URL slug."""
    title: str
    """The file name without ``.md``."""
    source: str
    """Path in the archive."""
    former_sources: tuple[str, ...] = ()
    """Earlier paths of the same document (renames, see :mod:`generator.archive.renames`)."""
    removed: str = ""
    """When the archive deleted its file (YYYY-MM-DD), if it did: no longer tracked."""


def slugify(text: str) -> str:
    """A URL slug: ASCII lowercase words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[: ID_MAX - 10].strip("-")  # room for a -N suffix


def _unique(slug: str, taken: set[str], fallback: str) -> str:
    slug = slug or fallback
    if DATE_LIKE.match(slug):
        slug = f"{fallback}-{slug}"
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def discover(archive: Path, diag: Diagnostics) -> dict[str, tuple[str, list[ScaffoldDocument]]]:
    """Platforms (id -> name, documents) from every ``<Service>/<Document>.md`` ever archived;
    a renamed file is one document under its latest path."""
    history = read_history(archive, diag)
    if history is None:
        return {}
    documents = {
        path: versions
        for path, versions in history.versions.items()
        if path.count("/") == 1 and path.endswith(".md")
    }
    with BlobReader(history.root) as blobs:
        renames = find_renames(
            ArchiveHistory(history.root, history.prefix, history.head, documents),
            lambda version: blobs.text(version, diag),
        )
    former = chains(renames)
    continued = {path for paths in former.values() for path in paths}
    services: dict[str, list[str]] = {}
    for path in sorted(documents):
        if path not in continued:
            services.setdefault(path.split("/", 1)[0], []).append(path)
    platforms: dict[str, tuple[str, list[ScaffoldDocument]]] = {}
    taken_platforms = set(RESERVED_PLATFORM_IDS)
    for service, paths in sorted(services.items()):
        platform_id = _unique(slugify(service), taken_platforms, "platform")
        taken_documents: set[str] = set()
        found = []
        for path in paths:
            title = path.split("/", 1)[1][: -len(".md")]
            document_id = _unique(slugify(title), taken_documents, "document")
            last = documents[path][-1]
            removed = last.date.strftime("%Y-%m-%d") if last.kind is VersionKind.REMOVAL else ""
            found.append(
                ScaffoldDocument(document_id, title, path, tuple(former.get(path, ())), removed)
            )
        platforms[platform_id] = (service, found)
    return platforms


_REGISTRY_HEADERS = {
    "topics.yml": "# Topics: kinds of clause to compare across platforms, by id.\n"
    "# example-topic:\n#   title: Example topic\n#   description: What it covers.\n",
    "regulations.yml": "# Regulations that analyses refer to, by id.\n"
    "# gdpr:\n#   title: GDPR\n#   full_title: Regulation (EU) 2016/679\n"
    "#   url: https://eur-lex.europa.eu/eli/reg/2016/679/oj\n",
    "jurisdictions.yml": "# Jurisdictions that analyses flag, by id.\n# eu:\n#   title: European Union\n",
}


def markdown_literal(text: str) -> str:
    """Untrusted text, on one line, as Markdown that shows exactly that text in running
    text: HTML escaped, and the characters inline Markdown reads as markup escaped."""
    text = html.escape(" ".join(clean_text(text).split()), quote=False)
    return re.sub(r"([\\`*_\[\]])", r"\\\1", text)


def _requirement() -> str:
    """How CI installs govsite: the same source this copy was installed from when it is a
    public repository, else the same release."""
    try:
        found = distribution("govsite")
    except PackageNotFoundError:
        return "govsite\n"
    info = json.loads(found.read_text("direct_url.json") or "{}")
    url, vcs = str(info.get("url", "")), info.get("vcs_info") or {}
    if vcs.get("vcs") == "git" and url.startswith("https://"):
        commit = vcs.get("commit_id", "")
        return f"govsite @ git+{url}{'@' + commit if commit else ''}\n"
    return (
        "# How CI installs govsite: give the release, or its repository, e.g.\n"
        "# govsite @ git+https://github.com/OWNER/govsite@COMMIT\n"
        f"govsite=={found.version}\n"
    )


def _archive_url(archive: Path) -> str:
    """The archive's public git address, when its ``origin`` remote is one."""
    result = subprocess.run(
        ["git", "-C", str(archive), "remote", "get-url", "origin"],
        capture_output=True,
        text=True,
        check=False,
    )
    url = result.stdout.strip()
    return url if result.returncode == 0 and url.startswith("https://") else ""


def _yaml_text(data: object) -> str:
    """YAML that reads back as ``data``: readable Unicode where pyyaml keeps it intact, and
    escapes where it would not (it writes a NEL or LINE SEPARATOR raw inside quotes, where
    reading folds it into a space, and the archive path would no longer match)."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    if yaml.safe_load(text) != data:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=False)
    return text


def _shown_name(name: str, fallback: str) -> str:
    """A name as readers see it (invisible characters removed, spaces trimmed), or the id
    when nothing is left of it (a file named only with spaces)."""
    return clean_text(name).strip() or fallback


def init_site(
    target: Path,
    archive: Path,
    site_name: str,
    site_url: str,
    diag: Diagnostics,
    archive_url: str = "",
) -> list[Path]:
    """Write a complete site into ``target``; returns the files written."""
    platforms = discover(archive, diag)
    if diag.errors:
        return []
    collection = read_collection(archive)
    written: list[Path] = []

    def write(relative: str, text: str, keep: bool = False) -> None:
        """Write a file (one already there is kept when ``keep``)."""
        path = target / relative
        if keep and path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    target.mkdir(parents=True, exist_ok=True)
    archive_path = Path(os.path.relpath(archive.resolve(), target.resolve())).as_posix()
    options: dict[str, str] = {"archive": archive_path}
    for key, value in (
        ("collection", collection.title),
        ("licence", collection.licence),
        ("attribution", collection.attribution),
    ):
        if value:
            options[key] = value
    counts = _counts(platforms)
    config = {
        "site_name": site_name,
        "site_url": site_url,
        "site_description": f"Governance reports on the policies of {len(platforms)} platforms"
        + (f", from {collection.title}" if collection.title else ""),
        "docs_dir": "content/pages",
        "theme": {
            "name": "material",
            "font": False,
            "features": ["navigation.tabs"],
        },
        # govsite brings its own search (Pagefind), which loads nothing until a reader searches.
        "plugins": [{"govsite": options}],
        "markdown_extensions": ["admonition"],
        "nav": [
            {"Home": "index.md"},
            {"Platforms": "platforms/index.md"},
            {"Analyses": "analyses/index.md"},
            {"Topics": "topics/index.md"},
            {"Regulations": "regulations/index.md"},
            {"Jurisdictions": "jurisdictions/index.md"},
            {"Data": "data/index.md"},
            {"Search": "search/index.md"},
        ],
    }
    write("mkdocs.yml", _yaml_text(config))
    for platform_id, (name, documents) in platforms.items():
        write(f"content/platforms/{platform_id}.yml", _platform_file(platform_id, name, documents))
    for name, header in _REGISTRY_HEADERS.items():
        write(f"content/{name}", header)
    (target / "content" / "provisions").mkdir(parents=True, exist_ok=True)
    write("content/pages/index.md", _home_page(site_name, collection, counts))
    url = archive_url or _archive_url(archive)
    write(WORKFLOW_PATH, workflow(archive_path, url, site_url), keep=True)
    write("requirements.txt", _requirement(), keep=True)
    write(".gitignore", "/site/\n/.cache/\n/.site.govsite-lock\n", keep=True)
    return written


def _counts(platforms: dict[str, tuple[str, list[ScaffoldDocument]]]) -> dict[str, int]:
    documents = [d for _, found in platforms.values() for d in found]
    return {
        "platforms": len(platforms),
        "documents": len(documents),
        "removed": sum(1 for d in documents if d.removed),
        "renamed": sum(1 for d in documents if d.former_sources),
    }


def _platform_file(platform_id: str, name: str, documents: list[ScaffoldDocument]) -> str:
    data: dict[str, object] = {"name": _shown_name(name, platform_id), "documents": {}}
    for d in documents:
        title = _shown_name(d.title, d.id)
        entry: dict[str, object] = {"title": title, "source": d.source, "type": title}
        if d.former_sources:
            entry["former_sources"] = list(d.former_sources)
        data["documents"][d.id] = entry  # type: ignore[index]
    header = "# Add `website` and each document's `url` (where the platform publishes it).\n"
    removed = [d for d in documents if d.removed]
    if removed:
        header += "# No longer tracked (the archive deleted their files; they keep their pages):\n"
        header += "".join(f"#   {d.id}: since {d.removed}\n" for d in removed)
    renamed = [d for d in documents if d.former_sources]
    if renamed:
        header += "# Renamed in the archive (one history, followed through `former_sources`):\n"
        header += "".join(f"#   {d.id}: formerly {', '.join(d.former_sources)}\n" for d in renamed)
    return header + _yaml_text(data)


def _home_page(site_name: str, collection: Collection, counts: dict[str, int]) -> str:
    source = (
        f"the archive *{markdown_literal(collection.title)}*"
        if collection.title
        else "an archive of their texts kept in git"
    )
    lines = [
        f"# {markdown_literal(site_name)}",
        "",
        f"Governance reports on the policies of {counts['platforms']} platforms, built from "
        f"{source}: every recorded version of {counts['documents']} documents, what changed "
        "between versions, and analyses of their provisions.",
    ]
    if counts["removed"]:
        lines += [
            "",
            f"{counts['removed']} of these documents are no longer tracked: the archive "
            "deleted their files. Their recorded versions stay published, marked with the "
            "date tracking stopped.",
        ]
    lines += [
        "",
        "- [Platforms](platforms/index.md): every platform and its documents",
        "- [Analysed provisions](analyses/index.md)",
        "- [Topics](topics/index.md), [regulations](regulations/index.md) and "
        "[jurisdictions](jurisdictions/index.md)",
        "- [Data](data/index.md): every version's text and metadata, as JSON, CSV and a zip",
    ]
    if collection.licence or collection.attribution:
        lines += ["", "## Licence and attribution", ""]
        if collection.licence:
            lines.append(
                f"The archived texts are published under {markdown_literal(collection.licence)}."
            )
        if collection.attribution:
            lines.append(f"Attribution: {markdown_literal(collection.attribution)}.")
    return "\n".join(lines) + "\n"
