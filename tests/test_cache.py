"""The build cache only ever saves work: a cached build equals a build from scratch."""

import filecmp
import re
import shutil
from pathlib import Path

from helpers import TERMS_V3, Archive, build_into, build_site, make_site, mkdocs

from generator.cache import Namespace


def build(root: Path, out: str) -> Path:
    return build_into(root, root / out)


def no_no_op(root: Path) -> None:
    """Make the next build a build, not a no-op, by removing the last build's record: what
    the tests that call it check is how a build reuses the last one's output
    (tests/test_noop.py checks the no-op)."""
    shutil.rmtree(root / ".cache/govsite" / Namespace.LAST_BUILD, ignore_errors=True)


def rebuild(root: Path) -> int:
    """Build into ``site/`` again (as contributors do); how many folders were carried over
    (a build, not a no-op: :func:`no_no_op`)."""
    no_no_op(root)
    result = mkdocs(root, "build", "--strict", "-v", "-d", str(root / "site"))
    assert result.returncode == 0, result.stderr
    carried = re.search(r"govsite: (\d+) folders carried", result.stderr)
    assert carried is not None, result.stderr
    return int(carried.group(1))


def same_trees(a: Path, b: Path) -> list[str]:
    """Paths that differ between two built sites (missing, extra or different bytes)."""
    differences: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        differences.extend(prefix + n for n in cmp.left_only + cmp.right_only + cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(a, b), "")
    # filecmp compares shallowly by size and time; confirm byte by byte.
    for path in a.rglob("*"):
        other = b / path.relative_to(a)
        if path.is_file() and other.is_file() and path.read_bytes() != other.read_bytes():
            differences.append(str(path.relative_to(a)))
    return sorted(set(differences))


def fresh_build(root: Path, out: str) -> Path:
    shutil.rmtree(root / ".cache", ignore_errors=True)
    return build(root, out)


def test_cache_is_used_and_gives_identical_output(tmp_path: Path) -> None:
    make_site(tmp_path)
    first = build(tmp_path, "first")
    assert any((tmp_path / ".cache/govsite/page").rglob("*"))
    second = build(tmp_path, "second")
    assert same_trees(first, second) == []


def test_editing_a_yaml_file_shows_in_every_page_it_reaches(tmp_path: Path) -> None:
    make_site(tmp_path)
    rebuild(tmp_path)
    path = tmp_path / "content/provisions/acme/terms/liability-cap.yml"
    path.write_text(path.read_text().replace("Liability cap", "Renamed cap"))
    rebuild(tmp_path)
    after = tmp_path / "site"
    # the analysis page, and the marker on the frozen version page (a streamed page)
    assert "Renamed cap" in (after / "acme/terms/liability-cap/index.html").read_text()
    assert "Analysis: Renamed cap" in (after / "acme/terms/2024-02-01/index.html").read_text()
    assert "Renamed cap" in (after / "acme/terms/liability-cap/history/index.html").read_text()
    assert same_trees(after, fresh_build(tmp_path, "fresh")) == []


def test_editing_a_template_shows_on_cached_pages(tmp_path: Path) -> None:
    make_site(tmp_path)
    rebuild(tmp_path)
    override = tmp_path / "templates/pages/version.html"
    override.parent.mkdir(parents=True)
    original = (Path(__file__).parent.parent / "templates/pages/version.html").read_text()
    override.write_text(original.replace('section("text", "Text")', 'section("text", "Wording")'))
    rebuild(tmp_path)
    after = tmp_path / "site"
    assert '<h2 id="text">Wording</h2>' in (after / "acme/terms/2024-02-01/index.html").read_text()
    assert same_trees(after, fresh_build(tmp_path, "fresh")) == []


def test_a_new_commit_rebuilds_what_it_changes(tmp_path: Path) -> None:
    make_site(tmp_path)
    rebuild(tmp_path)
    Archive.existing(tmp_path).commit(
        "2024-09-01", {"sources/Acme/Terms of Service.md": TERMS_V3 + "\nNew clause.\n"}
    )
    assert rebuild(tmp_path) > 0  # the other documents' folders are reused
    after = tmp_path / "site"
    assert 'id="changes"' in (after / "acme/terms/2024-09-01/index.html").read_text()
    assert "2024-09-01" in (after / "acme/terms/index.html").read_text()
    assert same_trees(after, fresh_build(tmp_path, "fresh")) == []


def test_deleting_the_cache_is_safe(tmp_path: Path) -> None:
    make_site(tmp_path)
    first = build(tmp_path, "first")
    shutil.rmtree(tmp_path / ".cache")
    assert same_trees(first, build(tmp_path, "second")) == []


def test_a_rebuild_reuses_unchanged_folders_and_equals_a_fresh_build(tmp_path: Path) -> None:
    make_site(tmp_path)
    assert rebuild(tmp_path) == 0  # nothing to reuse the first time
    assert rebuild(tmp_path) > 0
    assert same_trees(tmp_path / "site", fresh_build(tmp_path, "fresh")) == []


def test_a_file_left_in_the_site_folder_is_not_carried_over(tmp_path: Path) -> None:
    make_site(tmp_path)
    rebuild(tmp_path)
    stray = tmp_path / "site/acme/terms/2024-02-01/stray.txt"
    stray.write_text("left by hand")
    rebuild(tmp_path)
    # mkdocs empties the site folder: a build never publishes what it did not make
    assert not stray.exists()
    assert same_trees(tmp_path / "site", fresh_build(tmp_path, "fresh")) == []


def test_a_build_without_the_cache_equals_a_cached_one(tmp_path: Path) -> None:
    make_site(tmp_path)
    cached = build(tmp_path, "cached")  # the dataset zip made in a background process
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - govsite", "  - govsite:\n      cache: false"))
    uncached = build(tmp_path, "uncached")  # everything made in this process
    assert (uncached / "data/dataset.tar.xz").is_file()
    assert same_trees(cached, uncached) == []


def test_tracked_clauses_read_back_from_the_cache_equal_those_kept_in_memory(
    tmp_path: Path,
) -> None:
    from dataclasses import replace

    config = make_site(tmp_path)
    Archive.existing(tmp_path).commit("2024-09-01", {"sources/Acme/Terms of Service.md": ""})
    Archive.existing(tmp_path).commit(
        "2024-10-01", {"sources/Acme/Terms of Service.md": TERMS_V3 + "\nBack.\n"}
    )
    in_memory = build_site(replace(config, cache_dir=None), render=False).model
    for _ in range(2):  # computed and stored; then read from the cache only
        stored = build_site(config, render=False).model
        assert in_memory is not None and stored is not None
        memory_doc = in_memory.documents["acme/terms"]
        stored_doc = stored.documents["acme/terms"]
        assert stored_doc.tracks._in_memory is None  # read from the cache, not held
        for kept, read in zip(memory_doc.versions, stored_doc.versions, strict=True):
            assert (
                memory_doc.clause_ids(kept), memory_doc.pairs(kept), memory_doc.changes(kept),
                kept.stats, kept.clause_count,
            ) == (
                stored_doc.clause_ids(read), stored_doc.pairs(read), stored_doc.changes(read),
                read.stats, read.clause_count,
            )  # fmt: skip
