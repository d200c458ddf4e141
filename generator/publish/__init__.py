"""Stage 7, publish: the rendered site written into the engine's output folder.

:class:`Publication` is one build's publishing, which a site engine drives step by step:
it stages the new site beside the last, publishes govsite's files, swaps the new site in
and records the slugs it assigned. :class:`HistoryPages` renders each document's history in the engine's theme through the
small :class:`Theme` protocol, only when its inputs changed; :func:`publish_site` writes
everything else, carrying unchanged folders from the previous build (:mod:`.carry`), and
the manifest of every URL and anchor promised to readers (:mod:`.manifest`).
:mod:`.linkcheck` checks a built site's internal links.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .carry import PreviousSite, set_aside
    from .publication import Publication
    from .streams import HistoryPages, Theme
    from .write import publish_site

__all__ = ["HistoryPages", "PreviousSite", "Publication", "Theme", "publish_site", "set_aside"]

_HOMES = {
    "PreviousSite": "carry",
    "set_aside": "carry",
    "Publication": "publication",
    "HistoryPages": "streams",
    "Theme": "streams",
    "publish_site": "write",
}


def __getattr__(name: str) -> Any:
    # Imported on first use: a no-op build uses the light modules of this package (the build
    # lock, the staging folder) and none of the rest, which imports every stage before it.
    if name in _HOMES:
        return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
