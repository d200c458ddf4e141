"""Work spread over the worker processes gives the site a build in one process gives, byte
for byte: the render stage's platform, document and analysis pages, and the ``large``
layout's text pages and compressed texts written in the publish stage; and a worker
reads the archive through a git process of its own."""

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import Archive, git, make_site
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config

from generator import workers
from generator.archive.blobs import BlobReader

DOCUMENTS = 16


def many_documents(root: Path) -> None:
    """A ``large`` layout site whose platform declares :data:`DOCUMENTS` more documents,
    each with two versions: more pages and text folders than the pool takes as a job."""
    make_site(root)
    platform = yaml.safe_load((root / "content/platforms/acme.yml").read_text())
    for n in range(DOCUMENTS):
        platform["documents"][f"policy-{n}"] = {
            "title": f"Policy {n}",
            "source": f"Acme/Policy {n}.md",
            "url": f"https://acme.example/policy-{n}",
            "type": "Privacy Policy",
        }
    (root / "content/platforms/acme.yml").write_text(yaml.safe_dump(platform))
    archive = Archive.existing(root)
    for version, date in enumerate(("2024-07-01", "2024-08-01")):
        archive.commit(
            date,
            {
                f"sources/Acme/Policy {n}.md": f"# Policy {n}\n\n## Data\n\n"
                f"We keep your data for {n + 10 * version} days.\n"
                for n in range(DOCUMENTS)
            },
            "Record new changes of Acme policies",
        )
    config = yaml.safe_load((root / "mkdocs.yml").read_text())
    config["plugins"] = ["search", {"govsite": {"layout": "large"}}]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config))


def build(root: Path) -> dict[str, bytes]:
    """One ``mkdocs build`` in this process from scratch (no cache, no site): every file."""
    for left in (root / "site", root / ".cache"):
        shutil.rmtree(left, ignore_errors=True)
    config = load_config(str(root / "mkdocs.yml"), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build.build(config)
    finally:
        config.plugins.on_shutdown()
    site = root / "site"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.mark.skipif(workers.cores() < 2, reason="needs 2 cores for worker processes")
def test_pages_and_texts_made_by_workers_are_those_made_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    many_documents(tmp_path)
    pooled: list[str] = []
    in_pool = workers._in_pool

    def counted(task: Any, *args: Any) -> Any:
        pooled.append(task.__name__)
        return in_pool(task, *args)

    monkeypatch.setattr(workers, "_in_pool", counted)
    by_workers = build(tmp_path)
    # The pool did the work this test is about (the forked background jobs aside).
    assert {"_render_into_cache", "_write_pooled"} <= set(pooled), pooled

    pooled.clear()
    monkeypatch.setattr(workers, "cores", lambda: 1)
    in_one_process = build(tmp_path)
    assert pooled == []
    texts = [path for path in by_workers if path.startswith("texts/")]
    assert len([p for p in texts if p.endswith(".md.gz")]) >= 2 * DOCUMENTS
    assert len([p for p in texts if p.endswith(".html")]) >= 2 * DOCUMENTS
    assert sorted(by_workers) == sorted(in_one_process)
    differ = [path for path in by_workers if by_workers[path] != in_one_process[path]]
    assert differ == []


def _read_inherited(blob: str) -> bytes:
    reader = workers.inherited()
    assert isinstance(reader, BlobReader)
    return reader.raw(blob)


@pytest.mark.skipif(workers.cores() < 2, reason="needs 2 cores for worker processes")
def test_a_worker_reading_through_an_inherited_reader_uses_its_own_git_process(
    tmp_path: Path,
) -> None:
    archive = Archive(tmp_path)
    texts = {f"Acme/Doc {n}.md": f"Text number {n}.\n" * (n + 1) for n in range(8)}
    archive.commit("2024-01-01", texts)
    blobs = [git(tmp_path, "rev-parse", f"HEAD:{name}").strip() for name in texts]
    with BlobReader(tmp_path) as reader:
        assert reader.raw(blobs[0]) == texts["Acme/Doc 0.md"].encode()  # its git runs now
        read = workers.run_all(
            _read_inherited, blobs * 4, tasks=len(blobs) * 4, cache=True, inherit=reader
        )
        assert read == [text.encode() for text in texts.values()] * 4
        # The parent's own git process was neither used nor ended by the workers.
        assert [reader.raw(blob) for blob in blobs] == [t.encode() for t in texts.values()]
