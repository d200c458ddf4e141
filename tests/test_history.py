from pathlib import Path

import pytest
from helpers import Archive, git

from generator.archive import BlobReader, VersionKind, read_history
from generator.archive.history import EMPTY_BLOB
from generator.diagnostics import Diagnostics, Severity


def test_one_pass_yields_versions_with_kinds_and_dates(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a")
    first = archive.commit("2024-01-01", {"S/Terms.md": "one\n"}, "First record of S Terms")
    archive.commit("2024-02-01", {"S/Terms.md": "two\n"}, "Record new changes of S Terms")
    archive.commit(
        "2024-03-01", {"S/Terms.md": "two \n"}, "Apply technical or declaration upgrade on S Terms"
    )
    archive.commit("2024-04-01", {"S/Terms.md": None}, "Delete S Terms")
    archive.commit("2024-05-01", {"S/Other.md": ""}, "Start S Other")
    diag = Diagnostics()
    history = read_history(tmp_path / "a", diag)
    assert history is not None and not diag.items
    terms = history.versions["S/Terms.md"]
    assert [v.kind for v in terms] == [
        VersionKind.FIRST,
        VersionKind.CHANGE,
        VersionKind.TECHNICAL,
        VersionKind.REMOVAL,
    ]
    assert terms[0].commit == first
    assert terms[0].date.isoformat() == "2024-01-01T12:00:00+00:00"
    assert terms[0].subject == "First record of S Terms"
    assert terms[-1].blob == EMPTY_BLOB
    assert history.versions["S/Other.md"][0].blob == EMPTY_BLOB  # an empty file is a version
    assert history.versions["S/Other.md"][0].kind is VersionKind.FIRST


def test_archive_folder_inside_a_larger_repository(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    archive.commit("2024-01-01", {"sources/A/T.md": "x\n", "README.md": "not archived\n"})
    history = read_history(tmp_path / "sources", Diagnostics())
    assert history is not None
    assert history.prefix == "sources/"
    assert list(history.versions) == ["A/T.md"]


def test_author_date_is_converted_to_utc(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    archive.commit("2024-01-01T23:30:00-05:00", {"T.md": "x\n"})
    history = read_history(tmp_path, Diagnostics())
    assert history is not None
    assert history.versions["T.md"][0].date.isoformat() == "2024-01-02T04:30:00+00:00"


def test_renames_are_a_removal_and_a_first_record(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    archive.commit("2024-01-01", {"old.md": "text\n"})
    git(tmp_path, "mv", "old.md", "new.md")
    git(tmp_path, "commit", "-q", "-m", "rename", date="2024-02-01T00:00:00+00:00")
    history = read_history(tmp_path, Diagnostics())
    assert history is not None
    assert [v.kind for v in history.versions["old.md"]] == [VersionKind.FIRST, VersionKind.REMOVAL]
    assert [v.kind for v in history.versions["new.md"]] == [VersionKind.FIRST]


def test_merge_commits_count_once_against_first_parent(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    archive.commit("2024-01-01", {"T.md": "one\n"})
    git(tmp_path, "checkout", "-q", "-b", "side")
    archive.commit("2024-02-01", {"T.md": "two\n"})
    archive.commit("2024-02-02", {"T.md": "three\n"})
    git(tmp_path, "checkout", "-q", "main")
    git(tmp_path, "merge", "-q", "--no-ff", "-m", "merge side", "side", date="2024-03-01T00:00:00Z")
    history = read_history(tmp_path, Diagnostics())
    assert history is not None
    versions = history.versions["T.md"]
    assert [v.subject for v in versions] == ["Record new changes", "merge side"]


def test_invalid_utf8_is_a_note_naming_file_and_commit(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    commit = archive.commit("2024-01-01", {"T.md": b"caf\xe9 au lait\n"})
    diag = Diagnostics()
    history = read_history(tmp_path, diag)
    assert history is not None
    with BlobReader(history.root) as blobs:
        text = blobs.text(history.versions["T.md"][0], diag)
    assert text == "caf\ufffd au lait\n"
    [note] = diag.items
    assert note.severity is Severity.NOTE and note.commit == commit
    assert str(note).startswith(
        f"T.md:1:1: text: not valid UTF-8 at byte 3 in commit {commit[:12]}; invalid bytes are "
        "shown as \ufffd (only the archive's maintainers can change this"
    )


def test_shallow_clone_is_a_clear_error(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "full")
    archive.commit("2024-01-01", {"T.md": "one\n"})
    archive.commit("2024-02-01", {"T.md": "two\n"})
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{tmp_path / 'full'}", "shallow")
    diag = Diagnostics()
    assert read_history(tmp_path / "shallow", diag) is None
    [error] = diag.items
    assert "shallow clone" in error.reason and "git fetch --unshallow" in error.reason


def test_missing_archive_and_non_repository(tmp_path: Path) -> None:
    diag = Diagnostics()
    assert read_history(tmp_path / "nowhere", diag) is None
    (tmp_path / "plain").mkdir()
    assert read_history(tmp_path / "plain", diag) is None
    reasons = [d.reason for d in diag]
    assert reasons == [
        f"archive folder {tmp_path / 'nowhere'} does not exist",
        f"archive folder {tmp_path / 'plain'} is not inside a git repository",
    ]


def test_a_history_read_since_the_last_build_equals_one_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a cache, a build reads only the commits since the last build's head; what it
    gets is what reading the whole log gives, after new commits, a merge whose side branch
    touched the archive, and a history rewritten (then it reads the whole log again)."""
    import subprocess
    from types import SimpleNamespace

    from generator.archive import history as history_module
    from generator.cache import Cache, Namespace

    archive = Archive(tmp_path / "a")
    cache = Cache(tmp_path / "cache")
    logs: list[str] = []  # what each git log read: a range, or the whole history

    def run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        if "log" in args:
            logs.append(args[args.index("--") - 1])
        return subprocess.run(args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(
        history_module,
        "subprocess",
        SimpleNamespace(run=run, CalledProcessError=subprocess.CalledProcessError),
    )

    def same_as_whole() -> None:
        diag = Diagnostics()
        cached = read_history(tmp_path / "a", diag, cache=cache)
        whole = read_history(tmp_path / "a", Diagnostics())
        assert cached is not None and whole is not None and not diag.items
        assert cached.head == whole.head and cached.versions == whole.versions

    first = archive.commit("2024-01-01", {"S/Terms.md": "one\n"}, "First record of S Terms")
    same_as_whole()
    archive.commit("2024-02-01", {"S/Terms.md": "two\n"}, "Record new changes of S Terms")
    head = archive.commit("2024-02-02", {"README.md": "not a text\n"}, "Docs")
    logs.clear()
    same_as_whole()
    assert logs == [f"{first}..{head}", head]  # the cached read, then the whole one
    logs.clear()
    same_as_whole()
    assert logs == [head]  # nothing new: only the whole read runs git log
    git(tmp_path / "a", "checkout", "-q", "-b", "side")
    archive.commit("2024-03-01", {"S/Terms.md": "side\n"})
    git(tmp_path / "a", "checkout", "-q", "main")
    archive.commit("2024-03-02", {"S/Other.md": "other\n"})
    git(
        tmp_path / "a", "merge", "-q", "--no-ff", "-m", "merge", "side", date="2024-03-03T00:00:00Z"
    )
    same_as_whole()
    git(tmp_path / "a", "reset", "-q", "--hard", "HEAD~2")  # the history rewritten
    archive.commit("2024-04-01", {"S/Terms.md": "rewritten\n"}, "Record new changes of S Terms")
    same_as_whole()
    cached = read_history(tmp_path / "a", Diagnostics(), cache=cache)
    assert cached is not None
    assert [v.date.date().isoformat() for v in cached.versions["S/Terms.md"]] == [
        "2024-01-01",
        "2024-02-01",
        "2024-04-01",
    ]
    # An entry that does not read back as a log is read whole again.
    for key in cache.root.joinpath(Namespace.HISTORY).rglob("*"):  # type: ignore[union-attr]
        if key.is_file():
            cache.put(Namespace.HISTORY, key.name, ("not", "a", "log"))
    same_as_whole()
