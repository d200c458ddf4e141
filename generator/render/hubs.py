"""Hub pages, listed in the navigation: platforms, analyses, registries and data."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from .. import urls
from ..compare.kinds import ChangeKind
from .charts import changes_per_month, exposure_per_topic
from .context import RenderContext
from .licence import licence_text
from .pages import Page
from .provisions import monitoring
from .schemas import SCHEMAS

EXPOSURE_ORDER = {"high": 0, "medium": 1, "low": 2}


def untracked_platforms(ctx: RenderContext) -> dict[str, dt.datetime]:
    """Platforms all of whose documents the archive deleted, with the last deletion."""
    found: dict[str, dt.datetime] = {}
    for platform in ctx.model.content.platforms.values():
        documents = [
            ctx.model.documents[d.key]
            for d in platform.documents.values()
            if d.key in ctx.model.documents
        ]
        removals = [d.removed.version.date for d in documents if d.removed is not None]
        if documents and len(removals) == len(documents):
            found[platform.id] = max(removals)
    return found


def platforms_index(ctx: RenderContext) -> Page:
    return ctx.page(
        "platforms.html",
        urls.PLATFORMS,
        "Platforms",
        "hub",
        changes_chart=changes_per_month(ctx.model),
        untracked_platforms=untracked_platforms(ctx),
    )


def analyses_index(ctx: RenderContext) -> Page:
    provisions = sorted(
        ctx.model.provisions.values(),
        key=lambda p: (EXPOSURE_ORDER.get(p.provision.exposure.level, 3), p.key),
    )
    return ctx.page(
        "analyses.html", urls.ANALYSES, "Analysed provisions", "hub", provisions=provisions
    )


def registry_index(ctx: RenderContext, registry: str) -> Page:
    titles = {"topics": "Topics", "regulations": "Regulations"}
    title = titles.get(registry, "Jurisdictions")
    chart = exposure_per_topic(ctx.model) if registry == "topics" else None
    return ctx.page(
        f"{registry}.html", urls.registry_hub(registry), title, "hub", exposure_chart=chart
    )


KIND_MEANINGS = (
    (ChangeKind.SUBSTANTIVE, "New wording: clauses were added, removed or edited, and the "
     "words are not ones the document had before.",
     "“We may share usage data with service providers” becomes “We may share usage data "
     "with service providers and advertising partners”."),
    (ChangeKind.COLLAPSE, "Most of the text went, and what is left does not read as an "
     "error page: shown as a change, never hidden, until a later version brings the text "
     "back (then it was a capture failure).",
     "A 4,000-word policy is recorded as its title and one line: “This policy has moved”."),
    (ChangeKind.EDITORIAL, "Only punctuation, capitalisation, white space, the numbering or "
     "order of clauses, or typo-level edits (a word edited by a letter or two; never a "
     "number, a plural or a negation).",
     "“Recieve” becomes “receive”; clause 4.2 becomes clause 5.2."),
    (ChangeKind.DATES, "Only dates changed, absolute or relative, such as a “last updated” "
     "line or a counter that shows the page's age.",
     "“Last updated: 3 days ago” becomes “Last updated: 4 days ago”; “Effective 1 March "
     "2026” becomes “Effective 15 March 2026”."),
    (ChangeKind.LINKS, "Only the targets of links changed; the words are the same.",
     "The link “Cookie settings” now points to /en/cookies instead of /cookies."),
    (ChangeKind.FORMATTING, "Only the formatting (Markdown markup) changed, or nothing a "
     "reader sees.", "A heading becomes bold text; a list loses its bullets."),
    (ChangeKind.RETURN, "The text is the same, byte for byte, as an earlier version's: the "
     "page went back to a text it had (an A/B test, a page served in two variants). Its "
     "page links the version with the same text.",
     "The terms read “version B” on 3 May, and on 4 May read again, word for word, as they "
     "did on 2 May."),
    (ChangeKind.RECURRING, "Every changed clause takes back a wording it had before in this "
     "document (a rotating heading, a banner in two variants); the version's page names "
     "the clauses.",
     "A box headed “Related: Cookie policy” on Monday, “Related: Safety centre” on "
     "Tuesday, “Related: Cookie policy” again on Wednesday."),
    (ChangeKind.CAPTURE_FAILURE, "The archive recorded an error, block or “not available” "
     "page instead of the text (the text collapsed and reads as such a page, or equals a "
     "text already known as one). The document's page keeps showing the last good text.",
     "The whole text is “This page isn't available. Try reloading the page or come back "
     "later.”"),
    (ChangeKind.RECOVERED, "The text came back after a capture failure, as it was or with "
     "nothing new.", "The day after the error page, the full terms are recorded again."),
    (ChangeKind.TECHNICAL, "The archive says the text was extracted again (its extraction "
     "changed, not the platform's text); differences are differences of extraction.",
     "The archive now leaves the site's menu out of the text."),
    (ChangeKind.FIRST, "The first version recorded.", "The archive starts tracking a policy."),
    (ChangeKind.REMOVAL, "The archive stopped recording the document.",
     "A policy page is deleted from the archive."),
    (ChangeKind.RESTORED, "The document came back after a removal.",
     "A policy deleted from the archive in March is recorded again in May."),
)  # fmt: skip


HOME_CHANGES = 10
HOME_ANALYSES = 5


def home_sections(ctx: RenderContext) -> Page:
    """What the home page shows beside its own text: the latest substantive changes,
    recently added analyses, and analyses that may be stale."""
    model = ctx.model
    changes = sorted(
        (
            (document, entry)
            for document in model.documents.values()
            for entry in document.versions
            if entry.number > 1 and not entry.kind.noise
        ),
        key=lambda item: (item[1].version.date, item[0].key),
        reverse=True,
    )[:HOME_CHANGES]
    analyses = sorted(
        model.provisions.values(),
        key=lambda p: (p.provision.added or p.provision.reviewed, p.key),
        reverse=True,
    )[:HOME_ANALYSES]
    return ctx.page(
        "home.html",
        urls.HOME,
        ctx.config.site_name,
        "home",
        latest_changes=changes,
        recent_analyses=analyses,
        # With the monitoring box's verb, so that both say the same of one clause.
        stale=[(p, monitoring(p)) for p in model.provisions.values() if p.may_be_stale],
        searchable=False,  # the home page that holds them is searched whole
    )


def kinds_page(ctx: RenderContext) -> Page:
    """The vocabulary of kinds of change: the scheme of the feeds' categories."""
    counts = Counter(e.kind for d in ctx.model.documents.values() for e in d.versions)
    return ctx.page(
        "kinds.html",
        urls.KINDS,
        "Kinds of change",
        "kinds",
        kinds=KIND_MEANINGS,
        noise=[kind.value for kind, _, _ in KIND_MEANINGS if kind.noise],
        counts=counts,
        scheme=ctx.absolute(urls.KINDS),
        description="What each kind of change means, and how it is computed",
    )


def data_page(ctx: RenderContext) -> Page:
    return ctx.page(
        "data.html",
        urls.DATA,
        "Data",
        "hub",
        schemas=sorted(SCHEMAS),
        licence=ctx.config.licence,
        attribution=ctx.config.attribution,
        collection=ctx.config.collection,
        has_licence_file=bool(licence_text(ctx.config.archive_dir)),
        changes_chart=changes_per_month(ctx.model),
        exposure_chart=exposure_per_topic(ctx.model),
        description="Download the archive's versions and the analyses as JSON, CSV and a .tar.xz archive",
    )


def compare_page(ctx: RenderContext) -> Page:
    """The compare view: any two versions of any document."""
    documents = sorted(
        (d for d in ctx.model.documents.values() if any(not e.is_removal for e in d.versions)),
        key=lambda d: (ctx.platform_of(d.document.platform).name.casefold(), d.document.title),
    )
    return ctx.page(
        "compare.html",
        urls.COMPARE,
        "Compare versions",
        "compare",
        documents=documents,
        noise_kinds=[kind.value for kind in ChangeKind if kind.noise],
        searchable=False,
        description="Compare any two versions of any document, clause by clause",
    )


def search_page(ctx: RenderContext) -> Page:
    """Search across the site (the index is fetched only when a reader searches)."""
    return ctx.page(
        "search.html",
        urls.SEARCH,
        "Search",
        "hub",
        searchable=False,
        description="Search the analyses, the latest texts and every version's changes",
    )
