"""Stage 4, compare: what stays the same and what changes between versions.

:mod:`.align` aligns each version's clauses with its predecessor's and carries clause ids
across; :mod:`.worddiff` finds the words that changed; :mod:`.changes` says what changed
clause by clause and :mod:`.kinds` whether it matters (:mod:`.dates` reads the dates in a
clause, absolute or relative); :mod:`.track` runs them over every
document's history once and keeps the result;
:mod:`.quotes` finds each analysis's quote in a version.
"""

from .changes import Change, ChangeStats
from .kinds import ChangeKind
from .quotes import QuoteIndex, QuoteMatch
from .track import DocumentTracks, track_documents

__all__ = [
    "Change",
    "ChangeKind",
    "ChangeStats",
    "DocumentTracks",
    "QuoteIndex",
    "QuoteMatch",
    "track_documents",
]
