"""What changed between two versions, clause by clause, as a changes page shows it."""

from __future__ import annotations

from typing import NamedTuple

from ..text.views import TextView
from .align import ADDED, CHANGED, EQUAL, MOVED, REMOVED, REWRITTEN, Pair, reads_as_edit
from .worddiff import Segment, changed_words, word_count, word_diff

# Statuses of a change, besides those of the alignment: a clause whose text is the same but
# whose link targets changed, and one whose markup alone changed.
RELINKED, REFORMATTED = "relinked", "reformatted"
STATUSES = (CHANGED, REWRITTEN, ADDED, REMOVED, MOVED, RELINKED, REFORMATTED)


class LinkChange(NamedTuple):
    """A link of a clause whose target changed (or that came or went)."""

    text: str
    """The link's text."""
    old: str
    """Its target before ('' for a new link)."""
    new: str
    """Its target after ('' for a link that went)."""


class Change(NamedTuple):
    """One changed clause, or a passage of clauses rewritten together.

    A named tuple: a document's changes are cached version by version.
    """

    status: str
    """One of :data:`STATUSES`."""
    old: tuple[int, ...]
    """The blocks of the previous version it concerns."""
    new: tuple[int, ...]
    """The blocks of this version it concerns."""
    segments: tuple[Segment, ...] = ()
    """Word diff of the text (changed and rewritten clauses)."""
    links: tuple[LinkChange, ...] = ()
    """Link targets that changed."""
    unchanged_before: int = 0
    """Clauses left as they were between the previous change and this one."""


class ChangeStats(NamedTuple):
    """How much a version changed from the one before."""

    changed: int = 0
    """Clauses edited."""
    rewritten: int = 0
    """Passages rewritten as a whole (clauses merged, split or re-cut)."""
    added: int = 0
    """Clauses added."""
    removed: int = 0
    """Clauses removed."""
    moved: int = 0
    """Clauses moved unchanged."""
    relinked: int = 0
    """Clauses whose link targets alone changed."""
    reformatted: int = 0
    """Clauses whose markup alone changed."""
    words_added: int = 0
    """Words inserted."""
    words_removed: int = 0
    """Words deleted."""

    @property
    def clauses(self) -> int:
        return sum(self[:7])

    @property
    def words(self) -> int:
        return self.words_added + self.words_removed


def link_changes(
    old: tuple[tuple[str, str], ...], new: tuple[tuple[str, str], ...]
) -> tuple[LinkChange, ...]:
    """The links of a clause whose targets differ between two versions of it."""
    if old == new:
        return ()
    found: list[LinkChange] = []
    remaining = list(new)
    for text, href in old:
        same_text = [n for n in remaining if n[0] == text]
        if (text, href) in remaining:
            remaining.remove((text, href))
        elif same_text:
            remaining.remove(same_text[0])
            found.append(LinkChange(text, href, same_text[0][1]))
        else:
            found.append(LinkChange(text, href, ""))
    found.extend(LinkChange(text, "", href) for text, href in remaining)
    return tuple(found)


def describe(old: TextView | None, new: TextView, pairs: list[Pair]) -> list[Change]:
    """The changes of ``new`` from ``old`` (``None``: no previous text), in reading order.

    A rewritten passage is reported once, after the moved or changed clauses found inside it.
    A heading is never part of one: it cuts the passage and is reported on its own, so that
    every clause of the passage is listed under the section it stands in. A new heading put
    in place of an old one that it reads as an edit of is that heading, changed.
    """
    changes: list[Change] = []
    group: tuple[list[int], list[int]] = ([], [])
    # Old blocks of a rewritten passage that no new block took its id from (the alignment
    # lists them first): each joins the passage where the old text had it.
    waiting: list[int] = []
    unchanged = 0

    def add(change: Change | None) -> None:
        nonlocal unchanged
        if change is None:
            unchanged += 1
            return
        changes.append(change._replace(unchanged_before=unchanged))
        unchanged = 0

    def close_group() -> None:
        if group[0] or group[1]:
            assert old is not None
            old_text = "\n\n".join(old.normalised[i] for i in group[0])
            new_text = "\n\n".join(new.normalised[j] for j in group[1])
            add(Change(REWRITTEN, tuple(group[0]), tuple(group[1]), _diff(old_text, new_text)))
            group[0].clear()
            group[1].clear()

    def take_waiting(before: int | None) -> None:
        """The waiting old blocks before ``before`` (all: ``None``) join the passage."""
        while waiting and (before is None or waiting[0] < before):
            assert old is not None
            i = waiting.pop(0)
            if _is_heading(old, i):
                close_group()
                add(Change(REMOVED, (i,), ()))
            else:
                group[0].append(i)

    for pair in pairs:
        if pair.status == REWRITTEN:
            if pair.new is None:
                assert pair.old is not None
                waiting.append(pair.old)
                continue
            i, j = pair.old, pair.new
            if i is not None:
                take_waiting(i)
            elif _is_heading(new, j):
                # A heading put in place of old ones: they go first, but for the one it
                # renames, if any, which it pairs with.
                renamed = _renamed_heading(old, new, j, waiting)
                while waiting and old is not None and _is_heading(old, waiting[0]):
                    if waiting[0] == renamed:
                        i = waiting.pop(0)
                        break
                    take_waiting(waiting[0] + 1)
            if _is_heading(new, j) or (i is not None and old is not None and _is_heading(old, i)):
                close_group()
                if i is None:
                    status = ADDED
                else:
                    assert old is not None
                    status = EQUAL if old.normalised[i] == new.normalised[j] else CHANGED
                add(_change(old, new, Pair(i, j, status)))
                continue
            if i is not None:
                group[0].append(i)
            group[1].append(j)
            continue
        if pair.status == EQUAL:
            take_waiting(None)
            close_group()
            assert old is not None and pair.old is not None and pair.new is not None
            if (
                old.links[pair.old] == new.links[pair.new]
                and old.markup[pair.old] == new.markup[pair.new]
            ):
                unchanged += 1  # what _change finds of most clauses, without its work
                continue
        add(_change(old, new, pair))
    take_waiting(None)
    close_group()
    return changes


def _renamed_heading(
    old: TextView | None, new: TextView, heading: int, waiting: list[int]
) -> int | None:
    """The old heading that the new ``heading``, put in place of the waiting old headings
    (those at the front of ``waiting``), renames: the first the new one reads as an edit of,
    by the bars the alignment sets for any clause (so a heading is judged the same inside a
    rewritten passage as outside one).

    Only the headings waiting at the new heading's place are candidates, so a heading
    removed in one place and another added elsewhere in the passage are never paired; and
    a shared place alone is not enough: a new heading that keeps none of the old one's words
    ("Your data" replaced by "Cookies") is another section, reported as one added.
    """
    if old is None:
        return None
    for i in waiting:
        if not _is_heading(old, i):
            break
        if reads_as_edit(old.normalised[i], new.normalised[heading]):
            return i
    return None


def _is_heading(view: TextView, block: int) -> bool:
    """Whether a block heads a section (a heading, or a paragraph that stands as one)."""
    return view.blocks[block].kind == "heading" or block in view.heading_like


def _diff(old: str, new: str) -> tuple[Segment, ...]:
    return tuple(word_diff(old, new))


def _change(old: TextView | None, new: TextView, pair: Pair) -> Change | None:
    if pair.status == ADDED and pair.new is not None:
        return Change(ADDED, (), (pair.new,))
    if old is None or pair.old is None:
        return None
    if pair.status == REMOVED:
        return Change(REMOVED, (pair.old,), ())
    assert pair.new is not None
    i, j = pair.old, pair.new
    links = link_changes(old.links[i], new.links[j])
    if pair.status == CHANGED:
        return Change(CHANGED, (i,), (j,), _diff(old.normalised[i], new.normalised[j]), links)
    if pair.status == MOVED:
        return Change(MOVED, (i,), (j,), (), links)
    if links:
        return Change(RELINKED, (i,), (j,), (), links)
    if old.markup[i] != new.markup[j]:
        return Change(REFORMATTED, (i,), (j,))
    return None


def change_stats(changes: list[Change], old: TextView | None, new: TextView) -> ChangeStats:
    """Counts of changed clauses by status, and the words inserted and deleted."""
    counts = dict.fromkeys(STATUSES, 0)
    added = removed = 0
    for change in changes:
        counts[change.status] += 1
        if change.status == ADDED:
            added += sum(word_count(new.normalised[j]) for j in change.new)
        elif change.status == REMOVED and old is not None:
            removed += sum(word_count(old.normalised[i]) for i in change.old)
        elif change.segments:
            inserted, deleted = changed_words(list(change.segments))
            added, removed = added + inserted, removed + deleted
    return ChangeStats(
        changed=counts[CHANGED],
        rewritten=counts[REWRITTEN],
        added=counts[ADDED],
        removed=counts[REMOVED],
        moved=counts[MOVED],
        relinked=counts[RELINKED],
        reformatted=counts[REFORMATTED],
        words_added=added,
        words_removed=removed,
    )
