"""Builders for tests: git archives with pinned dates and small complete sites."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from textwrap import dedent
from typing import Any

from generator import pipeline
from generator.cli.preview import previewed
from generator.config import SiteConfig
from generator.diagnostics import Severity
from generator.render import Page
from generator.render.pages import StaticFile
from generator.text import safemd
from generator.text.blocks import Block, _add_blocks, parse_text

ROOT = Path(__file__).resolve().parent.parent


def build_site(config: SiteConfig, *, render: bool = True, record: bool = False) -> pipeline.Build:
    """Run the pipeline in this process: up to rendering, or only up to validation."""
    return pipeline.run(config, until="publish" if render else pipeline.CHECK_UNTIL, record=record)


def published_files(files: list[StaticFile], folder: Path) -> dict[str, bytes]:
    """Each generated file's path and bytes; those written on demand (a document's records
    and feeds wait in the cache until written) are written into ``folder`` to be read. The
    dataset, which a background job makes, is left out."""
    folder.mkdir(parents=True, exist_ok=True)
    published = {}
    for number, file in enumerate(files):
        if file.write is None:
            published[file.path] = file.content
        elif file.start is None:
            file.write(folder / str(number))
            published[file.path] = (folder / str(number)).read_bytes()
    return published


def every_page(build: pipeline.Build) -> list[Page]:
    """Every page a build rendered, the history streams' included."""
    assert build.output is not None
    pages = list(build.output.pages)
    for stream in build.output.streams:
        pages.extend(streamed.render() for streamed in stream.pages)
    return pages


CORPORA = ROOT.parent / "shared" / "corpora"


def git(repo: Path, *args: str, date: str = "2024-01-01T12:00:00+00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    result = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


class Archive:
    """A git repository whose commits are made with fixed dates."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        if create:
            path.mkdir(parents=True, exist_ok=True)
            git(path, "init", "-q", "-b", "main")

    @classmethod
    def existing(cls, path: Path) -> Archive:
        """An archive already created (for example by :func:`make_site`)."""
        return cls(path, create=False)

    def commit(
        self,
        date: str,
        files: Mapping[str, str | bytes | None],
        message: str = "Record new changes",
    ) -> str:
        """Write (or with ``None`` delete) files and commit them at ``date`` (YYYY-MM-DD)."""
        for name, text in files.items():
            target = self.path / name
            if text is None:
                git(self.path, "rm", "-q", "--", name)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                target.write_bytes(text)
            else:
                target.write_text(text, encoding="utf-8")
            git(self.path, "add", "--", name)
        stamp = date if "T" in date else f"{date}T12:00:00+00:00"
        git(self.path, "commit", "-q", "--allow-empty", "-m", message, date=stamp)
        return git(self.path, "rev-parse", "HEAD").strip()


TERMS_V1 = dedent(
    """\
    # Example Terms

    ## Use

    You may use the service for lawful purposes only.

    ## Data

    We may use your content to train our models.

    ## Liability

    Our liability is limited to 10 dollars.
    """
)
TERMS_V2 = TERMS_V1.replace("10 dollars", "100 dollars")
TERMS_V3 = TERMS_V2.replace(
    "We may use your content to train our models.",
    "We do not use your content to train our models.",
)

PLATFORM_YML = dedent(
    """\
    name: Acme
    website: https://acme.example
    documents:
      terms:
        title: Terms of Service
        source: Acme/Terms of Service.md
        url: https://acme.example/terms
        type: Terms of Service
    """
)

REGISTRIES = {
    "topics.yml": "liability:\n  title: Liability\ntraining:\n  title: Training\n",
    "regulations.yml": (
        "gdpr:\n  title: GDPR\n  full_title: General Data Protection Regulation\n"
        "  url: https://eur-lex.europa.eu/eli/reg/2016/679/oj\n"
    ),
    "jurisdictions.yml": "eu:\n  title: European Union\n",
}


def provision_yml(
    quote: str = "Our liability is limited to 100 dollars.",
    analyzed: str = "2024-02-01",
    **overrides: str,
) -> str:
    fields = {
        "title": "Liability cap",
        "topic": "liability",
        "quote": quote,
        "analyzed": analyzed,
        "summary": "A low cap.",
        "interpretation": "Caps are common.",
        "affected": "\n  - who: Users\n    impact: Capped.",
        "for_users": "Plan for it.",
        "exposure": "\n  level: high\n  rationale: Very low.",
        "regulations": "\n  - id: gdpr\n    article: '82'\n    note: Damages.",
        "jurisdictions": "\n  - id: eu\n    note: Consumer law applies.",
        "contracts": "Negotiate.",
        "compliance": "Record it.",
        "authors": "\n  - Tester",
        "reviewed": "2024-03-01",
    }
    fields.update(overrides)
    lines = []
    for key, value in fields.items():
        if value.startswith("\n"):
            lines.append(f"{key}:{value}")
        else:
            lines.append(f"{key}: {quote_yaml(value)}")
    return "\n".join(lines) + "\n"


def quote_yaml(value: str) -> str:
    if value.startswith(("[", "{", "'", '"')) or value.isdigit():
        return value
    return "'" + value.replace("'", "''") + "'"


MKDOCS_YML = dedent(
    """\
    site_name: Test site
    site_url: https://test.example/
    docs_dir: content/pages
    theme:
      name: material
    plugins:
      - search
      - govsite
    """
)


def make_site(
    root: Path,
    *,
    provisions: Mapping[str, str] | None = None,
    texts: tuple[str, ...] = (TERMS_V1, TERMS_V2, TERMS_V3),
    dates: tuple[str, ...] = ("2024-01-15", "2024-02-01", "2024-06-01"),
    platform: str = PLATFORM_YML,
) -> SiteConfig:
    """A complete small site in its own git repository, archive in ``sources/``."""
    archive = Archive(root)
    for index, (text, date) in enumerate(zip(texts, dates, strict=True)):
        verb = "First record of" if index == 0 else "Record new changes of"
        archive.commit(date, {"sources/Acme/Terms of Service.md": text}, f"{verb} Acme Terms")
    files = {
        "mkdocs.yml": MKDOCS_YML,
        "content/pages/index.md": "# Test site\n",
        "content/platforms/acme.yml": platform,
        **{f"content/{name}": text for name, text in REGISTRIES.items()},
    }
    if provisions is None:
        provisions = {"acme/terms/liability-cap": provision_yml()}
    for key, text in provisions.items():
        files[f"content/provisions/{key}.yml"] = text
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return SiteConfig.from_options(
        root, {}, site_name="Test site", site_url="https://test.example/"
    )


def run_cli(cwd: Path, *args: str) -> tuple[int, str]:
    """``govsite ARGS`` in ``cwd`` (through click's test runner): exit code and output. A
    traceback fails the test."""
    from click.testing import CliRunner

    from generator.cli import main

    previous = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args))
    finally:
        os.chdir(previous)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback from govsite {' '.join(args)}:\n{result.output}") from (
            result.exception
        )
    return result.exit_code, result.output


def two_platform_site(root: Path) -> Path:
    """The site :func:`make_site` makes, with a second platform recording one document."""
    make_site(root)
    other = PLATFORM_YML.replace("Acme", "Other").replace("acme", "other")
    (root / "content/platforms/other.yml").write_text(other)
    Archive.existing(root).commit(
        "2024-01-20", {"sources/Other/Terms of Service.md": TERMS_V1}, "First record of Other"
    )
    return root


def init_site(tmp_path: Path, archive: Path, *extra: str) -> Path:
    """``govsite init`` of a site at ``tmp_path/site`` over ``archive``, which must succeed."""
    site = tmp_path / "site"
    code, output = run_cli(
        tmp_path, "init", str(site), "--archive", str(archive), "--site-url", "https://r.example/",
        *extra,
    )  # fmt: skip
    assert code == 0, output
    return site


def problems(root: Path, severity: Severity = Severity.ERROR, **site: Any) -> list[str]:
    """The problems of one severity that checking a site made with :func:`make_site` finds."""
    config = make_site(root, **site)
    result = build_site(config, render=False)
    return [str(d) for d in result.diagnostics.sorted() if d.severity is severity]


def mkdocs(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m mkdocs ARGS`` in ``cwd``, as a contributor would run it."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args],
        cwd=cwd,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )


def build_into(cwd: Path, out: Path, *extra: str) -> Path:
    """A strict ``mkdocs build`` of the site in ``cwd`` into ``out``; fails the test on error."""
    result = mkdocs(cwd, "build", "--strict", "-q", "-d", str(out), *extra)
    assert result.returncode == 0, result.stderr
    return out


def search_index(site: Path) -> dict[str, dict[str, Any]]:
    """What the site's Pagefind index shows of each page (URL, words, filters, title), read
    back from the fragment files of every segment, less the outdated records the search page
    hides (a page is shown from one segment only)."""
    pages: dict[str, dict[str, Any]] = {}
    hidden = set(hidden_search_records(site))
    for fragment in sorted((site / "pagefind").glob("**/fragment/*.pf_fragment")):
        if fragment.stem in hidden:
            continue
        raw = gzip.decompress(fragment.read_bytes())
        assert raw.startswith(b"pagefind_dcd")
        record = json.loads(raw[len(b"pagefind_dcd") :])
        assert record["url"] not in pages, f"{record['url']} is in two search segments"
        pages[record["url"]] = record
    return pages


def hidden_search_records(site: Path) -> list[str]:
    """The ids of the search records the search page leaves out (outdated copies of pages a
    newer segment holds): listed by the latest segment's entry file, or by segments.json."""
    listing = site / "pagefind" / "segments.json"
    if not listing.is_file():
        return []
    segments = json.loads(listing.read_text())
    found: list[str] = list(segments["hide"])
    entry = site / "pagefind" / segments["hidden"]  # the latest segment's entry file
    if entry.is_file():
        found += json.loads(entry.read_text()).get("govsite", {}).get("hide", [])
    return found


def sitemap_text(site: Path) -> str:
    """Every sitemap the site's sitemap index names, one after the other (each must exist)."""
    index = (site / "sitemap.xml").read_text()
    parts = []
    for location in re.findall(r"<sitemap><loc>([^<]+)</loc></sitemap>", index):
        name = location.rpartition("/sitemaps/")[2]
        parts.append((site / "sitemaps" / name).read_text())
    return "".join(parts)


def parse_whole(text: str) -> tuple[list[Block], str]:
    text = safemd.clean_text(text).replace("\r\n", "\n").replace("\r", "\n")
    tokens = safemd.parse_clean(text)
    blocks: list[Block] = []
    _add_blocks(tokens, 0, 0, blocks)
    return blocks, safemd.render_tokens(tokens)


def assert_same_as_whole(text: str) -> None:
    """Parsing in pieces (each distinct piece once) gives exactly what parsing whole gives."""
    parsed = parse_text(text, "blob")
    assert (parsed.blocks, safemd.render_tokens(parsed.tokens)) == parse_whole(text)


def page(site: Path, url: str) -> str:
    """The HTML of a built site's page at ``url``."""
    return (site / url / "index.html").read_text(encoding="utf-8")


def kind_on(site: Path, document: str, slug: str) -> str:
    """The kind of change a built version page shows."""
    match = re.search(
        r'class="govsite-kind govsite-kind-([a-z-]+)"', page(site, f"{document}/{slug}")
    )
    assert match, (document, slug)
    return match.group(1)


# Browser tests: Debian's chromium driven by Playwright (the fixtures `browser` and `page` are
# in conftest.py). `.ci/run` installs both; without them those tests skip, saying why.
CHROMIUM = os.environ.get("GOVSITE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browser_missing() -> list[str]:
    """What the browser tests need and this machine lacks (empty when they can run)."""
    try:
        import playwright.sync_api
    except ImportError:
        playwright = False
    else:
        playwright = True
    return [
        reason
        for reason, absent in (
            ("the playwright package is not installed (pip install playwright)", not playwright),
            (f"no chromium at {CHROMIUM} (apt-get install chromium)", not Path(CHROMIUM).exists()),
        )
        if absent
    ]


def served(site: Path) -> AbstractContextManager[str]:
    """A built site served over HTTP on a free local port, as an object store behind a CDN
    serves it (text pages stored compressed are sent with ``Content-Encoding: gzip``): its
    base URL."""
    return previewed(site)


# One page of each type of the example site, by its address below the site root: the
# browser, accessibility and HTML conformance tests visit each.
PAGE_TYPES: dict[str, str] = {
    "home": "",
    "platform": "nimbus/",
    "document": "nimbus/terms/",
    "provision": "nimbus/terms/training-on-content/",
    "provision-history": "nimbus/terms/training-on-content/history/",
    "provision-revisions": "nimbus/terms/arbitration/revisions/",
    "provision-revision": "nimbus/terms/arbitration/revisions/2/",
    "contributors": "contributors/",
    "topic": "topics/training-data/",
    "regulation": "regulations/gdpr/",
    "jurisdiction": "jurisdictions/eu/",
    "version": "nimbus/terms/2024-09-30/",
    "changes": "nimbus/terms/2025-04-14/#changes",
    "kinds": "kinds/",
    "compare": "compare/?document=nimbus/terms&from=2024-02-12&to=2025-04-14",
    "data": "data/",
    "tombstone": "nimbus/usage-policy/enforcement-reviews/",
}
