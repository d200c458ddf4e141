"""Substantive means substance: returns, recurring wording, capture failures, day counters
and template leftovers told apart, on the example site (whose archive has fictional ones)
and in the classifier's own rules."""

import re
from pathlib import Path

import feedparser
import pytest
from helpers import Archive, build_site, kind_on, make_site, page

from generator.compare.align import CHANGED, align
from generator.compare.changes import describe
from generator.compare.dates import without_dates
from generator.compare.kinds import (
    ChangeKind,
    classify,
    error_banner,
    reads_as_failure,
    text_kind,
)
from generator.compare.worddiff import word_diff
from generator.text.views import view_text

# The example archive's fictional cases


@pytest.mark.parametrize(
    ("document", "slug", "kind"),
    [
        ("parlor/terms", "2025-12-01", "substantive"),  # a banner seen for the first time
        ("parlor/terms", "2025-12-02", "return"),
        ("parlor/terms", "2025-12-05", "return"),
        ("parlor/privacy", "2025-12-08", "substantive"),
        ("parlor/privacy", "2025-12-09", "substantive"),  # a wording not seen before
        ("parlor/privacy", "2025-12-10", "recurring"),  # the first wording back
        ("quillstack/api-terms", "2025-12-12", "capture-failure"),
        ("quillstack/api-terms", "2025-12-13", "recovered"),
        ("quillstack/api-terms", "2025-12-20", "capture-failure"),  # a known error page
        ("nimbus/usage-policy", "2025-12-15", "dates-only"),  # "Updated: 42 days ago" added
        ("nimbus/usage-policy", "2025-12-16", "dates-only"),  # ... 43 days ago
    ],
)
def test_the_example_archives_noise_gets_its_kind(
    example_site: Path, document: str, slug: str, kind: str
) -> None:
    assert kind_on(example_site, document, slug) == kind


def test_a_return_links_the_version_with_the_same_text(example_site: Path) -> None:
    html = page(example_site, "parlor/terms/2025-12-04")
    assert "Same text as the" in html
    assert 'href="../2025-12-03/">version of 2025-12-03</a>' in html


def test_recurring_content_names_the_clauses_that_recur(example_site: Path) -> None:
    html = page(example_site, "parlor/privacy/2025-12-10")
    notice = html.split("Recurring content</p>", 1)[1].split("</div>", 1)[0]
    assert "takes back a wording this document had before" in notice
    assert re.search(r'<li><a href="#c[0-9a-f]{7}[^"]*">Related: How Parlor uses cookies', notice)


def test_a_failed_capture_leaves_the_last_good_text_current(example_site: Path) -> None:
    html = page(example_site, "quillstack/api-terms")
    assert "The latest capture failed:" in html
    assert 'href="2025-12-20/">2025-12-20</a>' in html
    text = html.split('class="govsite-archived-text"', 1)[1]
    assert "This page isn" not in text and "unexpected error" not in text
    assert "Latest archived version recorded on <strong>2025-12-13</strong>" in html
    platform = page(example_site, "quillstack")
    assert "the latest capture failed" in platform
    failure = page(example_site, "quillstack/api-terms/2025-12-20")
    assert "Capture failure</p>" in failure and 'href="../2025-12-13/"' in failure


def test_noise_stays_out_of_substantive_feeds_and_the_home_page(example_site: Path) -> None:
    noise = {("parlor/terms", s) for s in ("2025-12-02", "2025-12-03", "2025-12-04", "2025-12-05")}
    noise |= {("parlor/terms", "2025-12-06"), ("parlor/privacy", "2025-12-10")}
    noise |= {("quillstack/api-terms", s) for s in ("2025-12-12", "2025-12-13", "2025-12-20")}
    noise |= {("nimbus/usage-policy", s) for s in ("2025-12-15", "2025-12-16", "2025-12-17")}
    for feed_path in (
        "substantive.xml",
        "parlor/terms/substantive.xml",
        "quillstack/substantive.xml",
    ):
        feed = feedparser.parse((example_site / feed_path).read_bytes())
        linked = {e.link.rstrip("/").split("/", 3)[3] for e in feed.entries}
        assert not {f"{d}/{s}" for d, s in noise} & {re.sub(r"/changes$", "", x) for x in linked}
    everything = feedparser.parse((example_site / "feed.xml").read_bytes())
    assert any("returned to an earlier text" in e.title for e in everything.entries)
    home = page(example_site, "")
    latest = home.split("govsite-latest", 1)[1] if "govsite-latest" in home else home
    for document, slug in noise:
        assert f"{document}/{slug}/" not in latest
    assert "parlor/privacy/2025-12-09/" in home  # new wording is there


def test_an_alternation_is_one_mark_on_the_timeline(example_site: Path) -> None:
    html = page(example_site, "parlor/terms")
    chart = html.split('class="govsite-timeline-chart"', 1)[1].split("</figure>", 1)[0]
    # Each mark says in words (for screen readers, and under the chart on focus) what it
    # stands for: one mark, for the whole run.
    marks = re.findall(r'<span class="govsite-sr">([^<]*)</span>', chart)
    runs = [t for t in marks if "alternated between two texts" in t]
    assert runs == [
        "2025-12-02: Returned to an earlier text, alternated between two texts 5 times "
        "between 2025-12-02 and 2025-12-06"
    ]
    assert chart.count('data-kind="return"') == 1
    assert (
        "The page alternated between two texts 5 times between 2025-12-02 and 2025-12-06: one mark."
        in chart
    )
    table = html.split("govsite-all-versions", 1)[1]
    assert table.count('data-kind="return"') == 5  # the table still lists every version


def test_the_kinds_page_gives_an_example_of_each_kind(example_site: Path) -> None:
    html = page(example_site, "kinds")
    for kind in ChangeKind:
        row = html.split(f'<tr id="{kind.value}">', 1)[1].split("</tr>", 1)[0]
        cells = re.findall(r"<td( data-pagefind-ignore)?>(.*?)</td>", row, re.S)
        # term, meaning, example, count (which search leaves out: it changes with each version)
        assert len(cells) == 4 and len(cells[2][1]) > 20, kind
        assert [ignored for ignored, _ in cells] == ["", "", "", " data-pagefind-ignore"], kind


def test_the_changes_chart_mutes_what_is_not_substantive(example_site: Path) -> None:
    html = page(example_site, "platforms")
    chart = html.split('aria-labelledby="cpm-title', 1)[1].split("</svg>", 1)[0]
    muted = re.findall(r'fill-opacity="0.30"[^>]*><title>([^<]*)</title>', chart)
    # December: the banner's first showing and two related links are substantive; five
    # returns and a recurring link are not.
    assert "Parlor, 2025-12: 6 other versions" in muted, muted
    assert "Parlor, 2025-12: 3 substantive</title>" in chart


def test_compare_offers_substantive_versions_only(example_site: Path) -> None:
    html = page(example_site, "compare")
    assert 'name="substantive"' in html
    noise = re.search(r'data-noise="([^"]*)"', html)
    assert noise and {"return", "capture-failure", "dates-only"} <= set(noise[1].split())
    assert "substantive" not in noise[1].split()


# The rules, one by one


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Updated: 22 days ago", "Updated: 23 days ago"),
        ("Updated yesterday", "Updated 2 days ago"),
        ("Mis à jour il y a 3 jours", "Mis à jour il y a 4 jours"),
        ("Aktualisiert vor 2 Tagen", "Aktualisiert vor 3 Tagen"),
        ("Actualizado hace 5 días", "Actualizado hace 6 días"),
        ("Aggiornato 2 giorni fa", "Aggiornato 3 giorni fa"),
        ("Last updated: March 1, 2026", "Effective: 1 March 2026"),
    ],
)
def test_relative_and_restyled_dates_are_dates(old: str, new: str) -> None:
    assert text_kind(old, new, tuple(word_diff(old, new))) is ChangeKind.DATES


def test_a_number_beside_a_date_is_not_a_date() -> None:
    old = "As of January 1, 2026, the service has 30.6 million monthly recipients."
    new = "As of July 1, 2026, the service has 29.3 million monthly recipients."
    assert text_kind(old, new, tuple(word_diff(old, new))) is ChangeKind.SUBSTANTIVE


def test_a_dated_line_whose_date_changed_is_one_edited_clause() -> None:
    old = ["# Help", "Updated yesterday", "You can reset your password from the settings."]
    new = ["# Help", "Updated 2 days ago", "You can reset your password from the settings."]
    pairs = align(old, new)
    assert [p.status for p in pairs if p.status != "equal"] == [CHANGED]


def test_a_new_list_entry_with_a_name_or_a_link_is_substantive() -> None:
    old_md = "# Reports\n\n- [Report, 1 March 2026](https://example.org/a.pdf)\n"
    entry = "- [Report, 1 September 2026](https://example.org/b.pdf)\n"
    named = "- Acme Ltd, since 30 March 2026\n"
    for added in (entry, named):
        old, new = view_text(old_md, "a"), view_text(old_md + added, "b")
        changes = describe(old, new, align(old.normalised, new.normalised))
        kind = classify(changes, old.normalised, new.normalised, old.links, new.links)
        assert kind is ChangeKind.SUBSTANTIVE, added
    dated = view_text(old_md + "\nLast updated: 2 September 2026\n", "c")
    old = view_text(old_md, "a")
    changes = describe(old, dated, align(old.normalised, dated.normalised))
    assert classify(changes, old.normalised, dated.normalised) is ChangeKind.DATES


@pytest.mark.parametrize(
    "text",
    [
        "This page isn't available. An unexpected error has occurred.",
        "Diese Seite ist momentan nicht verfügbar. Bitte versuche, die Seite noch einmal zu laden.",
        "Cette page n'est pas disponible pour le moment.",
        "Esta página no está disponible.",
        "Redirecting to legal.example.org",
        "Access denied. You have been blocked.",
    ],
)
def test_error_pages_read_as_capture_failures(text: str) -> None:
    assert reads_as_failure([text])
    assert error_banner([text, "Some other long document follows. " * 20])


def test_a_short_policy_is_not_an_error_page() -> None:
    assert not reads_as_failure(["We may suspend accounts that break these rules."])
    assert not error_banner(["# Terms", "These terms apply to the service."])
    assert without_dates("Released 3 days ago") == "Released  DATE "


LONG = "# Example Terms\n\n" + "".join(
    f"Clause {n}: the service may keep your data for {n} months.\n\n" for n in range(40)
)


def test_a_collapse_that_does_not_read_as_an_error_stays_visible(tmp_path: Path) -> None:
    """Most of the text gone, no error page: a collapse, shown as a change; when the next
    version brings the text back, the collapse was a capture failure."""
    stub = "# Example Terms\n\nSee our new help centre.\n"
    config = make_site(tmp_path, texts=(LONG, stub), dates=("2024-01-15", "2024-05-01"))
    build = build_site(config, render=False)
    assert build.model is not None
    versions = build.model.documents["acme/terms"].versions
    assert versions[-1].computed_kind is ChangeKind.COLLAPSE
    assert not versions[-1].kind.noise
    Archive.existing(tmp_path).commit(
        "2024-05-02", {"sources/Acme/Terms of Service.md": LONG}, "Record new changes of Acme"
    )
    build = build_site(config, render=False)
    assert build.model is not None
    kinds = [e.computed_kind for e in build.model.documents["acme/terms"].versions[-2:]]
    assert kinds == [ChangeKind.CAPTURE_FAILURE, ChangeKind.RECOVERED]
