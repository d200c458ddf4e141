"""Benchmark: the kinds of change govsite gives the versions of a real archive.

    .venv/bin/python bench/kinds_bench.py genai-eu
    .venv/bin/python bench/kinds_bench.py dsa-reports
    .venv/bin/python bench/kinds_bench.py contrib --files 150
    .venv/bin/python bench/kinds_bench.py /path/to/a/versions/clone

A corpus name clones ``../shared/corpora/<name>-versions.bundle`` into a temporary folder;
a path is used as it is. ``--files N`` keeps only the platforms of the first N archived files (in path
order), for a collection too large to build (contrib). The script makes a site with ``govsite init`` and runs the library's stages up to
``link`` (nothing is rendered), then prints how many versions got each kind and, for the
versions called substantive, how many are by the plain tests below nonetheless noise:

- return: the text equals an earlier version's text of the same document (blob id);
- counter: every changed word is part of a relative date ("3 days ago");
- short: the text is less than a fifth of the previous one's (a candidate capture failure,
  to read: a real removal of most of a text is substantive).

``--list KIND`` prints each version of that kind (document, commit, slug), to read a sample.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

from corpus import ROOT, clone_corpus, init_site

sys.path.insert(0, str(ROOT))

_RELATIVE = re.compile(
    r"^(?:\d+|an?|one|days?|hours?|minutes?|weeks?|months?|years?|ago|yesterday|today|il|y|"
    r"jours?|heures?|semaines?|mois|ans?|vor|tag(?:en)?|stunden?|wochen?|monaten?|jahren?|"
    r"hace|d[ií]as?|horas?|semanas?|meses|años?|fa|giorni|ore|settimane|mesi|anni|"
    r"geleden|dagen|uur|weken|maanden|jaar)$",
    re.IGNORECASE,
)


_AGO = re.compile(
    r"\b(?:ago|yesterday|today|il y a|vor \d|hace|fa|geleden)\b|\bhier\b", re.IGNORECASE
)


def archive_for(corpus: str, work: Path) -> Path:
    source = Path(corpus)
    if source.is_dir():
        return source
    return clone_corpus(work / "archive", corpus)


def keep_first_files(site: Path, files: int) -> None:
    """Leave in the site only the platforms of the first ``files`` archived files, in the
    order of their paths (whole platforms: a platform's files share a folder)."""
    import yaml

    platforms = []
    for path in (site / "content" / "platforms").glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        sources = sorted(d["source"] for d in data.get("documents", {}).values())
        platforms.append((sources[0] if sources else "", len(sources), path))
    kept = 0
    for _, count, path in sorted(platforms):
        if kept >= files:
            path.unlink()
        kept += count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", help="genai-eu, dsa-reports, contrib or a folder")
    parser.add_argument("--files", type=int, help="keep only the first N archived files")
    parser.add_argument("--list", metavar="KIND", help="list the versions of this kind")
    args = parser.parse_args()
    logging.getLogger("mkdocs").setLevel(logging.ERROR)

    from generator.config import load_site_config
    from generator.diagnostics import Diagnostics
    from generator.pipeline import run

    with tempfile.TemporaryDirectory(prefix="kinds-bench-") as tmp:
        work = Path(tmp)
        archive = archive_for(args.corpus, work)
        site = init_site(archive, work / "site")
        if args.files:
            keep_first_files(site, args.files)
        config = load_site_config(site / "mkdocs.yml", Diagnostics())
        assert config is not None
        build = run(config, until="link")
        assert build.model is not None and build.texts is not None
        kinds: Counter[str] = Counter()
        noise: Counter[str] = Counter()
        substantive = 0
        listed = []
        flagged: list[str] = []
        for document in build.model.documents.values():
            blobs: set[str] = set()
            previous = None
            for entry in document.versions:
                version = entry.version
                kinds[entry.kind.value] += 1
                if args.list == entry.kind.value:
                    listed.append(f"{document.key}\t{entry.slug}\t{version.commit}")
                if entry.kind.value == "substantive" and previous is not None:
                    substantive += 1
                    found = ""
                    if version.blob in blobs:
                        found = "return"
                    elif _counter_only(document, entry):
                        found = "counter"
                    else:
                        old = sum(len(t.split()) for t in build.texts.block_texts(previous))
                        new = sum(len(t.split()) for t in build.texts.block_texts(version))
                        if new * 5 < old:
                            found = "short"
                    if found:
                        noise[found] += 1
                        flagged.append(f"{found}\t{document.key}\t{entry.slug}\t{version.commit}")
                blobs.add(version.blob)
                if not entry.is_removal:
                    previous = version
        total = sum(kinds.values())
        print(f"corpus {args.corpus}: {len(build.model.documents)} documents, {total} versions")
        for kind, count in kinds.most_common():
            print(f"  {kind:<22} {count:6}  {count / total:6.1%}")
        share = sum(noise.values()) / substantive if substantive else 0.0
        print(f"substantive changes: {substantive}; by the plain tests, noise among them:")
        for name in ("return", "counter", "short"):
            print(f"  {name:<22} {noise[name]:6}")
        print(f"  {'share':<22} {share:6.1%}")
        if flagged:
            print("flagged by the plain tests, to read (test, document, slug, commit):")
            for line in flagged:
                print(f"  {line}")
        for line in listed:
            print(line)


def _counter_only(document: object, entry: object) -> bool:
    """Whether every word the change inserts or deletes belongs to a relative date."""
    changes = document.changes(entry)  # type: ignore[attr-defined]
    words = [
        word
        for change in changes
        for segment in change.segments
        if segment.op != "="
        for word in re.findall(r"[^\W_]+", segment.text)
    ]
    if not words or any(c.status not in ("changed",) for c in changes):
        return False
    # Numbers alone are not a counter (a new period's dates) unless the clause says "ago".
    text = " ".join(s.text for c in changes for s in c.segments if s.op != "-")
    return bool(_AGO.search(text)) and all(_RELATIVE.match(word) for word in words)


if __name__ == "__main__":
    main()
