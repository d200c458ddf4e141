"""Join content, document histories and tracking into one checked model.

Every reference between records (document, topic, regulation, jurisdiction, related
provision, version, change note, retired URL) is resolved here; a dangling one is an error
at the line that names it.
"""

from __future__ import annotations

from ..archive.documents import DocumentHistory, Histories
from ..compare.quotes import QuoteIndex, SearchableText, quote_forms
from ..compare.track import DocumentTracks
from ..compare.worddiff import word_diff
from ..content.model import ChangeNote, Content, Provision
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
    model.retired = check_retired(model, diag)
    return model


def _linked_document(
    history: DocumentHistory,
    tracks: DocumentTracks,
    notes: dict[tuple[str, str], ChangeNote],
) -> LinkedDocument:
    versions = [
        DocumentVersion(
            version,
            slug,
            number,
            stats=tracks.stats[number - 1],
            clause_count=tracks.clause_counts[number - 1],
            note=notes.get((history.key, slug)),
        )
        for number, (version, slug) in enumerate(
            zip(history.versions, history.slugs, strict=True), start=1
        )
    ]
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


def _unknown(what: str, value: str, registry: str) -> str:
    return f"unknown {what} {value!r} (not in content/{registry}.yml)"


def _index_provision(linked: LinkedProvision, model: SiteModel, diag: Diagnostics) -> None:
    """List the analysis under its topic, regulations and jurisdictions; unknown ids are
    errors."""
    provision, content = linked.provision, model.content
    if provision.topic and provision.topic not in content.topics:
        diag.error(provision.at("topic"), "topic", _unknown("topic", provision.topic, "topics"))
    elif provision.topic:
        model.by_topic[provision.topic].append(linked)
    for index, ref in enumerate(provision.regulations):
        if ref.id not in content.regulations:
            name = f"regulations[{index}].id"
            diag.error(provision.at(name), name, _unknown("regulation", ref.id, "regulations"))
        elif linked not in model.by_regulation[ref.id]:
            model.by_regulation[ref.id].append(linked)
    for index, jref in enumerate(provision.jurisdictions):
        if jref.id not in content.jurisdictions:
            name = f"jurisdictions[{index}].id"
            diag.error(provision.at(name), name, _unknown("jurisdiction", jref.id, "jurisdictions"))
        elif linked not in model.by_jurisdiction[jref.id]:
            model.by_jurisdiction[jref.id].append(linked)


def _check_related(content: Content, diag: Diagnostics) -> None:
    for provision in content.provisions.values():
        for index, related in enumerate(provision.related):
            name = f"related[{index}]"
            if related == provision.key:
                diag.error(provision.at(name), name, "a provision cannot be related to itself")
            elif related not in content.provisions:
                diag.error(
                    provision.at(name),
                    name,
                    f"no provision {related!r} (expected platform/document/slug of a file in "
                    "content/provisions/)",
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
            f"no platform {provision.platform!r} (content/platforms/{provision.platform}.yml)",
        )
        return None
    if provision.document not in platform.documents:
        known = ", ".join(platform.documents) or "none"
        diag.error(
            provision.origin,
            "(file)",
            f"platform {provision.platform!r} has no document {provision.document!r} "
            f"(it has: {known})",
        )
        return None
    document = model.documents.get(provision.document_key)
    if document is None:
        return None  # its missing archive text is already reported
    linked = LinkedProvision(provision, document, _analysed(provision, document, diag), None, None)
    latest = document.latest
    if latest is not None and provision.quote:
        linked.latest_match = model.quotes.find(provision.quote, latest.version)
    if linked.analyzed is None or not provision.quote:
        return linked
    analysed = linked.analyzed
    linked.analyzed_match = model.quotes.find(provision.quote, analysed.version)
    if linked.analyzed_match is None:
        diag.error(
            provision.at("quote"),
            "quote",
            f"not found verbatim in {document.document.source!r} as recorded on "
            f"{analysed.slug} (after normalising white space, quotes and dashes)",
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


def _occurrences(quote: str, text: SearchableText) -> int:
    """How many times the quote stands in a text, in the first of its forms found there."""
    for form in quote_forms(quote):
        count = text.joined.count(form)
        if count:
            return count
    return 0


def _analysed(
    provision: Provision, document: LinkedDocument, diag: Diagnostics
) -> DocumentVersion | None:
    """The version an analysis names, if it names one with text."""
    analyzed = document.by_slug(provision.analyzed) if provision.analyzed else None
    if provision.analyzed and analyzed is None:
        recorded = ", ".join(v.slug for v in document.versions[-8:])
        diag.error(
            provision.at("analyzed"),
            "analyzed",
            f"no version of {document.key} was recorded on {provision.analyzed} "
            f"(recorded versions: {recorded})",
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


def _clause_history(
    ids: tuple[str, ...], document: LinkedDocument, texts: TextSource
) -> list[ClauseState]:
    """Follow a clause by its ids through every version; keep the versions where it changed."""
    wanted = set(ids)
    states: list[ClauseState] = []
    previous_text = ""
    for entry in document.versions:
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
        states.append(ClauseState(entry, text, status, diff))
        previous_text = text
    return states
