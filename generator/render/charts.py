"""Charts drawn at build time as accessible SVG, each with a data table as its text twin."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..archive.history import VersionKind
from ..site.model import SiteModel

# Distinct hues that stay apart for common colour-vision deficiencies (Okabe-Ito); every
# series is also named in the legend and in the table, so colour is never the only cue.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
EXPOSURE_COLOURS = {"low": "#009E73", "medium": "#E69F00", "high": "#D55E00"}


@dataclass(slots=True, frozen=True)
class Chart:
    """A chart and the table that says the same in words and numbers."""

    svg: Markup
    """The drawing."""
    table: Markup
    """The data, as an HTML table."""


def changes_per_month(model: SiteModel) -> Chart | None:
    """Versions recorded per month and platform (technical re-extractions left out)."""
    counts: dict[tuple[str, str], int] = {}
    months: set[str] = set()
    for document in model.documents.values():
        for entry in document.versions:
            if entry.version.kind in (VersionKind.TECHNICAL,):
                continue
            month = entry.version.date.strftime("%Y-%m")
            months.add(month)
            key = (document.document.platform, month)
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None
    ordered_months = sorted(months)
    platforms = sorted({p for p, _ in counts})
    names = {p: model.content.platforms[p].name for p in platforms}
    totals = [sum(counts.get((p, m), 0) for p in platforms) for m in ordered_months]
    peak = max(totals) or 1
    width, height, left, bottom, top = 720, 260, 40, 40, 10
    bar = (width - left - 10) / len(ordered_months)
    scale = (height - bottom - top) / peak
    parts = [
        Markup(
            '<svg class="govsite-chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
            'aria-labelledby="cpm-title cpm-desc" xmlns="http://www.w3.org/2000/svg">'
            '<title id="cpm-title">Changes recorded per month, by platform</title>'
            '<desc id="cpm-desc">Stacked bars, one per month from {a} to {b}; the table that '
            "follows gives every count.</desc>"
        ).format(
            w=width,
            h=height + 20 * ((len(platforms) + 3) // 4),
            a=ordered_months[0],
            b=ordered_months[-1],
        )
    ]
    for step in range(0, peak + 1, max(1, peak // 4)):
        y = height - bottom - step * scale
        parts.append(
            Markup(
                '<line x1="{l}" x2="{r}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e0e0e0"/>'
                '<text x="{tx}" y="{ty:.1f}" font-size="10" text-anchor="end" fill="#424242">{v}</text>'
            ).format(l=left, r=width - 10, y=y, tx=left - 4, ty=y + 3, v=step)
        )
    for index, month in enumerate(ordered_months):
        x = left + index * bar
        y = height - bottom
        for number, platform in enumerate(platforms):
            value = counts.get((platform, month), 0)
            if not value:
                continue
            h = value * scale
            y -= h
            parts.append(
                Markup(
                    '<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{c}" '
                    'stroke="#fff" stroke-width="0.5"><title>{t}</title></rect>'
                ).format(
                    x=x + 2, y=y, w=max(bar - 4, 1), h=h, c=PALETTE[number % len(PALETTE)],
                    t=f"{names[platform]}, {month}: {value}",
                )
            )  # fmt: skip
        if len(ordered_months) <= 24 or index % 3 == 0:
            parts.append(
                Markup(
                    '<text x="{x:.1f}" y="{y}" font-size="10" text-anchor="middle" fill="#424242">{m}</text>'
                ).format(x=x + bar / 2, y=height - bottom + 14, m=month)
            )
    for number, platform in enumerate(platforms):
        lx = left + (number % 4) * 170
        ly = height + 20 * (number // 4)
        parts.append(
            Markup(
                '<rect x="{x}" y="{y}" width="10" height="10" fill="{c}"/>'
                '<text x="{tx}" y="{ty}" font-size="11" fill="#212121">{n}</text>'
            ).format(
                x=lx,
                y=ly - 9,
                c=PALETTE[number % len(PALETTE)],
                tx=lx + 14,
                ty=ly,
                n=names[platform],
            )
        )
    parts.append(Markup("</svg>"))
    rows = [
        Markup('<tr><th scope="row">{}</th>{}</tr>').format(
            names[p],
            Markup("").join(
                Markup("<td>{}</td>").format(counts.get((p, m), 0)) for m in ordered_months
            ),
        )
        for p in platforms
    ]
    table = Markup(
        '<table class="govsite-chart-data"><caption>Changes recorded per month</caption>'
        '<thead><tr><th scope="col">Platform</th>{}</tr></thead><tbody>{}</tbody></table>'
    ).format(
        Markup("").join(Markup('<th scope="col">{}</th>').format(m) for m in ordered_months),
        Markup("").join(rows),
    )
    return Chart(Markup("").join(parts), table)


def exposure_per_topic(model: SiteModel) -> Chart | None:
    """How many analyses of each topic have low, medium and high exposure."""
    topics = [t for t in model.content.topics.values() if model.by_topic.get(t.id)]
    if not topics:
        return None
    levels = ("high", "medium", "low")
    counts = {
        t.id: {
            level: sum(1 for p in model.by_topic[t.id] if p.provision.exposure.level == level)
            for level in levels
        }
        for t in topics
    }
    peak = max(sum(c.values()) for c in counts.values()) or 1
    label_width, width, row = 220, 720, 28
    scale = (width - label_width - 60) / peak
    height = row * len(topics) + 40
    parts = [
        Markup(
            '<svg class="govsite-chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
            'aria-labelledby="ept-title ept-desc" xmlns="http://www.w3.org/2000/svg">'
            '<title id="ept-title">Exposure levels per topic</title>'
            '<desc id="ept-desc">One bar per topic, split into high, medium and low exposure; '
            "each part is labelled with its count, and the table that follows repeats them.</desc>"
        ).format(w=width, h=height)
    ]
    for index, topic in enumerate(topics):
        y = 10 + index * row
        parts.append(
            Markup(
                '<text x="{x}" y="{y}" font-size="12" text-anchor="end" fill="#212121">{t}</text>'
            ).format(x=label_width - 8, y=y + 15, t=topic.title)
        )
        x = float(label_width)
        for level in levels:
            value = counts[topic.id][level]
            if not value:
                continue
            w = value * scale
            parts.append(
                Markup(
                    '<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="20" fill="{c}"><title>{t}</title></rect>'
                    '<text x="{tx:.1f}" y="{ty}" font-size="11" text-anchor="middle" fill="#000">{label}</text>'
                ).format(
                    x=x, y=y, w=w, c=EXPOSURE_COLOURS[level], t=f"{topic.title}: {value} {level}",
                    tx=x + w / 2, ty=y + 14, label=f"{level[0].upper()} {value}",
                )
            )  # fmt: skip
            x += w
    legend_y = height - 12
    for number, level in enumerate(levels):
        lx = label_width + number * 120
        parts.append(
            Markup(
                '<rect x="{x}" y="{y}" width="10" height="10" fill="{c}"/>'
                '<text x="{tx}" y="{ty}" font-size="11" fill="#212121">{n} ({k})</text>'
            ).format(
                x=lx,
                y=legend_y - 9,
                c=EXPOSURE_COLOURS[level],
                tx=lx + 14,
                ty=legend_y,
                n=level,
                k=level[0].upper(),
            )
        )
    parts.append(Markup("</svg>"))
    table = Markup(
        '<table class="govsite-chart-data"><caption>Exposure levels per topic</caption>'
        '<thead><tr><th scope="col">Topic</th><th scope="col">High</th><th scope="col">Medium</th>'
        '<th scope="col">Low</th></tr></thead><tbody>{}</tbody></table>'
    ).format(
        Markup("").join(
            Markup('<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>').format(
                t.title, counts[t.id]["high"], counts[t.id]["medium"], counts[t.id]["low"]
            )
            for t in topics
        )
    )
    return Chart(Markup("").join(parts), table)
