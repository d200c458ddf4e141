"""The pipeline's stages, one fixture file each (tests/fixtures/<stage>/*.txt), read as
their specification: each case is a title, an input and the output expected of the stage.
These run a stage alone, never a whole site; ``make golden`` rewrites the expected parts
after an intended change (then read the diff).

- ``content/*.txt``: content validation. Input: an analysis file, or a platform file; out:
  the problems ``govsite check`` reports, each with its file, line, field and reason.
- ``parse/blocks.txt``: an archived text cut into blocks (kind, heading level, source lines,
  text as a reader sees it).
- ``track/versions.txt``: a document's versions (texts separated by ``=== version ===``,
  ``=== technical ===`` for a technical re-extraction, ``=== removal ===``) to each
  version's clause ids and changes, word diffs written ``[-deleted-]{+inserted+}``.
- ``kinds/kinds.txt``: a document's versions, as above, to the kind of each version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from golden import FIXTURES, TextCase, check_text_case, read_text_cases
from helpers import build_site, make_site

from generator.archive.documents import DocumentHistory
from generator.archive.history import EMPTY_BLOB, Version, VersionKind
from generator.cache import Cache
from generator.compare.changes import Change
from generator.compare.kinds import version_kind
from generator.compare.track import DocumentTracks, track_document
from generator.config import SiteConfig
from generator.content.records import Document
from generator.diagnostics import Origin
from generator.text.blocks import parse_text
from generator.text.source import TextSource

SEPARATOR = re.compile(r"^=== (version|technical|removal) ===$", re.MULTILINE)
MESSAGES = {
    "first": "First record of Acme Terms of Service",
    "version": "Record new changes of Acme Terms of Service",
    "technical": "Apply technical or declaration upgrade on Acme Terms of Service",
    "removal": "Delete Acme Terms of Service",
}


def cases(*names: str) -> list[pytest.ParameterSet]:
    return [
        pytest.param(path, index, id=f"{path.stem}-{index}")
        for name in names
        for path in sorted((FIXTURES / name).glob("*.txt"))
        for index, _ in enumerate(read_text_cases(path))
    ]


def case_of(path: Path, index: int) -> TextCase:
    return read_text_cases(path)[index]


# --- content validation ------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SiteConfig]:
    """A small site (the Acme terms, three versions) without analyses: each case puts its
    file in, is checked, and takes it out."""
    root = tmp_path_factory.mktemp("content")
    return root, make_site(root, provisions={})


@pytest.mark.parametrize(("path", "index"), cases("content"))
def test_golden_content(path: Path, index: int, small_site: tuple[Path, SiteConfig]) -> None:
    root, config = small_site
    case = case_of(path, index)
    target = root / (
        "content/platforms/acme.yml"
        if path.stem == "platforms"
        else "content/provisions/acme/terms/case.yml"
    )
    before = target.read_bytes() if target.exists() else None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(case.input, encoding="utf-8")
    try:
        found = build_site(config, render=False).diagnostics.sorted()
    finally:
        if before is None:
            target.unlink()
        else:
            target.write_bytes(before)
    check_text_case(path, index, "".join(f"{d.severity.value}: {d}\n" for d in found))


# --- parse ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "index"), cases("parse"))
def test_golden_parse(path: Path, index: int) -> None:
    blocks = parse_text(case_of(path, index).input, "blob").blocks
    check_text_case(
        path,
        index,
        "".join(
            f"{b.kind}{b.level or ''} {b.line_start}-{b.line_end}: {_line(b.text)}\n"
            for b in blocks
        ),
    )


# --- track and kinds -----------------------------------------------------------------------


def tracked(text: str) -> tuple[list[Version], dict[str, str], DocumentTracks]:
    """A document whose versions are the texts of a case, tracked in memory."""
    parts = SEPARATOR.split(text)
    steps = [("first", parts[0]), *zip(parts[1::2], parts[2::2], strict=True)]
    versions: list[Version] = []
    texts: dict[str, str] = {}
    for number, (marker, body) in enumerate(steps):
        kind = {
            "first": VersionKind.FIRST,
            "technical": VersionKind.TECHNICAL,
            "removal": VersionKind.REMOVAL,
        }.get(marker, VersionKind.CHANGE)
        body = "" if kind is VersionKind.REMOVAL else body.strip("\n") + "\n"
        data = body.encode()
        blob = EMPTY_BLOB if kind is VersionKind.REMOVAL else _blob_id(data)
        texts[blob] = body
        versions.append(
            Version(
                path="Acme/Terms of Service.md",
                commit=f"{number + 1:040x}",
                blob=blob,
                date=dt.datetime(2024, 1, 1 + number, 12, tzinfo=dt.UTC),
                message=MESSAGES["first" if number == 0 else marker],
                kind=kind,
                sequence=number,
            )
        )
    document = Document(
        "acme", "terms", "Terms of Service", "Acme/Terms of Service.md",
        "https://acme.example/terms", "Terms of Service", Origin("content/platforms/acme.yml"),
    )  # fmt: skip
    history = DocumentHistory(document, versions, [f"v{n}" for n in range(len(versions))])
    source = TextSource(lambda version: texts[version.blob], Cache(None))
    return versions, texts, track_document(history, source)


def _blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _kinds(versions: list[Version], tracks: DocumentTracks) -> list[str]:
    return [
        version_kind(
            version.kind,
            index > 0 and versions[index - 1].kind is VersionKind.REMOVAL,
            found.kind,
        ).value
        for index, (version, found) in enumerate(zip(versions, tracks.versions, strict=True))
    ]


def _diff(change: Change) -> str:
    marks = {"=": "{}", "-": "[-{}-]", "+": "{{+{}+}}"}
    return _line("".join(marks[s.op].format(s.text) for s in change.segments))


def _line(text: str) -> str:
    """Text on one line of a fixture file: its line breaks written ``\\n``."""
    return text.replace("\\", "\\\\").replace("\n", "\\n")


@pytest.mark.parametrize(("path", "index"), cases("track"))
def test_golden_track(path: Path, index: int) -> None:
    versions, texts, tracks = tracked(case_of(path, index).input)
    lines: list[str] = []
    for number, kind in enumerate(_kinds(versions, tracks)):
        found = tracks.versions[number]
        lines.append(f"version {number + 1}: {kind}, {found.clauses} clauses")
        if versions[number].kind is VersionKind.REMOVAL:
            continue
        blocks = parse_text(texts[versions[number].blob], "b").blocks
        ids = tracks.clause_ids(number)
        lines += [f"  {ids[b.position]} {_line(b.text[:60])}" for b in blocks]
        for change in tracks.changes(number) if number else []:
            where = f"{list(change.old)} -> {list(change.new)}"
            detail = f": {_diff(change)}" if change.segments else ""
            links = "".join(
                f" (link {link.text}: {link.old} -> {link.new})" for link in change.links
            )
            lines.append(f"  {change.status} {where}{detail}{links}")
    check_text_case(path, index, "".join(f"{line}\n" for line in lines))


@pytest.mark.parametrize(("path", "index"), cases("kinds"))
def test_golden_kinds(path: Path, index: int) -> None:
    versions, _, tracks = tracked(case_of(path, index).input)
    check_text_case(path, index, ", ".join(_kinds(versions, tracks)) + "\n")
