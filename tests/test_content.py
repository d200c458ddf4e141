"""One test per kind of bad input: each asserts the file, line and field reported."""

from pathlib import Path

import pytest
from helpers import build_site, make_site, problems, provision_yml

from generator.diagnostics import Severity

PROVISION = "content/provisions/acme/terms/liability-cap.yml"


def test_valid_site_has_no_problems(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    result = build_site(config)
    assert list(result.diagnostics) == []
    assert any(p.url == "acme/terms/liability-cap/" for p in result.output.pages)


def test_malformed_yaml(tmp_path: Path) -> None:
    bad = provision_yml().replace("title: 'Liability cap'", "title: [unclosed")
    assert problems(tmp_path, provisions={"acme/terms/liability-cap": bad}) == [
        f"{PROVISION}:2:6: (file): malformed YAML: a list or mapping opened with [ or {{ is "
        "not closed as YAML expects: close it, or put a value that starts with [ or { in "
        "double quotes [YAML: while parsing a flow sequence expected ',' or ']', but got ':']"
    ]


def test_unknown_missing_and_mistyped_keys_all_reported(tmp_path: Path) -> None:
    text = provision_yml(reviewed="yesterday").replace("contracts: 'Negotiate.'\n", "")
    text = text.replace("compliance: 'Record it.'", "compliance: 42\nsurprise: true")
    text = text.replace("level: high", "level: extreme")
    found = problems(tmp_path, provisions={"acme/terms/liability-cap": text})
    assert found == [
        f"{PROVISION}:1:1: contracts: missing required key",
        f"{PROVISION}:12:10: exposure.level: 'extreme' is not one of: low, medium, high",
        f"{PROVISION}:21:13: compliance: must be text, got a number",
        f"{PROVISION}:22:1: surprise: unknown key (expected one of: title, topic, quote, "
        "analyzed, summary, interpretation, affected, for_users, exposure, regulations, "
        "jurisdictions, contracts, compliance, related, authors, reviewed)",
        f"{PROVISION}:25:11: reviewed: 'yesterday' is not a date (YYYY-MM-DD)",
    ]


def test_list_items_are_checked(tmp_path: Path) -> None:
    text = provision_yml(affected="\n  - who: Users\n  - impact: nobody\n    who: [a]")
    found = problems(tmp_path, provisions={"acme/terms/liability-cap": text})
    assert found == [
        f"{PROVISION}:8:5: affected[0].impact: missing required key",
        f"{PROVISION}:10:10: affected[1].who: must be text, got a list",
    ]


def test_duplicate_ids(tmp_path: Path) -> None:
    (tmp_path / "content/platforms").mkdir(parents=True)
    (tmp_path / "content/platforms/acme.yaml").write_text("name: x\n")
    found = problems(tmp_path)
    # acme.yaml sorts first, so the second file of the same id is the one reported.
    assert "content/platforms/acme.yml:1:1: (file): duplicate platform id 'acme'" in found


def test_duplicate_registry_id(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    (tmp_path / "content/topics.yml").write_text(
        "liability:\n  title: A\ntraining:\n  title: B\nliability:\n  title: C\n"
    )
    found = [str(d) for d in build_site(config, render=False).diagnostics.errors]
    assert found == ["content/topics.yml:5:1: liability: duplicate key (first given on line 1)"]


@pytest.mark.parametrize(
    ("field", "value", "line", "reason"),
    [
        (
            "topic",
            "nope",
            2,
            "unknown topic 'nope' (not in content/topics.yml; valid: liability, training)",
        ),
        (
            "topic",
            "trainin",
            2,
            "unknown topic 'trainin' (not in content/topics.yml; did you mean 'training'? "
            "valid: liability, training)",
        ),
        (
            "regulations",
            "\n  - id: dsa\n    note: x",
            15,
            "unknown regulation 'dsa' (not in content/regulations.yml; valid: gdpr)",
        ),
        (
            "jurisdictions",
            "\n  - id: mars\n    note: x",
            19,
            "unknown jurisdiction 'mars' (not in content/jurisdictions.yml; valid: eu)",
        ),
        (
            "related",
            "\n  - acme/terms/missing",
            27,
            "no provision 'acme/terms/missing' (expected platform/document/slug of a file in "
            "content/provisions/; there are none yet)",
        ),
    ],
)
def test_dangling_references(
    tmp_path: Path, field: str, value: str, line: int, reason: str
) -> None:
    text = provision_yml(**{field: value})
    found = problems(tmp_path, provisions={"acme/terms/liability-cap": text})
    key = {"topic": "topic", "regulations": "regulations[0].id"}.get(field, field)
    if field == "jurisdictions":
        key = "jurisdictions[0].id"
    if field == "related":
        key = "related[0]"
    [problem] = found
    assert problem.startswith(f"{PROVISION}:{line}:")
    assert problem.endswith(f": {key}: {reason}")


def test_unknown_platform_and_document(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        provisions={
            "other/terms/clause": provision_yml(),
            "acme/privacy/clause": provision_yml(),
        },
    )
    assert found == [
        "content/provisions/acme/privacy/clause.yml:1:1: (file): platform 'acme' has no "
        "document 'privacy' (valid: terms)",
        "content/provisions/other/terms/clause.yml:1:1: (file): no platform 'other' (no "
        "content/platforms/other.yml; valid: acme): provision files go in "
        "content/provisions/<platform>/<document>/",
    ]


def test_quote_not_in_analyzed_version(tmp_path: Path) -> None:
    text = provision_yml(quote="Our liability is limited to 5 dollars.")
    assert problems(tmp_path, provisions={"acme/terms/liability-cap": text}) == [
        f"{PROVISION}:3:8: quote: not found verbatim in 'Acme/Terms of Service.md' as recorded "
        "on 2024-02-01 (after normalising white space, quotes and dashes); the nearest "
        "passage, at line 13 of the 2024-02-01 text, differs ([-your quote-] {+the text+}): "
        "Our liability is limited to [-5-]{+100+} dollars."
    ]


def test_quote_matches_after_normalising_typography_and_markup(tmp_path: Path) -> None:
    texts = ("# T\n\nWe’re   liable\nfor **up to** 10 dollars — at most.\n",) * 1
    quote = "We're liable for up to 10 dollars - at most."
    found = problems(
        tmp_path,
        texts=texts,
        dates=("2024-02-01",),
        provisions={"acme/terms/liability-cap": provision_yml(quote=quote)},
    )
    assert found == []


def test_analyzed_version_must_exist(tmp_path: Path) -> None:
    text = provision_yml(analyzed="2024-03-03", reviewed="2024-03-05")
    assert problems(tmp_path, provisions={"acme/terms/liability-cap": text}) == [
        f"{PROVISION}:4:11: analyzed: no version of acme/terms was recorded on 2024-03-03 "
        "(latest recorded versions: 2024-01-15, 2024-02-01, 2024-06-01); the quote is in the "
        "version(s) of 2024-02-01, 2024-06-01"
    ]


def test_archived_text_missing(tmp_path: Path) -> None:
    platform = (
        "name: Acme\nwebsite: https://acme.example\ndocuments:\n  terms:\n"
        "    title: T\n    source: Acme/Nope.md\n    url: https://acme.example/t\n    type: T\n"
    )
    found = problems(tmp_path, platform=platform)
    assert found == [
        "content/platforms/acme.yml:4:3: documents.terms.source: archived text 'Acme/Nope.md' "
        "is not in the archive's history"
    ]


def test_date_like_slug(tmp_path: Path) -> None:
    found = problems(tmp_path, provisions={"acme/terms/2024-01-15": provision_yml()})
    assert found == [
        "content/provisions/acme/terms/2024-01-15.yml:1:1: (file): provision slug '2024-01-15' "
        "looks like a date; such URLs are kept for versions"
    ]


def test_stale_quote_is_a_warning(tmp_path: Path) -> None:
    text = provision_yml(quote="We may use your content to train our models.", topic="training")
    found = problems(tmp_path, Severity.WARNING, provisions={"acme/terms/training": text})
    assert found == [
        "content/provisions/acme/terms/training.yml:3:8: quote: no longer in the latest "
        "version of acme/terms (2024-06-01); the analysis may be stale"
    ]


def test_wrong_file_layout_and_bad_slug(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    (tmp_path / "content/provisions/acme/stray.yml").write_text("title: x\n")
    (tmp_path / "content/provisions/acme/terms/Bad_Slug.yml").write_text("title: x\n")
    found = [str(d) for d in build_site(config, render=False).diagnostics.sorted()]
    assert found == [
        "content/provisions/acme/stray.yml:1:1: (file): provision files go in "
        "provisions/<platform>/<document>/<slug>.yml",
        "content/provisions/acme/terms/Bad_Slug.yml:1:1: (file): provision slug 'Bad_Slug' is "
        "not an id (lowercase letters, digits, hyphens)",
    ]
