"""The page of each analysed provision."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from .. import urls
from ..compare.worddiff import Segment, word_diff
from ..link.model import ClauseState, LinkedProvision
from ..untrusted import clean_text
from .cite import Citable, citations
from .context import RenderContext
from .feeds import provision_feed_title
from .pages import Page
from .revision_pages import cited_authors, revision_authors, revision_citable


def provision_citable(ctx: RenderContext, linked: LinkedProvision) -> Citable:
    """The citation of an analysis: of its current revision, when it has one (so that the
    citation names what the reader read), else of the analysis's general URL."""
    history = ctx.model.revisions_of(linked.key)
    if history is not None and history.current is not None:
        return revision_citable(ctx, linked, history, history.current)
    provision = linked.provision
    platform = ctx.platform_of(provision.platform)
    analysed = linked.analyzed
    document = linked.document.document
    label = ""
    if analysed is not None:
        version = ctx.absolute(analysed.page_url)
        label = (
            f"analysis of {platform.name} {document.title}, version recorded "
            f"{analysed.version.date:%Y-%m-%d} ({version})"
        )
    return Citable(
        key=linked.key.replace("/", "-"),
        author=", ".join(provision.authors),
        title=provision.title,
        date=dt.date.fromisoformat(provision.reviewed),
        permalink=ctx.absolute(provision.page_url),
        publisher=ctx.config.site_name,
        source_url=document.url,
        content_hash=analysed.version.blob if analysed is not None else "",
        version_label=label,
    )


DEFAULT_DISCLAIMER = (
    "This analysis is the contributors' reading of the quoted text at the version they "
    "read. It is not legal advice; the platform's own published text prevails."
)


MONITOR_PHRASES = {
    "removed": "was removed from the text",
    "changed": "changed",
    "unchanged": "has not changed",
}
"""What the quoted clause did since its analysis, by :attr:`Monitoring.verb`: the
monitoring box and the home page's analyses that may be stale say it in these words."""


@dataclass(slots=True)
class Monitoring:
    """What the monitoring box of an analysis says, in the clause history's words."""

    verb: str
    """What happened to the quoted clause since the analysis: 'removed', 'changed' or
    'unchanged' (the clause history's last word on it)."""
    quoted: str
    """The clause's text in the analysed version ('' when it could not be followed)."""
    current: ClauseState | None
    """The clause in the latest version that has it, when its text changed since."""
    current_diff: list[Segment]
    """Word diff from the quoted wording to the current one."""
    versions_by_kind: list[tuple[str, int]]
    """The document's versions since the analysis, counted by kind (most first)."""
    technical: list[ClauseState]
    """Technical re-extractions that changed the clause's text since the analysis (named,
    not counted: they are not changes by the platform)."""

    @property
    def phrase(self) -> str:
        """The verb in words (see :data:`MONITOR_PHRASES`)."""
        return MONITOR_PHRASES[self.verb]


def monitoring(linked: LinkedProvision) -> Monitoring:
    """The state of an analysis's clause, with the same verb its history page uses."""
    analysed = linked.analyzed
    number = analysed.number if analysed is not None else 0
    before = [s for s in linked.history if s.entry.number <= number and s.text]
    after = [s for s in linked.history if s.entry.number > number]
    quoted = before[-1].text if before else ""
    last = after[-1] if after else None
    counted = linked.clause_changes_since
    if last is not None and last.status == "removed":
        verb = "removed"
    elif counted or linked.stale:
        verb = "changed"
    else:
        verb = "unchanged"
    current = None
    with_text = [s for s in after if s.text]
    if verb == "changed" and with_text and with_text[-1].text != quoted:
        current = with_text[-1]
    counts = Counter(e.kind for e in linked.changes_since_all)
    return Monitoring(
        verb,
        quoted,
        current,
        word_diff(quoted, current.text) if current is not None and quoted else [],
        [(kind.label.lower(), count) for kind, count in counts.most_common()],
        [s for s in after if s.status != "first" and not s.counts],
    )


def provision_page(ctx: RenderContext, linked: LinkedProvision) -> Page:
    provision = linked.provision
    model = ctx.model
    same_topic = [
        p
        for p in model.by_topic.get(provision.topic, [])
        if p.provision.platform != provision.platform
    ]
    related = [model.provisions[key] for key in provision.related if key in model.provisions]
    since = linked.changes_since_all
    citable = provision_citable(ctx, linked)
    history = ctx.model.revisions_of(linked.key)
    current = history.current if history is not None else None
    return ctx.page(
        "provision.html",
        provision.page_url,
        provision.title,
        "provision",
        linked=linked,
        provision=provision,
        platform=ctx.platform_of(provision.platform),
        document=linked.document,
        same_topic=same_topic,
        related=related,
        other_changes=since,
        other_substantive=sum(1 for e in since if not e.kind.noise),
        monitor=monitoring(linked),
        disclaimer=ctx.config.disclaimer or DEFAULT_DISCLAIMER,
        methodology=ctx.config.methodology_url or urls.KINDS,
        feeds=[(provision_feed_title(linked), provision.feed_url)],
        search_filters={
            "platform": ctx.platform_of(provision.platform).name,
            "document type": linked.document.document.type,
            "kind": "Analysis",
            "year": provision.reviewed[:4],
        },
        citations=citations(citable),
        citable=citable,
        cite_as=citable.permalink,
        revisions=history,
        contributors_page=ctx.config.contributors and model.revisions.enabled,
        reviewed_by=current.reviewers if current is not None else (),
        contributors=revision_authors(history) if history is not None else [],
        cite_authors=cited_authors(history, current)
        if history is not None and current is not None
        else list(provision.authors),
        first_recorded=history.revisions[0].date if history and history.revisions else None,
        description=clean_text(provision.summary.split("\n", 1)[0])[:200],
    )
