"""The pipeline: named stages, run in order, each a plain function over typed data.

Like markdown-it-py's core rules, :data:`STAGES` lists them in one place, each under the name
of the subpackage that does its work (``generator/<stage>/``); each takes the :class:`Build`
filled by the stages before it and adds its own result. ``govsite check`` runs them up to
:data:`CHECK_UNTIL` (everything is validated by then, nothing is rendered); a build runs them
all, and renders and publishes only when the inputs have no errors.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .archive.blobs import BlobReader
from .archive.documents import Histories, collect_histories
from .archive.history import ArchiveHistory, VersionKind, read_history
from .archive.permalinks import LOCK_NAME, LockEntry, read_lock
from .archive.renames import undeclared_renames
from .archive.revisions import (
    LOCK_NAME as REVISIONS_LOCK,
)
from .archive.revisions import ContentRevisions, read_revision_lock, read_revisions
from .cache import Cache
from .compare.track import DocumentTracks, track_documents
from .config import SiteConfig, check_site_url
from .content.load import load_content, read_pages
from .content.records import Content
from .diagnostics import Diagnostics, Origin
from .link.model import SiteModel
from .link.resolve import link
from .progress import finished, timed
from .publish.publication import Publication
from .render.context import RenderContext
from .render.environment import make_environment
from .render.site import SiteOutput, render_site
from .text.source import TextSource


@dataclass(slots=True)
class Build:
    """One run of the pipeline: its inputs, and each stage's result once it has run."""

    config: SiteConfig
    """The site's settings."""
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    """Every problem found so far."""
    cache: Cache = field(default_factory=lambda: Cache(None))
    """The build cache."""
    content: Content = field(default_factory=Content)
    """content: what contributors wrote."""
    history: ArchiveHistory | None = None
    """archive: every archived file's versions."""
    blobs: BlobReader | None = None
    """The archive's texts, read as needed until the run ends."""
    lock: dict[str, list[LockEntry]] = field(default_factory=dict)
    """archive: the published version slugs (``versions.lock``)."""
    histories: Histories = field(default_factory=Histories)
    """archive: each declared document's versions and slugs."""
    revisions: ContentRevisions = field(default_factory=ContentRevisions)
    """archive: each analysis's revisions, from the site's own git history."""
    texts: TextSource | None = None
    """text: every version's text, parsed."""
    tracks: dict[str, DocumentTracks] = field(default_factory=dict)
    """compare: each document's clause ids, alignments and diffs."""
    model: SiteModel | None = None
    """link: the checked, cross-linked model."""
    output: SiteOutput | None = None
    """render: the site's pages and files."""
    publication: Publication | None = None
    """publish: what the build publishes, driven by the site engine (or recorded by
    :func:`run` with ``record``)."""


def _content(build: Build) -> bool:
    config = build.config
    check_site_url(config, build.diagnostics)
    build.content = load_content(config.content_dir, config.root, build.diagnostics)
    build.content.pages = read_pages(config.pages_dir, config.root)
    return True


def _archive(build: Build) -> bool:
    """The archive's history in one pass, each declared document's versions and permanent
    slugs, and each analysis's revisions (from the site's own git history)."""
    if not _history(build):
        return False
    _versions(build)
    _revisions(build)
    return True


def _history(build: Build) -> bool:
    config, diag = build.config, build.diagnostics
    started = time.monotonic()
    build.history = read_history(config.archive_dir, diag, config.origin, build.cache)
    build.lock = read_lock(config.root / LOCK_NAME, LOCK_NAME, diag)
    if build.history is None:
        return False
    versions = sum(len(v) for v in build.history.versions.values())
    finished("archive", f"{versions:,} versions of {len(build.history.versions):,} files", started)
    build.blobs = BlobReader(build.history.root)  # closed when the run ends
    return True


def _versions(build: Build) -> None:
    assert build.history is not None and build.blobs is not None
    build.histories = collect_histories(
        build.content, build.history, build.lock, LOCK_NAME, build.diagnostics
    )
    blobs, diag = build.blobs, build.diagnostics
    recorded = [
        version
        for history in build.histories.documents.values()
        for version in history.versions
        if version.kind is not VersionKind.REMOVAL
    ]
    pointers = blobs.lfs_pointers([version.blob for version in recorded])
    for version in recorded:
        if version.blob in pointers:
            diag.error(
                Origin(version.path),
                "text",
                f"commit {version.commit[:12]} holds a Git LFS pointer, not the text: "
                "fetch the texts (`git lfs pull` in the archive) and build again",
            )
    renamed = undeclared_renames(
        build.content, build.history, lambda v: blobs.text(v, diag), build.cache
    )
    for document, rename in renamed:
        diag.warning(
            document.origin,
            f"documents.{document.id}.source",
            f"the archive renamed {rename.old!r} to {rename.new!r} on "
            f"{rename.first:%Y-%m-%d}; to keep one history, set `source: {rename.new}` and "
            f"add {rename.old!r} to `former_sources`",
        )


def _revisions(build: Build) -> None:
    config, diag = build.config, build.diagnostics
    lock = read_revision_lock(config.root / REVISIONS_LOCK, REVISIONS_LOCK, diag)
    build.revisions = read_revisions(
        config.content_dir,
        config.root,
        build.content.provisions,
        lock,
        diag,
        Origin(REVISIONS_LOCK),
        config.origin,
    )


def _text(build: Build) -> bool:
    """Each distinct text parsed once (on every core)."""
    assert build.blobs is not None
    blobs, diag = build.blobs, build.diagnostics
    base_urls = {}
    for document in build.content.documents():
        base_urls[document.source] = document.url
        base_urls.update({former: document.url for former in document.former_sources})
    build.texts = TextSource(lambda v: blobs.text(v, diag), build.cache, base_urls)
    build.texts.prepare([v for h in build.histories.documents.values() for v in h.versions])
    return True


def _compare(build: Build) -> bool:
    """Each document's clause ids, alignments and diffs."""
    assert build.texts is not None
    build.tracks = track_documents(build.histories.documents, build.texts)
    return True


def _link(build: Build) -> bool:
    assert build.texts is not None
    build.model = link(
        build.content,
        build.histories,
        build.tracks,
        build.texts,
        build.diagnostics,
        build.revisions,
    )
    return True


def _render(build: Build) -> bool:
    if build.diagnostics.errors:
        return False
    assert build.model is not None and build.texts is not None and build.history is not None
    config = build.config
    env = make_environment([config.templates_dir / "pages"], config.cache_dir)
    context = RenderContext(build.model, build.texts, env, config, build.cache)
    build.output = render_site(context, build.history.root)
    return True


def _publish(build: Build) -> bool:
    if build.output is None or build.history is None:
        return False
    build.publication = Publication(
        build.config,
        build.output,
        build.history.root,
        build.cache,
        build.histories.new_lock_entries,
        build.revisions.new_lock_entries,
    )
    return True


Stage = Callable[[Build], bool]
"""A stage: fills its part of the build; false when the stages after it cannot run."""

STAGES: tuple[tuple[str, Stage], ...] = (
    ("content", _content),
    ("archive", _archive),
    ("text", _text),
    ("compare", _compare),
    ("link", _link),
    ("render", _render),
    ("publish", _publish),
)
CHECK_UNTIL = "link"
"""The last stage ``govsite check`` runs: every input is validated, nothing rendered."""


def run(config: SiteConfig, *, until: str = "publish", record: bool = False) -> Build:
    """Run the stages in order, up to and including ``until``.

    With ``record``, the publication records what the build assigned for the first time
    (:meth:`Publication.record`) as a site engine's build does once it has succeeded;
    ``govsite check`` records nothing.
    """
    build = Build(config, cache=Cache(config.cache_dir))
    try:
        for name, stage in STAGES:
            with timed(f"stage {name}"):
                went_on = stage(build)
            if not went_on or name == until:
                break
    finally:
        if build.blobs is not None:
            build.blobs.close()
    build.diagnostics.acknowledge(config.acknowledged)
    if record and build.publication is not None:
        build.publication.record()
    return build
