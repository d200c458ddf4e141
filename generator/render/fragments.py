"""Small pieces of HTML and wording built in code: word diffs, change sizes, markers.

Every piece of text placed in HTML here is escaped.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .. import urls
from ..compare.worddiff import Segment
from ..link.model import DocumentVersion, LinkedProvision


def render_segments(segments: list[Segment]) -> Markup:
    """A word diff as HTML: ``<ins>`` and ``<del>``, which the stylesheet marks by more than
    colour and announces to screen readers ("inserted", "deleted")."""
    out = []
    for segment in segments:
        text = str(escape(segment.text))
        if segment.op == "+":
            text = f"<ins>{text}</ins>"
        elif segment.op == "-":
            text = f"<del>{text}</del>"
        out.append(text)
    return Markup("".join(out))


def change_summary(entry: DocumentVersion) -> str:
    """One line on the size of a version's change."""
    stats = entry.stats
    if stats is None:
        return f"First record: {entry.clause_count} clauses." if entry.number == 1 else ""
    if entry.is_removal:
        return f"Removed from the archive ({stats.removed} clauses)."
    parts = [
        (count, label)
        for count, label in (
            (stats.changed, "edited"),
            (stats.rewritten, "rewritten"),
            (stats.added, "added"),
            (stats.removed, "removed"),
            (stats.moved, "moved"),
            (stats.relinked, "with links changed"),
            (stats.reformatted, "reformatted"),
        )
        if count
    ]
    if not parts:
        return "No clause changed."
    words = f" (+{stats.words_added} / −{stats.words_removed} words)" if stats.words else ""
    if len(parts) == 1:
        count, label = parts[0]
        return f"{count} {'clause' if count == 1 else 'clauses'} {label}{words}."
    listed = ", ".join(f"{count} {label}" for count, label in parts)
    return f"{stats.clauses} clauses changed: {listed}{words}."


def analysis_marker(linked: LinkedProvision, page_url: str, *, anchored: bool) -> Markup:
    """The marker put on an analysed clause in a text, linking to its analysis; the latest
    text's marker carries the analysis's anchor."""
    provision = linked.provision
    return Markup(
        '<a class="govsite-marker govsite-exposure-{level}"{anchor} href="{href}" '
        'title="Analysis: {title}">Analysis: {title}</a> '
    ).format(
        level=provision.exposure.level,
        anchor=Markup(' id="{}"').format(provision.marker_anchor) if anchored else "",
        href=urls.relative(provision.page_url, page_url),
        title=provision.title,
    )


def redirect_html(url: str, target: str, absolute_target: str) -> bytes:
    """A page that sends readers (and search engines) from a moved URL to its new one."""
    relative = escape(urls.relative(target, url))
    absolute = escape(absolute_target)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Moved to {absolute}</title>\n"
        f'<link rel="canonical" href="{absolute}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={relative}">\n'
        "</head>\n<body>\n"
        f'<p>This page has moved to <a href="{relative}">{absolute}</a>.</p>\n'
        "</body>\n</html>\n"
    ).encode()


def search_marks(filters: dict[str, str], title: str) -> Markup:
    """The filters a page answers to and its title in results, as the search index reads
    them: not shown, and not indexed as words of the page (``data-pagefind-ignore`` leaves
    filters and metadata in).

    Pagefind's interface shows filter names and values as HTML (titles it shows as text,
    and search.js cleans excerpts), and Pagefind 1.5 decodes a filter's text twice when it
    indexes it: each is escaped three times here, once for this page, once for that second
    decoding and once for the interface, which then shows it as the text it is (a browser
    test holds it; an index that decodes once would show escapes, never markup)."""
    marks = Markup("").join(
        Markup('<span data-pagefind-filter="{}">{}</span>').format(
            _for_search_ui(name), _for_search_ui(value)
        )
        for name, value in sorted(filters.items())
        if value
    )
    return Markup(
        '<div hidden data-pagefind-ignore>{}<p data-pagefind-meta="title">{}</p></div>'
    ).format(marks, title)


def _for_search_ui(text: str) -> str:
    """A filter's name or value escaped for the index's extra decoding and the interface
    (the page's own escaping comes on top)."""
    return str(escape(str(escape(text))))
