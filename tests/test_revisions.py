"""Analyses as versioned, citable, attributed records: each commit that changes an analysis
file is a revision with a permanent page; the history page lists them with what each
changed; the analysis page, its citations and metadata name the current revision; feeds and
data carry them; builds say so when the history cannot be read."""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import (
    ROOT,
    Archive,
    build_into,
    build_site,
    every_page,
    git,
    make_site,
    provision_yml,
)
from test_citation_meta import read_head, zotero_item

from generator import urls
from generator.archive.revisions import LOCK_NAME, read_revision_lock, trailers
from generator.config import SiteConfig
from generator.diagnostics import Diagnostics, Severity
from generator.publish.manifest import MANIFEST_NAME, read_manifest
from generator.render import Page

SITE_URL = "https://example.org/govsite/"
PROVISION = "content/provisions/acme/terms/liability-cap.yml"


def _example_revisions() -> dict[str, list[int]]:
    """The example site's published revision numbers, by analysis (from its lock file)."""
    found: dict[str, list[int]] = {}
    for entry in read_revision_lock(ROOT / LOCK_NAME, LOCK_NAME, Diagnostics()):
        found.setdefault(entry.analysis, []).append(entry.number)
    return found


# --- the example site, whose content/ has a fictional history of revisions -----------------


def test_every_published_revision_of_the_example_has_its_page(example_site: Path) -> None:
    published = _example_revisions()
    analyses = {
        p.relative_to(ROOT / "content/provisions").with_suffix("").as_posix()
        for p in (ROOT / "content/provisions").rglob("*.yml")
    }
    assert set(published) == analyses  # every analysis has revisions, each recorded
    assert published["nimbus/terms/arbitration"] == [1, 2, 3]
    manifest = read_manifest(example_site / MANIFEST_NAME)
    for key, numbers in published.items():
        assert numbers == list(range(1, len(numbers) + 1))
        history = (example_site / urls.provision_revisions(key) / "index.html").read_text()
        for number in numbers:
            page = example_site / urls.provision_revision(key, number) / "index.html"
            html = page.read_text()
            assert "This is a past revision of the analysis" in html
            assert (
                f'href="{urls.relative(urls.provision(key), urls.provision_revision(key, number))}"'
                in html
            )
            assert f'id="revision-{number}"' in history
            assert urls.provision_revision(key, number) in manifest
        assert urls.provision_revisions(key) in manifest


def test_history_page_lists_revisions_with_authors_reviewers_and_word_diffs(
    example_site: Path,
) -> None:
    html = (example_site / "nimbus/terms/arbitration/revisions/index.html").read_text()
    sections = re.findall(r'<section class="govsite-revision".*?</section>', html, re.S)
    assert [re.search(r'id="revision-(\d+)"', s)[1] for s in sections] == ["3", "2", "1"]  # type: ignore[index]
    newest, middle, first = sections
    # .mailmap names the author of a commit made under an old address.
    assert "By Amara Okafor · reviewed by Jonas Berg" in newest
    assert "amara@" not in html and "oldmail" not in html and "example.org&gt;" not in html
    assert "<dt>Exposure rationale</dt>" in newest and "<ins>" in newest
    assert "<dt>Reviewed</dt>" in newest
    assert "<dt>Summary</dt>" in middle and "<dt>Interpretation</dt>" in middle
    assert "<dt>Exposure rationale</dt>" not in middle  # only the fields that changed
    assert "<ins> to Nimbus</ins>" in middle
    assert "First revision: the analysis was written." in first
    # The commit's message is shown, its trailers as names only.
    assert "Arbitration: the opt-out is not shown at sign-up" in newest
    assert "Reviewed-by:" not in newest
    co_written = (
        example_site / "parlor/privacy/advertising-sharing/revisions/index.html"
    ).read_text()
    assert "By Tomás Reyes, Lin Wei" in co_written
    assert (
        "<dt>Exposure level</dt>" in co_written and "<del>high</del><ins>medium</ins>" in co_written
    )
    assert "<dt>Regulations</dt>" in co_written


def test_a_renamed_analysis_keeps_one_history(example_site: Path) -> None:
    html = (example_site / "parlor/terms/moderation-statements/revisions/index.html").read_text()
    assert 'id="revision-1"' in html and 'id="revision-2"' in html
    assert (
        "file renamed from <code>content/provisions/parlor/terms/moderation-notices.yml</code>"
        in html
    )
    first = (example_site / "parlor/terms/moderation-statements/revisions/1/index.html").read_text()
    assert "Reasons for removals and an appeal form" in first  # the title it had then
    # The old URL redirects (content/retired.yml).
    old = (example_site / "parlor/terms/moderation-notices/index.html").read_text()
    assert "moderation-statements/" in old


def test_analysis_page_names_its_current_revision_and_cites_it(example_site: Path) -> None:
    html = (example_site / "nimbus/terms/arbitration/index.html").read_text()
    permalink = SITE_URL + "nimbus/terms/arbitration/revisions/3/"
    assert (
        "Revised 2 times; last on 2026-11-28 by Amara Okafor; reviewed on 2026-11-28 "
        '(by Jonas Berg). <a href="revisions/">History of this analysis</a>'
    ) in html
    assert (
        'Review trail: <a href="revisions/3/">revision 3</a> (2026-11-28) reviewed by Jonas Berg'
        in html
    )
    head = read_head(html)
    assert f'<link rel="cite-as" href="{permalink}">' in html
    item = zotero_item(head.meta)
    assert item["url"] == permalink
    assert item["date"] == "2026/11/28"
    assert {"firstName": "Amara", "lastName": "Okafor"} in item["creators"]
    [text] = head.json_ld
    data = json.loads(text)
    assert data["@id"] == data["url"] == permalink
    assert data["dateModified"] == "2026-11-28"
    assert data["isVersionOf"] == SITE_URL + "nimbus/terms/arbitration/"
    assert {"@type": "Person", "name": "Amara Okafor"} in data["author"]
    # Every citation format names the revision; the general URL stays on offer.
    formats = re.findall(
        r'<div id="cite-([a-z-]+)" class="govsite-citation-text"[^>]*>(.*?)</div>', html, re.S
    )
    assert len(formats) == 5
    for name, text in formats:
        assert permalink in text, name
        assert "revision 3" in text.lower() or name == "bluebook", name  # its URL names it
    assert (
        f'<dt>Latest revision (moves)</dt><dd><a href="{SITE_URL}nimbus/terms/arbitration/">'
        in html
    )


def test_a_past_revision_page_cites_itself(example_site: Path) -> None:
    html = (example_site / "nimbus/terms/arbitration/revisions/2/index.html").read_text()
    permalink = SITE_URL + "nimbus/terms/arbitration/revisions/2/"
    assert f'<link rel="cite-as" href="{permalink}">' in html
    assert zotero_item(read_head(html).meta)["date"] == "2026/11/26"
    # Nothing newer shows on it: no link to revision 3, so it never has to change.
    assert "revisions/3/" not in html
    assert 'href="../1/"' in html  # the one before
    assert "Users may opt out by writing to Nimbus" in html  # its text then
    assert "is not shown at sign-up" not in html  # revision 3's words


def test_feed_and_data_carry_revisions(example_site: Path) -> None:
    feed = (example_site / "nimbus/terms/arbitration/feed.xml").read_text()
    for number in (1, 2, 3):
        assert f"<id>{SITE_URL}nimbus/terms/arbitration/revisions/{number}/</id>" in feed
    assert 'term="analysis-revision"' in feed
    assert "quoted clause changed" in feed  # the clause's changes are still there
    record = json.loads(
        (example_site / "data/provisions/nimbus/terms/arbitration.json").read_text()
    )
    assert record["current_revision"] == 3
    assert [r["number"] for r in record["revisions"]] == [1, 2, 3]
    assert record["revisions"][2]["authors"] == ["Amara Okafor"]
    assert record["revisions"][2]["reviewers"] == ["Jonas Berg"]
    assert record["revisions"][2]["recorded"] == "2026-11-28T11:05:00Z"
    people = (example_site / "contributors/index.html").read_text()
    for name in ("Amara Okafor", "Jonas Berg", "Lin Wei", "Tomás Reyes"):
        assert f"<h2>{name}</h2>" in people


def test_revision_pages_are_byte_identical_across_builds(
    example_site: Path, tmp_path: Path
) -> None:
    again = build_into(ROOT, tmp_path / "site")
    pages = sorted(example_site.glob("*/*/*/revisions/**/index.html"))
    assert len(pages) == sum(len(n) + 1 for n in _example_revisions().values())
    for page in pages:
        assert page.read_bytes() == (again / page.relative_to(example_site)).read_bytes(), page


# --- small sites in tmp_path with pinned dates ----------------------------------------------


def _site(root: Path, **site: object) -> tuple[SiteConfig, Archive]:
    config = make_site(root, **site)  # type: ignore[arg-type]
    archive = Archive.existing(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Add the site", date="2024-03-02T10:00:00+00:00")
    return config, archive


def _pages(config: SiteConfig, *, record: bool = False) -> dict[str, Page]:
    build = build_site(config, record=record)
    errors = [str(d) for d in build.diagnostics if d.severity is Severity.ERROR]
    assert errors == []
    return {page.url: page for page in every_page(build)}


def _keys(config: SiteConfig) -> dict[str, str]:
    build = build_site(config)
    assert build.output is not None
    return {p.url: p.key for s in build.output.streams for p in s.pages}


REVISION_1 = "acme/terms/liability-cap/revisions/1/"


def test_revision_pages_stay_the_same_as_history_grows(tmp_path: Path) -> None:
    config, archive = _site(tmp_path)
    first = _pages(config, record=True)
    keys = _keys(config)
    assert REVISION_1 in first and "acme/terms/liability-cap/revisions/2/" not in first
    archive.commit(
        "2024-04-01",
        {PROVISION: provision_yml(summary="A very low cap.")},
        "Stronger summary\n\nCo-authored-by: Bo Chen <bo@example.invalid>",
    )
    second = _pages(config, record=True)
    assert second[REVISION_1].html == first[REVISION_1].html
    assert _keys(config)[REVISION_1] == keys[REVISION_1]  # not even rendered again
    assert "A very low cap." in second["acme/terms/liability-cap/revisions/2/"].html
    history = second["acme/terms/liability-cap/revisions/"].html
    assert "By Test, Bo Chen" in history
    assert "<dt>Summary</dt>" in history and "<ins>very </ins>" in history
    lock = (tmp_path / LOCK_NAME).read_text()
    assert lock.count("acme/terms/liability-cap\t") == 2


def test_numbers_never_move_when_a_merge_brings_older_commits(tmp_path: Path) -> None:
    config, archive = _site(tmp_path)
    git(tmp_path, "checkout", "-q", "-b", "review")
    archive.commit("2024-03-05", {PROVISION: provision_yml(summary="Branch wording.")}, "Reword")
    git(tmp_path, "checkout", "-q", "main")
    archive.commit("2024-03-10", {PROVISION: provision_yml(contracts="Negotiate it.")}, "Contracts")
    _pages(config, record=True)
    before = (tmp_path / LOCK_NAME).read_text()
    git(
        tmp_path, "merge", "-q", "--no-ff", "review", "-m",
        "Merge the review branch\n\nReviewed-by: Rita Reviewer <rita@example.invalid>",
        date="2024-03-12T10:00:00+00:00",
    )  # fmt: skip
    pages = _pages(config, record=True)
    after = (tmp_path / LOCK_NAME).read_text()
    assert after.startswith(before)  # only appended
    build = build_site(config)
    history = build.revisions.histories["acme/terms/liability-cap"]
    by_message = {r.subject: r for r in history.revisions}
    # The merged commit gets the next number, and the merge's reviewer; the merge itself,
    # which wrote a text neither side had, is a revision too.
    assert by_message["Reword"].number == 3 and by_message["Reword"].reviewers == ("Rita Reviewer",)
    assert by_message["Contracts"].number == 2 and by_message["Contracts"].reviewers == ()
    assert history.current is not None and history.current.subject == "Merge the review branch"
    assert "reviewed by Rita Reviewer" in pages["acme/terms/liability-cap/revisions/"].html


def test_a_past_revision_that_no_longer_validates_still_renders(tmp_path: Path) -> None:
    config, archive = _site(tmp_path)
    broken = provision_yml(exposure="\n  level: extreme\n  rationale: Very low.").replace(
        "summary: 'A low cap.'\n", ""
    )
    archive.commit("2024-03-05", {PROVISION: broken}, "Work in progress")
    archive.commit("2024-03-06", {PROVISION: "title: [unclosed\n"}, "Oops")
    archive.commit("2024-03-07", {PROVISION: provision_yml()}, "Back to a valid analysis")
    pages = _pages(config)
    second = pages["acme/terms/liability-cap/revisions/2/"].html
    assert "This revision does not validate today" in second
    assert "exposure.level" in second and "summary" in second
    assert "Caps are common." in second  # what could be read is shown
    third = pages["acme/terms/liability-cap/revisions/3/"].html
    assert "This revision cannot be shown" in third and "malformed YAML" in third


def test_commit_messages_and_names_are_escaped(tmp_path: Path) -> None:
    config, archive = _site(tmp_path)
    archive.commit(
        "2024-03-05",
        {PROVISION: provision_yml(summary="Other.")},
        "<script>alert(1)</script> & co\n\nCo-authored-by: <img src=x onerror=alert(2)> <x@y.invalid>",
    )
    pages = _pages(config)
    for url in ("acme/terms/liability-cap/revisions/", "acme/terms/liability-cap/revisions/2/"):
        html = pages[url].html
        assert "<script>" not in html and "<img" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def test_a_shallow_clone_is_reported_with_the_fix(tmp_path: Path) -> None:
    _site(tmp_path / "origin")
    Archive.existing(tmp_path / "origin").commit(
        "2024-03-05", {PROVISION: provision_yml(summary="Second.")}, "Second revision"
    )
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{tmp_path / 'origin'}", str(clone)],
        check=True,
    )
    config = SiteConfig.from_options(clone, {"archive": str(tmp_path / "origin/sources")})
    build = build_site(config)
    found = [str(d) for d in build.diagnostics if "shallow" in d.reason]
    assert len(found) == 1 and "fetch-depth: 0" in found[0] and "git fetch --unshallow" in found[0]
    assert build.revisions.enabled is False
    assert not any("/revisions/" in p.url for p in every_page(build))  # never one revision
    # Once revision pages were published, a shallow clone would lose them: an error.
    shutil.copy(ROOT / LOCK_NAME, clone / LOCK_NAME)
    build = build_site(config, render=False)
    assert any("shallow" in d.reason for d in build.diagnostics.errors)


def test_content_outside_git_builds_with_revisions_off(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    make_site(tmp_path / "archive")
    site = tmp_path / "plain"
    shutil.copytree(tmp_path / "archive", site, ignore=shutil.ignore_patterns(".git", "sources"))
    config = SiteConfig.from_options(
        site, {"archive": str(tmp_path / "archive/sources")}, site_url="https://test.example/"
    )
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.govsite"):
        pages = _pages(config)
    assert any("not in a git repository" in r.getMessage() for r in caplog.records)
    assert not any("/revisions/" in url for url in pages)
    assert urls.CONTRIBUTORS not in pages
    assert "A low cap." in pages["acme/terms/liability-cap/"].html  # the page still renders
    assert "History of this analysis" not in pages["acme/terms/liability-cap/"].html


def test_contributors_page_can_be_turned_off(tmp_path: Path) -> None:
    config, _ = _site(tmp_path)
    assert urls.CONTRIBUTORS in _pages(config)
    off = SiteConfig.from_options(
        tmp_path, {"contributors": False}, site_url="https://test.example/"
    )
    assert urls.CONTRIBUTORS not in _pages(off)


def test_a_damaged_revision_lock_is_an_error(tmp_path: Path) -> None:
    config, _ = _site(tmp_path)
    (tmp_path / LOCK_NAME).write_text("acme/terms/liability-cap\tone\tabc\tdef\n")
    build = build_site(config, render=False)
    assert [str(d) for d in build.diagnostics.errors] == [
        f"{LOCK_NAME}:1:1: (line): expected analysis, revision number, commit and blob "
        "separated by tabs (platform/document/slug, a number from 1, two object ids); "
        "restore the line from git"
    ]


def test_trailers_are_read_from_the_last_paragraph_only() -> None:
    message = "Subject\n\nCo-authored-by: Not A Trailer <n@x>\nbody\n\nCo-authored-by: A <a@x>\n"
    assert trailers(message, "co-authored-by") == ["A <a@x>"]
    assert trailers("Co-authored-by: only a subject <s@x>", "Co-authored-by") == []


def test_a_published_revision_lost_from_the_history_is_an_error(tmp_path: Path) -> None:
    config, archive = _site(tmp_path)
    archive.commit("2024-04-01", {PROVISION: provision_yml(summary="Later.")}, "Second")
    _pages(config, record=True)
    git(tmp_path, "reset", "-q", "--hard", "HEAD~1")  # history rewritten: revision 2 is gone
    build = build_site(config, render=False)
    [error] = [str(d) for d in build.diagnostics.errors]
    assert error.startswith(f"{LOCK_NAME}:4:1: acme/terms/liability-cap: published revision 2 ")
    assert "its URL must keep working" in error


def test_the_history_is_read_with_a_fixed_number_of_git_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One pass, however many analyses and commits: never one git call per file."""
    import generator.archive.revisions as revisions

    calls: list[str] = []
    real = subprocess.run

    def counting(args: list[str], *rest: object, **options: object) -> object:
        if sys._getframe(1).f_globals["__name__"] == revisions.__name__:
            calls.append(" ".join(args[3:5]))
        return real(args, *rest, **options)  # type: ignore[call-overload]

    def count(analyses: int, commits: int) -> int:
        root = tmp_path / f"{analyses}-{commits}"
        files = {f"acme/terms/cap-{n}": provision_yml(title=f"Cap {n}") for n in range(analyses)}
        config, archive = _site(root, provisions=files)
        for day in range(commits):
            archive.commit(
                f"2024-04-{day + 1:02d}",
                {
                    f"content/provisions/{key}.yml": provision_yml(summary=f"Day {day}.")
                    for key in files
                },
                f"Revise all on day {day}",
            )
        calls.clear()
        monkeypatch.setattr(revisions.subprocess, "run", counting)
        build = build_site(config, render=False)
        monkeypatch.setattr(revisions.subprocess, "run", real)
        assert len(build.revisions.histories) == analyses
        assert all(len(h.revisions) == commits + 1 for h in build.revisions.histories.values())
        return len(calls)

    assert count(1, 1) == count(6, 5) <= 6


def test_a_built_revision_page_keeps_its_bytes_when_a_revision_is_added(tmp_path: Path) -> None:
    _, archive = _site(tmp_path)
    page = Path(REVISION_1) / "index.html"
    first = (build_into(tmp_path, tmp_path / "one") / page).read_bytes()
    archive.commit("2024-04-01", {PROVISION: provision_yml(summary="Later.")}, "Second")
    second = build_into(tmp_path, tmp_path / "two")
    assert (second / page).read_bytes() == first
    assert (second / "acme/terms/liability-cap/revisions/2/index.html").exists()


def test_a_renamed_analysis_takes_its_published_revisions_along(tmp_path: Path) -> None:
    config, archive = _site(tmp_path)
    _pages(config, record=True)  # revision 1 of acme/terms/liability-cap is published
    git(tmp_path, "mv", PROVISION, "content/provisions/acme/terms/cap.yml")
    retired = (
        "acme/terms/liability-cap/:\n  retired: 2024-04-01\n  reason: Renamed.\n"
        "  redirect: acme/terms/cap/\n"
    )
    archive.commit("2024-04-01", {"content/retired.yml": retired}, "Rename the analysis")
    build = build_site(config, record=True)
    assert [str(d) for d in build.diagnostics.errors] == []
    assert build.output is not None
    history = build.revisions.histories["acme/terms/cap"]
    assert [r.number for r in history.revisions] == [1]  # the same history, renamed
    assert build.revisions.published == {"acme/terms/liability-cap": [1]}
    assert build.model is not None
    assert build.model.retired["acme/terms/liability-cap/revisions/1/"].redirect == (
        "acme/terms/cap/revisions/1/"
    )
    assert build.model.retired["acme/terms/liability-cap/revisions/"].redirect == (
        "acme/terms/cap/revisions/"
    )
    assert "acme/terms/liability-cap/revisions/1/" in build.output.retired
