"""Diff benchmark: how many words the changes pages mark against `git diff --word-diff`.

    .venv/bin/python bench/diff_bench.py [--archive DIR]

Clones ../shared/corpora/genai-eu-versions.bundle (or uses DIR), tracks every document with
govsite's pipeline, and for every consecutive pair of versions compares the words a version's
changes mark as inserted or deleted with the words `git diff --word-diff=porcelain` marks
between the same two texts. Prints the distribution of the kinds of change, the ratio's
median and 95th percentile, the pairs over the bound (2 x git + 20 words), the worst pairs,
and the time the tracking took.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from corpus import ROOT, clone_corpus, init_site

SLACK = 20
sys.path.insert(0, str(ROOT))


def git_words(archive: Path, old_blob: str, new_blob: str) -> int:
    """Words `git diff --word-diff=porcelain` marks inserted or deleted between two blobs."""
    out = subprocess.run(
        ["git", "-C", str(archive), "diff", "--word-diff=porcelain", old_blob, new_blob],
        capture_output=True,
        text=True,
        errors="replace",
        check=True,
    ).stdout
    words = 0
    for line in out.splitlines():
        if line.startswith(("+++", "---")):
            continue
        if line[:1] in "+-":
            words += len(line[1:].split())
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--archive", type=Path)
    args = parser.parse_args()
    from generator import pipeline
    from generator.config import load_site_config
    from generator.diagnostics import Diagnostics

    with tempfile.TemporaryDirectory() as work:
        archive = args.archive or clone_corpus(Path(work) / "archive")
        site = init_site(archive, Path(work) / "site")
        config = load_site_config(site / "mkdocs.yml", Diagnostics())
        assert config is not None
        start = time.perf_counter()
        build = pipeline.run(config, until="link")
        tracked = time.perf_counter() - start
        assert build.model is not None
        kinds: Counter[str] = Counter()
        rows: list[tuple[int, int, str]] = []
        for document in build.model.documents.values():
            for entry in document.versions:
                kinds[entry.kind.value] += 1
                previous = document.previous(entry)
                if previous is None or previous.is_removal or entry.is_removal:
                    continue
                ours = entry.stats.words if entry.stats else 0
                theirs = git_words(archive, previous.version.blob, entry.version.blob)
                rows.append((ours, theirs, f"{document.key}/{entry.slug}"))
    print(f"tracking {len(build.model.documents)} documents took {tracked:.1f} s")
    print("kinds of change:", dict(kinds.most_common()), f"(total {sum(kinds.values())})")
    ratios = [ours / theirs for ours, theirs, _ in rows if theirs]
    print(f"{len(rows)} consecutive pairs with text on both sides")
    print(
        f"ours / git: median {statistics.median(ratios):.2f}, "
        f"95th percentile {statistics.quantiles(ratios, n=20)[-1]:.2f}"
    )
    over = [r for r in rows if r[0] > 2 * r[1] + SLACK]
    print(f"pairs over 2 x git + {SLACK}: {len(over)}")
    worst = sorted(rows, key=lambda r: (r[0] - r[1], r[0]), reverse=True)[:3]
    for ours, theirs, name in worst:
        print(f"  most above git: {name}: ours {ours} words, git {theirs} words")
    sizable = [r for r in rows if r[1] >= 10]
    for ours, theirs, name in sorted(sizable, key=lambda r: r[0] / r[1], reverse=True)[:3]:
        print(f"  highest ratio (git >= 10 words): {name}: ours {ours}, git {theirs}")
    print(
        f"largest change: {max(r[0] for r in rows)} words marked (git: {max(r[1] for r in rows)})"
    )


if __name__ == "__main__":
    main()
