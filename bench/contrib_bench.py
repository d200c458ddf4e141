"""Benchmark: govsite on the largest collection, ``contrib`` (42,632 commits since 2012).

Long (a full run took about half an hour and 16 GB before the memory work): it is not part of
``make bench``, ``make test`` or CI. Run it alone, in the background::

    nohup .venv/bin/python bench/contrib_bench.py > contrib-bench.log 2>&1 &

``--commits N`` builds only the archive's first N commits (a prefix of its history), for quick
iteration on a subset. ``--skip S`` drops the first S commits first: the next one becomes the
root and records the whole tree it had, so ``--skip 40632 --commits 2000`` is a slice of the
late history (longer texts) that starts with every document the archive then held. It clones ``../shared/corpora/contrib-versions.bundle`` into a temporary
folder, makes the site with ``govsite init`` and prints:

1. cold   full ``mkdocs build``, empty cache: wall time and peak memory (PSS summed over the
          build's process tree, search indexing included, as ``bench/build_bench.py`` samples);
2. site   bytes and files of the built site against the archive's distinct text;
3. cache  bytes of the build cache against the site's;
4. warm   the rebuild after one new commit that changes one document, its peak memory, and
          how many of the site's files that commit changed, added or removed (what a sync
          tool would upload or delete);

with the targets of the issue on the largest collection beside them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import distinct_text_bytes, run, site_size, timed_build
from cache_size import report
from corpus import bundle_of, commit_next_day, init_site, set_layout, set_option


def take_prefix(archive: Path, commits: int) -> None:
    """Cut the clone's history to its first ``commits`` commits (first-parent order)."""
    order = run(["git", "-C", str(archive), "rev-list", "--first-parent", "--reverse", "HEAD"])
    shas = order.split()
    if commits < len(shas):
        run(["git", "-C", str(archive), "reset", "-q", "--hard", shas[commits - 1]])


def reroot(archive: Path, skip: int, commits: int | None) -> None:
    """Rewrite the clone's first-parent history as its commits after the first ``skip`` (up to
    ``commits`` of them), the first of them a root holding its whole tree. Trees, messages,
    authors and dates are kept, so every text keeps its blob id."""
    fields = "%T%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B%x1e"
    log = run(
        ["git", "-C", str(archive), "log", "--first-parent", "--reverse", f"--format={fields}"]
    )
    entries = [entry.lstrip("\n") for entry in log.split("\x1e")[:-1]]
    entries = entries[skip : None if commits is None else skip + commits]
    parent: str | None = None
    for entry in entries:
        tree, a_name, a_mail, a_date, c_name, c_mail, c_date, message = entry.split("\x00", 7)
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": a_name, "GIT_AUTHOR_EMAIL": a_mail, "GIT_AUTHOR_DATE": a_date,
            "GIT_COMMITTER_NAME": c_name, "GIT_COMMITTER_EMAIL": c_mail,
            "GIT_COMMITTER_DATE": c_date,
        }  # fmt: skip
        command = ["git", "-C", str(archive), "commit-tree", tree, "-F", "-"]
        if parent:
            command += ["-p", parent]
        parent = subprocess.run(
            command, input=message, env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
    if parent is None:
        sys.exit(f"--skip {skip} leaves no commit")
    run(["git", "-C", str(archive), "reset", "-q", "--hard", parent])


def add_commit(archive: Path) -> str:
    """One new recorded version of one document (the first, in path order, the tree holds)."""
    # Paths as they are, not quoted (dsa-reports' file names hold dashes outside ASCII).
    listing = run(["git", "-C", str(archive), "ls-files", "-z", "*/*.md"]).split("\0")[:-1]
    path = sorted(listing)[0]
    target = archive / path
    target.write_text(target.read_text() + "\n\nA paragraph added by the benchmark.\n")
    run(["git", "-C", str(archive), "add", "-A"])
    service, kind = path[:-3].split("/", 1)
    commit_next_day(archive, f"Record new changes of {service} {kind}")
    return path


def site_digests(site: Path) -> dict[str, str]:
    """Each file of the built site, by path, with a digest of its bytes."""
    root = site / "site"
    return {
        path.relative_to(root).as_posix(): hashlib.blake2b(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def _layout(site: Path) -> str:
    """The layout the site's ``mkdocs.yml`` names (``full`` when it names none), and whether
    it stores its text pages compressed."""
    import yaml

    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "govsite" in entry:
            options = entry["govsite"]
            compressed = " (text pages compressed)" if options.get("compress_texts") else ""
            return str(options.get("layout", "full")) + compressed
    return "full"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, help="build only the first N commits")
    parser.add_argument(
        "--skip", type=int, default=0, help="drop the first S commits, re-rooting the rest"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--no-warm", action="store_true", help="cold build only")
    parser.add_argument(
        "--bundle", type=Path, default=None, help="the archive's git bundle (default: contrib's)"
    )
    parser.add_argument(
        "--layout", choices=("full", "large"), help="the site's layout (default: what init picks)"
    )
    parser.add_argument(
        "--compress-texts",
        choices=("yes", "no"),
        help="store the large layout's text pages compressed (default: what init picks)",
    )
    args = parser.parse_args()
    bundle = args.bundle or bundle_of("contrib")
    if not bundle.exists():
        sys.exit(f"corpus not found: {bundle}")
    work = Path(tempfile.mkdtemp(prefix="govsite-contrib-"))
    try:
        archive = work / "archive"
        run(["git", "clone", "-q", str(bundle), str(archive)])
        if args.skip:
            reroot(archive, args.skip, args.commits)
        elif args.commits:
            take_prefix(archive, args.commits)
        commits = int(run(["git", "-C", str(archive), "rev-list", "--count", "HEAD"]))
        site = work / "site"
        init_site(archive, site)
        if args.layout:
            set_layout(site, args.layout)
        if args.compress_texts or args.layout == "full":  # only the large layout compresses
            set_option(site, "compress_texts", args.compress_texts == "yes")
        print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}", flush=True)
        print(f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", flush=True)
        print(f"archive: {commits} commits", flush=True)
        print(f"layout: {_layout(site)}", flush=True)
        steps: list[str] = []
        cold, cold_mem = timed_build(site, steps)
        print(f"cold:  {cold:8.1f} s ({cold / 60:.1f} min)   peak mem {cold_mem / 1024:7.0f} MiB")
        for step in steps:
            print(f"  {step}")
        print("  (targets on the whole collection: <= 15 min, peak <= 2048 MiB)", flush=True)
        total, files, largest, name = site_size(site)
        text = distinct_text_bytes(archive)
        print(
            f"site:  {total / 1e6:8.1f} MB in {files} files; largest {largest / 1e6:.1f} MB ({name})"
        )
        print(f"  distinct text {text / 1e6:.1f} MB; site bytes / distinct text = {total / text:.2f}"
              "   (target <= 1.5)")  # fmt: skip
        for line in report(site)[1:]:
            print(line, flush=True)
        if args.no_warm:
            return
        before = site_digests(site)
        changed = add_commit(archive)
        steps.clear()
        warm, warm_mem = timed_build(site, steps)
        after = site_digests(site)
        upload = sum(1 for path, digest in after.items() if before.get(path) != digest)
        removed = sum(1 for path in before if path not in after)
        print(
            f"warm:  {warm:8.1f} s   peak mem {warm_mem / 1024:7.0f} MiB   (one commit to {changed})"
        )
        for step in steps:
            print(f"  {step}")
        print("  (target on the whole collection: <= 120 s)")
        print(f"  files a sync uploads: {upload}; deletes: {removed}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
