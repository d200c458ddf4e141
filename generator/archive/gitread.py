"""git's own outputs, read for the archive's history (:mod:`.history`) and the analyses'
revisions (:mod:`.revisions`) without taking anything a commit holds for a field.

``git log --raw -z`` is read token by token. Its output is a sequence of NUL-terminated tokens: a commit's line (in the caller's
``--format``), then for each file a ``:modes ids status`` token (``::...`` for a merge's
combined diff, one colon per parent) followed by its path, two paths for a rename or copy.
Paths are any bytes but NUL and are only ever taken right after a status token, so no file
name can pass for a commit.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


class LogFormatError(ValueError):
    """git's output is not what the parser expects (never caused by a commit's content)."""


@dataclass(slots=True)
class RawChange:
    """One file changed by one commit, as the log lists it."""

    status: str
    """git's status letters (``M``, ``A``, ``D``, ``R100``; one per parent in a merge)."""
    mode: bytes
    """The file's new mode."""
    blob: str
    """The file's new blob id (zeros when it is gone)."""
    paths: tuple[bytes, ...]
    """Its path, as git stores it; the old path then the new one for a rename or copy."""


@dataclass(slots=True)
class RawCommit:
    """A commit's line of the log, and the files it changed."""

    header: re.Match[bytes]
    """The commit's line, matched by the caller's pattern."""
    changes: list[RawChange] = field(default_factory=list)
    """The files it changed, in the log's order."""


def parse_raw_log(raw: bytes, header: re.Pattern[bytes]) -> list[RawCommit]:
    """The commits of a ``git log --raw -z`` output in log order; ``header`` matches a
    commit's line (anything else that is not a change is an error)."""
    commits: list[RawCommit] = []
    tokens = raw.split(b"\0")
    index = 0
    while index < len(tokens):
        token = tokens[index].strip(b"\n")
        index += 1
        if not token:
            continue
        if not token.startswith(b":"):
            match = header.match(token)
            if match is None:
                raise LogFormatError(f"unexpected line {token[:80]!r}")
            commits.append(RawCommit(match))
            continue
        if not commits:
            raise LogFormatError("a file change outside a commit")
        colons = len(token) - len(token.lstrip(b":"))
        fields = token[colons:].split()
        if len(fields) != 2 * (colons + 1) + 1:
            raise LogFormatError(f"unexpected change line {token[:80]!r}")
        status = fields[-1].decode("ascii", "replace")
        paths = 2 if colons == 1 and status[:1] in ("R", "C") else 1
        if index + paths > len(tokens):
            raise LogFormatError("a change without its path")
        commits[-1].changes.append(
            RawChange(
                status,
                fields[colons],
                fields[-2].decode("ascii", "replace"),
                tuple(tokens[index : index + paths]),
            )
        )
        index += paths
    return commits


@dataclass(slots=True)
class GitObject:
    """What ``git cat-file --batch`` gave for one object."""

    kind: str
    """``commit``, ``blob``..."""
    data: bytes
    """Its bytes."""


def over_stdin(
    root: Path, command: list[str], lines: list[str], *, check: bool = False
) -> subprocess.CompletedProcess[bytes]:
    """``git <command>`` in ``root``, fed ``lines`` one per line on its standard input (git's
    batch commands answer a whole list in one process rather than one process per item)."""
    return subprocess.run(
        ["git", "-C", str(root), *command],
        input="".join(f"{line}\n" for line in lines).encode("utf-8"),
        capture_output=True,
        check=check,
    )


def cat_objects(root: Path, ids: list[str]) -> dict[str, GitObject]:
    """Each object, read through one ``git cat-file --batch``, which frames every object by
    its size: a message or a text is only ever read as what it is."""
    if not ids:
        return {}
    out = over_stdin(root, ["cat-file", "--batch"], ids, check=True).stdout
    found: dict[str, GitObject] = {}
    position = 0
    for object_id in ids:
        end = out.index(b"\n", position)
        header = out[position:end].split(b" ")
        if len(header) != 3:
            raise LogFormatError(f"git cat-file gave {out[position:end][:80]!r} for {object_id}")
        size = int(header[2])
        found[object_id] = GitObject(header[1].decode(), out[end + 1 : end + 1 + size])
        position = end + 1 + size + 1
    return found


def object_sizes(root: Path, ids: list[str]) -> dict[str, int]:
    """Each object's size, read through one ``git cat-file --batch-check`` (an object the
    repository lacks is left out)."""
    if not ids:
        return {}
    out = subprocess.run(
        ["git", "-C", str(root), "cat-file", "--batch-check=%(objectname) %(objectsize)"],
        input="".join(f"{i}\n" for i in ids).encode("ascii"),
        capture_output=True,
        check=True,
    ).stdout
    sizes: dict[str, int] = {}
    for line in out.decode("ascii", "replace").splitlines():
        name, _, size = line.partition(" ")
        if size.isdigit():
            sizes[name] = int(size)
    return sizes


def commit_message(data: bytes) -> str:
    """A commit object's message, decoded as its ``encoding`` header says (UTF-8 when it says
    nothing or names an encoding Python does not know), stripped."""
    headers, _, body = data.partition(b"\n\n")
    encoding = "utf-8"
    for line in headers.split(b"\n"):
        if line.startswith(b"encoding "):
            encoding = line[len(b"encoding ") :].decode("ascii", "replace").strip()
    try:
        return body.decode(encoding, errors="replace").strip()
    except LookupError:
        return body.decode("utf-8", errors="replace").strip()
