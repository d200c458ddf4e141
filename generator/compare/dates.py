"""Dates in clause texts, absolute ("1 March 2026", "2026-03-01") or relative ("3 days ago",
"il y a 3 jours", "vor 2 Tagen"): a change that only moves them is a change of dates."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "janvier",
    "février",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "decembre",
    "januar",
    "februar",
    "märz",
    "maerz",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "gennaio",
    "febbraio",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "settembre",
    "ottobre",
    "dicembre",
    "januari",
    "februari",
    "maart",
    "mei",
    "augustus",
    "oktober",
]
_DATE = re.compile(
    r"\b(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"
    r"|(?:\d{1,2}(?:st|nd|rd|th|er|\.)?\s+)?(?:" + "|".join(_MONTHS) + r")\.?"
    r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?,?(?:\s+\d{4})?)\b",
    re.IGNORECASE,
)
# Relative dates, as pages that show their age write them ("Updated: 3 days ago"), in the
# languages of Open Terms Archive collections. Each word they may use is in _RELATIVE_WORDS.
_UNITS = {
    "en": "(?:second|minute|hour|day|week|month|year)s?",
    "fr": "(?:secondes?|minutes?|heures?|jours?|semaines?|mois|ans?|années?)",
    "de": "(?:Sekunden?|Minuten?|Stunden?|Tag(?:en)?|Wochen?|Monat(?:en)?|Jahr(?:en)?)",
    "es": "(?:segundos?|minutos?|horas?|d[ií]as?|semanas?|mes(?:es)?|años?)",
    "it": "(?:secondi|minuti|or[ae]|giorn[oi]|settiman[ae]|mes[ei]|ann[oi])",
    "nl": "(?:seconden|minuten|uur|dag(?:en)?|weken|week|maand(?:en)?|jaar)",
    "pt": "(?:segundos?|minutos?|horas?|dias?|semanas?|mês|meses|anos?)",
}
_COUNT = r"(?:\d+|an?|one|a\s+few|several|un|une|quelques|einem|einer|wenigen|una|uno|um|uma|een)"
_RELATIVE = re.compile(
    r"\b(?:"
    rf"{_COUNT}\s+{_UNITS['en']}\s+ago"
    rf"|il\s+y\s+a\s+{_COUNT}\s+{_UNITS['fr']}"
    rf"|vor\s+{_COUNT}\s+{_UNITS['de']}"
    rf"|hace\s+{_COUNT}\s+{_UNITS['es']}"
    rf"|{_COUNT}\s+{_UNITS['it']}\s+fa"
    rf"|{_COUNT}\s+{_UNITS['nl']}\s+geleden"
    rf"|há\s+{_COUNT}\s+{_UNITS['pt']}"
    r"|yesterday|today|just\s+now|hier|aujourd['’]hui|gestern|heute|ayer|hoy|ieri|oggi"
    r"|gisteren|vandaag|ontem|hoje"
    r")\b",
    re.IGNORECASE,
)
_RELATIVE_WORDS = frozenset(
    [
        "ago",
        "a",
        "an",
        "one",
        "few",
        "several",
        "un",
        "une",
        "quelques",
        "einem",
        "einer",
        "wenigen",
        "una",
        "uno",
        "um",
        "uma",
        "een",
        "second",
        "seconds",
        "minute",
        "minutes",
        "hour",
        "hours",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "il",
        "y",
        "seconde",
        "secondes",
        "heure",
        "heures",
        "jour",
        "jours",
        "semaine",
        "semaines",
        "mois",
        "ans",
        "année",
        "années",
        "vor",
        "sekunde",
        "sekunden",
        "minuten",
        "stunde",
        "stunden",
        "tag",
        "tagen",
        "woche",
        "wochen",
        "monat",
        "monaten",
        "jahr",
        "jahren",
        "hace",
        "segundo",
        "segundos",
        "minuto",
        "minutos",
        "hora",
        "horas",
        "día",
        "días",
        "dia",
        "dias",
        "semana",
        "semanas",
        "mes",
        "meses",
        "año",
        "años",
        "fa",
        "secondi",
        "minuti",
        "ora",
        "ore",
        "giorno",
        "giorni",
        "settimana",
        "settimane",
        "mese",
        "mesi",
        "anno",
        "anni",
        "geleden",
        "seconden",
        "uur",
        "dag",
        "dagen",
        "weken",
        "maand",
        "maanden",
        "jaar",
        "há",
        "mês",
        "ano",
        "anos",
        "yesterday",
        "today",
        "just",
        "now",
        "hier",
        "aujourd",
        "hui",
        "gestern",
        "heute",
        "ayer",
        "hoy",
        "ieri",
        "oggi",
        "gisteren",
        "vandaag",
        "ontem",
        "hoje",
    ]
)

ENUMERATOR = re.compile(
    r"^\s*(?:\(?(?:(?:[a-z]\.)?\d+(?:\.\d+)*(?:\.[a-z])?|[a-z]|[ivxlc]+)[.)]\s+)+", re.IGNORECASE
)
_TAG = re.compile(r"</?[a-z]+\s*/?>", re.IGNORECASE)


SHORT = 64
"""Texts up to this many characters (words, short lines) are remembered by :func:`canonical`:
the kinds of change ask for the same words over and over."""


def canonical(text: str) -> str:
    """Text with what editorial changes touch taken away: case, punctuation, white space,
    HTML line breaks and a clause's leading number ("4.", "(b)", "A.1.")."""
    if len(text) <= SHORT:
        return _canonical_short(text)
    return _canonical(text)


@lru_cache(maxsize=1 << 16)
def _canonical_short(text: str) -> str:
    return _canonical(text)


def _canonical(text: str) -> str:
    text = ENUMERATOR.sub("", unicodedata.normalize("NFKC", text))
    if "<" in text:
        text = _TAG.sub(" ", text)  # line breaks and the like, left in tables' cells
    return _NOT_ALNUM.sub("", text.casefold())


_NOT_ALNUM = re.compile(r"[\W_]+")
"""What is not a letter or digit: ``re``'s word characters are exactly those for which
``str.isalnum`` holds, and the underscore (one pass in C, not a Python loop per character)."""


def without_dates(text: str) -> str:
    """The text with each date, absolute or relative, replaced by the word DATE."""
    return _RELATIVE.sub(" DATE ", _DATE.sub(" DATE ", text))


_MONTH_WORDS = frozenset(_MONTHS)
_NUMBER_PART = re.compile(r"\d+(?:st|nd|rd|th|er)?")
_ALNUM_RUN = re.compile(r"[^\W_]+")


def date_word(word: str) -> bool:
    """Whether a word could be part of a date (numbers, months, ordinals, whatever joins
    them), or could be dropped by :func:`canonical` (no letter or digit; a list number):
    the quick tests of :mod:`.kinds` stay exact as long as this says yes to every such word (a yes
    only costs time)."""
    return _date_word_short(word) if len(word) <= SHORT else _date_word(word)


@lru_cache(maxsize=1 << 16)
def _date_word_short(word: str) -> bool:
    return _date_word(word)


def _date_word(word: str) -> bool:
    if ENUMERATOR.fullmatch(word + " "):
        return True
    return all(
        part in _MONTH_WORDS or part in _RELATIVE_WORDS or _NUMBER_PART.fullmatch(part)
        for part in _ALNUM_RUN.findall(word.casefold())
    )
