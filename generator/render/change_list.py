"""A version's changes as its page lists them, grouped by section (the compare view draws the
same markup in compare.js).

Built in code rather than in a template: a version page of a large document lists hundreds
of changes, and a template spends most of its time looking up attributes. Every piece of
text from the archive (headings, clause text, link texts and targets, clause ids) and every
analysis title is escaped here, as the template's autoescaping did.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from ..compare.align import ADDED, REMOVED
from ..link.model import DocumentVersion
from ..untrusted import clean_text
from .change_sections import ChangeRow, SectionChanges
from .fragments import render_segments

COLLAPSE_OVER = 40
"""Changes above which each place is folded (a long list is read by its sections)."""

_LEGEND = (
    '<p class="govsite-legend" data-pagefind-ignore><span class="govsite-ins">Inserted text'
    ' is underlined</span> and announced as inserted; <span class="govsite-del">deleted text'
    " is struck through</span> and announced as deleted.</p>\n"
)


def _e(text: object) -> str:
    return str(escape(text))


def _clean(text: str) -> str:
    return str(escape(clean_text(text or "")))


def _path(path: tuple[str, ...], beginning: str) -> str:
    return _e(" › ".join(path)) if path else beginning


ClauseLink = Callable[[DocumentVersion, str], str]
"""Where a clause of a version is (a site URL with its anchor)."""


def unchanged_html(count: int, context: list[str], text_link: str = "") -> str:
    """The fold standing for unchanged clauses between two changes. govsite.js opens the
    clauses in place, copied from the text below; without it the link leads to the first of
    them in the text. With ``text_link`` (the text is on a page of its own), the link leads
    there, and nothing is opened in place."""
    if not count:
        return ""
    words = f"… {count} unchanged {'clause' if count == 1 else 'clauses'} …"
    if text_link:
        words = f'<a href="{_e(text_link)}">{words}</a>'
    elif context:
        words = f'<a href="#{_e(context[0])}" data-clauses="{_e(" ".join(context))}">{words}</a>'
    return f'<p class="govsite-unchanged" data-pagefind-ignore>{words}</p>'


def _on_page(version: DocumentVersion, clause: str) -> str:
    return version.clause_url(clause)


def change_list_html(
    u: Callable[[str], str],
    entry: DocumentVersion,
    previous: DocumentVersion,
    sections: list[SectionChanges],
    clause_link: ClauseLink | None = None,
) -> Markup:
    """The changes of ``entry`` from ``previous``, grouped by section; ``u`` makes a site URL
    relative to the page, ``clause_link`` says where a version's clause is (by default on
    the version's page; in the ``large`` layout, on its text's page)."""
    where = clause_link or _on_page

    def fold(count: int, context: list[str]) -> str:
        if clause_link is None or not context:
            return unchanged_html(count, context)
        return unchanged_html(count, context, u(clause_link(entry, context[0])))

    out = [_LEGEND]
    if not sections:
        out.append("<p><em>No clause changed.</em></p>")
    total = sum(len(group.rows) for group in sections)
    collapse = total > COLLAPSE_OVER
    if collapse:
        out.append(
            f'<p class="govsite-note">{total} changes in {len(sections)} places: each place is'
            " folded; open one, or follow a section above.</p>"
        )
    out.append('<div class="govsite-changes">\n')
    for group in sections:
        first = group.rows[0]
        out.append(fold(first.change.unchanged_before, first.context))
        out.append('\n<section class="govsite-change-section">\n')
        heading = _path(group.path, "Beginning of the text")
        anchor = _e(group.anchor)
        if collapse:
            count = len(group.rows)
            out.append(
                f'<details><summary><h3 class="govsite-change-path" id="{anchor}">{heading}'
                f' <span class="govsite-meta">({count} {"change" if count == 1 else "changes"})'
                "</span></h3></summary>\n"
            )
        else:
            out.append(f'<h3 class="govsite-change-path" id="{anchor}">{heading}</h3>')
        out.append("<div>\n")
        for index, row in enumerate(group.rows):
            if index:
                out.append(fold(row.change.unchanged_before, row.context))
            _row(out, u, where, entry, previous, group, row)
        out.append("</div>\n")
        if collapse:
            out.append("</details>")
        out.append("</section>\n")
    out.append("</div>")
    return Markup("".join(out))


def _row(
    out: list[str],
    u: Callable[[str], str],
    clause_link: ClauseLink,
    entry: DocumentVersion,
    previous: DocumentVersion,
    group: SectionChanges,
    row: ChangeRow,
) -> None:
    change = row.change
    out.append(f'<div class="govsite-change govsite-change-{_e(change.status)}">\n')
    out.append(f'  <p class="govsite-change-label" data-pagefind-ignore>{_e(row.label)} · ')
    if row.old_clause:
        out.append(
            f'<a href="{_e(u(clause_link(previous, row.old_clause)))}">from '
            f"{_path(row.old_path, 'the beginning of the text')} in the previous version</a>"
            f' · <a href="{_e(u(clause_link(entry, row.clause)))}">to '
            f"{_path(group.path, 'the beginning of the text')} in this version</a>"
        )
    elif row.in_this_version:
        out.append(f'<a href="{_e(u(clause_link(entry, row.clause)))}">in this version</a>')
    else:
        out.append(
            f'<a href="{_e(u(clause_link(previous, row.clause)))}">in the previous version</a>'
        )
    for linked in row.analyses:
        out.append(
            f' · <a class="govsite-touch" href="{_e(u(linked.provision.page_url))}">touches the'
            f" analysis “{_clean(linked.provision.title)}”</a>"
        )
    out.append("</p>\n")
    if change.segments:
        out.append(f'<div class="govsite-diff">{render_segments(list(change.segments))}</div>\n')
    elif change.status == ADDED:
        out.append(f'<div class="govsite-diff"><ins>{_clean(row.new_text)}</ins></div>\n')
    elif change.status == REMOVED:
        out.append(f'<div class="govsite-diff"><del>{_clean(row.old_text)}</del></div>\n')
    else:
        out.append(f'<div class="govsite-diff">{_clean(row.new_text)}</div>')
    if change.links:
        out.append('<ul class="govsite-link-changes">')
        for link in change.links:
            old = f'<span class="govsite-url">{_clean(link.old)}</span>' if link.old else "(none)"
            new = (
                f'<span class="govsite-url">{_clean(link.new)}</span>' if link.new else "(removed)"
            )
            out.append(f"<li>Link “{_clean(link.text)}”: {old} → {new}</li>")
        out.append("</ul>")
    out.append("</div>\n")
