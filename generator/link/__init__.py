"""Stage 5, link: everything joined into one cross-linked, checked model.

:func:`link` resolves every reference between content records, document histories and
tracked clauses (:mod:`.model` holds the resulting types); :mod:`.retired` checks retired
URLs against the pages the site publishes.
"""

from .model import DocumentVersion, LinkedDocument, LinkedProvision, SiteModel
from .resolve import link

__all__ = ["DocumentVersion", "LinkedDocument", "LinkedProvision", "SiteModel", "link"]
