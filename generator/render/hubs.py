"""Hub pages, listed in the navigation: platforms, analyses, registries and data."""

from __future__ import annotations

import datetime as dt

from .. import urls
from .charts import changes_per_month, exposure_per_topic
from .context import RenderContext
from .licence import licence_text
from .pages import Page
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
    return ctx.page(f"{registry}.html", f"{registry}/", title, "hub", exposure_chart=chart)


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
        description="Download the archive's versions and the analyses as JSON, CSV and zip",
    )
