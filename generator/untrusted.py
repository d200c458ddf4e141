"""Rules for text nobody here wrote: archived texts, file names, commit messages, YAML.

Shared by every stage that takes such text in or puts it out: invisible characters that
could disguise text are removed, and only harmless link targets are let through.
"""

from __future__ import annotations

import re

# Bidirectional embeddings, overrides and isolates; zero-width and other invisible
# formatting characters; the byte-order mark. Soft hyphens are harmless but hide words.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SAFE_SCHEME = re.compile(r"^(?:https?:|mailto:)", re.IGNORECASE)
EXTERNAL = re.compile(r"^(?:https?:|//)", re.IGNORECASE)
"""Links that leave the site (they get ``rel="nofollow"``; no page sends a referrer)."""
_ANY_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def clean_text(text: str) -> str:
    """Remove characters that could disguise or break text shown to readers."""
    return _CONTROL.sub("", _INVISIBLE.sub("", text))


def safe_url(url: str) -> bool:
    """True for http(s), mailto, scheme-less (relative or fragment) URLs and network-path
    references (``//host/path``, which browsers open over the page's own https)."""
    compact = re.sub(r"[\s\x00-\x1f]", "", url)
    if SAFE_SCHEME.match(compact):
        return True
    return not _ANY_SCHEME.match(compact)
