"""Benchmark: the cold build of a site made with ``govsite init``, by two copies of the code.

    .venv/bin/python bench/cold_build.py SITE --code OLD_CHECKOUT --code . --runs 2

A lighter twin of bench/build_bench.py's first figure, to compare a change with the code
before it on the same inputs: each run copies SITE (an initialised site, never built, so
with no cache) to a temporary folder and times ``mkdocs build`` there with each ``--code``
folder first on the Python path (its ``generator`` package and templates). Runs alternate
between the copies of the code, so that a busy machine weighs on both alike. It prints each
run's wall-clock seconds and each code's median.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed_build(site: Path, code: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="cold-build-") as tmp:
        copy = Path(tmp) / "site"
        shutil.copytree(site, copy, symlinks=True)
        archive = copy / "mkdocs.yml"
        text = archive.read_text(encoding="utf-8")
        # The archive path is relative to the site: make it absolute for the copy.
        lines = []
        for line in text.splitlines():
            if line.strip().startswith("archive:"):
                value = line.split(":", 1)[1].strip()
                line = line.split("archive:")[0] + f"archive: {(site / value).resolve()}"
            lines.append(line)
        archive.write_text("\n".join(lines) + "\n", encoding="utf-8")
        env = {
            **os.environ,
            "NO_MKDOCS_2_WARNING": "1",
            "PYTHONPATH": str(code.resolve()),
        }
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q"],
            cwd=copy,
            env=env,
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a site made by govsite init, not yet built")
    parser.add_argument("--code", type=Path, action="append", required=True)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    times: dict[Path, list[float]] = {code: [] for code in args.code}
    for run in range(args.runs):
        for code in args.code:
            seconds = timed_build(args.site, code)
            times[code].append(seconds)
            print(f"run {run + 1}  {code}: {seconds:.1f} s", flush=True)
    for code, found in times.items():
        print(f"median {code}: {statistics.median(found):.1f} s over {len(found)} runs")


if __name__ == "__main__":
    main()
