"""Reusing the previous build's folders: only what is provably unchanged is carried."""

import os
from pathlib import Path

from generator.publish.carry import (
    Clearing,
    Output,
    PreviousSite,
    discard_staging,
    prepare_staging,
    publish,
    replaced_dir,
    set_aside,
    swap_in,
)


class Writes:
    """Outputs whose writes are counted."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def output(self, path: str, text: str) -> Output:
        def write(target: Path) -> None:
            self.paths.append(path)
            target.write_text(text)

        return Output(path, f"key:{text}", write)


def build(
    tmp_path: Path, files: dict[str, str], foreign: dict[str, str] | None = None
) -> tuple[Writes, PreviousSite]:
    """One build: into a staging folder, let "mkdocs" write ``foreign``, publish ``files``,
    then swap the staging folder in and record it."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    previous = set_aside(site, cache)
    staging = prepare_staging(site)
    for path, text in (foreign or {}).items():
        (staging / path).parent.mkdir(parents=True, exist_ok=True)
        (staging / path).write_text(text)
    writes = Writes()
    outputs = [writes.output(path, text) for path, text in files.items()]
    keys = publish(staging, outputs, list(foreign or {}), previous)
    previous.finish(staging, keys)
    swap_in(site)
    previous.record(site)
    return writes, previous


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text() for p in folder.rglob("*") if p.is_file()
    }


FILES = {
    "doc/2024-01-01/index.html": "v1",
    "doc/2024-01-01/changes/index.html": "c1",
    "doc/2024-02-01/index.html": "v2",
    "data/versions/doc/2024-01-01.json": "j1",
    "feed.xml": "feed",
}


def test_first_build_writes_everything(tmp_path: Path) -> None:
    writes, previous = build(tmp_path, FILES, {"doc/index.html": "doc page"})
    assert previous.carried == 0
    assert sorted(writes.paths) == sorted(FILES)
    assert tree(tmp_path / "site") == {**FILES, "doc/index.html": "doc page"}


def test_unchanged_folders_are_moved_back_not_written(tmp_path: Path) -> None:
    build(tmp_path, FILES, {"doc/index.html": "doc page"})
    writes, previous = build(tmp_path, FILES, {"doc/index.html": "doc page"})
    # doc/ holds a page govsite did not write: its version folders are carried one by one
    assert previous.carried == 3  # doc/2024-01-01/, doc/2024-02-01/, data/
    assert writes.paths == ["feed.xml"]  # files at the root are always written
    assert tree(tmp_path / "site") == {**FILES, "doc/index.html": "doc page"}
    assert not list((tmp_path / "cache/carry").glob("*/previous"))  # leftovers are removed


def test_the_replaced_sites_folders_are_removed_by_the_next_build(tmp_path: Path) -> None:
    """The replaced site's files go when the new site is swapped in (they share the carried
    files' inodes); its empty folders wait for the next build, whose removal of them leaves
    what it carries as the record says."""
    site = tmp_path / "site"
    build(tmp_path, FILES, {"doc/index.html": "doc page"})
    build(tmp_path, FILES, {"doc/index.html": "doc page"})
    replaced = replaced_dir(site)
    assert replaced.is_dir() and (replaced / "doc/2024-01-01").is_dir()
    assert not [p for p in replaced.rglob("*") if not p.is_dir()]
    clearing = Clearing(site)
    clearing.join()
    assert not replaced.exists()
    writes, previous = build(tmp_path, FILES, {"doc/index.html": "doc page"})
    assert previous.carried == 3 and writes.paths == ["feed.xml"]
    assert tree(site) == {**FILES, "doc/index.html": "doc page"}


def test_a_changed_output_rewrites_its_folder_only(tmp_path: Path) -> None:
    build(tmp_path, FILES, {"doc/index.html": "doc page"})
    changed = {**FILES, "doc/2024-01-01/changes/index.html": "c1 edited"}
    writes, _ = build(tmp_path, changed, {"doc/index.html": "doc page"})
    assert sorted(writes.paths) == [
        "doc/2024-01-01/changes/index.html",
        "doc/2024-01-01/index.html",
        "feed.xml",
    ]
    assert tree(tmp_path / "site") == {**changed, "doc/index.html": "doc page"}


def test_a_foreign_file_keeps_its_folder_from_being_carried(tmp_path: Path) -> None:
    build(tmp_path, FILES)
    writes, _ = build(tmp_path, FILES, {"data/versions/index.html": "theirs"})
    assert "data/versions/doc/2024-01-01.json" not in writes.paths  # its own folder is carried
    assert tree(tmp_path / "site")["data/versions/index.html"] == "theirs"


def test_files_added_removed_or_edited_by_hand_are_not_carried(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(tmp_path, FILES)
    (site / "doc/2024-01-01/stray.txt").write_text("by hand")
    (site / "doc/2024-02-01/index.html").write_text("edited")
    (site / "data/versions/doc/2024-01-01.json").unlink()
    writes, _ = build(tmp_path, FILES)
    assert tree(site) == FILES
    assert set(writes.paths) >= {
        "doc/2024-01-01/index.html",
        "doc/2024-02-01/index.html",
        "data/versions/doc/2024-01-01.json",
    }


def test_an_unfinished_build_leaves_the_previous_site_whole_and_reusable(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(tmp_path, FILES)
    interrupted = set_aside(site, cache)  # a build that fails before finishing
    assert interrupted.root is not None
    staging = prepare_staging(site)
    (staging / "doc/2024-01-01").mkdir(parents=True)
    (staging / "doc/2024-01-01/index.html").write_text("half-written")
    discard_staging(site)
    assert tree(site) == FILES
    writes, previous = build(tmp_path, FILES)
    assert previous.carried > 0 and writes.paths == ["feed.xml"]
    assert tree(site) == FILES


def test_another_site_folder_does_not_reuse_this_one(tmp_path: Path) -> None:
    build(tmp_path, FILES)
    other = set_aside(tmp_path / "elsewhere", tmp_path / "cache")
    assert other.root is None
    assert (tmp_path / "site/feed.xml").is_file()


def test_writers_are_called_with_their_target(tmp_path: Path) -> None:
    seen: list[Path] = []

    def write(target: Path) -> None:
        seen.append(target)
        target.write_text("x")

    site = tmp_path / "site"
    site.mkdir()
    publish(site, [Output("a/b.txt", "k", write)], [], PreviousSite(None, {}, None))
    assert seen == [site / "a/b.txt"]
    assert os.listdir(site / "a") == ["b.txt"]


def test_a_file_edited_in_place_to_its_old_size_and_time_is_not_carried(tmp_path: Path) -> None:
    """Only its change time tells: the record's clock is read after the replaced site's links
    are gone, so carrying (which links and unlinks) does not stop the next build from
    carrying, while an edit after the build does."""
    site = tmp_path / "site"
    build(tmp_path, FILES)
    writes, _ = build(tmp_path, FILES)
    assert writes.paths == ["feed.xml"]  # a second build carries every folder
    page = site / "doc/2024-02-01/index.html"
    before = page.stat()
    page.write_text("v9")  # same size
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert page.stat().st_ino == before.st_ino and page.stat().st_size == before.st_size
    writes, _ = build(tmp_path, FILES)
    assert tree(site) == FILES
    assert "doc/2024-02-01/index.html" in writes.paths
    writes, _ = build(tmp_path, FILES)
    assert writes.paths == ["feed.xml"]
