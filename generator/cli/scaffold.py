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

import json
import os
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import yaml

from .. import urls
from ..archive.blobs import BlobReader, text_bytes
from ..archive.history import ArchiveHistory, VersionKind, read_history
from ..archive.permalinks import LOCK_HEADER, LOCK_NAME
from ..archive.renames import chains, find_renames
from ..content.schema import DATE_LIKE, ID_MAX, WINDOWS_DEVICES
from ..diagnostics import Diagnostics
from ..publish.hosts import full_layout_limits, large_layout_limits
from ..render.provisions import DEFAULT_DISCLAIMER
from ..untrusted import clean_text
from ..urls import RESERVED_PLATFORM_IDS
from . import starter_pages
from .collection import Collection, read_collection
from .starter_pages import markdown_literal
from .workflow import WORKFLOW_PATH, archive_inside, workflow


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
    if DATE_LIKE.match(slug) or re.fullmatch(WINDOWS_DEVICES, slug):
        # Not an id (a date is a version's slug; con, lpt0... are Windows devices).
        slug = f"{fallback}-{slug}"
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def template_leftovers(history: ArchiveHistory) -> set[str]:
    """Files whose whole recorded life is the archive's first day, removed that day: the
    demo declarations of Open Terms Archive's collection template (Brevo, Buffer, GitHub,
    npm...), which every collection made from it records and deletes before its own."""
    dates = [v.date.date() for versions in history.versions.values() for v in versions]
    if not dates:
        return set()
    first_day = min(dates)
    return {
        path
        for path, versions in history.versions.items()
        if versions[-1].kind is VersionKind.REMOVAL
        and all(v.date.date() == first_day for v in versions)
    }


@dataclass(slots=True, frozen=True)
class ArchiveScale:
    """How large the archive's documents are, for the layout ``init`` picks."""

    versions: int = 0
    """Versions recorded (removals left out)."""
    text_bytes: int = 0
    """Bytes of the distinct texts they recorded."""


def discover(
    archive: Path, diag: Diagnostics, keep_leftovers: bool = False
) -> tuple[dict[str, tuple[str, list[ScaffoldDocument]]], ArchiveScale]:
    """Platforms (id -> name, documents) from every ``<Service>/<Document>.md`` ever archived,
    and the size of their history; a renamed file is one document under its latest path.
    Template leftovers (see :func:`template_leftovers`) are left out unless
    ``keep_leftovers``."""
    history = read_history(archive, diag)
    if history is None:
        return {}, ArchiveScale()
    leftovers = set() if keep_leftovers else template_leftovers(history)
    documents = {
        path: versions
        for path, versions in history.versions.items()
        if path.count("/") == 1 and path.endswith(".md") and path not in leftovers
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
    recorded = [v for versions in documents.values() for v in versions]
    recorded = [v for v in recorded if v.kind is not VersionKind.REMOVAL]
    return platforms, ArchiveScale(
        len(recorded), text_bytes(history.root, {v.blob for v in recorded})
    )


_REGISTRY_HEADERS = {
    "topics.yml": "# Topics: kinds of clause to compare across platforms, by id.\n"
    "# example-topic:\n#   title: Example topic\n#   description: What it covers.\n",
    "regulations.yml": "# Regulations that analyses refer to, by id.\n"
    "# gdpr:\n#   title: GDPR\n#   full_title: Regulation (EU) 2016/679\n"
    "#   url: https://eur-lex.europa.eu/eli/reg/2016/679/oj\n",
    "jurisdictions.yml": "# Jurisdictions that analyses flag, by id.\n# eu:\n#   title: European Union\n",
}


class InitError(Exception):
    """Something ``govsite init`` cannot decide alone; the message says what to pass."""


def ci_requirement() -> str:
    """How the site's CI installs govsite: from where this copy was installed (pip records
    it in ``direct_url.json``, PEP 610): the same git repository at the same commit, or the
    same version from a package index. A local folder or file is out of CI's reach."""
    try:
        found = distribution("govsite")
    except PackageNotFoundError:
        raise InitError(
            "govsite is not installed as a package, so init cannot tell how CI should "
            "install it; pass --govsite-requirement (a pip requirement, e.g. "
            "'govsite @ git+https://github.com/OWNER/govsite@COMMIT')"
        ) from None
    text = found.read_text("direct_url.json")
    if not text:  # installed from a package index
        return f"govsite=={found.version}"
    info = json.loads(text)
    url, vcs = str(info.get("url", "")), info.get("vcs_info") or {}
    public = public_git_url(url)
    if vcs.get("vcs") == "git" and public:
        commit = str(vcs.get("commit_id", ""))
        return f"govsite @ git+{public}{'@' + commit if commit else ''}"
    if url.startswith(("https://", "http://")) and "archive_info" in info:
        return f"govsite @ {url}"  # a release file on a web server
    raise InitError(
        f"govsite was installed from {url or 'a local folder'}, which GitHub's runners cannot "
        "reach; install it from its git repository (pip install "
        "'govsite @ git+https://github.com/OWNER/govsite') or from a package index, or pass "
        "--govsite-requirement with the pip requirement CI should install"
    )


_SCP_LIKE = re.compile(r"^[\w.-]+@([\w.-]+):(?!//)(.+)$")
"""``git@github.com:owner/repo.git``: ssh in scp syntax."""


def public_git_url(url: str) -> str:
    """``url`` as an address a CI runner can clone without keys: an https address as it is,
    an ssh address of a host as its https twin; '' for anything else (a local path)."""
    if url.startswith("https://"):
        # Never write credentials into the site's files: CI clones a public address.
        return re.sub(r"^https://[^/@]*@", "https://", url)
    scp = _SCP_LIKE.match(url)
    if scp:
        return f"https://{scp[1]}/{scp[2]}"
    ssh = re.match(r"^(?:ssh|git\+ssh)://(?:[^@/]+@)?([^/:]+)(?::\d+)?/(.+)$", url)
    if ssh:
        return f"https://{ssh[1]}/{ssh[2]}"
    return ""


def _archive_url(archive: Path) -> str:
    """The archive's public git address, from its ``origin`` remote ('' when none is)."""
    result = subprocess.run(
        # The address as configured: `git remote get-url` would apply this machine's own
        # url.*.insteadOf rewrites, which CI does not have.
        ["git", "-C", str(archive), "config", "--get", "remote.origin.url"],
        capture_output=True,
        text=True,
        check=False,
    )
    return public_git_url(result.stdout.strip()) if result.returncode == 0 else ""


ANALYSES_LICENCES = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC0-1.0": (
        "CC0 1.0 Universal (public domain dedication)",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    "ODbL-1.0": (
        "Open Data Commons Open Database License 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
}
"""Licences ``--analyses-licence`` offers for the analyses, by SPDX id: name and text."""


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
    requirement: str = "",
    analyses_licence: str = "CC-BY-4.0",
    keep_leftovers: bool = False,
) -> list[Path]:
    """Write a complete site into ``target``; returns the files written. Raises
    :class:`InitError` when the workflow could not work as written (where CI installs
    govsite from, or clones the archive from, is not known)."""
    archive_path = Path(os.path.relpath(archive.resolve(), target.resolve())).as_posix()
    url = public_git_url(archive_url) if archive_url else _archive_url(archive)
    if archive_url and not url:
        raise InitError(
            f"--archive-url {archive_url!r} is not an address GitHub's runners can clone "
            "(give its https address, e.g. https://github.com/OWNER/REPOSITORY.git)"
        )
    if not url and not archive_inside(archive_path):
        raise InitError(
            f"the archive {archive} has no public git address (its origin remote is not one), "
            "and the site's GitHub workflow must clone it; pass --archive-url with its https "
            "address, e.g. https://github.com/OWNER/REPOSITORY.git"
        )
    requirement = requirement or ci_requirement()
    if analyses_licence not in ANALYSES_LICENCES:
        raise InitError(
            f"--analyses-licence {analyses_licence!r} is not one govsite knows "
            f"({', '.join(ANALYSES_LICENCES)}); pick one, and change LICENSE-analyses.md "
            "afterwards if you need another"
        )
    platforms, scale = discover(archive, diag, keep_leftovers)
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
    options: dict[str, str | bool] = {"archive": archive_path}
    for key, value in (
        ("collection", collection.title),
        ("licence", collection.licence),
        ("attribution", collection.attribution),
    ):
        if value:
            options[key] = value
    if full_layout_limits(scale.versions, scale.text_bytes):
        # Each version's text on its page would pass a static host's limits: link one
        # shared page per distinct text instead (see the README's "Layouts").
        options["layout"] = "large"
        if large_layout_limits(scale.text_bytes):
            # Even so the site passes GitHub Pages' size: it goes to an object store behind
            # a CDN, which sends text pages stored compressed (most of a copy of the texts
            # saved; see the README's "Compressed text pages").
            options["compress_texts"] = True
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
            {"Home": urls.page_source(urls.HOME)},
            {"Platforms": urls.page_source(urls.PLATFORMS)},
            {"Analyses": urls.page_source(urls.ANALYSES)},
            {"Topics": urls.page_source(urls.TOPICS)},
            {"Regulations": urls.page_source(urls.REGULATIONS)},
            {"Jurisdictions": urls.page_source(urls.JURISDICTIONS)},
            {"Data": urls.page_source(urls.DATA)},
            {"Search": urls.page_source(urls.SEARCH)},
            {"About": ["about.md", "methodology.md", "contribute.md"]},
        ],
    }
    write("mkdocs.yml", _yaml_text(config))
    for platform_id, (name, documents) in platforms.items():
        write(f"content/platforms/{platform_id}.yml", _platform_file(platform_id, name, documents))
    for name, header in _REGISTRY_HEADERS.items():
        write(f"content/{name}", header)
    (target / "content" / "provisions").mkdir(parents=True, exist_ok=True)
    write("content/pages/index.md", _home_page(site_name, collection, counts))
    licence_name, licence_url = ANALYSES_LICENCES[analyses_licence]
    for name, text in starter_pages.site_pages(
        site_name, collection, licence_name, licence_url, DEFAULT_DISCLAIMER
    ).items():
        write(f"content/pages/{name}", text)
    compressed = bool(options.get("compress_texts"))
    write(WORKFLOW_PATH, workflow(archive_path, url, site_url, compressed), keep=True)
    write(
        "requirements.txt",
        "# How CI installs govsite (the workflow runs pip install -r requirements.txt).\n"
        f"{requirement}\n",
        keep=True,
    )
    write(
        ".gitignore",
        "/site/\n/.cache/\n/previous-manifest.json.gz\n/previous/\n/.site.govsite-lock\n/.site.govsite-replaced/\n",
        keep=True,
    )
    write(
        "README.md",
        starter_pages.readme(site_name, site_url, collection, url, archive_path),
        keep=True,
    )
    write(
        "LICENSE-analyses.md",
        starter_pages.analyses_licence(site_name, licence_name, licence_url, collection),
        keep=True,
    )
    write(LOCK_NAME, LOCK_HEADER, keep=True)
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
        "- [Data](data/index.md): every version's text and metadata, as JSON, CSV and a "
        "compressed archive (.tar.xz)",
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
