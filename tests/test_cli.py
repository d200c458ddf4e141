import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from helpers import ROOT, make_site, provision_yml
from helpers import run_cli as run

from generator.cli import main, report
from generator.content import schema
from generator.content.yamlfile import parse_yaml
from generator.diagnostics import Diagnostic, Diagnostics, Origin, Severity


def test_check_reports_everything_and_fails(tmp_path: Path) -> None:
    bad = provision_yml(topic="nope", reviewed="soon")
    make_site(tmp_path, provisions={"acme/terms/liability-cap": bad, "acme/terms/2024-01-01": bad})
    code, output = run(tmp_path, "check")
    assert code == 1
    assert output.splitlines() == [
        "content/provisions/acme/terms/2024-01-01.yml:1:1: (file): provision slug '2024-01-01' "
        "looks like a date; such URLs are kept for versions [error]",
        "content/provisions/acme/terms/liability-cap.yml:2:8: topic: unknown topic 'nope' (not "
        "in content/topics.yml; valid: liability, training) [error]",
        "content/provisions/acme/terms/liability-cap.yml:25:11: reviewed: 'soon' is not a date "
        "(YYYY-MM-DD) [error]",
        "3 error(s), 0 warning(s)",
    ]


def test_check_passes_and_strict_fails_on_warnings(tmp_path: Path) -> None:
    stale = provision_yml(quote="We may use your content to train our models.", topic="training")
    make_site(tmp_path, provisions={"acme/terms/training": stale})
    code, output = run(tmp_path, "check")
    assert code == 0 and "[warning]" in output and "ok: no errors, 1 warning(s)" in output
    code, _ = run(tmp_path, "check", "--strict")
    assert code == 1


def test_new_writes_every_key_with_comments(tmp_path: Path) -> None:
    make_site(tmp_path)
    code, output = run(tmp_path, "new", "acme/terms/data-use")
    assert code == 0, output
    path = tmp_path / "content/provisions/acme/terms/data-use.yml"
    text = path.read_text()
    data = yaml.safe_load(text)
    assert set(data) == {spec.name for spec in schema.PROVISION}
    for spec in schema.PROVISION:
        line = next(line for line in text.splitlines() if line.startswith(f"{spec.name}:"))
        assert "# " in line, line
    # The scaffold is valid in shape: only the placeholders need replacing.
    diag = Diagnostics()
    doc = parse_yaml(text, "x.yml", diag)
    assert doc is not None
    schema.check(doc, schema.PROVISION, diag)
    assert diag.items
    assert [d for d in diag if "still holds the template's TODO" not in d.reason] == []
    code, output = run(tmp_path, "new", "acme/terms/data-use")
    assert code == 1 and "already exists" in output


def test_new_refuses_date_like_and_malformed_targets(tmp_path: Path) -> None:
    make_site(tmp_path)
    code, output = run(tmp_path, "new", "acme/terms/2024-05-01")
    assert code == 2 and "may not look like a date" in output
    code, output = run(tmp_path, "new", "acme/Terms")
    assert code == 2 and "platform/document/slug" in output


def test_mkdocs_build_stops_on_errors_with_the_same_messages(tmp_path: Path) -> None:
    make_site(tmp_path, provisions={"acme/terms/liability-cap": provision_yml(topic="nope")})
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode != 0
    assert (
        "content/provisions/acme/terms/liability-cap.yml:2:8: topic: unknown topic 'nope'"
        in result.stderr
    )


def test_mkdocs_strict_fails_on_warnings_only_when_strict(tmp_path: Path) -> None:
    stale = provision_yml(quote="We may use your content to train our models.", topic="training")
    make_site(tmp_path, provisions={"acme/terms/training": stale})
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    base = [sys.executable, "-m", "mkdocs", "build"]
    plain = subprocess.run(base, cwd=tmp_path, capture_output=True, text=True, env=env, check=False)
    assert plain.returncode == 0, plain.stderr
    assert "the analysis may be stale" in plain.stderr
    strict = subprocess.run(
        [*base, "--strict"], cwd=tmp_path, capture_output=True, text=True, env=env, check=False
    )
    assert strict.returncode != 0


def test_every_command_and_option_is_documented_in_the_readme() -> None:
    """The README's command-line section names every command and every option of it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    missing = []
    for name, command in main.commands.items():  # type: ignore[attr-defined]
        if f"govsite {name}" not in section:
            missing.append(f"govsite {name}")
        for param in command.params:
            flags = [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]
            names = [f for f in flags if f.startswith("--")] or [param.name.upper()]
            missing.extend(f"govsite {name} {flag}" for flag in names if flag not in section)
    assert missing == []


def test_check_format_github_prints_one_annotation_per_problem(tmp_path: Path) -> None:
    """The annotations GitHub Actions shows on a pull request's changed lines: paths from the
    folder the command runs in (here the repository's root, the site in a sub-folder)."""
    site = tmp_path / "reports"
    stale = provision_yml(quote="We may use your content to train our models.", topic="training")
    make_site(
        site,
        provisions={
            "acme/terms/liability-cap": provision_yml(topic="nope", reviewed="soon"),
            "acme/terms/training": stale,
        },
    )
    code, output = run(tmp_path, "check", "-f", "reports/mkdocs.yml", "--format", "github")
    assert code == 1
    assert output.splitlines() == [
        "::error file=reports/content/provisions/acme/terms/liability-cap.yml,line=2,col=8::"
        "topic: unknown topic 'nope' (not in content/topics.yml; valid: liability, training)",
        "::error file=reports/content/provisions/acme/terms/liability-cap.yml,line=25,col=11::"
        "reviewed: 'soon' is not a date (YYYY-MM-DD)",
        "::warning file=reports/content/provisions/acme/terms/training.yml,line=3,col=8::"
        "quote: no longer in the latest version of acme/terms (2024-06-01); the analysis may "
        "be stale",
        "2 error(s), 1 warning(s)",
    ]


def test_github_annotations_escape_what_the_runner_reads_as_syntax() -> None:
    problem = Diagnostic(
        Origin("content/a,b:c.yml", 3, 4), "quote", "50% off\nnext line", Severity.WARNING
    )
    assert report.github_line(problem, "content/a,b:c.yml") == (
        "::warning file=content/a%2Cb%3Ac.yml,line=3,col=4::quote: 50%25 off%0Anext line"
    )


def test_check_format_json_lists_every_problem(tmp_path: Path) -> None:
    make_site(tmp_path, provisions={"acme/terms/liability-cap": provision_yml(topic="nope")})
    code, output = run(tmp_path, "check", "--format", "json")
    assert code == 1
    document = json.loads(output)
    assert document == {
        "errors": 1,
        "warnings": 0,
        "notes": 0,
        "problems": [
            {
                "severity": "error",
                "file": "content/provisions/acme/terms/liability-cap.yml",
                "line": 2,
                "column": 8,
                "field": "topic",
                "message": "unknown topic 'nope' (not in content/topics.yml; valid: liability, "
                "training)",
            }
        ],
    }


def test_check_warns_without_an_absolute_site_url_and_strict_fails(tmp_path: Path) -> None:
    make_site(tmp_path)
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_url: https://test.example/\n", ""))
    code, output = run(tmp_path, "check")
    assert code == 0
    assert (
        "mkdocs.yml:1:1: site_url: is not set; citations, permalinks and feed ids need the "
        "address the site is published at (for example site_url: https://reports.example.org/) "
        "[warning]"
    ) in output
    code, _ = run(tmp_path, "check", "--strict")
    assert code == 1
    config.write_text(config.read_text() + "site_url: /reports/\n")
    code, output = run(tmp_path, "check", "--strict")
    assert code == 1
    assert "mkdocs.yml:8:1: site_url: '/reports/' is not an absolute http(s) address" in output


def test_plugin_options_are_declared_once_and_documented_from_the_declaration(
    tmp_path: Path,
) -> None:
    """``govsite check`` reads mkdocs.yml without the engine; the engine's schema (names,
    types, defaults), the settings' defaults, the render key and the README's reference are
    all made from one declaration, the fields of SiteConfig."""
    from mkdocs.config import config_options

    from generator.config import PLUGIN_OPTIONS, SiteConfig, with_reference
    from generator.mkdocs_plugin.plugin import GovsiteConfig

    declared = [option.name for option in PLUGIN_OPTIONS]
    assert [name for name, _ in GovsiteConfig._schema] == declared
    defaults = SiteConfig.from_options(tmp_path, {})
    engine = GovsiteConfig()
    engine.load_dict({})
    assert not engine.validate()[0]
    engine_defaults = SiteConfig.from_options(tmp_path, dict(engine))
    assert engine_defaults == defaults
    for (name, engine_option), option in zip(GovsiteConfig._schema, PLUGIN_OPTIONS, strict=True):
        value = getattr(defaults, option.field)
        if option.expects == "a folder" and option.name != "cache_dir":
            assert value == tmp_path / str(option.default), name
        elif option.name != "cache_dir":
            assert value == option.default, name
        if isinstance(engine_option, config_options.ListOfItems):
            assert option.types is list, name
        elif option.choices:
            # A text option with choices: the engine checks the same choices.
            assert isinstance(engine_option, config_options.Choice), name
            assert tuple(engine_option.choices) == option.choices, name
            assert not option.accepts("none of them"), name
            engine = GovsiteConfig()
            engine.load_dict({name: "none of them"})
            assert engine.validate()[0], name
        else:
            assert isinstance(engine_option, config_options.Type), name
            assert engine_option._type == option.types, name
        # A value of the wrong type is refused by both the engine and the check.
        wrong: object = "soon" if option.types == (int, float) else 5
        assert not option.accepts(wrong), name
        engine = GovsiteConfig()
        engine.load_dict({name: wrong})
        assert engine.validate()[0], name
    assert defaults.cache_dir == tmp_path / ".cache/govsite"
    assert SiteConfig.from_options(tmp_path, {"cache": False}).cache_dir is None
    # Every option pages show is in the render key; one they do not show is not.
    for option in PLUGIN_OPTIONS:
        if isinstance(option.default, str) and option.expects == "text":
            changed = SiteConfig.from_options(tmp_path, {option.name: "something else"})
            assert (changed.shown() != defaults.shown()) == option.shown, option.name
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert with_reference(readme) == readme, "run `make reference` to update the README"
    for option in PLUGIN_OPTIONS:
        assert f"| `{option.name}` | {option.expects} |" in readme
