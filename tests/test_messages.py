"""Messages a contributor who is not a programmer can act on, and the progress a publisher
sees during a long build."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from helpers import make_site, run_cli

from generator import progress
from generator.compare.quotes import marked_differences, nearest_passage
from generator.content.yamlfile import parse_yaml
from generator.diagnostics import LOGGER_NAME, Diagnostics
from generator.link.resolve import valid_ids
from generator.render.environment import article_label
from generator.text.views import view_text


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        (
            "title: Data: what we keep\n",
            1,
            'put the whole value in double quotes; write it as: title: "Data: what we keep"',
        ),
        ("title: x\n\tsummary: y\n", 2, "a tab character indents this line"),
        ('title: "Data\nsummary: y\n', 3, "a quoted value opened on line 1 is never closed"),
        ('quote: "these Terms" and more\n', 1, "text follows the closing quote of a value"),
        ("title: @handle\n", 1, "a value starts with a character YAML reserves"),
        ("title: x\n  summary: y\n", 2, "this line is indented under the value of line 1"),
        ("title x\nsummary: y\n", 2, "line 1 has no colon after its key"),
        ("a:\n  - id: x\n   note: y\n", 3, "this line's indentation does not match"),
    ],
)
def test_yaml_syntax_errors_are_told_in_plain_words_with_the_fix(
    text: str, line: int, says: str
) -> None:
    diag = Diagnostics()
    assert parse_yaml(text, "a.yml", diag) is None
    [problem] = list(diag)
    assert problem.origin.line == line
    assert problem.reason.startswith("malformed YAML: ")
    assert says in problem.reason
    assert "[YAML: " in problem.reason  # the parser's own words, for whoever knows them


TEXT = "# T\n\nWe may suspend or end your access if we believe you have breached these Terms, or the law.\n"


@pytest.mark.parametrize(
    ("quote", "marked"),
    [
        (
            "end your access if we think you have breached these Terms",
            "end your access if we [-think-]{+believe+} you have breached these Terms",
        ),
        (
            "We may suspend or end your access if you have breached these Terms",
            "We may suspend or end your access if {+we believe +}you have breached these Terms",
        ),
    ],
)
def test_the_nearest_quote_marks_the_words_that_differ(quote: str, marked: str) -> None:
    """Found on a real archive: 'have breached these[- Terms-]' blamed 'Terms' where the
    text says 'these Terms,' (the comma made the words unequal)."""
    passage = nearest_passage(quote, view_text(TEXT, "b" * 40, ""))
    assert passage is not None
    assert marked_differences(quote, passage.text) == marked


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("17", "Art. 17"),
        ("17(2)(a)", "Art. 17(2)(a)"),
        ("Art. 17", "Art. 17"),
        ("Article 6(1)(f)", "Article 6(1)(f)"),
        ("Recital 26", "Recital 26"),
        ("Annex 1(q)", "Annex 1(q)"),
        ("§ 5", "§ 5"),
    ],
)
def test_an_article_is_never_labelled_twice(value: str, shown: str) -> None:
    assert article_label(value) == shown


def test_ids_are_matched_without_regard_to_case() -> None:
    assert valid_ids("DSA", ["ai-act", "dsa", "gdpr"]).startswith("did you mean 'dsa'?")
    assert valid_ids("Gdrp", ["dsa", "gdpr"]).startswith("did you mean 'gdpr'?")


def test_a_provision_with_an_uppercase_id_is_told_the_lowercase_one(tmp_path: Path) -> None:
    from helpers import provision_yml

    text = provision_yml().replace("- id: gdpr", "- id: GDPR")
    make_site(tmp_path, provisions={"acme/terms/liability-cap": text})
    code, output = run_cli(tmp_path, "check")
    assert code == 1
    assert "'GDPR' is not an id: ids are in lowercase, write 'gdpr'" in output
    assert "did you mean 'gdpr'?" in output


def test_check_takes_h_and_finds_properdocs_yml(tmp_path: Path) -> None:
    code, output = run_cli(tmp_path, "check", "-h")
    assert code == 0 and "--against FILE" in output and ".json.gz" in output
    make_site(tmp_path)
    (tmp_path / "mkdocs.yml").rename(tmp_path / "properdocs.yml")
    code, output = run_cli(tmp_path, "check", "--strict")
    assert code == 0, output


def test_progress_in_a_log_is_a_line_every_few_seconds_and_nothing_when_quiet(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    monkeypatch.setattr(progress, "MIN_SECONDS", 0.0)
    monkeypatch.setattr(progress, "_on_terminal", lambda: False)
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    with progress.Progress("parse", 4, "texts") as step:
        for _ in range(4):
            step.advance()
    lines = [r.getMessage() for r in caplog.records]
    assert "govsite: parse: 2 of 4 texts (50 %)" in "\n".join(lines)
    assert any("so far, about" in line and "left" in line for line in lines)
    assert lines[-1].startswith("govsite: parse: 4 texts in ")
    caplog.clear()
    caplog.set_level(logging.WARNING, logger=LOGGER_NAME)  # mkdocs build -q, govsite check -q
    with progress.Progress("parse", 4, "texts") as step:
        for _ in range(4):
            step.advance()
    assert caplog.records == []


def test_a_timed_step_logs_its_wall_and_cpu_time_at_debug_level_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    with progress.timed("stage text"):
        sum(i * i for i in range(200_000))  # some CPU time in this process
    (record,) = caplog.records
    assert record.levelno == logging.DEBUG
    message = record.getMessage()
    assert message.startswith("govsite: stage text took ")
    assert " s in this process, " in message and message.endswith(" s in others)")
    caplog.clear()
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)  # a build without -v says nothing
    with progress.timed("stage text"):
        pass
    assert caplog.records == []
