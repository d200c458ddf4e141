"""Faults in the archive (issue 11, items 10-13): forged commit messages, impossible dates, file
names that are not text or hide characters, and partial clones."""

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from helpers import (
    TERMS_V1,
    TERMS_V2,
    Archive,
    build_into,
    build_site,
    git,
    init_site,
    make_site,
    run_cli,
)

from generator.archive import read_history
from generator.diagnostics import Diagnostics, Severity

TERMS = "sources/Acme/Terms of Service.md"


def forge_commit(repo: Path, author: str, committer: str, message: str) -> str:
    """A commit of the index with author and committer lines as given (dates git would not
    write itself), made the current branch's head."""
    tree = git(repo, "write-tree").strip()
    parent = git(repo, "rev-parse", "HEAD").strip()
    body = (
        f"tree {tree}\nparent {parent}\nauthor A <a@example.invalid> {author}\n"
        f"committer C <c@example.invalid> {committer}\n\n{message}\n"
    )
    made = subprocess.run(
        ["git", "-C", str(repo), "hash-object", "-t", "commit", "-w", "--stdin"],
        input=body.encode(),
        capture_output=True,
        check=True,
    )
    commit = made.stdout.decode().strip()
    git(repo, "update-ref", "HEAD", commit)
    return commit


# 10. Commit messages cannot forge versions


def test_a_commit_message_cannot_forge_a_version(tmp_path: Path) -> None:
    config = make_site(tmp_path, texts=(TERMS_V1,), dates=("2024-01-15",))
    archive = Archive.existing(tmp_path)
    forged = "\x1e" + "0" * 40 + "\x1f946684800\x1f"
    real = archive.commit("2024-02-01", {TERMS: TERMS_V2}, f"Record changes {forged} end")
    archive.commit("2024-03-01", {TERMS: TERMS_V2 + "\nMore.\n"}, "\x1f\x1ex" + forged * 3)
    result = build_site(config, record=True)
    assert [d for d in result.diagnostics if d.severity is Severity.ERROR] == []
    versions = result.histories.documents["acme/terms"].versions
    assert [v.date.strftime("%Y-%m-%d") for v in versions] == [
        "2024-01-15",
        "2024-02-01",
        "2024-03-01",
    ]
    assert versions[1].commit == real and versions[1].message.startswith("Record changes \x1e")
    lock = (tmp_path / "versions.lock").read_text()
    assert "0" * 40 not in lock and "2000-01-01" not in lock


def test_file_names_with_separators_are_paths_not_fields(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a")
    names = ["x\x1ey.md", "x\x1f946684800\x1f.md", "new\nline.md", ":100644 100644 a.md"]
    for name in names:
        (archive.path / name).write_text("text\n")
    git(archive.path, "add", "-A")
    archive.commit("2024-01-01", {}, "First")
    diag = Diagnostics()
    history = read_history(tmp_path / "a", diag)
    assert history is not None and list(diag) == []
    assert sorted(history.versions) == sorted(names)
    for versions in history.versions.values():
        assert [v.date.year for v in versions] == [2024]


def test_messages_in_other_encodings_are_read(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a")
    archive.commit("2024-01-01", {"a.md": "one\n"}, "First")
    git(archive.path, "add", "-A")
    (archive.path / "a.md").write_text("two\n")
    git(archive.path, "add", "a.md")
    forge_commit(
        archive.path,
        "1704200000 +0000",
        "1704200000 +0000",
        "caf\udce9".encode("utf-8", "surrogateescape").decode("latin-1"),
    )
    diag = Diagnostics()
    history = read_history(tmp_path / "a", diag)
    assert history is not None
    assert len(history.versions["a.md"]) == 2


# 11. Dates outside what a site can show


def test_an_author_date_past_year_9999_falls_back_to_the_committer_date(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a")
    archive.commit("2024-01-01", {"a.md": "one\n"}, "First")
    (archive.path / "a.md").write_text("two\n")
    git(archive.path, "add", "a.md")
    commit = forge_commit(archive.path, "299999999999 +0000", "1704200000 +0000", "Far")
    diag = Diagnostics()
    history = read_history(tmp_path / "a", diag)
    assert history is not None
    assert [v.date.strftime("%Y-%m-%d") for v in history.versions["a.md"]] == [
        "2024-01-01",
        "2024-01-02",
    ]
    [note] = list(diag)
    assert note.severity is Severity.NOTE and note.commit == commit  # the archive's to fix
    assert str(note).startswith(f"a.md:1:1: commit {commit[:12]}: its author date (299999999999)")


def test_commits_with_no_usable_date_are_errors(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a")
    archive.commit("2024-01-01", {"a.md": "one\n"}, "First")
    for author, committer in (
        ("-1000000 +0000", "-5 +0000"),
        ("99999999999999999999 +0000", "299999999999 +0000"),
        ("garbage", "also garbage"),
    ):
        (archive.path / "a.md").write_text(f"{author}\n")
        git(archive.path, "add", "a.md")
        forge_commit(archive.path, author, committer, "Bad date")
    diag = Diagnostics()
    history = read_history(tmp_path / "a", diag)
    assert history is not None
    assert len(history.versions["a.md"]) == 1
    assert len(diag.errors) == 3
    for error in diag.errors:
        assert error.origin.path == "a.md" and "cannot be dated" in error.reason


def test_a_site_with_an_undatable_commit_fails_check_cleanly(tmp_path: Path) -> None:
    make_site(tmp_path)
    (tmp_path / TERMS).write_text(TERMS_V2 + "\nLater.\n")
    git(tmp_path, "add", TERMS)
    forge_commit(tmp_path, "-1 +0000", "-1 +0000", "Record new changes")
    code, output = run_cli(tmp_path, "check")
    assert code == 1
    assert "Acme/Terms of Service.md:1:1: commit " in output and "cannot be dated" in output


def test_a_version_dated_in_the_future_or_before_the_one_it_follows_is_told(
    tmp_path: Path,
) -> None:
    """Found in an adversarial run: such dates were published for good without a word."""
    make_site(tmp_path, texts=(TERMS_V1,), dates=("2024-01-15",), provisions={})
    (tmp_path / TERMS).write_text(TERMS_V2)
    git(tmp_path, "add", "--", TERMS)
    future = forge_commit(tmp_path, "7258118400 +0000", "7258118400 +0000", "Record changes")
    (tmp_path / TERMS).write_text(TERMS_V2 + "\nMore.\n")
    git(tmp_path, "add", "--", TERMS)
    past = forge_commit(tmp_path, "31536000 +0000", "31536000 +0000", "Record changes")
    code, output = run_cli(tmp_path, "check", "--strict")
    # Only the archive's maintainers can change a commit's date: the publisher is told, and
    # --strict still passes (the history follows the commit order, whatever the dates).
    assert code == 0, output
    assert (
        f"sources/Acme/Terms of Service.md:1:1: (history): commit {future[:12]} is dated "
        "2200-01-01, after today" in output
    )
    assert (
        f"commit {past[:12]} is dated 1971-01-01, before a version it follows (2200-01-01, "
        f"commit {future[:12]})" in output
    )
    assert "2 note(s) on the archive" in output


# 12. File names that are not UTF-8, or hold invisible characters


def init_and_build(tmp_path: Path, names: list[str | bytes]) -> tuple[Path, str]:
    archive = Archive(tmp_path / "archive")
    for index, name in enumerate(names):
        path = os.fsdecode(name) if isinstance(name, bytes) else name
        archive.commit(
            f"2024-01-{index + 1:02d}", {path: f"# T\n\nText {index}.\n"}, "First record"
        )
    site = init_site(tmp_path, archive.path)
    code, output = run_cli(site, "check")
    assert code == 0, output
    build_into(site, site / "site")
    return site, output


def test_a_file_name_that_is_not_utf8_is_left_out_with_a_note(tmp_path: Path) -> None:
    site, output = init_and_build(tmp_path, ["Chat/Terms.md", b"Chat/Priv\xffacy.md"])
    assert (
        "Chat/Priv\\xffacy.md:1:1: (file name): this archived file's name is not valid UTF-8"
        in (output)
    )
    assert (site / "site/chat/terms/index.html").is_file()


def test_file_names_with_invisible_characters_can_be_declared(tmp_path: Path) -> None:
    names = ["Chat/Te\u200brms.md", "Chat/Pri\u202evacy.md", "Chat/Line\nbreak.md"]
    site, output = init_and_build(tmp_path, names)
    assert "ok: no errors, 0 warning(s)" in output
    built = site / "site"
    documents = sorted(p.parent.name for p in (built / "chat").glob("*/index.html"))
    assert documents == ["line-break", "privacy", "terms"]
    for page in built.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "\u202e" not in html and "\u200b" not in html, page


# 13. Partial clones


def partial_clone(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    archive = Archive(source)
    archive.commit("2024-01-01", {"Acme/Terms.md": "one\n"}, "First record")
    archive.commit("2024-02-01", {"Acme/Terms.md": "two\n"}, "Record new changes")
    git(source, "config", "uploadpack.allowfilter", "true")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--filter=blob:none", "--no-checkout", source.as_uri(), str(clone)],
        check=True,
        capture_output=True,
    )
    return clone


def test_a_partial_clone_is_refused_with_the_commands_that_complete_it(tmp_path: Path) -> None:
    clone = partial_clone(tmp_path)
    diag = Diagnostics()
    assert read_history(clone, diag) is None
    [error] = list(diag)
    assert "is a partial clone" in error.reason and "objects of its history are not in it" in (
        error.reason
    )
    command = re.search(r"`([^`]+)`", error.reason)
    assert command is not None
    for step in command.group(1).split("; "):
        subprocess.run(shlex.split(step), check=True, capture_output=True)
    diag = Diagnostics()
    history = read_history(clone, diag)
    assert history is not None and list(diag) == []
    assert len(history.versions["Acme/Terms.md"]) == 2


def test_a_partial_clone_without_its_remote_is_refused_not_crashed(tmp_path: Path) -> None:
    clone = partial_clone(tmp_path)
    git(clone, "remote", "remove", "origin")
    diag = Diagnostics()
    assert read_history(clone, diag) is None
    [error] = list(diag)
    assert "partial clone" in error.reason and "remote add origin URL" in error.reason
    site = tmp_path / "site"
    code, output = run_cli(tmp_path, "init", str(site), "--archive", str(clone))
    assert code == 1 and "partial clone" in output


def test_a_text_missing_from_a_full_clone_is_an_error_before_building(tmp_path: Path) -> None:
    make_site(tmp_path)
    blob = git(tmp_path, "rev-parse", "HEAD~1:" + TERMS).strip()
    (tmp_path / ".git/objects" / blob[:2] / blob[2:]).unlink()
    code, output = run_cli(tmp_path, "check")
    assert code == 1
    assert "Acme/Terms of Service.md:1:1: commit " in output
    assert f"(object {blob[:12]}) is missing from the archive's repository" in output


def test_a_text_repeating_one_paragraph_gets_its_ids_in_one_pass() -> None:
    # Found with a 3 MB text of repeated paragraphs: each new id searched its suffix from -2,
    # so 9,000 copies took minutes. The ids are the same as before, one step per copy.
    from generator.compare.align import carry_ids

    ids = carry_ids(None, None, ["Same."] * 20_000)
    assert ids[0].startswith("c") and ids[1:] == [f"{ids[0]}-{n}" for n in range(2, 20_001)]
    # An inherited id leaves a gap that the new copies fill in order around it.
    from generator.compare.align import Pair

    base = ids[0]
    again = carry_ids([base, f"{base}-2", f"{base}-3"], [Pair(1, 0, "equal")], ["Same."] * 4)
    assert again == [f"{base}-2", base, f"{base}-3", f"{base}-4"]


def test_user_git_settings_do_not_change_what_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "gitconfig"
    config.write_text(
        "[log]\n\tshowSignature = true\n[color]\n\tui = always\n[diff]\n\trelative = true\n"
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    archive = Archive(tmp_path / "a")
    archive.commit("2024-01-01", {"x/a.md": "one\n"}, "First")
    archive.commit("2024-02-01", {"x/a.md": "two\n"}, "Second")
    diag = Diagnostics()
    history = read_history(tmp_path / "a", diag)
    assert history is not None and list(diag) == []
    assert len(history.versions["x/a.md"]) == 2
