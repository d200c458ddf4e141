"""What the bench scripts share: where the real corpora are, and a site for one of them made
by ``govsite init`` (imported by the scripts beside it, which run with this folder on the
path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
BUNDLE = CORPORA / "genai-eu-versions.bundle"
"""The corpus the benches measure unless told otherwise."""
# Builds keep Python's bytecode, as an installed govsite has it (pip compiles what it
# installs): where the environment says not to write it (PYTHONDONTWRITEBYTECODE, set on
# some CI machines), every measured build compiled govsite's own modules again (0.1-0.2 s,
# a tenth of a warm build), which the baseline's installed packages never do.
ENV = {
    **{name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"},
    "NO_MKDOCS_2_WARNING": "1",
}

# The corpus clone has no public address and govsite runs from this folder: say how CI
# would reach both, as `govsite init` asks.
LOCAL_INIT = (
    "--archive-url",
    "https://git.example/archive.git",
    "--govsite-requirement",
    "govsite @ git+https://git.example/govsite.git",
)


def bundle_of(corpus: str) -> Path:
    """The bundle of a corpus by name (``genai-eu``, ``dsa-reports``...); exits when absent."""
    bundle = CORPORA / f"{corpus}-versions.bundle"
    if not bundle.is_file():
        sys.exit(f"corpus not found: {bundle}")
    return bundle


def clone_corpus(archive: Path, corpus: str = "genai-eu") -> Path:
    """A clone of a corpus at ``archive`` (exits when the corpus is absent)."""
    subprocess.run(["git", "clone", "-q", str(bundle_of(corpus)), str(archive)], check=True)
    return archive


def init_site(archive: Path, site: Path) -> Path:
    """The site ``govsite init`` makes at ``site`` for ``archive``; exits with git's or
    govsite's message when it fails."""
    command = [sys.executable, "-m", "generator", "init", str(site), "--archive", str(archive)]
    result = subprocess.run(
        [*command, *LOCAL_INIT], env=ENV, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"govsite init failed:\n{result.stderr[-4000:]}")
    return site


def set_layout(site: Path, layout: str) -> None:
    """Set the site's ``layout`` plugin option (``full`` or ``large``), whatever init chose."""
    set_option(site, "layout", layout)


def set_option(site: Path, name: str, value: object) -> None:
    """Set one of the site's govsite plugin options in its ``mkdocs.yml``."""
    import yaml

    config_file = site / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "govsite" in entry:
            entry["govsite"][name] = value
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))


def corpus_site(work: Path, corpus: str = "genai-eu") -> tuple[Path, Path]:
    """A corpus cloned into ``work/archive`` and its site made in ``work/site``."""
    archive = clone_corpus(work / "archive", corpus)
    return archive, init_site(archive, work / "site")


def commit_next_day(archive: Path, message: str) -> None:
    """Commit what is staged in ``archive``, dated a day after its newest commit: a daily
    recording comes after the history, where a commit dated by the clock could land before
    the newest versions of a replayed history that runs into the future."""
    newest = subprocess.run(
        ["git", "-C", str(archive), "log", "-1", "--format=%ct"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    stamp = f"@{int(newest) + 86400} +0000"
    subprocess.run(
        [
            "git", "-C", str(archive), "-c", "user.name=bench", "-c", "user.email=b@e.invalid",
            "commit", "-q", "-m", message,
        ],
        env={**ENV, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
        check=True,
    )  # fmt: skip
