"""Stage 3, text: archived texts parsed into blocks, each distinct text once.

:mod:`.safemd` turns untrusted Markdown into inert HTML; :mod:`.blocks` splits a text into
clause-sized blocks with their source lines; :mod:`.views` renders a text once with slots
for each version's anchors and markers; :mod:`.normalise` says how texts are compared;
:class:`TextSource` gives every version's view, parsed once, ever.
"""

from .source import TextSource
from .views import TextView, fill_view

__all__ = ["TextSource", "TextView", "fill_view"]
