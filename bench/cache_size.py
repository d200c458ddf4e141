"""The build cache against the site it builds: bytes of `.cache/govsite/` (by kind of entry)
and of `site/`, for a site folder already built (the target: the cache no larger than the
site).

    .venv/bin/python bench/cache_size.py path/to/site-folder

`make bench` prints the same ratio for the genai-eu site (bench/build_bench.py).
"""

from __future__ import annotations

import sys
from pathlib import Path


def tree_bytes(folder: Path) -> tuple[int, int]:
    """Bytes (file sizes) and files below ``folder``."""
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total, files = total + path.stat().st_size, files + 1
    return total, files


def report(site_folder: Path) -> list[str]:
    cache = site_folder / ".cache" / "govsite"
    site_bytes, site_files = tree_bytes(site_folder / "site")
    cache_bytes, cache_files = tree_bytes(cache)
    lines = [
        f"site:  {site_bytes / 1e6:8.1f} MB in {site_files} files",
        f"cache: {cache_bytes / 1e6:8.1f} MB in {cache_files} files",
        f"  cache / site = {cache_bytes / max(site_bytes, 1):.2f}   (target <= 1)",
    ]
    kinds = sorted(
        ((tree_bytes(p)[0], p.name) for p in cache.iterdir() if p.is_dir()), reverse=True
    )
    lines += [f"  {name:<12} {size / 1e6:8.1f} MB" for size, name in kinds[:8]]
    return lines


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print("\n".join(report(Path(sys.argv[1]))))
