"""Digest of every file of a built site, to prove that a change leaves the output unchanged.

    .venv/bin/python bench/site_digest.py example > before-example.txt
    .venv/bin/python bench/site_digest.py corpus > before-corpus.txt
    ... change the code ...
    .venv/bin/python bench/site_digest.py example --against before-example.txt

``example`` builds this repository's example site; ``corpus`` clones
``../shared/corpora/genai-eu-versions.bundle``, makes a site for it with ``govsite init`` and
builds that. Both are built from scratch (an empty cache) in a fixed work folder, so that
paths that reach the output are the same from run to run. Each output line is
``sha256  size  path``; with ``--against`` the script prints the files that differ and exits
non-zero when any does.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from corpus import ENV, ROOT, corpus_site


def run(cmd: list[str], cwd: Path | None = None) -> None:
    result = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stderr[-4000:]}")


def build_example(work: Path) -> Path:
    """The example site, built from a clone of this repository with the working tree's
    files (committed or not) laid over it."""
    clone = work / "example"
    run(["git", "clone", "-q", str(ROOT), str(clone)])
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source, target = ROOT / name, clone / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        elif target.exists():
            target.unlink()  # deleted in the working tree
    run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=clone)
    return clone / "site"


def build_corpus(work: Path) -> Path:
    """A site made by ``govsite init`` for the genai-eu corpus."""
    _, site = corpus_site(work / "corpus")
    run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=site)
    return site / "site"


def digest_lines(site: Path) -> list[str]:
    lines = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        relative = path.relative_to(site).as_posix()
        lines.append(f"{hashlib.sha256(data).hexdigest()}  {len(data)}  {relative}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("site", choices=("example", "corpus"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/govsite-digest"))
    parser.add_argument("--against", type=Path, help="a digest recorded earlier")
    args = parser.parse_args()
    work = args.work / args.site
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    site = build_example(work) if args.site == "example" else build_corpus(work)
    lines = digest_lines(site)
    if args.against is None:
        print("\n".join(lines))
        return
    before = {line.split("  ", 2)[2]: line for line in args.against.read_text().splitlines()}
    after = {line.split("  ", 2)[2]: line for line in lines}
    differing = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    for path in differing:
        state = "missing" if path not in after else "new" if path not in before else "differs"
        print(f"{state}: {path}")
    print(f"{len(after)} files, {len(differing)} differ from {args.against}")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
