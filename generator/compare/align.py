"""Clause identity across versions: each version's blocks aligned with its predecessor's.

Identical blocks in order first (difflib over whole block texts), then identical blocks out
of order ("moved"), then similar blocks inside the regions that differ ("changed", a light
edit). What is left of a region, when its old and new blocks still say much the same, was
rewritten as a whole ("rewritten": clauses merged, split or re-cut, as when a page is
re-extracted as one paragraph); each new block of it takes the id of the old block it shares
most words with. A block inherits the id of the block it is aligned with; a new block gets an
id made from a hash of its text, so ids do not depend on position and stay the same when text
moves.
"""

from __future__ import annotations

import hashlib
from itertools import repeat
from typing import NamedTuple

from .dates import canonical, without_dates
from .sequences import SequenceMatcher
from .worddiff import token_opcodes, tokens

EQUAL, CHANGED, MOVED, ADDED, REMOVED = "equal", "changed", "moved", "added", "removed"
REWRITTEN = "rewritten"
SIMILAR = 0.5  # share of words two blocks must have in common to be one edited clause
PAIRING_BUDGET = 40_000  # block comparisons per differing region before narrowing the search


class Pair(NamedTuple):
    """One step of an alignment: an old block (``old``, its index in the older version), a
    new block (``new``), or both; ``status`` is equal, changed, moved, added or removed.

    Pairs of a rewritten region are contiguous but for the moved and changed pairs among
    them. A named tuple: documents have hundreds of thousands of pairs, cached between builds.
    """

    old: int | None
    new: int | None
    status: str


def _words(text: str) -> list[str]:
    return text.split()


def similarity(a: str, b: str) -> float:
    """Share of words in common (a cheap bag-of-words Dice coefficient)."""
    return _similarity(_word_bag(a), _word_bag(b))


Bag = tuple[frozenset[str | tuple[str, int]], int]
"""A text's words as a set in which a word's second, third... occurrences are told apart
(``(word, 2)``...), and how many words it has: the words two texts share, each counted as
often as both have it, are then the size of the sets' intersection, which is computed in C."""


def _word_bag(text: str) -> Bag:
    seen: dict[str, int] = {}
    items: list[str | tuple[str, int]] = []
    for word in _words(text):
        count = seen.get(word, 0) + 1
        seen[word] = count
        items.append(word if count == 1 else (word, count))
    return frozenset(items), len(items)


def _similarity(a: Bag, b: Bag) -> float:
    (words_a, total_a), (words_b, total_b) = a, b
    if not total_a or not total_b:
        return 1.0 if total_a == total_b else 0.0
    return 2 * len(words_a & words_b) / (total_a + total_b)


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
    # A short line whose date changed ("Updated yesterday" -> "Updated: 3 days ago"), or
    # its case or punctuation, shares too few words to pass for an edit, but it is one.
    for j, i in _pair_short(
        old,
        new,
        [i for i in unmatched_old if i not in used_old],
        [j for j in unmatched_new if j not in partner],
    ).items():
        partner[j] = (i, CHANGED)
        used_old.add(i)

    pairs: list[Pair] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            pairs.extend(map(Pair, range(i1, i2), range(j1, j2), repeat(EQUAL)))
            continue
        edited = {
            j: partner[j][0]
            for j in range(j1, j2)
            if j in partner and partner[j][1] == CHANGED and i1 <= partner[j][0] < i2
        }
        removed = [i for i in range(i1, i2) if i not in used_old or i in edited.values()]
        added = [j for j in range(j1, j2) if j not in partner or j in edited]
        if edited and _rewrite_reads_better(old, new, removed, added, edited):
            for j in edited:
                del partner[j]
        else:
            removed = [i for i in removed if i not in edited.values()]
            added = [j for j in added if j not in edited]
        rewritten = _rewritten(old, new, removed, added)
        if rewritten is None:
            pairs.extend(Pair(i, None, REMOVED) for i in removed)
        else:
            kept = set(rewritten.values())
            pairs.extend(Pair(i, None, REWRITTEN) for i in removed if i not in kept)
        for j in range(j1, j2):
            if j in partner:
                i, status = partner[j]
                pairs.append(Pair(i, j, status))
            elif rewritten is not None:
                pairs.append(Pair(rewritten.get(j), j, REWRITTEN))
            else:
                pairs.append(Pair(None, j, ADDED))
    return pairs


def _rewrite_reads_better(
    old: list[str], new: list[str], olds: list[int], news: list[int], edited: dict[int, int]
) -> bool:
    """Whether a region reads with fewer changed words as one rewritten passage than as its
    edited clauses, each on its own (a clause split in several, or several merged).

    Changed words are estimated from shared words: two texts of ``a`` and ``b`` words with
    similarity ``s`` differ by about ``(a + b) * (1 - s)`` words.
    """

    def words(text: str) -> int:
        return len(_words(text))

    paired_old, paired_new = set(edited.values()), set(edited)
    apart = sum(
        (words(old[i]) + words(new[j])) * (1 - similarity(old[i], new[j]))
        for j, i in edited.items()
    )
    apart += sum(words(old[i]) for i in olds if i not in paired_old)
    apart += sum(words(new[j]) for j in news if j not in paired_new)
    old_text = " ".join(old[i] for i in olds)
    new_text = " ".join(new[j] for j in news)
    together = similarity(old_text, new_text)
    whole = (words(old_text) + words(new_text)) * (1 - together)
    return together >= SIMILAR and whole < 0.8 * apart


def _rewritten(
    old: list[str], new: list[str], removed: list[int], added: list[int]
) -> dict[int, int] | None:
    """When the blocks left in a region say much the same, the old block each new block
    takes its id from (by the words they share); ``None`` when the region's old blocks were
    removed and its new ones added."""
    if not removed or not added:
        return None
    old_text = " ".join(old[i] for i in removed)
    new_text = " ".join(new[j] for j in added)
    if similarity(old_text, new_text) < SIMILAR:
        return None
    a, owners_a = _owned_tokens(old, removed)
    b, owners_b = _owned_tokens(new, added)
    shared: dict[tuple[int, int], int] = {}
    for tag, i1, i2, j1, _ in token_opcodes(a, b):
        if tag != "equal":
            continue
        for k in range(i2 - i1):
            if not a[i1 + k].isspace():
                key = (owners_a[i1 + k], owners_b[j1 + k])
                shared[key] = shared.get(key, 0) + 1
    carried: dict[int, int] = {}
    taken: set[int] = set()
    for (i, j), count in sorted(shared.items(), key=lambda item: (-item[1], item[0])):
        if j not in carried and i not in taken and 2 * count >= len(_words(new[j])):
            carried[j] = i
            taken.add(i)
    return carried


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
    bags = {i: _word_bag(old[i]) for i in olds}  # each old block counted once
    for position, j in enumerate(news):
        centre = int(position * len(olds) / len(news))
        best, best_score = None, SIMILAR
        bag = _word_bag(new[j])
        total = bag[1]
        for i in olds[max(0, centre - window) : centre + window + 1]:
            if i not in free:
                continue
            other = bags[i][1]
            # Two texts share at most the shorter's words: a block that cannot reach the
            # best score so far is not compared (the score never exceeds this bound).
            if total and other and 2 * min(total, other) / (total + other) < best_score:
                continue
            score = _similarity(bags[i], bag)
            if score >= best_score:
                best, best_score = i, score
        if best is not None:
            result[j] = best
            free.discard(best)
    return result


DATED_LINE = 200
"""Longest block (in characters) paired by :func:`_pair_short`."""


def _short_key(text: str) -> str:
    """A short block's text without its dates, case and punctuation ('' when not short)."""
    if len(text) > DATED_LINE:
        return ""
    return canonical(without_dates(text))


def reads_as_edit(a: str, b: str) -> bool:
    """Whether two blocks read as one clause edited, by the bars :func:`align` sets: enough
    words in common, or a short line the same but for its dates, case and punctuation."""
    if similarity(a, b) >= SIMILAR:
        return True
    key = _short_key(a)
    return bool(key) and key == _short_key(b)


def _pair_short(old: list[str], new: list[str], olds: list[int], news: list[int]) -> dict[int, int]:
    """Pair each new short block with a free old one that reads the same but for its dates,
    case and punctuation."""
    by_key: dict[str, list[int]] = {}
    for i in olds:
        key = _short_key(old[i])
        if key:
            by_key.setdefault(key, []).append(i)
    result: dict[int, int] = {}
    if not by_key:
        return result
    for j in news:
        candidates = by_key.get(_short_key(new[j]))
        if candidates:
            result[j] = candidates.pop(0)
    return result


def _owned_tokens(texts: list[str], indexes: list[int]) -> tuple[list[str], list[int]]:
    """The tokens of some blocks joined by spaces, and the block each token comes from."""
    joined: list[str] = []
    owners: list[int] = []
    for index in indexes:
        block = tokens(texts[index] + " ")
        joined.extend(block)
        owners.extend([index] * len(block))
    return joined, owners


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
