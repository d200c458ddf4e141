"""The archive's commit order is the history: a backdated commit keeps its place.

Open Terms Archive dates its technical upgrades with the snapshot's date, which can be before
the commit they follow. The site's latest version of every tracked document must be the
archive's current file, pages say what the dates say, and the fault is a note for the
publisher (never a warning that fails ``--strict``, never an annotation on a file outside
the site's repository), which the publisher can acknowledge in ``mkdocs.yml``.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from helpers import CORPORA, Archive, build_into, git, run_cli
from helpers import init_site as init_any_site

from generator.archive.documents import document_versions
from generator.archive.history import EMPTY_BLOB, VersionKind, read_history
from generator.config import load_site_config
from generator.diagnostics import Diagnostics, Severity


def backdated_archive(path: Path) -> dict[str, str]:
    """A fictional archive whose commits go back in time twice; the commits by label."""
    archive = Archive(path)
    commits = {
        "first": archive.commit(
            "2024-03-01", {"Nimbus/Terms.md": "# Terms\n\nOne. You may use it.\n"}, "First record"
        ),
        "second": archive.commit(
            "2024-04-01",
            {"Nimbus/Terms.md": "# Terms\n\nTwo. You may use it for good.\n"},
            "Record new changes of Nimbus Terms",
        ),
        # A technical upgrade dated with its snapshot's date: before the last commit.
        "upgrade": archive.commit(
            "2024-03-15",
            {"Nimbus/Terms.md": "# Terms\n\nTwo. You may use it for good!\n"},
            "Apply technical or declaration upgrade on Nimbus Terms",
        ),
        "third": archive.commit(
            "2024-03-20",
            {"Nimbus/Terms.md": "# Terms\n\nThree. You may use it for good only.\n"},
            "Record new changes of Nimbus Terms",
        ),
    }
    return commits


def test_versions_follow_the_commit_order_not_the_dates(tmp_path: Path) -> None:
    commits = backdated_archive(tmp_path / "a")
    diag = Diagnostics()
    history = read_history(tmp_path / "a", diag)
    assert history is not None
    versions = history.versions["Nimbus/Terms.md"]
    assert [v.commit for v in versions] == list(commits.values())
    assert [v.sequence for v in versions] == sorted(v.sequence for v in versions)
    # Both backdated commits are notes for the publisher, neither an error nor a warning.
    assert not diag.errors and not diag.warnings
    assert sorted(d.commit for d in diag.notes) == sorted([commits["upgrade"], commits["third"]])
    assert all(d.field == "(history)" for d in diag.notes)
    diag.acknowledge([commits["upgrade"][:7], commits["third"]])
    assert list(diag) == []


def test_a_renamed_document_follows_the_commit_order_across_its_paths(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a")
    archive.commit("2024-05-01", {"Nimbus/Terms.md": "# T\n\nOld words here.\n"}, "First record")
    moved = archive.commit(
        "2024-04-01",  # backdated: dating by date would put the move before the first record
        {"Nimbus/Terms.md": None, "Nimbus/Terms of Service.md": "# T\n\nOld words here.\n"},
        "Apply technical or declaration upgrade on Nimbus Terms of Service",
    )
    history = read_history(tmp_path / "a", Diagnostics())
    assert history is not None
    from generator.content.records import Document
    from generator.diagnostics import Origin

    document = Document(
        id="terms",
        platform="nimbus",
        title="Terms",
        source="Nimbus/Terms of Service.md",
        url="",
        type="Terms",
        origin=Origin("content/platforms/nimbus.yml"),
        former_sources=("Nimbus/Terms.md",),
    )
    versions = document_versions(document, history)
    assert [v.path for v in versions] == ["Nimbus/Terms.md", "Nimbus/Terms of Service.md"]
    assert versions[-1].commit == moved and versions[-1].kind is VersionKind.TECHNICAL


def init_site(tmp_path: Path, archive: Path) -> Path:
    return init_any_site(tmp_path, archive, "--archive-url", "https://git.example/archive.git")


def test_a_backdated_archive_builds_strict_and_its_pages_say_what_the_dates_say(
    tmp_path: Path,
) -> None:
    commits = backdated_archive(tmp_path / "archive")
    site = init_site(tmp_path, tmp_path / "archive")
    code, output = run_cli(site, "check", "--strict")
    assert code == 0, output
    assert "2 note(s) on the archive" in output
    assert f"commit {commits['upgrade'][:12]} is dated 2024-03-15, before a version it " in output
    code, output = run_cli(site, "check", "--strict", "--format", "github")
    assert code == 0, output
    notices = [line for line in output.splitlines() if line.startswith("::")]
    assert len(notices) == 2
    for line in notices:
        # Never an annotation on a file: the archive is not in the site's repository.
        assert line.startswith("::notice title=") and "file=" not in line.split("::")[1]
    out = build_into(site, site / "site")
    # The latest version is the archive's current file: the last commit, not the latest date.
    latest = (out / "nimbus/terms/index.html").read_text(encoding="utf-8")
    assert "Three. You may use it for good only." in latest
    third = (out / "nimbus/terms/2024-03-20/index.html").read_text(encoding="utf-8")
    assert "Recorded after the" in third and "version of 2024-04-01" in third
    assert "dated 2024-03-20" in third
    first = (out / "nimbus/terms/2024-03-01/index.html").read_text(encoding="utf-8")
    assert "Recorded after the" not in first
    history = latest[latest.index('id="history"') :]
    order = [history.index(f'id="v-{slug}"') for slug in ("2024-03-01", "2024-04-01")]
    order += [history.index(f'id="v-{slug}"') for slug in ("2024-03-15", "2024-03-20")]
    assert order == sorted(order, reverse=True)  # newest first, in commit order
    assert "(recorded after 2024-04-01)" in history


def test_the_publisher_can_acknowledge_a_known_note(tmp_path: Path) -> None:
    commits = backdated_archive(tmp_path / "archive")
    site = init_site(tmp_path, tmp_path / "archive")
    config = site / "mkdocs.yml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["plugins"][0]["govsite"]["acknowledge"] = [commits["upgrade"][:10]]
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, output = run_cli(site, "check", "--strict", "--format", "json")
    assert code == 0, output
    report = json.loads(output)
    assert report["notes"] == 1 and report["errors"] == 0 and report["warnings"] == 0
    assert commits["third"][:12] in report["problems"][0]["message"]
    assert commits["upgrade"][:12] not in output
    data["plugins"][0]["govsite"]["acknowledge"] = "abc"
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, output = run_cli(site, "check")
    assert code == 1
    assert "plugins.govsite.acknowledge: must be a list of commit ids, not 'abc'" in output


def current_files(archive: Path) -> dict[str, str]:
    """Every file of the archive's HEAD with its blob id."""
    listed = git(archive, "ls-tree", "-r", "-z", "HEAD")
    files = {}
    for entry in listed.split("\0"):
        if entry:
            meta, path = entry.split("\t", 1)
            files[path] = meta.split()[2]
    return files


def assert_latest_is_current(archive: Path) -> int:
    """Each archived file's last version (in the history as the site orders it) is the file
    at the archive's HEAD, or a removal when the file is gone; returns how many were checked."""
    history = read_history(archive, Diagnostics())
    assert history is not None
    current = current_files(archive)
    for path, versions in history.versions.items():
        last = versions[-1]
        if path in current:
            assert last.blob == current[path], path
        else:
            assert last.kind is VersionKind.REMOVAL and last.blob == EMPTY_BLOB, path
    assert set(current) <= set(history.versions) | {p for p in current if "/" not in p}
    return len(history.versions)


def test_the_latest_version_of_every_file_is_the_current_file(tmp_path: Path) -> None:
    backdated_archive(tmp_path / "a")
    assert assert_latest_is_current(tmp_path / "a") == 1


@pytest.mark.parametrize("corpus", ["genai-eu", "dsa-reports"])
def test_on_real_archives_the_latest_version_is_the_current_file(
    tmp_path: Path, corpus: str
) -> None:
    bundle = CORPORA / f"{corpus}-versions.bundle"
    if not bundle.exists():
        pytest.skip(f"real corpus not found at {bundle} (shared/corpora is absent)")
    archive = tmp_path / corpus
    subprocess.run(["git", "clone", "-q", str(bundle), str(archive)], check=True)
    assert assert_latest_is_current(archive) > 10
    # And through the documents the site declares (renames followed): init's declarations.
    site = init_site(tmp_path, archive)
    config = load_site_config(site / "mkdocs.yml", Diagnostics())
    assert config is not None
    from generator import pipeline

    build = pipeline.run(config, until="archive")
    assert not build.diagnostics.errors, build.diagnostics.errors[:3]
    assert not [d for d in build.diagnostics.warnings if "(history)" in d.field]
    current = current_files(archive)
    for key, found in build.histories.documents.items():
        last = found.versions[-1]
        source = found.document.source
        if source in current:
            assert last.blob == current[source], key
        else:
            assert last.kind is VersionKind.REMOVAL, key
    backdated = [d for d in build.diagnostics.notes if re.search(r"before a version", d.reason)]
    if corpus == "dsa-reports":
        assert backdated, "dsa-reports has a commit dated before one it follows"
    assert all(d.severity is Severity.NOTE for d in backdated)


def test_a_problem_in_a_file_outside_the_repository_is_never_an_annotation_on_it() -> None:
    from generator.cli.report import github_line
    from generator.diagnostics import Diagnostic, Origin

    error = Diagnostic(Origin("../archive/A/T.md", 1, 1), "commit abc", "text missing")
    line = github_line(error, "../archive/A/T.md")
    assert line.startswith("::error title=govsite::../archive/A/T.md:1:1: commit abc")
    assert "file=" not in line
    inside = github_line(error, "content/platforms/a.yml")
    assert inside.startswith("::error file=content/platforms/a.yml,line=1,col=1::")
