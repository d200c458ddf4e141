"""The whole site as data: every page, page stream and file, rendered from the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import urls
from ..archive.blobs import BlobReader
from ..cache import Namespace, digest, tree_digest
from ..progress import Progress
from . import document_pages, history_pages, hubs, registries
from .context import RenderContext
from .data import data_files
from .dataset import DatasetJob, dataset_archive
from .environment import PACKAGE_TEMPLATES
from .feeds import site_feeds
from .keys import model_key
from .licence import licence_text
from .pages import BlobFile, Page, PageStream, StaticFile
from .provisions import provision_page
from .revision_pages import contributors_page
from .text_pages import text_page_files
from .tombstones import retired_output

ASSETS = ("govsite.css", "govsite.js", "compare.js", "search.js", "history.js")


@dataclass(slots=True)
class SiteOutput:
    """What the site engine publishes."""

    pages: list[Page] = field(default_factory=list)
    """Pages rendered now, for the engine to put in its theme."""
    streams: list[PageStream] = field(default_factory=list)
    """Each document's history pages, rendered when their inputs changed."""
    files: list[StaticFile] = field(default_factory=list)
    """Data, feeds, assets and redirects."""
    blob_files: list[BlobFile] = field(default_factory=list)
    """Version texts, read from the archive as they are written."""
    home: Page | None = None
    """Sections for the site's home page, which the site itself writes."""
    retired: list[str] = field(default_factory=list)
    """URLs of the tombstones and redirects that stand where retired pages were."""


def render_site(ctx: RenderContext, archive_root: Path) -> SiteOutput:
    """Every page and file of the site."""
    model = ctx.model
    out = SiteOutput()
    inputs = model_key(model, ctx.config)  # everything the model is made from
    out.pages, out.home = _pages(ctx, inputs)
    texts: dict[str, BlobFile] = {}  # one file per distinct text
    for document in model.documents.values():
        out.streams.append(history_pages.history_stream(ctx, document))
        for e in document.versions:
            if not e.is_removal and e.version.blob not in texts:
                texts[e.version.blob] = BlobFile(e.text_url, e.version.blob)
    out.blob_files = sorted(texts.values(), key=lambda f: f.path)
    if ctx.large_layout:
        out.files += text_page_files(ctx, ctx.text_links.owners)
    out.files += [
        StaticFile(urls.asset(name), (PACKAGE_TEMPLATES / "assets" / name).read_bytes())
        for name in ASSETS
    ]
    out.files += _data_and_feeds(ctx, inputs)
    out.files.append(_dataset(ctx, archive_root, inputs))
    retired_pages, retired_files = retired_output(ctx)
    out.pages += retired_pages
    out.files += retired_files
    out.retired = sorted(model.retired)
    return out


def _pages(ctx: RenderContext, inputs: str) -> tuple[list[Page], Page]:
    """The pages the engine puts in its theme (all but the history pages and tombstones),
    and the home page's sections: from the cache when the model's inputs and the site's own
    templates are unchanged (they are all these pages show; rendering logs nothing)."""
    key = digest(inputs, tree_digest([ctx.config.templates_dir]))
    cached = ctx.cache.get(Namespace.PAGES, key)
    if isinstance(cached, tuple) and len(cached) == 2:
        return cached[0], cached[1]
    model = ctx.model
    pages = [hubs.platforms_index(ctx), hubs.analyses_index(ctx)]
    count = len(model.content.platforms) + len(model.documents) + len(model.provisions)
    with Progress("render", count, "pages") as progress:
        pages += [
            document_pages.platform_page(ctx, p)
            for p in progress.each(model.content.platforms.values())
        ]
        pages += [
            document_pages.document_page(ctx, d) for d in progress.each(model.documents.values())
        ]
        pages += [provision_page(ctx, p) for p in progress.each(model.provisions.values())]
    pages += [hubs.registry_index(ctx, registry) for registry in urls.REGISTRIES]
    pages += [registries.topic_page(ctx, t) for t in model.content.topics]
    pages += [registries.regulation_page(ctx, r) for r in model.content.regulations]
    pages += [registries.jurisdiction_page(ctx, j) for j in model.content.jurisdictions]
    pages += [hubs.data_page(ctx), hubs.kinds_page(ctx), hubs.compare_page(ctx)]
    pages.append(hubs.search_page(ctx))
    if ctx.config.contributors and model.revisions.enabled:
        pages.append(contributors_page(ctx))
    for page in pages:
        page.in_nav = page.kind == "hub"
    home = hubs.home_sections(ctx)
    ctx.cache.put(Namespace.PAGES, key, (pages, home))
    return pages, home


def _data_and_feeds(ctx: RenderContext, key: str) -> list[StaticFile]:
    """JSON records, CSV and feeds: from the cache when the model's inputs (``key``) are
    unchanged."""
    cached = ctx.cache.get(Namespace.FILES, key)
    if isinstance(cached, list):
        return [StaticFile(path, content) for path, content in cached]
    files = [*data_files(ctx.model, ctx.absolute), *site_feeds(ctx)]
    ctx.cache.put(Namespace.FILES, key, [(f.path, f.content) for f in files])
    return files


def _dataset(ctx: RenderContext, archive_root: Path, inputs: str) -> StaticFile:
    """The dataset, kept in the cache and made again only when an input changed."""
    config = ctx.config
    licence_file = licence_text(config.archive_dir)
    key = digest(inputs, licence_file)

    def make(target: Path) -> None:
        with BlobReader(archive_root) as blobs:  # its own git process, wherever it runs
            dataset_archive(
                target,
                ctx.model,
                blobs.raw,
                ctx.absolute,
                config.licence,
                config.attribution,
                config.site_name,
                config.collection,
                licence_file,
                ctx.cache,
            )

    job = DatasetJob(make, ctx.cache.entry_path(Namespace.DATASET, key))
    return StaticFile(urls.DATASET, key=key, write=job.write, start=job.start)
