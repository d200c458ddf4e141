"""The compare engine against its fixture files (tests/fixtures/compare/), in both of its
implementations: the Python one that builds the version pages (the reference) and the
browser's (templates/assets/compare.js), run by node without a browser.

Each file is one step of the engine: ``normalise`` (text as compared), ``tokens`` (what a
word diff counts as a word), ``worddiff`` (word-level differences and the words they touch),
``align`` (clause identity across two versions: equal, changed, moved, rewritten, added,
removed) and ``describe`` (the changes a changes page lists, and their counts). ``make
golden`` rewrites the expected parts from the Python implementation; the browser's must then
agree.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from golden import FIXTURES, check_case, load_cases, updating
from helpers import ROOT

from generator.compare import dates
from generator.compare.align import align
from generator.compare.changes import change_stats, describe
from generator.compare.worddiff import changed_words, tokens, word_diff
from generator.text.blocks import Block
from generator.text.normalise import normalise
from generator.text.views import TextView

FOLDER = FIXTURES / "compare"
ENGINE = ROOT / "templates" / "assets" / "compare.js"
DRIVER = Path(__file__).parent / "compare_fixtures.js"
STEPS = ("normalise", "tokens", "worddiff", "align", "describe")


def _view(blocks: list[Any]) -> TextView:
    """A version as the engine sees it: a block is its text, or {text, links, markup,
    heading_like} (the markup starts with the block's kind and level: ``heading2:``)."""
    full = [{"text": b} if isinstance(b, str) else b for b in blocks]
    markup = [b.get("markup", "paragraph0:") for b in full]
    kinds = [m.split(":", 1)[0] for m in markup]
    return TextView(
        blob="",
        blocks=[
            Block(n, kind.rstrip("0123456789"), b["text"], 0, 0, 0, int(kind[-1]))
            for n, (kind, b) in enumerate(zip(kinds, full, strict=True))
        ],
        normalised=[normalise(b["text"]) for b in full],
        template="",
        hidden_anchor=frozenset(),
        links=[tuple((text, href) for text, href in b.get("links", [])) for b in full],
        markup=markup,
        heading_like=frozenset(n for n, b in enumerate(full) if b.get("heading_like")),
    )


def _record(value: Any) -> dict[str, Any]:
    """A change or counts as the object compare.js gives: its fields by name, the segments
    and link changes in it as lists."""
    return {key: _lists(field) for key, field in value._asdict().items()}


def _lists(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value


def python_result(step: str, case: dict[str, Any]) -> Any:
    """What the Python implementation gives for a case of one step's file."""
    if step == "normalise":
        return normalise(case["text"])
    if step == "tokens":
        return tokens(case["text"])
    if step == "worddiff":
        segments = word_diff(case["old"], case["new"])
        added, removed = changed_words(segments)
        return {
            "segments": [list(s) for s in segments],
            "words_added": added,
            "words_removed": removed,
        }
    if step == "align":
        pairs = align([normalise(t) for t in case["old"]], [normalise(t) for t in case["new"]])
        return [list(p) for p in pairs]
    old, new = _view(case["old"]), _view(case["new"])
    changes = describe(old, new, align(old.normalised, new.normalised))
    return {
        "changes": [_record(c) for c in changes],
        "stats": _record(change_stats(changes, old, new)),
    }


CASES = [
    pytest.param(step, index, id=f"{step}-{index}-{case['title']}")
    for step in STEPS
    for index, case in enumerate(load_cases(FOLDER / f"{step}.json"))
]


@pytest.mark.parametrize(("step", "index"), CASES)
def test_python_engine(step: str, index: int) -> None:
    path = FOLDER / f"{step}.json"
    check_case(path, index, python_result(step, load_cases(path)[index]))


@cache
def _node_results() -> dict[str, list[Any]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the browser's compare engine cannot be checked")
    result = subprocess.run(
        [node, str(DRIVER), str(ENGINE), str(FOLDER)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 0, result.stderr
    results: dict[str, list[Any]] = json.loads(result.stdout)
    return results


@pytest.mark.parametrize(("step", "index"), CASES)
def test_browser_engine(step: str, index: int) -> None:
    """compare.js gives what the fixture files expect (the Python engine's results)."""
    if updating():
        pytest.skip("the expected parts are being rewritten from the Python engine")
    path = FOLDER / f"{step}.json"
    case = load_cases(path)[index]
    assert _node_results()[step][index] == case["expected"], (
        f"{path.name} case {index} ({case['title']}): compare.js gives\n"
        f"{json.dumps(_node_results()[step][index], ensure_ascii=False, indent=1)}\n"
        f"the Python engine\n{json.dumps(case['expected'], ensure_ascii=False, indent=1)}"
    )


def test_the_browser_engine_knows_the_same_dates() -> None:
    """compare.js spells the vocabulary of generator/compare/dates.py again (JavaScript
    cannot import it): the month names, time units and counts must be the same, or a short
    line whose date changed would pair in one engine and not in the other."""
    source = ENGINE.read_text(encoding="utf-8")
    months = re.search(r'var MONTHS = "([^"]*)";', source)
    assert months is not None and months[1] == "|".join(dates._MONTHS)
    units = dict(re.findall(r'^ +(\w\w): "([^"]*)",?$', source, re.MULTILINE))
    assert units == dates._UNITS
    count = re.search(r'var COUNT = "\(\?:" \+ D \+ "\+\|(.*)\)";', source)
    assert count is not None
    assert count[1].replace("\\\\", "\\") == dates._COUNT.removeprefix(r"(?:\d+|")[:-1]
