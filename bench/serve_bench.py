"""How long `mkdocs serve` takes to show an edited analysis (the example site).

Clones this repository into a temporary folder, starts `mkdocs serve` there, changes one
provision YAML file's title, and polls the provision's page until it shows the new title.
Prints the seconds from saving the file to the page showing the change, for a few edits.
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

ROOT = Path(__file__).resolve().parent.parent
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


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="govsite-serve-"))
    server = None
    try:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(work / "site")], check=True)
        site = work / "site"
        port = free_port()
        base = f"http://127.0.0.1:{port}/govsite/"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=site,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        first = wait_for(base + URL, "Training on conversations", 120)
        if first is None:
            sys.exit("mkdocs serve did not come up")
        print(f"first build served after {first:.1f} s")
        path = site / PROVISION
        original = path.read_text()
        times = []
        for attempt in range(1, 4):
            title = f"Edited title number {attempt}"
            time.sleep(1.5)  # let the watcher settle after the previous rebuild
            path.write_text(
                original.replace(
                    "title: Training on conversations, with an opt-out for consumers",
                    f"title: {title}",
                )
            )
            seconds = wait_for(base + URL, title, 60)
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
