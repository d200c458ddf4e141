"""Check a site built with ``compress_texts`` against the same site built without it.

    .venv/bin/python bench/compressed_check.py PLAIN_SITE COMPRESSED_SITE

Both are ``site/`` folders. Prints how many files differ and how; exits non-zero unless the
two hold the same paths, every text page of the second is the first's page gzip-compressed,
and every other file is byte-identical.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator.encoded import decoded, is_encoded


def main() -> None:
    plain, compressed = Path(sys.argv[1]), Path(sys.argv[2])
    names = {p.relative_to(plain).as_posix() for p in plain.rglob("*") if p.is_file()}
    other = {p.relative_to(compressed).as_posix() for p in compressed.rglob("*") if p.is_file()}
    problems = [f"only in {plain}: {n}" for n in sorted(names - other)]
    problems += [f"only in {compressed}: {n}" for n in sorted(other - names)]
    pages = same = 0
    plain_bytes = stored_bytes = 0
    for name in sorted(names & other):
        before, after = (plain / name).read_bytes(), (compressed / name).read_bytes()
        if name.startswith("texts/") and name.endswith(".html"):
            pages += 1
            plain_bytes, stored_bytes = plain_bytes + len(before), stored_bytes + len(after)
            if not is_encoded(after) or decoded(after) != before:
                problems.append(f"{name}: not the plain page compressed")
        elif before == after:
            same += 1
        else:
            problems.append(f"{name}: differs")
    print(
        f"{pages} text pages: {plain_bytes / 1e6:.1f} MB plain, {stored_bytes / 1e6:.1f} MB "
        f"stored ({stored_bytes / max(plain_bytes, 1):.2f}); {same} other files identical"
    )
    for problem in problems[:20]:
        print(f"  {problem}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
