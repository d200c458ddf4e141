"""The build cache holds data, never code (issue 19, item 6): an entry forged by whoever can
write the cache folder runs nothing when read, is removed and reported, and what it held is
computed again; compiled templates, which are code, only load when sealed on this machine."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import jinja2
import pytest
from helpers import make_site, mkdocs
from test_cache import build, fresh_build, same_trees

from generator import cache as cache_module
from generator.cache import Cache, Namespace, local_key, seal
from generator.render.environment import bytecode_cache


class Payload:
    """What an attacker writes: unpickling it runs a command that leaves a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def forged(marker: Path) -> bytes:
    return pickle.dumps(Payload(marker), protocol=pickle.HIGHEST_PROTOCOL)


@pytest.fixture(autouse=True)
def own_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    local_key.cache_clear()


def test_a_forged_entry_with_a_valid_seal_runs_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    marker = tmp_path / "ran"
    cache = Cache(tmp_path / "cache")
    cache.write_bytes("views", "ab" * 32, forged(marker))  # sealed as any writer can
    assert cache.get("views", "ab" * 32) is None
    assert not marker.exists()
    assert not cache.exists("views", "ab" * 32)  # removed, and reported
    assert "not cached data" in caplog.text


def test_a_forged_records_index_or_record_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    cache = Cache(tmp_path / "cache")
    # Records written elsewhere (another key, or none): their index fails its check.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.environ["XDG_STATE_HOME"] = str(elsewhere)
    local_key.cache_clear()
    cache.write_records("clauses", "cd" * 32, [("0", forged(marker))])
    os.environ["XDG_STATE_HOME"] = str(tmp_path / "state")
    local_key.cache_clear()
    assert not cache.intact_records("clauses", "cd" * 32, data=True)
    assert not marker.exists()
    # Without a key here, every record is checked to be data before it is relied on.
    os.environ["XDG_STATE_HOME"] = "/proc/no-key-here"
    local_key.cache_clear()
    assert local_key() is None
    cache.write_records("clauses", "cd" * 32, [("0", forged(marker))])
    assert not cache.intact_records("clauses", "cd" * 32, data=True)
    assert not marker.exists()
    os.environ["XDG_STATE_HOME"] = str(tmp_path / "state")
    local_key.cache_clear()
    # An index that is itself a forged pickle, sealed as anyone without the key can.
    path = cache._writable("clauses", "ef" * 32)
    path.parent.mkdir(parents=True, exist_ok=True)
    index = forged(marker)
    unkeyed = cache_module._bound("ef" * 32)
    unkeyed.update(index)
    trailer = (0).to_bytes(8, "little") + unkeyed.digest()
    path.write_bytes(index + trailer + cache_module._MAGIC)
    assert cache.records("clauses", "ef" * 32) is None
    assert not marker.exists()


def test_the_cached_values_of_a_build_are_all_data(tmp_path: Path) -> None:
    """Every type the cache stores is listed: a second build finds its entries, none of
    them refused (a refused one would be reported, failing the strict build)."""
    make_site(tmp_path)
    build(tmp_path, "first")
    cache = Cache(tmp_path / ".cache/govsite")
    read = 0
    for namespace in (
        Namespace.VIEWS,
        Namespace.ALIGN,
        Namespace.TRACKS,
        Namespace.ANCHORS,
        Namespace.PAGES,
        Namespace.FILES,
        Namespace.FEED_DIFFS,
        Namespace.RENAMES,
    ):
        folder = tmp_path / ".cache/govsite" / namespace
        for entry in folder.rglob("*") if folder.is_dir() else ():
            if entry.is_file() and not entry.name.startswith(".tmp"):
                assert cache.get(namespace, entry.name) is not None, entry
                read += 1
    assert read > 10
    for entry in (tmp_path / ".cache/govsite/clauses").rglob("*"):
        if entry.is_file():
            assert cache.intact_records(Namespace.CLAUSES, entry.name, data=True), entry


def test_every_entry_forged_gives_the_site_a_fresh_cache_gives(tmp_path: Path) -> None:
    make_site(tmp_path)
    build(tmp_path, "first")
    marker = tmp_path / "ran"
    root = tmp_path / ".cache/govsite"
    forged_entries = 0
    for namespace in ("views", "align", "tracks", "anchors", "pages", "files"):
        for entry in (root / namespace).rglob("*"):
            if entry.is_file():
                entry.write_bytes(seal(forged(marker), entry.name))
                forged_entries += 1
    for entry in (root / "clauses").rglob("*"):
        if entry.is_file():
            cache = Cache(root)
            cache.write_records("clauses", entry.name, [("0", forged(marker))])
    assert forged_entries > 10
    result = mkdocs(tmp_path, "build", "-d", str(tmp_path / "again"))
    assert result.returncode == 0, result.stderr
    assert not marker.exists()
    assert "not cached data" in result.stderr
    assert same_trees(tmp_path / "again", fresh_build(tmp_path, "fresh")) == []


def test_compiled_templates_load_only_when_sealed_on_this_machine(tmp_path: Path) -> None:
    loader = jinja2.DictLoader({"t.html": "{{ 1 + 1 }}"})
    first = bytecode_cache(tmp_path / "cache")
    assert first is not None
    jinja2.Environment(loader=loader, bytecode_cache=first).get_template("t.html")
    (entry,) = (tmp_path / "cache/jinja").iterdir()
    # Another machine's cache: a different key made it.
    stolen = tmp_path / "other.key"
    shutil.move(tmp_path / "state/govsite/cache.key", stolen)
    local_key.cache_clear()
    second = bytecode_cache(tmp_path / "cache")
    assert second is not None
    key = entry.name.removeprefix("govsite-").removesuffix(".cache")
    bucket = jinja2.bccache.Bucket(jinja2.Environment(), key, "")
    second.load_bytecode(bucket)
    assert bucket.code is None
    assert not entry.exists()  # removed, and compiled again when next needed


def test_compressed_entries_read_back_and_a_bomb_is_refused(tmp_path: Path) -> None:
    """Large values are stored compressed (Zstandard; entries written with zlib before
    still read), and an entry that would inflate past the limit is a miss, not a machine
    out of memory, whatever its frame says about its size."""
    import zlib

    import zstandard

    cache = Cache(tmp_path / "cache")
    value = {"words": ["clause"] * 5000}
    cache.put("views", "ab" * 32, value)
    stored = cache.read_bytes("views", "ab" * 32)
    assert stored is not None and stored[:4] == cache_module._ZSTD
    assert cache.get("views", "ab" * 32) == value
    pickled = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    cache.write_bytes("views", "cd" * 32, zlib.compress(pickled, 1))  # an older entry
    assert cache.get("views", "cd" * 32) == value
    cache.write_records("clauses", "ef" * 32, [("0", pickled)])
    records = cache.records("clauses", "ef" * 32)
    assert records is not None and records.get("0") == pickled
    records.close()
    # A broken frame, one that does not say its size, and one past the limit.
    with pytest.raises(ValueError):
        cache_module.unpack(cache_module._ZSTD + b"\0" * 8)
    streamed = zstandard.ZstdCompressor().compressobj()
    unsized = streamed.compress(b"\0" * 4096) + streamed.flush()
    assert zstandard.frame_content_size(unsized) == -1
    with pytest.raises(ValueError):
        cache_module.unpack(unsized)
    bomb = zstandard.ZstdCompressor().compress(b"\0" * (1 << 20))
    original = cache_module._INFLATED_MAX
    try:
        cache_module._INFLATED_MAX = (1 << 20) - 1
        with pytest.raises(ValueError, match="past the limit"):
            cache_module.unpack(bomb)
        cache.write_bytes("views", "12" * 32, bomb)
        assert cache.get("views", "12" * 32) is None
    finally:
        cache_module._INFLATED_MAX = original
