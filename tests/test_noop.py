"""A build whose inputs are all as the last successful build's leaves the site as it is: no
stage runs and the engine renders and copies nothing (counted in this process, never
timed); any changed input is noticed, and the last build's warnings are reported again."""

import logging
import os
from pathlib import Path
from typing import Any

import pytest
from helpers import TERMS_V3, Archive, make_site
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs.structure.files import File

from generator import pipeline
from generator.cache import Namespace


class Work:
    """What each build did: pipeline runs, pages and theme templates rendered, files
    copied."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.runs = self.pages = self.templates = self.copies = 0
        run, page = pipeline.run, mkdocs_build._build_page
        template, copy = mkdocs_build._build_theme_template, File.copy_file

        def counted_run(*args: Any, **kwargs: Any) -> pipeline.Build:
            self.runs += 1
            return run(*args, **kwargs)

        def counted_page(*args: Any, **kwargs: Any) -> None:
            self.pages += 1
            page(*args, **kwargs)

        def counted_template(*args: Any, **kwargs: Any) -> None:
            self.templates += 1
            template(*args, **kwargs)

        def counted_copy(file: File, *args: Any, **kwargs: Any) -> None:
            self.copies += 1
            copy(file, *args, **kwargs)

        monkeypatch.setattr(pipeline, "run", counted_run)
        monkeypatch.setattr(mkdocs_build, "_build_page", counted_page)
        monkeypatch.setattr(mkdocs_build, "_build_theme_template", counted_template)
        monkeypatch.setattr(File, "copy_file", counted_copy)

    def build(self, root: Path, *, strict: bool = False) -> None:
        """One ``mkdocs build`` in this process (what the command does)."""
        self.runs = self.pages = self.templates = self.copies = 0
        config = load_config(str(root / "mkdocs.yml"), strict=strict)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build.build(config)
        finally:
            config.plugins.on_shutdown()

    @property
    def nothing(self) -> bool:
        return (self.runs, self.pages, self.templates, self.copies) == (0, 0, 0, 0)


def site_files(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of the built site: its bytes and inode (a file written again is a new
    inode)."""
    site = root / "site"
    return {
        p.relative_to(site).as_posix(): (p.read_bytes(), p.stat().st_ino)
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Work:
    return Work(monkeypatch)


def test_a_no_op_build_runs_no_stage_and_renders_nothing(tmp_path: Path, work: Work) -> None:
    make_site(tmp_path)
    work.build(tmp_path)
    assert work.runs == 1 and work.pages > 0
    # The first build appended the slugs it assigned to versions.lock: not a change.
    assert (tmp_path / "versions.lock").read_text().count("acme/terms") == 3
    before = site_files(tmp_path)
    work.build(tmp_path)
    assert work.nothing, vars(work)
    assert site_files(tmp_path) == before
    assert not (tmp_path / ".site.govsite-new").exists()  # the engine's scratch folder
    work.build(tmp_path)
    assert work.nothing


def _commit(root: Path) -> None:
    Archive.existing(root).commit(
        "2024-09-01", {"sources/Acme/Terms of Service.md": TERMS_V3 + "\nNew.\n"}
    )


def _edit(path: str, old: str, new: str) -> Any:
    def change(root: Path) -> None:
        file = root / path
        text = file.read_text() if file.exists() else ""
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text.replace(old, new) if old else text + new)

    return change


CHANGES = {
    "archive commit": _commit,
    "content file": _edit("content/topics.yml", "title: Training", "title: Model training"),
    "hand-written page": _edit("content/pages/index.md", "", "\nMore.\n"),
    "site template": _edit("templates/pages/nothing.html", "", "<p>an override</p>\n"),
    "option": _edit("mkdocs.yml", "  - govsite\n", "  - govsite:\n      layout: large\n"),
    "engine setting": _edit("mkdocs.yml", "site_name: Test site", "site_name: Test site 2"),
    "archive licence file": _edit("sources/LICENSE", "", "CC0\n"),
    "lock file": _edit("versions.lock", "", "# a comment\n"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_changed_input_is_noticed(tmp_path: Path, work: Work, change: str) -> None:
    make_site(tmp_path)
    work.build(tmp_path)
    CHANGES[change](tmp_path)
    work.build(tmp_path)
    assert work.runs == 1 and work.pages > 0, change
    work.build(tmp_path)  # and then nothing, again
    assert work.nothing, change


def test_a_site_folder_changed_by_hand_is_built_again(tmp_path: Path, work: Work) -> None:
    make_site(tmp_path)
    work.build(tmp_path)
    (tmp_path / "site" / "index.html").unlink()
    work.build(tmp_path)
    assert work.runs == 1 and (tmp_path / "site" / "index.html").is_file()


def test_a_file_edited_by_hand_to_its_old_size_and_time_is_written_again(
    tmp_path: Path, work: Work
) -> None:
    make_site(tmp_path)
    work.build(tmp_path)
    page = tmp_path / "site/acme/terms/2024-02-01/index.html"
    before, data = page.stat(), page.read_bytes()
    at = data.index(b"100 dollars")
    page.write_bytes(data[:at] + b"999" + data[at + 3 :])
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    work.build(tmp_path)
    assert work.runs == 1 and page.read_bytes() == data


def test_a_damaged_record_of_the_last_build_is_reported_and_not_trusted(
    tmp_path: Path, work: Work, caplog: pytest.LogCaptureFixture
) -> None:
    make_site(tmp_path)
    work.build(tmp_path)
    [record] = (tmp_path / ".cache/govsite" / Namespace.LAST_BUILD).glob("*/*")
    data = record.read_bytes()
    record.write_bytes(data[:10] + bytes([data[10] ^ 1]) + data[11:])
    with caplog.at_level(logging.WARNING):
        work.build(tmp_path)
    assert work.runs == 1
    assert any("damaged build cache entry" in r.getMessage() for r in caplog.records)
    work.build(tmp_path)  # recorded again
    assert work.nothing


def test_a_no_op_build_reports_the_last_builds_warnings(
    tmp_path: Path, work: Work, caplog: pytest.LogCaptureFixture
) -> None:
    make_site(tmp_path)
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_url: https://test.example/\n", ""))
    with caplog.at_level(logging.WARNING):
        work.build(tmp_path)
    first = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("site_url" in message for message in first), first
    caplog.clear()
    before = site_files(tmp_path)
    with caplog.at_level(logging.WARNING), pytest.raises(Abort, match="strict mode"):
        work.build(tmp_path, strict=True)
    assert work.nothing
    again = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert again == first
    assert site_files(tmp_path) == before


def test_after_a_quiet_build_a_build_that_shows_warnings_runs(
    tmp_path: Path, work: Work, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``mkdocs build -q`` drops warnings before any handler sees them, so its record cannot
    say which it had: the next build that shows warnings is a real one."""
    make_site(tmp_path)
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_url: https://test.example/\n", ""))
    engine_log = logging.getLogger("mkdocs")
    monkeypatch.setattr(engine_log, "level", logging.ERROR)  # what -q does
    work.build(tmp_path)
    work.build(tmp_path)
    assert work.nothing  # quiet again: nothing would be shown either way
    monkeypatch.setattr(engine_log, "level", logging.NOTSET)
    with caplog.at_level(logging.WARNING):
        work.build(tmp_path)
    assert work.runs == 1
    assert any("site_url" in r.getMessage() for r in caplog.records)
    work.build(tmp_path)
    assert work.nothing
