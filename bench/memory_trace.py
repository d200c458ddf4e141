"""Where a build's memory goes, stage by stage: PSS of every process of one ``mkdocs build``.

    .venv/bin/python bench/memory_trace.py SITE_FOLDER [LOG]

``SITE_FOLDER`` holds the site's ``mkdocs.yml`` (as ``contrib_bench.py --keep`` leaves it:
``.../site``; delete its ``.cache`` and ``site`` first for a cold build). Every half second the
PSS of the build and each process it started (workers, git, Pagefind) is sampled; the build's
own progress lines (one every 5 s, as in CI) say which stage is running. It prints the peak of
each stage, with the processes that made it up, and writes every sample to ``LOG`` if given.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import ENV, PYTHON, _pss_kib, _tree

STAGE = re.compile(r"govsite: ([a-z][a-z ']*?)(?::| \d)")


def _name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            words = cmdline.read().split(b"\0")
    except OSError:
        return "?"
    program = Path(words[0].decode(errors="replace")).name
    return "worker" if program.startswith("python") else program


def main() -> None:
    site = Path(sys.argv[1])
    log = open(sys.argv[2], "w", encoding="utf-8", buffering=1) if len(sys.argv) > 2 else None  # noqa: SIM115
    start = time.monotonic()
    process = subprocess.Popen(
        [PYTHON, "-m", "mkdocs", "build"],
        cwd=site,
        env={**ENV, "CI": "true"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    stage = "start"
    peaks: dict[str, tuple[int, float, str]] = {}

    def read() -> None:
        nonlocal stage
        assert process.stdout is not None
        for line in process.stdout:
            found = STAGE.search(line)
            if found:
                stage = found.group(1)
            if log:
                log.write(f"{time.monotonic() - start:7.1f} {line.rstrip()[:200]}\n")

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while process.poll() is None:
        parts = [(pid, _pss_kib(pid) // 1024) for pid in _tree(process.pid)]
        total = sum(mib for _, mib in parts)
        detail = " ".join(
            f"{'build' if pid == process.pid else _name(pid)}:{mib}" for pid, mib in parts
        )
        now = time.monotonic() - start
        if log:
            log.write(f"{now:7.1f} PSS {total} MiB [{stage}] {detail}\n")
        if total > peaks.get(stage, (-1, 0.0, ""))[0]:
            peaks[stage] = (total, now, detail)
        time.sleep(0.5)
    reader.join()
    if log:
        log.close()
    if process.returncode != 0:
        sys.exit(f"build failed in {site}")
    print(f"build: {time.monotonic() - start:.0f} s")
    print("peak PSS by stage (MiB), the processes at that moment:")
    for name, (total, when, detail) in peaks.items():
        print(f"  {name:24} {total:6} at {when:6.0f} s   {detail}")


if __name__ == "__main__":
    main()
