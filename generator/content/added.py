"""When each contributor's file was added, from the site repository's git history."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path


def added_dates(folder: Path) -> dict[Path, dt.date]:
    """The day each file below ``folder`` was last added in git (one ``git log`` pass);
    empty outside a git repository or for files not committed yet."""
    if not folder.is_dir():
        return {}
    top = subprocess.run(
        ["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        check=False,
    )
    if top.returncode != 0:
        return {}
    root = Path(top.stdout.strip())
    log = subprocess.run(
        [
            "git", "-C", str(root), "-c", "core.quotepath=off", "log", "--diff-filter=A",
            "--no-renames", "--format=%x1e%at", "--name-only", "-z", "--", str(folder.resolve()),
        ],
        capture_output=True,
        check=False,
    )  # fmt: skip
    found: dict[Path, dt.date] = {}
    if log.returncode != 0:
        return found
    for record in log.stdout.split(b"\x1e")[1:]:
        stamp, _, names = record.partition(b"\0")
        try:
            day = dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            continue
        for name in names.strip(b"\n").split(b"\0"):
            if name:
                path = (root / name.decode("utf-8", errors="surrogateescape")).resolve()
                found.setdefault(path, day)  # newest first: the last time it was added
    return found
