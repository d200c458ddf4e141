"""The archive's git history, read once: every archived file's versions.

One ``git log --raw`` pass over the first-parent history lists every change to every
archived file; texts are read later, on demand (:mod:`.blobs`).
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import git

from ..cache import Cache, Namespace, digest
from ..diagnostics import Diagnostics, Origin
from .gitread import LogFormatError, cat_objects, commit_message, over_stdin, parse_raw_log

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
    sequence: int = 0
    """Place of its commit in the archive's first-parent history (0 for the oldest): the
    order of the history, whatever the commits' dates say."""

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


_HEADER = re.compile(rb"^([0-9a-f]{40}|[0-9a-f]{64}) (-?[0-9]*) (-?[0-9]*)\Z")
"""A commit's line of the log: its id, author and committer timestamps (git leaves a
timestamp empty when the commit's date cannot be read)."""
_EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_LATEST = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
LOG_FORMAT = "%H %at %ct"
"""Only ids and numbers: commit messages are read apart (see :func:`_read_messages`), so
nothing a message holds can be taken for a field of the log."""


@dataclass(slots=True)
class _Change:
    """One file changed by one commit, as the log lists it."""

    path: bytes
    """The file's path in the work tree, as git stores it."""
    status: str
    """A, M, D, T..."""
    blob: str
    """The new blob id."""
    mode: bytes
    """The new file mode."""


@dataclass(slots=True)
class _Commit:
    """A commit of the log with the archived files it changed."""

    id: str
    """Commit id."""
    author_time: bytes
    """Author timestamp as git printed it (empty when unreadable)."""
    commit_time: bytes
    """Committer timestamp as git printed it."""
    changes: list[_Change] = field(default_factory=list)
    """The files it changed."""


def _parse_log(raw: bytes) -> list[_Commit]:
    """The commits of ``git log --raw -z --format=LOG_FORMAT``, oldest first."""
    return [
        _Commit(
            commit.header[1].decode(),
            commit.header[2],
            commit.header[3],
            [_Change(c.paths[-1], c.status[:1], c.blob, c.mode) for c in commit.changes],
        )
        for commit in parse_raw_log(raw, _HEADER)
    ]


def _timestamp(value: bytes) -> dt.datetime | None:
    """A git timestamp as a UTC date, if it is one this site can show (years 1970-9999)."""
    try:
        date = dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return date if _EARLIEST <= date <= _LATEST else None


def _commit_date(commit: _Commit, where: Origin, diag: Diagnostics) -> dt.datetime | None:
    """The recorded date of a commit: its author date, or its committer date when the author
    date is not a date (a warning); ``None`` (an error) when neither is."""
    date = _timestamp(commit.author_time)
    if date is not None:
        return date
    fallback = _timestamp(commit.commit_time)
    author = commit.author_time.decode("ascii", "replace") or "unreadable"
    if fallback is None:
        diag.error(
            where,
            f"commit {commit.id[:12]}",
            f"neither its author date ({author}) nor its committer date "
            f"({commit.commit_time.decode('ascii', 'replace') or 'unreadable'}) is a date "
            "between 1970 and 9999, so its versions cannot be dated; fix the commit in the "
            "archive",
        )
        return None
    diag.note(
        where,
        f"commit {commit.id[:12]}",
        f"its author date ({author}) is not a date between 1970 and 9999; its committer "
        f"date ({fallback:%Y-%m-%d}) is used instead{ARCHIVE_ONLY}",
        commit.id,
    )
    return fallback


def _read_messages(root: Path, commits: list[str]) -> dict[str, str]:
    """Each commit's message, read from the commit objects themselves (``git cat-file
    --batch`` frames every object by its size, so a message is only ever a message)."""
    messages: dict[str, str] = {}
    for commit, found in cat_objects(root, commits).items():
        if found.kind != "commit":
            raise LogFormatError(f"git cat-file gave a {found.kind} for commit {commit}")
        messages[commit] = commit_message(found.data)
    return messages


def _versions(
    commits: list[_Commit], messages: dict[str, str], prefix: str, diag: Diagnostics
) -> dict[str, list[Version]]:
    versions: dict[str, list[Version]] = {}
    unreadable: set[bytes] = set()
    latest: dict[str, Version] = {}  # each file's latest-dated version so far
    for sequence, commit in enumerate(commits):
        date: dt.datetime | None = None
        dated = False
        message = messages.get(commit.id, "")
        for change in commit.changes:
            try:
                path = change.path.decode("utf-8")
            except UnicodeDecodeError:
                if change.path not in unreadable:
                    unreadable.add(change.path)
                    shown = change.path.decode("utf-8", "backslashreplace")
                    diag.note(
                        Origin(shown),
                        "(file name)",
                        f"this archived file's name is not valid UTF-8 (commit {commit.id[:12]}), "
                        "so no content file can name it and it is left out; the archive's "
                        f"maintainers can rename it{ARCHIVE_ONLY}",
                        commit.id,
                    )
                continue
            if not path.startswith(prefix):
                continue
            if change.mode.startswith(b"160") or change.mode.startswith(b"120"):
                # Submodules and symbolic links hold no archived text: one that replaces a
                # recorded text leaves that text the latest, which the archive did not mean.
                relative = path[len(prefix) :]
                earlier = versions.get(relative)
                if earlier and earlier[-1].kind is not VersionKind.REMOVAL:
                    what = "a submodule" if change.mode.startswith(b"160") else "a symbolic link"
                    diag.warning(
                        Origin(relative),
                        "(history)",
                        f"commit {commit.id[:12]} replaced this archived text by {what}, which "
                        "holds no text: the text recorded before stays the latest; put the "
                        "text back in the archive, or delete the file to record its removal",
                    )
                continue
            if not dated:
                date, dated = _commit_date(commit, Origin(path), diag), True
            if date is None:
                continue
            status = change.status
            relative = path[len(prefix) :]
            history = versions.setdefault(relative, [])
            blob = EMPTY_BLOB if status == "D" or change.blob == _NULL_SHA else change.blob
            if history and history[-1].blob == blob and status != "D":
                continue  # a mode change only: the text is the same
            if status == "D" and (not history or history[-1].kind is VersionKind.REMOVAL):
                continue
            kind = _kind(message, status, bool(history))
            _check_date(commit.id, date, latest.get(relative), Origin(path), diag)
            history.append(Version(relative, commit.id, blob, date, message, kind, sequence))
            if relative not in latest or date >= latest[relative].date:
                latest[relative] = history[-1]
    return versions


ARCHIVE_ONLY = (
    " (only the archive's maintainers can change this; to hear no more of it, add the "
    "commit's id to the `acknowledge` option of the govsite plugin in mkdocs.yml)"
)
"""Closes every note on a fault of the archive: what the publisher can do about it."""

_FUTURE = dt.timedelta(days=1)
"""How far after the build's own time a commit may be dated (clocks and time zones)."""


def _check_date(
    commit: str, date: dt.datetime, previous: Version | None, where: Origin, diag: Diagnostics
) -> None:
    """Tell the publisher of a version dated in the future or before the latest-dated
    version it follows (``previous``).
    Neither changes the history, which follows the commits' order; the date becomes the
    version's permanent slug and the page says what the dates say."""
    if date > dt.datetime.now(dt.UTC) + _FUTURE:
        diag.note(
            where,
            "(history)",
            f"commit {commit[:12]} is dated {date:%Y-%m-%d}, after today: its version is "
            f"published under that date for good{ARCHIVE_ONLY}",
            commit,
        )
    if previous is not None and date < previous.date:
        diag.note(
            where,
            "(history)",
            f"commit {commit[:12]} is dated {date:%Y-%m-%d}, before a version it follows "
            f"({previous.date:%Y-%m-%d}, commit {previous.commit[:12]}): it keeps its place "
            "in the history (the archive's commit order), and its page says it was recorded "
            f"after the version of {previous.date:%Y-%m-%d}{ARCHIVE_ONLY}",
            commit,
        )


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


def _missing_texts(root: Path, prefix: str) -> str:
    """Why the archive cannot be read when it is a partial clone missing texts (``git clone
    --filter=blob:none``), with the commands that fetch them; '' otherwise.

    git would fetch each missing text from the clone's remote one at a time as it is read,
    or fail when the remote is gone. Only a clone that has promisor packs is checked, so a
    full clone costs one directory listing.
    """
    run = ["git", "-C", str(root)]
    packs = subprocess.run(
        [*run, "rev-parse", "--git-path", "objects/pack"], capture_output=True, check=False
    )
    pack_dir = root / os.fsdecode(packs.stdout.strip())
    if packs.returncode != 0 or not any(pack_dir.glob("*.promisor")):
        return ""
    listed = subprocess.run(
        [*run, "rev-list", "--objects", "--missing=print", "HEAD", "--", prefix or "."],
        capture_output=True,
        check=False,
    )
    count = sum(1 for line in listed.stdout.splitlines() if line.startswith(b"?"))
    if listed.returncode == 0 and count == 0:
        return ""
    remotes = subprocess.run(
        [*run, "config", "--get-regexp", r"^remote\..*\.promisor$"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    remote = remotes[0].split(".", 1)[1].rsplit(".", 1)[0] if remotes else ""
    where = shlex.quote(str(root))
    if remote:
        fix = (
            f"git -C {where} config --unset remote.{remote}.partialclonefilter; "
            f"git -C {where} fetch --refetch {remote}"
        )
    else:
        fix = f"git -C {where} remote add origin URL && git -C {where} fetch --refetch origin"
    return (
        f"the archive {root} is a partial clone (made with --filter) and "
        f"{count or 'some'} objects of its history are not in it, so the texts of some "
        f"versions cannot be read; fetch them with `{fix}` (URL: where the archive was "
        "cloned from), or clone it again without --filter"
    )


def read_history(
    archive_dir: Path, diag: Diagnostics, origin: Origin | None = None, cache: Cache | None = None
) -> ArchiveHistory | None:
    """Read the archive's whole first-parent history in one ``git log`` pass (with a
    ``cache``: only the commits since the last build's, when its head is on this one's
    first-parent line)."""
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
    missing = _missing_texts(root, prefix)
    if missing:
        diag.error(origin, "archive", missing)
        return None
    commit = head.stdout.strip()
    cache = cache or Cache(None)
    entry = digest("history", str(root), prefix)
    known = _stored_log(cache.get(Namespace.HISTORY, entry))
    since = known[0] if known is not None and _follows(root, known[0], commit) else None
    if known is not None and since == commit:
        commits, messages = known[1], known[2]
    else:
        log = subprocess.run(
            [
                *run,
                "-c",
                "core.quotepath=off",
                "-c",
                "log.showSignature=false",  # a user's setting must not add lines to the output
                "log",
                "--no-color",
                "--reverse",
                "--first-parent",
                "--diff-merges=first-parent",
                "--raw",
                "-z",
                "--no-renames",
                "--no-abbrev",
                f"--format={LOG_FORMAT}",
                f"{since}..{commit}" if since else commit,
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
        try:
            commits = _parse_log(log.stdout)
            messages = _read_messages(root, [c.id for c in commits if c.changes])
        except (LogFormatError, subprocess.CalledProcessError, ValueError) as exc:
            diag.error(origin, "archive", f"cannot read the history of {root}: {exc}")
            return None
        if known is not None and since is not None:
            commits, messages = known[1] + commits, {**known[2], **messages}
        cache.put(Namespace.HISTORY, entry, _log_record(commit, commits, messages))
    versions = _versions(commits, messages, prefix, diag)
    if not _all_texts_present(root, versions, diag):
        return None
    return ArchiveHistory(root, prefix, commit, versions)


def _follows(root: Path, earlier: str, head: str) -> bool:
    """Whether the commit ``earlier`` is on ``head``'s first-parent line (``head`` itself
    included): then the log up to ``head`` is the log up to ``earlier`` and the commits
    after it. A history rewritten since, or a commit gone, is read whole again."""
    if earlier == head:
        return True
    run = ["git", "-C", str(root)]
    count = subprocess.run(
        [*run, "rev-list", "--first-parent", "--count", f"{earlier}..{head}", "--"],
        capture_output=True,
        text=True,
        check=False,
    )
    if count.returncode != 0 or not count.stdout.strip().isdigit():
        return False
    back = subprocess.run(
        [*run, "rev-parse", "--verify", "--quiet", f"{head}~{int(count.stdout)}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    return back.returncode == 0 and back.stdout.strip() == earlier


_LoggedCommit = tuple[str, bytes, bytes, list[tuple[bytes, str, str, bytes]]]
"""A :class:`_Commit` as the cache keeps it (plain data)."""


def _log_record(
    head: str, commits: list[_Commit], messages: dict[str, str]
) -> tuple[str, list[_LoggedCommit], dict[str, str]]:
    """The log read up to ``head``, as the cache keeps it."""
    logged = [
        (
            c.id,
            c.author_time,
            c.commit_time,
            [(x.path, x.status, x.blob, x.mode) for x in c.changes],
        )
        for c in commits
    ]
    return head, logged, messages


def _stored_log(value: object) -> tuple[str, list[_Commit], dict[str, str]] | None:
    """The log the cache keeps (:func:`_log_record`), or ``None`` when it holds none that
    reads back whole."""
    if not (isinstance(value, tuple) and len(value) == 3):
        return None
    head, logged, messages = value
    if not (isinstance(head, str) and isinstance(logged, list) and isinstance(messages, dict)):
        return None
    try:
        commits = [
            _Commit(id, author, committed, [_Change(*change) for change in changes])
            for id, author, committed, changes in logged
        ]
    except (TypeError, ValueError):
        return None
    return head, commits, messages


def _all_texts_present(root: Path, versions: dict[str, list[Version]], diag: Diagnostics) -> bool:
    """Whether every version's text is in the repository (one ``git cat-file --batch-check``
    for all of them); each missing one is an error naming its file and commit. A damaged
    repository is reported here, before anything is built, rather than half-way through a
    build that has cached everything but that text."""
    blobs = sorted({v.blob for vs in versions.values() for v in vs if v.blob != EMPTY_BLOB})
    if not blobs:
        return True
    checked = over_stdin(root, ["cat-file", "--batch-check"], blobs)
    missing = {
        line.split()[0].decode("ascii", "replace")
        for line in checked.stdout.splitlines()
        if line.endswith(b" missing")
    }
    for path, history in versions.items():
        for version in history:
            if version.blob in missing:
                diag.error(
                    Origin(path),
                    f"commit {version.commit[:12]}",
                    f"the text recorded by this commit (object {version.blob[:12]}) is missing "
                    f"from the archive's repository {root}; it is damaged: run `git -C "
                    f"{shlex.quote(str(root))} fsck` and restore the object from another clone",
                )
    return not missing
