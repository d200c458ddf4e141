"""The archive's git history, read once: every archived file's versions.

One ``git log --raw`` pass over the first-parent history lists every change to every
archived file; texts are read later, on demand (:mod:`.blobs`).
"""

from __future__ import annotations

import datetime as dt
import enum
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import git

from ..diagnostics import Diagnostics, Origin

EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
_NULL_SHA = "0" * 40


class VersionKind(enum.Enum):
    FIRST = "first record"
    CHANGE = "change"
    TECHNICAL = "technical re-extraction"
    REMOVAL = "removal"


@dataclass(slots=True, frozen=True)
class Version:
    """One recorded state of one archived file."""

    path: str
    """Path of the file, relative to the archive's root folder."""
    commit: str
    """Id of the commit that recorded it."""
    blob: str
    """Git blob id of the text (its content hash); the empty blob for a removal."""
    date: dt.datetime
    """Recorded date: the commit's author date, in UTC."""
    message: str
    """The commit message, whole."""
    kind: VersionKind
    """First record, change, technical re-extraction or removal."""

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0].strip()


@dataclass(slots=True)
class ArchiveHistory:
    """Every archived file's versions, oldest first."""

    root: Path
    """The git work tree of the archive."""
    prefix: str
    """The archive folder inside that work tree ('' or 'sources/')."""
    head: str
    """Commit id of the archive's HEAD when read."""
    versions: dict[str, list[Version]] = field(default_factory=dict)
    """Versions by path (relative to the archive folder), oldest first."""


def _kind(message: str, status: str, seen_before: bool) -> VersionKind:
    if status == "D":
        return VersionKind.REMOVAL
    subject = message.lstrip()
    if subject.startswith("Apply technical or declaration upgrade"):
        return VersionKind.TECHNICAL
    if subject.startswith("First record of") or not seen_before:
        return VersionKind.FIRST
    return VersionKind.CHANGE


def _parse_log(raw: bytes, prefix: str) -> dict[str, list[Version]]:
    versions: dict[str, list[Version]] = {}
    for record in raw.split(b"\x1e"):
        if not record.strip():
            continue
        head = record.split(b"\x1f", 3)
        if len(head) != 4:
            continue
        commit = head[0].decode("ascii").strip()
        date = dt.datetime.fromtimestamp(int(head[1]), tz=dt.UTC)
        message = head[2].decode("utf-8", errors="replace").strip()
        tokens = head[3].split(b"\0")
        index = 0
        while index < len(tokens):
            meta = tokens[index].strip()
            index += 1
            if not meta.startswith(b":"):
                continue
            if index >= len(tokens):
                break
            path = tokens[index].decode("utf-8", errors="surrogateescape")
            index += 1
            fields = meta[1:].split()
            if len(fields) < 5:
                continue
            new_mode, new_blob, status = fields[1], fields[3].decode(), fields[4].decode()[:1]
            if not path.startswith(prefix):
                continue
            if new_mode.startswith(b"160") or new_mode.startswith(b"120"):
                continue  # submodules and symbolic links hold no archived text
            relative = path[len(prefix) :]
            history = versions.setdefault(relative, [])
            blob = EMPTY_BLOB if status == "D" or new_blob == _NULL_SHA else new_blob
            if history and history[-1].blob == blob and status != "D":
                continue  # a mode change only: the text is the same
            if status == "D" and (not history or history[-1].kind is VersionKind.REMOVAL):
                continue
            kind = _kind(message, status, bool(history))
            history.append(Version(relative, commit, blob, date, message, kind))
    return versions


def find_archive(archive_dir: Path, diag: Diagnostics, origin: Origin) -> tuple[Path, str] | None:
    """The git work tree holding ``archive_dir`` and the folder's prefix within it."""
    if not archive_dir.is_dir():
        diag.error(origin, "archive", f"archive folder {archive_dir} does not exist")
        return None
    try:
        repo = git.Repo(archive_dir, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        diag.error(
            origin, "archive", f"archive folder {archive_dir} is not inside a git repository"
        )
        return None
    with repo:
        if repo.working_tree_dir is None:
            diag.error(origin, "archive", f"{archive_dir} is a bare repository")
            return None
        root = Path(repo.working_tree_dir).resolve()
    relative = archive_dir.resolve().relative_to(root).as_posix()
    return root, "" if relative == "." else relative + "/"


def read_history(
    archive_dir: Path, diag: Diagnostics, origin: Origin | None = None
) -> ArchiveHistory | None:
    """Read the archive's whole first-parent history in one ``git log`` pass."""
    origin = origin or Origin("mkdocs.yml")
    found = find_archive(archive_dir, diag, origin)
    if found is None:
        return None
    root, prefix = found
    run = ["git", "-C", str(root)]
    shallow = subprocess.run(
        [*run, "rev-parse", "--is-shallow-repository"], capture_output=True, text=True, check=False
    )
    if shallow.stdout.strip() == "true":
        diag.error(
            origin,
            "archive",
            f"the archive {root} is a shallow clone, so its history is incomplete; fetch the "
            "full history with `git fetch --unshallow` (or clone without --depth)",
        )
        return None
    head = subprocess.run([*run, "rev-parse", "HEAD"], capture_output=True, text=True, check=False)
    if head.returncode != 0:
        return ArchiveHistory(root, prefix, "", {})  # a repository with no commits yet
    log = subprocess.run(
        [
            *run,
            "-c",
            "core.quotepath=off",
            "log",
            "--reverse",
            "--first-parent",
            "--diff-merges=first-parent",
            "--raw",
            "-z",
            "--no-renames",
            "--no-abbrev",
            "--format=%x1e%H%x1f%at%x1f%B%x1f",
            "HEAD",
            "--",
            prefix or ".",
        ],
        capture_output=True,
        check=False,
    )
    if log.returncode != 0:
        reason = log.stderr.decode("utf-8", errors="replace").strip()
        diag.error(origin, "archive", f"git log failed in {root}: {reason}")
        return None
    return ArchiveHistory(root, prefix, head.stdout.strip(), _parse_log(log.stdout, prefix))
