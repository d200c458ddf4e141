"""What changed, and whether it matters, as the example site shows it: kinds of change,
fine-grained diffs, version pages that navigate their changes, timelines, hubs, feeds and
the monitoring of analysed clauses."""

import re
from html.parser import HTMLParser
from pathlib import Path
from textwrap import dedent

import feedparser
import pytest
from helpers import (
    ROOT,
    TERMS_V1,
    Archive,
    build_site,
    every_page,
    kind_on,
    make_site,
    page,
    provision_yml,
)
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.compare.align import REWRITTEN, align
from generator.compare.changes import describe
from generator.compare.kinds import ChangeKind, text_kind
from generator.compare.worddiff import changed_words, rebuild, word_diff
from generator.content.schema import SIGNIFICANCE
from generator.text.views import view_text

# Kinds of change


@pytest.mark.parametrize(
    ("document", "slug", "kind"),
    [
        ("nimbus/terms", "2024-02-12", "first-record"),
        ("nimbus/terms", "2024-09-30", "substantive"),
        ("nimbus/usage-policy", "2025-02-03-2", "editorial"),
        ("nimbus/usage-policy", "2025-10-06", "dates-only"),
        ("nimbus/usage-policy", "2025-11-03", "dates-only"),
        ("quillstack/api-terms", "2025-10-06", "links-only"),
        ("nimbus/terms", "2025-11-17", "formatting"),
        ("parlor/privacy", "2025-10-20", "technical"),
        ("quillstack/api-terms", "2025-09-15", "substantive"),
    ],
)
def test_every_version_shows_its_kind(
    example_site: Path, document: str, slug: str, kind: str
) -> None:
    assert kind_on(example_site, document, slug) == kind
    history = page(example_site, document)
    assert re.search(rf'<tr id="v-{slug}" data-kind="{kind}">', history)


def test_a_change_note_sets_the_kind_and_says_so(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    notes = tmp_path / "content/changes/acme/terms"
    notes.mkdir(parents=True)
    (notes / "2024-02-01.yml").write_text("summary: A typo, really.\nsignificance: editorial\n")
    build = build_site(config)
    assert build.model is not None
    entry = build.model.documents["acme/terms"].by_slug("2024-02-01")
    assert entry is not None
    assert (entry.kind, entry.computed_kind) == (ChangeKind.EDITORIAL, ChangeKind.SUBSTANTIVE)
    html = {p.url: p.html for p in every_page(build)}["acme/terms/2024-02-01/"]
    assert "set by a change note; computed: substantive" in html


def test_change_notes_take_the_vocabulary_of_kinds() -> None:
    assert set(SIGNIFICANCE) <= {k.value for k in ChangeKind}


def test_the_kinds_page_defines_every_term_the_feeds_use(example_site: Path) -> None:
    kinds = page(example_site, "kinds")
    for kind in ChangeKind:
        assert f'<tr id="{kind.value}">' in kinds
    assert "Atom category" in kinds
    methodology = page(example_site, "methodology")
    assert 'href="../kinds/"' in methodology


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("You must be 16.", "You must be 18.", ChangeKind.SUBSTANTIVE),
        ("We may share data.", "We may not share data.", ChangeKind.SUBSTANTIVE),
        ("We may share data.", "We may share Data!", ChangeKind.EDITORIAL),
        ("1. We keep logs.", "2. We keep logs.", ChangeKind.EDITORIAL),
        ("We recieve requests.", "We receive requests.", ChangeKind.EDITORIAL),
        ("This is lawful.", "This is unlawful.", ChangeKind.SUBSTANTIVE),
        ("Notify the user.", "Notify the users.", ChangeKind.SUBSTANTIVE),
        ("Last updated: March 3, 2025", "Last updated: April 1, 2025", ChangeKind.DATES),
        ("Mis à jour le 3 mars 2025", "Mis à jour le 1 avril 2025", ChangeKind.DATES),
    ],
)
def test_text_kinds(old: str, new: str, kind: ChangeKind) -> None:
    assert text_kind(old, new, tuple(word_diff(old, new))) == kind


# Diffs that stay fine-grained at any size


def long_text(words: int) -> str:
    return " ".join(f"Clause {n} says the party number {n} agrees." for n in range(words // 8))


def test_a_few_edits_in_a_huge_paragraph_stay_a_few_edits() -> None:
    old = long_text(24_000)
    new = old.replace("party number 17 agrees", "party number 17 refuses").replace(
        "Clause 2500 says", "Clause 2500 now says"
    )
    segments = word_diff(old, new)
    assert rebuild(segments) == (old, new)
    assert changed_words(segments) == (2, 1)


def test_a_paragraph_split_in_three_is_one_rewritten_passage() -> None:
    sentences = [long_text(120), long_text(200), long_text(80)]
    old = view_text(f"# T\n\n{' '.join(sentences)}\n", "a")
    new = view_text(
        "# T\n\n" + "\n\n".join(sentences).replace("party number 3 ", "party 3 ") + "\n", "b"
    )
    changes = describe(old, new, align(old.normalised, new.normalised))
    assert [c.status for c in changes] == [REWRITTEN]
    inserted, deleted = changed_words(list(changes[0].segments))
    assert inserted == 0 and deleted <= 3


def test_link_targets_moves_and_words_are_shown(example_site: Path) -> None:
    relinked = page(example_site, "quillstack/api-terms/2025-10-06")
    assert "Link changed" in relinked
    assert (
        '<span class="govsite-url">https://quillstack.example/docs/limits</span> → '
        '<span class="govsite-url">https://quillstack.example/docs/rate-limits</span>'
    ) in relinked
    edited = page(example_site, "nimbus/terms/2024-09-30")
    assert "<ins>" in edited and "<del>" in edited


def test_only_the_text_that_changed_is_in_ins_and_del(example_site: Path) -> None:
    class Elements(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.outside: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            classes = dict(attrs).get("class") or ""
            if tag in ("ins", "del") and not any("govsite-diff" in c for c in self.stack):
                self.outside.append(tag)
            if tag not in ("br", "img", "meta", "link", "input", "hr"):
                self.stack.append(classes)

        def handle_endtag(self, tag: str) -> None:
            if self.stack and tag not in ("br", "img", "meta", "link", "input", "hr"):
                self.stack.pop()

    for path in example_site.rglob("index.html"):
        parser = Elements()
        parser.feed(path.read_text(encoding="utf-8"))
        assert parser.outside == [], path


# Version pages that navigate their changes


HEADED_V1 = dedent(
    """\
    # Example Terms

    ## Use

    You may use the service for lawful purposes only.

    ## Data

    We may use your content to improve the service. We keep your content for thirty days.

    We delete your content when you close your account, unless the law requires us to keep it.

    ## Liability

    Our liability is limited to 10 dollars.
    """
)
# The heading of "Data" renamed and its two paragraphs re-cut (one passage rewritten).
HEADED_V2 = (
    HEADED_V1.replace("## Data\n", "## Your content and our models\n")
    .replace("thirty days.\n\nWe delete", "thirty days. We delete")
    .replace("the service. We keep", "the service.\n\nWe keep")
    .replace("10 dollars", "100 dollars")
)


def test_a_heading_is_never_merged_into_the_rewritten_passage_after_it(tmp_path: Path) -> None:
    old, new = view_text(HEADED_V1, "a"), view_text(HEADED_V2, "b")
    changes = describe(old, new, align(list(old.normalised), list(new.normalised)))
    # The re-cut paragraphs are one rewritten passage; the headings stand alone.
    assert [(c.status, c.old, c.new) for c in changes] == [
        ("removed", (3,), ()),
        ("added", (), (3,)),
        (REWRITTEN, (4, 5), (4, 5)),
        ("changed", (7,), (7,)),
    ]
    config = make_site(
        tmp_path,
        texts=(HEADED_V1, HEADED_V2),
        dates=("2024-01-15", "2024-02-01"),
        provisions={},
    )
    html = {p.url: p.html for p in every_page(build_site(config))}["acme/terms/2024-02-01/"]
    touched = html.split('id="touched-heading"', 1)[1].split("</nav>", 1)[0]
    places = re.findall(r'<li><a href="#changes-\d+">([^<]*)</a> \((\d+)\)</li>', touched)
    total = int(re.search(r"</strong>: (\d+) change", touched)[1])  # type: ignore[index]
    boxes = html.count('class="govsite-change govsite-change-')
    # Every change counted, every place listed: the passage is in the renamed section.
    assert total == boxes == sum(int(n) for _, n in places) == 4
    assert places == [
        ("Use", "1"),
        ("Your content and our models", "2"),
        ("Liability", "1"),
    ]


def test_every_kind_of_change_can_be_filtered_without_script() -> None:
    # The stylesheet's filter has a selector per kind (a new kind needs its own).
    css = (ROOT / "templates" / "assets" / "govsite.css").read_text(encoding="utf-8")
    for kind in ChangeKind:
        assert (
            f'.govsite-history:has(.govsite-kind-filter input[value="{kind.value}"]:not(:checked))'
            f' [data-kind="{kind.value}"]'
        ) in css, kind


def test_changes_are_grouped_under_their_section_with_a_summary(example_site: Path) -> None:
    html = page(example_site, "nimbus/terms/2025-04-14")
    changes = html.split('id="changes"', 1)[1].split('id="text"', 1)[0]
    assert "Sections touched" in changes
    # Each group's heading carries its anchor (search's sub-results lead there).
    assert re.search(r'<h3 class="govsite-change-path" id="changes-1">', changes)
    assert re.search(r'<a href="#changes-\d+">', changes)
    assert "unchanged clauses" in changes
    assert "This change touches an analysed provision" in page(
        example_site, "nimbus/terms/2024-09-30"
    )
    assert "touches the analysis" in page(example_site, "nimbus/terms/2024-09-30")


def test_same_day_versions_are_told_apart_everywhere(example_site: Path) -> None:
    html = page(example_site, "nimbus/usage-policy/2025-02-03-2")
    assert "2025-02-03 10:00 UTC (2 of 2 that day)" in html
    assert "version recorded 2025-02-03 10:00 UTC (2 of 2 that day)" in html  # the citation
    feed = feedparser.parse((example_site / "nimbus/usage-policy/feed.xml").read_bytes())
    titles = [e.title for e in feed.entries if "2025-02-03" in e.title]
    assert len(titles) == 2 and len(set(titles)) == 2


# Hubs


def test_the_document_page_is_the_hub_of_its_history(example_site: Path) -> None:
    html = page(example_site, "nimbus/usage-policy")
    for target in (
        'href="../../compare/?document=nimbus/usage-policy"',
        'href="feed.xml"',
        'href="substantive.xml"',
        'href="2025-11-03/#changes"',
        'href="../../data/documents/nimbus/usage-policy.json"',
    ):
        assert target in html, target
    assert "All 9 versions, newest first" in html and "govsite-kind-filter" in html
    assert "govsite-timeline-chart" in html
    platform = page(example_site, "nimbus")
    assert "Last substantive change" in platform and 'href="substantive.xml"' in platform


def test_the_home_page_shows_what_is_new_and_what_may_be_stale(
    example_site: Path, tmp_path: Path
) -> None:
    html = page(example_site, "")
    assert "Latest substantive changes" in html
    # The site's own text stays HTML beside govsite's sections (a Markup sum escaped it).
    assert "&lt;h1" not in html and "&lt;p&gt;" not in html
    assert html.count('<h1 id="') == 1 and "data-pagefind-body" in html
    assert html.count("data-pagefind-body") == 1  # the home is searched once, whole
    assert 'href="quillstack/api-terms/2025-09-15/#changes"' in html
    assert "Recently added analyses" in html
    # One example analysis quotes a clause edited since (its monitoring box shows it).
    assert "Analyses that may be stale" in html
    assert (
        'href="nimbus/terms/notice-of-changes/">Changed terms: notice, then acceptance by use</a>'
        in html
    )
    stale = provision_yml(
        quote="We may use your content to train our models.", analyzed="2024-01-15"
    )
    config = make_site(tmp_path, provisions={"acme/terms/training": stale})
    home = build_site(config).output
    assert home is not None and home.home is not None
    assert "Analyses that may be stale" in home.home.html
    # In the monitoring box's words (the quote went: its clause changed).
    assert "(quoted clause changed in one version since 2024-01-15)" in home.home.html
    assert "no longer in the text" not in home.home.html


# Feeds and monitoring


def test_feeds_of_every_kind_are_valid_and_linked(example_site: Path) -> None:
    for path in (
        "feed.xml",
        "substantive.xml",
        "nimbus/feed.xml",
        "nimbus/substantive.xml",
        "nimbus/terms/feed.xml",
        "nimbus/terms/substantive.xml",
        "nimbus/terms/training-on-content/feed.xml",
        "topics/training-data/feed.xml",
        "regulations/gdpr/feed.xml",
        "jurisdictions/eu/feed.xml",
    ):
        feed = feedparser.parse((example_site / path).read_bytes())
        assert not feed.bozo and feed.version == "atom10", path
    every = feedparser.parse((example_site / "nimbus/usage-policy/feed.xml").read_bytes())
    substantive = feedparser.parse(
        (example_site / "nimbus/usage-policy/substantive.xml").read_bytes()
    )
    assert {t.term for e in every.entries for t in e.tags} >= {"dates-only", "editorial"}
    assert {t.term for e in substantive.entries for t in e.tags} <= {
        "substantive", "first-record", "removal", "restored",
    }  # fmt: skip
    assert len(substantive.entries) < len(every.entries)
    for url, feed in (
        ("nimbus/terms/training-on-content", "feed.xml"),
        ("nimbus/terms", "substantive.xml"),
        ("nimbus/terms/2024-09-30", "../substantive.xml"),
        ("nimbus", "feed.xml"),
        ("methodology", "../feed.xml"),
    ):
        assert 'type="application/atom+xml"' in page(example_site, url)
        assert re.search(
            rf'<link rel="alternate feed" type="application/atom\+xml" title="[^"]+" href="{re.escape(feed)}">',
            page(example_site, url),
        ), url


def test_every_feed_entry_carries_its_diff_and_links_to_a_page_that_has_its_anchor(
    example_site: Path,
) -> None:
    """Feed readers show the words that changed (capped, with a link to the rest), and
    every entry's link resolves, its anchor included (a first record has no #changes)."""
    base = "https://example.org/govsite/"
    checked = with_diff = 0
    for path in sorted(example_site.rglob("*.xml")):
        if "sitemap" in path.name:
            continue
        feed = feedparser.parse(path.read_bytes())
        for entry in feed.entries:
            checked += 1
            url, _, anchor = entry.link.partition("#")
            assert url.startswith(base), entry.link
            target = example_site / url[len(base) :] / "index.html"
            assert target.exists(), entry.link
            if anchor:
                assert f'id="{anchor}"' in target.read_text(), entry.link
            if "#changes" in entry.link:
                summary = entry.summary
                if "No clause changed" not in summary:
                    marks = ("<li><strong>", "<blockquote>", "<ins>", "<del>")
                    assert any(mark in summary for mark in marks), entry.link
                    with_diff += 1
    assert checked > 50 and with_diff > 20


def test_a_provision_feed_has_an_entry_per_change_of_its_clause(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    build = build_site(config)
    assert build.output is not None
    files = {f.path: f.content for f in build.output.files}
    feed = feedparser.parse(files["acme/terms/liability-cap/feed.xml"])
    assert [e.title.split(": the quoted clause ")[1] for e in feed.entries] == [
        "changed (substantive), 2024-02-01",
        "first recorded, 2024-01-15",
    ]
    assert "<ins>100</ins>" in feed.entries[0].summary


def test_monitoring_says_whether_the_quoted_clause_changed(tmp_path: Path) -> None:
    config = make_site(tmp_path)  # analysed 2024-02-01; the clause stays the same after
    archive = Archive.existing(tmp_path)
    archive.commit(
        "2024-07-01",
        {"sources/Acme/Terms of Service.md": TERMS_V1.replace("10 dollars", "100 dollars")},
        "Apply technical or declaration upgrade on Acme Terms",
    )
    pages = {p.url: p.html for p in every_page(build_site(config))}
    html = pages["acme/terms/liability-cap/"]
    assert "The quoted clause has not changed since this analysis" in html
    assert (
        "The document has 2 new versions since the analysis: 1 substantive, 1 technical "
        "re-extraction. None of them changed the quoted clause's wording." in html
    )
    assert "About this analysis" in html and "not legal advice" in html


def test_monitoring_names_a_technical_change_of_the_clause_without_counting_it(
    tmp_path: Path,
) -> None:
    config = make_site(tmp_path)  # analysed 2024-02-01
    source = tmp_path / "sources/Acme/Terms of Service.md"
    text = source.read_text()
    assert "100 dollars" in text
    Archive.existing(tmp_path).commit(
        "2024-07-01",
        {"sources/Acme/Terms of Service.md": text.replace("100 dollars", "100 US dollars")},
        "Apply technical or declaration upgrade on Acme Terms",
    )
    html = {p.url: p.html for p in every_page(build_site(config))}["acme/terms/liability-cap/"]
    # The quoted words are gone, so the clause changed; but not by the platform.
    assert "The quoted clause changed since this analysis" in html
    assert "Its wording also differs after a technical re-extraction (" in html
    assert "not a change by Acme, so not counted." in html


def test_the_example_sets_its_own_disclaimer(example_site: Path) -> None:
    html = page(example_site, "nimbus/terms/training-on-content")
    assert "The platforms, texts and analyses of this example site are fictional" in html
    assert 'href="../../../methodology/"' in html


_DATE_PIECES = st.sampled_from(
    ["March", "mar.", "May", "1st", "2", "31", "2025", "2025-01-02", "01/02/25", "1er", "juin",
     "(3)", "Jan-Feb", "March,2025", ",", "-", "Last", "updated:", "Effective", "the", "may",
     "terms", "apply", "2025-style", "§", "of", "a)", "(ii)", "1.", "２０２５", "Ｍａｒｃｈ"]
)  # fmt: skip


@given(st.lists(_DATE_PIECES, max_size=14), st.lists(_DATE_PIECES, max_size=14))
@example(  # the diff deletes "1. the" and inserts "the ,": "the" only moved past "1."
    old=["the", "March", "March", "March", "March", "the", "March", "1.", "the", "March",
         "March", "March"],
    new=["the", "March", "March", "March", "March", "the", "March", "the", ",", "March",
         "March", "March"],
)  # fmt: skip
@example(old=["a)", "March", "March"], new=["(ii)", "March", "mar."])  # renumbered, redated
@settings(max_examples=1500, deadline=None)
def test_the_quick_date_tests_decide_as_the_date_pattern_does(
    old: list[str], new: list[str]
) -> None:
    """The word tests that skip the date pattern never change a kind: checked against the
    pattern alone on texts of date words, other words and punctuation."""
    from generator.compare import kinds

    old_text, new_text = " ".join(old), " ".join(new)
    undated = kinds.without_dates(new_text)
    left = [kinds.canonical(word) for word in undated.split() if word != "DATE"]
    dated_line = (
        undated != new_text
        and len(left) <= kinds._DATED_WORDS
        and all(not word or word in kinds._DATE_LABELS for word in left)
    )
    expected = (
        ChangeKind.EDITORIAL
        if not kinds.canonical(new_text)
        else ChangeKind.DATES
        if dated_line
        else ChangeKind.SUBSTANTIVE
    )
    assert kinds._added_kind(new_text) == expected
    segments = word_diff(old_text, new_text)
    if kinds.canonical(old_text) != kinds.canonical(new_text):
        same_undated = kinds.canonical(kinds.without_dates(old_text)) == kinds.canonical(
            kinds.without_dates(new_text)
        )
        kind = text_kind(old_text, new_text, segments)
        # Dates, or a date line whose label words came or went with its date.
        labelled = kind is not ChangeKind.EDITORIAL and kinds._labelled_date(
            old_text, new_text, tuple(segments)
        )
        assert (kind == ChangeKind.DATES) == (same_undated or labelled)
