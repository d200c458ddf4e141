"""Profile: the text stage alone (each distinct archived text parsed and viewed), in one
process, on a site made by ``govsite init``.

    .venv/bin/python bench/text_profile.py SITE [--profile] [--stats FILE] [--digest]

Reads the site's archive and views every distinct text in the order the text stage gives
its workers (runs of one document's versions), with no cache, in this process. Prints the
CPU seconds it took (``time.process_time``) and, with ``--digest``, a digest of every view
(its fields' values), so that a change to the stage can be shown to give the same views.
``--profile`` runs it under cProfile and prints the functions with the most own time.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import pstats
import sys
import time
from pathlib import Path

from corpus import ROOT

sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("site", type=Path, help="a site made by govsite init")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--stats", type=Path, help="where to keep the raw profile")
    parser.add_argument("--digest", action="store_true", help="print a digest of all views")
    args = parser.parse_args()
    os.environ["NO_MKDOCS_2_WARNING"] = "1"

    from generator import pipeline
    from generator.archive.blobs import BlobReader
    from generator.archive.history import VersionKind
    from generator.config import load_site_config
    from generator.diagnostics import Diagnostics
    from generator.text.views import view_text

    diag = Diagnostics()
    config = load_site_config(args.site / "mkdocs.yml", diag)
    if config is None:
        sys.exit(f"cannot read {args.site / 'mkdocs.yml'}")
    build = pipeline.run(config, until="archive")
    base_urls: dict[str, str] = {}
    for document in build.content.documents():
        base_urls[document.source] = document.url
        base_urls.update({former: document.url for former in document.former_sources})
    seen: set[tuple[str, str]] = set()
    jobs: list[tuple[str, str, str]] = []
    assert build.history is not None
    blobs = BlobReader(build.history.root)  # the run's own reader is closed when it ends
    for history in build.histories.documents.values():
        for version in history.versions:
            if version.kind is VersionKind.REMOVAL:
                continue
            key = (version.blob, base_urls.get(version.path, ""))
            if key in seen:
                continue
            seen.add(key)
            jobs.append((blobs.text(version, diag), version.blob, key[1]))
    blobs.close()
    characters = sum(len(text) for text, _, _ in jobs)
    profile = cProfile.Profile() if args.profile or args.stats else None
    hasher = hashlib.sha256()
    started = time.process_time()
    if profile:
        profile.enable()
    views = [view_text(text, blob, base_url) for text, blob, base_url in jobs]
    if profile:
        profile.disable()
    cpu = time.process_time() - started
    print(f"{len(jobs)} distinct texts, {characters:,} characters: {cpu:.2f} CPU-s")
    if args.digest:
        for view in views:
            fields = [getattr(view, name) for name in view.__slots__]
            fields = [sorted(f) if isinstance(f, frozenset) else f for f in fields]
            hasher.update(repr(fields).encode())
        print(f"views digest: {hasher.hexdigest()}")
    if profile:
        if args.stats:
            profile.dump_stats(str(args.stats))
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
