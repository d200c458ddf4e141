from hypothesis import given, settings
from hypothesis import strategies as st

from generator.compare.worddiff import WORD_BUDGET, rebuild, tokens, word_diff

WORDS = st.lists(
    st.sampled_from(["the", "user", "may", "not", "shall", ",", ".", "data", "\n", "  ", "é"]),
    max_size=40,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(WORDS, WORDS)
def test_word_diff_rebuilds_both_texts_exactly(old: str, new: str) -> None:
    assert rebuild(word_diff(old, new)) == (old, new)


def test_word_diff_marks_whole_words() -> None:
    segments = word_diff("you must be 16 years old", "you must be 18 years old")
    assert [(s.op, s.text) for s in segments] == [
        ("=", "you must be "),
        ("-", "16"),
        ("+", "18"),
        ("=", " years old"),
    ]


def test_pathological_pair_falls_back_to_a_coarse_diff() -> None:
    old = " ".join(f"w{i}" for i in range(3000))
    new = " ".join(f"v{i}" for i in range(3000))
    assert len(tokens(old)) * len(tokens(new)) > WORD_BUDGET
    segments = word_diff(old, new)
    assert [s.op for s in segments] == ["-", "+"]
    assert rebuild(segments) == (old, new)
