"""Reusing the previous build's folders: only what is provably unchanged is carried."""

import os
from pathlib import Path

from generator.publish.carry import (
    Clearing,
    Output,
    PreviousSite,
    discard_staging,
    journal_path,
    prepare_staging,
    publish,
    replaced_dir,
    restore_moves,
    set_aside,
    staging_dir,
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
    previous.move_in(site)
    swap_in(site)
    journal_path(site).unlink(missing_ok=True)
    previous.record(site)
    return writes, previous


def published(tmp_path: Path, files: dict[str, str]) -> PreviousSite:
    """A build stopped just after publishing, before its carried folders move in."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    previous = set_aside(site, cache)
    staging = prepare_staging(site)
    keys = publish(staging, [Writes().output(p, t) for p, t in files.items()], [], previous)
    previous.finish(staging, keys)
    return previous


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
    # feed.xml sits beside files govsite does not write (the root): carried on its own
    assert writes.paths == [] and previous.carried_files == 1
    assert tree(tmp_path / "site") == {**FILES, "doc/index.html": "doc page"}
    assert not list((tmp_path / "cache/carry").glob("*/previous"))  # leftovers are removed


def test_carried_folders_are_moved_not_copied(tmp_path: Path) -> None:
    """A carried folder is the previous site's own (its files keep their inodes), and the
    site it replaced keeps only what this build wrote again, for the next build to remove."""
    site = tmp_path / "site"
    build(tmp_path, FILES, {"doc/index.html": "doc page"})
    inode = (site / "doc/2024-01-01/index.html").stat().st_ino
    build(tmp_path, FILES, {"doc/index.html": "doc page"})
    assert (site / "doc/2024-01-01/index.html").stat().st_ino == inode
    assert (site / "doc/2024-01-01/index.html").stat().st_nlink == 1
    replaced = replaced_dir(site)
    assert sorted(tree(replaced)) == ["doc/index.html"]


def test_the_previous_site_stays_whole_until_the_swap(tmp_path: Path) -> None:
    """Carrying is decided while the build publishes, but nothing leaves the previous site
    until the build has succeeded: a build that fails after publishing, or whose swap
    fails, leaves it whole and carries its folders from it next time (a file carried on
    its own and moved back has a new change time: it is written again, to be safe)."""
    site = tmp_path / "site"
    build(tmp_path, FILES)
    previous = published(tmp_path, FILES)
    assert previous.carried == 2  # doc/, data/
    assert tree(site) == FILES
    previous.move_in(site)
    assert "doc/2024-01-01/index.html" not in tree(site)
    previous.move_back(site)  # the swap failed
    discard_staging(site)
    assert tree(site) == FILES and not journal_path(site).exists()
    writes, again = build(tmp_path, FILES)
    assert again.carried == 2 and writes.paths == ["feed.xml"]


def test_a_build_killed_while_moving_folders_in_is_undone_by_the_next(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(tmp_path, FILES)
    previous = published(tmp_path, FILES)
    previous.move_in(site)  # then the process is killed: the journal stays
    assert journal_path(site).is_file() and tree(site) == {}
    restore_moves(site)
    assert tree(site) == FILES and not journal_path(site).exists()
    writes, again = build(tmp_path, FILES)
    assert again.carried == 2 and writes.paths == ["feed.xml"]
    assert tree(site) == FILES


def test_a_journal_left_after_the_swap_moves_nothing_back(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(tmp_path, FILES)
    previous = published(tmp_path, FILES)
    previous.move_in(site)
    swap_in(site)  # killed just after: the journal names folders now in the new site
    restore_moves(site)
    assert tree(site) == FILES and not journal_path(site).exists()


def test_a_damaged_journal_is_dropped(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(tmp_path, FILES)
    journal_path(site).write_bytes(b'{"site_dir": "/", "paths": ["../../etc"]}')
    restore_moves(site)
    assert not journal_path(site).exists() and tree(site) == FILES


def test_a_file_written_into_a_carried_folder_after_publishing_stays(tmp_path: Path) -> None:
    """Another plugin's post-build step may write into a folder govsite carries: the
    carried files join it and its file is kept."""
    site = tmp_path / "site"
    build(tmp_path, FILES)
    previous = published(tmp_path, FILES)
    late = staging_dir(site) / "doc/2024-01-01/late.txt"
    late.parent.mkdir(parents=True)
    late.write_text("theirs")
    previous.move_in(site)
    swap_in(site)
    assert tree(site) == {**FILES, "doc/2024-01-01/late.txt": "theirs"}


def test_the_replaced_sites_folders_are_removed_by_the_next_build(tmp_path: Path) -> None:
    """What is left of the replaced site waits for the next build, whose removal of it
    leaves what it carries as the record says."""
    site = tmp_path / "site"
    build(tmp_path, FILES, {"doc/index.html": "doc page"})
    build(tmp_path, FILES, {"doc/index.html": "doc page"})
    replaced = replaced_dir(site)
    assert replaced.is_dir() and not (replaced / "doc/2024-01-01").exists()
    clearing = Clearing(site)
    clearing.join()
    assert not replaced.exists()
    writes, previous = build(tmp_path, FILES, {"doc/index.html": "doc page"})
    assert previous.carried == 3 and writes.paths == []
    assert tree(site) == {**FILES, "doc/index.html": "doc page"}


def test_a_changed_output_rewrites_itself_only(tmp_path: Path) -> None:
    """Its folders are not carried whole, but the files beside it are, one by one."""
    build(tmp_path, FILES, {"doc/index.html": "doc page"})
    changed = {**FILES, "doc/2024-01-01/changes/index.html": "c1 edited"}
    writes, previous = build(tmp_path, changed, {"doc/index.html": "doc page"})
    assert writes.paths == ["doc/2024-01-01/changes/index.html"]
    assert previous.carried_files == 2  # doc/2024-01-01/index.html, feed.xml
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
    # doc/2024-01-01/index.html, untouched beside the stray file, is carried on its own
    assert sorted(writes.paths) == [
        "data/versions/doc/2024-01-01.json",
        "doc/2024-02-01/index.html",
    ]


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
    assert previous.carried > 0 and writes.paths == []
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
    """Only its change time tells: carrying (which moves folders) does not stop the next
    build from carrying, while an edit after the build does."""
    site = tmp_path / "site"
    build(tmp_path, FILES)
    writes, _ = build(tmp_path, FILES)
    assert writes.paths == []  # a second build carries every folder and file
    page = site / "doc/2024-02-01/index.html"
    before = page.stat()
    page.write_text("v9")  # same size
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert page.stat().st_ino == before.st_ino and page.stat().st_size == before.st_size
    writes, _ = build(tmp_path, FILES)
    assert tree(site) == FILES
    assert "doc/2024-02-01/index.html" in writes.paths
    writes, _ = build(tmp_path, FILES)
    assert writes.paths == []


def test_a_file_beside_others_files_is_carried_only_when_untouched(tmp_path: Path) -> None:
    """A file of govsite's in a folder mkdocs also writes into (the root's feed, a
    document's feeds beside its page) is carried on its own: not when its key changed,
    nor when it was edited, replaced by a link, or removed by hand."""
    site = tmp_path / "site"
    foreign = {"doc/index.html": "doc page"}
    build(tmp_path, FILES, foreign)
    writes, previous = build(tmp_path, FILES, foreign)
    assert writes.paths == [] and previous.carried_files == 1
    writes, _ = build(tmp_path, {**FILES, "feed.xml": "feed 2"}, foreign)
    assert writes.paths == ["feed.xml"]
    (site / "feed.xml").write_text("by hand")
    writes, _ = build(tmp_path, {**FILES, "feed.xml": "feed 2"}, foreign)
    assert writes.paths == ["feed.xml"] and (site / "feed.xml").read_text() == "feed 2"
    outside = tmp_path / "outside.xml"
    outside.write_text("feed 2")
    (site / "feed.xml").unlink()
    (site / "feed.xml").symlink_to(outside)
    writes, _ = build(tmp_path, {**FILES, "feed.xml": "feed 2"}, foreign)
    assert writes.paths == ["feed.xml"] and not (site / "feed.xml").is_symlink()
    (site / "feed.xml").unlink()
    writes, _ = build(tmp_path, {**FILES, "feed.xml": "feed 2"}, foreign)
    assert writes.paths == ["feed.xml"]
    assert tree(site) == {**FILES, "feed.xml": "feed 2", **foreign}
