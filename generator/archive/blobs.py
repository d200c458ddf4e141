"""Archived texts by blob id, read through one long-lived ``git cat-file`` process
(GitPython's object database), in the order they are asked for."""

from __future__ import annotations

import os
import re
import subprocess
from collections import OrderedDict
from pathlib import Path

import git

from ..diagnostics import Diagnostics, Origin
from .gitread import object_sizes
from .history import ARCHIVE_ONLY, EMPTY_BLOB, Version

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"
_LFS_POINTER_MAX = 1024
"""A Git LFS pointer is a few short lines; larger blobs are not read to check."""


class BlobReader:
    """Reads archived texts by blob id through one persistent ``git cat-file`` process."""

    def __init__(self, root: Path) -> None:
        self.root = root
        """The archive's work tree."""
        self._repo = git.Repo(root)
        self._pid = os.getpid()
        """The process whose ``git cat-file`` the reader uses."""
        self._parents: list[git.Repo] = []
        """Readers a forked process inherited, kept but never used nor closed (see
        :meth:`_odb`)."""
        # A few recent texts only: memory must not grow with the number of versions.
        self._recent: OrderedDict[str, str] = OrderedDict()
        self._reported: set[str] = set()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pid == os.getpid():
            self._repo.close()

    def _odb(self) -> git.db.GitCmdObjectDB:
        """The object database, through a ``git cat-file`` of this process's own: a forked
        worker (a text page whose cached view was damaged, say) never shares its parent's.
        The parent's reader stays referenced, so that collecting it in the worker does not
        end the parent's git process."""
        if self._pid != os.getpid():
            self._parents.append(self._repo)
            self._repo = git.Repo(self.root)
            self._pid = os.getpid()
        odb: git.db.GitCmdObjectDB = self._repo.odb
        return odb

    def raw(self, blob: str) -> bytes:
        if blob == EMPTY_BLOB:
            return b""
        data: bytes = self._odb().stream(bytes.fromhex(blob)).read()
        return data

    def is_lfs_pointer(self, blob: str, size: int | None = None) -> bool:
        """Whether the blob is a Git LFS pointer (the text itself is in LFS storage, not in
        the repository: a clone without ``git lfs`` holds only these few lines); ``size``,
        when the caller knows it, saves asking git."""
        if size is None and blob != EMPTY_BLOB:
            size = self._odb().info(bytes.fromhex(blob)).size
        if blob == EMPTY_BLOB or size is None or size > _LFS_POINTER_MAX:
            return False
        return self.raw(blob).startswith(_LFS_POINTER)

    def lfs_pointers(self, blobs: list[str]) -> set[str]:
        """Those of ``blobs`` that are Git LFS pointers: their sizes are read in one call, and
        only the few small enough to be a pointer are read."""
        sizes = object_sizes(self.root, [b for b in dict.fromkeys(blobs) if b != EMPTY_BLOB])
        return {blob for blob, size in sizes.items() if self.is_lfs_pointer(blob, size)}

    def text(self, version: Version, diag: Diagnostics) -> str:
        """The version's text; invalid UTF-8 is replaced and reported, never fatal."""
        cached = self._recent.get(version.blob)
        if cached is not None:
            self._recent.move_to_end(version.blob)
            return cached
        data = self.raw(version.blob)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if version.blob not in self._reported:  # once per text, however often it is read
                self._reported.add(version.blob)
                diag.note(
                    Origin(version.path),
                    "text",
                    f"not valid UTF-8 at byte {exc.start} in commit {version.commit[:12]}; "
                    f"invalid bytes are shown as \ufffd{ARCHIVE_ONLY}",
                    version.commit,
                )
            text = data.decode("utf-8", errors="replace")
        text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
        self._recent[version.blob] = text
        if len(self._recent) > 8:
            self._recent.popitem(last=False)
        return text


def text_bytes(root: Path, blobs: set[str]) -> int:
    """The bytes of ``blobs`` in the git repository at ``root`` (their sizes only, read in
    one ``git cat-file --batch-check``); a blob git does not have counts nothing."""
    if not blobs:
        return 0
    listing = subprocess.run(
        ["git", "-C", str(root), "cat-file", "--batch-check=%(objectsize)"],
        input="".join(f"{blob}\n" for blob in sorted(blobs)).encode("ascii"),
        capture_output=True,
        check=False,
    ).stdout.split()
    return sum(int(size) for size in listing if size.isdigit())
