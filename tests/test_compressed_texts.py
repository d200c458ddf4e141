"""Text pages stored gzip-compressed (plugin option ``compress_texts`` of the ``large``
layout): the same URLs, the same page once decoded, byte-identical builds, and everything
that reads the site back (manifest, link check, preview server, search) reads them."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import urllib.request
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from helpers import ROOT, TERMS_V1, TERMS_V2, build_into, make_site, mkdocs, served

from generator import urls
from generator.cli.preview import previewed
from generator.cli.workflow import COMPRESSED_PAGES, object_store_step
from generator.config import load_site_config
from generator.diagnostics import Diagnostics
from generator.encoded import EncodedError, decoded, gzip_bytes, is_encoded, stored_page
from generator.publish.linkcheck import broken_links
from generator.publish.manifest import write_manifest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

DOC = "acme/terms"
TEXTS = (TERMS_V1, TERMS_V2, TERMS_V1)
DATES = ("2024-01-15", "2024-02-01", "2024-03-01")


def with_options(root: Path, **options: object) -> None:
    config_file = root / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text())
    config["plugins"] = ["search", {"govsite": options}]
    config_file.write_text(yaml.safe_dump(config))


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same small site in the large layout, its text pages stored as they are and
    compressed."""
    built = {}
    for name, compress in (("plain", False), ("compressed", True)):
        root = tmp_path_factory.mktemp(name)
        make_site(root, texts=TEXTS, dates=DATES)
        with_options(root, layout="large", compress_texts=compress)
        built[name] = build_into(root, root / "site")
    return built


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def text_pages(site: Path) -> list[str]:
    return sorted(
        name for name in files(site) if re.fullmatch(r"texts/../[0-9a-f]{40}\.html", name)
    )


def test_text_pages_are_stored_compressed_under_the_same_urls(sites: dict[str, Path]) -> None:
    plain, compressed = files(sites["plain"]), files(sites["compressed"])
    assert sorted(plain) == sorted(compressed)  # no URL changes
    pages = text_pages(sites["compressed"])
    assert len(pages) == 2  # two distinct texts
    for name in pages:
        stored = compressed[name]
        assert is_encoded(stored) and not is_encoded(plain[name])
        assert gzip.decompress(stored) == plain[name]  # the same page once decoded
        assert len(stored) < len(plain[name])
        # A fixed header: deflate, no flags (no file name), modification time 0.
        assert stored[:10] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    # Every other file, the manifest and the search index included, is the same.
    assert [n for n in plain if n not in pages and plain[n] != compressed[n]] == []


def test_the_gzip_stream_depends_only_on_its_input() -> None:
    data = b"<!doctype html>\n" + b"clause text " * 500
    assert gzip_bytes(data) == gzip_bytes(bytes(data))
    assert gzip.decompress(gzip_bytes(data)) == data
    assert decoded(gzip_bytes(data)) == data and decoded(data) == data


def test_a_rebuild_from_the_cache_is_byte_identical(sites: dict[str, Path]) -> None:
    cold = sites["compressed"]
    warm = build_into(cold.parent, cold.parent / "again")
    before, after = files(cold), files(warm)
    assert sorted(before) == sorted(after)
    assert [name for name in before if before[name] != after[name]] == []


def test_turning_the_option_on_rewrites_the_text_pages(tmp_path: Path) -> None:
    """The option is part of each text page's key: a site built plain, then compressed from
    the same cache, has its text pages compressed (and back)."""
    make_site(tmp_path, texts=TEXTS, dates=DATES)
    with_options(tmp_path, layout="large")
    site = build_into(tmp_path, tmp_path / "site")
    (name,) = text_pages(site)[:1]
    assert not is_encoded((site / name).read_bytes())
    with_options(tmp_path, layout="large", compress_texts=True)
    build_into(tmp_path, site)
    assert is_encoded((site / name).read_bytes())
    with_options(tmp_path, layout="large")
    build_into(tmp_path, site)
    assert not is_encoded((site / name).read_bytes())


def test_link_check_and_manifest_read_the_compressed_pages(sites: dict[str, Path]) -> None:
    site = sites["compressed"]
    assert broken_links(site) == []
    # A clause anchor of a text page is checked: break one and the check says so.
    version = site / DOC / "2024-02-01" / "index.html"
    link = re.search(r'href="([^"]*texts/[^"#]+\.html)#([^"]+)"', version.read_text())
    assert link is not None
    version.write_text(version.read_text().replace(link.group(0), f'href="{link[1]}#gone"'))
    try:
        assert any("no anchor #gone" in problem for problem in broken_links(site))
    finally:
        version.write_text(version.read_text().replace(f'href="{link[1]}#gone"', link.group(0)))


def fetch(url: str, gzip_ok: bool) -> tuple[dict[str, str], bytes]:
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
        return dict(response.headers), response.read()


def test_the_preview_sends_compressed_pages_with_their_encoding(sites: dict[str, Path]) -> None:
    site = sites["compressed"]
    name = text_pages(site)[0]
    with previewed(site) as base:
        headers, body = fetch(base + name, gzip_ok=True)
        assert headers["Content-Encoding"] == "gzip"
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert body == (site / name).read_bytes()
        # A client that does not accept gzip gets the page decoded.
        headers, body = fetch(base + name, gzip_ok=False)
        assert "Content-Encoding" not in headers
        assert body.startswith(b"<!doctype html>")
        # Other pages go as they are stored.
        headers, body = fetch(base + DOC + "/2024-02-01/", gzip_ok=True)
        assert "Content-Encoding" not in headers
        assert body == (site / DOC / "2024-02-01" / "index.html").read_bytes()


def test_govsite_serve_previews_a_built_site(sites: dict[str, Path]) -> None:
    site = sites["compressed"]
    name = text_pages(site)[0]
    command = [sys.executable, "-m", "generator", "serve", str(site), "--port", "0"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, line
        headers, body = fetch(found[0] + name, gzip_ok=True)
        assert headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body).startswith(b"<!doctype html>")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_names_a_missing_folder(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "serve", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "nowhere" in result.stderr and "Traceback" not in result.stderr


def test_the_option_needs_the_large_layout(tmp_path: Path) -> None:
    make_site(tmp_path, texts=TEXTS, dates=DATES)
    with_options(tmp_path, compress_texts=True)
    diag = Diagnostics()
    assert load_site_config(tmp_path / "mkdocs.yml", diag) is None
    assert [str(d) for d in diag.sorted()] == [
        "mkdocs.yml:1:1: plugins.govsite.compress_texts: only the `large` layout has text "
        "pages to compress (set `layout: large`)"
    ]
    result = mkdocs(tmp_path, "build", "-q", "-d", str(tmp_path / "site"))
    assert result.returncode != 0
    assert "compress_texts: only the `large` layout" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_layout_conflict_is_reported_with_the_other_option_problems(tmp_path: Path) -> None:
    make_site(tmp_path, texts=TEXTS, dates=DATES)
    with_options(tmp_path, compress_texts=True, lock_wait="soon")
    diag = Diagnostics()
    assert load_site_config(tmp_path / "mkdocs.yml", diag) is None
    fields = [str(d).split(": ")[1] for d in diag.sorted()]
    assert fields == ["plugins.govsite.compress_texts", "plugins.govsite.lock_wait"], fields


def test_the_object_store_step_uploads_text_pages_with_their_encoding() -> None:
    compressed = object_store_step(True)
    syncs = [line for line in compressed.splitlines() if "rclone sync" in line]
    assert len(syncs) == 3
    first, second, _ = syncs
    # The text pages first, with their headers; the rest after, leaving them alone (rclone
    # neither uploads nor deletes what a filter leaves out).
    assert f"--include '{COMPRESSED_PAGES}'" in first
    assert "--header-upload 'Content-Encoding: gzip'" in first
    assert "--header-upload 'Content-Type: text/html; charset=utf-8'" in first
    assert f"--exclude '{COMPRESSED_PAGES}'" in second and "header-upload" not in second
    # The filter names the text pages, and nothing else of the site.
    pattern = COMPRESSED_PAGES.lstrip("/").replace("**", "*")
    blob = "ab" * 20
    assert fnmatch(urls.text_page(blob), pattern)
    assert not fnmatch(urls.text(blob), pattern)
    assert not fnmatch(urls.page_file(urls.version("acme/terms", "2024-01-15")), pattern)


def test_init_compresses_text_pages_only_past_github_pages_size_in_the_large_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner
    from helpers import Archive

    from generator.cli import main
    from generator.publish import hosts

    assert hosts.large_layout_limits(100_000_000) == []
    assert hosts.large_layout_limits(1_160_000_000) == [
        "about 2.7 GB: GitHub Pages publishes at most 1 GB"
    ]
    archive = Archive(tmp_path / "archive")
    archive.commit("2024-01-02", {"Chat/Terms.md": "# T\n\nOne.\n"}, "First record of Chat Terms")

    def init(site: Path) -> tuple[dict[str, object], str]:
        result = CliRunner().invoke(main, ["init", str(site), "--archive", str(archive.path)])
        assert result.exit_code == 0, result.output
        config = yaml.safe_load((site / "mkdocs.yml").read_text())
        options = next(e["govsite"] for e in config["plugins"] if "govsite" in e)
        return options, (site / ".github/workflows/govsite.yml").read_text()

    # Past a host's files in the full layout, inside GitHub Pages' size in the large one.
    monkeypatch.setattr(hosts, "FULL_LAYOUT_FILES_PER_VERSION", 30_000)
    options, workflow_text = init(tmp_path / "large")
    assert options["layout"] == "large" and "compress_texts" not in options
    # The object store step reads from the built site whether its text pages are
    # compressed; only its note says that init turned the option on.
    assert "are stored gzip-compressed (compress_texts" not in workflow_text
    # Past GitHub Pages' size even in the large layout.
    monkeypatch.setattr(hosts, "LARGE_LAYOUT_BYTES_PER_TEXT", 1e9)
    options, workflow_text = init(tmp_path / "compressed")
    assert options["layout"] == "large" and options["compress_texts"] is True
    assert "--header-upload 'Content-Encoding: gzip'" in workflow_text
    assert "are stored gzip-compressed (compress_texts" in workflow_text


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reader_opens_a_versions_full_text_without_javascript(
    sites: dict[str, Path], browser: Browser, width: int
) -> None:
    """From a version's permalink, one click opens its full text, script turned off: the
    browser decodes the compressed text page the preview sends with ``Content-Encoding:
    gzip``."""
    site = sites["compressed"]
    shots = Path(os.environ.get("GOVSITE_SCREENSHOTS", ROOT / "test-output" / "screenshots"))
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": width, "height": 900}
    )
    try:
        tab = context.new_page()
        with served(site) as base:
            tab.goto(base + DOC + "/2024-02-01/")
            with tab.expect_navigation() as opened:
                tab.get_by_role("link", name="Read the full text of this version").click()
            response = opened.value
            assert response is not None
            assert response.header_value("content-encoding") == "gzip"
            assert re.search(r"/texts/../[0-9a-f]{40}\.html$", tab.url)
            clause = tab.get_by_text("You may use the service for lawful purposes only.")
            assert clause.is_visible()
            shots.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(shots / f"compressed-text-page-{width}.png"))
            tab.go_back()
            tab.screenshot(path=str(shots / f"compressed-text-version-{width}.png"))
    finally:
        context.close()


def test_decoding_a_stored_page_is_bounded() -> None:
    page = b"<p>" + b"x" * 5000
    assert decoded(gzip_bytes(page), limit=len(page)) == page
    # A bomb (a few bytes that inflate far beyond any page) stops at the limit.
    with pytest.raises(EncodedError, match="more than 5000 bytes"):
        decoded(gzip_bytes(page + b"y"), limit=5000)
    with pytest.raises(EncodedError, match="damaged"):
        decoded(b"\x1f\x8b not a gzip stream")
    with pytest.raises(EncodedError, match="cut short"):
        decoded(gzip_bytes(page)[:-20])


def test_link_check_and_manifest_name_a_damaged_stored_page(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "texts" / "ab").mkdir(parents=True)
    (site / "index.html").write_bytes(b'<!doctype html><a href="texts/ab/bad.html">t</a>')
    (site / "texts" / "ab" / "bad.html").write_bytes(gzip_bytes(b"<p>text")[:-12])
    [problem] = broken_links(site)
    assert "texts/ab/bad.html" in problem and "cut short" in problem
    with pytest.raises(EncodedError, match=r"texts/ab/bad\.html: a gzip stream cut short"):
        write_manifest(site, "https://example.org/")


def _run_object_store_step(step: str, site_root: Path) -> list[str]:
    """The rclone commands the object store step runs (uncommented) on the site in
    ``site_root``/site, with a stand-in rclone that only records its arguments."""
    lines = step.splitlines()
    start = next(i for i, line in enumerate(lines) if line.endswith("run: |")) + 1
    script = "\n".join(line.removeprefix("      #     ") for line in lines[start:])
    bin_dir = site_root / "bin"
    bin_dir.mkdir()
    for name, body in (("rclone", 'printf "%s\\n" "$*" >> "$RCLONE_LOG"'), ("sudo", "true")):
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    log = site_root / "rclone.log"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "RCLONE_LOG": str(log)}
    env["S3_BUCKET"] = "bucket"
    subprocess.run(["bash", "-e", "-c", script], cwd=site_root, env=env, check=True)
    return log.read_text().splitlines()


@pytest.mark.parametrize("written_for_compressed", [True, False])
def test_the_object_store_step_labels_text_pages_by_what_the_site_holds(
    tmp_path: Path, written_for_compressed: bool
) -> None:
    """The step ``init`` wrote labels text pages by the site it uploads, not by the option
    as it was when ``init`` ran: turned on or off since, no page goes up with headers that
    do not match its bytes."""
    step = object_store_step(written_for_compressed)
    for compressed in (True, False):
        root = tmp_path / f"compressed-{compressed}"
        page = root / "site" / urls.text_page("ab" * 20)
        page.parent.mkdir(parents=True)
        page.write_bytes(stored_page(b"<!doctype html><p>text", compressed))
        commands = _run_object_store_step(step, root)
        if compressed:
            assert len(commands) == 2, commands
            assert f"--include {COMPRESSED_PAGES}" in commands[0]
            assert "Content-Encoding: gzip" in commands[0]
            assert f"--exclude {COMPRESSED_PAGES}" in commands[1]
            assert "header-upload" not in commands[1]
        else:
            assert len(commands) == 1, commands
            assert "header-upload" not in commands[0] and "--include" not in commands[0]
