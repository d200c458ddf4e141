"""Ready-made citations of a document version or an analysed provision."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass


@dataclass(slots=True, frozen=True)
class Citable:
    """What a citation names."""

    key: str
    """A citation key, e.g. ``nimbus-terms-2024-09-30``."""
    author: str
    """Who issued the text (the platform) or wrote it (analysis authors)."""
    title: str
    """The cited work's title."""
    date: dt.date
    """The version's recorded date, or the analysis's review date."""
    permalink: str
    """The frozen URL."""
    publisher: str
    """The site that archives it."""
    source_url: str = ""
    """Where the platform publishes the text."""
    content_hash: str = ""
    """The git blob id of the text."""
    version_label: str = ""
    """E.g. 'version recorded 2024-09-30'."""
    kind: str = "webpage"
    """CSL type."""
    wayback: str = ""
    """The Wayback Machine's capture of the source on the version's date, if it has one."""
    wayback_date: dt.date | None = None
    """The date ``wayback`` asks for: the cited version's (for an analysis, the version it
    read, not its review date)."""
    latest_url: str = ""
    """Where the cited work's latest state is, when the permalink names one revision of it
    (the general URL of an analysis, which moves)."""


_BIBTEX_SPECIAL = re.compile(r"([\\{}%&#_$^~])")


def _bibtex(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(
        lambda m: "\\" + m.group(1) if m.group(1) not in "\\^~" else "", text
    )


def _ris(text: str) -> str:
    return " ".join(text.split())


_BLUEBOOK_MONTHS = (
    "Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.",
)  # fmt: skip


def bluebook(c: Citable) -> str:
    day = f"{_BLUEBOOK_MONTHS[c.date.month - 1]} {c.date.day}, {c.date.year}"
    hash_part = f", content hash {c.content_hash[:12]}" if c.content_hash else ""
    source = f", {c.source_url}" if c.source_url else ""
    version = f", {c.version_label}" if c.version_label else ""
    return f"{c.author}, {c.title}{version} ({day}){source} (archived at {c.permalink}{hash_part})."


def apa(c: Citable) -> str:
    label = f" [{c.version_label[0].upper()}{c.version_label[1:]}]" if c.version_label else ""
    return f"{c.author}. ({c.date.year}, {c.date:%B} {c.date.day}). {c.title}{label}. {c.publisher}. {c.permalink}"


def bibtex(c: Citable) -> str:
    notes = [c.version_label, f"content hash {c.content_hash}" if c.content_hash else ""]
    if c.source_url:
        notes.append(f"source: \\url{{{c.source_url}}}")
    note = "; ".join(n for n in notes if n)
    fields = [
        f"  author       = {{{{{_bibtex(c.author)}}}}}",
        f"  title        = {{{{{_bibtex(c.title)}}}}}",
        f"  year         = {{{c.date.year}}}",
        f"  month        = {{{c.date.month}}}",
        f"  day          = {{{c.date.day}}}",
        f"  publisher    = {{{_bibtex(c.publisher)}}}",
        f"  howpublished = {{\\url{{{c.permalink}}}}}",
        f"  url          = {{{c.permalink}}}",
    ]
    if note:
        fields.append(f"  note         = {{{_bibtex(note) if not c.source_url else note}}}")
    return "@misc{" + c.key + ",\n" + ",\n".join(fields) + "\n}"


def csl_json(c: Citable) -> str:
    item: dict[str, object] = {
        "id": c.key,
        "type": c.kind,
        "title": c.title,
        "author": [{"literal": c.author}],
        "issued": {"date-parts": [[c.date.year, c.date.month, c.date.day]]},
        "publisher": c.publisher,
        "URL": c.permalink,
    }
    if c.version_label:
        item["version"] = c.version_label
    if c.content_hash or c.source_url:
        item["note"] = "; ".join(
            p
            for p in (
                f"content hash {c.content_hash}" if c.content_hash else "",
                f"source {c.source_url}" if c.source_url else "",
            )
            if p
        )
    return json.dumps([item], indent=2, ensure_ascii=False)


def ris(c: Citable) -> str:
    lines = [
        "TY  - ELEC",
        f"ID  - {c.key}",
        f"AU  - {_ris(c.author)}",
        f"TI  - {_ris(c.title)}",
        f"PY  - {c.date.year}",
        f"DA  - {c.date:%Y/%m/%d}",
        f"PB  - {_ris(c.publisher)}",
        f"UR  - {c.permalink}",
    ]
    if c.version_label:
        lines.append(f"ET  - {_ris(c.version_label)}")
    if c.content_hash:
        lines.append(f"N1  - content hash {c.content_hash}")
    if c.source_url:
        lines.append(f"N1  - source {c.source_url}")
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


FORMATS = (
    ("bluebook", "Bluebook-like", bluebook),
    ("apa", "APA", apa),
    ("bibtex", "BibTeX", bibtex),
    ("csl-json", "CSL-JSON", csl_json),
    ("ris", "RIS", ris),
)


def citations(c: Citable) -> list[tuple[str, str, str]]:
    """(id, label, text) for each format."""
    return [(fid, label, render(c)) for fid, label, render in FORMATS]


BROWSER_MADE = ("apa", "bibtex", "csl-json", "ris")
"""Formats a version page of the ``large`` layout leaves to the browser (``govsite.js`` makes
them from :func:`citable_data`): its first format stays in the page, readable without
JavaScript, beside the permalink, date, hash and source."""


def citable_data(c: Citable) -> dict[str, str]:
    """What ``govsite.js`` makes the :data:`BROWSER_MADE` formats from (empty fields left
    out)."""
    fields = {
        "key": c.key,
        "author": c.author,
        "title": c.title,
        "date": c.date.isoformat(),
        "permalink": c.permalink,
        "publisher": c.publisher,
        "source_url": c.source_url,
        "content_hash": c.content_hash,
        "version_label": c.version_label,
        "kind": c.kind,
    }
    return {name: value for name, value in fields.items() if value}
