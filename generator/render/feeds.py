"""Atom feeds: of versions (the site's, each platform's and each document's, each in two
flavours: every change, and substantive changes only), and of analysed clauses (each
analysis's, and each topic's, regulation's and jurisdiction's). Each entry is categorised by
its kind of change, a term of the scheme defined on the site's kinds page. An analysis's
feed also has an entry per revision of the analysis itself."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from markupsafe import Markup, escape

from .. import urls
from ..archive.revisions import Revision
from ..cache import Namespace, digest
from ..compare.align import ADDED, REMOVED
from ..compare.analysis import analysis_changes
from ..compare.changes import Change
from ..compare.kinds import ChangeKind
from ..compare.worddiff import Segment
from ..content.records import RegistryEntry
from ..link.model import ClauseState, DocumentVersion, LinkedDocument, LinkedProvision
from ..text import safemd
from ..text.views import TextView
from ..untrusted import xml_chars
from .change_sections import LABELS
from .context import RenderContext
from .fragments import change_summary, render_segments
from .keys import feed_diff_key
from .pages import StaticFile

ATOM = "http://www.w3.org/2005/Atom"
FEED_LENGTH = 50
"""Entries a feed carries at most, the newest (a reader polls it; the site's pages and data
hold the whole history): a feed, and a rebuild, costs the same however long the history."""


@dataclass(slots=True, frozen=True)
class FeedEntry:
    """One change, as a feed entry."""

    id: str
    """Permanent id (the version's permalink, or the analysis's URL with the version)."""
    title: str
    """Entry title."""
    link: str
    """Absolute URL of the page to read."""
    updated: dt.datetime
    """Recorded date of the version."""
    summary_html: str
    """HTML summary (kind, size of change, change note or word diff); escaped in the XML."""
    kind: ChangeKind
    """The kind of change."""
    category: tuple[str, str] | None = None
    """(term, label) of an entry that is no change of a text (a revision of an analysis),
    in place of the kind's."""

    @property
    def categories(self) -> tuple[tuple[str, str], ...]:
        if self.category is not None:
            return (self.category,)
        return ((self.kind.value, self.kind.label),)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(
    feed_id: str,
    title: str,
    self_url: str,
    site_url: str,
    author: str,
    entries: list[FeedEntry],
    scheme: str = "",
) -> bytes:
    """A valid Atom 1.0 document, newest entry first; ``updated`` is the newest entry's date.
    Entries' categories are terms of ``scheme`` (the page that defines the kinds of change).
    """
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_id
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    newest = max((e.updated for e in entries), default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _iso(newest)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url, type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=site_url, type="text/html")
    author_element = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author_element, f"{{{ATOM}}}name").text = author
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "govsite"
    for entry in sorted(entries, key=lambda e: (e.updated, e.id), reverse=True):
        element = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(element, f"{{{ATOM}}}id").text = entry.id
        ET.SubElement(element, f"{{{ATOM}}}title").text = entry.title
        ET.SubElement(
            element, f"{{{ATOM}}}link", rel="alternate", href=entry.link, type="text/html"
        )
        ET.SubElement(element, f"{{{ATOM}}}updated").text = _iso(entry.updated)
        for term, label in entry.categories:
            ET.SubElement(element, f"{{{ATOM}}}category", term=term, scheme=scheme, label=label)
        ET.SubElement(element, f"{{{ATOM}}}summary", type="html").text = entry.summary_html
    ET.indent(feed)
    body = xml_chars(ET.tostring(feed, encoding="unicode", xml_declaration=False))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body.encode("utf-8") + b"\n"


FEED_CHANGES = 12
"""Changes a feed entry shows at most (a link leads to the rest on the version's page)."""
FEED_CHARACTERS = 4_000
"""Characters of text a feed entry's word diff shows at most."""
LARGE_FEED_CHANGES = 4
""":data:`FEED_CHANGES` in the ``large`` layout, whose feeds repeat each version's first
changes three to four times (its document's, platform's and the site's feeds, each in two
flavours): an entry shows the start of the change, its link the rest."""
LARGE_FEED_CHARACTERS = 1_000
""":data:`FEED_CHARACTERS` in the ``large`` layout."""
CONTEXT_CHARACTERS = 160
"""Unchanged text kept around a change inside a clause (the middle of longer runs is cut)."""


def _trimmed(segments: tuple[Segment, ...] | list[Segment], room: int) -> list[Segment]:
    """A word diff with long unchanged runs cut in the middle and at most ``room``
    characters of text in all."""
    out: list[Segment] = []
    for segment in segments:
        text = segment.text
        if segment.op == "=" and len(text) > 2 * CONTEXT_CHARACTERS:
            text = f"{text[:CONTEXT_CHARACTERS]} … {text[-CONTEXT_CHARACTERS:]}"
        if len(text) > room:
            text = text[:room] + " …"
        out.append(segment._replace(text=text))
        room -= len(text)
        if room <= 0:
            break
    return out


def change_diff_html(ctx: RenderContext, document: LinkedDocument, entry: DocumentVersion) -> str:
    """A version's word diff for its feed entries: its first changes, each with its label,
    and a link to the rest on the version's page (kept in the cache by version)."""
    previous = document.previous(entry)
    if previous is None:
        return ""
    key = feed_diff_key(document, entry, ctx.config, ctx.forms)
    most, room = FEED_CHANGES, FEED_CHARACTERS
    if ctx.large_layout:
        key = digest(key, "large")
        most, room = LARGE_FEED_CHANGES, LARGE_FEED_CHARACTERS
    cached = ctx.cache.get(Namespace.FEED_DIFFS, key)
    if isinstance(cached, str):
        return cached
    changes: list[Change] = document.changes(entry) if not entry.is_removal else []
    # The texts are read only for a change whose word diff does not hold its words (most
    # do): reading a text is most of what an entry costs.
    has_new, has_old = not entry.is_removal, not previous.is_removal
    views: dict[int, TextView] = {}

    def text(version: DocumentVersion, blocks: tuple[int, ...]) -> str:
        view = views.get(version.number)
        if view is None:
            view = views[version.number] = ctx.texts.view(version.version)
        return "\n\n".join(view.blocks[i].text for i in blocks)

    items: list[Markup] = []
    for change in changes[:most]:
        if room <= 0:
            break
        if change.segments:
            shown = _trimmed(change.segments, room)
        elif change.status == ADDED and has_new:
            shown = _trimmed([Segment("+", text(entry, change.new))], room)
        elif change.status == REMOVED and has_old:
            shown = _trimmed([Segment("-", text(previous, change.old))], room)
        elif has_new and change.new:
            shown = _trimmed([Segment("=", text(entry, change.new[:1]))], min(room, 300))
        else:
            shown = []
        room -= sum(len(s.text) for s in shown)
        links = Markup("").join(
            Markup("<br>Link “{}”: {} → {}").format(
                link.text, link.old or "(none)", link.new or "(removed)"
            )
            for link in change.links
        )
        items.append(
            Markup("<li><strong>{}</strong>: {}{}</li>").format(
                LABELS[change.status], render_segments(shown), links
            )
        )
    html = Markup("")
    if items:
        html = Markup('<ul style="white-space: pre-line">{}</ul>').format(Markup("").join(items))
    shown_all = len(items) == len(changes) and room > 0
    page = ctx.absolute(entry.changes_url)
    if changes and not shown_all:
        html += Markup('<p><a href="{}">All {} changes on the version’s page</a></p>').format(
            page, len(changes)
        )
    elif changes:
        html += Markup('<p><a href="{}">The changes on the version’s page</a></p>').format(page)
    ctx.cache.put(Namespace.FEED_DIFFS, key, str(html))
    return str(html)


_WHAT = {
    ChangeKind.FIRST: "first recorded",
    ChangeKind.TECHNICAL: "re-extracted (technical, not a change by the platform)",
    ChangeKind.REMOVAL: "removed from the archive",
    ChangeKind.RESTORED: "restored to the archive",
    ChangeKind.RETURN: "returned to an earlier text",
    ChangeKind.RECURRING: "recurring content",
    ChangeKind.CAPTURE_FAILURE: "capture failed (an error page was recorded)",
    ChangeKind.RECOVERED: "recovered after a capture failure",
    ChangeKind.COLLAPSE: "most of the text removed",
}


def version_entry(
    ctx: RenderContext, document: LinkedDocument, entry: DocumentVersion
) -> FeedEntry:
    platform = ctx.platform_of(document.document.platform)
    what = _WHAT.get(entry.kind, f"{entry.kind.label.lower()} change")
    summary = f"<p><strong>{escape(entry.kind.label)}.</strong> {escape(change_summary(entry))}</p>"
    if entry.note is not None:
        summary += safemd.render_markdown(entry.note.summary)
    summary += change_diff_html(ctx, document, entry)
    return FeedEntry(
        id=ctx.absolute(entry.page_url),
        title=f"{platform.name} {document.document.title}: {what}, {entry.when}",
        link=ctx.absolute(entry.link_url),
        updated=entry.version.date,
        summary_html=summary,
        kind=entry.kind,
    )


def clause_entry(ctx: RenderContext, linked: LinkedProvision, state: ClauseState) -> FeedEntry:
    """An entry for one change of an analysed provision's quoted clause."""
    document, entry = linked.document, state.entry
    what = {
        "first": "first recorded",
        "changed": f"changed ({state.kind.label.lower()})",
        "removed": "removed",
        "restored": "restored",
    }[state.status]
    # A first record has no changes section: its entry links to the version itself.
    page = ctx.absolute(entry.link_url)
    if state.diff:
        body = Markup("<p>{}</p>").format(render_segments(state.diff))
    else:
        body = Markup("<blockquote><p>{}</p></blockquote>").format(state.text)
    summary = Markup(
        '<p>The clause analysed in <a href="{analysis}">{title}</a>, in {platform}\'s '
        '{document}, {what} in the <a href="{version}">version of {when}</a>.</p>{body}'
    ).format(
        analysis=ctx.absolute(linked.provision.page_url),
        title=linked.provision.title,
        platform=ctx.platform_of(document.document.platform).name,
        document=document.document.title,
        what=what,
        version=page,
        when=entry.when,
        body=body,
    )
    return FeedEntry(
        id=ctx.absolute(linked.provision.change_id(entry.slug)),
        title=f"{linked.provision.title}: the quoted clause {what}, {entry.when}",
        link=page,
        updated=entry.version.date,
        summary_html=str(summary),
        kind=state.kind,
    )


REVISION_CATEGORY = ("analysis-revision", "Revision of the analysis")


def revision_entry(ctx: RenderContext, linked: LinkedProvision, revision: Revision) -> FeedEntry:
    """An entry for one revision of an analysis: who, why (the commit's subject) and which
    fields it changed."""
    history = ctx.model.revisions_of(linked.key)
    before = history.by_number(revision.number - 1) if history is not None else None
    changed = analysis_changes(before.provision if before is not None else None, revision.provision)
    what = (
        "written"
        if before is None
        else "revised: " + (", ".join(c.label.lower() for c in changed) or "layout only")
    )
    permalink = ctx.absolute(linked.provision.revision_url(revision.number))
    summary = Markup(
        '<p><a href="{permalink}">Revision {number}</a> of the analysis '
        '<a href="{analysis}">{title}</a>, by {authors}{reviewed}: {what}.</p>'
        "<blockquote><p>{subject}</p></blockquote>"
    ).format(
        permalink=permalink,
        number=revision.number,
        analysis=ctx.absolute(linked.provision.page_url),
        title=linked.provision.title,
        authors=", ".join(revision.authors),
        reviewed=f", reviewed by {', '.join(revision.reviewers)}" if revision.reviewers else "",
        what=what,
        subject=revision.subject,
    )
    return FeedEntry(
        id=permalink,
        title=f"{linked.provision.title}: revision {revision.number} by "
        f"{', '.join(revision.authors)}, {revision.date:%Y-%m-%d}",
        link=permalink,
        updated=revision.date,
        summary_html=str(summary),
        kind=ChangeKind.SUBSTANTIVE,
        category=REVISION_CATEGORY,
    )


def document_feeds(ctx: RenderContext, document: LinkedDocument) -> list[tuple[str, str]]:
    """The feeds a document's pages offer: (title, site URL)."""
    platform = ctx.platform_of(document.document.platform)
    name = f"{platform.name} {document.document.title}"
    return [
        (f"{name}: every change", document.document.feed_url),
        (f"{name}: substantive changes", document.document.substantive_feed_url),
    ]


def platform_feeds(ctx: RenderContext, platform_id: str) -> list[tuple[str, str]]:
    platform = ctx.platform_of(platform_id)
    name = platform.name
    return [
        (f"{name}: every change", platform.feed_url),
        (f"{name}: substantive changes", platform.substantive_feed_url),
    ]


@dataclass(slots=True, frozen=True)
class DocumentFeeds:
    """A document's two feeds, and the entries they carry (the newest of each flavour),
    from which its platform's and the site's feeds are made."""

    files: tuple[tuple[str, bytes], ...]
    """Its feeds' paths and bytes."""
    every: tuple[FeedEntry, ...]
    """The entries of its feed of every change."""
    substantive: tuple[FeedEntry, ...]
    """The entries of its feed of substantive changes."""


def _newest(entries: list[FeedEntry]) -> list[FeedEntry]:
    """The entries a feed carries: the :data:`FEED_LENGTH` newest, newest first."""
    return sorted(entries, key=lambda e: (e.updated, e.id), reverse=True)[:FEED_LENGTH]


def document_feeds_of(ctx: RenderContext, document: LinkedDocument) -> DocumentFeeds:
    """A document's feeds. Only the versions a feed can carry are made into entries: the
    newest of all, and the newest of those that are not noise."""
    order = sorted(
        document.versions,
        key=lambda e: (e.version.date, ctx.absolute(e.page_url)),
        reverse=True,
    )
    newest = order[:FEED_LENGTH]
    substantive = [e for e in order if not e.kind.noise][:FEED_LENGTH]
    made = {id(e): version_entry(ctx, document, e) for e in [*newest, *substantive]}
    every_entries = [made[id(e)] for e in newest]
    substantive_entries = [made[id(e)] for e in substantive]
    (every_title, every_path), (substantive_title, substantive_path) = document_feeds(ctx, document)
    page = document.page_url
    files = (
        _feed(ctx, every_path, every_title, page, every_entries),
        _feed(ctx, substantive_path, substantive_title, page, substantive_entries),
    )
    return DocumentFeeds(
        tuple((f.path, f.content) for f in files),
        tuple(every_entries),
        tuple(substantive_entries),
    )


def site_feeds(
    ctx: RenderContext,
    of_document: Callable[[LinkedDocument], DocumentFeeds] | None = None,
    files_of: Callable[[LinkedDocument, DocumentFeeds], list[StaticFile]] | None = None,
) -> list[StaticFile]:
    """Every feed of the site; ``of_document`` gives a document's feeds (from the cache, say:
    by default they are made), and ``files_of`` the files of those feeds (by default with
    their bytes)."""
    make = of_document or partial(document_feeds_of, ctx)
    files: list[StaticFile] = []
    per_platform: dict[str, tuple[list[FeedEntry], list[FeedEntry]]] = {}
    every: tuple[list[FeedEntry], list[FeedEntry]] = ([], [])
    for document in ctx.model.documents.values():
        feeds = make(document)
        if files_of is None:
            files += [StaticFile(path, content) for path, content in feeds.files]
        else:
            files += files_of(document, feeds)
        # A feed of several documents carries the newest of their feeds' entries: only
        # those are kept as the documents come (all of them weighed hundreds of MB).
        platform = per_platform.setdefault(document.document.platform, ([], []))
        for bucket in (platform, every):
            bucket[0].extend(feeds.every)
            bucket[1].extend(feeds.substantive)
            for kept in bucket:
                if len(kept) > 2 * FEED_LENGTH:
                    kept[:] = _newest(kept)
    for platform_id, entries in per_platform.items():
        files += _two_flavours(
            ctx, platform_feeds(ctx, platform_id), ctx.platform_of(platform_id).page_url, entries
        )
    name = ctx.config.site_name
    site = [
        (f"{name}: every change", urls.site_feed()),
        (f"{name}: substantive changes", urls.site_feed(True)),
    ]
    files += _two_flavours(ctx, site, urls.HOME, every)
    files += _clause_feeds(ctx)
    return files


def _two_flavours(
    ctx: RenderContext,
    feeds: list[tuple[str, str]],
    page: str,
    entries: tuple[list[FeedEntry], list[FeedEntry]],
) -> list[StaticFile]:
    (every_title, every_path), (substantive_title, substantive_path) = feeds
    return [
        _feed(ctx, every_path, every_title, page, entries[0]),
        _feed(ctx, substantive_path, substantive_title, page, entries[1]),
    ]


def _feed(
    ctx: RenderContext,
    path: str,
    title: str,
    page: str,
    entries: list[FeedEntry],
) -> StaticFile:
    self_url = ctx.absolute(path)
    return StaticFile(
        path,
        atom_feed(
            self_url,
            title,
            self_url,
            ctx.absolute(page),
            ctx.config.site_name,
            _newest(entries),
            ctx.absolute(urls.KINDS),
        ),
    )


def provision_feed_title(linked: LinkedProvision) -> str:
    return f"{linked.provision.title}: revisions of the analysis and changes of the quoted clause"


def _clause_feeds(ctx: RenderContext) -> list[StaticFile]:
    """A feed per analysed provision, and per topic, regulation and jurisdiction."""
    model = ctx.model
    entries = {
        key: [clause_entry(ctx, linked, state) for state in linked.history]
        for key, linked in model.provisions.items()
    }
    files = []
    for key, linked in model.provisions.items():
        history = model.revisions_of(key)
        revised = [revision_entry(ctx, linked, r) for r in history.revisions] if history else []
        files.append(
            _feed(
                ctx,
                linked.provision.feed_url,
                provision_feed_title(linked),
                linked.provision.page_url,
                entries[key] + revised,
            )
        )
    registries: list[tuple[dict[str, list[LinkedProvision]], Mapping[str, RegistryEntry]]] = [
        (model.by_topic, model.content.topics),
        (model.by_regulation, model.content.regulations),
        (model.by_jurisdiction, model.content.jurisdictions),
    ]
    for index, declared in registries:
        for entry_id, provisions in index.items():
            found = [e for linked in provisions for e in entries[linked.key]]
            files.append(
                _feed(
                    ctx,
                    declared[entry_id].feed_url,
                    f"{declared[entry_id].title}: changes of analysed clauses",
                    declared[entry_id].page_url,
                    found,
                )
            )
    return files
