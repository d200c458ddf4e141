"""The whole site as data: every page, page stream and file, rendered from the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import urls
from ..archive.blobs import BlobReader
from ..site.model import LinkedDocument
from . import documents, history, hubs, registries
from .context import RenderContext
from .data import data_files
from .dataset import DatasetJob, dataset_zip
from .environment import PACKAGE_TEMPLATES
from .feeds import site_feeds
from .keys import history_key, model_key
from .pages import BlobFile, Page, PageStream, StaticFile
from .provisions import provision_page
from .retired import retired_output

ASSETS = ("govsite.css", "govsite.js", "compare.js")


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
    retired: list[str] = field(default_factory=list)
    """URLs of the tombstones and redirects that stand where retired pages were."""


def render_site(ctx: RenderContext, archive_root: Path) -> SiteOutput:
    """Every page and file of the site."""
    model = ctx.model
    out = SiteOutput()
    out.pages += [hubs.platforms_index(ctx), hubs.analyses_index(ctx)]
    out.pages += [documents.platform_page(ctx, p) for p in model.content.platforms.values()]
    for document in model.documents.values():
        out.pages.append(documents.document_page(ctx, document))
        out.streams.append(_history_stream(ctx, document))
        out.blob_files += [
            BlobFile(urls.version_text(document.key, e.slug), e.version.blob)
            for e in document.versions
            if not e.is_removal
        ]
    out.pages += [provision_page(ctx, p) for p in model.provisions.values()]
    out.pages += [hubs.registry_index(ctx, registry) for registry in urls.REGISTRIES]
    out.pages += [registries.topic_page(ctx, t) for t in model.content.topics]
    out.pages += [registries.regulation_page(ctx, r) for r in model.content.regulations]
    out.pages += [registries.jurisdiction_page(ctx, j) for j in model.content.jurisdictions]
    out.pages.append(hubs.data_page(ctx))
    for page in out.pages:
        page.in_nav = page.kind == "hub"
    out.files += [
        StaticFile(urls.asset(name), (PACKAGE_TEMPLATES / "assets" / name).read_bytes())
        for name in ASSETS
    ]
    out.files += _data_and_feeds(ctx)
    out.files.append(_dataset(ctx, archive_root))
    retired_pages, retired_files = retired_output(ctx)
    out.pages += retired_pages
    out.files += retired_files
    out.retired = sorted(model.retired)
    return out


def _history_stream(ctx: RenderContext, document: LinkedDocument) -> PageStream:
    entries = history.stream_entries(ctx, document)
    return PageStream(
        document.key,
        history_key(ctx.model, document, ctx.config),
        lambda: (make() for _, make in entries),
        [url for url, _ in entries],
    )


def _data_and_feeds(ctx: RenderContext) -> list[StaticFile]:
    """JSON records, CSV and feeds: from the cache when the model's inputs are unchanged."""
    key = model_key(ctx.model, ctx.config)
    cached = ctx.cache.get("files", key)
    if isinstance(cached, list):
        return [StaticFile(path, content) for path, content in cached]
    files = [*data_files(ctx.model, ctx.absolute), *site_feeds(ctx)]
    ctx.cache.put("files", key, [(f.path, f.content) for f in files])
    return files


def _dataset(ctx: RenderContext, archive_root: Path) -> StaticFile:
    """The dataset zip, kept in the cache and made again only when an input changed."""
    key = model_key(ctx.model, ctx.config)
    config = ctx.config

    def make(target: Path) -> None:
        with BlobReader(archive_root) as blobs:  # its own git process, wherever it runs
            dataset_zip(
                target,
                ctx.model,
                blobs.raw,
                ctx.absolute,
                config.licence,
                config.attribution,
                config.site_name,
            )

    job = DatasetJob(make, ctx.cache.entry_path("dataset", key))
    return StaticFile(urls.DATASET, key=key, write=job.write, start=job.start)
