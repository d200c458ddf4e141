"""What a revision of an analysis changed, field by field, with the site's word diff."""

from __future__ import annotations

from dataclasses import dataclass

from ..archive.revisions import reflow
from ..content.records import Provision
from .worddiff import Segment, word_diff

FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "Title"),
    ("topic", "Topic"),
    ("quote", "Quoted clause"),
    ("analyzed", "Version analysed"),
    ("summary", "Summary"),
    ("interpretation", "Interpretation"),
    ("affected", "Who is affected"),
    ("for_users", "For products built on the platform"),
    ("exposure_level", "Exposure level"),
    ("exposure_rationale", "Exposure rationale"),
    ("regulations", "Regulations"),
    ("jurisdictions", "Jurisdictions"),
    ("contracts", "Contract and vendor implications"),
    ("compliance", "Compliance considerations"),
    ("related", "Related provisions"),
    ("authors", "Authors"),
    ("reviewed", "Reviewed"),
)
"""Each field an analysis shows, in the order of its page, with its label."""


@dataclass(slots=True, frozen=True)
class FieldChange:
    """One field of an analysis that a revision changed."""

    field: str
    """The field's name (``exposure_level``, ``regulations``...)."""
    label: str
    """How the page names it."""
    diff: tuple[Segment, ...]
    """Word diff from the previous revision's text of the field to this one's."""


def field_text(provision: Provision | None, name: str) -> str:
    """A field of an analysis as plain text (lists one item a line, Markdown's soft line
    breaks as spaces), '' when absent."""
    if provision is None:
        return ""
    p = provision
    if name == "exposure_level":
        return p.exposure.level
    if name == "exposure_rationale":
        return reflow(p.exposure.rationale)
    if name == "affected":
        return "\n".join(f"{a.who}: {a.impact}" for a in p.affected)
    if name == "regulations":
        return "\n".join(
            f"{r.id}{f' Art. {r.article}' if r.article else ''}: {r.note}" for r in p.regulations
        )
    if name == "jurisdictions":
        return "\n".join(f"{j.id}: {j.note}" for j in p.jurisdictions)
    if name in ("related", "authors"):
        return "\n".join(getattr(p, name))
    value = getattr(p, name)
    return reflow(value) if isinstance(value, str) else ""


def analysis_changes(old: Provision | None, new: Provision | None) -> list[FieldChange]:
    """The fields that differ between two revisions of an analysis, in page order."""
    changes = []
    for name, label in FIELDS:
        before, after = field_text(old, name), field_text(new, name)
        if before != after:
            changes.append(FieldChange(name, label, tuple(word_diff(before, after))))
    return changes
