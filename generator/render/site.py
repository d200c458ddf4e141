"""The whole site as data: every page, page stream and file, rendered from the model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .. import urls, workers
from ..archive.blobs import BlobReader
from ..cache import PACKAGE_TEMPLATES, Namespace, digest, tree_digest
from ..link.model import LinkedDocument
from ..progress import Progress
from . import document_pages, history_pages, hubs, registries
from .context import RenderContext
from .data import data_files, document_files
from .dataset import DatasetJob, dataset_archive
from .feeds import DocumentFeeds, document_feeds_of, site_feeds
from .keys import content_key, document_versions_key, model_key
from .licence import licence_text
from .pages import BlobFile, Page, PageStream, StaticFile
from .provisions import provision_page
from .revision_pages import contributors_page
from .search_texts import SearchedText, searched_texts
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
    texts: list[SearchedText] = field(default_factory=list)
    """What search covers of each document's latest text, at any point of its history."""


def render_site(ctx: RenderContext, archive_root: Path) -> SiteOutput:
    """Every page and file of the site."""
    model = ctx.model
    out = SiteOutput()
    inputs = model_key(model, ctx.config, ctx.forms)  # everything the model is made from
    out.pages, out.home = _pages(ctx, inputs)
    texts: dict[str, BlobFile] = {}  # one file per distinct text
    for document in model.documents.values():
        out.streams.append(history_pages.history_stream(ctx, document))
        for e in document.versions:
            if not e.is_removal and e.version.blob not in texts:
                texts[e.version.blob] = BlobFile(e.text_url, e.version.blob)
    out.blob_files = sorted(texts.values(), key=lambda f: f.path)
    out.texts = searched_texts(ctx)
    if ctx.large_layout:
        out.files += text_page_files(ctx, ctx.text_links.owners)
    out.files += [
        StaticFile(urls.asset(name), (PACKAGE_TEMPLATES / "assets" / name).read_bytes())
        for name in ASSETS
    ]
    out.files += _data_and_feeds(ctx)
    out.files.append(_dataset(ctx, archive_root, inputs))
    retired_pages, retired_files = retired_output(ctx)
    out.pages += retired_pages
    out.files += retired_files
    out.retired = sorted(model.retired)
    return out


def _pages(ctx: RenderContext, inputs: str) -> tuple[list[Page], Page]:
    """The pages the engine puts in its theme (all but the history pages and tombstones),
    and the home page's sections, each from the cache when what it shows is unchanged
    (rendering logs nothing): a platform's or a document's page by the content and its
    documents' versions, so that a new version renders its own document's pages; the hubs,
    analyses and registries, which list across documents, by everything (``inputs``)."""
    model = ctx.model
    templates = tree_digest([ctx.config.templates_dir])
    shown = digest(content_key(model, ctx.config), templates)
    every = digest(inputs, templates)
    versions = {key: document_versions_key(d, ctx.forms) for key, d in model.documents.items()}

    def page(key: str, render: Callable[[], Page]) -> Page:
        cached = ctx.cache.get(Namespace.PAGES, key)
        if isinstance(cached, Page):
            return cached
        made = render()
        ctx.cache.put(Namespace.PAGES, key, made)
        return made

    def hub(name: str, render: Callable[[], Page]) -> Page:
        return page(digest(every, name), render)

    pages = [
        hub("platforms", partial(hubs.platforms_index, ctx)),
        hub("analyses", partial(hubs.analyses_index, ctx)),
    ]
    # The pages of each platform, document and analysis: those not in the cache are
    # rendered on every core first (into the cache), then all are taken from it in order.
    each: list[tuple[str, Callable[[], Page]]] = []
    for platform in model.content.platforms.values():
        documents = [versions[d.key] for d in platform.documents.values() if d.key in versions]
        key = digest(shown, "platform", platform.id, *documents)
        each.append((key, partial(document_pages.platform_page, ctx, platform)))
    for document in model.documents.values():
        key = digest(shown, "document", versions[document.key])
        each.append((key, partial(document_pages.document_page, ctx, document)))
    for linked in model.provisions.values():
        # An analysis's page shows related analyses of other documents too.
        key = digest(every, f"provision {linked.key}")
        each.append((key, partial(provision_page, ctx, linked)))
    with Progress("render", len(each), "pages") as progress:
        if ctx.cache.root is None:
            pages += [page(key, render) for key, render in progress.each(each)]
        else:
            _render_missing(ctx, Namespace.PAGES, each, progress)
            pages += [page(key, render) for key, render in each]
    pages += [hub(f"registry {r}", partial(hubs.registry_index, ctx, r)) for r in urls.REGISTRIES]
    pages += [
        hub(f"topic {t}", partial(registries.topic_page, ctx, t)) for t in model.content.topics
    ]
    pages += [
        hub(f"regulation {r}", partial(registries.regulation_page, ctx, r))
        for r in model.content.regulations
    ]
    pages += [
        hub(f"jurisdiction {j}", partial(registries.jurisdiction_page, ctx, j))
        for j in model.content.jurisdictions
    ]
    pages += [
        hub("data", partial(hubs.data_page, ctx)),
        hub("kinds", partial(hubs.kinds_page, ctx)),
        hub("compare", partial(hubs.compare_page, ctx)),
        hub("search", partial(hubs.search_page, ctx)),
    ]
    if ctx.config.contributors and model.revisions.enabled:
        pages.append(hub("contributors", partial(contributors_page, ctx)))
    for made in pages:
        made.in_nav = made.kind == "hub"
    return pages, hub("home", partial(hubs.home_sections, ctx))


PAGES_PER_JOB = 4
"""Pages one worker job renders (pages of one platform's documents are near each other)."""


def _render_missing(
    ctx: RenderContext,
    namespace: Namespace,
    each: Sequence[tuple[str, Callable[[], object]]],
    progress: Progress,
) -> None:
    """Make into the cache's ``namespace`` those of ``each`` (key, make) that are not in it,
    on every core; those already there count as done."""
    missing = [index for index, (key, _) in enumerate(each) if not ctx.cache.exists(namespace, key)]
    progress.advance(len(each) - len(missing))
    if ctx.large_layout:
        ctx.text_links  # made once here, not once in every worker  # noqa: B018
    # Jobs name their pages by place: the workers find them in what they inherited.
    jobs = [missing[i : i + PAGES_PER_JOB] for i in range(0, len(missing), PAGES_PER_JOB)]
    workers.run_all(
        _render_into_cache,
        jobs,
        tasks=len(jobs),
        cache=True,
        inherit=(ctx, namespace, each),
        on_result=progress.advance,
    )


def _render_into_cache(indexes: list[int]) -> int:
    """Make some entries into the cache (run by :func:`workers.run_all`); how many."""
    ctx, namespace, each = workers.inherited()
    for index in indexes:
        key, make = each[index]
        ctx.cache.put(namespace, key, make())
    return len(indexes)


def _data_and_feeds(ctx: RenderContext) -> list[StaticFile]:
    """JSON records, CSV and feeds. A document's records and feeds come from the cache when
    the content and its versions are unchanged; the files that gather documents (a
    platform's and the site's feeds, the index) are made from them."""
    model = ctx.model
    shown = content_key(model, ctx.config)

    def key(document: LinkedDocument, what: str) -> str:
        return digest(shown, what, document_versions_key(document, ctx.forms))

    def made_records(document: LinkedDocument) -> list[tuple[str, bytes]]:
        return [(f.path, f.content) for f in document_files(document, model, ctx.absolute)]

    def records(document: LinkedDocument) -> list[StaticFile]:
        entry = key(document, "records")
        cached = ctx.cache.get(Namespace.FILES, entry)
        if not isinstance(cached, list):
            cached = made_records(document)
            ctx.cache.put(Namespace.FILES, entry, cached)
        return _kept(ctx, entry, cached, partial(made_records, document))

    def made_feeds(document: LinkedDocument) -> DocumentFeeds:
        return document_feeds_of(ctx, document)

    def feeds(document: LinkedDocument) -> DocumentFeeds:
        entry = key(document, "feeds")
        cached = ctx.cache.get(Namespace.FILES, entry)
        if not isinstance(cached, DocumentFeeds):
            cached = made_feeds(document)
            ctx.cache.put(Namespace.FILES, entry, cached)
        return cached

    def feed_files(document: LinkedDocument, made: DocumentFeeds) -> list[StaticFile]:
        entry = key(document, "feeds")
        return _kept(ctx, entry, made.files, lambda: list(made_feeds(document).files))

    if ctx.cache.root is not None:
        # Those not in the cache are made on every core first, then taken from it.
        each: list[tuple[str, Callable[[], object]]] = []
        for document in model.documents.values():
            each.append((key(document, "records"), partial(made_records, document)))
            each.append((key(document, "feeds"), partial(made_feeds, document)))
        with Progress("render (records and feeds)", len(each), "entries") as progress:
            _render_missing(ctx, Namespace.FILES, each, progress)
    return [*data_files(model, ctx.absolute, records), *site_feeds(ctx, feeds, feed_files)]


def _kept(
    ctx: RenderContext,
    entry: str,
    files: Sequence[tuple[str, bytes]],
    make: Callable[[], list[tuple[str, bytes]]],
) -> list[StaticFile]:
    """A document's files, kept in the cache under ``entry`` until they are written: on a
    large archive their bytes, held until the end of the build, weighed hundreds of MB.
    Without a cache they stay in memory."""
    if ctx.cache.root is None:
        return [StaticFile(path, content) for path, content in files]
    return [
        StaticFile(
            path, key=digest(entry, path), write=partial(_write_kept, ctx, entry, path, make)
        )
        for path, _content in files
    ]


def _write_kept(
    ctx: RenderContext,
    entry: str,
    path: str,
    make: Callable[[], list[tuple[str, bytes]]],
    target: Path,
) -> None:
    """Write the file at ``path`` of a document's files kept under ``entry`` (made again if
    the cache lost them meanwhile)."""
    cached = ctx.cache.get(Namespace.FILES, entry)
    if isinstance(cached, DocumentFeeds):
        files: Sequence[tuple[str, bytes]] = cached.files
    elif isinstance(cached, list):
        files = cached
    else:
        files = make()
    target.write_bytes(dict(files)[path])


def _dataset(ctx: RenderContext, archive_root: Path, inputs: str) -> StaticFile:
    """The dataset, kept in the cache and made again only when an input changed."""
    config = ctx.config
    licence_file = licence_text(config.archive_dir)
    key = digest(inputs, licence_file)
    shown = content_key(ctx.model, config)

    def record_key(document: LinkedDocument) -> str:
        # What a document's record is made from, as its data file is kept by
        # (_data_and_feeds): the content and settings, and the document's versions.
        return digest(shown, "records", document_versions_key(document, ctx.forms))

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
                record_key,
            )

    job = DatasetJob(make, ctx.cache.entry_path(Namespace.DATASET, key))
    return StaticFile(urls.DATASET, key=key, write=job.write, start=job.start)
