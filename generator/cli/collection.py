"""What an archive says about itself in its ``README.md`` and ``LICENSE``: the collection's
title, the licence of its texts and the attribution that licence requires.

Open Terms Archive collections carry both files. Their README's first heading names the
collection; a licence section links the licence by name and asks that works built from the
data credit someone, given in emphasis after "to"; and the opening paragraph names the
people or team who track the collection "using Open Terms Archive". A collection made from
Open Terms Archive's template may have left the template's blank (underscores and a pen
sign) where the credited names go: the maintainers named in the opening fill it. Both files
are untrusted text: only plain text comes out of here (no markup), and whoever writes it
into a page escapes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..render.licence import LICENCE_FILES
from ..text import safemd
from ..untrusted import clean_text

README_NAMES = ("README.md", "README", "Readme.md", "readme.md")
MAX_BYTES = 1_000_000
"""Larger files are not read (a README is a page or two)."""
MAX_LENGTH = 600
"""Longest value kept (a title, a licence name, an attribution)."""

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_LICENCE_LINK = re.compile(
    r"\bunder (?:an? |the )?\[([^\]\n]{2,80})\]\((https?://[^)\s]+)\)\s*licen[cs]e", re.IGNORECASE
)
_ATTRIBUTE_TO = re.compile(r"\battribut\w* [^\n]*?\bto\s+\*{1,2}([^*\n]{3,400})\*{1,2}")
_MAINTAINERS = re.compile(
    r"\b(?:tracked|maintained|curated) by\s+(.{3,400}?),?\s*(?:✍️|✍)?\s*using\s+\[?Open\sTerms\sArchive",
    re.IGNORECASE,
)
_BLANK = re.compile(r"(?:_\s*){3,}(?:✍️|✍)?")
_SIGN = re.compile(r"\s*(?:✍️|✍)\s*")


@dataclass(slots=True, frozen=True)
class Collection:
    """What an archive's own files say about it (each empty when they do not say)."""

    title: str = ""
    """The collection's title: the README's first heading, as plain text."""
    licence: str = ""
    """The licence of the texts: its name and, when the README links it, its address."""
    attribution: str = ""
    """Whom works built from the texts must credit."""
    licence_file: str = ""
    """The name of the archive's licence file, if it has one."""


def _read(folder: Path, names: tuple[str, ...]) -> tuple[str, str]:
    for name in names:
        path = folder / name
        try:
            if path.is_file() and path.stat().st_size <= MAX_BYTES:
                return name, path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return "", ""


def plain(markdown: str) -> str:
    """One line of plain text from a bit of Markdown (links keep their text)."""
    text = " ".join(safemd.markdown_to_text(clean_text(markdown)).split())
    return text[:MAX_LENGTH].strip()


def collection_title(readme: str) -> str:
    match = _HEADING.search(readme)
    return plain(match[1]) if match else ""


def licence_name(readme: str, licence_text: str) -> str:
    """'ODC-BY 1.0 (https://...)' from the README's licence sentence, else the licence
    file's first line ('ODC Attribution License (ODC-By)')."""
    match = _LICENCE_LINK.search(readme)
    if match:
        return f"{plain(match[1])} ({match[2]})"[:MAX_LENGTH]
    for line in licence_text.splitlines():
        if line.strip():
            first = plain(line.strip().lstrip("#"))
            return first if re.search(r"licen[cs]e|copyright", first, re.IGNORECASE) else ""
    return ""


def attribution(readme: str) -> str:
    """Whom to credit: the README's 'attribute ... to *X*', with the template's blank
    filled by the maintainers it names at the top; else those maintainers."""
    maintainers_match = _MAINTAINERS.search(readme)
    maintainers = plain(_SIGN.sub(" ", maintainers_match[1])) if maintainers_match else ""
    match = _ATTRIBUTE_TO.search(readme)
    if match:
        credited = match[1]
        if _BLANK.search(credited):
            if not maintainers:
                return ""
            credited = _BLANK.sub(maintainers + " ", credited, count=1)
        return plain(_SIGN.sub(" ", credited))
    if maintainers:
        return f"{maintainers} and Open Terms Archive contributors"[:MAX_LENGTH]
    return ""


def read_collection(archive: Path) -> Collection:
    """The collection's title, licence and attribution from the archive's root folder."""
    _, readme = _read(archive, README_NAMES)
    licence_file, licence_text = _read(archive, LICENCE_FILES)
    return Collection(
        title=collection_title(readme),
        licence=licence_name(readme, licence_text),
        attribution=attribution(readme),
        licence_file=licence_file,
    )
