"""A document's timeline, drawn at build time as SVG."""

from __future__ import annotations

import datetime as dt
import math

from markupsafe import Markup

from .. import urls
from ..archive.history import VersionKind
from ..site.model import LinkedDocument
from .fragments import change_summary


def timeline_svg(document: LinkedDocument, url: str) -> Markup:
    """A timeline of versions drawn at build time: one mark per version, sized by change."""
    versions = document.versions
    width, height, margin = 760, 120, 30
    start = versions[0].version.date.timestamp()
    end = versions[-1].version.date.timestamp()
    span = max(end - start, 1.0)
    colours = {
        VersionKind.FIRST: "#3949ab",
        VersionKind.CHANGE: "#c62828",
        VersionKind.TECHNICAL: "#757575",
        VersionKind.REMOVAL: "#000000",
    }
    parts = [
        Markup(
            '<svg class="govsite-timeline" viewBox="0 0 {w} {h}" width="100%" role="group" '
            'aria-labelledby="timeline-title timeline-desc" xmlns="http://www.w3.org/2000/svg">'
        ).format(w=width, h=height),
        Markup('<title id="timeline-title">Timeline of {}</title>').format(document.document.title),
        Markup(
            '<desc id="timeline-desc">{} versions from {} to {}; the table below lists them.</desc>'
        ).format(len(versions), versions[0].slug, versions[-1].slug),
        Markup(
            '<line x1="{a}" y1="60" x2="{b}" y2="60" stroke="#9e9e9e" stroke-width="2"/>'
        ).format(a=margin, b=width - margin),
    ]
    years = range(versions[0].version.date.year, versions[-1].version.date.year + 2)
    for year in years:
        stamp = dt.datetime(year, 1, 1, tzinfo=dt.UTC).timestamp()
        if start <= stamp <= end:
            x = margin + (stamp - start) / span * (width - 2 * margin)
            parts.append(
                Markup(
                    '<line x1="{x:.1f}" y1="50" x2="{x:.1f}" y2="70" stroke="#bdbdbd"/>'
                    '<text x="{x:.1f}" y="90" font-size="11" text-anchor="middle" fill="#616161">{y}</text>'
                ).format(x=x, y=year)
            )
    for entry in versions:
        x = margin + (entry.version.date.timestamp() - start) / span * (width - 2 * margin)
        words = entry.stats.words if entry.stats else 0
        radius = 4 + min(10.0, math.log1p(words))
        colour = colours[entry.version.kind]
        fill = "none" if entry.is_technical else colour
        href = urls.relative(urls.version(document.key, entry.slug), url)
        parts.append(
            Markup(
                '<a href="{href}" aria-label="{t}"><circle cx="{x:.1f}" cy="60" r="{r:.1f}" fill="{fill}" '
                'fill-opacity="0.6" stroke="{c}" stroke-width="2"><title>{t}</title></circle></a>'
            ).format(
                href=href,
                x=x,
                r=radius,
                fill=fill,
                c=colour,
                t=f"{entry.slug}: {entry.version.kind.value}. {change_summary(entry)}",
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
