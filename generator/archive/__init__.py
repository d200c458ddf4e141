"""Stage 2, archive: the git repository of archived texts, and the site's own history.

:func:`read_history` reads every archived file's versions in one ``git log`` pass;
:func:`collect_histories` gives each declared document its versions and their permanent
slugs (:mod:`.permalinks`, kept in ``versions.lock``); :class:`BlobReader` reads texts;
:mod:`.revisions` reads each analysis's revisions from the site's own git history (kept in
``revisions.lock``).
"""

from .blobs import BlobReader
from .documents import DocumentHistory, Histories, collect_histories
from .history import ArchiveHistory, Version, VersionKind, read_history

__all__ = [
    "ArchiveHistory",
    "BlobReader",
    "DocumentHistory",
    "Histories",
    "Version",
    "VersionKind",
    "collect_histories",
    "read_history",
]
