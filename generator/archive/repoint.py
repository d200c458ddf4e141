"""Re-pointing published versions at the commits a history rewrite gave them.

A rewrite that only rewords commits (``git rebase -i`` with *reword*, ``git filter-repo
--message-callback``) gives every commit a new id but keeps each text (blob) as it was. The
published versions in ``versions.lock`` still name the old ids, so builds refuse to run
(a published URL would lose its version). ``govsite repoint`` finds, for each published
version whose commit is gone, the one commit of the new history that records the same text
of the same document and is not published under another slug, and moves the lock line to
it: its slug, and so its URL, stay as they were. Anything less certain is refused, naming
the line and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content.records import Content
from .documents import document_versions
from .history import ArchiveHistory, Version
from .permalinks import LockEntry


@dataclass(slots=True, frozen=True)
class Repoint:
    """A published version and the commit it is moved to."""

    entry: LockEntry
    """The lock line as it is."""
    version: Version
    """The version of the rewritten history that records the same text."""

    @property
    def moved_day(self) -> bool:
        """Whether the new commit is dated another day than the slug says."""
        return not self.entry.slug.startswith(self.version.date.strftime("%Y-%m-%d"))


@dataclass(slots=True, frozen=True)
class Refusal:
    """A published version that cannot be re-pointed, and why."""

    entry: LockEntry
    """The lock line."""
    reason: str
    """Why, in plain words."""


def plan_repoints(
    content: Content,
    history: ArchiveHistory,
    lock: dict[str, list[LockEntry]],
    wanted: set[tuple[str, str]] | None = None,
    commit: str = "",
) -> tuple[list[Repoint], list[Refusal]]:
    """What ``govsite repoint`` would change: for each published version whose commit is no
    longer in the archive's history (only those in ``wanted``, ``(document, slug)`` pairs,
    when given), the commit to move it to, or why there is none. ``commit`` (a full id or a
    prefix of at least 7 characters) picks the commit when one version is wanted and several
    record its text."""
    declared = {d.key: d for d in content.documents()}
    moves: list[Repoint] = []
    refusals: list[Refusal] = []
    for document_key, entries in sorted(lock.items()):
        chosen = [e for e in entries if wanted is None or (e.document, e.slug) in wanted]
        if not chosen:
            continue
        document = declared.get(document_key)
        if document is None:
            refusals.extend(
                Refusal(e, f"{document_key} is not declared in content/platforms/") for e in chosen
            )
            continue
        versions = document_versions(document, history)
        present = {v.commit for v in versions}
        published = {e.commit for e in entries}
        # The published versions that lost their commit, and the unpublished versions, by
        # text: a rewrite keeps their order, so the n-th of one is the n-th of the other
        # when there are as many of each.
        lost: dict[str, list[LockEntry]] = {}
        for entry in sorted(entries, key=lambda e: e.line):
            if entry.commit not in present:
                lost.setdefault(entry.blob, []).append(entry)
        free: dict[str, list[Version]] = {}
        for version in versions:
            if version.commit not in published:
                free.setdefault(version.blob, []).append(version)
        for entry in chosen:
            if entry.commit in present:
                if wanted is not None:
                    refusals.append(
                        Refusal(entry, f"commit {entry.commit[:12]} is still in the history")
                    )
                continue
            candidates = free.get(entry.blob, [])
            if commit:
                picked = [v for v in candidates if v.commit.startswith(commit)]
            elif len(candidates) == len(lost[entry.blob]):
                picked = [candidates[lost[entry.blob].index(entry)]]
            else:
                picked = candidates
            if len(picked) == 1:
                moves.append(Repoint(entry, picked[0]))
            elif not picked:
                refusals.append(
                    Refusal(
                        entry,
                        f"no unpublished commit of {document_key} records its text "
                        f"{entry.blob[:12]}"
                        + (f" with an id starting {commit}" if commit else "")
                        + ": the text changed or the version is gone; restore it in the "
                        "archive",
                    )
                )
            else:
                listed = ", ".join(f"{v.commit[:12]} ({v.date:%Y-%m-%d})" for v in picked[:8])
                refusals.append(
                    Refusal(
                        entry,
                        f"{len(picked)} commits record its text ({listed}); name one with "
                        f"`govsite repoint {document_key}/{entry.slug} --commit ID`",
                    )
                )
    return moves, refusals
