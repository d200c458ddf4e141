"""Run the workflow `govsite init` writes on a real archive, as tests/test_package.py runs it
on a fictional one: govsite installed from its git address in a clean environment, `init`,
the site's repository pushed, then the build job (a push to main) and the check job (a pull
request) on fresh clones, every `run:` step as written. Prints what each step printed
(trimmed), how long each job took, and the Pages artifact's size.

    .venv/bin/python bench/workflow_run.py genai-eu      # or dsa-reports

Needs ../shared/corpora/<name>-versions.bundle. Git addresses of the form
https://git.example/... stand for the archive's and govsite's repositories (redirected to
local folders with git's url.<base>.insteadOf), so the files keep real-looking addresses.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_package import ARCHIVE_URL, init_and_run_workflow  # noqa: E402


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    bundle = ROOT.parent / "shared" / "corpora" / f"{sys.argv[1]}-versions.bundle"
    if not bundle.exists():
        sys.exit(f"corpus not found: {bundle}")
    work = Path(tempfile.mkdtemp(prefix="govsite-workflow-"))
    try:
        archive = work / "archive"
        subprocess.run(["git", "clone", "-q", str(bundle), str(archive)], check=True)
        subprocess.run(
            ["git", "-C", str(archive), "remote", "set-url", "origin", ARCHIVE_URL], check=True
        )
        started = time.monotonic()
        printed = init_and_run_workflow(work, archive)
        print(f"all jobs: {time.monotonic() - started:.0f} s (clean environment included)")
        for job, steps in printed.items():
            for name, text in steps.items():
                lines = text.strip().splitlines()
                shown = lines if len(lines) <= 16 else [*lines[:6], "...", *lines[-9:]]
                print(f"== {job}: {name}")
                print("\n".join(f"   {line[:200]}" for line in shown))
        artifact = Path(printed["build"]["actions/upload-pages-artifact@v5"])
        print(f"Pages artifact: {artifact.stat().st_size / 1e6:.1f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
