"""The one reader of ``git log --raw -z`` (generator/archive/gitread.py), on outputs as git
writes them: what the archive's history and the analyses' revisions both rely on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import git

from generator.archive.gitread import LogFormatError, cat_objects, commit_message, parse_raw_log

A, B, C = "a" * 40, "b" * 40, "c" * 40
HEADER = re.compile(rb"^([0-9a-f]{40})((?: [0-9a-f]{40})*) ?\Z")
ZERO = "0" * 40


def log(*tokens: str) -> bytes:
    return b"".join(t.encode() + b"\0" for t in tokens)


def test_a_change_and_a_rename_each_take_their_paths() -> None:
    raw = log(
        f"{A} ",
        f"\n:000000 100644 {ZERO} {B} A",
        "Nimbus/Terms.md",
        f"{C} {A}",
        f"\n:100644 100644 {B} {B} R100",
        "Nimbus/Terms.md",
        "Nimbus/Terms of Service.md",
    )
    first, second = parse_raw_log(raw, HEADER)
    assert first.header[1] == A.encode()
    assert [(c.status, c.blob, c.mode, c.paths) for c in first.changes] == [
        ("A", B, b"100644", (b"Nimbus/Terms.md",))
    ]
    assert second.header[2] == f" {A}".encode()
    assert second.changes[0].paths == (b"Nimbus/Terms.md", b"Nimbus/Terms of Service.md")


def test_a_merge_combined_diff_has_one_path() -> None:
    raw = log(f"{C} {A} {B}", f"\n::100644 100644 100644 {A} {B} {C} MM", "x.yml")
    (merge,) = parse_raw_log(raw, HEADER)
    assert [(c.status, c.blob, c.mode, c.paths) for c in merge.changes] == [
        ("MM", C, b"100644", (b"x.yml",))
    ]


def test_a_file_named_like_a_commit_line_is_a_path() -> None:
    forged = f"{B}\n:100644 100644 {A} {B} M"
    raw = log(f"{A} ", f"\n:000000 100644 {ZERO} {B} A", forged)
    (commit,) = parse_raw_log(raw, HEADER)
    assert commit.changes[0].paths == (forged.encode(),)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (log(f"\n:000000 100644 {ZERO} {B} A", "x"), "a file change outside a commit"),
        (log(f"{A} ", f"\n:000000 100644 {B} A", "x"), "unexpected change line"),
        (log(f"{A} ") + f"\n:100644 100644 {B} {B} R100\0old".encode(), "without its path"),
        (log("not a commit"), "unexpected line"),
    ],
)
def test_anything_else_is_a_format_error(raw: bytes, reason: str) -> None:
    with pytest.raises(LogFormatError, match=reason):
        parse_raw_log(raw, HEADER)


def test_a_commit_message_is_decoded_as_its_encoding_header_says() -> None:
    head = (
        f"tree {A}\nauthor A <a@example.invalid> 0 +0000\ncommitter A <a@example.invalid> 0 +0000\n"
    )
    latin = (head + "encoding ISO-8859-1\n\n").encode() + "Caf\u00e9 r\u00e8gles\n".encode(
        "latin-1"
    )
    assert commit_message(latin) == "Caf\u00e9 r\u00e8gles"
    unknown = (head + "encoding no-such-encoding\n\nPlain \u00e9\n").encode()
    assert commit_message(unknown) == "Plain \u00e9"
    assert commit_message((head + "\nencoding fake\n\nNot a header\n").encode()).startswith(
        "encoding fake"
    )


def test_objects_are_read_by_their_size_whatever_they_hold(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "f.md").write_bytes(b"line\n\nmissing\n" + b"x" * 5000)
    git(tmp_path, "add", "f.md")
    git(tmp_path, "commit", "-q", "-m", f"{B} blob 3\nfake frame")
    commit = git(tmp_path, "rev-parse", "HEAD").strip()
    blob = git(tmp_path, "rev-parse", "HEAD:f.md").strip()
    found = cat_objects(tmp_path, [commit, blob])
    assert found[blob].kind == "blob" and found[blob].data.endswith(b"x" * 5000)
    assert commit_message(found[commit].data) == f"{B} blob 3\nfake frame"
    with pytest.raises(LogFormatError):
        cat_objects(tmp_path, [C])
