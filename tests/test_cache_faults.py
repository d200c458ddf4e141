"""The cache and the carried output under faults (issue 11, items 14-18): every input of a page
in its key, tampered output and damaged entries never published, one build at a time,
workers that die with their build, and failed builds that record nothing and keep the last
site."""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import ROOT, TERMS_V3, Archive, build_into, make_site, mkdocs, provision_yml
from test_cache import fresh_build, no_no_op, rebuild, same_trees

from generator.cache import Namespace
from generator.publish.lock import BuildLock, lock_path
from generator.workers import cores

VERSION_PAGE = "acme/terms/2024-02-01/index.html"  # a streamed (cached) history page


def set_theme(root: Path, extra: str) -> None:
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("  name: material\n", f"  name: material\n{extra}")
    )


# 14. Every input that shapes a page is in its key


def test_editing_the_theme_override_reaches_cached_history_pages(tmp_path: Path) -> None:
    make_site(tmp_path)
    set_theme(tmp_path, "  custom_dir: overrides\n")
    override = tmp_path / "overrides/main.html"
    override.parent.mkdir()
    override.write_text(
        '{% extends "base.html" %}\n{% block footer %}<p>Footer one</p>{% endblock %}\n'
    )
    rebuild(tmp_path)
    assert "Footer one" in (tmp_path / "site" / VERSION_PAGE).read_text()
    override.write_text(override.read_text().replace("Footer one", "Footer two"))
    rebuild(tmp_path)
    assert "Footer two" in (tmp_path / "site" / VERSION_PAGE).read_text()
    assert same_trees(tmp_path / "site", fresh_build(tmp_path, "fresh")) == []


def test_editing_an_inherited_file_or_a_variable_it_reads_reaches_cached_history_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_site(tmp_path)
    config = tmp_path / "mkdocs.yml"
    base = tmp_path / "base.yml"
    base.write_text("copyright: Copyright one\n")
    config.write_text("INHERIT: base.yml\n" + config.read_text())
    rebuild(tmp_path)
    assert "Copyright one" in (tmp_path / "site" / VERSION_PAGE).read_text()
    base.write_text("copyright: Copyright two\n")
    rebuild(tmp_path)
    assert "Copyright two" in (tmp_path / "site" / VERSION_PAGE).read_text()
    base.write_text("copyright: !ENV [GOVSITE_TEST_COPYRIGHT, none]\n")
    monkeypatch.setenv("GOVSITE_TEST_COPYRIGHT", "Notice one")
    rebuild(tmp_path)
    monkeypatch.setenv("GOVSITE_TEST_COPYRIGHT", "Notice two")
    rebuild(tmp_path)
    assert "Notice two" in (tmp_path / "site" / VERSION_PAGE).read_text()
    assert same_trees(tmp_path / "site", fresh_build(tmp_path, "fresh")) == []


# 15. A file edited in the site folder is never carried


def test_an_edit_that_keeps_size_and_modification_time_is_not_carried(tmp_path: Path) -> None:
    make_site(tmp_path)
    rebuild(tmp_path)
    rebuild(tmp_path)  # the folders are now carried from build to build
    page = tmp_path / "site" / VERSION_PAGE
    before = page.stat()
    data = page.read_bytes()
    index = data.index(b"100 dollars")
    page.write_bytes(data[:index] + b"999" + data[index + 3 :])
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert page.stat().st_size == before.st_size and page.stat().st_mtime_ns == before.st_mtime_ns
    rebuild(tmp_path)
    assert b"999 dollars" not in page.read_bytes()
    assert same_trees(tmp_path / "site", fresh_build(tmp_path, "fresh")) == []


# 16. Damaged cache entries are computed again, reported, never published


def flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "flipped byte": flip,
    "truncated": lambda data: data[: len(data) // 2],
    "emptied": lambda data: b"",
    "garbage appended": lambda data: data + b"garbage",
}
# Tracked clauses and page anchors are read only when the entries they go with are intact:
# they are damaged apart from the others (page anchors with the manifest's parts, since only
# a part made again reads them).
READ_WITH_INTACT_NEIGHBOURS = (Namespace.CLAUSES, Namespace.ANCHORS)
NOT_READ_HERE = {
    Namespace.RENAMES: "made only when the archive renames a document's file; read by "
    "Cache.get as views are",
    Namespace.CARRY: "the previous site's record: "
    "test_a_damaged_record_of_the_carried_site_is_not_trusted",
    Namespace.LOCKS: "build locks, not cached data",
    Namespace.LAST_BUILD: "the last build's record, read by a build into the same folder: "
    "test_noop.py::test_a_damaged_record_of_the_last_build_is_reported_and_not_trusted",
}
# Damaged together, each of these is read (and so reported) by the next build.
NAMESPACES = tuple(
    n for n in Namespace if n not in READ_WITH_INTACT_NEIGHBOURS and n not in NOT_READ_HERE
)


@pytest.mark.parametrize(
    ("damage", "namespaces"),
    [
        ("flipped byte", NAMESPACES),
        ("truncated", (*READ_WITH_INTACT_NEIGHBOURS, Namespace.MANIFEST)),
    ],
)
def test_damaged_cache_entries_are_never_published(
    tmp_path: Path, damage: str, namespaces: tuple[str, ...]
) -> None:
    make_site(tmp_path)
    reference = build_into(tmp_path, tmp_path / "first")
    cache = tmp_path / ".cache/govsite"
    for namespace in namespaces:
        entries = sorted(p for p in (cache / namespace).rglob("*") if p.is_file())
        assert entries, namespace
        for entry in entries:
            entry.write_bytes(DAMAGE[damage](entry.read_bytes()))
    result = mkdocs(tmp_path, "build", "-d", str(tmp_path / "second"))
    assert result.returncode == 0, result.stderr
    reported = {
        namespace
        for namespace in namespaces
        if f"damaged build cache entry {cache / namespace}" in result.stderr
    }
    assert reported == set(namespaces)
    assert "Traceback" not in result.stderr
    assert same_trees(reference, tmp_path / "second") == []
    if damage != "flipped byte":
        return
    # The entries were made again: the next build finds nothing to report.
    again = mkdocs(tmp_path, "build", "-d", str(tmp_path / "third"))
    assert "damaged build cache entry" not in again.stderr
    assert same_trees(reference, tmp_path / "third") == []


def test_an_intact_entry_under_another_key_is_not_used(tmp_path: Path) -> None:
    """Entries swapped between keys (each intact, sealed for its own key): an entry's check
    covers its name, so none stands for another key's output."""
    make_site(tmp_path)
    reference = build_into(tmp_path, tmp_path / "first")
    cache = tmp_path / ".cache/govsite"
    swapped = []
    for namespace in (*NAMESPACES, *READ_WITH_INTACT_NEIGHBOURS):
        entries = sorted(p for p in (cache / namespace).rglob("*") if p.is_file())
        if len(entries) < 2:
            continue
        contents = [p.read_bytes() for p in entries]
        for entry, content in zip(entries, contents[1:] + contents[:1], strict=True):
            entry.write_bytes(content)
        swapped.append(namespace)
    assert "page" in swapped and "views" in swapped
    result = mkdocs(tmp_path, "build", "-d", str(tmp_path / "second"))
    assert result.returncode == 0, result.stderr
    assert f"damaged build cache entry {cache / 'page'}" in result.stderr
    assert "Traceback" not in result.stderr
    assert same_trees(reference, tmp_path / "second") == []


@pytest.mark.parametrize("damage", DAMAGE)
def test_every_kind_of_entry_is_checked_when_read(
    tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    from generator.cache import Cache, copy_sealed, seal_file

    cache = Cache(tmp_path / "cache")
    cache.put(Namespace.VIEWS, "k1", {"a": [1, 2, 3]})
    cache.write_records(
        Namespace.CLAUSES, "k2", [("one", b"first" * 100), ("two", b"second" * 100)]
    )
    made = tmp_path / "made.zip"
    made.write_bytes(b"zip bytes" * 100)
    sealed = tmp_path / "cache/files/k3"
    sealed.parent.mkdir(parents=True)
    seal_file(made, sealed)
    for namespace, key in ((Namespace.VIEWS, "k1"), (Namespace.CLAUSES, "k2")):
        path = cache.entry_path(namespace, key)
        assert path is not None
        path.write_bytes(DAMAGE[damage](path.read_bytes()))
    sealed.write_bytes(DAMAGE[damage](sealed.read_bytes()))
    with caplog.at_level("WARNING", logger="mkdocs.plugins.govsite"):
        assert cache.get(Namespace.VIEWS, "k1") is None
        assert cache.read_record(Namespace.CLAUSES, "k2", "two") is None
        assert not copy_sealed(sealed, tmp_path / "out.zip")
    assert not (tmp_path / "out.zip").exists()
    damaged = [r for r in caplog.records if "damaged build cache entry" in r.getMessage()]
    assert len(damaged) == 3 and all(r.levelname == "WARNING" for r in damaged)
    assert not sealed.exists()  # removed, so the next build makes it again


def test_a_damaged_cache_entry_fails_a_strict_build_once(tmp_path: Path) -> None:
    make_site(tmp_path)
    reference = build_into(tmp_path, tmp_path / "first")
    [entry] = [p for p in (tmp_path / ".cache/govsite/dataset").rglob("*") if p.is_file()]
    entry.write_bytes(entry.read_bytes()[:1000])
    strict = mkdocs(tmp_path, "build", "--strict", "-d", str(tmp_path / "second"))
    assert strict.returncode != 0 and "damaged build cache entry" in strict.stderr
    assert same_trees(reference, build_into(tmp_path, tmp_path / "third")) == []


def test_a_damaged_record_of_the_carried_site_is_not_trusted(tmp_path: Path) -> None:
    make_site(tmp_path)
    rebuild(tmp_path)
    [state] = (tmp_path / ".cache/govsite/carry").rglob("state.json")
    state.write_bytes(flip(state.read_bytes()))
    no_no_op(tmp_path)
    result = mkdocs(tmp_path, "build", "-v", "-d", str(tmp_path / "site"))
    assert result.returncode == 0
    assert "damaged build cache entry" in result.stderr
    assert "govsite: 0 folders carried" in result.stderr
    assert same_trees(tmp_path / "site", fresh_build(tmp_path, "fresh")) == []


# 17. One build at a time; workers die with their build


def test_a_second_build_stops_with_a_clear_message_while_one_runs(tmp_path: Path) -> None:
    make_site(tmp_path)
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - govsite", "  - govsite:\n      lock_wait: 0"))
    lock = BuildLock(lock_path(tmp_path, tmp_path / ".cache/govsite"))
    lock.acquire(0)
    try:
        result = mkdocs(tmp_path, "build", "-q")
    finally:
        lock.release()
    assert result.returncode != 0
    assert f"another build of this site is running (process {os.getpid()}, started" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "versions.lock").exists()
    assert mkdocs(tmp_path, "build", "-q").returncode == 0


def test_concurrent_builds_of_one_site_wait_for_each_other(tmp_path: Path) -> None:
    make_site(tmp_path)
    rebuild(tmp_path)
    Archive.existing(tmp_path).commit(
        "2024-09-01", {"sources/Acme/Terms of Service.md": TERMS_V3 + "\nNew clause.\n"}
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    builds = [
        subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "-d", str(tmp_path / "site")],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [build.communicate(timeout=600)[1] for build in builds]
    for build, stderr in zip(builds, outputs, strict=True):
        assert build.returncode == 0, stderr
        assert "Traceback" not in stderr
    lock_lines = (tmp_path / "versions.lock").read_text().splitlines()
    assert len(lock_lines) == len(set(lock_lines))  # each new version recorded once
    assert same_trees(tmp_path / "site", fresh_build(tmp_path, "fresh")) == []


WORKER_SCRIPT = """
import os, sys, time
sys.path.insert(0, {root!r})
from generator import workers

folder = {folder!r}

def task(job):
    open(os.path.join(folder, str(os.getpid())), "w").close()
    time.sleep(300)

def background():
    open(os.path.join(folder, str(os.getpid())), "w").close()
    time.sleep(300)

workers.start(background, cache=True)
workers.run_all(task, range(8), tasks=8, cache=True)
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


@pytest.mark.skipif(cores() < 2 or not Path("/proc").is_dir(), reason="needs 2 cores and /proc")
def test_workers_end_when_their_build_is_killed(tmp_path: Path) -> None:
    folder = tmp_path / "pids"
    folder.mkdir()
    script = WORKER_SCRIPT.format(root=str(ROOT), folder=str(folder))
    main = subprocess.Popen([sys.executable, "-c", script])
    try:
        for _ in range(600):  # the background job and the pool's workers have started
            if len(list(folder.iterdir())) >= 1 + cores():
                break
            time.sleep(0.05)
        pids = [int(p.name) for p in folder.iterdir()]
        assert len(pids) >= 1 + cores()
        assert all(alive(pid) for pid in pids)
    finally:
        main.send_signal(signal.SIGKILL)
        main.wait()
    for _ in range(200):
        if not any(alive(pid) for pid in pids):
            break
        time.sleep(0.05)
    left = [pid for pid in pids if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []


# 18. A failed build records nothing and keeps the last site


def test_a_build_failing_strict_records_no_version(tmp_path: Path) -> None:
    stale = provision_yml(quote="We may use your content to train our models.", topic="training")
    make_site(tmp_path, provisions={"acme/terms/training": stale})
    strict = mkdocs(tmp_path, "build", "--strict")  # (-q would hide the warnings it fails on)
    assert strict.returncode != 0 and "the analysis may be stale" in strict.stderr
    assert not (tmp_path / "versions.lock").exists()
    assert mkdocs(tmp_path, "build", "-q").returncode == 0
    assert len((tmp_path / "versions.lock").read_text().splitlines()) == 2 + 3


def test_a_build_failing_on_its_inputs_leaves_the_last_site(tmp_path: Path) -> None:
    make_site(tmp_path)
    rebuild(tmp_path)
    kept = shutil.copytree(tmp_path / "site", tmp_path / "kept")
    lock_before = (tmp_path / "versions.lock").read_text()
    Archive.existing(tmp_path).commit(
        "2024-09-01", {"sources/Acme/Terms of Service.md": TERMS_V3 + "\nNew clause.\n"}
    )
    provision = tmp_path / "content/provisions/acme/terms/liability-cap.yml"
    good = provision.read_text()
    provision.write_text(good.replace("topic: 'liability'", "topic: 'nope'"))
    failed = mkdocs(tmp_path, "build", "-q", "-d", str(tmp_path / "site"))
    assert failed.returncode != 0 and "unknown topic 'nope'" in failed.stderr
    assert same_trees(kept, tmp_path / "site") == []
    assert (tmp_path / "versions.lock").read_text() == lock_before
    provision.write_text(good)
    assert rebuild(tmp_path) > 0  # the kept site is still carried from
    assert same_trees(tmp_path / "site", fresh_build(tmp_path, "fresh")) == []


def test_a_build_failing_in_the_theme_puts_the_last_site_back(tmp_path: Path) -> None:
    make_site(tmp_path)
    set_theme(tmp_path, "  custom_dir: overrides\n")
    override = tmp_path / "overrides/main.html"
    override.parent.mkdir()
    override.write_text('{% extends "base.html" %}\n')
    rebuild(tmp_path)
    kept = shutil.copytree(tmp_path / "site", tmp_path / "kept")
    override.write_text('{% extends "base.html" %}\n{% block content %}{{ 1 / 0 }}{% endblock %}\n')
    failed = mkdocs(tmp_path, "build", "-q", "-d", str(tmp_path / "site"))
    assert failed.returncode != 0
    assert same_trees(kept, tmp_path / "site") == []
    override.write_text('{% extends "base.html" %}\n')
    assert rebuild(tmp_path) > 0
    assert same_trees(tmp_path / "site", fresh_build(tmp_path, "fresh")) == []


def test_cache_entries_replaced_by_folders_or_links_are_rebuilt(tmp_path: Path) -> None:
    make_site(tmp_path)
    reference = build_into(tmp_path, tmp_path / "first")
    cache = tmp_path / ".cache/govsite"
    for namespace in ("files", "dataset", "page", "search"):
        entry = next(p for p in (cache / namespace).rglob("*") if p.is_file())
        entry.unlink()
        entry.mkdir()
    views = next(p for p in (cache / "views").rglob("*") if p.is_file())
    views.unlink()
    views.symlink_to(tmp_path / "mkdocs.yml")
    result = mkdocs(tmp_path, "build", "-d", str(tmp_path / "second"))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert same_trees(reference, tmp_path / "second") == []


def test_a_carried_folder_replaced_by_a_link_is_not_carried(tmp_path: Path) -> None:
    make_site(tmp_path)
    rebuild(tmp_path)
    rebuild(tmp_path)
    folder = tmp_path / "site/acme/terms/2024-02-01"
    elsewhere = tmp_path / "elsewhere"
    shutil.move(folder, elsewhere)  # the same files (same inodes), now outside the site
    folder.symlink_to(elsewhere, target_is_directory=True)
    rebuild(tmp_path)
    assert not folder.is_symlink() and folder.is_dir()
    assert same_trees(tmp_path / "site", fresh_build(tmp_path, "fresh")) == []


@pytest.mark.parametrize("cache", ["removed", "record damaged"])
def test_a_link_in_the_site_is_never_written_through(tmp_path: Path, cache: str) -> None:
    """Found in an adversarial run: with no usable record of the last build, mkdocs empties
    the site folder but leaves its links, and pages were written through them, elsewhere."""
    make_site(tmp_path)
    rebuild(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(tmp_path / "site/acme")
    (tmp_path / "site/acme").symlink_to(outside, target_is_directory=True)
    if cache == "removed":
        shutil.rmtree(tmp_path / ".cache")
    else:
        [state] = (tmp_path / ".cache/govsite/carry").rglob("state.json")
        state.write_bytes(flip(state.read_bytes()))
    result = mkdocs(tmp_path, "build", "-d", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert list(outside.iterdir()) == []
    assert not (tmp_path / "site/acme").is_symlink()
    assert same_trees(tmp_path / "site", fresh_build(tmp_path, "fresh")) == []


@pytest.mark.parametrize("damage", ["cache folder is a file", "lock file is a folder"])
def test_what_stands_where_the_cache_goes_is_cleared(tmp_path: Path, damage: str) -> None:
    """Found in adversarial runs: both ended check, build and repoint in tracebacks."""
    make_site(tmp_path)
    cache = tmp_path / ".cache/govsite"
    if damage == "cache folder is a file":
        cache.parent.mkdir()
        cache.write_text("not a folder")
    else:
        lock = lock_path(tmp_path, cache)
        lock.mkdir(parents=True)
        (lock / "inside").write_text("x")
    for command in (["check"], ["repoint", "--dry-run"]):
        result = subprocess.run(
            [sys.executable, "-m", "generator", *command],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    built = mkdocs(tmp_path, "build", "-d", str(tmp_path / "site"))
    assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
    assert cache.is_dir() and lock_path(tmp_path, cache).is_file()
