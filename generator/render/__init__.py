"""Stage 6, render: the linked model as pages of finished HTML, feeds, data and files.

:func:`render_site` renders the whole site; each page family has its own module (hubs,
document_pages, history_pages, revision_pages, provisions, registries, tombstones), as do
change sections, feeds, data downloads, the dataset, charts, the timeline and citations.
Templates are jinja2 files in
``templates/pages`` (a site can override any of them); autoescaping is on, and the only HTML
they receive unescaped comes from :mod:`generator.text.safemd` and :mod:`.fragments`, which
escape every piece of text they place.
"""

from .context import RenderContext
from .environment import make_environment
from .pages import BlobFile, Page, PageStream, StaticFile
from .site import SiteOutput, render_site

__all__ = [
    "BlobFile",
    "Page",
    "PageStream",
    "RenderContext",
    "SiteOutput",
    "StaticFile",
    "make_environment",
    "render_site",
]
