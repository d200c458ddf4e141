from generator.content.yamlfile import format_key, parse_yaml
from generator.diagnostics import Diagnostics


def test_values_keep_their_positions() -> None:
    diag = Diagnostics()
    doc = parse_yaml("title: A\nlist:\n  - id: x\n    note: y\n", "f.yml", diag)
    assert doc is not None and not diag.items
    assert doc.data == {"title": "A", "list": [{"id": "x", "note": "y"}]}
    assert (doc.origin(("list", 0, "note")).line, doc.origin(("list", 0, "note")).column) == (4, 11)
    assert doc.key_origin(("list",)).line == 2


def test_dates_stay_strings_and_tags_are_refused() -> None:
    diag = Diagnostics()
    doc = parse_yaml("day: 2024-01-02\nbad: !!python/object:os.system x\n", "f.yml", diag)
    assert doc is not None
    assert doc.data["day"] == "2024-01-02"
    assert [(str(d.origin), d.field) for d in diag] == [("f.yml:2:6", "bad")]


def test_duplicate_key_names_both_lines() -> None:
    diag = Diagnostics()
    parse_yaml("a: 1\nb: 2\na: 3\n", "f.yml", diag)
    [problem] = diag.items
    assert str(problem) == "f.yml:3:1: a: duplicate key (first given on line 1)"


def test_malformed_yaml_reports_line() -> None:
    diag = Diagnostics()
    assert parse_yaml("a: [1, 2\nb: 3\n", "f.yml", diag) is None
    [problem] = diag.items
    assert problem.origin.path == "f.yml" and problem.origin.line == 2
    assert "malformed YAML" in problem.reason


def test_format_key() -> None:
    assert format_key(("regulations", 1, "id")) == "regulations[1].id"
    assert format_key(()) == "(file)"
