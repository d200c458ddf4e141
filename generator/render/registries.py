"""The page of each topic (a comparison across platforms), regulation and jurisdiction."""

from __future__ import annotations

from ..link.model import LinkedProvision
from .context import RenderContext
from .pages import Page


def topic_page(ctx: RenderContext, topic_id: str) -> Page:
    topic = ctx.model.content.topics[topic_id]
    provisions = ctx.model.by_topic.get(topic_id, [])
    by_platform: dict[str, list[LinkedProvision]] = {}
    for linked in provisions:
        by_platform.setdefault(linked.provision.platform, []).append(linked)
    return ctx.page(
        "topic.html",
        topic.page_url,
        topic.title,
        "topic",
        topic=topic,
        provisions=provisions,
        by_platform=dict(sorted(by_platform.items())),
        description=f"How platforms handle {topic.title.lower()}, compared",
    )


def regulation_page(ctx: RenderContext, regulation_id: str) -> Page:
    regulation = ctx.model.content.regulations[regulation_id]
    entries = [
        (linked, ref)
        for linked in ctx.model.by_regulation.get(regulation_id, [])
        for ref in linked.provision.regulations
        if ref.id == regulation_id
    ]
    return ctx.page(
        "regulation.html",
        regulation.page_url,
        regulation.title,
        "regulation",
        regulation=regulation,
        entries=entries,
        description=f"Platform provisions touching the {regulation.full_title}",
    )


def jurisdiction_page(ctx: RenderContext, jurisdiction_id: str) -> Page:
    jurisdiction = ctx.model.content.jurisdictions[jurisdiction_id]
    entries = [
        (linked, ref)
        for linked in ctx.model.by_jurisdiction.get(jurisdiction_id, [])
        for ref in linked.provision.jurisdictions
        if ref.id == jurisdiction_id
    ]
    return ctx.page(
        "jurisdiction.html",
        jurisdiction.page_url,
        jurisdiction.title,
        "jurisdiction",
        jurisdiction=jurisdiction,
        entries=entries,
        description=f"Platform provisions flagged for {jurisdiction.title}",
    )
