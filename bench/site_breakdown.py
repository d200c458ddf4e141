"""Where a built site's bytes go, in units of its archive's distinct text.

    .venv/bin/python bench/site_breakdown.py SITE_FOLDER ARCHIVE

``SITE_FOLDER`` is the folder holding ``site/`` (as ``contrib_bench.py --keep`` leaves it:
``.../site``), ``ARCHIVE`` the archive's git work tree. Each line is one family of files:
bytes, files, and bytes over the archive's distinct text (text pages stored compressed, as
``compress_texts`` stores them, on a line of their own).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import distinct_text_bytes

FAMILIES = (
    ("version pages", re.compile(r"^[^/]+/[^/]+/\d{4}-\d\d-\d\d(-\d+)?/index\.html$")),
    ("text pages", re.compile(r"^texts/.*\.html$")),
    ("stored texts (.md.gz)", re.compile(r"^texts/.*\.md\.gz$")),
    ("feeds", re.compile(r"\.xml$")),
    ("search index", re.compile(r"^pagefind/")),
    ("data", re.compile(r"^data/")),
    ("document pages", re.compile(r"^[^/]+/[^/]+/index\.html$")),
)


def _compressed(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(2) == b"\x1f\x8b"


def main() -> None:
    site, archive = Path(sys.argv[1]) / "site", Path(sys.argv[2])
    text = distinct_text_bytes(archive)
    sizes: dict[str, list[int]] = {}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        name = path.relative_to(site).as_posix()
        family = next((label for label, pattern in FAMILIES if pattern.search(name)), "other")
        if family == "text pages" and _compressed(path):
            family = "text pages (gzip)"  # compress_texts
        entry = sizes.setdefault(family, [0, 0])
        entry[0] += path.stat().st_size
        entry[1] += 1
    total = sum(size for size, _ in sizes.values())
    print(f"distinct text {text / 1e6:.1f} MB; site {total / 1e6:.1f} MB = {total / text:.2f} x")
    for family, (size, files) in sorted(sizes.items(), key=lambda item: -item[1][0]):
        print(f"  {family:24} {size / 1e6:9.1f} MB {files:8} files {size / text:6.2f} x")


if __name__ == "__main__":
    main()
