"""How long `mkdocs serve` takes to show an edited analysis.

By default on the example site: clones this repository into a temporary folder, starts
`mkdocs serve` there, changes one provision YAML file's title, and polls the provision's
page until it shows the new title. With ``--corpus`` on the genai-eu corpus instead: scaffolds
its site with `govsite init`, adds one analysis quoting the latest text of a document (in the
temporary folder only), and does the same. Prints the seconds from saving the file to the
page showing the change, for a few edits, and their median.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from corpus import ROOT
from corpus import corpus_site as cloned_corpus_site

PROVISION = "content/provisions/nimbus/terms/training-on-content.yml"
URL = "nimbus/terms/training-on-content/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def wait_for(url: str, text: str, limit: float) -> float | None:
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if text in fetch(url):
            return time.perf_counter() - start
        time.sleep(0.05)
    return None


CORPUS_DOCUMENT = ("claude-ai", "acceptable-use-policy", "Claude.ai/Acceptable Use Policy.md")
REGISTRIES = {
    "topics.yml": "acceptable-use:\n  title: Acceptable use\n",
    "regulations.yml": (
        "gdpr:\n  title: GDPR\n  full_title: General Data Protection Regulation\n"
        "  url: https://eur-lex.europa.eu/eli/reg/2016/679/oj\n"
    ),
    "jurisdictions.yml": "eu:\n  name: European Union\n",
}


def example_site(work: Path) -> tuple[Path, str, str, str]:
    """The example site: (site, page URL, provision file, its title line)."""
    subprocess.run(["git", "clone", "-q", str(ROOT), str(work / "site")], check=True)
    title = "title: Training on conversations, with an opt-out for consumers"
    return work / "site", URL, PROVISION, title


def corpus_site(work: Path) -> tuple[Path, str, str, str]:
    """The genai-eu site with one analysis added: (site, page URL, provision file, title)."""
    archive, site = cloned_corpus_site(work)
    platform, document, source = CORPUS_DOCUMENT
    text = (archive / source).read_text(encoding="utf-8")
    words = next(
        line.split()
        for line in text.splitlines()
        if len(line.split()) >= 12 and not set(line) & set("*_[]`#>|<\\")
    )
    day = subprocess.run(
        ["git", "-C", str(archive), "log", "-1", "--date=format-local:%Y-%m-%d",
         "--format=%ad", "--", source],
        check=True, capture_output=True, text=True, env={**os.environ, "TZ": "UTC"},
    ).stdout.strip()  # fmt: skip
    for name, registry in REGISTRIES.items():
        (site / "content" / name).write_text(registry)
    title = "title: Benchmark analysis"
    provision = f"content/provisions/{platform}/{document}/benchmark-clause.yml"
    (site / provision).parent.mkdir(parents=True, exist_ok=True)
    quote = " ".join(words[:10]).replace("'", "''")
    (site / provision).write_text(
        f"{title}\ntopic: acceptable-use\nquote: '{quote}'\nanalyzed: '{day}'\n"
        "summary: S.\ninterpretation: I.\naffected:\n  - who: Users\n    impact: Some.\n"
        "for_users: F.\nexposure:\n  level: low\n  rationale: R.\n"
        "regulations:\n  - id: gdpr\n    note: N.\njurisdictions:\n  - id: eu\n    note: N.\n"
        "contracts: C.\ncompliance: C.\nauthors:\n  - Benchmark\nreviewed: '2026-01-01'\n"
    )
    return site, f"{platform}/{document}/benchmark-clause/", provision, title


def main() -> None:
    corpus = "--corpus" in sys.argv[1:]
    work = Path(tempfile.mkdtemp(prefix="govsite-serve-"))
    server = None
    try:
        site, page, provision, title_line = corpus_site(work) if corpus else example_site(work)
        port = free_port()
        base = f"http://127.0.0.1:{port}/" + ("" if corpus else "govsite/")
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=site,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        first = wait_for(base + page, title_line.split(": ", 1)[1], 600)
        if first is None:
            sys.exit("mkdocs serve did not come up")
        print(f"site: {'genai-eu corpus' if corpus else 'example'}")
        print(f"first build served after {first:.1f} s")
        path = site / provision
        original = path.read_text()
        times = []
        for attempt in range(1, 4):
            title = f"Edited title number {attempt}"
            time.sleep(1.5)  # let the watcher settle after the previous rebuild
            path.write_text(original.replace(title_line, f"title: {title}"))
            seconds = wait_for(base + page, title, 60)
            if seconds is None:
                sys.exit(f"edit {attempt}: the change never showed")
            times.append(seconds)
            print(f"edit {attempt}: page showed the change {seconds:.2f} s after saving")
        print(f"median: {sorted(times)[1]:.2f} s   (target <= 3 s)")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
