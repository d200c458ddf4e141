"""Permanence under attack and faults (issue 11, items 19-20): untrusted text cannot hide a
broken anchor, a file that is not a manifest is reported, and a history rewrite that keeps
the texts has a documented, checked way out."""

import os
from pathlib import Path

import pytest
from helpers import (
    TERMS_V1,
    TERMS_V2,
    TERMS_V3,
    Archive,
    build_into,
    git,
    make_site,
    mkdocs,
    sitemap_text,
)
from helpers import run_cli as run

from generator import urls
from generator.publish.manifest import MANIFEST_NAME, read_manifest

TERMS = "sources/Acme/Terms of Service.md"


# 19. Markers that text can contain are not trusted


def test_archive_text_cannot_hide_a_broken_anchor_or_leave_the_sitemap(tmp_path: Path) -> None:
    make_site(tmp_path)
    first = build_into(tmp_path, tmp_path / "first")
    old_manifest = read_manifest(first / MANIFEST_NAME)
    assert "data" in old_manifest["acme/terms/"]  # the "## Data" heading's anchor
    hostile = TERMS_V3.replace("## Data\n", 'data-govsite-retired <h1 data-govsite-retired="x">\n')
    Archive.existing(tmp_path).commit("2024-09-01", {TERMS: hostile})
    second = build_into(tmp_path, tmp_path / "site")
    manifest = read_manifest(second / MANIFEST_NAME)
    assert manifest["acme/terms/2024-09-01/"] != []
    sitemap = sitemap_text(second)
    assert (
        "acme/terms/2024-09-01/" in sitemap
        and "<loc>https://test.example/acme/terms/</loc>" in (sitemap)
    )
    code, output = run(tmp_path, "check", "--against", str(first / MANIFEST_NAME))
    assert code == 1
    assert (
        f"{first / MANIFEST_NAME}:1:1: acme/terms/#data: published anchor no longer resolves"
        in (output)
    )


def test_a_retired_page_still_stands_for_the_whole_old_page(tmp_path: Path) -> None:
    make_site(tmp_path)
    first = build_into(tmp_path, tmp_path / "first")
    (tmp_path / "content/provisions/acme/terms/liability-cap.yml").unlink()
    (tmp_path / "content/retired.yml").write_text(
        "acme/terms/liability-cap/:\n  retired: 2024-07-01\n  reason: Withdrawn.\n"
    )
    second = build_into(tmp_path, tmp_path / "site")
    manifest = read_manifest(second / MANIFEST_NAME)
    assert manifest["acme/terms/liability-cap/"] == []
    assert "acme/terms/liability-cap/" not in sitemap_text(second)
    code, output = run(tmp_path, "check", "--against", str(first / MANIFEST_NAME))
    assert code == 0, output


@pytest.mark.parametrize(
    ("content", "position", "reason"),
    [
        (b"not json at all", "1:1", "not a govsite manifest (not JSON: Expecting value)"),
        (b'{"format": 1,\n "urls": [1, 2]}', "1:1", "not a govsite manifest (expected"),
        (b'{"format": 1, "urls": {"a/": "x"}}', "1:1", "the anchors of 'a/' are not a list"),
        (b'{"format": 1,\n "urls": {\n "a/": [1]}}', "1:1", "the anchors of 'a/' are not a list"),
        (b"\xff\xfe", "1:1", "not a govsite manifest (not UTF-8)"),
        (b'{"format": 1,\n "urls": {,}}', "2:11", "not JSON: Expecting property name"),
        (b"[" * 100_000, "1:1", "not a govsite manifest"),
        (b"", "1:1", "not JSON"),
        (b'{"format": 99, "urls": {}}', "1:1", "manifest format 99 is not one this govsite reads"),
        (b'{"format": 1, "urls": {"' + b"a" * 3000 + b'": []}}', "1:1", "is too long"),
    ],
)
def test_check_against_a_file_that_is_not_a_manifest_reports_it(
    tmp_path: Path, content: bytes, position: str, reason: str
) -> None:
    make_site(tmp_path)
    build_into(tmp_path, tmp_path / "site")
    other = tmp_path / "other.json"
    other.write_bytes(content)
    code, output = run(tmp_path, "check", "--against", str(other))
    assert code == 1
    [line] = [line for line in output.splitlines() if line.startswith(str(other))]
    assert line.startswith(f"{other}:{position}: (file): ") and reason in line, line


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_check_against_what_is_not_a_file_stops_at_once(tmp_path: Path, kind: str) -> None:
    """Found in an adversarial run: /dev/zero ran out of memory, a FIFO waited forever."""
    make_site(tmp_path)
    build_into(tmp_path, tmp_path / "site")
    if kind == "fifo":
        other = tmp_path / "fifo"
        os.mkfifo(other)
    else:
        other = Path("/dev/zero")
    code, output = run(tmp_path, "check", "--against", str(other))
    assert code == 1
    assert f"{other}:1:1: (file): not a file (a manifest is a file a build wrote)" in output


# 20. Re-pointing published versions after a history rewrite


def reword_history(root: Path) -> None:
    """Rewrite every commit's message (as ``git rebase -i`` with "reword" would): new commit
    ids, the same texts and dates."""
    git(
        root,
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.invalid",
        "filter-branch",
        "-f",
        "--msg-filter",
        "sed 's/Acme Terms/Acme Terms of Service/'",
        "HEAD",
    )


def test_repoint_moves_published_versions_to_their_rewritten_commits(tmp_path: Path) -> None:
    make_site(tmp_path)
    first = build_into(tmp_path, tmp_path / "first")
    lock = tmp_path / "versions.lock"
    before = lock.read_text()
    reword_history(tmp_path)
    failed = mkdocs(tmp_path, "build", "-q", "-d", str(tmp_path / "failed"))
    assert failed.returncode != 0
    assert "govsite repoint acme/terms/2024-01-15" in failed.stderr
    code, output = run(tmp_path, "repoint", "--dry-run")
    assert code == 0, output
    assert output.count(" -> ") == 3 and "3 version(s) would be moved, 0 refused" in output
    assert lock.read_text() == before
    code, output = run(tmp_path, "repoint", "acme/terms/2024-02-01")
    assert code == 0 and "1 version(s) moved" in output
    code, output = run(tmp_path, "repoint")
    assert code == 0 and "2 version(s) moved" in output
    after = lock.read_text()
    assert after.count("# acme/terms ") == 3  # each move says what the commit was
    old_lines = [line.split("\t") for line in before.splitlines() if not line.startswith("#")]
    new_lines = [line.split("\t") for line in after.splitlines() if not line.startswith("#")]
    assert [(d, s, b) for d, s, _, b in old_lines] == [(d, s, b) for d, s, _, b in new_lines]
    assert all(old[2] != new[2] for old, new in zip(old_lines, new_lines, strict=True))
    second = build_into(tmp_path, tmp_path / "second")
    for page in ("acme/terms/2024-01-15/index.html", "acme/terms/2024-06-01/index.html"):
        assert (second / page).is_file()
    blob = new_lines[-1][3]  # the moved version's text keeps its URL (its blob id)
    assert (second / urls.text(blob)).is_file()
    code, output = run(
        tmp_path, "check", "--against", str(first / MANIFEST_NAME), "--site-dir", str(second)
    )
    assert code == 0, output
    code, output = run(tmp_path, "repoint")
    assert code == 0 and "0 version(s) moved" in output  # nothing left to move


def test_repoint_refuses_when_the_text_changed(tmp_path: Path) -> None:
    make_site(tmp_path, texts=(TERMS_V1, TERMS_V2), dates=("2024-01-15", "2024-02-01"))
    build_into(tmp_path, tmp_path / "first")
    lock = tmp_path / "versions.lock"
    before = lock.read_text()
    git(tmp_path, "reset", "-q", "--hard", "HEAD~1")
    Archive.existing(tmp_path).commit("2024-02-01", {TERMS: TERMS_V2 + "\nChanged.\n"})
    code, output = run(tmp_path, "repoint")
    assert code == 1
    assert "versions.lock:4:1: acme/terms/2024-02-01: no unpublished commit of acme/terms " in (
        output
    )
    assert lock.read_text() == before
    code, output = run(tmp_path, "repoint", "acme/terms/2024-01-15")
    assert code == 1 and "is still in the history" in output


def test_repoint_asks_which_commit_when_several_record_the_text(tmp_path: Path) -> None:
    make_site(tmp_path, texts=(TERMS_V1, TERMS_V2), dates=("2024-01-15", "2024-02-01"))
    build_into(tmp_path, tmp_path / "first")
    git(tmp_path, "reset", "-q", "--hard", "HEAD~1")
    archive = Archive.existing(tmp_path)
    one = archive.commit("2024-02-01", {TERMS: TERMS_V2}, "Reworded")
    archive.commit("2024-02-02", {TERMS: TERMS_V1}, "Back")
    archive.commit("2024-02-03", {TERMS: TERMS_V2}, "Again")
    code, output = run(tmp_path, "repoint")
    assert code == 1 and "2 commits record its text" in output
    assert "`govsite repoint acme/terms/2024-02-01 --commit ID`" in output
    code, output = run(tmp_path, "repoint", "acme/terms/2024-02-01", "--commit", one[:10])
    assert code == 0, output
    assert one in (tmp_path / "versions.lock").read_text()
    build_into(tmp_path, tmp_path / "second")


def test_repoint_checks_its_arguments_and_the_build_lock(tmp_path: Path) -> None:
    from generator.publish.lock import BuildLock, lock_path

    make_site(tmp_path)
    code, output = run(tmp_path, "repoint", "acme/terms/latest")
    assert code == 2 and "is not platform/document/YYYY-MM-DD[-N]" in output
    code, output = run(tmp_path, "repoint", "--commit", "abc1234")
    assert code == 2 and "--commit" in output
    lock = BuildLock(lock_path(tmp_path, tmp_path / ".cache/govsite"))
    lock.acquire(0)
    try:
        code, output = run(tmp_path, "repoint")
    finally:
        lock.release()
    assert code == 1 and "another build of this site is running" in output


# Found beyond the list


def test_one_commit_published_under_two_slugs_is_an_error(tmp_path: Path) -> None:
    make_site(tmp_path)
    build_into(tmp_path, tmp_path / "site")
    lock = tmp_path / "versions.lock"
    document, _slug, commit, blob = lock.read_text().splitlines()[2].split("\t")
    lock.write_text(lock.read_text() + f"{document}\t2030-01-01\t{commit}\t{blob}\n")
    code, output = run(tmp_path, "check")
    assert code == 1
    assert f"versions.lock:6:1: acme/terms: commit {commit[:12]} is published twice" in output


def test_a_lock_file_left_without_a_final_newline_stays_whole(tmp_path: Path) -> None:
    make_site(tmp_path)
    build_into(tmp_path, tmp_path / "site")
    lock = tmp_path / "versions.lock"
    lock.write_text(lock.read_text().rstrip("\n"))
    Archive.existing(tmp_path).commit("2024-09-01", {TERMS: TERMS_V3 + "\nNew.\n"})
    build_into(tmp_path, tmp_path / "site")
    lines = lock.read_text().splitlines()
    assert len(lines) == 2 + 4 and lines[-1].startswith("acme/terms\t2024-09-01\t")
    assert run(tmp_path, "check")[0] == 0


def test_a_lock_file_saved_with_a_byte_order_mark_still_reads(tmp_path: Path) -> None:
    make_site(tmp_path)
    build_into(tmp_path, tmp_path / "site")
    lock = tmp_path / "versions.lock"
    lock.write_bytes(b"\xef\xbb\xbf" + lock.read_bytes().replace(b"\n", b"\r\n"))
    code, output = run(tmp_path, "check")
    assert code == 0, output
