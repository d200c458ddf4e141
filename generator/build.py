"""The pipeline, in order: content -> history -> parse -> track/diff -> link -> render.

:func:`build_site` is the only entry point the mkdocs plugin and the command line use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Cache
from .config import SiteConfig
from .content import load_content
from .diagnostics import Diagnostics
from .history import BlobReader, read_history
from .link import SiteModel, TextSource, link
from .pages import BlobFile, Page, PageStream, StaticFile
from .permalinks import LOCK_NAME, append_lock, read_lock
from .render import Renderer, make_environment


@dataclass(slots=True)
class BuildResult:
    """What one run of the pipeline produced."""

    diagnostics: Diagnostics
    """Every problem found, errors and warnings."""
    model: SiteModel | None = None
    """The linked model, when the inputs could be read."""
    pages: list[Page] = field(default_factory=list)
    """Generated pages (empty when there are errors or rendering was not asked for)."""
    files: list[StaticFile] = field(default_factory=list)
    """Generated static files."""
    streams: list[PageStream] = field(default_factory=list)
    """Pages produced on demand (each document's history pages)."""
    blob_files: list[BlobFile] = field(default_factory=list)
    """Version texts to publish, read from the archive as they are written."""
    archive_root: Path | None = None
    """The archive's git work tree (where ``blob_files`` are read from)."""

    def every_page(self) -> Iterator[Page]:
        """All pages, the streamed ones included (rendering them now)."""
        yield from self.pages
        for stream in self.streams:
            yield from stream.produce()


def build_site(config: SiteConfig, *, render: bool = True, record: bool = False) -> BuildResult:
    """Run every stage; render only when the inputs have no errors.

    With ``record``, version slugs assigned for the first time are appended to the lock
    file (a publishing build does this; ``govsite check`` does not).
    """
    diag = Diagnostics()
    content = load_content(config.content_dir, config.root, diag)
    history = read_history(config.archive_dir, diag, config.origin)
    if history is None:
        return BuildResult(diag)
    lock_path = config.root / LOCK_NAME
    lock = read_lock(lock_path, LOCK_NAME, diag)
    cache = Cache(config.cache_dir)
    base_urls = {d.source: d.url for d in content.documents()}
    for document in content.documents():
        base_urls.update({former: document.url for former in document.former_sources})
    with BlobReader(history.root) as blobs:
        texts = TextSource(lambda v: blobs.text(v, diag), cache, base_urls)
        model = link(content, history, texts, lock, LOCK_NAME, diag, cache)
        result = BuildResult(diag, model)
        if render and not diag.errors:
            env = make_environment([config.templates_dir / "pages"], config.cache_dir)
            renderer = Renderer(model, texts, env, config, blobs, cache, diag)
            result.pages, result.files, result.streams = renderer.render()
            result.blob_files, result.archive_root = renderer.blob_files, history.root
            if diag.errors:  # problems only rendering can see (retired URLs still live)
                result.pages, result.files, result.streams = [], [], []
                result.blob_files = []
            elif record:
                append_lock(lock_path, model.new_lock_entries)
    return result
