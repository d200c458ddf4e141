"""Charts drawn at build time as accessible SVG, each with a data table as its text twin.

Charts are drawn for a phone's width and read as lists: one row per month or per topic,
bars running across, labels above or beside them, never rotated or squeezed. The drawing is
:data:`WIDTH` units wide and is shown at least that many pixels wide (scrolling sideways
on a narrower screen) and at most 1.5 times as wide, so its text, :data:`TEXT` units high,
is never rendered smaller than that many pixels (the browser tests measure it).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..archive.history import VersionKind
from ..content.records import Topic
from ..link.model import SiteModel

# Distinct hues that stay apart for common colour-vision deficiencies (Okabe-Ito); every
# series is also named in the legend and in the table, so colour is never the only cue.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
OTHERS_COLOUR = "#8c8c8c"
EXPOSURE_COLOURS = {"low": "#009E73", "medium": "#E69F00", "high": "#D55E00"}
WIDTH = 340
"""Width of every chart, in SVG units (pixels at the smallest it is shown)."""
TEXT = 13
"""Size of every label, in SVG units."""
ROW = 24
"""Height of a bar's row."""
LEGEND_ROW = 20
"""Height of a legend entry."""


@dataclass(slots=True, frozen=True)
class Chart:
    """A chart and the table that says the same in words and numbers."""

    svg: Markup
    """The drawing."""
    table: Markup
    """The data, as an HTML table."""


def _open(prefix: str, height: float, title: str, description: str) -> Markup:
    return Markup(
        '<div class="govsite-chart-frame"><svg class="govsite-chart" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" role="img" aria-labelledby="{p}-title {p}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{p}-title">{t}</title>'
        '<desc id="{p}-desc">{d}</desc>'
    ).format(w=WIDTH, h=round(height), p=prefix, t=title, d=description)


_CLOSE = Markup("</svg></div>")


def _text(x: float, y: float, label: str, anchor: str = "start", fill: str = "#212121") -> Markup:
    return Markup(
        '<text x="{x:.1f}" y="{y:.1f}" font-size="{s}" text-anchor="{a}" fill="{f}">{t}</text>'
    ).format(x=x, y=y, s=TEXT, a=anchor, f=fill, t=label)


def _rect(
    x: float, y: float, w: float, h: float, colour: str, tip: str, opacity: float = 1.0
) -> Markup:
    shade = Markup(' fill-opacity="{:.2f}"').format(opacity) if opacity < 1 else Markup("")
    return Markup(
        '<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{c}"{o} '
        'stroke="#fff" stroke-width="0.5"><title>{t}</title></rect>'
    ).format(x=x, y=y, w=max(w, 0.5), h=h, c=colour, o=shade, t=tip)


MUTED = 0.3
"""Opacity of the part of a bar that is not substantive changes (the rest of its colour)."""


def _legend(top: float, entries: list[tuple[str, str]]) -> list[Markup]:
    """One entry a line: a swatch and its name."""
    parts = []
    for index, (colour, name) in enumerate(entries):
        y = top + index * LEGEND_ROW
        parts.append(
            Markup('<rect x="0" y="{y:.1f}" width="12" height="12" fill="{c}"/>').format(
                y=y, c=colour
            )
        )
        parts.append(_text(18, y + 11, _shorten(name, 40)))
    return parts


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _months(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (YYYY-MM), gaps included."""
    year, month = int(first[:4]), int(first[5:7])
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _month_counts(
    model: SiteModel,
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """Versions recorded per (platform, month), technical re-extractions left out; and
    those of them that are substantive changes (new wording)."""
    counts: dict[tuple[str, str], int] = {}
    substantive: dict[tuple[str, str], int] = {}
    for document in model.documents.values():
        for entry in document.versions:
            if entry.version.kind is VersionKind.TECHNICAL:
                continue
            key = (document.document.platform, entry.version.date.strftime("%Y-%m"))
            counts[key] = counts.get(key, 0) + 1
            if entry.number > 1 and not entry.kind.noise:
                substantive[key] = substantive.get(key, 0) + 1
    return counts, substantive


def _series(model: SiteModel, counts: dict[tuple[str, str], int]) -> list[tuple[str, set[str]]]:
    """The platforms drawn in their own colour (the most active first) and, when there are
    more than the palette holds, the rest together: (name, platform ids)."""
    totals: dict[str, int] = {}
    for (platform, _), value in counts.items():
        totals[platform] = totals.get(platform, 0) + value
    ranked = sorted(totals, key=lambda p: (-totals[p], p))
    names = {p: model.content.platforms[p].name for p in ranked}
    if len(ranked) <= len(PALETTE):
        return [(names[p], {p}) for p in ranked]
    shown = ranked[: len(PALETTE) - 1]
    rest = set(ranked[len(shown) :])
    return [*((names[p], {p}) for p in shown), (f"{len(rest)} other platforms", rest)]


def changes_per_month(model: SiteModel) -> Chart | None:
    """Versions recorded per month and platform (technical re-extractions left out): the
    substantive changes in the platform's colour, the other versions muted."""
    counts, substantive = _month_counts(model)
    if not counts:
        return None
    months = _months(min(m for _, m in counts), max(m for _, m in counts))
    series = _series(model, counts)
    colours = [PALETTE[i] if len(ids) == 1 else OTHERS_COLOUR for i, (_, ids) in enumerate(series)]
    totals = {m: sum(counts.get((p, m), 0) for _, ids in series for p in ids) for m in months}
    peak = max(totals.values()) or 1
    label_width, number_width = 62, 34
    scale = (WIDTH - label_width - number_width) / peak
    legend_top = len(months) * ROW + 12
    parts = [
        _open(
            "cpm",
            legend_top + len(series) * LEGEND_ROW,
            "Changes recorded per month, by platform",
            f"One bar per month from {months[0]} to {months[-1]}, split by platform; each "
            "platform's substantive changes in its colour, its other versions (returns, "
            "capture failures, dates, links, formatting) in a paler shade of it; the table "
            "that follows gives every count.",
        )
    ]
    for index, month in enumerate(months):
        y = index * ROW
        parts.append(_text(0, y + 16, month))
        x = float(label_width)
        for (name, ids), colour in zip(series, colours, strict=True):
            value = sum(counts.get((p, month), 0) for p in ids)
            strong = sum(substantive.get((p, month), 0) for p in ids)
            if strong:
                tip = f"{name}, {month}: {strong} substantive"
                parts.append(_rect(x, y + 4, strong * scale, ROW - 8, colour, tip))
                x += strong * scale
            if value > strong:
                tip = f"{name}, {month}: {value - strong} other versions"
                width = (value - strong) * scale
                parts.append(_rect(x, y + 4, width, ROW - 8, colour, tip, MUTED))
                x += width
        parts.append(_text(x + 4, y + 16, str(totals[month])))
    parts += _legend(legend_top, [(c, name) for (name, _), c in zip(series, colours, strict=True)])
    parts.append(_CLOSE)
    return Chart(Markup("").join(parts), _month_table(model, counts, substantive, months))


def _month_table(
    model: SiteModel,
    counts: dict[tuple[str, str], int],
    substantive: dict[tuple[str, str], int],
    months: list[str],
) -> Markup:
    platforms = sorted({p for p, _ in counts})
    rows = [
        Markup('<tr><th scope="row">{}</th>{}</tr>').format(
            model.content.platforms[p].name,
            Markup("").join(
                Markup("<td>{} ({})</td>").format(substantive.get((p, m), 0), counts.get((p, m), 0))
                for m in months
            ),
        )
        for p in platforms
    ]
    return Markup(
        '<div class="govsite-table-frame"><table class="govsite-chart-data">'
        "<caption>Substantive changes recorded per month (all versions in brackets)</caption>"
        '<thead><tr><th scope="col">Platform</th>{}</tr></thead><tbody>{}</tbody></table></div>'
    ).format(
        Markup("").join(Markup('<th scope="col">{}</th>').format(m) for m in months),
        Markup("").join(rows),
    )


EXPOSURE_LEVELS = ("high", "medium", "low")


def exposure_per_topic(model: SiteModel) -> Chart | None:
    """How many analyses of each topic have high, medium and low exposure: one bar per
    topic, its title above it."""
    topics = [t for t in model.content.topics.values() if model.by_topic.get(t.id)]
    if not topics:
        return None
    counts = {
        t.id: {
            level: sum(1 for p in model.by_topic[t.id] if p.provision.exposure.level == level)
            for level in EXPOSURE_LEVELS
        }
        for t in topics
    }
    peak = max(sum(c.values()) for c in counts.values()) or 1
    scale = (WIDTH - 40) / peak
    step = 2 * ROW
    legend_top = len(topics) * step + 8
    parts = [
        _open(
            "ept",
            legend_top + len(EXPOSURE_LEVELS) * LEGEND_ROW,
            "Exposure levels per topic",
            "One bar per topic, split into high, medium and low exposure; each part is "
            "labelled with its count, and the table that follows repeats them.",
        )
    ]
    for index, topic in enumerate(topics):
        y = index * step
        parts.append(_text(0, y + 15, _shorten(topic.title, 44)))
        x = 0.0
        for level in EXPOSURE_LEVELS:
            value = counts[topic.id][level]
            if not value:
                continue
            w = value * scale
            parts.append(
                _rect(
                    x,
                    y + 21,
                    w,
                    ROW - 4,
                    EXPOSURE_COLOURS[level],
                    f"{topic.title}: {value} {level}",
                )
            )
            if w >= 2 * TEXT:
                parts.append(
                    _text(x + w / 2, y + 36, f"{level[0].upper()} {value}", "middle", "#000")
                )
            x += w
        parts.append(_text(x + 4, y + 36, str(sum(counts[topic.id].values()))))
    parts += _legend(
        legend_top,
        [(EXPOSURE_COLOURS[lv], f"{lv} exposure ({lv[0].upper()})") for lv in EXPOSURE_LEVELS],
    )
    parts.append(_CLOSE)
    return Chart(Markup("").join(parts), _exposure_table(topics, counts))


def _exposure_table(topics: list[Topic], counts: dict[str, dict[str, int]]) -> Markup:
    return Markup(
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
