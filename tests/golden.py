"""Golden files: `make golden` (GOVSITE_UPDATE_GOLDEN=1) rewrites them after a change."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, value: Any) -> None:
    text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
    text = text.rstrip("\n") + "\n"
    path = GOLDEN / name
    if os.environ.get("GOVSITE_UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if os.environ.get("CI") and not os.environ.get("GOVSITE_UPDATE_GOLDEN"):
            raise AssertionError(f"golden file {name} was missing; it has been written, commit it")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; `make golden` to refresh"


# Fixture files (tests/fixtures/<stage>/*.json): a specification a reader can follow, one
# file per stage or rule, each case with a title, its input and the expected output. The
# expected parts are what the Python implementation gives; `make golden` rewrites them.
FIXTURES = Path(__file__).parent / "fixtures"


def updating() -> bool:
    """Whether this run rewrites the expected parts (``make golden``)."""
    return bool(os.environ.get("GOVSITE_UPDATE_GOLDEN"))


def load_cases(path: Path) -> list[dict[str, Any]]:
    """The cases of a fixture file, in order."""
    cases: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return cases


def check_case(path: Path, index: int, actual: Any) -> None:
    """Hold case ``index`` of a fixture file to ``actual`` (or record it, under ``make
    golden``)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    case = data["cases"][index]
    if updating():
        case["expected"] = actual
        path.write_text(fixture_json(data), encoding="utf-8")
        return
    assert actual == case["expected"], (
        f"{path.name} case {index} ({case['title']}): expected\n"
        f"{json.dumps(case['expected'], ensure_ascii=False, indent=1)}\ngot\n"
        f"{json.dumps(actual, ensure_ascii=False, indent=1)}\n(`make golden` to refresh)"
    )


def fixture_json(value: Any) -> str:
    """JSON as fixture files are written: one key per line, short lists on one line, and
    characters a reader cannot see (controls, invisible marks, lone surrogates) escaped."""
    return _pretty(value, 0) + "\n"


def _pretty(value: Any, depth: int) -> str:
    pad, inner = " " * depth, " " * (depth + 1)
    if isinstance(value, dict) and value:
        items = [f"{inner}{_scalar(k)}: {_pretty(v, depth + 1).lstrip()}" for k, v in value.items()]
        return pad + "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and value:
        flat = pad + json.dumps(value, ensure_ascii=False)
        if len(flat) <= 96 and all(not isinstance(v, dict) for v in value):
            return pad + _escape(json.dumps(value, ensure_ascii=False))
        return pad + "[\n" + ",\n".join(_pretty(v, depth + 1) for v in value) + "\n" + pad + "]"
    return pad + _scalar(value)


def _scalar(value: Any) -> str:
    return _escape(json.dumps(value, ensure_ascii=False))


def _escape(text: str) -> str:
    return "".join(
        c if c.isprintable() else "".join(f"\\u{u:04x}" for u in _utf16(c)) for c in text
    )


def _utf16(char: str) -> list[int]:
    data = char.encode("utf-16-le", "surrogatepass")
    return [int.from_bytes(data[k : k + 2], "little") for k in range(0, len(data), 2)]


# Text fixture files (tests/fixtures/<stage>/*.txt), as markdown-it-py writes its own: each
# case is its title, then a line holding a single dot, the input, a dot, the expected output
# and a dot. Anything outside cases (the file's introduction) is prose for the reader.
DOT = "."


@dataclass(slots=True)
class TextCase:
    """One case of a text fixture file."""

    title: str
    """What the case shows."""
    input: str
    """The input, lines joined, ending in a line break."""
    expected: str
    """The expected output, the same way."""
    line: int
    """Line of the case's title in the file (1-based)."""
    span: tuple[int, int]
    """The expected part's lines, as a slice of the file's lines."""


def read_text_cases(path: Path) -> list[TextCase]:
    lines = path.read_text(encoding="utf-8").split("\n")
    cases: list[TextCase] = []
    index = 0
    while index < len(lines):
        if lines[index] != DOT:
            index += 1
            continue
        title = next((lines[k] for k in range(index - 1, -1, -1) if lines[k].strip()), "")
        ends = [k for k in range(index + 1, len(lines)) if lines[k] == DOT][:2]
        if len(ends) < 2:
            raise ValueError(f"{path.name}:{index + 1}: a case needs three lines of one dot")
        body = lines[index + 1 : ends[0]]
        expected = lines[ends[0] + 1 : ends[1]]
        cases.append(
            TextCase(
                title,
                "".join(f"{line}\n" for line in body),
                "".join(f"{line}\n" for line in expected),
                index,
                (ends[0] + 1, ends[1]),
            )
        )
        index = ends[1] + 1
    return cases


def check_text_case(path: Path, index: int, actual: str) -> None:
    """Hold case ``index`` of a text fixture file to ``actual`` (or record it, under ``make
    golden``)."""
    case = read_text_cases(path)[index]
    if updating():
        lines = path.read_text(encoding="utf-8").split("\n")
        start, end = case.span
        lines[start:end] = actual.rstrip("\n").split("\n") if actual.strip() else []
        path.write_text("\n".join(lines), encoding="utf-8")
        return
    assert actual == case.expected, (
        f"{path.name}:{case.line} ({case.title}): expected\n{case.expected}got\n{actual}"
        "(`make golden` to refresh)"
    )
