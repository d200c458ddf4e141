"""A version's changes as its page shows them: each changed clause under its path of
section headings, the sections touched, and the analyses whose clause changed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..compare.align import ADDED, CHANGED, MOVED, REMOVED, REWRITTEN
from ..compare.changes import REFORMATTED, RELINKED, Change
from ..compare.worddiff import Segment
from ..link.model import DocumentVersion, LinkedDocument, LinkedProvision, SiteModel
from ..text.views import TextView

LABELS = {
    CHANGED: "Changed",
    REWRITTEN: "Rewritten",
    ADDED: "Added",
    REMOVED: "Removed",
    MOVED: "Moved",
    RELINKED: "Link changed",
    REFORMATTED: "Formatting changed",
}
"""How each status of a change is named on pages."""


@dataclass(slots=True)
class ChangeRow:
    """One change, ready for a template."""

    change: Change
    """The change."""
    label: str
    """Its name (see :data:`LABELS`)."""
    clause: str
    """The clause id to link to: in this version, or the previous one for a removal."""
    in_this_version: bool
    """Whether ``clause`` is in this version (else in the previous one)."""
    old_text: str
    """The text before (the clauses it concerns, blank lines between)."""
    new_text: str
    """The text after."""
    analyses: list[LinkedProvision] = field(default_factory=list)
    """Analyses whose quoted clause this change touches."""
    context: list[str] = field(default_factory=list)
    """The clause ids, in this version, of the unchanged clauses before it (the page opens
    them in place)."""
    old_clause: str = ""
    """For a move: the clause's id in the previous version (where it moved from)."""
    old_path: tuple[str, ...] = ()
    """For a move: the headings it stood under in the previous version."""


@dataclass(slots=True)
class SectionChanges:
    """The changes under one path of section headings."""

    path: tuple[str, ...]
    """The headings, outermost first (empty: before any heading)."""
    anchor: str
    """Anchor of the group on the page."""
    rows: list[ChangeRow] = field(default_factory=list)
    """Its changes, in reading order (each says how many unchanged clauses precede it)."""


def section_paths(view: TextView, *, opening: bool = False) -> list[tuple[str, ...]]:
    """The headings each block stands under (a heading stands under those above it, or,
    with ``opening``, in the section it opens: a change that starts with a heading is
    listed under that heading, not under the section before it).

    Texts converted from web pages often have no Markdown headings: wholly bold short
    paragraphs count as headings one level below the real ones. A heading that opens the
    text is its title, which every block stands under: it is left out.
    """
    paths: list[tuple[str, ...]] = []
    stack: list[tuple[int, str]] = []
    for block in view.blocks:
        level = block.level if block.kind == "heading" else 7
        if block.position == 0 and block.kind == "heading":
            paths.append(())
        elif block.kind == "heading" or block.position in view.heading_like:
            while stack and stack[-1][0] >= level:
                stack.pop()
            if not opening:
                paths.append(tuple(text for _, text in stack))
            stack.append((level, " ".join(block.text.split())[:120]))
            if opening:
                paths.append(tuple(text for _, text in stack))
        else:
            paths.append(tuple(text for _, text in stack))
    return paths


def change_sections(
    model: SiteModel,
    document: LinkedDocument,
    entry: DocumentVersion,
    new: TextView | None,
    old: TextView | None,
) -> list[SectionChanges]:
    """The changes of ``entry`` from the version before, grouped by section."""
    previous = document.previous(entry)
    if previous is None or (new is None and old is None):
        return []
    new_ids = document.clause_ids(entry) if new is not None else []
    old_ids = document.clause_ids(previous) if old is not None else []
    new_paths = section_paths(new, opening=True) if new is not None else []
    old_paths = section_paths(old, opening=True) if old is not None else []
    watched = _watched_clauses(model, document)
    sections: list[SectionChanges] = []
    changes = _changes(document, entry, old)
    covered = {j for change in changes for j in change.new}
    last = -1  # the last block of this version placed (changed or unchanged)
    for change in changes:
        # The unchanged clauses before it: the next ones of this version not in a change
        # (the alignment lists pairs in this version's reading order).
        context: list[str] = []
        j = last + 1
        while len(context) < change.unchanged_before and j < len(new_ids):
            if j not in covered:
                context.append(new_ids[j])
                last = j
            j += 1
        if change.new:
            clause, path, here = new_ids[change.new[0]], new_paths[change.new[0]], True
        else:
            # A removed clause is listed where it was, in this version's sections (the
            # section of the block before it), so that places read in one order.
            clause, here = old_ids[change.old[0]], False
            if not new_paths:  # a removal from the archive: the text before it
                path = old_paths[change.old[0]]
            else:
                path = new_paths[last] if last >= 0 else ()
        last = max([last, *change.new])
        touched = {new_ids[j] for j in change.new} | {old_ids[i] for i in change.old}
        moved = change.status == MOVED and bool(change.old)
        row = ChangeRow(
            change,
            LABELS[change.status],
            clause,
            here,
            "\n\n".join(old.blocks[i].text for i in change.old) if old is not None else "",
            "\n\n".join(new.blocks[j].text for j in change.new) if new is not None else "",
            [p for p, ids in watched if ids & touched],
            context,
            old_ids[change.old[0]] if moved else "",
            old_paths[change.old[0]] if moved else (),
        )
        if sections and sections[-1].path == path:
            sections[-1].rows.append(row)
        else:
            sections.append(SectionChanges(path, f"changes-{len(sections) + 1}", [row]))
    return sections


def _changes(
    document: LinkedDocument, entry: DocumentVersion, old: TextView | None
) -> list[Change]:
    """The version's changes; a removal's are every clause of the text before."""
    if entry.is_removal:
        if old is None:
            return []
        return [Change(REMOVED, (i,), ()) for i in range(len(old.blocks))]
    return document.changes(entry)


def _watched_clauses(
    model: SiteModel, document: LinkedDocument
) -> list[tuple[LinkedProvision, set[str]]]:
    """Each analysis of the document with the ids of the clauses it quotes."""
    return [
        (linked, set(linked.clause_ids))
        for linked in model.provisions.values()
        if linked.document is document and linked.clause_ids
    ]


SUMMARY_ROWS = 10
"""Changes a version page of the ``large`` layout lists at most; past it (or past
:data:`SUMMARY_CHARS`), the page summarises the change and the compare view shows it all."""
SUMMARY_CHARS = 3000
"""Characters of changed clauses (before and after) such a page lists at most."""


@dataclass(slots=True)
class ChangeSummary:
    """A long change, summarised: how many changes of each kind, and how many are listed."""

    total: int
    """Changes in all."""
    places: int
    """Places (runs of changes under one path of headings) in all."""
    counts: list[tuple[str, int]]
    """How many changes of each status (by its name), most frequent first."""
    listed: int
    """How many of the first changes the page lists."""
    cut: bool = False
    """Whether the last change listed is cut short (a rewrite longer than the page lists)."""


def summarised(sections: list[SectionChanges]) -> tuple[list[SectionChanges], ChangeSummary | None]:
    """The first changes of a long change (at most :data:`SUMMARY_ROWS` rows and about
    :data:`SUMMARY_CHARS` characters: a first change longer than that is cut short) and its
    summary; a short change whole, without one."""
    rows = [row for group in sections for row in group.rows]
    size = sum(_size(row) for row in rows)
    if len(rows) <= SUMMARY_ROWS and size <= SUMMARY_CHARS:
        return sections, None
    shown: list[SectionChanges] = []
    listed = used = 0
    cut = False
    for group in sections:
        kept = []
        for row in group.rows:
            cost = _size(row)
            if listed and (listed >= SUMMARY_ROWS or used + cost > SUMMARY_CHARS):
                break
            if cost > SUMMARY_CHARS:
                row, cut = _cut_short(row, SUMMARY_CHARS), True
            kept.append(row)
            listed, used = listed + 1, used + cost
        if kept:
            shown.append(SectionChanges(group.path, group.anchor, kept))
        if len(kept) < len(group.rows):
            break
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.label] = counts.get(row.label, 0) + 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return shown, ChangeSummary(len(rows), len(sections), ordered, listed, cut)


def _size(row: ChangeRow) -> int:
    return len(row.old_text) + len(row.new_text)


def _cut_short(row: ChangeRow, budget: int) -> ChangeRow:
    """``row`` with its text and word diff cut to about ``budget`` characters (at a word's
    end), an ellipsis after them."""
    segments: list[Segment] = []
    left = budget
    for segment in row.change.segments:
        if left <= 0:
            break
        text = segment.text if len(segment.text) <= left else _words(segment.text, left)
        segments.append(Segment(segment.op, text))
        left -= len(text)
    if row.change.segments:
        segments.append(Segment("=", " …"))
    share = budget // 2
    return replace(
        row,
        change=row.change._replace(segments=tuple(segments)),
        old_text=_words(row.old_text, share) + " …" if len(row.old_text) > share else row.old_text,
        new_text=_words(row.new_text, share) + " …" if len(row.new_text) > share else row.new_text,
    )


def _words(text: str, limit: int) -> str:
    """The first ``limit`` characters of ``text``, back to the end of a word."""
    head = text[:limit]
    return head.rsplit(None, 1)[0] if " " in head.strip() else head
