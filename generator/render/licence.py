"""The archive's own licence file, which the data page mentions and the dataset carries."""

from __future__ import annotations

from pathlib import Path

LICENCE_FILES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "LICENCE.md", "COPYING")
"""Names a licence file goes by, in the order they are looked for."""


def licence_text(archive_dir: Path) -> bytes:
    """The archive's licence file (b"" when it has none)."""
    for name in LICENCE_FILES:
        path = archive_dir / name
        if path.is_file():
            return path.read_bytes()
    return b""
