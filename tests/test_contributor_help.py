"""What `govsite check` and `govsite new` tell a contributor: where the quote differs from
the text, the valid ids, every problem at once, placeholders and review dates."""

import datetime as dt
from pathlib import Path

import yaml
from helpers import build_site, make_site, problems, provision_yml
from helpers import run_cli as cli

from generator.diagnostics import Severity

PROVISION = "content/provisions/acme/terms/liability-cap.yml"


def test_a_bad_analyzed_still_checks_the_quote_against_every_version(tmp_path: Path) -> None:
    text = provision_yml(quote="Our liability is limited to 7 dollars.", analyzed="2024-03-03")
    assert problems(tmp_path, provisions={"acme/terms/liability-cap": text}) == [
        f"{PROVISION}:3:8: quote: not found verbatim in any recorded version of "
        "'Acme/Terms of Service.md' (after normalising white space, quotes and dashes); the "
        "nearest passage, at line 13 of the 2024-06-01 text, differs ([-your quote-] "
        "{+the text+}): Our liability is limited to [-7-]{+100+} dollars.",
        f"{PROVISION}:4:11: analyzed: no version of acme/terms was recorded on 2024-03-03 "
        "(latest recorded versions: 2024-01-15, 2024-02-01, 2024-06-01)",
    ]


def test_an_unknown_analyzed_names_the_versions_that_hold_the_quote(tmp_path: Path) -> None:
    text = provision_yml(quote="Our liability is limited to 10 dollars.", analyzed="2024-01-16")
    assert problems(tmp_path, provisions={"acme/terms/liability-cap": text}) == [
        f"{PROVISION}:4:11: analyzed: no version of acme/terms was recorded on 2024-01-16 "
        "(latest recorded versions: 2024-01-15, 2024-02-01, 2024-06-01); the quote is in the "
        "version(s) of 2024-01-15",
    ]


def test_a_malformed_analyzed_is_reported_once_and_the_quote_still_checked(
    tmp_path: Path,
) -> None:
    text = provision_yml(quote="We never limit liability.", analyzed="soon")
    found = problems(tmp_path, provisions={"acme/terms/liability-cap": text})
    assert found[0].startswith(f"{PROVISION}:3:8: quote: not found verbatim in any recorded")
    assert found[1:] == [
        f"{PROVISION}:4:11: analyzed: 'soon' is not a version date (YYYY-MM-DD[-N])",
    ]


def test_a_quote_from_another_version_says_which(tmp_path: Path) -> None:
    text = provision_yml(quote="Our liability is limited to 10 dollars.", analyzed="2024-02-01")
    [problem] = problems(tmp_path, provisions={"acme/terms/liability-cap": text})
    assert problem.endswith(
        "; it is in the version(s) of 2024-01-15; the nearest passage, at line 13 of the "
        "2024-02-01 text, differs ([-your quote-] {+the text+}): Our liability is limited "
        "to [-10-]{+100+} dollars."
    )


def test_the_nearest_passage_is_found_in_a_long_text(tmp_path: Path) -> None:
    filler = "".join(
        f"## Section {n}\n\nClause {n} says that the service works as described in part {n}.\n\n"
        for n in range(200)
    )
    clause = "Refunds are given within 30 days of a purchase if the product is faulty."
    text = f"# Long terms\n\n{filler}## Refunds\n\n{clause}\n"
    quote = "Refunds are given within 14 days of a purchase if the product is faulty."
    found = problems(
        tmp_path,
        texts=(text,),
        dates=("2024-02-01",),
        provisions={"acme/terms/liability-cap": provision_yml(quote=quote)},
    )
    assert found == [
        f"{PROVISION}:3:8: quote: not found verbatim in 'Acme/Terms of Service.md' as recorded "
        "on 2024-02-01 (after normalising white space, quotes and dashes); the nearest "
        "passage, at line 805 of the 2024-02-01 text, differs ([-your quote-] {+the text+}): "
        "Refunds are given within [-14-]{+30+} days of a purchase if the product is faulty."
    ]


def test_reviewed_before_the_analysed_version_or_in_the_future(tmp_path: Path) -> None:
    early = provision_yml(reviewed="2024-01-20")
    future = provision_yml(reviewed="2999-01-01")
    found = problems(
        tmp_path,
        provisions={"acme/terms/liability-cap": early, "acme/terms/future": future},
    )
    assert found == [
        "content/provisions/acme/terms/future.yml:25:11: reviewed: 2999-01-01 is in the "
        "future; give the date of the last review",
        f"{PROVISION}:25:11: reviewed: 2024-01-20 is before the analysed version was recorded "
        "(2024-02-01); a review reads that version, so it comes after it",
    ]


def test_jurisdictions_take_title_and_name_is_deprecated(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    (tmp_path / "content/jurisdictions.yml").write_text(
        "eu:\n  name: European Union\nus:\n  title: United States\n"
    )
    result = build_site(config, render=False)
    assert [str(d) for d in result.diagnostics] == [
        "content/jurisdictions.yml:2:3: eu.name: `name` is deprecated: every registry entry "
        "(topic, regulation, jurisdiction) takes its display name from `title`; rename this "
        "key to `title`"
    ]
    assert result.diagnostics.items[0].severity is Severity.WARNING
    assert result.content.jurisdictions["eu"].title == "European Union"
    assert result.content.jurisdictions["us"].title == "United States"


def test_new_prefills_the_latest_version_and_lists_valid_ids(tmp_path: Path) -> None:
    make_site(tmp_path)
    code, output = cli(tmp_path, "new", "acme/terms/data-use")
    assert code == 0, output
    text = (tmp_path / "content/provisions/acme/terms/data-use.yml").read_text()
    data = yaml.safe_load(text)
    assert data["analyzed"] == "2024-06-01"
    assert data["reviewed"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert "(optional) (optional)" not in text
    topic_line = next(line for line in text.splitlines() if line.startswith("topic:"))
    assert topic_line.endswith("one of: liability, training")


def test_new_refuses_an_unknown_platform_or_document(tmp_path: Path) -> None:
    make_site(tmp_path)
    code, output = cli(tmp_path, "new", "acmee/terms/data-use")
    assert code == 2
    assert "no platform 'acmee' (did you mean 'acme'? valid: acme)" in output
    code, output = cli(tmp_path, "new", "acme/termz/data-use")
    assert code == 2
    assert "platform 'acme' has no document 'termz' (did you mean 'terms'? valid: terms)" in output
    assert not (tmp_path / "content/provisions/acme/termz").exists()


def test_an_unfilled_template_fails_check_with_every_placeholder(tmp_path: Path) -> None:
    make_site(tmp_path)
    code, _ = cli(tmp_path, "new", "acme/terms/data-use")
    assert code == 0
    code, output = cli(tmp_path, "check", "--strict")
    assert code == 1
    lines = [line for line in output.splitlines() if "data-use.yml" in line]
    fields = [line.split(": ", 2)[1] for line in lines]
    assert fields == [
        "title",
        "topic",
        "quote",
        "summary",
        "interpretation",
        "affected[0].who",
        "affected[0].impact",
        "for_users",
        "exposure.level",
        "exposure.rationale",
        "regulations[0].id",
        "regulations[0].article",
        "regulations[0].note",
        "jurisdictions[0].id",
        "jurisdictions[0].note",
        "contracts",
        "compliance",
        "related[0]",
        "authors[0]",
    ]
    assert all("still holds the template's TODO: replace it with" in line for line in lines)
    assert (
        "regulations[0].article: still holds the template's TODO: replace it with the "
        'article, e.g. "17" (shown as Art. 17), or another part with its label, e.g. '
        '"Recital 26", or remove this optional key [error]' in output
    )
