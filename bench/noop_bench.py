"""Benchmark: a no-op rebuild of the genai-eu site against its cold build.

Lighter than ``build_bench.py`` (no baseline site, no warm rebuilds, no scaling): it clones
the corpus, makes the site with ``govsite init``, times one cold ``mkdocs build`` (empty
cache) and three rebuilds with nothing changed, and prints the median no-op over the cold
build (issue 22 sets the target at 0.05 at most).

Run with ``.venv/bin/python bench/noop_bench.py``.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
from pathlib import Path

from build_bench import ROUNDS, timed_build
from corpus import corpus_site


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="govsite-noop-"))
    try:
        _, site = corpus_site(work)
        cold, _ = timed_build(site)
        noops = [timed_build(site)[0] for _ in range(ROUNDS)]
        noop = statistics.median(noops)
        print(f"cold:      {cold:8.1f} s")
        print(f"no-op:     {noop:8.1f} s   (median of {', '.join(f'{n:.1f}' for n in noops)})")
        print(f"no-op / cold = {noop / cold:.3f}   (target <= 0.05)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
