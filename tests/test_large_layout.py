"""The ``large`` layout (plugin option ``layout: large``): version pages link one shared text
page per distinct text instead of repeating their text, and summarise long changes; the
default layout keeps each version's text on its page."""

import hashlib
import html
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from helpers import TERMS_V1, TERMS_V2, Archive, build_into, make_site, page, problems

from generator.cli import main
from generator.publish import hosts
from generator.render.change_sections import SUMMARY_ROWS
from generator.render.feeds import (
    FEED_CHANGES,
    LARGE_FEED_CHANGES,
    LARGE_FEED_CHARACTERS,
)

DOC = "acme/terms"
MANY = "# Example Terms\n\n" + "".join(
    f"## Part {n}\n\nClause {n} says the service may do thing number {n} for you.\n\n"
    for n in range(1, 41)
)
REWRITTEN = MANY.replace("may do thing", "shall never do the thing")
LONG = "# Example Terms\n\n" + " ".join(f"word{n} clause text" for n in range(900)) + "\n"
LONG_EDITED = LONG.replace("0 clause", "0 changed clause")
TEXTS = (TERMS_V1, TERMS_V2, TERMS_V1, MANY, REWRITTEN, LONG, LONG_EDITED)
DATES = ("2024-01-15", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01", "2024-06-01",
         "2024-07-01")  # fmt: skip


def with_layout(root: Path, layout: str) -> None:
    config_file = root / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text())
    config["plugins"] = ["search", {"govsite": {"layout": layout}}]
    config_file.write_text(yaml.safe_dump(config))


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same small site built in each layout."""
    built = {}
    for layout in ("full", "large"):
        root = tmp_path_factory.mktemp(layout)
        make_site(root, texts=TEXTS, dates=DATES)
        with_layout(root, layout)
        built[layout] = build_into(root, root / "site")
    return built


def text_link(html: str) -> str:
    """The site path of the text page a version page links (its only one)."""
    found = set(re.findall(r'href="(?:\.\./)+(texts/[0-9a-f]{2}/[0-9a-f]{40}\.html)"', html))
    assert len(found) == 1, found
    return found.pop()


def test_a_version_page_links_its_text_page_instead_of_showing_the_text(
    sites: dict[str, Path],
) -> None:
    html = page(sites["large"], f"{DOC}/2024-02-01")
    assert "govsite-archived-text" not in html
    assert "dollars" in html  # in its changes
    assert "lawful purposes" not in html  # an unchanged clause is in the text page only
    target = sites["large"] / text_link(html)
    text = target.read_text()
    assert "You may use the service for lawful purposes only." in text
    assert "Our liability is limited to 100 dollars." in text
    assert "<script" not in text  # readable without JavaScript
    assert re.search(r'<p id="c[0-9a-f]+">You may use the service', text)


def test_versions_with_the_same_text_share_one_text_page(sites: dict[str, Path]) -> None:
    site = sites["large"]
    first, back = page(site, f"{DOC}/2024-01-15"), page(site, f"{DOC}/2024-03-01")
    assert text_link(first) == text_link(back)
    # One page per distinct text (six texts, seven versions), beside each gzip file.
    assert len(list((site / "texts").glob("*/*.html"))) == 6
    assert len(list((site / "texts").glob("*/*.md.gz"))) == 6


def test_clause_links_lead_to_anchors_of_the_text_page(sites: dict[str, Path]) -> None:
    site = sites["large"]
    checked = 0
    for version in sorted((site / DOC).glob("2024-*/index.html")):
        for target, anchor in re.findall(
            r'href="(?:\.\./)+(texts/[0-9a-f/]+\.html)#([^"]+)"', version.read_text()
        ):
            assert f'id="{anchor}"' in (site / target).read_text(), (version, target, anchor)
            checked += 1
    assert checked >= 4  # the return to the first text links into the first text's page


def test_a_long_rewrite_is_summarised_with_the_full_comparison_linked(
    sites: dict[str, Path],
) -> None:
    large = page(sites["large"], f"{DOC}/2024-05-01")
    full = page(sites["full"], f"{DOC}/2024-05-01")
    assert "A long change, summarised" in large
    assert "40 changes in" in large
    assert "changed 40. This page lists" in large
    listed = large.count('<div class="govsite-change ')
    assert 1 <= listed <= SUMMARY_ROWS
    assert f"lists the first {listed};" in large
    assert re.search(
        r'href="[^"]*compare/\?document=acme/terms&amp;from=2024-04-01&amp;to=2024-05-01"[^>]*>the full comparison',
        large,
    )
    assert full.count('<div class="govsite-change ') == 40
    assert "A long change, summarised" not in full


def test_one_long_changed_clause_is_cut_short(sites: dict[str, Path]) -> None:
    large = page(sites["large"], f"{DOC}/2024-07-01")
    full = page(sites["full"], f"{DOC}/2024-07-01")
    assert "lists the first 1 (the last of them cut short)" in large
    assert "word890 changed clause" in full
    assert "word890" not in large.split('id="text"')[0]
    diff = large.split('<div class="govsite-diff">', 1)[1].split("</div>", 1)[0]
    assert diff.endswith(" …")
    assert 3000 < len(diff) < 9000


def test_a_short_change_is_listed_whole(sites: dict[str, Path]) -> None:
    large = page(sites["large"], f"{DOC}/2024-02-01")
    assert "summarised" not in large
    assert large.count('<div class="govsite-change ') == 1


def test_the_full_layout_keeps_the_text_on_the_version_page(sites: dict[str, Path]) -> None:
    html = page(sites["full"], f"{DOC}/2024-02-01")
    assert '<div class="govsite-archived-text">' in html
    assert "You may use the service for lawful purposes only." in html
    assert not list((sites["full"] / "texts").glob("*/*.html"))


def test_a_version_page_writes_one_citation_format_and_the_data_of_the_others(
    sites: dict[str, Path],
) -> None:
    """The browser makes the other formats (tests/test_browser.py holds them equal to the
    build's); the full layout writes all five."""
    large, full = (page(sites[layout], f"{DOC}/2024-02-01") for layout in ("large", "full"))
    assert large.count('<details class="govsite-citation"') == 1
    assert 'data-cite-format="bluebook"' in large and 'id="cite-apa"' not in large
    found = re.search(r"data-citable='([^']*)'", large)
    assert found is not None
    data = json.loads(html.unescape(found.group(1)))
    assert data["permalink"].endswith(f"/{DOC}/2024-02-01/")
    assert data["version_label"] == "version recorded 2024-02-01"
    assert len(data["content_hash"]) == 40
    assert full.count('<details class="govsite-citation"') == 5
    assert "data-citable" not in full


def _feed_entry(site: Path, slug: str) -> str:
    """The summary of the document feed's entry for a version, unescaped."""
    feed = (site / DOC / "feed.xml").read_text()
    entry = next(part for part in feed.split("<entry>") if f"/{DOC}/{slug}/</id>" in part)
    summary = entry.split('<summary type="html">', 1)[1].split("</summary>", 1)[0]
    return html.unescape(summary)


def test_a_feed_entry_shows_the_first_changes_and_links_the_rest(
    sites: dict[str, Path],
) -> None:
    large, full = (_feed_entry(sites[layout], "2024-05-01") for layout in ("large", "full"))
    assert large.count("<li>") == LARGE_FEED_CHANGES
    assert full.count("<li>") == FEED_CHANGES
    assert "All 40 changes on the version’s page" in large
    rewritten = _feed_entry(sites["large"], "2024-07-01")
    shown = re.sub(r"<[^>]+>", "", rewritten.split("<ul", 1)[1].split("</ul>", 1)[0])
    assert len(shown) < LARGE_FEED_CHARACTERS + 200
    assert len(_feed_entry(sites["full"], "2024-07-01")) > len(rewritten) + 2000


RECURRING = 25


def test_a_recurring_content_notice_lists_its_first_clauses(tmp_path: Path) -> None:
    """A version that takes back 25 earlier wordings lists the first SUMMARY_ROWS of them."""
    first = "# Terms\n\n" + "".join(
        f"Clause {n} keeps the first wording.\n\n" for n in range(RECURRING)
    )
    other = first.replace("keeps the first", "takes another") + "A closing clause.\n"
    back = first + "A closing clause.\n"
    dates = ("2024-01-15", "2024-02-01", "2024-03-01")
    make_site(tmp_path, texts=(first, other, back), dates=dates, provisions={})
    with_layout(tmp_path, "large")
    site = build_into(tmp_path, tmp_path / "site")
    html_page = page(site, f"{DOC}/2024-03-01")
    notice = html_page.split('<p class="admonition-title">Recurring content</p>', 1)[1]
    notice = notice.split("</div>", 1)[0]
    assert notice.count('<a href="../../../texts/') == SUMMARY_ROWS
    assert f"<li>… and {RECURRING - SUMMARY_ROWS} more</li>" in notice


def test_an_unknown_layout_is_reported(tmp_path: Path) -> None:
    found = problems(tmp_path)  # a valid site first
    assert not found
    with_layout(tmp_path, "huge")
    from generator.config import load_site_config
    from generator.diagnostics import Diagnostics

    diag = Diagnostics()
    assert load_site_config(tmp_path / "mkdocs.yml", diag) is None
    assert [str(d) for d in diag.sorted()] == [
        "mkdocs.yml:1:1: plugins.govsite.layout: must be `full` or `large`, not 'huge'"
    ]


def test_init_picks_the_large_layout_only_past_a_hosts_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = Archive(tmp_path / "archive")
    archive.commit("2024-01-02", {"Chat/Terms.md": "# T\n\nOne.\n"}, "First record of Chat Terms")
    archive.commit("2024-02-03", {"Chat/Terms.md": "# T\n\nOne!\n"}, "Record new changes")

    def layout_of(site: Path) -> str:
        result = CliRunner().invoke(main, ["init", str(site), "--archive", str(archive.path)])
        assert result.exit_code == 0, result.output
        config = yaml.safe_load((site / "mkdocs.yml").read_text())
        options = next(e["govsite"] for e in config["plugins"] if "govsite" in e)
        return str(options.get("layout", "full"))

    assert layout_of(tmp_path / "small") == "full"
    assert hosts.full_layout_limits(2, 10) == []
    # Two versions at 20,000 files each would pass Cloudflare Pages' 20,000 files.
    monkeypatch.setattr(hosts, "FULL_LAYOUT_FILES_PER_VERSION", 20_000)
    assert layout_of(tmp_path / "large") == "large"
    assert hosts.full_layout_limits(7_000, 10) == [
        "about 140000000 files: Cloudflare Pages publishes at most 20000"
    ]
    monkeypatch.undo()
    assert hosts.full_layout_limits(100, 300_000_000) == [
        "about 1.3 GB: GitHub Pages publishes at most 1 GB"
    ]


def test_large_layout_markup_has_no_html_error(sites: dict[str, Path]) -> None:
    """A version page (a short change, a summarised one) and a text page of the large
    layout pass the Nu HTML checker, as the page types of the default layout do."""
    from test_html_conformance import missing, nu_errors

    if missing:
        pytest.skip("the HTML checker needs: " + "; ".join(missing))
    site = sites["large"]
    files = [str(site / DOC / slug / "index.html") for slug in ("2024-02-01", "2024-05-01")]
    files.append(str(site / text_link(page(site, f"{DOC}/2024-02-01"))))
    assert nu_errors(files) == []


def test_a_rebuild_from_the_cache_is_byte_identical(sites: dict[str, Path]) -> None:
    """The large layout's pages and text pages, built again from the first build's cache,
    are the bytes the build from scratch wrote."""
    cold = sites["large"]
    warm = build_into(cold.parent, cold.parent / "again")

    def files(site: Path) -> dict[str, bytes]:
        return {
            p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()
        }

    before, after = files(cold), files(warm)
    assert sorted(before) == sorted(after)
    assert [name for name in before if before[name] != after[name]] == []
    assert any(name.endswith(".html") and name.startswith("texts/") for name in after)


def test_a_new_version_rebuilds_a_large_site_as_a_build_from_scratch(tmp_path: Path) -> None:
    """A warm build after a new version carries the unchanged text pages and reads their
    anchors for the manifest from where they are until it succeeds (the previous site)."""
    make_site(tmp_path, texts=TEXTS, dates=DATES)
    with_layout(tmp_path, "large")
    site = build_into(tmp_path, tmp_path / "site")
    # The new text's page goes beside a text page of an earlier version (the same folder of
    # texts, which its manifest part lists): that one is carried on its own.
    shards = {p.parent.name for p in (site / "texts").rglob("*.html")}
    new_text = next(
        text
        for n in range(10_000)
        if _blob_id(text := f"{LONG_EDITED}\nA new clause, number {n}.\n")[:2] in shards
    )
    Archive.existing(tmp_path).commit("2024-08-01", {"sources/Acme/Terms of Service.md": new_text})
    warm = build_into(tmp_path, site)
    assert (site / "texts" / _blob_id(new_text)[:2] / f"{_blob_id(new_text)}.html").is_file()
    shutil.rmtree(tmp_path / ".cache")
    cold = build_into(tmp_path, tmp_path / "fresh")

    def files(folder: Path) -> dict[str, bytes]:
        return {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*")
            if p.is_file()
        }

    before, after = files(cold), files(warm)
    assert sorted(before) == sorted(after)
    assert [name for name in before if before[name] != after[name]] == []


def _blob_id(text: str) -> str:
    """The git blob id of a text committed as it is."""
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
