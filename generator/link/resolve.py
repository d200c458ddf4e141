"""Join content, document histories and tracking into one checked model.

Every reference between records (document, topic, regulation, jurisdiction, related
provision, version, change note, retired URL) is resolved here; a dangling one is an error
at the line that names it.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from collections.abc import Iterable

from ..archive.documents import DocumentHistory, Histories
from ..archive.history import VersionKind
from ..archive.revisions import ContentRevisions
from ..compare.kinds import ChangeKind, text_kind, version_kind
from ..compare.quotes import (
    QuoteIndex,
    SearchableText,
    marked_differences,
    nearest_passage,
    quote_forms,
)
from ..compare.track import DocumentTracks
from ..compare.worddiff import Segment, word_diff
from ..content.records import ChangeNote, Content, Provision
from ..content.schema import VERSION_PATTERN, is_placeholder, valid_date
from ..diagnostics import Diagnostics
from ..text.normalise import normalise
from ..text.source import TextSource
from .model import ClauseState, DocumentVersion, LinkedDocument, LinkedProvision, SiteModel
from .retired import check_retired


def link(
    content: Content,
    histories: Histories,
    tracks: dict[str, DocumentTracks],
    texts: TextSource,
    diag: Diagnostics,
    revisions: ContentRevisions | None = None,
) -> SiteModel:
    """Resolve every reference; report each dangling one at the line naming it."""
    notes = _change_notes(content, histories.documents, diag)
    documents = {
        key: _linked_document(history, tracks[key], notes)
        for key, history in histories.documents.items()
    }
    quotes = QuoteIndex(texts)
    model = SiteModel(
        content,
        documents,
        {},
        {t: [] for t in content.topics},
        {r: [] for r in content.regulations},
        {j: [] for j in content.jurisdictions},
        quotes,
    )
    for provision in content.provisions.values():
        linked = _link_provision(provision, model, texts, diag)
        if linked is not None:
            model.provisions[provision.key] = linked
            _index_provision(linked, model, diag)
    _check_related(content, diag)
    if revisions is not None:
        model.revisions = revisions
    model.retired = check_retired(model, diag)
    return model


def _linked_document(
    history: DocumentHistory,
    tracks: DocumentTracks,
    notes: dict[tuple[str, str], ChangeNote],
) -> LinkedDocument:
    versions: list[DocumentVersion] = []
    days = Counter(v.date.date() for v in history.versions)
    seen: Counter[dt.date] = Counter()
    latest: DocumentVersion | None = None
    for number, (version, slug) in enumerate(
        zip(history.versions, history.slugs, strict=True), start=1
    ):
        found = tracks.versions[number - 1]
        after_removal = number > 1 and history.versions[number - 2].kind is VersionKind.REMOVAL
        computed = version_kind(version.kind, after_removal, found.kind)
        note = notes.get((history.key, slug))
        seen[version.date.date()] += 1
        before = latest if latest is not None and latest.version.date > version.date else None
        versions.append(
            DocumentVersion(
                version,
                slug,
                number,
                kind=_noted_kind(note) or computed,
                computed_kind=computed,
                document_key=history.key,
                stats=found.stats,
                clause_count=found.clauses,
                note=note,
                day_rank=seen[version.date.date()],
                day_count=days[version.date.date()],
                same_as=found.same_as + 1,
                recurring=found.recurring,
                recorded_after=before,
            )
        )
        if latest is None or version.date >= latest.version.date:
            latest = versions[-1]
    return LinkedDocument(history.document, versions, tracks)


def _change_notes(
    content: Content, documents: dict[str, DocumentHistory], diag: Diagnostics
) -> dict[tuple[str, str], ChangeNote]:
    """Each change note by (document, version slug); a note on no version is an error."""
    found: dict[tuple[str, str], ChangeNote] = {}
    for note in content.change_notes:
        document = documents.get(note.document_key)
        if document is None:
            diag.error(note.origin, "(file)", f"no document {note.document_key!r} with a history")
            continue
        if note.version not in document.slugs:
            diag.error(
                note.origin,
                "(file)",
                f"{note.document_key} has no version {note.version} "
                f"(versions: {', '.join(document.slugs[-8:])})",
            )
            continue
        found[(note.document_key, note.version)] = note
    return found


SHOWN_IDS = 12
"""How many valid ids a message lists before it shortens the list."""


def valid_ids(value: str, known: Iterable[str]) -> str:
    """'did you mean ...? valid: a, b, c' for a message about an unknown id."""
    ids = sorted(known)
    if not ids:
        return "there are none yet"
    # Ids are lowercase: "DSA" means "dsa", and "Gdpr-art" is close to "gdpr".
    lowered = {i.lower(): i for i in ids}
    exact = [lowered[value.lower()]] if value.lower() in lowered else []
    close = exact or [
        lowered[c]
        for c in difflib.get_close_matches(value.lower(), list(lowered), n=3, cutoff=0.75)
    ]
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    if len(ids) > SHOWN_IDS:
        shown = ", ".join(ids[:SHOWN_IDS]) + f" and {len(ids) - SHOWN_IDS} more"
    else:
        shown = ", ".join(ids)
    return f"{hint}valid: {shown}"


def _unknown(what: str, value: str, registry: str, known: Iterable[str]) -> str:
    return f"unknown {what} {value!r} (not in content/{registry}.yml; {valid_ids(value, known)})"


def _index_provision(linked: LinkedProvision, model: SiteModel, diag: Diagnostics) -> None:
    """List the analysis under its topic, regulations and jurisdictions; unknown ids are
    errors."""
    provision, content = linked.provision, model.content
    if is_placeholder(provision.topic):
        pass  # reported by the schema check
    elif provision.topic and provision.topic not in content.topics:
        diag.error(
            provision.at("topic"),
            "topic",
            _unknown("topic", provision.topic, "topics", content.topics),
        )
    elif provision.topic:
        model.by_topic[provision.topic].append(linked)
    for index, ref in enumerate(provision.regulations):
        if is_placeholder(ref.id):
            continue
        if ref.id not in content.regulations:
            name = f"regulations[{index}].id"
            diag.error(
                provision.at(name),
                name,
                _unknown("regulation", ref.id, "regulations", content.regulations),
            )
        elif linked not in model.by_regulation[ref.id]:
            model.by_regulation[ref.id].append(linked)
    for index, jref in enumerate(provision.jurisdictions):
        if is_placeholder(jref.id):
            continue
        if jref.id not in content.jurisdictions:
            name = f"jurisdictions[{index}].id"
            diag.error(
                provision.at(name),
                name,
                _unknown("jurisdiction", jref.id, "jurisdictions", content.jurisdictions),
            )
        elif linked not in model.by_jurisdiction[jref.id]:
            model.by_jurisdiction[jref.id].append(linked)


def _check_related(content: Content, diag: Diagnostics) -> None:
    for provision in content.provisions.values():
        for index, related in enumerate(provision.related):
            name = f"related[{index}]"
            if is_placeholder(related):
                continue
            if related == provision.key:
                diag.error(provision.at(name), name, "a provision cannot be related to itself")
            elif related not in content.provisions:
                others = [key for key in content.provisions if key != provision.key]
                diag.error(
                    provision.at(name),
                    name,
                    f"no provision {related!r} (expected platform/document/slug of a file in "
                    f"content/provisions/; {valid_ids(related, others)})",
                )


def _link_provision(
    provision: Provision, model: SiteModel, texts: TextSource, diag: Diagnostics
) -> LinkedProvision | None:
    """An analysis joined to its document: the analysed version, where its quote stands
    then and now, the clause's history, and whether the analysis is stale."""
    platform = model.content.platforms.get(provision.platform)
    if platform is None:
        diag.error(
            provision.origin,
            "(file)",
            f"no platform {provision.platform!r} (no content/platforms/{provision.platform}.yml; "
            f"{valid_ids(provision.platform, model.content.platforms)}): provision files go in "
            "content/provisions/<platform>/<document>/",
        )
        return None
    if provision.document not in platform.documents:
        diag.error(
            provision.origin,
            "(file)",
            f"platform {provision.platform!r} has no document {provision.document!r} "
            f"({valid_ids(provision.document, platform.documents)})",
        )
        return None
    document = model.documents.get(provision.document_key)
    if document is None:
        return None  # its missing archive text is already reported
    analysed = _analysed(provision, document, model.quotes, diag)
    linked = LinkedProvision(provision, document, analysed, None, None)
    _check_review(provision, linked.analyzed, diag)
    latest = document.latest
    if latest is not None and provision.quote:
        linked.latest_match = model.quotes.find(provision.quote, latest.version)
    if not provision.quote or is_placeholder(provision.quote):
        return linked
    if analysed is None:
        _check_quote_anywhere(provision, document, model.quotes, diag)
        return linked
    linked.analyzed_match = model.quotes.find(provision.quote, analysed.version)
    if linked.analyzed_match is None:
        diag.error(
            provision.at("quote"),
            "quote",
            f"not found verbatim in {document.document.source!r} as recorded on "
            f"{analysed.slug} (after normalising white space, quotes and dashes)"
            + _in_versions("it", _found_in(provision, document, model.quotes))
            + _nearest(provision, analysed, model.quotes),
        )
        return linked
    found = _occurrences(provision.quote, model.quotes.searchable(analysed.version))
    if found > 1:
        diag.error(
            provision.at("quote"),
            "quote",
            f"found {found} times in {analysed.slug}, so it does not say which clause is "
            "analysed; quote more of the clause",
        )
    linked.changes_since = [v for v in document.versions[analysed.number :] if not v.is_technical]
    clause_ids = document.clause_ids(analysed)
    linked.clause_ids = tuple(clause_ids[i] for i in linked.analyzed_match.blocks)
    linked.history = _clause_history(linked.clause_ids, document, texts)
    if linked.latest_match is None and latest is not None:
        linked.stale_since = _stale_since(provision, analysed, document, model.quotes)
        diag.warning(
            provision.at("quote"),
            "quote",
            f"no longer in the latest version of {document.key} ({latest.slug}); the "
            "analysis may be stale",
        )
    return linked


def _noted_kind(note: ChangeNote | None) -> ChangeKind | None:
    """The kind a change note gives (none when it gives no valid one: the schema reported
    that at its line, and checking goes on to report the rest)."""
    if note is None:
        return None
    try:
        return ChangeKind(note.significance)
    except ValueError:
        return None


def _found_in(provision: Provision, document: LinkedDocument, quotes: QuoteIndex) -> list[str]:
    """The slugs of the versions that hold the quote verbatim."""
    return [
        entry.slug
        for entry in document.versions
        if not entry.is_removal and quotes.find(provision.quote, entry.version) is not None
    ]


def _in_versions(what: str, slugs: list[str]) -> str:
    """'; {what} is in the version(s) of a, b' ('' when there are none)."""
    if not slugs:
        return ""
    shown = ", ".join(slugs) if len(slugs) <= 6 else f"{', '.join(slugs[:3])} … {slugs[-1]}"
    return f"; {what} is in the version(s) of {shown}"


def _nearest(provision: Provision, entry: DocumentVersion, quotes: QuoteIndex) -> str:
    """'; the nearest passage, at line N, differs: ...' (the quote's words struck out,
    the text's added)."""
    view = quotes.view(entry.version)
    passage = nearest_passage(provision.quote, view)
    if passage is None or passage.similarity < 0.3:
        return "; no passage of that version is near it"
    differences = marked_differences(normalise(provision.quote), passage.text)
    return (
        f"; the nearest passage, at line {passage.line} of the {entry.slug} text, differs "
        f"([-your quote-] {{+the text+}}): {differences}"
    )


def _check_quote_anywhere(
    provision: Provision, document: LinkedDocument, quotes: QuoteIndex, diag: Diagnostics
) -> None:
    """Without a valid ``analyzed``, the quote is still checked: it must be in some
    version of the document."""
    if _found_in(provision, document, quotes):
        return
    latest = document.latest
    diag.error(
        provision.at("quote"),
        "quote",
        f"not found verbatim in any recorded version of {document.document.source!r} "
        "(after normalising white space, quotes and dashes)"
        + (_nearest(provision, latest, quotes) if latest is not None else ""),
    )


def _check_review(
    provision: Provision, analysed: DocumentVersion | None, diag: Diagnostics
) -> None:
    """A review cannot come before the version it reads, nor after today."""
    if not valid_date(provision.reviewed):
        return
    reviewed = dt.date.fromisoformat(provision.reviewed)
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    if reviewed > tomorrow:
        diag.error(
            provision.at("reviewed"),
            "reviewed",
            f"{provision.reviewed} is in the future; give the date of the last review",
        )
    elif analysed is not None and reviewed < analysed.version.date.date():
        diag.error(
            provision.at("reviewed"),
            "reviewed",
            f"{provision.reviewed} is before the analysed version was recorded "
            f"({analysed.version.date:%Y-%m-%d}); a review reads that version, so it comes "
            "after it",
        )


def _occurrences(quote: str, text: SearchableText) -> int:
    """How many times the quote stands in a text, in the first of its forms found there."""
    for form in quote_forms(quote):
        count = text.joined.count(form)
        if count:
            return count
    return 0


def _analysed(
    provision: Provision, document: LinkedDocument, quotes: QuoteIndex, diag: Diagnostics
) -> DocumentVersion | None:
    """The version an analysis names, if it names one with text."""
    analyzed = document.by_slug(provision.analyzed) if provision.analyzed else None
    match = VERSION_PATTERN.match(provision.analyzed)
    well_formed = bool(match and valid_date(match[1]))
    if (
        provision.analyzed
        and analyzed is None
        and well_formed
        and not is_placeholder(provision.analyzed)
    ):
        recorded = ", ".join(v.slug for v in document.versions[-8:] if not v.is_removal)
        diag.error(
            provision.at("analyzed"),
            "analyzed",
            f"no version of {document.key} was recorded on {provision.analyzed} "
            f"(latest recorded versions: {recorded})"
            + (
                _in_versions("the quote", _found_in(provision, document, quotes))
                if provision.quote and not is_placeholder(provision.quote)
                else ""
            ),
        )
    elif analyzed is not None and analyzed.is_removal:
        diag.error(
            provision.at("analyzed"),
            "analyzed",
            f"{provision.analyzed} is when {document.key} was removed; name a version with text",
        )
        return None
    return analyzed


def _stale_since(
    provision: Provision, analysed: DocumentVersion, document: LinkedDocument, quotes: QuoteIndex
) -> DocumentVersion:
    """The version after the last one that still had the quote."""
    last_found = analysed.number
    for entry in document.versions[analysed.number :]:
        if entry.is_removal:
            continue
        if quotes.find(provision.quote, entry.version) is not None:
            last_found = entry.number
    return document.versions[last_found]


_TAKEN_BACK = (ChangeKind.RETURN, ChangeKind.RECURRING, ChangeKind.RECOVERED)


def _clause_kind(
    entry: DocumentVersion, status: str, old: str, new: str, diff: list[Segment]
) -> ChangeKind:
    if status == "first":
        return ChangeKind.FIRST
    if entry.is_technical:
        return ChangeKind.TECHNICAL
    if entry.computed_kind in _TAKEN_BACK:
        return entry.computed_kind  # the clause went back to a wording the document had
    if status == "removed":
        return ChangeKind.REMOVAL if entry.is_removal else ChangeKind.SUBSTANTIVE
    if status == "restored":
        return ChangeKind.RESTORED
    return text_kind(normalise(old), normalise(new), tuple(diff))


def _clause_history(
    ids: tuple[str, ...], document: LinkedDocument, texts: TextSource
) -> list[ClauseState]:
    """Follow a clause by its ids through every version; keep the versions where it changed."""
    wanted = set(ids)
    states: list[ClauseState] = []
    previous_text = ""
    for entry in document.versions:
        if entry.computed_kind is ChangeKind.CAPTURE_FAILURE:
            continue  # an error page recorded instead of the text: the clause did not change
        if entry.is_removal:
            text = ""
        else:
            blocks = texts.view(entry.version).blocks
            clause_ids = document.clause_ids(entry)
            parts = [blocks[i].text for i, cid in enumerate(clause_ids) if cid in wanted]
            text = "\n\n".join(parts)
        if normalise(text) == normalise(previous_text):
            continue
        if not previous_text:
            status = "first" if not states else "restored"
        elif not text:
            status = "removed"
        else:
            status = "changed"
        diff = word_diff(previous_text, text) if previous_text and text else []
        states.append(
            ClauseState(
                entry, text, status, _clause_kind(entry, status, previous_text, text, diff), diff
            )
        )
        previous_text = text
    return states
