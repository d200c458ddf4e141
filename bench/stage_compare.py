"""Benchmark: what each stage of a cold build costs, by two copies of the code, on one site.

    .venv/bin/python bench/contrib_bench.py --skip 39632 --commits 3000 --no-warm --keep \\
        --layout large                      # prints "kept /tmp/govsite-contrib-XXXX"
    .venv/bin/python bench/stage_compare.py /tmp/govsite-contrib-XXXX/site \\
        --code OLD_CHECKOUT --code . --runs 1

Each run copies SITE (a site made by ``govsite init``; what it built before, its ``site/``
and ``.cache/``, is left out) to a fixed folder and builds it verbose from scratch with each
``--code`` folder first on the Python path (its ``generator`` package and templates), runs
alternating between the copies so that a busy (shared) machine weighs on both alike. It
prints each build's wall time and peak memory (PSS of the whole process tree, as
``bench/build_bench.py`` samples it) and what each stage and publish step cost: wall time,
CPU seconds in the main process and in the processes that ended during it (the workers). The
sites the copies built must be byte-identical (the copy is built in the same folder each time,
so paths that reach the output are the same): the script says which files differ, if any, and exits non-zero.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_bench
from contrib_bench import site_digests

WORK = Path("/tmp/govsite-stage-compare")


def _copy(site: Path) -> Path:
    """A fresh copy of ``site`` at :data:`WORK`, without a build's output or cache."""
    shutil.rmtree(WORK, ignore_errors=True)
    copy = WORK / "site"
    shutil.copytree(
        site, copy, symlinks=True, ignore=shutil.ignore_patterns("site", ".cache", ".site.*")
    )
    config = copy / "mkdocs.yml"
    lines = []
    for line in config.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("archive:"):  # relative to the site: absolute for the copy
            value = line.split(":", 1)[1].strip()
            line = line.split("archive:")[0] + f"archive: {(site / value).resolve()}"
        lines.append(line)
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a site made by govsite init")
    parser.add_argument("--code", type=Path, action="append", required=True)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    outputs: dict[Path, dict[str, str]] = {}
    for run in range(args.runs):
        for code in args.code:
            copy = _copy(args.site.resolve())
            build_bench.ENV = {**build_bench.ENV, "PYTHONPATH": str(code.resolve())}
            steps: list[str] = []
            seconds, peak = build_bench.timed_build(copy, steps)
            print(f"run {run + 1}  {code}: {seconds:.1f} s, peak {peak / 1024:.0f} MiB", flush=True)
            for step in steps:
                print(f"  {step}", flush=True)
            outputs[code] = site_digests(copy)
    first, *others = args.code
    for code in others:
        a, b = outputs[first], outputs[code]
        differ = sorted(p for p in a.keys() | b.keys() if a.get(p) != b.get(p))
        print(f"{first} vs {code}: {len(a)} vs {len(b)} files, {len(differ)} differ", flush=True)
        for path in differ[:20]:
            print(f"  {path}")
    shutil.rmtree(WORK, ignore_errors=True)
    if any(outputs[code] != outputs[first] for code in others):
        sys.exit(1)


if __name__ == "__main__":
    main()
