"""Benchmark: govsite on the genai-eu corpus against a plain mkdocs-material site.

Run with ``make bench`` (or ``.venv/bin/python bench/build_bench.py``). It prints, for one
run on this machine:

1. cold      full ``mkdocs build`` of the site ``govsite init`` makes, empty cache;
2. baseline  a plain mkdocs-material site, one hand-written page per version with that
             version's text, a navigation listing only the documents;
3. warm      the rebuild after one new commit that changes one document (median of three);
4. no-op     the rebuild with nothing changed (median of three);
5. peak memory of the cold build: the build's processes together (PSS summed over the
   process tree, sampled every 50 ms), search indexing included;
6. scaling   cold build of a synthetic archive with twice the history (the corpus replayed
             twice, the second pass lightly edited) against the original's cold build, and
             its warm rebuild after one new commit against the original's;

7. size: site bytes and files against the archive's distinct text and recorded versions;
8. search: what the search index costs a reader in Chromium (bench/search_bench.py);

and the ratios the performance issue sets targets for, with the files a daily sync would
upload after one new commit (files whose bytes changed, added or removed: what a sync tool
comparing checksums, such as ``rclone sync --checksum``, sends). Timings are wall-clock seconds of
whole ``mkdocs build`` processes; the CPU seconds of the cold, warm and no-op builds (their
processes and those they waited for) are printed too, as a shared machine disturbs them less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from corpus import ENV, ROOT, commit_next_day, corpus_site, init_site

PYTHON = sys.executable
ROUNDS = 3


def run(cmd: list[str], cwd: Path | None = None) -> str:
    return subprocess.run(cmd, cwd=cwd, env=ENV, check=True, capture_output=True, text=True).stdout


def _tree(root: int) -> list[int]:
    """``root`` and every process descended from it (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _pss_kib(pid: int) -> int:
    """Proportional set size of one process: its private memory plus its share of pages it
    shares with others (so forked workers' copy-on-write pages are not counted twice)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def timed_build(site: Path, steps: list[str] | None = None) -> tuple[float, int]:
    """Wall seconds of one ``mkdocs build`` and its peak memory in KiB: the largest sum, over
    samples taken every 50 ms, of the PSS of the build and all its worker processes (the
    binary that indexes search included). With ``steps``, the build runs verbose and the
    lines saying what each stage cost (wall and CPU time) are added to it."""
    start = time.perf_counter()
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(
        [PYTHON, "-m", "mkdocs", "build", "-v" if steps is not None else "-q"],
        cwd=site,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.05):
            peak = max(peak, sum(_pss_kib(pid) for pid in _tree(process.pid)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _out, err = process.communicate()
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_SECONDS.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
    stop.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"build failed in {site}:\n{err[-4000:]}")
    if steps is not None:
        steps.extend(
            line.split("govsite: ", 1)[1] for line in err.splitlines() if _STEP.search(line)
        )
    return elapsed, peak


CPU_SECONDS: list[float] = []
"""The CPU time (user and system) of each build :func:`timed_build` ran, in order: the
build's processes and every process they waited for (workers, the search indexer), which a
busy machine disturbs far less than the clock."""


_STEP = re.compile(r"govsite: (stage \w+|publish: [^)]*) took ")
"""A line of a verbose build saying what a stage cost (see ``generator.progress.timed``)."""


def site_hashes(site: Path) -> dict[str, str]:
    """A hash of every file of the built site, by path."""
    import hashlib

    root = site / "site"
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def sync_count(before: dict[str, str], after: dict[str, str]) -> tuple[int, int]:
    """Files a sync tool comparing checksums would upload (changed or added) and delete."""
    uploads = sum(1 for name, sha in after.items() if before.get(name) != sha)
    return uploads, sum(1 for name in before if name not in after)


def warm_builds(archive: Path, site: Path) -> tuple[list[float], tuple[int, int], list[float]]:
    """Three rebuilds, each after one new commit; the files the first one changed; and
    each rebuild's CPU seconds."""
    warms, synced, cpu = [], (0, 0), []
    for round_ in range(ROUNDS):
        before = site_hashes(site) if round_ == 0 else {}
        add_commit(archive)
        warms.append(timed_build(site)[0])
        cpu.append(CPU_SECONDS[-1])
        if round_ == 0:
            synced = sync_count(before, site_hashes(site))
    return warms, synced, cpu


def make_baseline(archive: Path, site: Path) -> int:
    """A plain mkdocs-material site: one Markdown page per version, nav of documents only."""
    sys.path.insert(0, str(ROOT))
    from generator.archive.blobs import BlobReader
    from generator.archive.history import VersionKind, read_history
    from generator.diagnostics import Diagnostics

    history = read_history(archive, Diagnostics())
    assert history is not None
    docs = site / "docs"
    nav: list[dict[str, str]] = []
    pages = 0
    with BlobReader(history.root) as blobs:
        for path, versions in sorted(history.versions.items()):
            if path.count("/") != 1 or not path.endswith(".md"):
                continue
            folder = re.sub(r"[^a-z0-9/]+", "-", path[:-3].lower())
            seen: dict[str, int] = {}
            last = ""
            for version in versions:
                if version.kind is VersionKind.REMOVAL:
                    continue
                day = version.date.strftime("%Y-%m-%d")
                seen[day] = seen.get(day, 0) + 1
                slug = day if seen[day] == 1 else f"{day}-{seen[day]}"
                target = docs / folder / f"{slug}.md"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(blobs.raw(version.blob))
                last = f"{folder}/{slug}.md"
                pages += 1
            if last:
                nav.append({path[:-3]: last})
    (docs / "index.md").write_text("# Baseline\n")
    import yaml

    config = {
        "site_name": "baseline",
        "theme": {"name": "material"},
        "plugins": ["search"],
        "nav": [{"Home": "index.md"}, *nav],
    }
    (site / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return pages


def add_commit(archive: Path) -> None:
    """One new recorded version of one document."""
    target = archive / "Claude.ai" / "Acceptable Use Policy.md"
    target.write_text(target.read_text() + "\n\nA paragraph added by the benchmark.\n")
    run(["git", "-C", str(archive), "add", "-A"])
    commit_next_day(archive, "Record new changes of Claude.ai Acceptable Use Policy")


def doubled_archive(source: Path, target: Path) -> None:
    """The corpus's history replayed twice; the second pass's texts lightly edited."""
    log = run(
        ["git", "-C", str(source), "log", "--reverse", "--format=%H %at", "--first-parent"]
    ).split("\n")
    commits = [line.split() for line in log if line.strip()]
    first, last = int(commits[0][1]), int(commits[-1][1])
    offset = last - first + 86400
    stream: list[bytes] = []
    mark = 0
    for replay in (0, 1):
        for sha, stamp in commits:
            message = run(["git", "-C", str(source), "log", "-1", "--format=%B", sha]).encode()
            raw = subprocess.run(
                ["git", "-C", str(source), "diff-tree", "-r", "--no-renames", "--root", "-z", sha],
                capture_output=True,
                check=True,
            ).stdout.split(b"\0")
            changes: list[bytes] = []
            index = 0
            while index < len(raw) - 1:
                meta, path = raw[index], raw[index + 1]
                index += 2
                if not meta.startswith(b":"):
                    index -= 1
                    continue
                fields = meta[1:].split()
                status, blob = fields[4][:1], fields[3].decode()
                if status == b"D":
                    changes.append(b"D " + path + b"\n")
                    continue
                data = subprocess.run(
                    ["git", "-C", str(source), "cat-file", "blob", blob],
                    capture_output=True,
                    check=True,
                ).stdout
                if replay:
                    data = data.replace(b" the ", b" the the ", 1)
                changes.append(
                    b"M 100644 inline " + path + b"\ndata %d\n" % len(data) + data + b"\n"
                )
            mark += 1
            when = int(stamp) + replay * offset
            stream.append(b"commit refs/heads/main\n")
            stream.append(b"mark :%d\n" % mark)
            stream.append(b"committer bench <b@e.invalid> %d +0000\n" % when)
            stream.append(b"data %d\n" % len(message) + message + b"\n")
            stream.extend(changes)
    run(["git", "init", "-q", "-b", "main", str(target)])
    subprocess.run(
        ["git", "-C", str(target), "fast-import", "--quiet"],
        input=b"".join(stream),
        check=True,
    )
    run(["git", "-C", str(target), "checkout", "-q", "main"])


def count_pages(site: Path) -> int:
    return sum(1 for _ in (site / "site").rglob("index.html"))


def site_size(site: Path) -> tuple[int, int, int, str]:
    """Bytes and files of the built site, and its largest file (bytes, path)."""
    total = files = largest = 0
    name = ""
    for path in (site / "site").rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total, files = total + size, files + 1
            if size > largest:
                largest, name = size, path.relative_to(site / "site").as_posix()
    return total, files, largest, name


def recorded_versions(site: Path) -> int:
    """Versions the site records, from its documents' data records."""
    import json

    return sum(
        len(json.loads(p.read_text())["versions"])
        for p in (site / "site/data/documents").glob("*/*.json")
    )


def distinct_text_bytes(archive: Path) -> int:
    """Bytes of the archive's distinct texts (every blob its history ever held)."""
    blobs = {
        line.split()[3]
        for line in run(
            ["git", "-C", str(archive), "log", "--format=", "--raw", "--no-abbrev"]
        ).splitlines()
        if line.startswith(":") and set(line.split()[3]) != {"0"}
    }
    sizes = subprocess.run(
        ["git", "-C", str(archive), "cat-file", "--batch-check=%(objectsize)"],
        input="\n".join(sorted(blobs)) + "\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return sum(int(s) for s in sizes)


def print_size(label: str, site: Path, archive: Path) -> None:
    total, files, largest, name = site_size(site)
    versions, text = recorded_versions(site), distinct_text_bytes(archive)
    print(
        f"{label}: {total / 1e6:.1f} MB in {files} files; {versions} versions; distinct text "
        f"{text / 1e6:.1f} MB; largest file {largest / 2**20:.1f} MiB ({name})"
    )
    print(f"  site bytes / distinct text = {total / text:.2f}   (target <= 3)")
    print(f"  files per version          = {files / versions:.2f}   (target <= 3)")
    print(f"  largest file               = {largest / 2**20:.1f} MiB   (target <= 25)")
    from cache_size import report

    for line in report(site)[1:3]:
        print(f"  {line.strip()}")


def search_costs(site: Path) -> None:
    """What search costs a reader of the site (bench/search_bench.py), if a browser is here."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("search: not measured (pip install playwright to measure it in Chromium)")
        return
    if not shutil.which("chromium"):
        print("search: not measured (no chromium on PATH)")
        return
    bench = Path(__file__).with_name("search_bench.py")
    result = subprocess.run(
        [PYTHON, str(bench), str(site / "site")], env=ENV, capture_output=True, text=True
    )
    for line in (result.stdout + result.stderr).splitlines():
        print(f"search: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-scaling", action="store_true", help="skip the doubled archive")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--rebuilds-only",
        action="store_true",
        help="only the cold, warm and no-op builds (no baseline site, search or scaling)",
    )
    parser.add_argument(
        "--scaling-only",
        action="store_true",
        help="only the rebuilds and the doubled archive's (no baseline site, search or size)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="govsite-bench-"))
    try:
        archive, site = corpus_site(work)
        cold, cold_mem = timed_build(site)
        pages = count_pages(site)

        baseline_site = work / "baseline"
        baseline_pages, baseline, baseline_mem = 0, 0.0, 0
        if not (args.rebuilds_only or args.scaling_only):
            baseline_pages = make_baseline(archive, baseline_site)
            baseline, baseline_mem = timed_build(baseline_site)

        # Rebuilds take a second or two, so machine noise matters: each is measured three
        # times (three new commits; three unchanged rebuilds) and the median is used.
        cold_cpu = CPU_SECONDS[0]
        warms, synced, warm_cpus = warm_builds(archive, site)
        noops = [timed_build(site)[0] for _ in range(ROUNDS)]
        noop_cpus = CPU_SECONDS[-ROUNDS:]
        warm, noop = statistics.median(warms), statistics.median(noops)
        warm_cpu = statistics.median(warm_cpus)

        print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
        print(f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"pages: govsite {pages} HTML pages; baseline {baseline_pages} version pages")
        print(f"cold:      {cold:8.1f} s   peak mem {cold_mem / 1024:7.0f} MiB")
        print(f"baseline:  {baseline:8.1f} s   peak mem {baseline_mem / 1024:7.0f} MiB")
        print(
            f"warm:      {warm:8.1f} s   (one new commit changing one document; median of "
            + ", ".join(f"{w:.1f}" for w in warms)
            + ")"
        )
        print(f"no-op:     {noop:8.1f} s   (median of {', '.join(f'{n:.1f}' for n in noops)})")
        print(
            f"CPU-s:     cold {cold_cpu:.1f}; warm {warm_cpu:.1f} (median of "
            + ", ".join(f"{c:.1f}" for c in warm_cpus)
            + f"); no-op {statistics.median(noop_cpus):.1f}; warm / cold "
            + f"{warm_cpu / cold_cpu:.3f}"
        )
        print(
            f"sync after one commit: {sum(synced)} files changed, added or removed "
            f"({synced[0]} uploaded, {synced[1]} deleted)   (target <= 50)"
        )
        if args.rebuilds_only or args.scaling_only:
            print(f"warm / cold     = {warm / cold:.2f}   (target <= 0.08)")
            print(f"no-op / cold    = {noop / cold:.3f}   (target <= 0.05)")
        if args.rebuilds_only:
            return
        if not args.scaling_only:
            print(f"cold / baseline = {cold / baseline:.2f}   (target <= 0.25)")
            print(f"warm / cold     = {warm / cold:.2f}   (target <= 0.08)")
            print(f"no-op / cold    = {noop / cold:.2f}   (target <= 0.05)")
            print(f"peak memory     = {cold_mem / 1024:.0f} MiB   (target <= 1024)")
            print_size("site", site, archive)
            search_costs(site)
        if not args.skip_scaling:
            doubled = work / "doubled"
            doubled_archive(archive, doubled)
            doubled_site = work / "doubled-site"
            init_site(doubled, doubled_site)
            twice, twice_mem = timed_build(doubled_site)
            twice_cpu = CPU_SECONDS[-1]
            print(f"doubled:   {twice:8.1f} s   peak mem {twice_mem / 1024:7.0f} MiB")
            print(f"doubled / cold  = {twice / cold:.2f}   (target <= 2.1)")
            print(f"memory doubled / original = {twice_mem / cold_mem:.2f}   (flat is 1.0)")
            twice_warms, twice_synced, twice_cpus = warm_builds(doubled, doubled_site)
            twice_warm = statistics.median(twice_warms)
            print(
                f"doubled CPU-s: cold {twice_cpu:.1f}; warm {statistics.median(twice_cpus):.1f} "
                + "(median of "
                + ", ".join(f"{c:.1f}" for c in twice_cpus)
                + f"); warm doubled / warm {statistics.median(twice_cpus) / warm_cpu:.2f}"
            )
            print(
                f"doubled warm: {twice_warm:6.1f} s   (median of "
                + ", ".join(f"{w:.1f}" for w in twice_warms)
                + f"); sync after one commit: {sum(twice_synced)} files "
                + f"({twice_synced[0]} uploaded, {twice_synced[1]} deleted)"
            )
            print(f"warm doubled / warm = {twice_warm / warm:.2f}   (target <= 1.2)")
            print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            if not args.scaling_only:
                print_size("doubled site", doubled_site, doubled)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
