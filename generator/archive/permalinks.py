"""Permanent version slugs, recorded in an append-only lock file.

A version's URL is ``/<platform>/<document>/<YYYY-MM-DD>/``; the second version recorded on
the same day gets ``-2``, and so on. Once a slug is published it belongs to that version
(that commit of that document) forever: assignments are kept in ``versions.lock`` beside
``mkdocs.yml``, which builds only append to. A build refuses to run when a published slug
would have to change or disappear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..cache import replacing
from ..diagnostics import Diagnostics, Origin
from .history import Version

LOCK_NAME = "versions.lock"
LOCK_HEADER = (
    "# govsite version permalinks: document, slug, commit, blob. Builds append to this file;\n"
    "# commit it. Never edit or remove a line: each one is a published URL.\n"
)


@dataclass(slots=True, frozen=True)
class LockEntry:
    """One published assignment of a slug to a version."""

    document: str
    """``platform/document``."""
    slug: str
    """The version's slug."""
    commit: str
    """The commit that recorded the version."""
    blob: str
    """The text's blob id, as a check that the history was not rewritten."""
    line: int
    """Line of the lock file (0 for a new entry)."""

    def format(self) -> str:
        return f"{self.document}\t{self.slug}\t{self.commit}\t{self.blob}\n"


def read_lock(path: Path, display: str, diag: Diagnostics) -> dict[str, list[LockEntry]]:
    """The lock file's entries by document; malformed lines are errors."""
    entries: dict[str, list[LockEntry]] = {}
    if not path.exists():
        return entries
    seen: dict[tuple[str, str], int] = {}
    commits: dict[tuple[str, str], int] = {}
    try:
        data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")  # an editor's byte-order mark
    except OSError as exc:
        diag.error(Origin(display), "(file)", f"cannot be read: {exc.strerror}")
        return entries
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            line = raw.decode("utf-8").removesuffix("\r")
        except UnicodeDecodeError as exc:
            diag.error(
                Origin(display, number, exc.start + 1),
                "(line)",
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); restore the line from git",
            )
            continue
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 4 or not _well_formed(fields):
            diag.error(
                Origin(display, number),
                "(line)",
                "expected document, slug, commit and blob separated by tabs "
                "(platform/document, YYYY-MM-DD[-N], two object ids)",
            )
            continue
        entry = LockEntry(fields[0], fields[1], fields[2], fields[3], line=number)
        key = (entry.document, entry.slug)
        if key in seen:
            diag.error(
                Origin(display, number),
                entry.document,
                f"slug {entry.slug} is assigned twice (also on line {seen[key]})",
            )
            continue
        commit_key = (entry.document, entry.commit)
        if commit_key in commits:
            # One version under two slugs: a build would show it under only one of them,
            # and the other published URL would silently lose its page.
            diag.error(
                Origin(display, number),
                entry.document,
                f"commit {entry.commit[:12]} is published twice (also on line "
                f"{commits[commit_key]}); restore the file from git",
            )
            continue
        seen[key] = number
        commits[commit_key] = number
        entries.setdefault(entry.document, []).append(entry)
    return entries


_OBJECT_ID = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")  # SHA-1 or SHA-256
_SLUG = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:-[0-9]+)?\Z")


def _well_formed(fields: list[str]) -> bool:
    document, slug, commit, blob = fields
    return (
        document.count("/") == 1
        and bool(_SLUG.match(slug))
        and bool(_OBJECT_ID.match(commit))
        and bool(_OBJECT_ID.match(blob))
    )


def assign_slugs(
    document: str,
    versions: list[Version],
    locked: list[LockEntry],
    display: str,
    diag: Diagnostics,
) -> tuple[list[str], list[LockEntry]]:
    """Slugs for ``versions`` (oldest first) and the new lock entries they need."""
    by_commit = {entry.commit: entry for entry in locked}
    used = {entry.slug for entry in locked}
    slugs: list[str] = []
    new_entries: list[LockEntry] = []
    present = set()
    for version in versions:
        entry = by_commit.get(version.commit)
        if entry is not None:
            present.add(version.commit)
            if entry.blob != version.blob:
                diag.error(
                    Origin(display, entry.line),
                    document,
                    f"version {entry.slug} was published with text {entry.blob[:12]} but commit "
                    f"{version.commit[:12]} now holds {version.blob[:12]}: the archive's history "
                    "was rewritten",
                )
            slugs.append(entry.slug)
            continue
        day = version.date.strftime("%Y-%m-%d")
        slug, n = day, 2
        while slug in used:
            slug, n = f"{day}-{n}", n + 1
        used.add(slug)
        slugs.append(slug)
        new_entries.append(LockEntry(document, slug, version.commit, version.blob, 0))
    for entry in locked:
        if entry.commit not in present:
            diag.error(
                Origin(display, entry.line),
                document,
                f"published version {entry.slug} (commit {entry.commit[:12]}) is no longer in "
                "the archive's history; restore it, since its URL must keep working (if the "
                "history was rewritten and the text is the same, `govsite repoint "
                f"{document}/{entry.slug}` moves the version to its new commit)",
            )
    return slugs, new_entries


def append_lock(path: Path, entries: list[LockEntry]) -> None:
    """Record new assignments; existing lines are never rewritten."""
    if not entries:
        return
    new_file = not path.exists()
    unterminated = not new_file and not path.read_bytes().endswith(b"\n") and path.stat().st_size
    with path.open("a", encoding="utf-8") as lock:
        if new_file:
            lock.write(LOCK_HEADER)
        elif unterminated:
            lock.write("\n")  # an editor left the last line open: keep it whole
        lock.writelines(entry.format() for entry in entries)


def repoint_lock(path: Path, moves: list[tuple[LockEntry, str]]) -> None:
    """Move published versions to new commits: each line keeps its document, slug and blob
    (so its URL and text) and gets the new commit, with a comment above it saying what it
    was. The file is replaced whole once written (never left half-edited)."""
    mode = path.stat().st_mode & 0o7777
    lines = path.read_bytes().split(b"\n")
    for entry, commit in sorted(moves, key=lambda move: move[0].line, reverse=True):
        index = entry.line - 1
        # A line ending in CR LF is read as its line (read_lock does the same) and keeps it.
        ending = b"\r" if index < len(lines) and lines[index].endswith(b"\r") else b""
        found = lines[index].removesuffix(b"\r") if index < len(lines) else b""
        if index >= len(lines) or found.decode("utf-8") != entry.format().rstrip("\n"):
            raise ValueError(f"{path}:{entry.line} changed since it was read")
        moved = LockEntry(entry.document, entry.slug, commit, entry.blob, entry.line)
        note = (
            f"# {entry.document} {entry.slug} was commit {entry.commit}; its history was "
            "rewritten with the same text (govsite repoint)"
        )
        lines[index : index + 1] = [
            note.encode() + ending,
            moved.format().rstrip("\n").encode() + ending,
        ]
    with replacing(path) as file:
        file.write(b"\n".join(lines))
    path.chmod(mode)
