"""The whole example site, built by mkdocs exactly as `make site` does."""

from pathlib import Path

from helpers import search_index

from generator.publish.linkcheck import broken_links


def text(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_every_page_kind_exists(example_site: Path) -> None:
    for url in [
        "",
        "platforms",
        "analyses",
        "topics",
        "regulations",
        "jurisdictions",
        "methodology",
        "about",
        "contribute",
        "nimbus",
        "nimbus/terms",
        "nimbus/terms/training-on-content",
        "topics/training-data",
        "regulations/gdpr",
        "jurisdictions/eu",
    ]:
        assert (example_site / url / "index.html").is_file(), url


def test_provision_page_shows_every_field(example_site: Path) -> None:
    html = text(example_site, "nimbus/terms/training-on-content")
    for heading in [
        "The provision",
        "Summary",
        "Interpretation",
        "Who is affected",
        "For products built on Nimbus AI",
        "Exposure",
        "Regulations",
        "Jurisdictions",
        "Contract and vendor implications",
        "Compliance considerations",
        "Related provisions",
        "About this analysis",
    ]:
        assert f">{heading}</h2>" in html, heading
    assert "If you use a consumer plan, you can opt out of training" in html
    assert "Third parties named in prompts" in html
    assert 'href="../../../regulations/gdpr/"' in html
    assert "6(1)(f)" in html
    assert 'href="../#analysis-training-on-content"' in html
    # monitoring: analysed 2024-09-30; the clause is the same since; the document changed
    # twice (2025-04-14 substantive, 2025-11-17 formatting, which is named, not counted)
    assert "The quoted clause has not changed since this analysis" in html
    assert (
        "The document has 2 new versions since the analysis: 1 substantive, 1 formatting." in html
    )
    assert "None of them changed the quoted clause's wording." in html
    assert "Medium exposure" in html


def test_document_page_marks_analysed_clauses(example_site: Path) -> None:
    html = text(example_site, "nimbus/terms")
    assert html.count('class="govsite-marked"') == 4  # four analyses quote the latest text
    assert 'id="analysis-liability-cap" href="liability-cap/"' in html
    assert "## 11." not in html and "11. Consumers in the European Union</h2>" in html


def test_topic_compares_platforms_side_by_side(example_site: Path) -> None:
    html = text(example_site, "topics/training-data")
    for platform in ("Nimbus AI", "Parlor", "Quillstack"):
        assert f">{platform}</a></h3>" in html
    assert html.count('class="govsite-compare-item"') == 3


def test_regulation_and_jurisdiction_list_notes(example_site: Path) -> None:
    html = text(example_site, "regulations/dsa")
    assert "Statement of reasons for restrictions." in html
    assert "Out-of-court dispute settlement." in html
    assert "Only for recipients of the service in the EU." in text(example_site, "jurisdictions/eu")


def test_search_index_holds_provisions_and_changes(example_site: Path) -> None:
    index = search_index(example_site)
    analysis = index["/nimbus/terms/training-on-content/"]
    assert analysis["filters"]["platform"] == ["Nimbus AI"]
    assert analysis["meta"]["title"].startswith("Training on conversations")
    assert any("cross-context behavioural advertising" in p["content"] for p in index.values())
    change = index["/nimbus/usage-policy/2025-02-03-2/"]
    assert "unauthorised" in change["content"] and change["filters"]["kind"] == ["Editorial"]
    # Filters and titles are not words of a page; nor is the legend every version repeats.
    assert analysis["content"].startswith("Training on conversations"), analysis["content"][:80]
    assert not any("announced as inserted" in p["content"] for p in index.values())


def test_no_broken_internal_link_or_anchor(example_site: Path) -> None:
    assert broken_links(example_site, base_path="/govsite/") == []


def test_generated_pages_stay_out_of_the_navigation(example_site: Path) -> None:
    home = text(example_site, "")
    assert "training-on-content" not in home.split('<div class="md-content"')[0]
