"""Clause identity across versions: each version's blocks aligned with its predecessor's.

Identical blocks in order first (difflib over whole block texts), then identical blocks out
of order ("moved"), then similar blocks inside the regions that differ ("changed", a light
edit). A block inherits the id of the block it is aligned with; a new block gets an id made
from a hash of its text, so ids do not depend on position and stay the same when text moves.
"""

from __future__ import annotations

import hashlib
from difflib import SequenceMatcher
from typing import NamedTuple

EQUAL, CHANGED, MOVED, ADDED, REMOVED = "equal", "changed", "moved", "added", "removed"
SIMILAR = 0.5  # share of words two blocks must have in common to be one edited clause
PAIRING_BUDGET = 40_000  # block comparisons per differing region before narrowing the search


class Pair(NamedTuple):
    """One step of an alignment: an old block (``old``, its index in the older version), a
    new block (``new``), or both; ``status`` is equal, changed, moved, added or removed.

    A named tuple: documents have hundreds of thousands of pairs, cached between builds.
    """

    old: int | None
    new: int | None
    status: str


def _words(text: str) -> list[str]:
    return text.split()


def similarity(a: str, b: str) -> float:
    """Share of words in common (a cheap bag-of-words Dice coefficient)."""
    return _similarity(_word_counts(a), _words(b))


def _word_counts(text: str) -> tuple[dict[str, int], int]:
    counts: dict[str, int] = {}
    words = _words(text)
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    return counts, len(words)


def _similarity(counted: tuple[dict[str, int], int], words_b: list[str]) -> float:
    counts, total_a = counted
    if not total_a or not words_b:
        return 1.0 if total_a == len(words_b) else 0.0
    used: dict[str, int] = {}
    common = 0
    for word in words_b:
        seen = used.get(word, 0)
        if seen < counts.get(word, 0):
            used[word] = seen + 1
            common += 1
    return 2 * common / (total_a + len(words_b))


def align(old: list[str], new: list[str]) -> list[Pair]:
    """Align two versions' normalised block texts, in reading order of the new version."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    opcodes = matcher.get_opcodes()
    unmatched_old = [i for tag, i1, i2, _, _ in opcodes if tag != "equal" for i in range(i1, i2)]
    unmatched_new = [j for tag, _, _, j1, j2 in opcodes if tag != "equal" for j in range(j1, j2)]
    # Identical text elsewhere: the clause moved.
    by_text: dict[str, list[int]] = {}
    for i in unmatched_old:
        by_text.setdefault(old[i], []).append(i)
    partner: dict[int, tuple[int, str]] = {}
    for j in unmatched_new:
        candidates = by_text.get(new[j])
        if candidates:
            partner[j] = (candidates.pop(0), MOVED)
    used_old = {i for i, _ in partner.values()}
    # Similar text anywhere among the rest: the clause was edited.
    changed = _pair_similar(
        old,
        new,
        [i for i in unmatched_old if i not in used_old],
        [j for j in unmatched_new if j not in partner],
    )
    for j, i in changed.items():
        partner[j] = (i, CHANGED)
        used_old.add(i)

    pairs: list[Pair] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            pairs.extend(Pair(i1 + k, j1 + k, EQUAL) for k in range(i2 - i1))
            continue
        pairs.extend(Pair(i, None, REMOVED) for i in range(i1, i2) if i not in used_old)
        for j in range(j1, j2):
            if j in partner:
                i, status = partner[j]
                pairs.append(Pair(i, j, status))
            else:
                pairs.append(Pair(None, j, ADDED))
    return pairs


def _pair_similar(
    old: list[str], new: list[str], olds: list[int], news: list[int]
) -> dict[int, int]:
    """Pair each new block with the most similar free old block, near its expected place.

    All pairs are compared while that stays within the budget; beyond it, each new block
    is compared only with old blocks around the same relative position.
    """
    result: dict[int, int] = {}
    if not olds or not news:
        return result
    window = len(olds) if len(olds) * len(news) <= PAIRING_BUDGET else 10
    free = set(olds)
    counted = {i: _word_counts(old[i]) for i in olds}  # each old block counted once
    for position, j in enumerate(news):
        centre = int(position * len(olds) / len(news))
        best, best_score = None, SIMILAR
        words = _words(new[j])
        for i in olds[max(0, centre - window) : centre + window + 1]:
            if i not in free:
                continue
            score = _similarity(counted[i], words)
            if score >= best_score:
                best, best_score = i, score
        if best is not None:
            result[j] = best
            free.discard(best)
    return result


def new_clause_id(text: str, taken: set[str], tried: dict[str, int] | None = None) -> str:
    """An id for a clause first seen with ``text``, unique among ``taken``.

    ``tried`` remembers, per base id, the suffix the last search stopped at: ``taken`` only
    grows, so every smaller suffix is still taken, and a text repeated thousands of times
    costs one step per copy instead of a search from ``-2`` each time (same ids either way).
    """
    base = "c" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:7]
    n = 2 if tried is None else tried.get(base, 2)
    candidate = base if n == 2 else f"{base}-{n - 1}"
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    if tried is not None:
        tried[base] = n
    return candidate


def carry_ids(
    previous_ids: list[str] | None, pairs: list[Pair] | None, new: list[str]
) -> list[str]:
    """Clause ids of a version's blocks, inherited through ``pairs`` where aligned."""
    ids: list[str | None] = [None] * len(new)
    taken: set[str] = set()
    if previous_ids is not None and pairs is not None:
        for pair in pairs:
            if pair.old is not None and pair.new is not None:
                ids[pair.new] = previous_ids[pair.old]
                taken.add(previous_ids[pair.old])
    tried: dict[str, int] = {}
    return [i if i is not None else new_clause_id(new[n], taken, tried) for n, i in enumerate(ids)]
