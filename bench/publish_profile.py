"""Profile: what publishing costs in a warm build of the genai-eu site (or of the archive with
twice its history), in one process.

    .venv/bin/python bench/publish_profile.py [--doubled] [--work DIR] [--rounds N]

Clones the corpus (``--doubled``: replays its history twice, as ``build_bench.py``'s scaling
part does) and makes its site with ``govsite init`` in ``DIR`` (kept, and reused when it is
there already), builds it once if it has no site yet, then adds one commit and runs one warm
``mkdocs build`` under cProfile with worker processes turned off, N times (after one warm
build not profiled, which brings the cache up to date with the code being measured). Prints each warm
build's time under the profiler and the cumulative CPU time (``--wall``: clock time) of the
publishing steps named below (the median over the rounds). CPU profiles compare well on a
busy machine; wall-clock figures from this script do not, and profiling slows Python code
down about twofold.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from build_bench import add_commit, doubled_archive
from corpus import ENV, ROOT, clone_corpus, init_site

sys.path.insert(0, str(ROOT))

STEPS = (
    ("mkdocs build (whole warm build)", "build.py", "build"),
    ("publish_site (all of publishing)", "write.py", "publish_site"),
    ("  carry.publish", "carry.py", "publish"),
    ("    carry: checks of carried folders", "carry.py", "_untouched"),
    ("    carry: files taken one by one", "carry.py", "take_file"),
    ("    carry: moves into the new site", "carry.py", "move_in"),
    ("  files others wrote (walk)", "write.py", "_files_below"),
    ("  search index", "search.py", "build_index"),
    ("  write_manifest", "manifest.py", "write_manifest"),
    ("  sitemaps", "manifest.py", "write_sitemaps"),
    ("record for the next build", "carry.py", "record"),
    ("swap in", "carry.py", "swap_in"),
)
"""(label, file name ends with, function name) of the steps reported."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/govsite-publish-profile"))
    parser.add_argument("--doubled", action="store_true", help="twice the corpus's history")
    parser.add_argument("--rounds", type=int, default=3, help="warm builds profiled")
    parser.add_argument("--stats", type=Path, help="where to keep the last raw profile")
    parser.add_argument(
        "--wall",
        action="store_true",
        help="time by the clock (default: by the process's CPU time, user and system, which "
        "a busy machine disturbs far less)",
    )
    args = parser.parse_args()
    work = args.work / ("doubled" if args.doubled else "corpus")
    site = work / "site"
    if not (site / "mkdocs.yml").is_file():
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        if args.doubled:
            clone_corpus(work / "source")
            doubled_archive(work / "source", work / "archive")
        else:
            clone_corpus(work / "archive")
        init_site(work / "archive", site)
    if not (site / "site").is_dir():
        subprocess.run(
            [str(Path(sys.executable).parent / "mkdocs"), "build", "-q"],
            cwd=site,
            env=ENV,
            check=True,
        )

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator import workers

    workers.cores = lambda: 1  # every page in this process, where the profiler sees it
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    os.chdir(site)
    add_commit(work / "archive")
    build(load_config(config_file=str(site / "mkdocs.yml")))
    found: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        add_commit(work / "archive")
        profile = cProfile.Profile() if args.wall else cProfile.Profile(time.process_time)
        start, cpu = time.perf_counter(), time.process_time()
        profile.enable()
        build(load_config(config_file=str(site / "mkdocs.yml")))
        profile.disable()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"warm build under the profiler: {elapsed:.1f} s, {cpu:.1f} CPU-s")
        if args.stats:
            profile.dump_stats(str(args.stats))
        stats = pstats.Stats(profile)
        for label, suffix, function in STEPS:
            total = 0.0
            for (file, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
                if file.endswith(suffix) and name == function:
                    total += row[3]
            found.setdefault(label, []).append(total)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for label, _, _ in STEPS:
        times = found[label]
        rounds = ", ".join(f"{t:.2f}" for t in times)
        print(f"{label:40} {statistics.median(times):7.2f} s  (median of {rounds})")


if __name__ == "__main__":
    main()
