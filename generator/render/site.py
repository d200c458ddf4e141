"""The whole site as data: every page, page stream and file, rendered from the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import urls
from ..archive.blobs import BlobReader
from ..cache import digest
from . import documents, history, hubs, registries
from .context import RenderContext
from .data import data_files
from .dataset import DatasetJob, dataset_archive
from .environment import PACKAGE_TEMPLATES
from .feeds import site_feeds
from .keys import model_key
from .licence import licence_text
from .pages import BlobFile, Page, PageStream, StaticFile
from .provisions import provision_page
from .retired import retired_output

ASSETS = ("govsite.css", "govsite.js", "compare.js", "search.js")


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
    out.pages += [hubs.platforms_index(ctx), hubs.analyses_index(ctx)]
    out.pages += [documents.platform_page(ctx, p) for p in model.content.platforms.values()]
    texts: dict[str, BlobFile] = {}  # one file per distinct text
    for document in model.documents.values():
        out.pages.append(documents.document_page(ctx, document))
        out.streams.append(history.history_stream(ctx, document))
        for e in document.versions:
            if not e.is_removal and e.version.blob not in texts:
                texts[e.version.blob] = BlobFile(urls.text(e.version.blob), e.version.blob)
    out.blob_files = sorted(texts.values(), key=lambda f: f.path)
    out.pages += [provision_page(ctx, p) for p in model.provisions.values()]
    out.pages += [hubs.registry_index(ctx, registry) for registry in urls.REGISTRIES]
    out.pages += [registries.topic_page(ctx, t) for t in model.content.topics]
    out.pages += [registries.regulation_page(ctx, r) for r in model.content.regulations]
    out.pages += [registries.jurisdiction_page(ctx, j) for j in model.content.jurisdictions]
    out.pages += [
        hubs.data_page(ctx),
        hubs.kinds_page(ctx),
        hubs.compare_page(ctx),
        hubs.search_page(ctx),
    ]
    out.home = hubs.home_sections(ctx)
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
    """The dataset, kept in the cache and made again only when an input changed."""
    config = ctx.config
    licence_file = licence_text(config.archive_dir)
    key = digest(model_key(ctx.model, config), licence_file)

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

    job = DatasetJob(make, ctx.cache.entry_path("dataset", key))
    return StaticFile(urls.DATASET, key=key, write=job.write, start=job.start)
