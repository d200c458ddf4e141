"""The pages of an analysis's revisions: each revision as it stood (frozen: nothing newer
shows on it, so it stays the same however the history grows), the list of every revision
with what each changed, and the site's contributors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial

from .. import urls
from ..archive.revisions import AnalysisHistory, Revision
from ..cache import code_fingerprint, digest
from ..compare.analysis import FieldChange, analysis_changes
from ..content.records import Provision
from ..link.model import LinkedProvision
from .cite import Citable, citations
from .context import RenderContext
from .keys import canonical, site_settings
from .pages import Page, StreamedPage


@dataclass(slots=True, frozen=True)
class RevisionRow:
    """One revision as the history page lists it."""

    revision: Revision
    """The revision."""
    changes: list[FieldChange]
    """What it changed from the revision before, field by field."""
    renamed_from: str = ""
    """The file's path before it, when this revision renamed it."""


def revision_label(ctx: RenderContext, linked: LinkedProvision, revision: Revision) -> str:
    """How a citation names a revision, and the version of the text it reads."""
    platform = ctx.platform_of(linked.provision.platform)
    document = linked.document
    label = (
        f"revision {revision.number} of {revision.date:%Y-%m-%d} (commit "
        f"{revision.commit[:12]}) of the analysis of {platform.name} {document.document.title}"
    )
    read = document.by_slug(revision.provision.analyzed) if revision.provision else None
    if read is not None:
        version = ctx.absolute(read.page_url)
        label += f", version recorded {read.version.date:%Y-%m-%d} ({version})"
    return label


def revision_authors(history: AnalysisHistory, upto: int | None = None) -> list[str]:
    """Who wrote the revisions (up to revision ``upto``), each once, in order."""
    seen: dict[str, str] = {}
    for revision in history.revisions:
        if upto is not None and revision.number > upto:
            break
        for name in revision.authors:
            seen.setdefault(name.casefold(), name)
    return list(seen.values())


def cited_authors(history: AnalysisHistory, revision: Revision) -> list[str]:
    """The authors a citation of a revision names: those the analysis names then, and
    whoever wrote it up to that revision."""
    named = list(revision.provision.authors) if revision.provision is not None else []
    seen: dict[str, str] = {}
    for name in [*named, *revision_authors(history, revision.number)]:
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def revision_citable(
    ctx: RenderContext, linked: LinkedProvision, history: AnalysisHistory, revision: Revision
) -> Citable:
    """A citation of one revision: its permalink, date and authors."""
    provision = revision.provision
    title = provision.title if provision is not None and provision.title else linked.provision.title
    return Citable(
        key=f"{linked.key.replace('/', '-')}-r{revision.number}",
        author=", ".join(cited_authors(history, revision)),
        title=title,
        date=revision.date.date(),
        permalink=ctx.absolute(linked.provision.revision_url(revision.number)),
        publisher=ctx.config.site_name,
        source_url=linked.document.document.url,
        content_hash=revision.blob,
        version_label=revision_label(ctx, linked, revision),
        latest_url=ctx.absolute(linked.provision.page_url),
    )


def revision_page(
    ctx: RenderContext, linked: LinkedProvision, history: AnalysisHistory, revision: Revision
) -> Page:
    """A revision's permanent page: the analysis as it stood, with a banner saying so."""
    provision = revision.provision
    document = linked.document
    title_then = provision.title if provision is not None and provision.title else linked.key
    previous = history.by_number(revision.number - 1)
    citable = revision_citable(ctx, linked, history, revision)
    analysed_exists = provision is not None and document.by_slug(provision.analyzed) is not None
    return ctx.page(
        "provision_revision.html",
        linked.provision.revision_url(revision.number),
        f"{title_then} (revision {revision.number})",
        "provision-revision",
        key=linked.key,
        linked=linked,
        revision=revision,
        previous=previous,
        provision=provision,
        title_then=title_then,
        platform=ctx.platform_of(linked.provision.platform),
        document=document,
        analysed_exists=analysed_exists,
        citations=citations(citable),
        citable=citable,
        cite_as=citable.permalink,
        cite_authors=cited_authors(history, revision),
        first_recorded=history.revisions[0].date,
        searchable=False,
        theme_template="govsite-history.html",
        description=f"Revision {revision.number} of the analysis '{title_then}', as it stood "
        f"on {revision.date:%Y-%m-%d}",
    )


def revision_rows(history: AnalysisHistory) -> list[RevisionRow]:
    """Every revision with what it changed, newest first."""
    rows = []
    before: Revision | None = None
    for revision in history.revisions:
        changes = analysis_changes(
            before.provision if before is not None else None, revision.provision
        )
        renamed = before.path if before is not None and before.path != revision.path else ""
        rows.append(RevisionRow(revision, changes if before is not None else [], renamed))
        before = revision
    return rows[::-1]


def revisions_page(ctx: RenderContext, linked: LinkedProvision, history: AnalysisHistory) -> Page:
    """The history of an analysis: every revision, who, when, why and what changed."""
    provision = linked.provision
    return ctx.page(
        "provision_revisions.html",
        linked.provision.revisions_url,
        f"History of the analysis: {provision.title}",
        "provision-revisions",
        linked=linked,
        provision=provision,
        history=history,
        rows=revision_rows(history),
        platform=ctx.platform_of(provision.platform),
        document=linked.document,
        searchable=False,
        theme_template="govsite-history.html",
        description=f"Every revision of the analysis '{provision.title}'",
    )


def revision_page_key(ctx: RenderContext, linked: LinkedProvision, revision: Revision) -> str:
    """Everything a revision's page shows: the revision and those before it (its citation
    names their authors), the platform, document and registries it names, the site's
    settings; nothing newer, so a new revision leaves the page as it is."""
    content = ctx.model.content
    document = linked.document
    history = ctx.model.revisions_of(linked.key)
    earlier = history.revisions[: revision.number] if history is not None else [revision]
    analysed = revision.provision.analyzed if revision.provision is not None else ""
    return digest(
        code_fingerprint(),
        "revision",
        linked.key,
        *site_settings(ctx.config),
        canonical(content.platforms[linked.provision.platform]),
        canonical(linked.provision.title),
        canonical(content.topics),
        canonical(content.regulations),
        canonical(content.jurisdictions),
        str(document.by_slug(analysed) is not None),
        *(canonical(r) for r in earlier),
    )


def revisions_page_key(
    ctx: RenderContext, linked: LinkedProvision, history: AnalysisHistory
) -> str:
    """Everything an analysis's history page shows."""
    content = ctx.model.content
    return digest(
        code_fingerprint(),
        "revisions",
        linked.key,
        *site_settings(ctx.config),
        canonical(content.platforms[linked.provision.platform]),
        canonical(linked.provision),
        canonical(history),
    )


def revision_stream_pages(ctx: RenderContext, linked: LinkedProvision) -> list[StreamedPage]:
    """An analysis's history page and a page per revision, each rendered when it changed."""
    history = ctx.model.revisions_of(linked.key)
    if history is None:
        return []
    pages = [
        StreamedPage(
            linked.provision.revisions_url,
            revisions_page_key(ctx, linked, history),
            partial(revisions_page, ctx, linked, history),
        )
    ]
    for revision in history.revisions:
        pages.append(
            StreamedPage(
                linked.provision.revision_url(revision.number),
                revision_page_key(ctx, linked, revision),
                partial(revision_page, ctx, linked, history, revision),
            )
        )
    return pages


@dataclass(slots=True)
class Contribution:
    """What one analysis owes to one person."""

    key: str
    """The analysis."""
    title: str
    """Its title."""
    provision: Provision
    """The analysis as it stands (its pages' URLs)."""
    revisions: list[tuple[str, Revision]] = field(default_factory=list)
    """(role, revision): 'wrote', 'co-wrote' or 'reviewed'."""


@dataclass(slots=True)
class Contributor:
    """A person who wrote or reviewed analyses."""

    name: str
    """As ``.mailmap`` names them."""
    items: list[Contribution] = field(default_factory=list)
    """Per analysis, in the site's order of analyses."""


def contributors(ctx: RenderContext) -> list[Contributor]:
    """Everyone in the analyses' history, by name, with what they did."""
    people: dict[str, Contributor] = {}
    for key, linked in ctx.model.provisions.items():
        history = ctx.model.revisions_of(key)
        if history is None:
            continue
        for revision in history.revisions:
            roles = [
                (name, "wrote" if i == 0 else "co-wrote") for i, name in enumerate(revision.authors)
            ]
            roles += [(name, "reviewed") for name in revision.reviewers]
            for name, role in roles:
                person = people.setdefault(name.casefold(), Contributor(name))
                if not person.items or person.items[-1].key != key:
                    person.items.append(Contribution(key, linked.provision.title, linked.provision))
                person.items[-1].revisions.append((role, revision))
    return sorted(people.values(), key=lambda p: (p.name.casefold(), p.name))


def contributors_page(ctx: RenderContext) -> Page:
    return ctx.page(
        "contributors.html",
        urls.CONTRIBUTORS,
        "Contributors",
        "contributors",
        people=contributors(ctx),
        description="Who wrote, revised and reviewed the analyses",
    )


def latest_date(history: AnalysisHistory | None) -> dt.date | None:
    """The date of an analysis's current revision (its last when the file is not committed)."""
    if history is None:
        return None
    revision = history.current or history.last
    return revision.date.date() if revision is not None else None
