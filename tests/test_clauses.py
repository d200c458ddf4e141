"""Clause identity across versions (the track stage's alignment and ids)."""

import unicodedata
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from generator.compare.align import (
    ADDED,
    CHANGED,
    EQUAL,
    MOVED,
    REMOVED,
    align,
    carry_ids,
    similarity,
)
from generator.compare.dates import _TAG, ENUMERATOR, canonical

V1 = ["Intro.", "You must be 16 years old.", "We may end your account.", "Law of Delaware."]


def statuses(old: list[str], new: list[str]) -> list[tuple[int | None, int | None, str]]:
    return [(p.old, p.new, p.status) for p in align(old, new)]


def test_identical_versions_are_all_equal() -> None:
    assert statuses(V1, V1) == [(i, i, EQUAL) for i in range(4)]


def test_light_edit_insertion_removal_and_move() -> None:
    v2 = [
        "Intro.",
        "Law of Delaware.",
        "You must be 18 years old.",
        "A brand new clause about fees.",
    ]
    found = statuses(V1, v2)
    assert (3, 1, MOVED) in found or (3, 1, EQUAL) in found
    assert (1, 2, CHANGED) in found
    assert (None, 3, ADDED) in found
    assert (2, None, REMOVED) in found


def test_ids_survive_moves_and_light_edits() -> None:
    ids1 = carry_ids(None, None, V1)
    assert len(set(ids1)) == 4
    v2 = ["Law of Delaware.", "Intro.", "You must be at least 18 years old.", "New clause here."]
    ids2 = carry_ids(ids1, align(V1, v2), v2)
    assert ids2[0] == ids1[3]  # moved
    assert ids2[1] == ids1[0]
    assert ids2[2] == ids1[1]  # lightly edited
    assert ids2[3] not in ids1  # new
    assert len(set(ids2)) == 4


def test_ids_do_not_depend_on_position() -> None:
    # The same clause first seen in two different documents gets the same id.
    assert carry_ids(None, None, ["A clause."])[0] == carry_ids(None, None, ["x", "A clause."])[1]


def test_duplicate_texts_get_distinct_ids() -> None:
    ids = carry_ids(None, None, ["Same.", "Same.", "Other."])
    assert len(set(ids)) == 3


def test_large_rewrites_stay_bounded() -> None:
    old = [f"clause number {i} about topic {i % 7}" for i in range(3000)]
    new = [f"rewritten clause {i} on subject {i % 5}" for i in range(3000)]
    pairs = align(old, new)
    assert {p.new for p in pairs if p.new is not None} == set(range(3000))


def _canonical_char_by_char(text: str) -> str:
    """:func:`canonical` as first written: a Python test of each character."""
    text = ENUMERATOR.sub("", unicodedata.normalize("NFKC", text))
    if "<" in text:
        text = _TAG.sub(" ", text)
    return "".join(c for c in text.casefold() if c.isalnum())


@given(st.text(max_size=40))
def test_canonical_keeps_exactly_the_letters_and_digits(text: str) -> None:
    # A regular expression drops the rest now: it must keep what ``str.isalnum`` keeps.
    assert canonical(text) == _canonical_char_by_char(text)
    assert canonical(f"4. {text}<br>ß_x") == _canonical_char_by_char(f"4. {text}<br>ß_x")


@given(
    st.lists(st.sampled_from(["a", "b", "c", "the", "of", "A"]), max_size=12),
    st.lists(st.sampled_from(["a", "b", "c", "the", "of", "A"]), max_size=12),
)
def test_similarity_is_the_dice_coefficient_of_the_words(a: list[str], b: list[str]) -> None:
    """Words shared are counted as often as both texts have them (a multiset intersection),
    whatever representation makes it fast."""
    shared = sum((Counter(a) & Counter(b)).values())
    expected = 2 * shared / (len(a) + len(b)) if a and b else float(len(a) == len(b))
    assert similarity(" ".join(a), " ".join(b)) == expected
