"""Stage 4, track and diff: what stays the same and what changes between versions.

:mod:`.align` aligns each version's clauses with its predecessor's and carries clause ids
across; :mod:`.worddiff` finds the words that changed inside an edited clause;
:mod:`.track` runs both over every document's history once and keeps the result;
:mod:`.quotes` finds each analysis's quote in a version.
"""

from .quotes import QuoteIndex, QuoteMatch
from .track import ChangeStats, DocumentTracks, track_documents

__all__ = ["ChangeStats", "DocumentTracks", "QuoteIndex", "QuoteMatch", "track_documents"]
