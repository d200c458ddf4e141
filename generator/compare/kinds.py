"""The kind of a version's change: does it matter to a reader of the terms?

Each version gets one kind from a small vocabulary (a hand-written change note may set
another). "Substantive" is a promise: new wording, nothing else.

From its changes alone, the most significant kind found among its changed clauses:

- substantive: words of the text changed, beyond what the kinds below allow;
- editorial: only punctuation, capitalisation, white space, the numbering of clauses, the
  order of clauses, or typo-level edits (a word edited by one letter, two in long words,
  never a number, a plural or a negation);
- dates only: only dates changed, absolute or relative ("last updated 3 days ago");
- links only: only the targets of links changed;
- formatting: only Markdown markup changed (or nothing a reader sees).

From the document's past (see :class:`DocumentPast`): a return to an earlier text (the same
text as an earlier version), recurring content (each changed clause takes back a wording it
had before), a capture failure (an error, block or "not available" page recorded instead of
the text) and the restoration that follows it, and a collapse (most of the text went and it
does not read as an error page: shown, never hidden).

A version is also the first record, a technical re-extraction (the archive says so: the
extraction changed, not the platform's text), a removal, or the restoring of a removed text.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from .. import urls
from ..archive.history import VersionKind
from .align import ADDED, CHANGED, MOVED, REMOVED, REWRITTEN
from .changes import REFORMATTED, RELINKED, Change
from .dates import ENUMERATOR, canonical, date_word, without_dates
from .worddiff import Segment


class ChangeKind(enum.Enum):
    """The vocabulary of kinds of change; values are stable slugs (feeds' category terms)."""

    FIRST = "first-record"
    SUBSTANTIVE = "substantive"
    COLLAPSE = "collapse"
    EDITORIAL = "editorial"
    DATES = "dates-only"
    LINKS = "links-only"
    FORMATTING = "formatting"
    RETURN = "return"
    RECURRING = "recurring"
    CAPTURE_FAILURE = "capture-failure"
    RECOVERED = "recovered"
    TECHNICAL = "technical"
    REMOVAL = "removal"
    RESTORED = "restored"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def page_url(self) -> str:
        """Its definition, on the kinds page."""
        return urls.kind(self.value)

    @property
    def noise(self) -> bool:
        """Whether a reader of the terms can pass it by (nothing of substance changed)."""
        return self in _NOISE


_NOISE = frozenset(
    (
        ChangeKind.EDITORIAL,
        ChangeKind.DATES,
        ChangeKind.LINKS,
        ChangeKind.FORMATTING,
        ChangeKind.TECHNICAL,
        ChangeKind.RETURN,
        ChangeKind.RECURRING,
        ChangeKind.CAPTURE_FAILURE,
        ChangeKind.RECOVERED,
    )
)
_LABELS = {
    ChangeKind.FIRST: "First record",
    ChangeKind.SUBSTANTIVE: "Substantive",
    ChangeKind.COLLAPSE: "Most of the text removed",
    ChangeKind.EDITORIAL: "Editorial",
    ChangeKind.DATES: "Dates only",
    ChangeKind.LINKS: "Links only",
    ChangeKind.FORMATTING: "Formatting",
    ChangeKind.RETURN: "Returned to an earlier text",
    ChangeKind.RECURRING: "Recurring content",
    ChangeKind.CAPTURE_FAILURE: "Capture failure",
    ChangeKind.RECOVERED: "Recovered after a capture failure",
    ChangeKind.TECHNICAL: "Technical re-extraction",
    ChangeKind.REMOVAL: "Removal",
    ChangeKind.RESTORED: "Restored",
}
# From the most to the least significant, for a version with changes of several kinds.
_ORDER = (
    ChangeKind.SUBSTANTIVE,
    ChangeKind.EDITORIAL,
    ChangeKind.DATES,
    ChangeKind.LINKS,
    ChangeKind.FORMATTING,
)
_NEGATIONS = ("un", "in", "im", "il", "ir", "non", "dis", "not")


def _only_date_words(segments: tuple[Segment, ...]) -> bool:
    """Whether every word a diff inserts or deletes could be part of a date, but for words
    it deletes and inserts as often: without it, a change cannot be dates only, and the date
    pattern, slow on long clauses, need not run. A diff of repeated words may delete a word
    at one place and insert it back at another ("March 1. the" to "March the ,"), which
    leaves the text the same once its dates are out."""
    left: Counter[str] = Counter()
    for segment in segments:
        if segment.op != "=":
            for word in segment.text.split():
                if not date_word(word):
                    left[canonical(word)] += 1 if segment.op == "+" else -1
    return not any(left.values())


def _renumbered(old: str, new: str) -> bool:
    """Whether a clause's leading number changed ("a)" to "(ii)"): :func:`canonical` drops
    it, but its pieces are words to :func:`_only_date_words`, which would then keep a change
    of a date and a number from ever being dates only."""

    def number(text: str) -> str:
        found = ENUMERATOR.match(unicodedata.normalize("NFKC", text[:_NUMBER_CHARS]))
        return found.group().strip() if found else ""

    return number(old) != number(new)


_NUMBER_CHARS = 64
"""How much of a clause's start :func:`_renumbered` reads (numbers are a few characters)."""


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit (optimal string
    alignment), or ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def _typo(old: str, new: str) -> bool:
    """Whether one word became the other by a typo-level edit."""
    a, b = old.casefold(), new.casefold()
    if not (a.isalpha() and b.isalpha()) or min(len(a), len(b)) < 4:
        return False
    short, long_ = sorted((a, b), key=len)
    if long_ in (short + "s", short + "es") or any(long_ == p + short for p in _NEGATIONS):
        return False
    return _edit_distance(a, b, 2) <= (2 if min(len(a), len(b)) >= 9 else 1)


def _doubled(word: str, before: str, after: str) -> bool:
    """Whether a word inserted or deleted between two texts doubles a neighbour ("the the")."""
    key = canonical(word)
    near = [w for w in (before.split()[-1:] + after.split()[:1]) if w]
    return bool(key) and any(canonical(w) == key for w in near)


def _typo_level(segments: tuple[Segment, ...]) -> bool:
    """Whether every edit of a word diff replaces words one for one by typo-level edits,
    adds or drops punctuation, or adds or drops a doubled word."""
    index = 0
    found = False
    while index < len(segments):
        segment = segments[index]
        if segment.op == "=":
            index += 1
            continue
        start = index
        deleted = segment.text.split() if segment.op == "-" else []
        inserted = segment.text.split() if segment.op == "+" else []
        if segment.op == "-" and index + 1 < len(segments) and segments[index + 1].op == "+":
            inserted = segments[index + 1].text.split()
            index += 1
        index += 1
        deleted = [w for w in deleted if canonical(w)]
        inserted = [w for w in inserted if canonical(w)]
        if not deleted and not inserted:
            found = True  # punctuation only
            continue
        if not deleted or not inserted:
            before = segments[start - 1].text if start > 0 else ""
            after = segments[index].text if index < len(segments) else ""
            if len(deleted + inserted) == 1 and _doubled((deleted + inserted)[0], before, after):
                found = True
                continue
            return False
        if len(deleted) != len(inserted):
            return False
        for old_word, new_word in zip(deleted, inserted, strict=True):
            if canonical(old_word) == canonical(new_word):
                continue
            if not _typo(canonical(old_word), canonical(new_word)):
                return False
            found = True
    return found


_ADDRESS = re.compile(r"https?://|www\.|mailto:", re.IGNORECASE)
_DATE_LINE_WORDS = frozenset(
    [
        "effective",
        "updated",
        "last",
        "date",
        "dated",
        "revised",
        "modified",
        "version",
        "published",
        "posted",
        "dernière",
        "mise",
        "à",
        "jour",
        "vigueur",
        "zuletzt",
        "aktualisiert",
        "stand",
        "gültig",
        "última",
        "actualización",
        "fecha",
        "vigente",
        "ultimo",
        "aggiornamento",
        "laatst",
        "bijgewerkt",
        "atualização",
    ]
)
"""Words that label a date line: adding or dropping one beside a date changes a date line."""


_SMALL_WORDS = frozenset(("the", "a", "an", "in", "of", "to", "for", "on", "at", "by"))
"""Words whose coming or going alone, beside words moved, changes nothing a reader relies
on ("your Gemini Apps activity" -> "your activity in Gemini Apps"); "and", "or", "not"
and their like are not among them."""


def _words_moved(old: str, new: str, segments: tuple[Segment, ...]) -> bool:
    """Whether the clause has the same words in another order, give or take one or two
    small words added (or dropped, never both: "with" to "by" is a change)."""
    edits = [s for s in segments if s.op != "="]
    if not edits or len(edits) > 3:
        return False
    counts: dict[str, int] = {}
    for sign, text in ((1, new), (-1, old)):
        for word in map(canonical, text.split()):
            if word:
                counts[word] = counts.get(word, 0) + sign
    left = {word: count for word, count in counts.items() if count}
    if any(word not in _SMALL_WORDS for word in left):
        return False
    signs = {count > 0 for count in left.values()}
    return len(signs) <= 1 and sum(abs(c) for c in left.values()) <= 2


_CHROME = frozenset(
    [
        "tableofcontents",
        "contents",
        "onthispage",
        "skiptocontent",
        "skiptomaincontent",
        "backtotop",
        "close",
        "menu",
        "sommaire",
        "tabledesmatieres",
        "inhaltsverzeichnis",
        "inhalt",
        "indice",
        "índice",
        "contenido",
        "inhoudsopgave",
        "inhoud",
    ]
)
"""A page's navigation labels, which a capture may or may not pick up with the text."""


def _unlabelled(text: str) -> str:
    return "".join(
        canonical(word)
        for word in without_dates(text).split()
        if canonical(word) not in _DATE_LINE_WORDS
    )


def _labelled_date(old: str, new: str, segments: tuple[Segment, ...]) -> bool:
    """Whether a dated clause only changed its date and the words that label it."""
    words = [w for s in segments if s.op != "=" for w in s.text.split()]
    if not all(date_word(w) or canonical(w) in _DATE_LINE_WORDS for w in words):
        return False
    if without_dates(new) == new or without_dates(old) == old:
        return False
    return _unlabelled(old) == _unlabelled(new)


def text_kind(old: str, new: str, segments: tuple[Segment, ...]) -> ChangeKind:
    """The kind of an edit of a clause's (or a passage's) text."""
    if canonical(old) == canonical(new):
        return ChangeKind.EDITORIAL
    if (_only_date_words(segments) or _renumbered(old, new)) and canonical(
        without_dates(old)
    ) == canonical(without_dates(new)):
        return ChangeKind.DATES
    if _typo_level(segments):
        return ChangeKind.EDITORIAL
    if (_ADDRESS.search(old) or _ADDRESS.search(new)) and canonical(
        _ADDRESS.sub("", old)
    ) == canonical(_ADDRESS.sub("", new)):
        return ChangeKind.EDITORIAL  # an address written shorter or longer
    if _labelled_date(old, new, segments):
        return ChangeKind.DATES
    if _words_moved(old, new, segments):
        return ChangeKind.EDITORIAL
    return ChangeKind.SUBSTANTIVE


_DATED_WORDS = 6
"""A clause added or removed whole is a date when, its dates taken out, at most this many
words are left ("Last updated:", "Effective from"), each of them one of :data:`_DATE_LABELS`."""
_DATE_LABELS = frozenset(
    [
        "last",
        "updated",
        "update",
        "updates",
        "modified",
        "modification",
        "revised",
        "revision",
        "effective",
        "date",
        "dated",
        "as",
        "of",
        "on",
        "from",
        "version",
        "published",
        "posted",
        "valid",
        "in",
        "effect",
        "since",
        "until",
        "at",
        "the",
        "dernière",
        "derniere",
        "mise",
        "mis",
        "à",
        "a",
        "jour",
        "le",
        "la",
        "du",
        "depuis",
        "en",
        "vigueur",
        "publié",
        "publie",
        "modifié",
        "modifie",
        "applicable",
        "zuletzt",
        "aktualisiert",
        "aktualisierung",
        "letzte",
        "stand",
        "gültig",
        "gultig",
        "ab",
        "vom",
        "am",
        "datum",
        "inkrafttreten",
        "fassung",
        "última",
        "ultima",
        "actualización",
        "actualizacion",
        "actualizado",
        "fecha",
        "vigente",
        "vigor",
        "desde",
        "el",
        "de",
        "efectiva",
        "ultimo",
        "aggiornamento",
        "aggiornato",
        "il",
        "data",
        "dal",
        "versione",
        "laatst",
        "bijgewerkt",
        "op",
        "van",
        "kracht",
        "ingangsdatum",
        "versie",
        "atualização",
        "atualizacao",
        "atualizado",
        "em",
        "versão",
        "versao",
    ]
)


def _added_kind(text: str) -> ChangeKind:
    """The kind of a clause added or removed whole: a line of punctuation is editorial; a
    date with a few words that only label it ("Last updated: ...") is a date; anything else
    (a name, a link's text, a list entry with its date) is substantive."""
    if not canonical(text) or canonical(text) in _CHROME:
        return ChangeKind.EDITORIAL
    if sum(1 for word in text.split() if not date_word(word)) > _DATED_WORDS:
        return ChangeKind.SUBSTANTIVE  # more words than a dated line, whatever its dates
    undated = without_dates(text)
    if undated == text:
        return ChangeKind.SUBSTANTIVE
    left = [canonical(word) for word in undated.split() if word != "DATE"]
    if len(left) <= _DATED_WORDS and all(not w or w in _DATE_LABELS for w in left):
        return ChangeKind.DATES
    return ChangeKind.SUBSTANTIVE


def _without_targets(text: str, targets: list[str]) -> str:
    for target in sorted(targets, key=len, reverse=True):
        text = text.replace(target, " ")
    return text


def classify(
    changes: list[Change],
    old_texts: list[str] | None,
    new_texts: list[str],
    old_links: Sequence[tuple[tuple[str, str], ...]] = (),
    new_links: Sequence[tuple[tuple[str, str], ...]] = (),
) -> ChangeKind:
    """The kind of a version's changes (its block texts as compared, before and after, and
    the links of each block)."""
    found: set[ChangeKind] = set()
    old_set = set(old_texts or ())
    new_set = set(new_texts)
    for change in changes:
        if change.status in (CHANGED, REWRITTEN):
            assert old_texts is not None
            old = "\n\n".join(old_texts[i] for i in change.old)
            new = "\n\n".join(new_texts[j] for j in change.new)
            kind = text_kind(old, new, change.segments)
            if kind is ChangeKind.SUBSTANTIVE and change.links:
                # A link whose address is also its text: the words changed with the target.
                olds = [link.old for link in change.links if link.old]
                news = [link.new for link in change.links if link.new]
                if canonical(_without_targets(old, olds)) == canonical(_without_targets(new, news)):
                    kind = ChangeKind.LINKS
            elif (
                kind is ChangeKind.DATES
                and any(not link.new for link in change.links)
                and any(not link.old for link in change.links)
            ):
                # A dated link replaced by another dated link ("1 July 2025 - 30 June 2026"
                # to a new file): a new entry of a list, not a new date on the same one.
                kind = ChangeKind.SUBSTANTIVE
            found.add(kind)
            if change.links:
                found.add(ChangeKind.LINKS)
        elif change.status == ADDED:
            text = " ".join(new_texts[j] for j in change.new)
            if all(new_texts[j] in old_set for j in change.new):
                found.add(ChangeKind.EDITORIAL)  # a line repeated
            else:
                linked = any(j < len(new_links) and new_links[j] for j in change.new)
                found.add(ChangeKind.SUBSTANTIVE if linked else _added_kind(text))
        elif change.status == REMOVED and old_texts is not None:
            text = " ".join(old_texts[i] for i in change.old)
            if all(old_texts[i] in new_set for i in change.old):
                found.add(ChangeKind.EDITORIAL)  # one of repeated lines dropped
            else:
                linked = any(i < len(old_links) and old_links[i] for i in change.old)
                found.add(ChangeKind.SUBSTANTIVE if linked else _added_kind(text))
        elif change.status == MOVED:
            found.add(ChangeKind.LINKS if change.links else ChangeKind.EDITORIAL)
        elif change.status == RELINKED:
            found.add(ChangeKind.LINKS)
        elif change.status == REFORMATTED:
            found.add(ChangeKind.FORMATTING)
    for kind in _ORDER:
        if kind in found:
            return kind
    return ChangeKind.FORMATTING


def version_kind(
    recorded: VersionKind, after_removal: bool, computed: ChangeKind | None
) -> ChangeKind:
    """A version's kind: what the archive says it is, or what its changes are."""
    if recorded is VersionKind.REMOVAL:
        return ChangeKind.REMOVAL
    if recorded is VersionKind.TECHNICAL and computed is not ChangeKind.CAPTURE_FAILURE:
        return ChangeKind.TECHNICAL
    if after_removal:
        return ChangeKind.RESTORED
    if recorded is VersionKind.FIRST or computed is None:
        return ChangeKind.FIRST
    return computed


_FAILURE = re.compile(
    r"page (?:isn['’]t|is not|not) (?:available|found)|not available at the moment"
    r"|(?:an )?unexpected error|something went wrong|an error (?:has )?occurred"
    r"|error (?:40[0-9]|50[0-9])|\b(?:403|404|429|500|502|503)\b.{0,40}"
    r"(?:forbidden|not found|error|unavailable|too many)|access (?:denied|forbidden)"
    r"|too many requests|service (?:temporarily )?unavailable|temporarily unavailable"
    r"|try (?:again later|reloading)|reload(?:ing)? (?:the|this) page|redirecting to"
    r"|enable javascript|javascript is (?:disabled|required)|checking your browser"
    r"|verify (?:that )?you are (?:a )?human|are you a robot|just a moment|captcha"
    r"|under maintenance|request (?:was )?blocked|you have been blocked"
    r"|page introuvable|n['’]est pas disponible|une erreur (?:est survenue|s['’]est produite)"
    r"|accès refusé|réessayez|rechargez la page|redirection"
    r"|nicht verfügbar|nicht gefunden|ein fehler ist aufgetreten|technischen fehler"
    r"|zugriff verweigert|versuche es später|seite (?:noch einmal|erneut) zu laden"
    r"|página no encontrada|no está disponible|se ha producido un error|ha ocurrido un error"
    r"|acceso denegado|inténtalo (?:de nuevo|más tarde)"
    r"|pagina non trovata|non è disponibile|si è verificato un errore|accesso negato"
    r"|pagina niet gevonden|niet beschikbaar|er is een fout opgetreden|toegang geweigerd"
    r"|página não encontrada|não está disponível|ocorreu um erro|acesso negado"
    r"|strona nie (?:została znaleziona|jest dostępna)|wystąpił błąd",
    re.IGNORECASE,
)
FAILURE_WORDS = 120
"""An error, block or "not available" page is short: at most this many words."""
COLLAPSED = 0.25
"""A text collapsed when it keeps less than this share of the previous text's words."""
COLLAPSE_FROM = 200
"""... and the previous text had at least this many words (a short notice that shrinks is an
edit, not a collapse)."""
RECOVERED = 0.5
"""A collapse was restored when the next text has at least this share of the words the
text had before the collapse."""


BANNER_BLOCKS = 3
"""An error banner stands among the first blocks of a text ..."""
BANNER_WORDS = 30
"""... each of at most this many words."""


def reads_as_failure(texts: list[str]) -> bool:
    """Whether a version's text, short, reads as an error, block or "not available" page
    (in the languages Open Terms Archive collections use)."""
    words = sum(len(text.split()) for text in texts)
    return 0 < words <= FAILURE_WORDS and bool(_FAILURE.search(" ".join(texts)))


def error_banner(texts: list[str]) -> bool:
    """Whether a text opens with an error page's banner ("This page isn't available"),
    whatever follows it (some pages show another, unrelated document below the error)."""
    opening = [text for text in texts[:BANNER_BLOCKS] if len(text.split()) <= BANNER_WORDS]
    return bool(opening) and bool(_FAILURE.search(" ".join(opening)))


def collapsed(words: int, before: int) -> bool:
    """Whether a text of ``words`` words is a collapse of one of ``before`` words."""
    return before >= COLLAPSE_FROM and words < COLLAPSED * before


class Recurrence(NamedTuple):
    """Whether a version's changes only take back wordings the document had before."""

    recurs: bool
    """Every changed clause took back a wording (or an absence) it had before."""
    clauses: tuple[int, ...]
    """The new version's blocks whose wording recurs."""


def recurrence(
    changes: list[Change],
    old_texts: list[str],
    new_texts: list[str],
    present: set[str],
    absent: set[str],
) -> Recurrence:
    """Whether each changed clause takes back a wording it had before in this document.

    ``present`` holds every clause text the document's earlier versions had; ``absent``
    those an earlier version lacked (added after the first record, or removed since). A
    clause edited or added recurs when its new text was present before; a clause removed,
    when an earlier version lacked it (a clause added lately is withdrawn: the document
    goes back to a wording it had). Changes that are not substantive on their own (a date,
    a link, markup) do not stand in the way.
    """
    found: list[int] = []
    substantive = False
    for change in changes:
        olds = [old_texts[i] for i in change.old]
        news = [new_texts[j] for j in change.new]
        if change.status in (CHANGED, REWRITTEN):
            own = text_kind("\n\n".join(olds), "\n\n".join(news), change.segments)
        elif change.status == ADDED:
            own = _added_kind(" ".join(news))
        elif change.status == REMOVED:
            own = _added_kind(" ".join(olds))
        else:
            continue
        if own is not ChangeKind.SUBSTANTIVE:
            continue
        substantive = True
        if change.status == REMOVED:
            back = all(t in absent for t in olds)
        else:
            back = bool(news) and all(t in present for t in news)
        if not back:
            return Recurrence(False, ())
        found.extend(change.new)
    return Recurrence(substantive, tuple(found))
