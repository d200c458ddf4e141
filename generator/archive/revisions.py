"""The analyses' own history: each commit that changes an analysis file is a revision.

The site repository's history of ``content/provisions/`` is read in one pass, like the
archive's (:mod:`.history`): one ``git log --raw -z`` over every commit (merges included, so
a merge that names reviewers is seen), one ``git cat-file --batch`` for the commits' headers
and messages and the files' texts, and one ``git check-mailmap --stdin`` for every name, so
``.mailmap`` corrections apply to authors and trailers alike. A renamed file keeps one
history (git's rename detection).

Revision numbers are permanent URLs (``<analysis>/revisions/<n>/``): builds record them in
``revisions.lock`` beside ``mkdocs.yml`` and only ever append to it, as ``versions.lock``
does for version slugs (:mod:`.permalinks`), so a number never moves, whatever merges later
bring into the history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..content.load import provision_from_text
from ..content.records import Provision
from ..diagnostics import Diagnostics, Origin, log
from .gitread import LogFormatError, cat_objects, commit_message, over_stdin, parse_raw_log

LOCK_NAME = "revisions.lock"
LOCK_HEADER = (
    "# govsite analysis revisions: analysis, number, commit, blob. Builds append to this\n"
    "# file; commit it. Never edit or remove a line: each one is a published URL.\n"
)
PROVISIONS = "provisions/"
"""The folder of analyses inside the content folder."""
SHALLOW_FIX = (
    "fetch the whole history (`git fetch --unshallow`; in GitHub Actions, `fetch-depth: 0` "
    "in actions/checkout's options)"
)


@dataclass(slots=True, frozen=True)
class Revision:
    """One state of one analysis file, recorded by a commit."""

    number: int
    """1 for the first revision, and so on; permanent (from the lock file)."""
    commit: str
    """The commit that recorded it."""
    blob: str
    """Git blob id of the analysis file as it stood (its content hash)."""
    path: str
    """Path of the file then, relative to the repository's root (renames keep one history)."""
    date: dt.datetime
    """The commit's author date, in UTC."""
    authors: tuple[str, ...]
    """Who wrote it: the commit's author then its ``Co-authored-by`` trailers, as
    ``.mailmap`` names them, each once."""
    reviewers: tuple[str, ...]
    """Who reviewed it: ``Reviewed-by`` trailers of the commit, or of the merge commit that
    brought it in."""
    message: str
    """The commit message, whole (untrusted text)."""
    provision: Provision | None
    """The analysis as it stood, read as leniently as possible (``None`` when its YAML
    cannot be read at all)."""
    problems: tuple[str, ...] = ()
    """Why that YAML does not validate as it is (the page shows what it can and says so)."""

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0].strip()

    @property
    def shown_message(self) -> str:
        """The message as pages show it: without the trailers that name people (shown as
        authors and reviewers, by name only: the addresses stay out of the pages)."""
        paragraphs = re.split(r"\n\s*\n", self.message.strip())
        last = paragraphs[-1].splitlines() if len(paragraphs) > 1 else []
        kept = [
            line
            for line in last
            if not (m := _TRAILER.match(line)) or m[1].lower() not in PEOPLE_TRAILERS
        ]
        body = paragraphs[:-1] + (["\n".join(kept)] if kept else []) if last else paragraphs
        return reflow("\n\n".join(body))


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def reflow(text: str) -> str:
    """Text wrapped at a fixed width (commit messages, YAML folded by hand) as paragraphs:
    a line break inside a paragraph becomes a space, unless the next line starts a list
    item; blank lines stay, so a narrow screen wraps the words itself."""
    out: list[str] = []
    for line in text.split("\n"):
        if out and out[-1].strip() and line.strip() and not _LIST_ITEM.match(line):
            out[-1] = out[-1].rstrip() + " " + line.strip()
        else:
            out.append(line)
    return "\n".join(out)


PEOPLE_TRAILERS = frozenset({"co-authored-by", "reviewed-by", "signed-off-by", "acked-by"})
"""Trailers that name people (with their e-mail addresses)."""


@dataclass(slots=True)
class AnalysisHistory:
    """Every revision of one analysis."""

    key: str
    """``platform/document/slug``."""
    revisions: list[Revision] = field(default_factory=list)
    """By number, first first."""
    current: Revision | None = None
    """The revision the analysis file holds now; ``None`` when it has changes not committed
    yet (or was never committed)."""

    @property
    def first(self) -> Revision | None:
        return self.revisions[0] if self.revisions else None

    @property
    def last(self) -> Revision | None:
        return self.revisions[-1] if self.revisions else None

    def by_number(self, number: int) -> Revision | None:
        if 1 <= number <= len(self.revisions):
            return self.revisions[number - 1]
        return None


@dataclass(slots=True, frozen=True)
class RevisionLockEntry:
    """One published revision number."""

    analysis: str
    """``platform/document/slug``."""
    number: int
    """The revision's number."""
    commit: str
    """The commit that recorded it."""
    blob: str
    """The file's blob id, as a check that the history was not rewritten."""
    line: int = 0
    """Line of the lock file (0 for a new entry)."""

    def format(self) -> str:
        return f"{self.analysis}\t{self.number}\t{self.commit}\t{self.blob}\n"


@dataclass(slots=True)
class ContentRevisions:
    """The revisions of every analysis, or why there are none."""

    enabled: bool = False
    """Whether the content's history could be read."""
    reason: str = ""
    """Why revisions are off (``enabled`` false)."""
    histories: dict[str, AnalysisHistory] = field(default_factory=dict)
    """By analysis key, for the analyses the content folder holds now."""
    published: dict[str, list[int]] = field(default_factory=dict)
    """Revision numbers in the lock file of analyses that are gone (their URLs were
    published: a retired analysis takes them along)."""
    new_lock_entries: list[RevisionLockEntry] = field(default_factory=list)
    """Numbers assigned by this build, recorded once it has succeeded."""


# --- the lock file ------------------------------------------------------------------------

_OBJECT_ID = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*\Z")


def read_revision_lock(path: Path, display: str, diag: Diagnostics) -> list[RevisionLockEntry]:
    """The lock file's entries; a malformed or repeated line is an error."""
    if not path.exists():
        return []
    try:
        data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    except OSError as exc:
        diag.error(Origin(display), "(file)", f"cannot be read: {exc.strerror}")
        return []
    entries: list[RevisionLockEntry] = []
    numbers: dict[tuple[str, int], int] = {}
    commits: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(data.split(b"\n"), start=1):
        line = raw.decode("utf-8", "replace").removesuffix("\r")
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if (
            len(fields) != 4
            or not _KEY.match(fields[0])
            or not fields[1].isdigit()
            or int(fields[1]) < 1
            or not _OBJECT_ID.match(fields[2])
            or not _OBJECT_ID.match(fields[3])
        ):
            diag.error(
                Origin(display, number),
                "(line)",
                "expected analysis, revision number, commit and blob separated by tabs "
                "(platform/document/slug, a number from 1, two object ids); restore the "
                "line from git",
            )
            continue
        entry = RevisionLockEntry(fields[0], int(fields[1]), fields[2], fields[3], number)
        earlier = numbers.get((entry.analysis, entry.number)) or commits.get(
            (entry.analysis, entry.commit)
        )
        if earlier is not None:
            diag.error(
                Origin(display, number),
                entry.analysis,
                f"revision {entry.number} (commit {entry.commit[:12]}) repeats line "
                f"{earlier}; restore the file from git",
            )
            continue
        numbers[(entry.analysis, entry.number)] = number
        commits[(entry.analysis, entry.commit)] = number
        entries.append(entry)
    return entries


def append_revision_lock(path: Path, entries: list[RevisionLockEntry]) -> None:
    """Record new revision numbers; existing lines are never rewritten."""
    if not entries:
        return
    new_file = not path.exists()
    unterminated = not new_file and path.stat().st_size and not path.read_bytes().endswith(b"\n")
    with path.open("a", encoding="utf-8") as lock:
        if new_file:
            lock.write(LOCK_HEADER)
        elif unterminated:
            lock.write("\n")
        lock.writelines(entry.format() for entry in entries)


# --- reading the history ------------------------------------------------------------------

_HEADER = re.compile(rb"^([0-9a-f]{40}|[0-9a-f]{64})((?: [0-9a-f]{40}| [0-9a-f]{64})*) ?\Z")
_NULL = re.compile(r"^0+\Z")


@dataclass(slots=True)
class _Commit:
    """A commit of the content's log, with the analysis files it changed."""

    id: str
    """Commit id."""
    parents: tuple[str, ...]
    """Its parents' ids."""
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    """(old path, new path, new blob) for each analysis file it changed ('' for none)."""


def _parse_log(raw: bytes) -> list[_Commit]:
    """The commits of ``git log --raw -z -c -M --format='%H %P'``, in log order."""
    commits: list[_Commit] = []
    for raw_commit in parse_raw_log(raw, _HEADER):
        header = raw_commit.header
        commit = _Commit(header[1].decode(), tuple(p.decode() for p in header[2].split()))
        for change in raw_commit.changes:
            names = [path.decode("utf-8", "surrogateescape") for path in change.paths]
            old, new = names[0], names[-1]
            if change.status[:1] == "C":
                old = ""  # a copy starts a history of its own
            gone = change.status.endswith("D") or _NULL.match(change.blob) is not None
            commit.changes.append((old, "" if gone else new, "" if gone else change.blob))
        commits.append(commit)
    return commits


@dataclass(slots=True, frozen=True)
class _CommitInfo:
    """What a revision shows of its commit."""

    author: str
    """``Name <email>`` as the commit records it."""
    date: dt.datetime
    """Author date, UTC."""
    message: str
    """The message, whole."""


_IDENT = re.compile(rb"^(.*) (-?\d+) ([+-]\d{4})\Z")


def _commit_info(data: bytes) -> _CommitInfo:
    headers = data.partition(b"\n\n")[0]
    author, stamp = b"", 0
    for line in headers.split(b"\n"):
        if line.startswith(b"author "):
            match = _IDENT.match(line[len(b"author ") :])
            if match:
                author, stamp = match[1], int(match[2])
    try:
        date = dt.datetime.fromtimestamp(stamp, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        date = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return _CommitInfo(author.decode("utf-8", "replace"), date, commit_message(data))


_TRAILER = re.compile(r"^([A-Za-z][A-Za-z-]*):[ \t]*(.+?)\s*$")


def trailers(message: str, name: str) -> list[str]:
    """The values of the ``name:`` trailers of a commit message (its last paragraph)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", message.strip()) if p.strip()]
    if len(paragraphs) < 2:
        return []
    found = []
    for line in paragraphs[-1].splitlines():
        match = _TRAILER.match(line)
        if match and match[1].lower() == name.lower():
            found.append(match[2])
    return found


_CONTACT = re.compile(r"^(.*?)\s*<([^<>]*)>\s*\Z")


def _mailmap(root: Path, contacts: set[str]) -> dict[str, str]:
    """Each ``Name <email>`` as ``.mailmap`` names it (its display name), in one call."""
    ordered = sorted(c for c in contacts if _CONTACT.match(c) and "\n" not in c)
    names = {c: _name(c) for c in contacts}
    if not ordered:
        return names
    result = over_stdin(root, ["check-mailmap", "--stdin"], ordered)
    lines = result.stdout.decode("utf-8", "replace").splitlines()
    if result.returncode == 0 and len(lines) == len(ordered):
        names.update(
            (contact, _name(mapped)) for contact, mapped in zip(ordered, lines, strict=True)
        )
    return names


def _name(contact: str) -> str:
    """The name of ``Name <email>`` (never the address: the pages are public)."""
    match = _CONTACT.match(contact)
    name = match[1] if match else contact
    return " ".join(name.split()) or "(unnamed)"


def _brought_in(commits: dict[str, _Commit], merge: _Commit) -> set[str]:
    """The commits a merge brought in: those its other parents reach and its first does not."""
    reached_first: set[str] = set()
    stack = [merge.parents[0]]
    while stack:
        commit = stack.pop()
        if commit in reached_first or commit not in commits:
            continue
        reached_first.add(commit)
        stack.extend(commits[commit].parents)
    brought: set[str] = set()
    stack = list(merge.parents[1:])
    while stack:
        commit = stack.pop()
        if commit in brought or commit in reached_first or commit not in commits:
            continue
        brought.add(commit)
        stack.extend(commits[commit].parents)
    return brought


def git_blob_id(data: bytes) -> str:
    """The id git gives a file's bytes (to tell whether the file is as committed)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass(slots=True)
class _State:
    """One analysis file's states as the log lists them, before numbering."""

    commit: str
    """The commit."""
    blob: str
    """The file's blob."""
    path: str
    """Its path then."""


def _repository(content_dir: Path) -> Path | None:
    top = subprocess.run(
        ["git", "-C", str(content_dir), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        check=False,
    )
    return Path(top.stdout.strip()).resolve() if top.returncode == 0 else None


def read_revisions(
    content_dir: Path,
    site_root: Path,
    provisions: dict[str, Provision],
    lock: list[RevisionLockEntry],
    diag: Diagnostics,
    lock_origin: Origin,
    origin: Origin | None = None,
) -> ContentRevisions:
    """Every analysis's revisions, numbered (from the lock, then in log order). Problems
    with the repository are reported at ``origin`` (the site's configuration), problems of
    the lock file at its lines."""
    where = origin or lock_origin
    folder = content_dir / PROVISIONS
    if not content_dir.is_dir():
        return ContentRevisions(reason="the content folder does not exist")
    root = _repository(content_dir)
    if root is None:
        reason = (
            f"{_shown(content_dir, site_root)} is not in a git repository, so the analyses' "
            "revisions (their history, permalinks and authors) are turned off"
        )
        log.info(f"govsite: {reason}")
        return ContentRevisions(reason=reason)
    run = ["git", "-C", str(root)]
    shallow = subprocess.run(
        [*run, "rev-parse", "--is-shallow-repository"], capture_output=True, text=True, check=False
    )
    if shallow.stdout.strip() == "true":
        reason = (
            f"the site's repository {root} is a shallow clone, so the analyses' history is "
            f"incomplete and their revisions are turned off; {SHALLOW_FIX}"
        )
        if lock:  # published revision pages would go missing
            diag.error(where, "(history)", reason)
        else:
            diag.warning(where, "(history)", reason)
        return ContentRevisions(reason=reason)
    head = subprocess.run(
        [*run, "rev-parse", "--verify", "-q", "HEAD"], capture_output=True, check=False
    )
    relative = (
        folder.resolve() if folder.exists() else content_dir.resolve() / "provisions"
    ).relative_to(root).as_posix() + "/"
    if head.returncode != 0:
        return _number({}, {}, provisions, lock, relative, root, site_root, diag, lock_origin)
    log_run = subprocess.run(
        [
            *run, "-c", "core.quotepath=off", "-c", "log.showSignature=false",
            "-c", "diff.renames=true", "log", "--no-color", "--topo-order", "--reverse",
            "--full-history", "--sparse", "--raw", "-z", "-c", "-M", "--no-abbrev",
            "--format=%H %P", "HEAD", "--", relative,
        ],
        capture_output=True,
        check=False,
    )  # fmt: skip
    if log_run.returncode != 0:
        reason = log_run.stderr.decode("utf-8", "replace").strip()
        diag.error(where, "(history)", f"git log failed in {root}: {reason}")
        return ContentRevisions(reason=reason)
    try:
        commits = _parse_log(log_run.stdout)
    except LogFormatError as exc:
        diag.error(where, "(history)", f"cannot read the history of {root}: {exc}")
        return ContentRevisions(reason=str(exc))
    # Follow each file through renames: one list of states per history.
    by_path: dict[str, list[_State]] = {}
    for commit in commits:
        moved: dict[str, list[_State]] = {}
        for old, new, _blob in commit.changes:
            if old and new and old != new and old in by_path:
                moved[new] = by_path.pop(old)
        for old, new, blob in commit.changes:
            if not new:
                by_path.pop(old, None)  # deleted: a later file of that name starts afresh
                continue
            states = moved.pop(new, None) or by_path.get(new, [])
            if not states or states[-1].blob != blob:
                states.append(_State(commit.id, blob, new))
            by_path[new] = states
    return _number(
        {c.id: c for c in commits},
        by_path,
        provisions,
        lock,
        relative,
        root,
        site_root,
        diag,
        lock_origin,
    )


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        return path.as_posix()


def _key_of(path: str, relative: str) -> str:
    inner = path[len(relative) :]
    for suffix in (".yml", ".yaml"):
        inner = inner.removesuffix(suffix)
    return inner


def _number(
    commits: dict[str, _Commit],
    by_path: dict[str, list[_State]],
    provisions: dict[str, Provision],
    lock: list[RevisionLockEntry],
    relative: str,
    root: Path,
    site_root: Path,
    diag: Diagnostics,
    lock_origin: Origin,
) -> ContentRevisions:
    """Number each analysis's states (the lock's numbers first), and read them."""
    out = ContentRevisions(enabled=True)
    locked: dict[str, list[RevisionLockEntry]] = {}
    for entry in lock:
        locked.setdefault(entry.analysis, []).append(entry)
    numbered: dict[str, list[tuple[int, _State]]] = {}
    for path, states in sorted(by_path.items()):
        key = _key_of(path, relative)
        if key not in provisions:
            continue
        entries = {e.commit: e for e in locked.get(key, [])}
        next_number = max((e.number for e in entries.values()), default=0) + 1
        found: list[tuple[int, _State]] = []
        present: set[str] = set()
        for state in states:
            locked_entry = entries.get(state.commit)
            if locked_entry is None:
                found.append((next_number, state))
                out.new_lock_entries.append(
                    RevisionLockEntry(key, next_number, state.commit, state.blob)
                )
                next_number += 1
                continue
            entry = locked_entry
            present.add(state.commit)
            if entry.blob != state.blob:
                diag.error(
                    Origin(lock_origin.path, entry.line),
                    key,
                    f"revision {entry.number} was published with file {entry.blob[:12]} but "
                    f"commit {state.commit[:12]} now holds {state.blob[:12]}: the site's "
                    "history was rewritten",
                )
            found.append((entry.number, state))
        for entry in entries.values():
            if entry.commit not in present:
                diag.error(
                    Origin(lock_origin.path, entry.line),
                    key,
                    f"published revision {entry.number} (commit {entry.commit[:12]}) is no "
                    "longer in the history of its analysis file; restore the commit, since "
                    "its URL must keep working",
                )
        numbered[key] = sorted(found, key=lambda item: item[0])
    for key, entries_of in locked.items():
        if key not in provisions:
            out.published[key] = sorted(e.number for e in entries_of)
    try:
        _read(out, commits, numbered, provisions, root, site_root)
    except (subprocess.CalledProcessError, LogFormatError, KeyError, ValueError) as exc:
        # A damaged or partial repository: the archive's checks name the usual causes.
        reason = f"cannot read the analyses' history in {root}: {exc}"
        diag.error(lock_origin, "(history)", f"{reason}; run `git -C {root} fsck`")
        return ContentRevisions(reason=reason)
    return out


def _read(
    out: ContentRevisions,
    commits: dict[str, _Commit],
    numbered: dict[str, list[tuple[int, _State]]],
    provisions: dict[str, Provision],
    root: Path,
    site_root: Path,
) -> None:
    """Fill in each revision: its commit's authors, reviewers and message, and its YAML."""
    wanted = {s.commit for states in numbered.values() for _, s in states}
    reviewing = [c for c in commits.values() if len(c.parents) > 1]
    wanted.update(c.id for c in reviewing)
    blobs = sorted({s.blob for states in numbered.values() for _, s in states})
    objects = cat_objects(root, sorted(wanted) + blobs)
    infos = {c: _commit_info(objects[c].data) for c in sorted(wanted)}
    # A merge commit's reviewers apply to what it brought in.
    merged_reviewers: dict[str, list[str]] = {}
    for merge in reviewing:
        named = trailers(infos[merge.id].message, "Reviewed-by")
        if named:
            for commit in _brought_in(commits, merge):
                merged_reviewers.setdefault(commit, []).extend(named)
    contacts: set[str] = set()
    for info in infos.values():
        contacts.add(info.author)
        contacts.update(trailers(info.message, "Co-authored-by"))
        contacts.update(trailers(info.message, "Reviewed-by"))
    names = _mailmap(root, contacts)
    for key, states in numbered.items():
        history = AnalysisHistory(key)
        platform, document, slug = key.split("/")
        for number, state in states:
            info = infos[state.commit]
            authors = _unique(
                [names[info.author], *(names[c] for c in trailers(info.message, "Co-authored-by"))]
            )
            reviewers = _unique(
                names.get(c, _name(c))
                for c in [
                    *trailers(info.message, "Reviewed-by"),
                    *merged_reviewers.get(state.commit, []),
                ]
            )
            scratch = Diagnostics()
            data = objects[state.blob].data
            provision = provision_from_text(
                data.decode("utf-8", "replace"), state.path, platform, document, slug, scratch
            )
            problems = tuple(
                f"{d.field}: {d.reason}" for d in scratch.sorted() if d.severity.value == "error"
            )
            history.revisions.append(
                Revision(
                    number, state.commit, state.blob, state.path, info.date, authors,
                    reviewers, info.message, provision, problems,
                )
            )  # fmt: skip
        history.current = _current(history, site_root / provisions[key].origin.path)
        out.histories[key] = history


def _current(history: AnalysisHistory, path: Path) -> Revision | None:
    """The revision whose file is the analysis file as it is now."""
    try:
        blob = git_blob_id(path.read_bytes())
    except OSError:
        blob = ""
    for revision in reversed(history.revisions):
        if revision.blob == blob:
            return revision
    return None


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    """Each name once (the first spelling), in order."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return tuple(seen.values())
