"""Create a new site for an existing archive laid out as ``<Service>/<Document>.md``.

An Open Terms Archive versions repository has exactly this layout, so it works as-is.
Every file the archive ever held becomes a document (deleted ones too, so that each of
their versions gets its page), one platform per folder.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..archive.history import read_history
from ..content.schema import DATE_LIKE, ID_MAX
from ..diagnostics import Diagnostics
from ..untrusted import clean_text
from ..urls import RESERVED_PLATFORM_IDS


@dataclass(slots=True, frozen=True)
class ScaffoldDocument:
    """A document found in the archive."""

    id: str
    """URL slug."""
    title: str
    """The file name without ``.md``."""
    source: str
    """Path in the archive."""


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
    """Platforms (id -> name, documents) from every ``<Service>/<Document>.md`` ever archived."""
    history = read_history(archive, diag)
    if history is None:
        return {}
    services: dict[str, list[str]] = {}
    for path in sorted(history.versions):
        parts = path.split("/")
        if len(parts) == 2 and parts[1].endswith(".md"):
            services.setdefault(parts[0], []).append(path)
    platforms: dict[str, tuple[str, list[ScaffoldDocument]]] = {}
    taken_platforms = set(RESERVED_PLATFORM_IDS)
    for service, paths in sorted(services.items()):
        platform_id = _unique(slugify(service), taken_platforms, "platform")
        taken_documents: set[str] = set()
        documents = []
        for path in paths:
            title = path.split("/", 1)[1][: -len(".md")]
            document_id = _unique(slugify(title), taken_documents, "document")
            documents.append(ScaffoldDocument(document_id, title, path))
        platforms[platform_id] = (service, documents)
    return platforms


_REGISTRY_HEADERS = {
    "topics.yml": "# Topics: kinds of clause to compare across platforms, by id.\n"
    "# example-topic:\n#   title: Example topic\n#   description: What it covers.\n",
    "regulations.yml": "# Regulations that analyses refer to, by id.\n"
    "# gdpr:\n#   title: GDPR\n#   full_title: Regulation (EU) 2016/679\n"
    "#   url: https://eur-lex.europa.eu/eli/reg/2016/679/oj\n",
    "jurisdictions.yml": "# Jurisdictions that analyses flag, by id.\n# eu:\n#   name: European Union\n",
}


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
    target: Path, archive: Path, site_name: str, site_url: str, diag: Diagnostics
) -> list[Path]:
    """Write a complete site into ``target``; returns the files written."""
    platforms = discover(archive, diag)
    if diag.errors:
        return []
    written: list[Path] = []

    def write(relative: str, text: str) -> None:
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    config = {
        "site_name": site_name,
        "site_url": site_url,
        "docs_dir": "content/pages",
        "theme": {
            "name": "material",
            "font": False,
            "features": ["navigation.tabs", "search.highlight"],
        },
        "plugins": ["search", {"govsite": {"archive": str(archive.resolve())}}],
        "markdown_extensions": ["admonition"],
        "nav": [
            {"Home": "index.md"},
            {"Platforms": "platforms/index.md"},
            {"Analyses": "analyses/index.md"},
            {"Topics": "topics/index.md"},
            {"Regulations": "regulations/index.md"},
            {"Jurisdictions": "jurisdictions/index.md"},
        ],
    }
    write("mkdocs.yml", _yaml_text(config))
    for platform_id, (name, documents) in platforms.items():
        data = {
            "name": _shown_name(name, platform_id),
            "documents": {
                d.id: {
                    "title": _shown_name(d.title, d.id),
                    "source": d.source,
                    "type": _shown_name(d.title, d.id),
                }
                for d in documents
            },
        }
        header = "# Add `website` and each document's `url` when known.\n"
        write(f"content/platforms/{platform_id}.yml", header + _yaml_text(data))
    for name, header in _REGISTRY_HEADERS.items():
        write(f"content/{name}", header)
    (target / "content" / "provisions").mkdir(parents=True, exist_ok=True)
    licence = ""
    for candidate in ("LICENSE", "LICENSE.md", "LICENCE"):
        if (archive / candidate).is_file():
            licence = f" See the archive's `{candidate}` file for the licence of the texts."
    write(
        "content/pages/index.md",
        f"# {site_name}\n\n"
        f"Governance reports on the policies of {len(platforms)} platforms, built with govsite "
        f"from the archive at `{archive.resolve()}`.{licence}\n\n"
        "- [Platforms](platforms/index.md)\n- [Analysed provisions](analyses/index.md)\n"
        "- [Topics](topics/index.md)\n",
    )
    return written
