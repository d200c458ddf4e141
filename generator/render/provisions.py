"""The page of each analysed provision."""

from __future__ import annotations

import datetime as dt

from .. import urls
from ..site.model import DocumentVersion, LinkedProvision
from ..untrusted import clean_text
from .cite import Citable, citations
from .context import RenderContext
from .pages import Page


def provision_citable(ctx: RenderContext, linked: LinkedProvision) -> Citable:
    provision = linked.provision
    platform = ctx.platform_of(provision.platform)
    analysed = linked.analyzed
    document = linked.document.document
    label = ""
    if analysed is not None:
        version = ctx.absolute(urls.version(linked.document.key, analysed.slug))
        label = (
            f"analysis of {platform.name} {document.title}, version recorded "
            f"{analysed.version.date:%Y-%m-%d} ({version})"
        )
    return Citable(
        key=linked.key.replace("/", "-"),
        author=", ".join(provision.authors),
        title=provision.title,
        date=dt.date.fromisoformat(provision.reviewed),
        permalink=ctx.absolute(urls.provision(linked.key)),
        publisher=ctx.config.site_name,
        source_url=document.url,
        content_hash=analysed.version.blob if analysed is not None else "",
        version_label=label,
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
    last_change: DocumentVersion | None = None
    for entry in reversed(linked.document.versions):
        if not entry.is_technical:
            last_change = entry
            break
    citable = provision_citable(ctx, linked)
    return ctx.page(
        "provision.html",
        urls.provision(linked.key),
        provision.title,
        "provision",
        linked=linked,
        provision=provision,
        platform=ctx.platform_of(provision.platform),
        document=linked.document,
        same_topic=same_topic,
        related=related,
        last_change=last_change,
        citations=citations(citable),
        citable=citable,
        cite_as=citable.permalink,
        description=clean_text(provision.summary.split("\n", 1)[0])[:200],
    )
