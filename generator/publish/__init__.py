"""Stage 7, publish: the rendered site written into the engine's output folder.

:class:`Publication` is one build's publishing, which a site engine drives step by step:
it stages the new site beside the last, publishes govsite's files, swaps the new site in
and records the slugs it assigned. :class:`HistoryPages` renders each document's history in the engine's theme through the
small :class:`Theme` protocol, only when its inputs changed; :func:`publish_site` writes
everything else, carrying unchanged folders from the previous build (:mod:`.carry`), and
the manifest of every URL and anchor promised to readers (:mod:`.manifest`).
:mod:`.linkcheck` checks a built site's internal links.
"""

from .carry import PreviousSite, set_aside
from .publication import Publication
from .streams import HistoryPages, Theme
from .write import publish_site

__all__ = ["HistoryPages", "PreviousSite", "Publication", "Theme", "publish_site", "set_aside"]
