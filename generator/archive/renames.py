"""Archived files that were renamed: one document, two paths.

An Open Terms Archive collection renames a document when its service or its terms type is
renamed in the declarations; the versions repository then shows the old file deleted and
the new one recorded for the first time, in one commit or a few apart. Git's own rename
detection sees only the first case and knows nothing of the archive's layout, so the rule
is stated here, once:

A deleted path OLD continues as NEW when

1. NEW's first record is at most :data:`WINDOW` before or after OLD's deletion (the same
   commit is the usual case), and NEW did not exist before OLD was first recorded;
2. NEW's first text is OLD's last text, or near it: at least :data:`SAME_FOLDER` of their
   word shingles (runs of three words) in common when both are in the same service folder
   (a terms type renamed), at least :data:`OTHER_FOLDER` when the folder changed too (a
   service renamed);
3. each path continues at most one path and is continued by at most one: pairs are taken
   best first (identical texts, then the most alike, then the closest in time).

A chain (A renamed B, later renamed C) comes out as two renames, A to B and B to C.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..cache import Cache, Namespace, code_fingerprint, digest
from ..content.records import Content, Document
from .history import ArchiveHistory, Version, VersionKind

WINDOW = dt.timedelta(days=7)
"""How far apart a deletion and a first record may be to be one rename."""
SAME_FOLDER = 0.7
"""Least share of shingles in common for a rename within a service's folder."""
OTHER_FOLDER = 0.9
"""Least share of shingles in common for a rename to another service's folder."""

_WORD = re.compile(r"\w+")


@dataclass(slots=True, frozen=True)
class Rename:
    """One archived file continued under another path."""

    old: str
    """The path that was deleted."""
    new: str
    """The path that continues it."""
    deleted: dt.datetime
    """When the old path was deleted."""
    first: dt.datetime
    """When the new path was first recorded."""
    similarity: float
    """Share of word shingles the two texts have in common (1.0: the same text)."""


def shingles(text: str) -> set[tuple[str, ...]]:
    """The text's runs of three consecutive words, lowercased."""
    words = _WORD.findall(text.lower())
    if len(words) < 3:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def similarity(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Jaccard similarity of two texts' shingles."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def find_renames(history: ArchiveHistory, text: Callable[[Version], str]) -> list[Rename]:
    """Every rename in the archive's history, by the rule above, oldest first."""
    deleted: list[tuple[str, Version, Version]] = []  # (path, last text, removal)
    for path, versions in history.versions.items():
        if len(versions) >= 2 and versions[-1].kind is VersionKind.REMOVAL:
            with_text = [v for v in versions if v.kind is not VersionKind.REMOVAL]
            if with_text:
                deleted.append((path, with_text[-1], versions[-1]))
    seen: dict[str, set[tuple[str, ...]]] = {}

    def of(version: Version) -> set[tuple[str, ...]]:
        if version.blob not in seen:
            seen[version.blob] = shingles(text(version))
        return seen[version.blob]

    candidates: list[tuple[tuple[int, float, float], Rename]] = []
    for old, last, removal in deleted:
        born = history.versions[old][0].date
        for new, versions in history.versions.items():
            first = versions[0]
            if new == old or first.kind is VersionKind.REMOVAL or first.date < born:
                continue
            if abs(first.date - removal.date) > WINDOW:
                continue
            same = first.blob == last.blob
            score = 1.0 if same else similarity(of(last), of(first))
            needed = SAME_FOLDER if _folder(old) == _folder(new) else OTHER_FOLDER
            if score < needed:
                continue
            gap = abs((first.date - removal.date).total_seconds())
            rename = Rename(old, new, removal.date, first.date, score)
            candidates.append(((0 if same else 1, -score, gap), rename))
    renames: list[Rename] = []
    taken_old: set[str] = set()
    taken_new: set[str] = set()
    for _, rename in sorted(candidates, key=lambda c: (c[0], c[1].old, c[1].new)):
        if rename.old in taken_old or rename.new in taken_new:
            continue
        taken_old.add(rename.old)
        taken_new.add(rename.new)
        renames.append(rename)
    return sorted(renames, key=lambda r: (r.first, r.old))


def chains(renames: list[Rename]) -> dict[str, list[str]]:
    """Each final path with the paths it continues, oldest first (A -> B -> C gives
    ``{"C": ["A", "B"]}``)."""
    previous = {r.new: r.old for r in renames}
    continued = {r.old for r in renames}
    found: dict[str, list[str]] = {}
    for final in sorted(set(previous) - continued):
        trail: list[str] = []
        path = final
        while path in previous and previous[path] not in trail:
            path = previous[path]
            trail.append(path)
        found[final] = list(reversed(trail))
    return found


def _renames_key(history: ArchiveHistory) -> str:
    """A key of what :func:`find_renames` reads: each path's first record and, for deleted
    paths, their last text and deletion (a new version of a tracked file changes none)."""
    parts: list[str] = []
    for path, versions in sorted(history.versions.items()):
        first = versions[0]
        parts.append(f"{path}|{first.date.isoformat()}|{first.blob}|{first.kind.value}")
        if len(versions) >= 2 and versions[-1].kind is VersionKind.REMOVAL:
            with_text = [v for v in versions if v.kind is not VersionKind.REMOVAL]
            last = with_text[-1].blob if with_text else ""
            parts.append(f"deleted|{last}|{versions[-1].date.isoformat()}")
    return digest("renames", code_fingerprint(), history.prefix, *parts)


def undeclared_renames(
    content: Content, history: ArchiveHistory, text: Callable[[Version], str], cache: Cache
) -> list[tuple[Document, Rename]]:
    """Declared documents whose file the archive renamed while the new path is declared
    nowhere: the site would show the document as no longer tracked, its history split.
    (Found once per archive state: the result is kept in the build cache.)"""
    declared = {path for d in content.documents() for path in (d.source, *d.former_sources) if path}
    watched = {d.source: d for d in content.documents() if d.source in history.versions}
    if not any(history.versions[p][-1].kind is VersionKind.REMOVAL for p in watched):
        return []
    key = _renames_key(history)
    found = cache.get(Namespace.RENAMES, key)
    if not isinstance(found, list):
        found = find_renames(history, text)
        cache.put(Namespace.RENAMES, key, found)
    return [(watched[r.old], r) for r in found if r.old in watched and r.new not in declared]
