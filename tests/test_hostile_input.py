"""Hostile and careless input (issue 11, items 1-9): each is refused with its file, line, field
and reason, or neutralised, never a traceback and never a silent pass."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import yaml
from helpers import PLATFORM_YML, build_site, make_site, problems, provision_yml, run_cli

from generator.config import load_site_config
from generator.content.yamlfile import parse_yaml
from generator.diagnostics import Diagnostics
from generator.untrusted import YAML_MAX_DEPTH, YAML_MAX_VALUES

PROVISION = "content/provisions/acme/terms/liability-cap.yml"


def check(tmp_path: Path) -> tuple[int, list[str]]:
    """``govsite check`` in ``tmp_path``: exit code and report lines."""
    code, output = run_cli(tmp_path, "check")
    return code, output.splitlines()


def errors(tmp_path: Path, **site: object) -> list[str]:
    return problems(tmp_path, **site)


def laughs(levels: int = 10, fan_out: int = 9) -> str:
    """The "billion laughs": each level an alias list of the level before."""
    lines = ['lol0: &a0 ["lol"]']
    for level in range(1, levels):
        items = ", ".join([f"*a{level - 1}"] * fan_out)
        lines.append(f"lol{level}: &a{level} [{items}]")
    return "\n".join(lines) + "\n"


# 1. Billion laughs


def test_alias_expansion_is_bounded_and_reported_at_its_line() -> None:
    text = "title: x\n" + laughs()
    assert len(text.encode()) < 3000  # a small file...
    diag = Diagnostics()
    assert parse_yaml(text, "f.yml", diag) is None  # ...refused without being expanded
    [problem] = diag.items
    assert problem.origin.path == "f.yml" and problem.origin.line > 1
    assert f"more than {YAML_MAX_VALUES} values once aliases are expanded" in problem.reason


def test_billion_laughs_in_a_provision_fails_check_with_its_line(tmp_path: Path) -> None:
    make_site(tmp_path)
    path = tmp_path / PROVISION
    lines = path.read_text().count("\n")
    path.write_text(path.read_text() + laughs())
    code, output = check(tmp_path)
    assert code == 1
    [problem] = [line for line in output if "aliases" in line]
    assert problem.startswith(f"{PROVISION}:{lines + 1}:")


def test_aliases_within_the_limit_still_work() -> None:
    diag = Diagnostics()
    doc = parse_yaml("a: &x [1, 2]\nb: *x\n", "f.yml", diag)
    assert doc is not None and diag.items == []
    assert doc.data == {"a": [1, 2], "b": [1, 2]}


# 2. Recursive aliases and deep nesting


def test_recursive_alias_is_an_error_not_a_recursion_error() -> None:
    diag = Diagnostics()
    assert parse_yaml("title: x\nextra: &r [ *r ]\n", "f.yml", diag) is None
    assert [str(d) for d in diag] == [
        "f.yml:2:8: extra[0]: an alias refers to a value that contains it"
    ]


def test_recursive_alias_in_a_mapping() -> None:
    diag = Diagnostics()
    assert parse_yaml("a: &m\n  b: *m\n", "f.yml", diag) is None
    assert "an alias refers to a value that contains it" in diag.items[0].reason


@pytest.mark.parametrize("opening", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused_at_its_line(opening: str) -> None:
    if opening == "- ":
        text = "".join(f"{' ' * i}-\n" for i in range(300))
    else:
        closing = "]" if opening == "[" else "}"
        text = "title: x\nextra: " + opening * 20_000 + closing * 20_000 + "\n"
    diag = Diagnostics()
    assert parse_yaml(text, "f.yml", diag) is None
    [problem] = diag.items
    assert f"nested deeper than {YAML_MAX_DEPTH} levels" in problem.reason
    assert problem.origin.line >= 1 and problem.field == "(file)"


def test_deep_nesting_through_aliases_is_refused() -> None:
    # Each anchor is shallow, but expanding them stacks their depths.
    lines = ["a0: &a0 [x]"]
    for level in range(1, 40):
        lines.append(f"a{level}: &a{level} [[[*a{level - 1}]]]")
    diag = Diagnostics()
    assert parse_yaml("\n".join(lines) + "\n", "f.yml", diag) is None
    assert "nested deeper than" in diag.items[0].reason


def test_hostile_mkdocs_yml_is_reported_not_raised(tmp_path: Path) -> None:
    make_site(tmp_path)
    config = tmp_path / "mkdocs.yml"
    original = config.read_text()
    for extra, expected in (
        ("extra: " + "[" * 20_000 + "]" * 20_000 + "\n", "nested deeper than"),
        ("extra: &r [ *r ]\n", None),  # a safe loader builds the loop; no expansion, no crash
        ("bad: [\n", "malformed YAML"),
    ):
        config.write_text(original + extra)
        diag = Diagnostics()
        found = load_site_config(config, diag)
        if expected is None:
            assert found is not None
            continue
        assert found is None
        [problem] = diag.items
        assert expected in problem.reason
        assert problem.origin.line == original.count("\n") + (2 if expected.startswith("m") else 1)


# 3. Arabic-Indic digits; a bad byte in versions.lock


def test_dates_in_other_digits_are_not_dates(tmp_path: Path) -> None:
    text = provision_yml(reviewed="٢٠٢٥-٠٥-٠٢")
    assert errors(tmp_path, provisions={"acme/terms/liability-cap": text}) == [
        f"{PROVISION}:25:11: reviewed: '٢٠٢٥-٠٥-٠٢' is not a date (YYYY-MM-DD)"
    ]


def test_version_dates_in_other_digits_are_refused(tmp_path: Path) -> None:
    text = provision_yml(analyzed="٢٠٢٤-٠٢-٠١")
    found = errors(tmp_path, provisions={"acme/terms/liability-cap": text})
    assert f"{PROVISION}:4:11: analyzed: '٢٠٢٤-٠٢-٠١' is not a version date (YYYY-MM-DD[-N])" in (
        found
    )


def test_a_bad_byte_in_versions_lock_is_reported_at_its_line(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    build_site(config, record=True)
    lock = tmp_path / "versions.lock"
    lines = lock.read_bytes().split(b"\n")
    lines[3] = lines[3][:20] + b"\xff" + lines[3][21:]
    lock.write_bytes(b"\n".join(lines))
    found = [str(d) for d in build_site(config, render=False).diagnostics.errors]
    assert found[0].startswith("versions.lock:4:21: (line): not valid UTF-8 (byte 0xff)")


def test_malformed_lock_lines_are_reported(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    (tmp_path / "versions.lock").write_text(
        "acme/terms\t2024-01-15\tnot-a-commit\tnor-a-blob\nacme/terms\t٢٠٢٤-01-15\t"
        + "a" * 40
        + "\t"
        + "b" * 40
        + "\n"
    )
    found = [str(d) for d in build_site(config, render=False).diagnostics.errors]
    assert [f.split(": ")[0] for f in found[:2]] == ["versions.lock:1:1", "versions.lock:2:1"]


# 4. File names


def test_a_file_name_with_a_newline_is_not_an_id(tmp_path: Path) -> None:
    make_site(tmp_path)
    (tmp_path / "content/provisions/acme/terms/extra\n.yml").write_text(provision_yml())
    code, output = check(tmp_path)
    assert code == 1
    assert any("provision slug 'extra\\n' is not an id" in line for line in output)


@pytest.mark.parametrize("suffix", [".YML", ".Yaml", ".yML"])
def test_upper_case_yaml_suffixes_are_reported(tmp_path: Path, suffix: str) -> None:
    make_site(tmp_path)
    (tmp_path / f"content/provisions/acme/terms/arbitration{suffix}").write_text(provision_yml())
    code, output = check(tmp_path)
    assert code == 1
    assert output[0] == (
        f"content/provisions/acme/terms/arbitration{suffix}:1:1: (file): YAML files must end in "
        f"lowercase .yml or .yaml, not '{suffix}'; rename it (it was not read) [error]"
    )


# 5. Python tags everywhere


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object/apply:os.system\n  - echo pwned",
        "!!python/object/apply:os.system {args: [echo]}",
        "!!python/name:os.system\n",
        "!!set {a, b}",
        "!!omap [a: 1]",
        "!<tag:yaml.org,2002:python/tuple> [1, 2]",
        "!custom [x]",
    ],
)
def test_tags_are_refused_on_every_kind_of_node(value: str) -> None:
    diag = Diagnostics()
    parse_yaml(f"title: x\nauthors: {value}\n", "f.yml", diag)
    [problem] = diag.items
    assert problem.field == "authors" and problem.origin.line == 2
    assert problem.reason.startswith("unsupported YAML tag")


def test_tags_on_keys_are_refused() -> None:
    diag = Diagnostics()
    doc = parse_yaml("!!python/name:os.system key: 1\nok: 2\n", "f.yml", diag)
    assert doc is not None and doc.data == {"ok": 2}
    assert diag.items[0].reason.startswith("unsupported YAML tag")


def test_tags_in_a_provision_fail_check(tmp_path: Path) -> None:
    text = provision_yml().replace(
        "authors:\n  - Tester", "authors: !!python/object/apply:os.system\n  - Tester"
    )
    found = errors(tmp_path, provisions={"acme/terms/liability-cap": text})
    assert any(f.startswith(f"{PROVISION}:23:10: authors: unsupported YAML tag") for f in found)


# 6. Review dates and one-word quotes


def test_a_review_in_the_future_is_an_error(tmp_path: Path) -> None:
    future = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=30)).isoformat()
    text = provision_yml(reviewed=future)
    found = errors(tmp_path, provisions={"acme/terms/liability-cap": text})
    assert len(found) == 1 and found[0].startswith(
        f"{PROVISION}:25:11: reviewed: {future} is in the future"
    )


def test_a_review_before_the_analysed_version_is_an_error(tmp_path: Path) -> None:
    text = provision_yml(reviewed="2024-01-20")
    assert errors(tmp_path, provisions={"acme/terms/liability-cap": text}) == [
        f"{PROVISION}:25:11: reviewed: 2024-01-20 is before the analysed version was recorded "
        "(2024-02-01); a review reads that version, so it comes after it"
    ]


def test_a_review_on_the_day_of_the_version_is_fine(tmp_path: Path) -> None:
    text = provision_yml(reviewed="2024-02-01")
    assert errors(tmp_path, provisions={"acme/terms/liability-cap": text}) == []


@pytest.mark.parametrize("quote", ["the", "Our", "liability is", "  the  "])
def test_a_quote_too_short_to_name_a_clause_is_an_error(tmp_path: Path, quote: str) -> None:
    text = provision_yml(quote=quote)
    found = errors(tmp_path, provisions={"acme/terms/liability-cap": text})
    assert len(found) == 1 and found[0].startswith(f"{PROVISION}:3:8: quote: ")
    assert "too short to name one clause" in found[0]


# 7. Symbolic links


def test_a_symbolic_link_is_reported_and_never_read(tmp_path: Path) -> None:
    make_site(tmp_path)
    secret = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    secret.write_text("root:$y$SECRET-HASH:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n")
    (tmp_path / "content/provisions/acme/terms/leak.yml").symlink_to(secret)
    (tmp_path / "content/provisions/acme/elsewhere").symlink_to(
        secret.parent, target_is_directory=True
    )
    code, output = check(tmp_path)
    assert code == 1
    assert not any("SECRET" in line or "daemon" in line for line in output)
    assert (
        "content/provisions/acme/terms/leak.yml:1:1: (file): is a symbolic link; content files "
        "must be regular files (it was not read) [error]"
    ) in output
    assert any(line.startswith("content/provisions/acme/elsewhere:1:1: (file): is a symbolic")
               for line in output)  # fmt: skip


def test_a_symbolic_link_as_a_registry_is_refused(tmp_path: Path) -> None:
    make_site(tmp_path)
    topics = tmp_path / "content/topics.yml"
    real = tmp_path / "topics-real.yml"
    topics.rename(real)
    topics.symlink_to(real)
    code, output = check(tmp_path)
    assert code == 1
    assert any(
        line.startswith("content/topics.yml:1:1: (file): is a symbolic link") for line in output
    )


# 8. Positions of bad bytes and of mkdocs.yml errors; URLs


def test_a_bad_byte_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    make_site(tmp_path)
    path = tmp_path / PROVISION
    data = path.read_bytes()
    lines = data.split(b"\n")
    lines[19] = lines[19][:5] + b"\xe9" + lines[19][5:]
    path.write_bytes(b"\n".join(lines))
    code, output = check(tmp_path)
    assert code == 1
    assert output[0].startswith(f"{PROVISION}:20:6: (file): not valid UTF-8: byte 0xe9")


def test_a_control_character_is_reported_at_its_line(tmp_path: Path) -> None:
    make_site(tmp_path)
    path = tmp_path / PROVISION
    path.write_text(path.read_text().replace("Caps are common.", "Caps are\x1b common."))
    code, output = check(tmp_path)
    assert code == 1
    assert output[0].startswith(f"{PROVISION}:6:26: (file): character '\\x1b' is not allowed")


def test_a_malformed_mkdocs_yml_is_reported_at_its_line(tmp_path: Path) -> None:
    make_site(tmp_path)
    config = tmp_path / "mkdocs.yml"
    lines = config.read_text().count("\n")
    config.write_text(config.read_text() + "nav: [\n")
    code, output = check(tmp_path)
    assert code == 1
    assert output[0].startswith(f"mkdocs.yml:{lines + 2}:1: (file): malformed YAML")


def test_a_mkdocs_yml_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    make_site(tmp_path)
    config = tmp_path / "mkdocs.yml"
    config.write_bytes(config.read_bytes().replace(b"Test site", b"Test \xe9site", 1))
    code, output = check(tmp_path)
    assert code == 1
    assert output[0].startswith("mkdocs.yml:1:17: (file): not valid UTF-8")


@pytest.mark.parametrize(
    "url",
    [
        "https://acme.example/terms of service",
        'https://acme.example/"onmouseover="x',
        "https://acme.example/it's",
        "https://acme.example/<b>",
        "https://acme.example:99999/",
        "https:///no-host",
        "ftp://acme.example/",
        "https://acme.example/\ttab",
    ],
)
def test_url_fields_refuse_spaces_quotes_and_malformed_addresses(tmp_path: Path, url: str) -> None:
    platform = (
        f"name: Acme\nwebsite: {yaml.safe_dump(url).splitlines()[0]}\ndocuments:\n  terms:\n"
        "    title: Terms of Service\n    source: Acme/Terms of Service.md\n    type: Terms\n"
    )
    found = errors(tmp_path, platform=platform)
    assert len(found) == 1 and found[0].startswith("content/platforms/acme.yml:2:10: website: ")


def test_good_urls_pass(tmp_path: Path) -> None:
    platform = (
        "name: Acme\nwebsite: https://acme.example:8443/a/b?c=d&e=%20#f\ndocuments:\n  terms:\n"
        "    title: Terms of Service\n    source: Acme/Terms of Service.md\n    type: Terms\n"
        "    url: http://exämple.example/terms\n"
    )
    assert errors(tmp_path, platform=platform) == []


# 9. Formulas in CSV


FORMULAS = ["=HYPERLINK(\"https://evil.example\",\"x\")", "=cmd|' /C calc'!A0", "+1+1", "-2+3",
            "@SUM(A1)", "\tTab", "\rReturn"]  # fmt: skip


def test_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    text = provision_yml(
        summary=FORMULAS[0],
        title=FORMULAS[2],
        authors="\n  - " + "\n  - ".join(yaml.safe_dump(f).splitlines()[0] for f in FORMULAS),
    )
    config = make_site(tmp_path, provisions={"acme/terms/liability-cap": text})
    result = build_site(config)
    assert result.output is not None
    [data] = [f.content for f in result.output.files if f.path == "data/provisions.csv"]
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    [row] = rows
    assert row["summary"] == "'" + FORMULAS[0]
    assert row["title"] == "'+1+1"
    # One cell, neutralised at its start (white space around each author is trimmed on reading).
    assert row["authors"] == "'" + "; ".join(f.strip() for f in FORMULAS)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


@pytest.mark.parametrize("cell", ["=1", "+1", "-1", "@1", "\t1", "\r1"])
def test_csv_cell_rule(cell: str) -> None:
    from generator.untrusted import csv_cell

    assert csv_cell(cell) == "'" + cell
    assert csv_cell("plain " + cell) == "plain " + cell


# Found beyond the list


def test_an_escaped_lone_surrogate_is_refused_before_it_breaks_a_build(tmp_path: Path) -> None:
    text = provision_yml().replace("title: 'Liability cap'", 'title: "Cap \\ud800"')
    assert errors(tmp_path, provisions={"acme/terms/liability-cap": text}) == [
        f"{PROVISION}:1:8: title: holds an escaped lone surrogate (such as \\ud800), which is "
        "not a character; remove it"
    ]


def test_a_quote_found_twice_in_the_analysed_version_is_an_error(tmp_path: Path) -> None:
    twice = "# Terms\n\nUsers may not resell the service.\n\nUsers may not resell the service.\n"
    text = provision_yml(quote="Users may not resell the service.", analyzed="2024-01-15")
    found = errors(
        tmp_path,
        texts=(twice,),
        dates=("2024-01-15",),
        provisions={"acme/terms/liability-cap": text},
    )
    assert found == [
        f"{PROVISION}:3:8: quote: found 2 times in 2024-01-15, so it does not say which clause "
        "is analysed; quote more of the clause"
    ]


def test_check_follows_inherit_and_refuses_malformed_plugin_options(tmp_path: Path) -> None:
    make_site(tmp_path)
    config = tmp_path / "mkdocs.yml"
    original = config.read_text()
    (tmp_path / "base.yml").write_text(original)
    config.write_text("INHERIT: base.yml\nsite_name: Child\n")
    code, output = check(tmp_path)
    assert code == 0, output
    config.write_text("INHERIT: mkdocs.yml\n")
    code, output = check(tmp_path)
    assert code == 1 and output[0].startswith("mkdocs.yml:1:1: INHERIT: cannot inherit")
    for plugins in ("plugins: 5\n", "plugins:\n  - govsite: [1]\n"):
        config.write_text(original.split("plugins:")[0] + plugins)
        code, output = check(tmp_path)
        assert code == 1 and output[0].startswith("mkdocs.yml:1:1: plugins"), output


def test_an_id_too_long_for_a_file_name_is_refused(tmp_path: Path) -> None:
    # 251 characters make a valid file name, but not the data record <slug>.json.
    slug = "a" * 251
    found = errors(tmp_path, provisions={f"acme/terms/{slug}": provision_yml()})
    assert found == [
        f"content/provisions/acme/terms/{slug}.yml:1:1: (file): provision slug "
        f"'{'a' * 58}… is longer than 100 characters (ids become file names and URLs)"
    ]


def test_init_keeps_ids_short() -> None:
    from generator.cli.scaffold import slugify

    assert len(slugify("Terms " * 100)) <= 90 and not slugify("Terms " * 100).endswith("-")


def test_an_archive_file_is_one_documents_history_only(tmp_path: Path) -> None:
    """Found in an adversarial run: a former source naming another document's file gave this
    document that one's versions, appended to versions.lock for good."""
    platform = PLATFORM_YML + (
        "  copy:\n"
        "    title: Copy\n"
        "    source: Acme/Other.md\n"
        "    url: https://acme.example/copy\n"
        "    type: Terms of Service\n"
        "    former_sources: [Acme/Other.md, Acme/Terms of Service.md]\n"
    )
    assert errors(tmp_path, platform=platform) == [
        "content/platforms/acme.yml:9:3: documents.copy.former_sources[0]: archive file "
        "'Acme/Other.md' is given twice",
        "content/platforms/acme.yml:9:3: documents.copy.former_sources[1]: archive file "
        "'Acme/Terms of Service.md' is already the source or a former source of acme/terms: "
        "one archive file can be one document's history only",
    ]


def test_a_value_of_invisible_characters_is_empty(tmp_path: Path) -> None:
    """Found in an adversarial run: a title of a zero-width space and a direction mark passed
    as text, and made empty links and headings."""
    provision = provision_yml(title="\u200b\u202e ", summary="\u2066\u2069")
    found = errors(tmp_path, provisions={"acme/terms/liability-cap": provision})
    assert found == [
        f"{PROVISION}:1:8: title: must not be empty (it shows nothing)",
        f"{PROVISION}:5:10: summary: must not be empty (it shows nothing)",
    ]


@pytest.mark.parametrize("name", ["topics.yaml", "Retired.yml", "jurisdictions.YML"])
def test_a_top_level_file_spelt_otherwise_is_reported(tmp_path: Path, name: str) -> None:
    """Found in an adversarial run: ``topics.yaml`` beside ``topics.yml`` was ignored."""
    make_site(tmp_path)
    (tmp_path / "content" / name).write_text("x: 1\n")
    code, output = check(tmp_path)
    wanted = name.lower().replace(".yaml", ".yml")
    assert code == 1
    assert (
        f"content/{name}:1:1: (file): govsite reads content/{wanted}, not '{name}': rename it "
        "(it was not read) [error]"
    ) in output


def test_plugin_options_of_the_wrong_kind_are_reported(tmp_path: Path) -> None:
    """Found in an adversarial run: ``content: [a, b]`` was read as the folder "['a', 'b']"."""
    make_site(tmp_path)
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "  - govsite", "  - govsite:\n      content: [a, b]\n      colour: 1"
        )
    )
    code, output = check(tmp_path)
    assert code == 1, output
    assert output[:2] == [
        "mkdocs.yml:1:1: plugins.govsite.colour: not an option of govsite (its options: content, "
        "archive, templates, cache, cache_dir, licence, attribution, disclaimer, collection, "
        "lock_wait, acknowledge, contributors, layout, compress_texts) [error]",
        "mkdocs.yml:1:1: plugins.govsite.content: must be a folder, not ['a', 'b'] [error]",
    ]
