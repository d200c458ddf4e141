"""Which files of a built site a daily sync uploads after one new commit, by folder.

    .venv/bin/python bench/sync_bench.py [--corpus genai-eu] [--replay] [--work DIR] [--list]
        [--window N]

A sync tool comparing checksums (``rclone sync --checksum``) sends the files whose bytes changed or that were added, and deletes the files that
are gone. The script clones the corpus (as bench/corpus.py does), builds its site, adds one
commit that changes one document (the one build_bench.py adds), builds again from the cache
and prints the files that changed, were added or removed, counted by folder (``--list``
names each one).

With ``--replay`` the new commit is the corpus's own last one instead (the first build is
of the commit before it): a real change, often in the middle of a text, where the
benchmark's commit appends a paragraph at the end of one.

With ``--window N`` N more commits follow, each to another document, with a build and a
count after each: enough of them (17 on genai-eu) take the search index through one of its
compactions, whose sync is far larger than a day between two.

With ``--work`` the clone, the site and its cache are kept there; a second run resets the
clone to where the first run started (and the site's versions.lock with it), so the first
build is a warm one (quicker when only the
counting or the search code changed; the search segments' keys hold govsite's code).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from build_bench import add_commit, run, site_hashes, sync_count, timed_build
from corpus import clone_corpus, init_site


def folder_of(path: str) -> str:
    """What a changed file is counted under: its first two folders (``data/documents/``),
    three in the search bundle (``pagefind/latest/index/``: one search segment's files)."""
    parts = path.split("/")[:-1]
    if not parts:
        return "(root)"
    if parts[0] == "pagefind":
        return "/".join(parts[:3]) + "/"
    return "/".join(parts[:2]) + "/"


def changed(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    """The files a sync sends: ``upload`` (changed or added) and ``delete`` (gone)."""
    return {
        "upload": sorted(name for name, sha in after.items() if before.get(name) != sha),
        "delete": sorted(name for name in before if name not in after),
    }


def reset(archive: Path, commit: str) -> None:
    """The clone's branch and files at ``commit`` (``origin/HEAD``, ``origin/HEAD~1``)."""
    subprocess.run(["git", "-C", str(archive), "reset", "-q", "--hard", commit], check=True)


def prepare(work: Path, corpus: str, start: str) -> tuple[Path, Path]:
    """The corpus's clone at ``start`` and its site under ``work``: made, or the clone
    reset."""
    archive, site = work / "archive", work / "site"
    if not archive.is_dir():
        clone_corpus(archive, corpus)
        reset(archive, start)
        return archive, init_site(archive, site)
    reset(archive, start)
    # The site's lock as it was before the last run's commit: that version is gone again.
    shutil.copyfile(work / LOCK_BEFORE, site / "versions.lock")
    return archive, site


def new_commit(archive: Path) -> str:
    """One new commit changing one document: build_bench.py's, or on a corpus without its
    document, a paragraph added to the document the last commit changed. Returns what it
    records."""
    if (archive / "Claude.ai" / "Acceptable Use Policy.md").is_file():
        add_commit(archive)
        return "one version of Claude.ai/Acceptable Use Policy.md"
    names = run(["git", "-C", str(archive), "log", "-1", "--format=", "--name-only", "--", "*.md"])
    path = next(name for name in names.splitlines() if (archive / name).is_file())
    target = archive / path
    target.write_text(target.read_text() + "\n\nA paragraph added by the benchmark.\n")
    run(["git", "-C", str(archive), "add", "-A"])
    service, _, kind = path.removesuffix(".md").partition("/")
    message = f"Record new changes of {service} {kind}"
    run(["git", "-C", str(archive), "-c", "user.name=bench", "-c", "user.email=b@e.invalid",
         "commit", "-q", "-m", message])  # fmt: skip
    return path


def window(archive: Path, site: Path, commits: int) -> None:
    """``commits`` more commits, each changing another document (spread over the archive's
    documents in path order), built one by one: prints what a sync sends after each (the
    search index's compactions, every few versions, cost more than the days between)."""
    documents = sorted(p for p in archive.rglob("*.md") if ".git" not in p.parts)
    chosen = documents[:: max(1, len(documents) // commits)][:commits]
    before = site_hashes(site)
    for number, target in enumerate(chosen):
        target.write_text(target.read_text() + f"\n\nParagraph {number} added by the benchmark.\n")
        run(["git", "-C", str(archive), "add", "-A"])
        service, _, kind = target.relative_to(archive).as_posix().removesuffix(".md").partition("/")
        run(["git", "-C", str(archive), "-c", "user.name=bench", "-c", "user.email=b@e.invalid",
             "commit", "-q", "-m", f"Record new changes of {service} {kind}"])  # fmt: skip
        seconds, _ = timed_build(site)
        after = site_hashes(site)
        uploads, deletes = sync_count(before, after)
        print(f"window {number + 1}: {service} {kind}: sync {uploads + deletes} files "
              f"({uploads} uploaded, {deletes} deleted), build {seconds:.1f} s")  # fmt: skip
        before = after


LOCK_BEFORE = "versions.lock.before"
"""The site's versions.lock before the new commit, kept in ``--work`` for the next run."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="genai-eu", help="corpus name (default genai-eu)")
    parser.add_argument("--work", type=Path, help="keep the clone, site and cache here")
    parser.add_argument("--list", action="store_true", help="name every file a sync sends")
    parser.add_argument(
        "--replay",
        action="store_true",
        help="the new commit is the corpus's own last one (the first build is of the one before)",
    )
    parser.add_argument("--before", type=Path, help="copy the site before the commit here")
    parser.add_argument(
        "--window",
        type=int,
        default=0,
        metavar="N",
        help="then N more commits to other documents, a build and a count after each",
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="govsite-sync-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        start = "origin/HEAD~1" if args.replay else "origin/HEAD"
        archive, site = prepare(work, args.corpus, start)
        first, _ = timed_build(site)
        before = site_hashes(site)
        if args.before:
            shutil.rmtree(args.before, ignore_errors=True)
            shutil.copytree(site / "site", args.before)
        shutil.copyfile(site / "versions.lock", work / LOCK_BEFORE)
        if args.replay:
            reset(archive, "origin/HEAD")
            document = run(["git", "-C", str(archive), "log", "-1", "--format=%s"]).strip()
        else:
            document = new_commit(archive)
        second, _ = timed_build(site)
        after = site_hashes(site)
        sent = changed(before, after)
        uploads, deletes = sync_count(before, after)
        print(f"corpus: {args.corpus}; {len(before)} files before, {len(after)} after")
        print(f"new commit: {document}")
        print(f"builds: {first:.1f} s, then {second:.1f} s after one new commit")
        print(f"sync: {uploads + deletes} files ({uploads} uploaded, {deletes} deleted)")
        by_folder = {verb: Counter(map(folder_of, names)) for verb, names in sent.items()}
        for folder in sorted(by_folder["upload"].keys() | by_folder["delete"].keys()):
            up, gone = by_folder["upload"][folder], by_folder["delete"][folder]
            print(f"  {up + gone:4d}  {folder}  ({up} uploaded, {gone} deleted)")
        if args.list:
            for verb, names in sent.items():
                for name in names:
                    print(f"{verb} {name}")
        if args.window:
            window(archive, site, args.window)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
