"""The compiled sequence matcher gives difflib's results (the compare view's JavaScript port
and every published diff rely on difflib's algorithm)."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.compare.sequences import SequenceMatcher

# Few distinct tokens, so that sequences share many of them (the hard case for matching).
tokens = st.lists(st.sampled_from(["the", "a", "data", "we", ",", " ", "use", "x"]), max_size=300)


@settings(max_examples=300, deadline=None)
@given(tokens, tokens, st.booleans())
def test_the_compiled_matcher_gives_difflibs_opcodes(
    old: list[str], new: list[str], autojunk: bool
) -> None:
    expected = difflib.SequenceMatcher(None, old, new, autojunk=autojunk).get_opcodes()
    assert SequenceMatcher(None, old, new, autojunk=autojunk).get_opcodes() == expected


def test_the_matcher_in_use_is_the_compiled_one() -> None:
    # cydifflib is a dependency: a missing wheel would make every build five times slower.
    assert SequenceMatcher is not difflib.SequenceMatcher
