"""Profile: where a cold build of the genai-eu site spends its time rendering history pages
and feeds, in one process.

    .venv/bin/python bench/render_profile.py [--work DIR] [--stats FILE]

Clones the corpus and makes its site with ``govsite init`` in ``DIR`` (kept, and reused when
it is there already), then runs one cold ``mkdocs build`` (no cache, no site) under cProfile
with worker processes turned off, so that every page is rendered in the profiled process.
Prints the whole build's time and the cumulative time of the steps named below; ``--stats``
keeps the raw profile for ``python -m pstats``. Profiling slows Python code down about
twofold: compare figures from this script with each other, not with a timed build.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import time
from pathlib import Path

from corpus import ROOT, corpus_site

sys.path.insert(0, str(ROOT))

STEPS = (
    ("history pages (all)", "streams.py", "_render"),
    ("  version page, govsite's part", "history_pages.py", "version_page"),
    ("  theme frame", "theme.py", "render"),
    ("change list", "change_list.py", "change_list_html"),
    ("feeds (all)", "feeds.py", "site_feeds"),
    ("  feed diffs", "feeds.py", "change_diff_html"),
)
"""(label, file name ends with, function name) of the steps reported."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/govsite-render-profile"))
    parser.add_argument("--stats", type=Path, help="where to keep the raw profile")
    args = parser.parse_args()
    site = args.work / "site"
    if not (site / "mkdocs.yml").is_file():
        shutil.rmtree(args.work, ignore_errors=True)
        args.work.mkdir(parents=True)
        corpus_site(args.work)
    shutil.rmtree(site / ".cache", ignore_errors=True)
    shutil.rmtree(site / "site", ignore_errors=True)

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator import workers

    workers.cores = lambda: 1  # every page in this process, where the profiler sees it
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    os.chdir(site)
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    build(load_config(config_file=str(site / "mkdocs.yml")))
    profile.disable()
    elapsed = time.perf_counter() - start
    if args.stats:
        profile.dump_stats(str(args.stats))
    stats = pstats.Stats(profile)
    print(f"cold build under the profiler: {elapsed:.1f} s")
    found: dict[str, list[float]] = {}
    # (file, line, name) -> (calls, primitive calls, own time, cumulative time, callers)
    for (file, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        for label, suffix, function in STEPS:
            if file.endswith(suffix) and name == function:
                calls, _, _, cumulative, _ = row
                found.setdefault(label, [0, 0.0])
                found[label][0] += calls
                found[label][1] += cumulative
    for label, _, _ in STEPS:
        if label in found:
            calls, cumulative = found.pop(label)
            print(f"{label:34} {cumulative:8.1f} s  ({int(calls)} calls)")
    # Jinja names every compiled macro "macro": the costliest of _macros.html, by line.
    macros = sorted(
        (row[3], row[0], line)
        for (file, line, name), row in stats.stats.items()  # type: ignore[attr-defined]
        if file.endswith("_macros.html") and name == "macro"
    )
    for cumulative, calls, line in reversed(macros[-3:]):
        print(f"{'macro at _macros.html:' + str(line):34} {cumulative:8.1f} s  ({calls} calls)")


if __name__ == "__main__":
    main()
